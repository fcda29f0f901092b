import { UsageError } from '../errors.js';
import type { ThresholdResult } from '../model/load.js';

/**
 * Thresholds as data, k6-style: `p99(fanout.latency_ms) < 250`, `fanout.lost == 0`,
 * `reconnect.time_ms.p99 < 5000`. A function form `pNN(name)`, `max(name)`, `min(name)`, `mean(name)`,
 * `count(name)` reads a histogram; a bare name reads a counter or a derived value.
 */
const PATTERN = /^\s*(?:(p\d{1,3}|max|min|mean|median|count)\(\s*([\w.-]+)\s*\)|([\w.-]+))\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export interface Threshold {
  expr: string;
  /** The key in the run's flat values (e.g. "fanout.latency_ms.p99"). */
  key: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  limit: number;
}

export function parseThreshold(expr: string): Threshold {
  const m = PATTERN.exec(expr);
  if (!m) throw new UsageError(`threshold "${expr}": expected METRIC OP NUMBER, e.g. "p99(fanout.latency_ms) < 250" or "fanout.lost == 0"`);
  const [, fn, histogram, plain, op, limit] = m;
  return { expr: expr.trim(), key: metricKey(fn, histogram, plain), op: op as Threshold['op'], limit: Number(limit) };
}

/** The flat key a metric reads: `p99(h)` -> `h.p99`, `median(h)` -> `h.p50`, a bare name as is. */
export function metricKey(fn: string | undefined, histogram: string | undefined, plain: string | undefined): string {
  const stat = fn === 'median' ? 'p50' : fn;
  return fn ? `${histogram}.${stat}` : plain!;
}

const compare = (v: number, op: Threshold['op'], limit: number): boolean =>
  op === '<' ? v < limit : op === '<=' ? v <= limit : op === '>' ? v > limit : op === '>=' ? v >= limit : op === '==' ? v === limit : v !== limit;

/** A metric the run did not produce fails its threshold: a missing measurement is not a pass. */
export function evaluateThresholds(thresholds: Threshold[], values: Record<string, number>): ThresholdResult[] {
  return thresholds.map((t) => {
    const value = values[t.key];
    return value === undefined ? { expr: t.expr, value: null, ok: false } : { expr: t.expr, value, ok: compare(value, t.op, t.limit) };
  });
}
