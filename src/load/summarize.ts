import type { ConnectionResults, DeliveryCounts, HistogramSummary, LoadPeriod, LoadReport, PerSenderDelivery, ThroughputStep } from '../model/load.js';
import { foldSketches } from './fold-sketches.js';
import { slotInstance } from './plan.js';
import { LATENCY_BUCKETS_MS } from './stamp.js';

/** The parts of Artillery's --output JSON gatecheck reads. */
export interface ArtilleryOutput {
  aggregate: ArtilleryPeriod;
  intermediate: ArtilleryPeriod[];
}
interface ArtilleryPeriod {
  period?: number | string;
  firstMetricAt?: number;
  counters?: Record<string, number>;
  summaries?: Record<string, HistogramSummary>;
}

const STATS = ['min', 'max', 'count', 'mean', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999'] as const;

function histograms(period: ArtilleryPeriod): Record<string, HistogramSummary> {
  const out: Record<string, HistogramSummary> = {};
  for (const [name, s] of Object.entries(period.summaries ?? {})) {
    out[name] = Object.fromEntries(STATS.map((k) => [k, Number(s[k] ?? 0)])) as unknown as HistogramSummary;
  }
  return out;
}

function delivery(expected: number, received: number, duplicated: number, outOfOrder: number): DeliveryCounts {
  return { expected, received, lost: Math.max(0, expected - received), duplicated, outOfOrder, ratio: expected === 0 ? 1 : received / expected };
}

/** Artillery's raw output -> the metrics and timeline of report.json. */
export interface SummaryOptions {
  /** The scenario's metric prefix: fanout, storm, throughput. */
  prefix: string;
  instanceCount: number;
  /** Throughput: the offered rates and each step's length. */
  steps?: { rates: number[]; seconds: number };
  groupSize?: number;
}

export function summarizeArtillery(artillery: ArtilleryOutput, opts: SummaryOptions): Pick<LoadReport, 'metrics' | 'timeline'> {
  const raw = foldSketches(artillery);
  const { prefix, instanceCount, groupSize = Number.POSITIVE_INFINITY } = opts;
  const stepRates = opts.steps?.rates ?? [];
  const stepSeconds = opts.steps?.seconds ?? 0;
  const counters = { ...(raw.aggregate.counters ?? {}) };
  const hist = histograms(raw.aggregate);
  const c = (name: string) => counters[name] ?? 0;

  const latencyBuckets = [...LATENCY_BUCKETS_MS.map(String), '+Inf'].map((le) => ({ le, count: c(`${prefix}.latency_bucket.${le}`) }));
  const hasDeliveries = counters[`${prefix}.sent`] !== undefined || counters[`${prefix}.expected`] !== undefined;
  const total = hasDeliveries ? delivery(c(`${prefix}.expected`), c(`${prefix}.received`), c(`${prefix}.duplicated`), c(`${prefix}.out_of_order`)) : undefined;
  if (total && c(`${prefix}.not_deliverable`)) total.notDeliverable = c(`${prefix}.not_deliverable`);

  const senders = new Set<string>();
  for (const name of Object.keys(counters)) {
    const m = /^(?:fanout|storm|throughput)\.sender\.(\d+)\.sent$/.exec(name);
    if (m) senders.add(m[1]);
  }
  const perSender: PerSenderDelivery[] = [...senders].map((s) => ({
    sender: s,
    instance: slotInstance(Math.max(1, instanceCount), Number(s), groupSize),
    sent: c(`${prefix}.sender.${s}.sent`),
    ...delivery(c(`${prefix}.sender.${s}.expected`), c(`${prefix}.sender.${s}.received`), 0, 0),
  }));

  const values: Record<string, number> = {};
  const internal = (name: string) => /^(fanout|storm|throughput)\.(sender|latency_bucket)\./.test(name) || /\.step_\d+$/.test(name);
  for (const [name, v] of Object.entries(counters)) if (!internal(name)) values[name] = v;
  for (const [name, h] of Object.entries(hist)) for (const k of STATS) values[`${name}.${k}`] = h[k];
  if (total) {
    values[`${prefix}.lost`] = total.lost;
    values[`${prefix}.delivery_ratio`] = total.ratio;
    for (const where of ['same_instance', 'cross_instance']) {
      values[`${prefix}.lost.${where}`] = Math.max(0, c(`${prefix}.expected.${where}`) - c(`${prefix}.received.${where}`));
    }
    values[`${prefix}.duplicated`] = total.duplicated;
    values[`${prefix}.out_of_order`] = total.outOfOrder;
    values[`${prefix}.senders_with_loss`] = perSender.filter((p) => p.lost > 0).length;
    values[`${prefix}.not_deliverable`] = c(`${prefix}.not_deliverable`);
    values[`${prefix}.late_join`] = c(`${prefix}.late_join`);
    values[`${prefix}.late_join_synced`] = c(`${prefix}.late_join_synced`);
  }
  if (prefix === 'storm') {
    // After the storm and the syncs nothing may be missing: what was never received, live or by sync,
    // less the deliveries of messages whose sender's connection died before the ack (maybe never stored).
    const unconfirmed = c('storm.unconfirmed_at_crash.expected');
    const unrecovered = Math.max(0, (total?.lost ?? 0) - unconfirmed);
    values['storm.unrecovered'] = unrecovered;
    values['storm.unconfirmed_at_crash'] = c('storm.unconfirmed_at_crash');
    values['storm.unconfirmed_at_crash.deliveries_missing'] = (total?.lost ?? 0) - unrecovered;
    // Kraken has no history event: what its clients missed while away is missed, not recovered (storm.missed_outage).
    values['storm.missed_outage'] = c('storm.missed_outage');
    values['storm.missed_live'] = unrecovered + c('storm.recovered_by_sync') + c('storm.cut_at_crash') + c('storm.missed_outage');
    values['storm.cut_at_crash'] = c('storm.cut_at_crash');
    values['storm.recovered_by_sync'] = c('storm.recovered_by_sync');
    values['storm.sent_during_outage'] = c('storm.sent_during_outage');
    values['storm.sent_while_disconnected_skipped'] = c('storm.send_skipped_disconnected');
    for (const name of ['reconnect.disconnected', 'reconnect.reconnected', 'reconnect.recovered', 'reconnect.failed', 'reconnect.rejoin_failed', 'presence.stale_offline']) values[name] = c(name);
    values['reconnect.recovered_share'] = c('reconnect.reconnected') ? c('reconnect.recovered') / c('reconnect.reconnected') : 0;
  }
  const judged = prefix === 'throughput' ? throughputKnee(throughputSteps(counters, hist, stepRates, stepSeconds)) : undefined;
  const steps = judged?.steps;
  if (judged && steps?.length) {
    values['throughput.knee_rate'] = judged.kneeRate;
    values['throughput.max_sustained_rate'] = judged.maxSustainedRate;
    values['throughput.acked'] = c('throughput.acked');
    values['throughput.ack_timeout'] = c('throughput.ack_timeout');
  }
  values['vusers.failed'] = c('vusers.failed');

  const timeline: LoadPeriod[] = raw.intermediate.map((p) => ({
    at: new Date(Number(p.firstMetricAt ?? p.period ?? 0)).toISOString(),
    counters: Object.fromEntries(Object.entries(p.counters ?? {}).filter(([k]) => !internal(k))),
    histograms: histograms(p),
  }));

  return {
    metrics: {
      counters: Object.fromEntries(Object.entries(counters).filter(([k]) => !internal(k))),
      histograms: hist,
      prefix,
      latencyMetric: `${prefix}.latency_ms`,
      latencyBuckets,
      ...(total ? { delivery: total, perSender } : {}),
      ...(steps ? { steps } : {}),
      values,
    },
    timeline,
  };
}

/** The connection phase as threshold values: connect.connected, connect.failed, connect.latency_ms.p95... */
export function connectionValues(r: ConnectionResults): Record<string, number> {
  const out: Record<string, number> = {
    'connect.planned': r.planned,
    'connect.connected': r.connected,
    'connect.refused': r.refused,
    'connect.timed_out': r.timedOut,
    'connect.never_reported': r.neverReported,
    'connect.failed': r.refused + r.timedOut + r.neverReported,
    'connect.late': r.late,
  };
  if (r.latencyMs) for (const [k, v] of Object.entries(r.latencyMs)) out[`connect.latency_ms.${k}`] = v;
  return out;
}

/** One row per step, as Artillery counted it. */
function throughputSteps(counters: Record<string, number>, hist: Record<string, HistogramSummary>, rates: number[], stepSeconds: number): StepSample[] {
  return rates.map((offeredRate, step) => {
    const h = hist[`throughput.ack_ms.step_${step}`];
    const sent = counters[`throughput.sent.step_${step}`] ?? 0;
    const acked = counters[`throughput.acked.step_${step}`] ?? 0;
    const notDeliverable = counters[`throughput.not_deliverable.step_${step}`] ?? 0;
    return { step, offeredRate, sent, acked, ackedRate: stepSeconds ? acked / stepSeconds : 0, timeouts: counters[`throughput.ack_timeout.step_${step}`] ?? 0, notDeliverable, p50: h?.p50 ?? 0, p95: h?.p95 ?? 0, p99: h?.p99 ?? 0 };
  });
}

export type StepSample = Omit<ThroughputStep, 'bent'>;

/**
 * A step bends when its ack p99 passes twice the first step's (and 50 ms more) or acks fall behind
 * sends. The knee is the first bent step (0: none); the highest sustained rate is the highest step
 * below the knee that did not bend (0: none did).
 */
export function throughputKnee(samples: StepSample[]): { steps: ThroughputStep[]; kneeRate: number; maxSustainedRate: number } {
  const base = samples[0]?.p99 ?? 0;
  const steps = samples.map((r) => ({ ...r, bent: r.sent === 0 || r.acked < 0.99 * r.sent || r.p99 > Math.max(2 * base, base + 50) }));
  const knee = steps.find((s) => s.bent);
  const sustained = steps.filter((s) => !s.bent && (!knee || s.step < knee.step)).at(-1);
  return { steps, kneeRate: knee?.offeredRate ?? 0, maxSustainedRate: sustained?.offeredRate ?? 0 };
}
