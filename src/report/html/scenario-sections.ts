import type { LoadReport, ThroughputStep } from '../../model/load.js';
import { barChart, lineChart, type Bar } from './charts.js';
import { fmtMs, fmtNum, fmtPct, fmtRate } from './format.js';
import { html, type Html } from './markup.js';
import { table } from './tables.js';

/** A figure and what it means, one row of a section's fact table. */
type Fact = [label: string, value: string, warn?: boolean];

function factTable(head: string, facts: Fact[]): Html {
  return table<Fact>(
    [
      { head, cell: ([k]) => k },
      { head: '', num: true, cell: ([, v]) => v, tone: ([, , warn]) => (warn ? 'warn' : undefined) },
    ],
    facts,
  );
}

/**
 * The reconnection storm: how fast clients came back, how many sessions Socket.IO recovered, what they
 * missed live and whether messages:sync gave it back, and presence afterwards.
 */
export function stormSection(r: LoadReport): Html {
  const v = r.metrics.values;
  const n = (name: string) => v[name] ?? 0;
  const reconnect = r.metrics.histograms['reconnect.time_ms'];
  // No percentile above the max: an older run's DDSketch summary could say so.
  const handshake = r.metrics.histograms['reconnect.handshake_ms'];
  const spread = r.parameters.reconnectSpreadSeconds;
  const reconnectFacts: Fact[] = reconnect
    ? [
        ...(['p50', 'p95', 'p99'] as const).map((k): Fact => [k, fmtMs(Math.min(reconnect[k], reconnect.max))]),
        ['max', fmtMs(reconnect.max)],
        ...(handshake ? [['its last retry (attempt → ready) p99', fmtMs(Math.min(handshake.p99, handshake.max))] as Fact] : []),
        ...(typeof spread === 'number' ? [['receivers\' retries spread after the outage', spread > 0 ? `${spread} s` : 'none (one tick)'] as Fact] : []),
      ]
    : [['no client reconnected', '—', true]];
  const kraken = r.parameters.dialect === 'kraken';
  const sessions: Fact[] = [
    ['clients disconnected by the storm', fmtNum(n('reconnect.disconnected'))],
    ['reconnected', fmtNum(n('reconnect.reconnected'))],
    ['failed to reconnect', fmtNum(n('reconnect.failed')), n('reconnect.failed') > 0],
    kraken
      ? ['reconnected but failed to joinAll / presenceOnline again', fmtNum(n('reconnect.rejoin_failed')), n('reconnect.rejoin_failed') > 0]
      : ['sessions Socket.IO recovered', `${fmtNum(n('reconnect.recovered'))} (${fmtPct(n('reconnect.recovered_share'), 0)} of the reconnected)`],
  ];
  const presence: Fact[] = [
    ['peers seen offline while connected (presence.stale_offline)', fmtNum(n('presence.stale_offline')), n('presence.stale_offline') > 0],
    kraken
      ? ['world mates seen online at the end (presence.peers_online)', fmtNum(n('presence.peers_online'))]
      : ['users still online after every client left (presence.stale_online)', v['presence.stale_online'] === undefined ? 'not checked (the target declares no Redis)' : fmtNum(v['presence.stale_online']), n('presence.stale_online') > 0],
  ];
  const missed = n('storm.missed_live');
  const unrecovered: Bar = { label: kraken ? 'lost' : 'unrecovered', value: n('storm.unrecovered'), tone: n('storm.unrecovered') > 0 ? 'warn' : 'base' };
  const bars: Bar[] = kraken
    ? [
        { label: 'missed live', value: missed, tone: 'base' },
        { label: 'while away', value: n('storm.missed_outage'), tone: 'base' },
        unrecovered,
        { label: 'cut with sender', value: n('storm.cut_at_crash'), tone: 'base' },
      ]
    : [
        { label: 'missed live', value: missed, tone: 'base' },
        { label: 'by sync', value: n('storm.recovered_by_sync'), tone: 'good' },
        unrecovered,
        { label: 'unconfirmed', value: n('storm.unconfirmed_at_crash.deliveries_missing'), tone: 'base' },
      ];
  const desc = kraken
    ? html`Deliveries (message × receiver) the clients did not get live. Kraken has no history event, so a client that reconnected and ran joinAll and presenceOnline again cannot fetch what was sent while it was away: those are <em>missed while away</em>, not lost. Lost: owed after the rejoin (or while connected) and never received. Cut with sender: not received, due within 1 s of the storm from a sender whose connection the storm cut (stored or dropped, Kraken cannot tell). ${fmtNum(n('storm.sent_during_outage'))} message(s) were sent during the outage.`
    : html`Deliveries (message × receiver) the clients missed while they were disconnected, how many <code>messages:sync</code> gave back after the reconnect, and how many never arrived. Unconfirmed: deliveries of ${fmtNum(n('storm.unconfirmed_at_crash'))} message(s) whose ack never came because the sender's instance died under it (maybe never stored), counted apart from the lost. ${fmtNum(n('storm.sent_during_outage'))} message(s) were sent during the outage.`;
  const barsLabel = kraken ? 'Storm deliveries: missed live, missed while away, lost, cut with their sender' : 'Storm deliveries: missed live, recovered by sync, unrecovered, unconfirmed at the crash';
  return html`<h2>Reconnection storm</h2>
<p class="desc">${desc}</p>
<div class="row even"><div>${barChart(bars, { label: barsLabel, labelWidth: 100 })}</div><div>${factTable('Time to reconnect (disconnect → ready again)', reconnectFacts)}</div></div>
<div class="row even"><div>${factTable('Sessions', sessions)}</div><div>${factTable('Presence after the storm', presence)}</div></div>`;
}

/** Throughput: one row per step of offered rate, where ack latency bent (the knee) and the highest rate held. */
export function throughputSection(r: LoadReport): Html {
  const steps = r.metrics.steps ?? [];
  const v = r.metrics.values;
  const knee = v['throughput.knee_rate'] ?? 0;
  const sustained = v['throughput.max_sustained_rate'] ?? 0;
  const verdict = `${knee ? `Knee at ${fmtNum(knee)} msg/s offered` : 'No knee: ack latency held at every step'}; highest rate sustained ${sustained ? `${fmtNum(sustained)} msg/s` : 'none'}.`;
  const rows = table<ThroughputStep>(
    [
      { head: 'step', num: true, cell: (s) => fmtNum(s.step) },
      { head: 'offered msg/s', num: true, cell: (s) => fmtNum(s.offeredRate) },
      { head: 'sent', num: true, cell: (s) => fmtNum(s.sent) },
      { head: 'acked', num: true, cell: (s) => fmtNum(s.acked), tone: (s) => (s.acked < s.sent ? 'warn' : undefined) },
      { head: 'acks/s (over the step)', num: true, cell: (s) => fmtRate(s.ackedRate) },
      { head: 'ack timeouts', num: true, cell: (s) => fmtNum(s.timeouts), tone: (s) => (s.timeouts > 0 ? 'warn' : undefined) },
      { head: 'not deliverable', num: true, cell: (s) => fmtNum(s.notDeliverable ?? 0) },
      { head: 'ack p50', num: true, cell: (s) => fmtMs(s.p50) },
      { head: 'ack p95', num: true, cell: (s) => fmtMs(s.p95) },
      { head: 'ack p99', num: true, cell: (s) => fmtMs(s.p99) },
      { head: 'bent', cell: (s) => (s.bent ? html`<span class="mark bad" title="bent">knee</span>` : html`<span class="mark ok" title="held">✓</span>`) },
    ],
    steps,
    (s) => (s.offeredRate === knee ? 'fail' : undefined),
  );
  const line = (key: string, label: string, color: string, pick: (s: ThroughputStep) => number) => ({ key, label, color, points: steps.map((s) => ({ x: s.offeredRate, y: pick(s) })) });
  const chart = steps.length
    ? lineChart([line('ack-p50', 'ack p50', '#0072b2', (s) => s.p50), line('ack-p99', 'ack p99', '#d55e00', (s) => s.p99)], {
        label: 'Ack latency p50 and p99 per step, against the offered rate',
        xLabel: 'offered rate of the step (msg/s)',
        yLabel: 'ack latency (ms)',
        height: 260,
      })
    : html`<p class="small">The run recorded no step.</p>`;
  return html`<h2>Throughput steps</h2>
<p class="desc">${verdict} A step bends when its ack p99 passes twice the first step's (and 50 ms more) or acks fall behind sends. Rates per second divide by the step's own length. Not deliverable: deliveries of the step's messages owed to receivers that were not connected yet, not counted as lost.</p>
${rows}
<p class="desc">Ack latency (emit → ack) p50 (blue) and p99 (orange) per step, plotted at the step's offered rate.</p>${chart}`;
}
