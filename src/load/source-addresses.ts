import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIPv4 } from 'node:net';

/** Above this many addresses a spec is more likely a typo than a plan. */
const MAX_ADDRESSES = 254;

const toInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/**
 * The local addresses client sockets are spread over: `127.0.0.2-127.0.0.9` (a range), a comma list, or
 * a count N (127.0.0.1 to 127.0.0.N). Each address has its own ~28k ephemeral ports
 * (net.ipv4.ip_local_port_range), so N addresses carry N times the connections. Answers a message for
 * a spec it cannot read.
 */
export function parseSourceAddresses(spec: string): string[] | string {
  const text = spec.trim();
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < 1 || n > MAX_ADDRESSES) return `a count of source addresses must be 1 to ${MAX_ADDRESSES}, not ${n}`;
    return Array.from({ length: n }, (_, i) => `127.0.0.${i + 1}`);
  }
  const range = /^([\d.]+)\s*-\s*([\d.]+)$/.exec(text);
  if (range) {
    const [from, to] = [range[1], range[2]];
    if (!isIPv4(from) || !isIPv4(to)) return `"${text}" is not a range of IPv4 addresses (e.g. 127.0.0.2-127.0.0.9)`;
    const [a, b] = [toInt(from), toInt(to)];
    if (b < a) return `the range ${text} ends before it starts`;
    if (b - a + 1 > MAX_ADDRESSES) return `the range ${text} has ${b - a + 1} addresses; at most ${MAX_ADDRESSES}`;
    return Array.from({ length: b - a + 1 }, (_, i) => toIp(a + i));
  }
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((ip) => !isIPv4(ip));
  if (!list.length || bad !== undefined) return `"${bad ?? text}" is not an IPv4 address; give a range (127.0.0.2-127.0.0.9), a comma list or a count`;
  if (list.length > MAX_ADDRESSES) return `${list.length} source addresses; at most ${MAX_ADDRESSES}`;
  return list;
}

const agents = new Map<string, HttpAgent>();

/**
 * socket.io-client options that make one connection leave from `address`: `localAddress` for the
 * websocket transport (engine.io-client hands it to `ws`) and an http(s).Agent bound to it for polling
 * and the websocket's HTTP upgrade. One agent per address and protocol, shared by the worker's sockets.
 */
export function sourceAddressOptions(url: string, address: string | undefined): { localAddress?: string; agent?: HttpAgent } {
  if (!address) return {};
  const secure = /^(https|wss):/.test(url);
  const key = `${secure ? 's' : ''}${address}`;
  let agent = agents.get(key);
  if (!agent) agents.set(key, (agent = secure ? new HttpsAgent({ localAddress: address }) : new HttpAgent({ localAddress: address })));
  return { localAddress: address, agent };
}

/** The address of a slot: slots take the addresses in turn. */
export const sourceAddressOf = (addresses: readonly string[] | undefined, slot: number): string | undefined => (addresses?.length ? addresses[slot % addresses.length] : undefined);

/** The source addresses a run's scenario variables name (`sourceAddresses`; the CLI checked the spec), or none. */
export function sourceAddressesOf(vars: Record<string, unknown>): string[] | undefined {
  if (!vars.sourceAddresses) return undefined;
  const parsed = parseSourceAddresses(String(vars.sourceAddresses));
  if (typeof parsed === 'string') throw new Error(`sourceAddresses: ${parsed}`);
  return parsed;
}
