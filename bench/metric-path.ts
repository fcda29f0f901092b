/**
 * What the processor's metrics cost the Artillery worker per delivery, without a network: the fan-out's
 * metric calls for a 5 s window at a given delivery rate, sent (a) the way the processor used to, one
 * Artillery emit per value, and (b) through metric-batch.ts (sums and log-bucket sketches, one flush a
 * second), both into Artillery's own metric store (SSMS, as its worker wires it), followed by the
 * aggregation Artillery runs every 5 s on the same event loop. Prints CPU per delivery and the longest
 * single stall of the event loop (the aggregation), which lands on the deliveries timed during it.
 *
 * Run: npm run build && node dist/bench/metric-path.js [deliveries per second ...]  (default 750 3750 5625)
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { batched, flushMetrics } from '../src/load/metric-batch.js';
import { bucketOf } from '../src/load/stamp.js';
import type { Events } from '../src/load/vu-kit.js';

interface Ssms {
  counter(name: string, value: number): void;
  summary(name: string, value: number): void;
  aggregate(forceAll?: boolean): void;
  stop(): void;
}

const WINDOW_S = 5;
const RECEIVERS = 3;
const REPEATS = 5;

async function artilleryStore(): Promise<{ ssms: Ssms; events: Events }> {
  const root = dirname(createRequire(import.meta.url).resolve('artillery/package.json'));
  const { SSMS } = (await import(pathToFileURL(join(root, 'dist', 'lib', 'core', 'ssms.js')).href)) as { SSMS: new (o: object) => Ssms };
  const ssms = new SSMS({ pullOnly: true });
  // As Artillery's runner wires a worker's scenario events to its store.
  const ee = new EventEmitter();
  ee.on('counter', (name: string, value: number) => ssms.counter(name, value));
  ee.on('histogram', (name: string, value: number) => ssms.summary(name, value));
  return { ssms, events: ee as unknown as Events };
}

/** The fan-out's metric calls for one message and its deliveries (src/load/fanout-vu.ts). */
function oneMessage(events: Events, sender: number, perSender: boolean, latency: () => number): void {
  events.emit('counter', 'fanout.sent', 1);
  for (const name of ['fanout.expected', 'fanout.expected.cross_instance']) events.emit('counter', name, RECEIVERS - 1);
  if (perSender) {
    events.emit('counter', `fanout.sender.${sender}.sent`, 1);
    events.emit('counter', `fanout.sender.${sender}.expected`, RECEIVERS);
  }
  events.emit('counter', 'fanout.expected.same_instance', 1);
  events.emit('histogram', 'fanout.ack_ms', latency());
  events.emit('counter', 'fanout.acked', 1);
  for (let r = 0; r < RECEIVERS; r++) {
    const where = r === 0 ? 'same_instance' : 'cross_instance';
    const l = latency();
    events.emit('counter', 'fanout.received', 1);
    events.emit('counter', `fanout.received.${where}`, 1);
    if (perSender) events.emit('counter', `fanout.sender.${sender}.received`, 1);
    events.emit('histogram', 'fanout.latency_ms', l);
    events.emit('histogram', `fanout.latency_ms.${where}`, l);
    events.emit('histogram', 'fanout.emit_latency_ms', l - 1);
    events.emit('counter', `fanout.latency_bucket.${bucketOf(l)}`, 1);
  }
}

const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

async function measure(rate: number, mode: 'per-value' | 'batched'): Promise<{ emitUs: number; stallMs: number; stallCpuMs: number; emits: number }> {
  const { ssms, events: raw } = await artilleryStore();
  let emits = 0;
  const counted: Events = { emit: (kind, name, value) => (emits++, raw.emit(kind, name, value)) };
  const events = mode === 'batched' ? batched(counted) : counted;
  const messagesPerSecond = rate / RECEIVERS;
  // One message a second per sender, as in bench:load; per-sender counters only up to 100 senders (perSenderLimit).
  const senders = Math.max(1, Math.round(messagesPerSecond));
  const perSender = senders <= 100;
  let seed = 1;
  const latency = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 100 < 97 ? 1 + (seed % 6) : 10 + (seed % 300));
  const before = cpuUs();
  for (let s = 0; s < WINDOW_S; s++) {
    for (let m = 0; m < messagesPerSecond; m++) oneMessage(events, m % senders, perSender, latency);
    if (mode === 'batched') flushMetrics();
  }
  const emitUs = cpuUs() - before;
  const [t0, c0] = [performance.now(), cpuUs()];
  ssms.aggregate(true);
  const [stallMs, stallCpuMs] = [performance.now() - t0, (cpuUs() - c0) / 1000];
  ssms.stop();
  return { emitUs, stallMs, stallCpuMs, emits };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const rates = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const out: string[] = [];
  out.push(`Fan-out metric calls for ${WINDOW_S} s of deliveries into Artillery's metric store (median of ${REPEATS}):`);
  out.push('');
  out.push('| deliveries/s | path | Artillery emits per delivery | CPU µs per delivery (emits) | Artillery aggregation per 5 s: CPU ms / wall ms (one event-loop stall) | CPU µs per delivery incl. aggregation |');
  out.push('| --- | --- | --- | --- | --- | --- |');
  for (const rate of rates.length ? rates : [750, 3750, 5625]) {
    for (const mode of ['per-value', 'batched'] as const) {
      await measure(rate, mode); // warm-up
      const runs = [];
      for (let i = 0; i < REPEATS; i++) runs.push(await measure(rate, mode));
      const deliveries = rate * WINDOW_S;
      const emitUs = median(runs.map((r) => r.emitUs)) / deliveries;
      const stallCpu = median(runs.map((r) => r.stallCpuMs));
      const stallWall = median(runs.map((r) => r.stallMs));
      const emitsPerDelivery = median(runs.map((r) => r.emits)) / deliveries;
      out.push(`| ${rate} | ${mode} | ${emitsPerDelivery.toFixed(emitsPerDelivery < 1 ? 3 : 1)} | ${emitUs.toFixed(2)} | ${stallCpu.toFixed(1)} / ${stallWall.toFixed(1)} | ${(emitUs + (stallCpu * 1000) / deliveries).toFixed(2)} |`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench:metric-path broke: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);
