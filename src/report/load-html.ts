import type { HistogramSummary, LoadPeriod, LoadReport } from '../model/load.js';
import { barChart, columnChart, lineChart, noDataChart, type Bar, type LineSeries, type Point } from './html/charts.js';
import { fmtDuration, fmtMs, fmtNum, fmtPct, fmtTimestamp } from './html/format.js';
import { html, raw, type Html } from './html/markup.js';
import { plainPage } from './html/page.js';
import { stormSection, throughputSection } from './html/scenario-sections.js';
import { countersTable, generatorTable, histogramsTable, perSenderCaption, perSenderTable, thresholdsTable } from './html/tables.js';
import { periodSeconds, periodWidthSeconds } from './html/timeline.js';

/** The delivery-latency histogram of the run's scenario (fanout.latency_ms, storm.latency_ms, ...). */
const latencyOf = (r: LoadReport) => r.metrics.latencyMetric ?? 'fanout.latency_ms';

interface LineSpec {
  key: string;
  label: string;
  histogram: string;
  stat: 'p50' | 'p95' | 'p99';
  color: string;
  dashed?: boolean;
  /** Drawn only when some period has the histogram: single-instance runs have no cross-instance split. */
  optional?: boolean;
}

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
const latencyLines = (latency: string): LineSpec[] => [
  { key: 'p50', label: 'p50', histogram: latency, stat: 'p50', color: '#0072b2' },
  { key: 'p95', label: 'p95', histogram: latency, stat: 'p95', color: '#e69f00' },
  { key: 'p99', label: 'p99', histogram: latency, stat: 'p99', color: '#d55e00' },
  { key: 'cross-instance-p99', label: 'cross-instance p99', histogram: `${latency}.cross_instance`, stat: 'p99', color: '#cc79a7', dashed: true, optional: true },
  { key: 'same-instance-p99', label: 'same-instance p99', histogram: `${latency}.same_instance`, stat: 'p99', color: '#009e73', dashed: true, optional: true },
];

/** One self-contained HTML page (inline CSS and SVG, no scripts) for report.json of `gatecheck load`. */
export function renderLoadHtml(report: LoadReport): string {
  const senders = perSenderCaption(report);
  const body = html`${header(report)}${saturationBanner(report)}${facts(report)}${kpis(report)}
${report.metrics.prefix === 'storm' ? html`<section class="card storm">${stormSection(report)}</section>` : ''}
${report.metrics.steps ? html`<section class="card throughput">${throughputSection(report)}</section>` : ''}
<section class="card">${latencyOverTime(report)}</section>
<section class="card">${latencyHistogram(report)}</section>
<div class="row even"><section class="card">${deliveries(report)}</section><section class="card"><h2>Thresholds</h2>${thresholdsTable(report.thresholds)}</section></div>
<div class="row"><section class="card"><h2>Histograms</h2>${histogramsTable(report.metrics.histograms)}</section><section class="card"><h2>Generator health</h2><p class="desc">When the load generator is the bottleneck, latencies measure it rather than the gateway.</p>${generatorTable(report.generator)}</section></div>
<section class="card"><h2>Per-sender delivery</h2>${senders ? html`<p class="desc">${senders}</p>` : ''}${perSenderTable(report.metrics.perSender)}</section>
<section class="card"><h2>Counters</h2><p class="desc">Per second: the total divided by the time from the first to the last reporting period that counted it (the phase that produced it), not by the whole run.</p>${countersTable(report.metrics.counters, report.timeline, report.durationMs)}</section>
<footer>gatecheck load · report.json schema ${report.schemaVersion}</footer>`;
  return plainPage(`gatecheck load: ${report.scenario} (${report.passed ? 'passed' : 'failed'})`, body);
}

function header(r: LoadReport): Html {
  const n = r.target.instances.length;
  const verdict = r.passed ? 'PASSED' : 'FAILED';
  return html`<header class="top"><div><div class="kicker">gatecheck load report</div><h1>${r.scenario}</h1><div class="subtitle">${fmtTimestamp(r.startedAt)} · ${fmtDuration(r.durationMs)} · ${n} target instance${n === 1 ? '' : 's'}</div></div><div class="verdict"><div class="badge ${r.passed ? 'passed' : 'failed'}">${verdict}</div>${r.generator.saturated ? html`<div class="caveat">but the run is invalid</div>` : ''}</div></header>`;
}

function saturationBanner(r: LoadReport): Html {
  if (!r.generator.saturated) return html``;
  const reasons = r.generator.reasons.length ? html`<ul>${r.generator.reasons.map((x) => html`<li>${x}</li>`)}</ul>` : html``;
  return html`<div class="invalid" role="alert"><strong>INVALID: generator saturated</strong>The load generator ran out of headroom, so these numbers measure it rather than the gateway.${reasons}</div>`;
}

function facts(r: LoadReport): Html {
  const t = r.target;
  const extras = [t.configFile && `config ${t.configFile}`, t.mutant && `mutant ${t.mutant}`, t.redis && `redis ${t.redis}`].filter(Boolean);
  const params = Object.entries(r.parameters);
  return html`<dl class="facts">
<dt>Target</dt><dd>${t.source}${extras.length ? ` (${extras.join(', ')})` : ''}</dd>
<dt>Instances</dt><dd><ul class="chips mono">${t.instances.map((u, i) => html`<li><span class="k">${i}</span> ${u}</li>`)}</ul></dd>
<dt>Started</dt><dd>${fmtTimestamp(r.startedAt)}</dd>
<dt>Duration</dt><dd>${fmtDuration(r.durationMs)} (${fmtNum(r.timeline.length)} reporting periods${periodWidthSeconds(r.timeline) ? ` of ${fmtNum(periodWidthSeconds(r.timeline))} s` : ''})</dd>
<dt>Parameters</dt><dd>${params.length ? html`<ul class="chips mono">${params.map(([k, v]) => html`<li><span class="k">${k}</span> ${typeof v === 'number' ? fmtNum(v) : v}</li>`)}</ul>` : 'none'}</dd>
</dl>`;
}

function kpi(label: string, value: string, tone: 'good' | 'bad' | 'warn' | '' = ''): Html {
  return html`<div class="kpi ${tone}"><div class="k">${label}</div><div class="v">${value}</div></div>`;
}

function kpis(r: LoadReport): Html {
  const failed = r.thresholds.filter((t) => !t.ok).length;
  const fanout = r.metrics.histograms[latencyOf(r)];
  const d = r.metrics.delivery;
  const v = r.metrics.values;
  const reconnect = r.metrics.histograms['reconnect.time_ms'];
  return html`<section class="kpis">${[
    r.thresholds.length ? kpi('Thresholds met', `${r.thresholds.length - failed} / ${r.thresholds.length}`, failed ? 'bad' : 'good') : '',
    fanout ? kpi('Fan-out p99', fmtMs(Math.min(fanout.p99, fanout.max))) : '',
    reconnect ? kpi('Reconnect p99', fmtMs(Math.min(reconnect.p99, reconnect.max))) : '',
    v['storm.unrecovered'] !== undefined ? kpi(r.parameters.dialect === 'kraken' ? 'Lost in the storm' : 'Unrecovered', fmtNum(v['storm.unrecovered']), v['storm.unrecovered'] > 0 ? 'bad' : 'good') : '',
    r.metrics.steps ? kpi('Knee', v['throughput.knee_rate'] ? `${fmtNum(v['throughput.knee_rate'])} msg/s` : 'none', v['throughput.knee_rate'] ? 'warn' : 'good') : '',
    fanout ? kpi('Fan-out p50', fmtMs(fanout.p50)) : '',
    d ? kpi('Delivery ratio', fmtPct(d.ratio, 3), d.ratio < 1 ? 'warn' : 'good') : '',
    d ? kpi('Lost deliveries', fmtNum(d.lost), d.lost > 0 ? 'warn' : 'good') : '',
    kpi('Generator', r.generator.saturated ? 'saturated' : 'healthy', r.generator.saturated ? 'bad' : 'good'),
  ]}</section>`;
}

function seriesFor(spec: LineSpec, timeline: LoadPeriod[], xs: Array<number | null>): LineSeries {
  const points: Point[] = [];
  timeline.forEach((p, i) => {
    const x = xs[i];
    if (x !== null) points.push({ x, y: p.histograms[spec.histogram]?.[spec.stat] ?? null });
  });
  return { key: spec.key, label: spec.label, color: spec.color, dashed: spec.dashed, points };
}

/** x ranges where the period histogram is missing, from the last measured point to the next. */
function missingRanges(timeline: LoadPeriod[], xs: Array<number | null>, histogram: string): Array<{ from: number; to: number }> {
  const ranges: Array<{ from: number; to: number }> = [];
  const has = (i: number) => histogram in timeline[i].histograms;
  for (let i = 0; i < timeline.length; i++) {
    if (has(i)) continue;
    let j = i;
    while (j + 1 < timeline.length && !has(j + 1)) j++;
    const from = xs[Math.max(0, i - 1)];
    const to = xs[Math.min(timeline.length - 1, j + 1)];
    if (from !== null && to !== null) ranges.push({ from, to });
    i = j;
  }
  return ranges;
}

function legend(series: LineSeries[], withShade: boolean): Html {
  const items = series.map(
    (s) => html`<li><span class="swatch" style="${raw(`border-top-color:${s.color};border-top-style:${s.dashed ? 'dashed' : 'solid'}`)}"></span>${s.label}</li>`,
  );
  return html`<ul class="legend">${items}${withShade ? html`<li><span class="swatch shade"></span>no samples in the period</li>` : ''}</ul>`;
}

function latencyOverTime(r: LoadReport): Html {
  const present = (h: string) => r.timeline.some((p) => h in p.histograms);
  // A scenario without deliveries (throughput) still has a time series: its ack latency.
  const ack = `${r.metrics.prefix ?? 'fanout'}.ack_ms`;
  const delivery = latencyOf(r);
  const latency = !present(delivery) && present(ack) ? ack : delivery;
  const what = latency === ack ? 'a message\'s emit to its ack, ms' : 'a message\'s intended send time to its receipt by each receiver, ms';
  const width = periodWidthSeconds(r.timeline);
  const lines = latencyLines(latency).filter((l) => !l.optional || present(l.histogram));
  const split = lines.some((l) => l.optional) ? '; dashed: the p99 of the deliveries on the sender\'s own instance and on another one' : '';
  const title = html`<h2>${latency === ack ? 'Ack' : 'Delivery'} latency over time</h2><p class="desc">p50, p95 and p99 of <code>${latency}</code> (${what}) in each reporting period${width ? ` of ${fmtNum(width)} s` : ''}, plotted at the period's start${split}.</p>`;
  if (!present(latency)) return html`${title}${noDataChart('Delivery latency over time: no data', noFanoutHint(r.timeline, latency), 1120, 220)}`;
  const xs = periodSeconds(r.timeline);
  const series = lines.map((l) => seriesFor(l, r.timeline, xs));
  const shaded = missingRanges(r.timeline, xs, latency);
  const chart = lineChart(series, { label: `${latency} p50, p95 and p99 per reporting period`, xLabel: 'time since the first period (s)', yLabel: 'latency (ms)', shaded });
  return html`${title}${chart}${legend(series, shaded.length > 0)}`;
}

/** Says what the periods did record, so a storm report points at its own metric. */
function noFanoutHint(timeline: LoadPeriod[], latency: string): string {
  const names = [...new Set(timeline.flatMap((p) => Object.keys(p.histograms)))].sort();
  const shown = names.slice(0, 4).join(', ') + (names.length > 4 ? ', …' : '');
  return `no reporting period has ${latency}` + (names.length ? `; the periods record ${shown} (see Histograms)` : '');
}

function percentiles(h: HistogramSummary): Html {
  // A summary from an older run may put a percentile above the max it tracks exactly: never show that.
  const row = (k: 'p50' | 'p95' | 'p99') => html`<div class="${k}"><dt>${k}</dt><dd>${fmtMs(Math.min(h[k], h.max))}</dd></div>`;
  return html`<dl class="pstats">${row('p50')}${row('p95')}${row('p99')}<div><dt>count / max</dt><dd class="small">${fmtNum(h.count)} / ${fmtMs(h.max)}</dd></div></dl>`;
}

function latencyHistogram(r: LoadReport): Html {
  const buckets = r.metrics.latencyBuckets;
  const title = html`<h2>Latency histogram</h2><p class="desc">Deliveries of the whole run counted per latency bucket of <code>${latencyOf(r)}</code> (intended send → receipt); each column is the bucket's upper bound in ms, +Inf the rest. Beside it, the run's percentiles.</p>`;
  const chart = buckets.some((b) => b.count > 0)
    ? columnChart(
        buckets.map((b) => ({ label: b.le, value: b.count })),
        { label: 'Latency histogram', xLabel: 'bucket upper bound, le (ms)', yLabel: 'deliveries' },
      )
    : noDataChart('Latency histogram: no data', 'no delivery fell in any latency bucket', 950, 220);
  const aggregate = r.metrics.histograms[latencyOf(r)];
  return aggregate ? html`${title}<div class="hist">${chart}${percentiles(aggregate)}</div>` : html`${title}${chart}<p class="small">No aggregate ${latencyOf(r)} histogram in this run.</p>`;
}

function deliveries(r: LoadReport): Html {
  const d = r.metrics.delivery;
  const title = html`<h2>Deliveries</h2>`;
  if (!d) return html`${title}<p class="desc">Every figure counts message × receiver.</p>${noDataChart('Deliveries: no data', 'this scenario does not account deliveries', 530, 202)}`;
  const share = (v: number) => (d.expected > 0 ? fmtPct(v / d.expected, v > 0 && v / d.expected < 0.0001 ? 4 : 2) : '');
  const problem = (label: string, v: number): Bar => ({ label, value: v, tone: v > 0 ? 'warn' : 'base', note: v > 0 ? share(v) : undefined });
  const bars: Bar[] = [
    { label: 'expected', value: d.expected, tone: 'base' },
    { label: 'received', value: d.received, tone: 'good', note: share(d.received) },
    problem('lost', d.lost),
    problem('duplicated', d.duplicated),
    problem('out of order', d.outOfOrder),
  ];
  return html`${title}<p class="desc">Deliveries owed (expected), received, lost, received twice and received out of order over the whole run; every figure counts message × receiver. Delivery ratio ${fmtPct(d.ratio, 3)}.</p>${barChart(bars, { label: 'Deliveries' })}`;
}
