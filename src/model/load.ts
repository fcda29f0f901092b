import type { TargetSummary } from './conformance.js';

/** One histogram as Artillery summarises it (milliseconds for every gatecheck latency). */
export interface HistogramSummary {
  min: number;
  max: number;
  count: number;
  mean: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
}

/** One reporting period of the run (Artillery's intermediate report). */
export interface LoadPeriod {
  /** Start of the period, ISO-8601. */
  at: string;
  counters: Record<string, number>;
  histograms: Record<string, HistogramSummary>;
}

/** Delivery accounting of the fan-out: every figure is a count of deliveries (message × receiver). */
export interface DeliveryCounts {
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** received / expected, 1 when nothing was expected. */
  ratio: number;
  /** Deliveries owed to VUs that were not connected when sending began: neither expected nor lost. */
  notDeliverable?: number;
}

/** The connection phase of a load run: every VU's handshake before sending began. */
export interface ConnectionResults {
  /** VUs planned (the connections asked for). */
  planned: number;
  /** Ready before sending began. */
  connected: number;
  refused: number;
  /** The server's reason -> how many handshakes it refused with it. */
  refusedReasons: Record<string, number>;
  timedOut: number;
  /** Connected only after sending began (they took no part), by cause. */
  late: number;
  lateCauses: Record<string, number>;
  /** VUs that never reported a handshake (the generator did not start them, or they failed before). */
  neverReported: number;
  /** Handshake to ready, over every connected VU (late ones too). */
  latencyMs?: { p50: number; p95: number; p99: number; max: number; count: number };
  /** From the first VU asking to connect to the start of sending being fixed. */
  phaseMs?: number;
  /** From the end of the phase to the first send. */
  settleMs?: number;
  /** The settle was chosen from the phase's length (no --settle). */
  settleAdaptive?: boolean;
  /** The most handshakes the pacer let run at once on one instance (it adapts to connect latency). */
  peakHandshakesInFlight: number;
  /** The target's declared limits.connectsPerSecond, applied per instance. */
  connectsPerSecondLimit?: number;
}

export interface PerSenderDelivery extends DeliveryCounts {
  sender: string;
  instance: number;
  sent: number;
}

export interface ThroughputStep {
  step: number;
  /** Messages a second offered over all senders. */
  offeredRate: number;
  sent: number;
  acked: number;
  /** Acks per second over the step. */
  ackedRate: number;
  timeouts: number;
  /** Deliveries of the step's messages owed to receivers that had not connected yet (absent from older reports). */
  notDeliverable?: number;
  p50: number;
  p95: number;
  p99: number;
  /** Ack latency bent here (p99 over twice the first step's and 50 ms more) or acks fell behind sends. */
  bent: boolean;
}

export interface GeneratorHealth {
  /** p99 event-loop delay of the load processes (the worst worker). */
  eventLoopLagP99Ms: number;
  /** p99 of how late senders emitted against their schedule (generator.send_lag_ms), where the scenario sends on one. */
  sendLagP99Ms?: number;
  /** CPU of the load processes, percent of one core (averaged over the run; peak beside it). */
  cpuPct: number;
  cpuPeakPct: number;
  /** Share of the time the load processes were ready to run that they waited for a CPU (Linux schedstat). */
  cpuWaitPct?: number;
  /** Open file descriptors at the peak and the process limit. */
  fdPeak: number;
  fdLimit: number;
  saturated: boolean;
  /** Why the run counts as saturated: the numbers measure the generator, not the server. */
  reasons: string[];
}

export interface ThresholdResult {
  expr: string;
  /** The measured value the expression compared; null when the metric was not produced. */
  value: number | null;
  ok: boolean;
}

/** report.json of `gatecheck load`: keep this shape stable, add fields freely. */
export interface LoadReport {
  schemaVersion: 1;
  kind: 'load';
  scenario: string;
  target: TargetSummary;
  startedAt: string;
  durationMs: number;
  /** The knobs the run used (connections, rate, duration, engine...). */
  parameters: Record<string, string | number>;
  metrics: {
    /** Artillery's aggregate counters, every worker summed. */
    counters: Record<string, number>;
    /** Artillery's aggregate histograms. */
    histograms: Record<string, HistogramSummary>;
    /** The scenario's delivery-latency histogram (fanout.latency_ms, storm.latency_ms, throughput.latency_ms). */
    /** The scenario's metric prefix (fanout, storm, throughput): which section each figure belongs to. */
    prefix?: string;
    latencyMetric?: string;
    /** Counts per latency bucket: upper bound in ms ("+Inf" last) -> deliveries. */
    latencyBuckets: Array<{ le: string; count: number }>;
    delivery?: DeliveryCounts;
    perSender?: PerSenderDelivery[];
    /** Throughput only: one row per step of offered rate. */
    steps?: ThroughputStep[];
    /** Flat name -> value view the thresholds read (e.g. "fanout.lost", "fanout.latency_ms.p99"). */
    values: Record<string, number>;
  };
  /** Latency and counts over time, one entry per reporting period. */
  timeline: LoadPeriod[];
  /** The connection phase (absent from a run without one). */
  connection?: ConnectionResults;
  thresholds: ThresholdResult[];
  generator: GeneratorHealth;
  passed: boolean;
}
