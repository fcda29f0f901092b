import type { HistogramSummary } from '../model/load.js';
import { sketchesIn } from './log-sketch.js';

interface Period {
  counters?: Record<string, number>;
  summaries?: Record<string, HistogramSummary>;
}

const PERCENTILES = ['p50', 'p75', 'p90', 'p95', 'p99', 'p999'] as const;

/**
 * Artillery's output as if every batched histogram had been an Artillery histogram: the sketch counters
 * of each period (and of the aggregate) become summaries under the histogram's own name, so report.json
 * keeps its metric names. Artillery's own summaries (DDSketch) can put a percentile a little above the
 * max it tracks exactly; those are capped at the max.
 */
export function foldSketches<O extends { aggregate: Period; intermediate: Period[] }>(raw: O): O {
  return { ...raw, aggregate: foldPeriod(raw.aggregate), intermediate: raw.intermediate.map(foldPeriod) };
}

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
