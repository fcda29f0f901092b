/** `gatecheck compare` (and `load --baseline`): two load reports side by side, the change and its verdict. */

/** How much one per-period series wobbles: the run-to-run spread a difference is weighed against. */
export interface NoiseBand {
  /** The standard deviation of the base run's per-period values (the head run's if the base has < 2 periods), in the metric's unit; null when neither run has 2 periods with the metric. */
  spread: number | null;
  /** Periods that had the metric, in the base run and the head run. */
  periods: [number, number];
  /** |head - base| <= spread: the difference is inside what the runs vary by themselves (null: no spread measured). */
  inside: boolean | null;
}

export interface MetricChange {
  /** As written in a change threshold, e.g. p99(fanout.latency_ms) or fanout.delivery_ratio. */
  metric: string;
  base: number | null;
  head: number | null;
  /** head - base (null when either run lacks the metric). */
  change: number | null;
  /** The change in percent of base (null when base is 0 or missing). */
  changePct: number | null;
  /** The change threshold that applies, e.g. "+10%"; none: shown for information. */
  allowed?: string;
  /** False when the change goes beyond its threshold (or a thresholded metric is missing). */
  ok: boolean;
  /** Histogram statistics only: the per-period spread (from each report's timeline). */
  noise?: NoiseBand;
}

export interface ParameterDifference {
  name: string;
  base: string | number | undefined;
  head: string | number | undefined;
}

export interface LoadComparison {
  schemaVersion: 1;
  kind: 'load-comparison';
  scenario: string;
  base: { file: string; startedAt: string };
  head: { file: string; startedAt: string };
  /** Parameters that differ between the runs (compared anyway only with --allow-different). */
  parameterDifferences: ParameterDifference[];
  metrics: MetricChange[];
  /** Every thresholded change held. */
  passed: boolean;
}
