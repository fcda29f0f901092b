import { LogSketch, SKETCH_INFIX, SUM_KEY } from './log-sketch.js';
import type { Events } from './vu-kit.js';

/** How often a VU process hands what it gathered to Artillery. */
export const FLUSH_MS = 1000;
/**
 * Set by the CLI for short runs: the width (ms) of the finer reporting periods the report's time
 * series uses instead of Artillery's fixed 10 s ones. Unset: Artillery's periods only.
 */
export const PERIOD_ENV = 'GATECHECK_PERIOD_MS';
/**
 * Counters gatecheck reads from Artillery's output but nobody reads on its console: Artillery leaves
 * them out of its periodic reports (the plugin of artillery-plugin-gatecheck/ with suppressOutput), and
 * report.json has them under their names without the prefix (fold-sketches.ts).
 */
export const HIDDEN_PREFIX = 'plugins.gatecheck.';
/** Counters of one finer period are named `FINE_PREFIX<period start, epoch ms>.<name>`. */
export const FINE_PREFIX = `${HIDDEN_PREFIX}fine.`;

/** The finer period width for a run of this many seconds: about 30 or more points on the time series. */
export function periodMsFor(runSeconds: number): number | undefined {
  if (runSeconds <= 60) return 1000;
  if (runSeconds <= 150) return 2000;
  if (runSeconds <= 300) return 5000;
  return undefined;
}

/** The env that turns finer periods on for a run of this many seconds (none for a long run). */
export function finerPeriods(runSeconds: number): Record<string, string> {
  const ms = periodMsFor(runSeconds);
  return ms ? { [PERIOD_ENV]: String(ms) } : {};
}

/** Counters summed and histograms sketched, until they are emitted. */
class Bag {
  readonly counters = new Map<string, number>();
  readonly sketches = new Map<string, LogSketch>();

  record(kind: 'counter' | 'histogram', name: string, value: number): void {
    if (kind === 'counter') this.counters.set(name, (this.counters.get(name) ?? 0) + value);
    else {
      let sketch = this.sketches.get(name);
      if (!sketch) this.sketches.set(name, (sketch = new LogSketch()));
      sketch.record(value);
    }
  }

  emitTo(sink: Events, prefix = ''): void {
    for (const [name, value] of this.counters) sink.emit('counter', `${prefix}${name}`, value);
    for (const [name, sketch] of this.sketches) {
      for (const [key, n] of sketch.buckets) sink.emit('counter', `${prefix}${name}${SKETCH_INFIX}${key}`, n);
      sink.emit('counter', `${prefix}${name}${SKETCH_INFIX}${SUM_KEY}`, sketch.sum);
    }
  }
}

/**
 * Everything the VUs of one process measure, gathered locally and handed to Artillery in one batch a
 * second: counters summed, histograms recorded in a LogSketch and shipped as its bucket counts. An
 * Artillery `emit` per value queues the value until Artillery's 5-second aggregation, which then runs
 * through all of them on the event loop the deliveries are timed on; a fan-out at 5,000 deliveries/s
 * made ~35,000 emits a second. Batched, it is a few hundred a second, whatever the rate. With finer
 * periods on, each value is also kept in the bag of the period it was measured in.
 */
class MetricBatch {
  private bag = new Bag();
  private fine = new Map<number, Bag>();
  private sink?: Events;
  private timer?: NodeJS.Timeout;

  constructor(private readonly periodMs: number | undefined) {}

  record(sink: Events, kind: 'counter' | 'histogram', name: string, value: number): void {
    this.sink = sink;
    this.bag.record(kind, name, value);
    if (this.periodMs) {
      const at = Math.floor(Date.now() / this.periodMs) * this.periodMs;
      let bag = this.fine.get(at);
      if (!bag) this.fine.set(at, (bag = new Bag()));
      bag.record(kind, name, value);
    }
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const sink = this.sink;
    if (!sink) return;
    this.bag.emitTo(sink);
    this.bag = new Bag();
    for (const [at, bag] of this.fine) bag.emitTo(sink, `${FINE_PREFIX}${at}.`);
    this.fine.clear();
  }
}

const periodMs = Number(process.env[PERIOD_ENV]);
const batch = new MetricBatch(Number.isFinite(periodMs) && periodMs > 0 ? periodMs : undefined);

/** An Events that gathers into this process's batch instead of emitting each value to Artillery. */
export function batched(events: Events): Events {
  return { emit: (kind, name, value) => batch.record(events, kind, name, value) };
}

/** Hands everything gathered so far to Artillery (a VU calls it as it ends, so nothing waits for the timer). */
export function flushMetrics(): void {
  batch.flush();
}
