/**
 * A child of `npm run bench:source-addresses`: opens socket.io-client connections (websocket) to one
 * URL and holds them, from the source addresses it is given through gatecheck's own code
 * (sourceAddressOf + sourceAddressOptions, what `--source-addresses` runs in every load VU) or from
 * none. One process holds at most what its open-files limit allows, so the bench runs several: the
 * ephemeral ports they draw from are the kernel's, shared by all of them.
 *
 * IPC: {kind: 'open', ...} starts opening (at most `inFlight` handshakes at a time; it stops early after
 * `giveUpAfter` failures in a row); progress reports every 500 ms and a last one with `done`.
 * Run by bench/source-addresses.ts (child_process.fork).
 */
import { io, type Socket } from 'socket.io-client';
import { sourceAddressOf, sourceAddressOptions } from '../src/load/source-addresses.js';

export interface OpenCommand {
  kind: 'open';
  url: string;
  /** Connections to try; slot numbers firstSlot.. pick the source address in turn. */
  count: number;
  firstSlot: number;
  addresses: string[];
  inFlight: number;
  giveUpAfter: number;
  timeoutMs: number;
}

export interface HolderReport {
  kind: 'progress';
  done: boolean;
  attempted: number;
  connected: number;
  /** Connected sockets that dropped afterwards. */
  dropped: number;
  /** Failed handshakes by the system error code under them (EADDRNOTAVAIL, ECONNREFUSED, ...) or the message. */
  failures: Record<string, number>;
  /** This holder's connected count when its first failure came, and when (epoch ms). */
  firstFailure?: { code: string; connectedBefore: number; at: number };
  connectMs?: { p50: number; p95: number; p99: number; max: number };
  rssBytes: number;
}

/**
 * The system error code under a failed socket.io-client handshake: engine.io wraps the websocket's
 * error event (whose `error` is Node's, with `code`), socket.io wraps that.
 */
export function failureCode(err: unknown): string {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const o = e as { code?: unknown; message?: unknown; description?: unknown; error?: unknown; context?: unknown; cause?: unknown };
    if (typeof o.code === 'string' && /^E[A-Z]+$/.test(o.code)) return o.code;
    const inMessage = typeof o.message === 'string' ? /\b(E[A-Z]{4,})\b/.exec(o.message) : null;
    if (inMessage) return inMessage[1];
    queue.push(o.description, o.error, o.cause, o.context);
  }
  return err instanceof Error ? err.message : String(err);
}

const sockets: Socket[] = [];
const connectMs: number[] = [];
const failures: Record<string, number> = {};
let attempted = 0;
let connected = 0;
let dropped = 0;
let done = false;
let firstFailure: HolderReport['firstFailure'];

function connectOne(cmd: OpenCommand, slot: number): Promise<'ok' | string> {
  const started = performance.now();
  const socket = io(cmd.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: cmd.timeoutMs,
    ...(sourceAddressOptions(cmd.url, sourceAddressOf(cmd.addresses, slot)) as object),
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      connectMs.push(performance.now() - started);
      sockets.push(socket);
      socket.once('disconnect', () => dropped++);
      resolve('ok');
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve(failureCode(err));
    });
  });
}

async function open(cmd: OpenCommand): Promise<void> {
  let next = 0;
  let failedInARow = 0;
  const worker = async () => {
    while (next < cmd.count && failedInARow < cmd.giveUpAfter) {
      const slot = cmd.firstSlot + next++;
      attempted++;
      const outcome = await connectOne(cmd, slot);
      if (outcome === 'ok') {
        connected++;
        failedInARow = 0;
        continue;
      }
      failures[outcome] = (failures[outcome] ?? 0) + 1;
      firstFailure ??= { code: outcome, connectedBefore: connected, at: Date.now() };
      failedInARow++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, cmd.inFlight) }, worker));
  done = true;
  report();
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

function report(): void {
  const sorted = [...connectMs].sort((a, b) => a - b);
  const latency = sorted.length ? { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1)! } : undefined;
  const message: HolderReport = { kind: 'progress', done, attempted, connected, dropped, failures, firstFailure, connectMs: latency, rssBytes: process.memoryUsage.rss() };
  process.send?.(message);
}

const timer = setInterval(report, 500);
report(); // the start-up RSS, before any socket
process.on('message', (cmd: OpenCommand | { kind: 'exit' }) => {
  if (cmd.kind === 'open') void open(cmd);
  else {
    clearInterval(timer);
    process.exit(0);
  }
});
// The bench ended without telling us (it crashed): go too.
process.on('disconnect', () => process.exit(0));
