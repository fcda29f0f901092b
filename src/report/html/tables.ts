import type { GeneratorHealth, HistogramSummary, LoadPeriod, LoadReport, PerSenderDelivery, ThresholdResult } from '../../model/load.js';
import { fmtMetric, fmtMs, fmtNum, fmtPct, fmtRate } from './format.js';
import { html, type Html } from './markup.js';
import { activeSeconds } from './timeline.js';

export interface Column<T> {
  head: string;
  num?: boolean;
  cell: (row: T) => string | Html;
  /** Extra class for one cell, e.g. "warn" when a loss count is not zero. */
  tone?: (row: T) => string | undefined;
}

export function table<T>(columns: Column<T>[], rows: T[], rowClass?: (row: T) => string | undefined): Html {
  const head = columns.map((c) => html`<th class="${c.num ? 'num' : ''}">${c.head}</th>`);
  const body = rows.map(
    (r) =>
      html`<tr class="${rowClass?.(r) ?? ''}">${columns.map(
        (c) => html`<td class="${[c.num ? 'num' : 'name', c.tone?.(r) ?? ''].join(' ').trim()}">${c.cell(r)}</td>`,
      )}</tr>`,
  );
  return html`<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const warnIfPositive = (v: number) => (v > 0 ? 'warn' : undefined);

/** The metric an expression reads: its first token ("fanout.latency_ms.p99 < 250"). */
function metricOf(expr: string): string {
  return /^\s*([\w.:\-/]+)/.exec(expr)?.[1] ?? expr;
}

export function thresholdsTable(thresholds: ThresholdResult[]): Html {
  if (!thresholds.length) return html`<p class="small">No thresholds were set for this run.</p>`;
  return table<ThresholdResult>(
    [
      { head: '', cell: (t) => (t.ok ? html`<span class="mark ok" title="met">✓</span>` : html`<span class="mark bad" title="not met">✗</span>`) },
      { head: 'Threshold', cell: (t) => html`<code>${t.expr}</code>` },
      { head: 'Measured', num: true, cell: (t) => (t.value === null ? 'not produced' : fmtMetric(metricOf(t.expr), t.value)) },
    ],
    thresholds,
    (t) => (t.ok ? undefined : 'fail'),
  );
}

export function histogramsTable(histograms: Record<string, HistogramSummary>): Html {
  const rows = Object.entries(histograms).sort(([a], [b]) => a.localeCompare(b));
  if (!rows.length) return html`<p class="small">The run produced no histograms.</p>`;
  // A percentile above the max (an older run's DDSketch summary) is shown as the max.
  const stat = (k: keyof HistogramSummary) => ([name, h]: [string, HistogramSummary]) => fmtMetric(name, k === 'max' ? h.max : Math.min(h[k], h.max));
  return table<[string, HistogramSummary]>(
    [
      { head: 'Histogram', cell: ([name]) => html`<code>${name}</code>` },
      { head: 'count', num: true, cell: ([, h]) => fmtNum(h.count) },
      { head: 'p50', num: true, cell: stat('p50') },
      { head: 'p95', num: true, cell: stat('p95') },
      { head: 'p99', num: true, cell: stat('p99') },
      { head: 'max', num: true, cell: stat('max') },
    ],
    rows,
  );
}

/** Totals, and a rate over the periods that counted each one (connections over the ramp, sends over sending). */
export function countersTable(counters: Record<string, number>, timeline: LoadPeriod[], durationMs: number): Html {
  const rows = Object.entries(counters).sort(([a], [b]) => a.localeCompare(b));
  if (!rows.length) return html`<p class="small">The run produced no counters.</p>`;
  const over = ([name]: [string, number]) => activeSeconds(timeline, name) ?? durationMs / 1000;
  return table<[string, number]>(
    [
      { head: 'Counter', cell: ([name]) => html`<code>${name}</code>` },
      { head: 'total', num: true, cell: ([, v]) => fmtNum(v) },
      { head: 'per second', num: true, cell: (row) => (over(row) > 0 ? fmtRate(row[1] / over(row)) : '—') },
      { head: 'over (s)', num: true, cell: (row) => (over(row) > 0 ? fmtNum(Number(over(row).toPrecision(3))) : '—') },
    ],
    rows,
  );
}

export function generatorTable(g: GeneratorHealth): Html {
  const fdShare = g.fdLimit > 0 ? ` (${fmtPct(g.fdPeak / g.fdLimit, 1)})` : '';
  const rows: Array<[string, string]> = [
    ['Event-loop lag p99', fmtMs(g.eventLoopLagP99Ms)],
    ...(g.sendLagP99Ms !== undefined ? [['Senders behind schedule p99', fmtMs(g.sendLagP99Ms)] as [string, string]] : []),
    ['CPU average', `${fmtNum(g.cpuPct)}% of a core`],
    ['CPU peak', `${fmtNum(g.cpuPeakPct)}% of a core`],
    ...(g.cpuWaitPct !== undefined ? [['Waited for a CPU', `${fmtNum(g.cpuWaitPct)}% of its ready time`] as [string, string]] : []),
    ['File descriptors peak / limit', `${fmtNum(g.fdPeak)} / ${fmtNum(g.fdLimit)}${fdShare}`],
    ['Saturated', g.saturated ? 'yes: results invalid' : 'no'],
  ];
  return table<[string, string]>(
    [
      { head: 'Load generator', cell: ([k]) => k },
      { head: '', num: true, cell: ([, v]) => v, tone: ([k]) => (k === 'Saturated' && g.saturated ? 'warn' : undefined) },
    ],
    rows,
  );
}

export const PER_SENDER_ROWS = 50;

export function perSenderTable(senders: PerSenderDelivery[] | undefined): Html {
  if (!senders?.length) return html`<p class="small">The run recorded no per-sender delivery.</p>`;
  // Senders are numbered ("2" before "10"), hence the numeric collation.
  const sorted = [...senders].sort((a, b) => b.lost - a.lost || a.sender.localeCompare(b.sender, 'en', { numeric: true }));
  const shown = sorted.slice(0, PER_SENDER_ROWS);
  const omitted = sorted.length - shown.length;
  const rows = table<PerSenderDelivery>(
    [
      { head: 'Sender', cell: (s) => html`<code>${s.sender}</code>` },
      { head: 'instance', num: true, cell: (s) => fmtNum(s.instance) },
      { head: 'sent', num: true, cell: (s) => fmtNum(s.sent) },
      { head: 'expected', num: true, cell: (s) => fmtNum(s.expected) },
      { head: 'received', num: true, cell: (s) => fmtNum(s.received) },
      { head: 'lost', num: true, cell: (s) => fmtNum(s.lost), tone: (s) => warnIfPositive(s.lost) },
      { head: 'duplicated', num: true, cell: (s) => fmtNum(s.duplicated), tone: (s) => warnIfPositive(s.duplicated) },
      { head: 'out of order', num: true, cell: (s) => fmtNum(s.outOfOrder), tone: (s) => warnIfPositive(s.outOfOrder) },
      { head: 'ratio', num: true, cell: (s) => fmtPct(s.ratio), tone: (s) => (s.ratio < 1 ? 'warn' : undefined) },
    ],
    shown,
  );
  const note = omitted > 0 ? html`<p class="omitted">${fmtNum(omitted)} more sender${omitted === 1 ? '' : 's'} omitted (the ${fmtNum(shown.length)} shown lost the most).</p>` : html``;
  return html`${rows}${note}`;
}

/** The line above the per-sender table: how many senders and in which order. */
export function perSenderCaption(report: LoadReport): string {
  const n = report.metrics.perSender?.length ?? 0;
  if (n === 0) return '';
  return n > PER_SENDER_ROWS ? `${fmtNum(n)} senders, most lost first; the top ${PER_SENDER_ROWS} shown` : `${fmtNum(n)} sender${n === 1 ? '' : 's'}, most lost first`;
}
