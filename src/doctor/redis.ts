import { createClient } from 'redis';
import { resolveSecret } from '../config/load.js';
import { errorMessage } from '../errors.js';
import type { CheckLine } from '../model/doctor.js';
import type { DoctorSession, LiveSocket } from './session.js';

const openClient = (url: string) => createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
type Client = ReturnType<typeof openClient>;

/** How long the server may take to write its bookkeeping after `connected`. */
const BOOKKEEPING_WAIT_MS = 1000;
/** A key hunt on a shared Redis stops after this many keys scanned. */
const SCAN_BUDGET = 20_000;

/**
 * capabilities.redis: the URL answers PING, and (chat-service) after one accepted connection the
 * declared key patterns hold it: keys.connections has the socket id, keys.socket exists, keys.online
 * has the user. A pattern that finds nothing says which keys do mention the user or socket. Read-only.
 * Problems are warnings: only the bookkeeping checks depend on them.
 */
export async function checkRedis(session: DoctorSession, live: LiveSocket | undefined): Promise<CheckLine[]> {
  const redis = session.config.capabilities.redis;
  if (!redis) return [{ group: 'redis', status: 'skip', message: 'capabilities.redis is not declared: the cases that read the server\'s bookkeeping will not' }];
  let url: string;
  try {
    url = resolveSecret(redis.url, 'capabilities.redis.url');
  } catch (err) {
    return [{ group: 'redis', status: 'skip', message: `not checked: ${errorMessage(err)}` }];
  }
  const client = openClient(url);
  client.on('error', () => {});
  try {
    try {
      await client.connect();
      await client.ping();
    } catch (err) {
      return [{ group: 'redis', status: 'warn', message: `capabilities.redis.url does not answer: ${errorMessage(err)}`, fix: "point capabilities.redis.url at the Redis the gateway's bookkeeping uses" }];
    }
    const lines: CheckLine[] = [{ group: 'redis', status: 'ok', message: 'capabilities.redis.url answers PING' }];
    if (session.config.dialect !== 'chat-service') return lines;
    if (!live?.probe.id) return [...lines, { group: 'redis', status: 'skip', message: 'key patterns not checked: no connection was accepted' }];
    return [...lines, ...(await checkKeys(client, redis.keys, live.userId, live.probe.id))];
  } finally {
    if (client.isOpen) await client.quit().catch(() => {});
  }
}

async function checkKeys(client: Client, keys: { connections: string; socket: string; online: string }, userId: string, socketId: string): Promise<CheckLine[]> {
  const connections = keys.connections.replaceAll('{userId}', userId);
  const socket = keys.socket.replaceAll('{socketId}', socketId);
  const checks: Array<{ name: string; key: string; holds: () => Promise<string | undefined>; hunt: string; what: string; found: string }> = [
    { name: 'keys.connections', key: connections, holds: () => setHas(client, connections, socketId), hunt: userId, what: `socket ${socketId} of user ${userId}`, found: `holds socket ${socketId}` },
    { name: 'keys.socket', key: socket, holds: () => exists(client, socket), hunt: socketId, what: `socket ${socketId}`, found: 'exists' },
    { name: 'keys.online', key: keys.online, holds: () => setHas(client, keys.online, userId), hunt: userId, what: `user ${userId}`, found: `holds user ${userId}` },
  ];
  const lines: CheckLine[] = [];
  for (const check of checks) {
    const problem = await eventually(check.holds);
    if (!problem) {
      lines.push({ group: 'redis', status: 'ok', message: `${check.name}: ${check.key} ${check.found}` });
      continue;
    }
    const candidates = await keysMentioning(client, check.hunt);
    lines.push({
      group: 'redis',
      status: 'warn',
      message: `${check.name}: ${check.key} ${problem} after ${check.what} connected`,
      fix: candidates.length
        ? `keys that mention ${check.hunt}: ${candidates.join(', ')}; set capabilities.redis.${check.name} to the pattern of the right one ({userId}, {socketId})`
        : `no key mentions ${check.hunt}: is capabilities.redis.url the Redis of the gateway's bookkeeping?`,
    });
  }
  return lines;
}

/** undefined once the check holds, else the last problem after BOOKKEEPING_WAIT_MS. */
async function eventually(check: () => Promise<string | undefined>): Promise<string | undefined> {
  const deadline = Date.now() + BOOKKEEPING_WAIT_MS;
  for (;;) {
    const problem = await check();
    if (!problem || Date.now() > deadline) return problem;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function setHas(client: Client, key: string, member: string): Promise<string | undefined> {
  const type = await client.type(key);
  if (type === 'none') return 'does not exist';
  if (type !== 'set') return `is a ${type}, not a set`;
  return (await client.sIsMember(key, member)) ? undefined : `does not contain ${member}`;
}

async function exists(client: Client, key: string): Promise<string | undefined> {
  return (await client.exists(key)) ? undefined : 'does not exist';
}

/** At most 5 keys whose name contains `text`, scanning at most SCAN_BUDGET keys. */
async function keysMentioning(client: Client, text: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  let scanned = 0;
  do {
    const reply = await client.scan(cursor, { MATCH: `*${text.replace(/[*?[\]\\]/g, '\\$&')}*`, COUNT: 1000 });
    cursor = String(reply.cursor);
    found.push(...reply.keys.map(String));
    scanned += 1000;
  } while (cursor !== '0' && found.length < 5 && scanned < SCAN_BUDGET);
  return found.slice(0, 5);
}
