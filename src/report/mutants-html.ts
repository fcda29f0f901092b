import type { MutantResult, MutantsReport } from '../model/mutants.js';
import { fmtDuration, fmtTimestamp } from './html/format.js';
import { html, type Html } from './html/markup.js';
import { page } from './html/page.js';
import { DocumentReporter } from './reporter.js';
import type { Sink } from './sink.js';
import { mutantOutcome } from './verdicts.js';

const suiteOf = (caseId: string) => caseId.split('.')[0];

/**
 * report.html of `gatecheck mutants`: the kill matrix, a row per mutant and a column per suite, each
 * cell the cases of that suite that killed the bug (or graded the deviation non-strict).
 */
export function renderMutantsHtml(r: MutantsReport): string {
  const ok = r.mutants.every((m) => mutantOutcome(m).ok) && r.healthy.notPassed.length === 0;
  const suites = [...new Set(r.mutants.flatMap((m) => [...m.killedBy, ...m.nonStrictCases, ...m.erroredCases, ...m.unconfirmed]).map(suiteOf))].sort();
  const s = r.summary;
  const body = html`<header class="top"><div><div class="kicker">gatecheck mutants · ${r.dialect}</div><h1>${r.dialect} kill matrix</h1><div class="subtitle">${fmtTimestamp(r.startedAt)} · ${fmtDuration(r.durationMs)}</div></div>
<div class="verdict"><div class="badge ${ok ? 'passed' : 'failed'}">${ok ? 'PROVEN' : 'NOT PROVEN'}</div></div></header>
<div class="kpis"><div class="kpi ${s.killed === s.total ? 'good' : 'bad'}"><div class="k">bugs killed</div><div class="v">${s.killed} / ${s.total}</div></div><div class="kpi ${s.deviationsGradedNonStrict === s.deviations ? 'good' : 'bad'}"><div class="k">deviations graded non-strict</div><div class="v">${s.deviationsGradedNonStrict} / ${s.deviations}</div></div><div class="kpi ${s.inconclusive ? 'warn' : ''}"><div class="k">inconclusive</div><div class="v">${s.inconclusive}</div></div><div class="kpi ${s.skipped ? 'warn' : ''}"><div class="k">skipped</div><div class="v">${s.skipped}</div></div></div>
<section class="card"><h2>Healthy gateway</h2><p class="desc">${r.healthy.summary.passed} of ${r.healthy.summary.total} cases passed${r.healthy.notPassed.length ? `; not passed: ${r.healthy.notPassed.join('; ')}` : ''}${r.healthy.passedOnlyAlone.length ? `; passed only alone: ${r.healthy.passedOnlyAlone.join(', ')}` : ''}</p></section>
<section class="card"><h2>Kill matrix</h2><p class="desc">A row per mutant, a column per suite: the cases that failed against the bug and again alone (for a deviation: that graded it non-strict).</p>
<table class="matrix"><thead><tr><th>mutant</th><th>kind</th><th>verdict</th>${suites.map((su) => html`<th>${su}</th>`)}</tr></thead><tbody>${r.mutants.map((m) => matrixRow(m, suites))}</tbody></table></section>
<footer>gatecheck mutants · mutants.json schema ${r.schemaVersion}</footer>`;
  return page(`gatecheck mutants: ${r.dialect} (${ok ? 'proven' : 'not proven'})`, body);
}

function matrixRow(m: MutantResult, suites: string[]): Html {
  const o = mutantOutcome(m);
  const proof = m.kind === 'deviation' ? m.nonStrictCases : m.killedBy;
  const cells = suites.map((su) => {
    const ids = proof.filter((id) => suiteOf(id) === su);
    const other = [...m.erroredCases.map((id) => `${id} (errored)`), ...m.unconfirmed.map((id) => `${id} (only once)`)].filter((t) => suiteOf(t) === su);
    return html`<td class="${ids.length ? 'killed' : ''} mono small">${[...ids, ...other].join(', ')}</td>`;
  });
  return html`<tr class="${o.ok ? '' : 'fail'}"><td class="name"><code>${m.name}</code><div class="small">${m.description}</div></td><td>${m.kind}</td><td class="${o.ok ? '' : 'miss'}"><strong>${o.label}</strong>${m.skipped ? html`<div class="small">${m.skipped}</div>` : ''}</td>${cells}</tr>`;
}

/** report.html in the report directory. */
export const mutantsHtmlReporter = (sink: Sink, dir: string) => new DocumentReporter<MutantsReport>(sink, { file: 'report.html', dir, render: renderMutantsHtml });
