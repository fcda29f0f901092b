import { UsageError } from '../errors.js';
import { metricKey } from './thresholds.js';

/**
 * Thresholds on the change between two load runs, as data: `p99(fanout.latency_ms) +10%` (an increase
 * of more than 10 % is a regression), `fanout.delivery_ratio -0.1%` (a decrease of more than 0.1 %),
 * `fanout.lost +0` (any increase, in the metric's own unit).
 */
const PATTERN = /^\s*(?:(p\d{1,3}|max|min|mean|median|count)\(\s*([\w.-]+)\s*\)|([\w.-]+))\s+([+-])(\d+(?:\.\d+)?)(%?)\s*$/;

export interface ChangeThreshold {
  expr: string;
  /** The metric as written, e.g. p99(fanout.latency_ms). */
  metric: string;
  /** The key in the report's flat values. */
  key: string;
  /** The histogram and statistic when the metric is one (its per-period series measures the noise). */
  histogram?: { name: string; stat: string };
  /** 'up': an increase is the regression; 'down': a decrease is. */
  worse: 'up' | 'down';
  amount: number;
  percent: boolean;
}

export function parseChangeThreshold(expr: string): ChangeThreshold {
  const m = PATTERN.exec(expr);
  if (!m) throw new UsageError(`change threshold "${expr}": expected METRIC +N% or METRIC -N% (or +N / -N in the metric's unit), e.g. "p99(fanout.latency_ms) +10%" or "fanout.delivery_ratio -0.1%"`);
  const [, fn, histogram, plain, sign, amount, percent] = m;
  const key = metricKey(fn, histogram, plain);
  return {
    expr: expr.trim(),
    metric: fn ? `${fn}(${histogram})` : plain,
    key,
    ...(fn ? { histogram: { name: histogram, stat: key.slice(histogram.length + 1) } } : {}),
    worse: sign === '+' ? 'up' : 'down',
    amount: Number(amount),
    percent: percent === '%',
  };
}

/** Whether a change from base to head stays within the threshold. */
export function changeHolds(t: ChangeThreshold, base: number, head: number): boolean {
  const delta = t.worse === 'up' ? head - base : base - head;
  if (delta <= 0) return true;
  if (!t.percent) return delta <= t.amount;
  if (base === 0) return false;
  return (delta / Math.abs(base)) * 100 <= t.amount + 1e-9;
}

/** What `gatecheck compare` checks when no --threshold is given: latency tail and deliveries. */
export function defaultChangeThresholds(latencyMetric: string | undefined, prefix: string | undefined, values: Record<string, number>): string[] {
  const list: string[] = [];
  if (latencyMetric) list.push(`p99(${latencyMetric}) +10%`);
  if (prefix && values[`${prefix}.delivery_ratio`] !== undefined) list.push(`${prefix}.delivery_ratio -0.1%`);
  if (values['throughput.max_sustained_rate'] !== undefined) list.push('throughput.max_sustained_rate -10%');
  return list;
}
