import type { DeliveryCounts, HistogramSummary, LoadPeriod, LoadReport, PerSenderDelivery } from './model.js';
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
export function summarizeArtillery(raw: ArtilleryOutput, instanceCount: number): Pick<LoadReport, 'metrics' | 'timeline'> {
  const counters = { ...(raw.aggregate.counters ?? {}) };
  const hist = histograms(raw.aggregate);
  const c = (name: string) => counters[name] ?? 0;

  // The storm scenario counts its deliveries under storm.*, the fan-out under fanout.*.
  const prefix = counters['storm.sent'] !== undefined || counters['storm.connected'] !== undefined ? 'storm' : 'fanout';
  const latencyBuckets = [...LATENCY_BUCKETS_MS.map(String), '+Inf'].map((le) => ({ le, count: c(`${prefix}.latency_bucket.${le}`) }));
  const hasDeliveries = counters[`${prefix}.sent`] !== undefined || counters[`${prefix}.expected`] !== undefined;
  const total = hasDeliveries ? delivery(c(`${prefix}.expected`), c(`${prefix}.received`), c(`${prefix}.duplicated`), c(`${prefix}.out_of_order`)) : undefined;

  const senders = new Set<string>();
  for (const name of Object.keys(counters)) {
    const m = /^(?:fanout|storm)\.sender\.(\d+)\.sent$/.exec(name);
    if (m) senders.add(m[1]);
  }
  const perSender: PerSenderDelivery[] = [...senders].map((s) => ({
    sender: s,
    instance: Number(s) % Math.max(1, instanceCount),
    sent: c(`${prefix}.sender.${s}.sent`),
    ...delivery(c(`${prefix}.sender.${s}.expected`), c(`${prefix}.sender.${s}.received`), 0, 0),
  }));

  const values: Record<string, number> = {};
  const internal = (name: string) => /^(fanout|storm)\.(sender|latency_bucket)\./.test(name);
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
  }
  if (prefix === 'storm') {
    // After the storm and the syncs nothing may be missing: what was never received, live or by sync.
    values['storm.unrecovered'] = total?.lost ?? 0;
    values['storm.missed_live'] = (total?.lost ?? 0) + c('storm.recovered_by_sync');
    values['storm.recovered_by_sync'] = c('storm.recovered_by_sync');
    values['storm.sent_while_disconnected_skipped'] = c('storm.send_skipped_disconnected');
    for (const name of ['reconnect.disconnected', 'reconnect.reconnected', 'reconnect.recovered', 'reconnect.failed', 'presence.stale_offline']) values[name] = c(name);
    values['reconnect.recovered_share'] = c('reconnect.reconnected') ? c('reconnect.recovered') / c('reconnect.reconnected') : 0;
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
      latencyBuckets,
      ...(total ? { delivery: total, perSender } : {}),
      values,
    },
    timeline,
  };
}
