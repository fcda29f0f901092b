import { UsageError } from '../errors.js';
import type { LoadComparison, MetricChange, NoiseBand, ParameterDifference } from '../model/compare.js';
import type { LoadReport } from '../model/load.js';
import { changeHolds, defaultChangeThresholds, parseChangeThreshold, type ChangeThreshold } from './change-thresholds.js';

/** Parameters two runs must share to be compared: a change in any of them changes every figure. */
export const COMPARED_PARAMETERS = ['connections', 'ratePerSender', 'rate', 'engine', 'adapter', 'groupSize', 'sendersPerGroup'] as const;

/** What identifies a run's shape: enough to refuse a comparison before the head run even starts. */
export type RunShape = Pick<LoadReport, 'scenario' | 'target' | 'parameters'>;

export function parameterDifferences(base: RunShape, head: RunShape): ParameterDifference[] {
  const diffs: ParameterDifference[] = [];
  if (base.scenario !== head.scenario) diffs.push({ name: 'scenario', base: base.scenario, head: head.scenario });
  if (base.target.instances.length !== head.target.instances.length) diffs.push({ name: 'instances', base: base.target.instances.length, head: head.target.instances.length });
  for (const name of COMPARED_PARAMETERS) {
    const [b, h] = [base.parameters[name], head.parameters[name]];
    if (b !== h) diffs.push({ name, base: b, head: h });
  }
  return diffs;
}

/** The two runs side by side: every thresholded metric and the scenario's headline figures, each with its change. */
export function compareLoads(base: LoadReport, head: LoadReport, files: { base: string; head: string }, thresholdExprs?: string[]): LoadComparison {
  const exprs = thresholdExprs?.length ? thresholdExprs : defaultChangeThresholds(head.metrics.latencyMetric ?? base.metrics.latencyMetric, head.metrics.prefix ?? base.metrics.prefix, { ...base.metrics.values, ...head.metrics.values });
  if (!exprs.length) throw new UsageError(`${files.head}: no latency or delivery metric to compare by default; give --threshold`);
  const thresholds = exprs.map(parseChangeThreshold);
  const shown = [...thresholds, ...informative(head).filter((t) => !thresholds.some((x) => x.key === t.key))];
  const metrics = shown.map((t) => change(t, base, head, thresholds.includes(t)));
  return {
    schemaVersion: 1,
    kind: 'load-comparison',
    scenario: head.scenario,
    base: { file: files.base, startedAt: base.startedAt },
    head: { file: files.head, startedAt: head.startedAt },
    parameterDifferences: parameterDifferences(base, head),
    metrics,
    passed: metrics.every((m) => m.ok),
  };
}

/** Figures shown without a threshold: the latency percentiles and the delivery counts. */
function informative(report: LoadReport): ChangeThreshold[] {
  const latency = report.metrics.latencyMetric;
  const prefix = report.metrics.prefix;
  const exprs = [
    ...(latency ? [`p50(${latency}) +0`, `p95(${latency}) +0`, `p99(${latency}) +0`, `max(${latency}) +0`] : []),
    ...(prefix ? [`${prefix}.delivery_ratio -0`, `${prefix}.lost +0`, `${prefix}.duplicated +0`] : []),
  ];
  return exprs.map(parseChangeThreshold).filter((t) => valueOf(report, t) !== null);
}

function valueOf(report: LoadReport, t: ChangeThreshold): number | null {
  const v = report.metrics.values[t.key];
  if (v !== undefined) return v;
  const h = t.histogram && report.metrics.histograms[t.histogram.name];
  const stat = h && (h as unknown as Record<string, number>)[t.histogram!.stat];
  return typeof stat === 'number' ? stat : null;
}

function change(t: ChangeThreshold, base: LoadReport, head: LoadReport, thresholded: boolean): MetricChange {
  const [b, h] = [valueOf(base, t), valueOf(head, t)];
  const both = b !== null && h !== null;
  const delta = both ? h - b : null;
  return {
    metric: t.metric,
    base: b,
    head: h,
    change: delta,
    changePct: both && b !== 0 ? ((h - b) / Math.abs(b)) * 100 : null,
    ...(thresholded ? { allowed: t.expr.slice(t.expr.lastIndexOf(' ') + 1) } : {}),
    ok: !thresholded || (both && changeHolds(t, b, h)),
    ...(t.histogram && delta !== null ? { noise: noiseBand(base, head, t.histogram, delta) } : {}),
  };
}

/**
 * The spread of a statistic over the base run's reporting periods (its timeline; the head run's when
 * the base has fewer than two): their standard deviation. A difference inside it is within what the
 * base run varied by itself from one period to the next. The head run's own spread is not used: a
 * regression that scales every period would widen the band it is judged against.
 */
export function noiseBand(base: LoadReport, head: LoadReport, hist: { name: string; stat: string }, delta: number): NoiseBand | undefined {
  if (hist.stat === 'count') return undefined;
  const series = (r: LoadReport) => r.timeline.map((p) => (p.histograms[hist.name] as unknown as Record<string, number> | undefined)?.[hist.stat]).filter((v): v is number => typeof v === 'number');
  const [sb, sh] = [series(base), series(head)];
  const measured = sb.length >= 2 ? sb : sh;
  if (measured.length < 2) return { spread: null, periods: [sb.length, sh.length], inside: null };
  const spread = stdev(measured);
  return { spread, periods: [sb.length, sh.length], inside: Math.abs(delta) <= spread };
}

function stdev(values: number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
}
