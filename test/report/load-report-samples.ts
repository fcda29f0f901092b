// Two load reports for the HTML page's tests (load-html.test.ts, load-html.chromium.test.ts): a fan-out
// run with losses, and a reconnection storm whose generator saturated.
import type { HistogramSummary, LoadPeriod, LoadReport, PerSenderDelivery } from '../../src/model/load.js';

export const SCENARIO = `fan-out 1→500 "mixed" rooms & it's <b>bold</b>`;
export const SCENARIO_ESCAPED = 'fan-out 1→500 &quot;mixed&quot; rooms &amp; it&#39;s &lt;b&gt;bold&lt;/b&gt;';
const INJECTION = '<script>alert("x")</script>';

function hist(p50: number, count: number): HistogramSummary {
  const r = (v: number) => Math.round(v * 10) / 10;
  return { min: r(p50 * 0.2), max: r(p50 * 6.5), count, mean: r(p50 * 1.2), p50: r(p50), p75: r(p50 * 1.4), p90: r(p50 * 1.9), p95: r(p50 * 2.3), p99: r(p50 * 3.6), p999: r(p50 * 5.1) };
}

/** 20 periods of 10 s: latency wobbles, climbs in the second half, and periods 7 and 8 have no fan-out samples. */
function fanoutTimeline(): LoadPeriod[] {
  const start = Date.parse('2025-05-14T09:30:00.000Z');
  return Array.from({ length: 20 }, (_, i) => {
    const p50 = 18 + 6 * Math.sin(i / 3) + (i > 12 ? (i - 12) * 5 : 0);
    const histograms: Record<string, HistogramSummary> =
      i === 7 || i === 8
        ? { 'socketio.response_time': hist(4, 900) }
        : {
            'fanout.latency_ms': hist(p50, 60_000),
            'fanout.latency_ms.cross_instance': hist(p50 * 1.35, 30_000),
            'fanout.latency_ms.same_instance': hist(p50 * 0.7, 30_000),
            'socketio.response_time': hist(4, 900),
          };
    return { at: new Date(start + i * 10_000).toISOString(), counters: { 'fanout.sent': 120, 'fanout.received': i === 7 || i === 8 ? 0 : 60_000 }, histograms };
  });
}

function perSender(): PerSenderDelivery[] {
  return Array.from({ length: 64 }, (_, i) => {
    const expected = 18_750;
    const lost = i === 41 ? 317 : i % 5 === 0 ? (i * 7) % 23 : 0;
    return { sender: String(i), instance: i % 2, sent: 75, expected, received: expected - lost, lost, duplicated: i === 3 ? 12 : 0, outOfOrder: 0, ratio: (expected - lost) / expected };
  });
}

export function fanoutReport(): LoadReport {
  const senders = perSender();
  const lost = senders.reduce((n, s) => n + s.lost, 0);
  const expected = senders.reduce((n, s) => n + s.expected, 0);
  return {
    schemaVersion: 1,
    kind: 'load',
    scenario: SCENARIO,
    target: { source: 'reference', instances: ['http://127.0.0.1:41001', 'http://127.0.0.1:41002'], redis: 'testcontainers' },
    startedAt: '2025-05-14T09:30:00.000Z',
    durationMs: 200_000,
    parameters: { connections: 500, rooms: 1, rate: 6, duration: '200s', engine: 'socketio-v3', note: INJECTION },
    metrics: {
      counters: { 'fanout.sent': 2_400, 'fanout.received': expected - lost, 'vusers.created': 500, 'vusers.completed': 500, 'vusers.failed': 0, 'errors.ETIMEDOUT': 3 },
      histograms: {
        'fanout.latency_ms': hist(24.6, expected - lost),
        'fanout.latency_ms.cross_instance': hist(31.2, 600_000),
        'fanout.latency_ms.same_instance': hist(17.4, 599_000),
        'socketio.response_time': hist(4.1, 18_000),
      },
      // The bucket bounds of src/load/stamp.ts.
      latencyBuckets: [
        { le: '1', count: 0 },
        { le: '2', count: 310 },
        { le: '5', count: 40_890 },
        { le: '10', count: 126_500 },
        { le: '20', count: 372_400 },
        { le: '50', count: 503_600 },
        { le: '100', count: 121_700 },
        { le: '200', count: 31_900 },
        { le: '500', count: 1_850 },
        { le: '1000', count: 210 },
        { le: '2000', count: 22 },
        { le: '5000', count: 0 },
        { le: '10000', count: 0 },
        { le: '+Inf', count: 1 },
      ],
      delivery: { expected, received: expected - lost, lost, duplicated: 12, outOfOrder: 0, ratio: (expected - lost) / expected },
      perSender: senders,
      values: { 'fanout.latency_ms.p99': 88.6, 'fanout.lost': lost },
    },
    timeline: fanoutTimeline(),
    thresholds: [
      { expr: 'fanout.latency_ms.p99 < 250', value: 88.6, ok: true },
      { expr: 'fanout.lost == 0', value: lost, ok: false },
      { expr: 'fanout.delivery_ratio >= 0.999', value: (expected - lost) / expected, ok: true },
    ],
    generator: { eventLoopLagP99Ms: 14.2, cpuPct: 41.5, cpuPeakPct: 63, fdPeak: 1_046, fdLimit: 65_536, saturated: false, reasons: [] },
    passed: false,
  };
}

/** A reconnection storm whose generator ran out of headroom: no fan-out metrics, no delivery accounting. */
export function stormReport(): LoadReport {
  const start = Date.parse('2025-05-14T11:00:00.000Z');
  return {
    schemaVersion: 1,
    kind: 'load',
    scenario: 'reconnect-storm',
    target: { source: 'urls', instances: ['ws://gw-a.internal:3000'] },
    startedAt: '2025-05-14T11:00:00.000Z',
    durationMs: 60_000,
    parameters: { connections: 5_000, wave: 'all-at-once' },
    metrics: {
      counters: { 'reconnect.attempts': 5_000, 'reconnect.ok': 4_870 },
      histograms: { 'reconnect.time_ms': hist(420, 4_870) },
      latencyBuckets: [],
      values: { 'reconnect.time_ms.p99': 1_512 },
    },
    timeline: Array.from({ length: 6 }, (_, i) => ({ at: new Date(start + i * 10_000).toISOString(), counters: {}, histograms: { 'reconnect.time_ms': hist(300 + i * 40, 800) } })),
    thresholds: [{ expr: 'reconnect.time_ms.p99 < 2000', value: 1_512, ok: true }],
    generator: { eventLoopLagP99Ms: 212, cpuPct: 97, cpuPeakPct: 100, fdPeak: 5_020, fdLimit: 5_120, saturated: true, reasons: ['event-loop lag p99 212 ms > 100 ms', 'file descriptors at 98% of the limit'] },
    passed: true,
  };
}

export const count = (text: string, needle: string | RegExp) => text.split(needle).length - 1;
export const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/**
 * A reconnection storm as `gatecheck load reconnection-storm --storm instance` reports it: 1-second
 * periods (a short run), a reconnect histogram whose p99 an older DDSketch summary put above its max.
 */
export function instanceStormReport(): LoadReport {
  const start = Date.parse('2025-05-14T12:00:00.000Z');
  return {
    schemaVersion: 1,
    kind: 'load',
    scenario: 'reconnection-storm',
    target: { source: 'reference', instances: ['http://127.0.0.1:41001', 'http://127.0.0.1:41002'], redis: 'redis-server' },
    startedAt: '2025-05-14T12:00:00.000Z',
    durationMs: 12_000,
    parameters: { connections: 16, rate: 5, duration: 6, storm: 'instance' },
    metrics: {
      prefix: 'storm',
      latencyMetric: 'storm.latency_ms',
      counters: { 'storm.sent': 120, 'storm.connected': 16, 'reconnect.reconnected': 8, 'reconnect.recovered': 6, 'reconnect.failed': 1 },
      histograms: { 'storm.latency_ms': hist(4, 300), 'reconnect.time_ms': { ...hist(240, 8), p99: 1_640, max: 1_560 } },
      latencyBuckets: [],
      delivery: { expected: 360, received: 352, lost: 8, duplicated: 0, outOfOrder: 0, ratio: 352 / 360 },
      values: {
        'storm.unrecovered': 2,
        'storm.unconfirmed_at_crash': 2,
        'storm.unconfirmed_at_crash.deliveries_missing': 6,
        'storm.missed_live': 29,
        'storm.recovered_by_sync': 27,
        'storm.sent_during_outage': 11,
        'reconnect.disconnected': 9,
        'reconnect.reconnected': 8,
        'reconnect.recovered': 6,
        'reconnect.failed': 1,
        'reconnect.recovered_share': 0.75,
        'presence.stale_offline': 0,
        'presence.stale_online': 3,
      },
    },
    // Sending for 6 s (sent counted in periods 2-7), connections in the first 2 s.
    timeline: Array.from({ length: 12 }, (_, i) => ({
      at: new Date(start + i * 1000).toISOString(),
      counters: { ...(i >= 2 && i < 8 ? { 'storm.sent': 20 } : {}), ...(i < 2 ? { 'storm.connected': 8 } : {}) },
      histograms: (i >= 2 && i < 9 ? { 'storm.latency_ms': hist(3 + i, 40) } : {}) as Record<string, HistogramSummary>,
    })),
    thresholds: [{ expr: 'storm.unrecovered == 0', value: 2, ok: false }],
    generator: { eventLoopLagP99Ms: 12, cpuPct: 20, cpuPeakPct: 45, fdPeak: 60, fdLimit: 20_000, saturated: false, reasons: [] },
    passed: false,
  };
}

/** The same storm on a Kraken target: no messages:sync, what the clients missed while away is counted apart. */
export function krakenStormReport(): LoadReport {
  const r = instanceStormReport();
  const values = { ...r.metrics.values, 'storm.recovered_by_sync': 0, 'storm.missed_outage': 25, 'storm.cut_at_crash': 2, 'storm.missed_live': 29, 'reconnect.recovered': 0, 'reconnect.recovered_share': 0, 'reconnect.rejoin_failed': 1, 'presence.peers_online': 8 };
  delete (values as Record<string, number>)['presence.stale_online'];
  return { ...r, parameters: { ...r.parameters, dialect: 'kraken' }, metrics: { ...r.metrics, values } };
}

/** A throughput run of five steps whose ack latency bent at the fourth (320 msg/s). */
export function throughputReport(): LoadReport {
  const start = Date.parse('2025-05-14T13:00:00.000Z');
  const p99s = [12, 14, 19, 240, 480];
  const steps = [40, 80, 160, 320, 640].map((offeredRate, step) => ({
    step,
    offeredRate,
    sent: offeredRate * 5,
    acked: step === 4 ? offeredRate * 5 - 90 : offeredRate * 5,
    ackedRate: (step === 4 ? offeredRate * 5 - 90 : offeredRate * 5) / 5,
    timeouts: step === 4 ? 90 : 0,
    notDeliverable: step === 0 ? 12 : 0,
    p50: 3 + step,
    p95: p99s[step] * 0.8,
    p99: p99s[step],
    bent: step >= 3,
  }));
  return {
    schemaVersion: 1,
    kind: 'load',
    scenario: 'throughput',
    target: { source: 'reference', instances: ['http://127.0.0.1:41001'] },
    startedAt: '2025-05-14T13:00:00.000Z',
    durationMs: 40_000,
    parameters: { connections: 64, rate: 640, duration: 5 },
    metrics: {
      prefix: 'throughput',
      latencyMetric: 'throughput.latency_ms',
      counters: { 'throughput.sent': 6_200, 'throughput.acked': 6_110, 'throughput.ack_timeout': 90 },
      histograms: { 'throughput.ack_ms': hist(6, 6_110) },
      latencyBuckets: [],
      steps,
      values: { 'throughput.knee_rate': 320, 'throughput.max_sustained_rate': 160, 'throughput.ack_timeout': 90 },
    },
    timeline: Array.from({ length: 25 }, (_, i) => ({ at: new Date(start + i * 1000).toISOString(), counters: { 'throughput.sent': 248 }, histograms: { 'throughput.ack_ms': hist(3 + i / 5, 248) } })),
    thresholds: [{ expr: 'throughput.ack_timeout == 0', value: 90, ok: false }],
    generator: { eventLoopLagP99Ms: 15, cpuPct: 35, cpuPeakPct: 60, fdPeak: 90, fdLimit: 20_000, saturated: false, reasons: [] },
    passed: false,
  };
}
