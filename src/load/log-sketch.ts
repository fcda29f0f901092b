import type { HistogramSummary } from '../model/load.js';

/**
 * A log-bucket histogram (the DDSketch layout): value v > 0 falls in bucket k = ceil(log_γ v), and the
 * bucket stands for 2γ^k / (γ + 1), which is within ALPHA of every value in it. Buckets are plain counts,
 * so sketches merge by adding them: a VU process keeps one per metric and ships it to Artillery as
 * counters (`NAME.sketch.KEY`), which Artillery sums across workers, periods and distributed runners;
 * the percentiles are computed once, from the merged counts.
 */
export const ALPHA = 0.005;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LN_GAMMA = Math.log(GAMMA);
/** Values closer to 0 than this (ms) count as 0. */
const ZERO = 1e-3;

/** The counter suffix between a histogram's name and its bucket key. */
export const SKETCH_INFIX = '.sketch.';
/** The bucket key that carries the exact sum of the values (for the mean). */
export const SUM_KEY = 'sum';

/** Bucket key of a value: `z` for zero, `K` for positive values, `nK` for negative ones. */
export function keyOf(value: number): string {
  const abs = Math.abs(value);
  if (!(abs >= ZERO)) return 'z';
  const k = Math.ceil(Math.log(abs) / LN_GAMMA);
  return value < 0 ? `n${k}` : String(k);
}

/** The value a bucket stands for; NaN for a key that is not a bucket. */
export function valueOf(key: string): number {
  if (key === 'z') return 0;
  const negative = key.startsWith('n');
  const k = Number(negative ? key.slice(1) : key);
  if (!Number.isInteger(k)) return Number.NaN;
  const v = (2 * GAMMA ** k) / (GAMMA + 1);
  return negative ? -v : v;
}

export class LogSketch {
  readonly buckets = new Map<string, number>();
  sum = 0;
  count = 0;

  record(value: number): void {
    if (!Number.isFinite(value)) return;
    const key = keyOf(value);
    this.buckets.set(key, (this.buckets.get(key) ?? 0) + 1);
    this.sum += value;
    this.count++;
  }

  /** Adds counts already bucketed (another sketch's, or the counters Artillery summed). */
  add(key: string, count: number): void {
    if (key === SUM_KEY) this.sum += count;
    else if (!Number.isNaN(valueOf(key)) && count > 0) {
      this.buckets.set(key, (this.buckets.get(key) ?? 0) + count);
      this.count += count;
    }
  }

  /**
   * Nearest-rank percentiles (the rank-ceil(q·n) value, as bench/bare-fanout.ts computes them) within
   * ALPHA relative error (then rounded to 0.1 ms); min and max are the lowest and highest buckets, so no percentile exceeds the max.
   */
  summary(): HistogramSummary {
    const sorted = [...this.buckets].map(([key, n]) => [valueOf(key), n] as const).sort((a, b) => a[0] - b[0]);
    const at = (q: number) => {
      const rank = Math.max(1, Math.ceil(q * this.count));
      let seen = 0;
      for (const [v, n] of sorted) if ((seen += n) >= rank) return v;
      return sorted.at(-1)?.[0] ?? 0;
    };
    // Tenths of a millisecond, like Artillery's own summaries: whole-millisecond latencies print whole.
    const r = (v: number) => Math.round(v * 10) / 10;
    if (this.count === 0) return { min: 0, max: 0, count: 0, mean: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0 };
    return {
      min: r(sorted[0][0]),
      max: r(sorted[sorted.length - 1][0]),
      count: this.count,
      mean: r(this.sum / this.count),
      p50: r(at(0.5)),
      p75: r(at(0.75)),
      p90: r(at(0.9)),
      p95: r(at(0.95)),
      p99: r(at(0.99)),
      p999: r(at(0.999)),
    };
  }
}

/**
 * The histograms that travel as sketch counters, rebuilt from a set of counters (one period's or the
 * aggregate); `rest` is every other counter.
 */
export function sketchesIn(counters: Record<string, number>): { sketches: Map<string, LogSketch>; rest: Record<string, number> } {
  const sketches = new Map<string, LogSketch>();
  const rest: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters)) {
    const at = name.lastIndexOf(SKETCH_INFIX);
    if (at < 0) {
      rest[name] = value;
      continue;
    }
    const metric = name.slice(0, at);
    let sketch = sketches.get(metric);
    if (!sketch) sketches.set(metric, (sketch = new LogSketch()));
    sketch.add(name.slice(at + SKETCH_INFIX.length), value);
  }
  return { sketches, rest };
}
