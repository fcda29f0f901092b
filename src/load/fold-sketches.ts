import type { HistogramSummary } from '../model/load.js';
import { sketchesIn } from './log-sketch.js';
import { FINE_PREFIX, HIDDEN_PREFIX } from './metric-batch.js';

interface Period {
  counters?: Record<string, number>;
  summaries?: Record<string, HistogramSummary>;
}

const PERCENTILES = ['p50', 'p75', 'p90', 'p95', 'p99', 'p999'] as const;

/**
 * Artillery's output as if every batched histogram had been an Artillery histogram: the sketch counters
 * of each period (and of the aggregate) become summaries under the histogram's own name, so report.json
 * keeps its metric names. A short run's finer periods (metric-batch.ts) replace Artillery's 10 s ones. Artillery's own summaries (DDSketch) can put a percentile a little above the
 * max it tracks exactly; those are capped at the max.
 */
export function foldSketches<O extends { aggregate: Period; intermediate: Period[] }>(raw: O): O {
  const { fine, rest } = finePeriods(raw.aggregate.counters ?? {});
  const intermediate = fine.length ? fine : raw.intermediate.map((p) => ({ ...p, counters: finePeriods(p.counters ?? {}).rest }));
  return { ...raw, aggregate: foldPeriod({ ...raw.aggregate, counters: rest }), intermediate: intermediate.map(foldPeriod) };
}

/**
 * The finer periods of a short run (metric-batch.ts): every `fine.<start>.<name>` counter, grouped by
 * period start, in time order, as Artillery periods of their own; `rest` is every other counter.
 */
function finePeriods(counters: Record<string, number>): { fine: Array<Period & { period: number; firstMetricAt: number }>; rest: Record<string, number> } {
  const byStart = new Map<number, Record<string, number>>();
  const rest: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters)) {
    const m = name.startsWith(FINE_PREFIX) ? /^(\d+)\.(.+)$/.exec(name.slice(FINE_PREFIX.length)) : null;
    if (!m) {
      rest[visible(name)] = value;
      continue;
    }
    const start = Number(m[1]);
    let period = byStart.get(start);
    if (!period) byStart.set(start, (period = {}));
    period[visible(m[2])] = value;
  }
  // A period in which nothing was measured is still a period: the time series shows it as a gap.
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  const width = Math.min(...starts.slice(1).map((t, i) => t - starts[i]));
  if (Number.isFinite(width) && width > 0) for (let t = starts[0]; t < starts[starts.length - 1]; t += width) if (!byStart.has(t)) byStart.set(t, {});
  const fine = [...byStart].sort(([a], [b]) => a - b).map(([start, c]) => ({ period: start, firstMetricAt: start, counters: c }));
  return { fine, rest };
}

/** A counter's name in report.json: without the prefix that kept it off Artillery's console. */
const visible = (name: string) => (name.startsWith(HIDDEN_PREFIX) ? name.slice(HIDDEN_PREFIX.length) : name);

function foldPeriod<P extends Period>(period: P): P {
  const { sketches, rest } = sketchesIn(period.counters ?? {});
  const summaries: Record<string, HistogramSummary> = {};
  for (const [name, s] of Object.entries(period.summaries ?? {})) summaries[name] = capped(s);
  for (const [name, sketch] of sketches) if (sketch.count > 0) summaries[name] = sketch.summary();
  return { ...period, counters: rest, summaries };
}

function capped(s: HistogramSummary): HistogramSummary {
  const out = { ...s };
  if (typeof s.max === 'number') for (const k of PERCENTILES) if (typeof out[k] === 'number' && out[k] > s.max) out[k] = s.max;
  return out;
}

/** p99 of one batched histogram in a set of counters (a console period block), undefined when absent. */
export function sketchP99(counters: Record<string, number>, metric: string): number | undefined {
  const sketch = sketchesIn(counters).sketches.get(metric);
  return sketch?.count ? sketch.summary().p99 : undefined;
}
