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

  const latencyBuckets = [...LATENCY_BUCKETS_MS.map(String), '+Inf'].map((le) => ({ le, count: c(`fanout.latency_bucket.${le}`) }));
  const isFanout = counters['fanout.sent'] !== undefined || counters['fanout.expected'] !== undefined;
  const total = isFanout ? delivery(c('fanout.expected'), c('fanout.received'), c('fanout.duplicated'), c('fanout.out_of_order')) : undefined;

  const senders = new Set<string>();
  for (const name of Object.keys(counters)) {
    const m = /^fanout\.sender\.(\d+)\.sent$/.exec(name);
    if (m) senders.add(m[1]);
  }
  const perSender: PerSenderDelivery[] = [...senders].map((s) => ({
    sender: s,
    instance: Number(s) % Math.max(1, instanceCount),
    sent: c(`fanout.sender.${s}.sent`),
    ...delivery(c(`fanout.sender.${s}.expected`), c(`fanout.sender.${s}.received`), 0, 0),
  }));

  const values: Record<string, number> = {};
  for (const [name, v] of Object.entries(counters)) if (!name.startsWith('fanout.sender.') && !name.startsWith('fanout.latency_bucket.')) values[name] = v;
  for (const [name, h] of Object.entries(hist)) for (const k of STATS) values[`${name}.${k}`] = h[k];
  if (total) {
    values['fanout.lost'] = total.lost;
    values['fanout.delivery_ratio'] = total.ratio;
    for (const where of ['same_instance', 'cross_instance']) {
      values[`fanout.lost.${where}`] = Math.max(0, c(`fanout.expected.${where}`) - c(`fanout.received.${where}`));
    }
    values['fanout.duplicated'] = total.duplicated;
    values['fanout.out_of_order'] = total.outOfOrder;
    values['fanout.senders_with_loss'] = perSender.filter((p) => p.lost > 0).length;
  }
  values['vusers.failed'] = c('vusers.failed');

  const timeline: LoadPeriod[] = raw.intermediate.map((p) => ({
    at: new Date(Number(p.firstMetricAt ?? p.period ?? 0)).toISOString(),
    counters: Object.fromEntries(Object.entries(p.counters ?? {}).filter(([k]) => !k.startsWith('fanout.sender.'))),
    histograms: histograms(p),
  }));

  return {
    metrics: {
      counters: Object.fromEntries(Object.entries(counters).filter(([k]) => !k.startsWith('fanout.sender.') && !k.startsWith('fanout.latency_bucket.'))),
      histograms: hist,
      latencyBuckets,
      ...(total ? { delivery: total, perSender } : {}),
      values,
    },
    timeline,
  };
}
