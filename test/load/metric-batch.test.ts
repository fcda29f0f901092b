import { afterEach, describe, expect, it, vi } from 'vitest';
import { foldSketches } from '../../src/load/fold-sketches.js';
import { ALPHA, keyOf, LogSketch, sketchesIn, valueOf } from '../../src/load/log-sketch.js';
import { batched, flushMetrics } from '../../src/load/metric-batch.js';
import type { ArtilleryOutput } from '../../src/load/summarize.js';
import type { HistogramSummary } from '../../src/model/load.js';

/** Nearest-rank percentile, as bench/bare-fanout.ts computes it. */
const exact = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

/** A seeded generator, so a failure can be replayed. */
function lcg(seed: number) {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32);
}

/** Collects what reaches Artillery: one entry per emit. */
function artillerySink() {
  const emits: Array<[string, string, number]> = [];
  const counters: Record<string, number> = {};
  return {
    emits,
    counters,
    emit(kind: 'counter' | 'histogram', name: string, value: number) {
      emits.push([kind, name, value]);
      if (kind === 'counter') counters[name] = (counters[name] ?? 0) + value;
    },
  };
}

describe('log-bucket sketch', () => {
  it('every bucket stands for its values within ALPHA, zero and negatives included', () => {
    for (const v of [0.002, 0.5, 1, 2, 3, 19.9, 147, 5944.6, 123456, -4, -0.3]) {
      expect(Math.abs(valueOf(keyOf(v)) - v) / Math.abs(v), String(v)).toBeLessThanOrEqual(ALPHA + 1e-12);
    }
    expect(keyOf(0)).toBe('z');
    expect(valueOf('z')).toBe(0);
    expect(valueOf('sum')).toBeNaN();
  });

  it('percentiles of a long-tailed sample are within 1% of the exact nearest-rank ones, and never above the max', () => {
    const rnd = lcg(42);
    // Whole milliseconds, like Date.now() latencies, plus a fractional long tail.
    const values = Array.from({ length: 50_000 }, (_, i) => (i % 2 ? Math.round(1 + rnd() * 6) : Math.exp(rnd() * 8)));
    const sketch = new LogSketch();
    for (const v of values) sketch.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    const s = sketch.summary();
    for (const [k, q] of [['p50', 0.5], ['p75', 0.75], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99], ['p999', 0.999]] as const) {
      const want = exact(sorted, q);
      expect(Math.abs(s[k] - want) / want, `${k}: ${s[k]} vs ${want}`).toBeLessThan(0.01);
      expect(s[k]).toBeLessThanOrEqual(s.max);
    }
    expect(s.count).toBe(values.length);
    expect(Math.abs(s.max - sorted.at(-1)!) / sorted.at(-1)!).toBeLessThan(0.01);
    expect(s.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 1);
  });

  it('sketches shipped as counters and summed (workers, periods) give the sketch of all the values', () => {
    const [a, b, all] = [new LogSketch(), new LogSketch(), new LogSketch()];
    const rnd = lcg(7);
    for (let i = 0; i < 5000; i++) {
      const v = rnd() * 300;
      (i % 3 ? a : b).record(v);
      all.record(v);
    }
    const counters: Record<string, number> = { 'fanout.received': 12 };
    for (const s of [a, b]) {
      for (const [key, n] of s.buckets) counters[`fanout.latency_ms.sketch.${key}`] = (counters[`fanout.latency_ms.sketch.${key}`] ?? 0) + n;
      counters['fanout.latency_ms.sketch.sum'] = (counters['fanout.latency_ms.sketch.sum'] ?? 0) + s.sum;
    }
    const { sketches, rest } = sketchesIn(counters);
    expect(rest).toEqual({ 'fanout.received': 12 });
    expect(sketches.get('fanout.latency_ms')!.summary()).toEqual(all.summary());
  });
});

describe('metric batch', () => {
  afterEach(() => vi.useRealTimers());

  it('gathers counters and histograms and hands Artillery one batch: sums and bucket counts', () => {
    const sink = artillerySink();
    const events = batched(sink);
    for (let i = 0; i < 1000; i++) {
      events.emit('counter', 'fanout.received', 1);
      events.emit('histogram', 'fanout.latency_ms', i % 10);
    }
    expect(sink.emits).toHaveLength(0);
    flushMetrics();
    expect(sink.counters['fanout.received']).toBe(1000);
    // One emit per counter and per non-empty bucket (10 values) plus the sum: 12, not 2,000.
    expect(sink.emits).toHaveLength(12);
    flushMetrics();
    expect(sink.emits).toHaveLength(12);
    const folded = foldSketches<ArtilleryOutput>({ aggregate: { counters: sink.counters }, intermediate: [] });
    expect(folded.aggregate.counters).toEqual({ 'fanout.received': 1000 });
    expect(folded.aggregate.summaries?.['fanout.latency_ms']).toMatchObject({ count: 1000, min: 0, p50: 4, p99: 9, max: 9, mean: 4.5 });
  });

  it('flushes by itself once a second', () => {
    vi.useFakeTimers();
    const sink = artillerySink();
    batched(sink).emit('counter', 'storm.sent', 3);
    vi.advanceTimersByTime(1000);
    expect(sink.counters['storm.sent']).toBe(3);
  });
});

describe('foldSketches', () => {
  it('rebuilds each period and the aggregate, and caps Artillery percentiles above the max', () => {
    const artilleryOwn: HistogramSummary = { min: 1, max: 10, count: 3, mean: 5, p50: 5, p75: 9, p90: 10.1, p95: 10.1, p99: 10.1, p999: 10.1 };
    const period = { counters: { 'fanout.ack_ms.sketch.z': 2, 'fanout.ack_ms.sketch.sum': 0, 'fanout.sent': 2 }, summaries: { 'socketio.response_time': artilleryOwn } };
    const out = foldSketches<ArtilleryOutput>({ aggregate: period, intermediate: [period, { counters: {} }] });
    for (const p of [out.aggregate, out.intermediate[0]]) {
      expect(p.counters).toEqual({ 'fanout.sent': 2 });
      expect(p.summaries?.['fanout.ack_ms']).toMatchObject({ count: 2, p99: 0, max: 0 });
      expect(p.summaries?.['socketio.response_time']).toMatchObject({ p75: 9, p90: 10, p99: 10, p999: 10, max: 10 });
    }
    expect(out.intermediate[1].summaries).toEqual({});
  });
});

describe('finer periods of a short run', () => {
  afterEach(() => {
    vi.useRealTimers();
    delete process.env.GATECHECK_PERIOD_MS;
  });

  it('the CLI asks for them on runs up to 5 minutes, 1 s wide up to a minute', async () => {
    const { finerPeriods } = await import('../../src/load/metric-batch.js');
    expect([finerPeriods(20), finerPeriods(90), finerPeriods(240), finerPeriods(900)]).toEqual([{ GATECHECK_PERIOD_MS: '1000' }, { GATECHECK_PERIOD_MS: '2000' }, { GATECHECK_PERIOD_MS: '5000' }, {}]);
  });

  it('each value also lands in the period it was measured in, and those periods (empty ones too) replace Artillery’s 10 s ones', async () => {
    vi.resetModules();
    process.env.GATECHECK_PERIOD_MS = '1000';
    const batch = await import('../../src/load/metric-batch.js');
    const { foldSketches: fold } = await import('../../src/load/fold-sketches.js');
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const sink = artillerySink();
    const events = batch.batched(sink);
    for (let second = 0; second < 3; second++) {
      for (let i = 0; i <= second; i++) events.emit('histogram', 'fanout.latency_ms', 10 * (second + 1));
      events.emit('counter', 'fanout.received', second + 1);
      vi.advanceTimersByTime(1000);
    }
    // Two seconds with nothing measured, then one more delivery.
    vi.advanceTimersByTime(2000);
    events.emit('histogram', 'fanout.latency_ms', 5);
    events.emit('counter', `${batch.HIDDEN_PREFIX}fanout.sender.3.sent`, 1);
    batch.flushMetrics();
    // What only gatecheck reads is named so Artillery's console leaves it out (the plugin's suppressOutput
    // hides every metric whose name holds plugins.gatecheck); the console keeps the whole-run figures.
    const onConsole = Object.keys(sink.counters).filter((name) => !name.includes('plugins.gatecheck'));
    expect(onConsole.length).toBeGreaterThan(0);
    expect(onConsole.every((name) => name === 'fanout.received' || name.startsWith('fanout.latency_ms.sketch.'))).toBe(true);
    const artilleryPeriod = { period: 1_700_000_000_000, counters: { 'fanout.received': 6 } };
    const out = fold<ArtilleryOutput>({ aggregate: { counters: sink.counters }, intermediate: [artilleryPeriod] });
    expect(out.intermediate.map((p) => [p.period, p.counters?.['fanout.received'], p.summaries?.['fanout.latency_ms']?.count, Math.round(p.summaries?.['fanout.latency_ms']?.p99 ?? -1)])).toEqual([
      [1_700_000_000_000, 1, 1, 10],
      [1_700_000_001_000, 2, 2, 20],
      [1_700_000_002_000, 3, 3, 30],
      [1_700_000_003_000, undefined, undefined, -1],
      [1_700_000_004_000, undefined, undefined, -1],
      [1_700_000_005_000, undefined, 1, 5],
    ]);
    // The aggregate keeps only the whole-run figures.
    expect(out.aggregate.counters).toEqual({ 'fanout.received': 6, 'fanout.sender.3.sent': 1 });
    expect(out.intermediate.at(-1)?.counters).toEqual({ 'fanout.sender.3.sent': 1 });
    expect(out.aggregate.summaries?.['fanout.latency_ms']).toMatchObject({ count: 7, p50: 20 });
    expect(Math.abs(out.aggregate.summaries!['fanout.latency_ms'].max - 30) / 30).toBeLessThan(0.01);
  });
});

describe('the console of a run', () => {
  it('names the no-op gatecheck plugin with suppressOutput, keeping what the script already has', async () => {
    const { withHiddenCounters } = await import('../../src/load/artillery-run.js');
    const out = withHiddenCounters({ config: { variables: { a: 1 }, plugins: { expect: {} } }, scenarios: [] });
    expect(out).toEqual({ config: { variables: { a: 1 }, plugins: { expect: {}, gatecheck: { suppressOutput: true } } }, scenarios: [] });
  });
});
