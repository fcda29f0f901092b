import type { CaseResult, CaseStatus, ConformanceReport, TimelineEntry } from '../model/conformance.js';
import { fmtDuration, fmtTimestamp } from './html/format.js';
import { html, raw, type Html } from './html/markup.js';
import { page } from './html/page.js';
import { DocumentReporter } from './reporter.js';
import type { Sink } from './sink.js';
import { baselineLabel, conformancePassed, findingLines } from './verdicts.js';

const GRADES: CaseStatus[] = ['failed', 'errored', 'non-strict', 'skipped', 'passed'];
const MARKS = ['new', 'accepted', 'fixed'] as const;

/**
 * report.html of `gatecheck conform`: per suite and case the grade, reason, evidence and the timeline as
 * client/server messages, filterable by grade (and baseline mark) with CSS alone: report.html#show-failed
 * shows the failed cases (a link a CI summary can point at).
 */
export function renderConformanceHtml(r: ConformanceReport): string {
  const passed = conformancePassed(r);
  const where = r.target.source === 'reference' ? `reference gateway (${r.target.instances.length} instance(s)${r.target.mutant ? `, mutant ${r.target.mutant}` : ''})` : r.target.instances.join(', ');
  const filters = [{ key: 'all', label: `all (${r.cases.length})` }, ...GRADES.map((g) => ({ key: g, label: `${g} (${r.cases.filter((c) => c.status === g).length})` }))];
  if (r.baseline) for (const m of MARKS) filters.push({ key: m, label: `${m === 'accepted' ? 'still failing (accepted)' : m} (${r.baseline.counts[m]})` });
  const filterCss = filters
    .filter((f) => f.key !== 'all')
    .map((f) => `#show-${f.key}:target ~ .suites details.case:not(.${f.key}) { display: none; } #show-${f.key}:target ~ .filters a[href="#show-${f.key}"] { background: #1f2933; color: #fff; }`)
    .join('\n');
  const suites = [...new Set(r.cases.map((c) => c.suite))];
  const findings = findingLines(r);
  const body = html`<header class="top"><div><div class="kicker">gatecheck conform · ${r.dialect}</div><h1>${r.dialect} conformance</h1><div class="subtitle">against ${where} · ${fmtTimestamp(r.startedAt)} · ${fmtDuration(r.durationMs)}${r.strict ? ' · strict' : ''}</div></div>
<div class="verdict"><div class="badge ${passed ? 'passed' : 'failed'}">${passed ? 'PASSED' : 'FAILED'}</div></div></header>
<div class="kpis">${kpi('passed', r.summary.passed, 'good')}${kpi('non-strict', r.summary.nonStrict, r.summary.nonStrict ? 'warn' : '')}${kpi('failed', r.summary.failed, r.summary.failed ? 'bad' : 'good')}${r.summary.blocked ? kpi('blocked', r.summary.blocked, 'bad') : ''}${kpi('skipped', r.summary.skipped, '')}${kpi('errored', r.summary.errored, r.summary.errored ? 'bad' : 'good')}</div>
${r.baseline ? html`<section class="card"><h2>Baseline</h2><p class="desc">${r.baseline.file}: ${r.baseline.counts.new} new, ${r.baseline.counts.accepted} still failing (accepted), ${r.baseline.counts.fixed} fixed${r.baseline.notRun.length ? `, not run: ${r.baseline.notRun.join(', ')}` : ''}</p></section>` : ''}
${findings.length ? html`<section class="card"><h2>Findings</h2><ul>${findings.map((f) => html`<li>${f.severity ? html`<strong>${f.severity}</strong> ` : ''}${f.title}${f.detail ? `: ${f.detail}` : ''}</li>`)}</ul></section>` : ''}
${r.cut ? html`<p class="omitted">${r.cut}</p>` : ''}
${filters.map((f) => html`<span class="filter-target" id="show-${f.key}"></span>`)}
<div class="filters">${filters.map((f) => html`<a href="#show-${f.key}">${f.label}</a>`)}</div>
<div class="suites">${suites.map((s) => suiteSection(r, s))}</div>
<footer>gatecheck conform · report.json schema ${r.schemaVersion}</footer>`;
  return page(`gatecheck conform: ${r.dialect} (${passed ? 'passed' : 'failed'})`, body, filterCss);
}

const kpi = (label: string, value: number, tone: string) => html`<div class="kpi ${tone}"><div class="k">${label}</div><div class="v">${value}</div></div>`;

function suiteSection(r: ConformanceReport, suite: string): Html {
  const cases = r.cases.filter((c) => c.suite === suite);
  const counts = GRADES.map((g) => [g, cases.filter((c) => c.status === g).length] as const).filter(([, n]) => n);
  return html`<section class="card suite" id="suite-${suite}"><h2>${suite}</h2><p class="desc">${counts.map(([g, n]) => `${n} ${g}`).join(', ')}</p>${cases.map((c) => caseDetails(r, c))}</section>`;
}

function caseDetails(r: ConformanceReport, c: CaseResult): Html {
  const mark = r.baseline?.cases[c.id];
  const open = c.status === 'failed' || c.status === 'errored' || mark?.mark === 'new' || mark?.mark === 'fixed';
  const f = c.evidence.failure;
  const evidence: Array<[string, string]> = [];
  if (mark) evidence.push([`baseline: ${baselineLabel(r, c.id)}`, mark.note]);
  if (f?.expected) evidence.push(['expected', f.expected]);
  if (f?.received) evidence.push(['received', f.received]);
  for (const d of c.evidence.deviations) evidence.push(['deviation', d]);
  for (const n of c.evidence.notes) evidence.push(['note', n]);
  for (const v of c.evidence.violations) evidence.push([`contract violation (${v.who} ${v.event})`, `${v.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}\n${v.payload}`]);
  return html`<details class="case ${c.status}${mark ? ` ${mark.mark}` : ''}" id="case-${c.id}"${raw(open ? ' open' : '')}><summary><span class="g ${c.status}">${c.status}</span>${mark ? html`<span class="b ${mark.mark}">${baselineLabel(r, c.id)}</span>` : ''}<span class="id mono">${c.id}</span><span class="title">${c.title}${c.seedRef ? ` (${c.seedRef})` : ''}</span><span class="small">${c.durationMs} ms</span></summary>
<p class="reason">${c.reason}</p>
${evidence.length ? html`<dl class="evidence">${evidence.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>` : ''}
${c.evidence.timeline.length ? timelineTable(c.evidence.timeline) : ''}</details>`;
}

/** Who sent what, when and to whom: a probe's emit goes to the server, what it received came from the server. */
function timelineTable(entries: TimelineEntry[]): Html {
  const row = (e: TimelineEntry) => {
    const [from, to] = e.dir === 'out' ? [e.who, 'server'] : e.dir === 'in' ? ['server', e.who] : [e.who, ''];
    return html`<tr class="${e.dir}"><td class="num">${e.t} ms</td><td>${from}</td><td class="arrow">${e.dir === 'note' ? '·' : '→'}</td><td>${to}</td><td>${e.event}</td><td class="data">${e.data ?? ''}</td></tr>`;
  };
  return html`<table class="timeline"><thead><tr><th class="num">when</th><th>from</th><th></th><th>to</th><th>event</th><th>payload</th></tr></thead><tbody>${entries.map(row)}</tbody></table>`;
}

/** report.html in the report directory. */
export const conformanceHtmlReporter = (sink: Sink, dir: string) => new DocumentReporter<ConformanceReport>(sink, { file: 'report.html', dir, render: renderConformanceHtml });
