import type { MatrixReport } from '../model/matrix.js';
import { fmtDuration, fmtTimestamp } from './html/format.js';
import { html } from './html/markup.js';
import { page } from './html/page.js';
import { DocumentReporter } from './reporter.js';
import type { Sink } from './sink.js';

const MATRIX_STYLE = `
table.matrix td.grade { text-align: center; white-space: nowrap; }
table.matrix tr.differs td.name { font-weight: 700; }
table.matrix th.target { text-align: center; }
`;

/** report.html of `gatecheck matrix`: a row per case, a column per target, each cell the grade (its reason on hover). */
export function renderMatrixHtml(r: MatrixReport): string {
  const allPassed = r.targets.every((t) => t.passed);
  const body = html`<header class="top"><div><div class="kicker">gatecheck matrix · ${r.dialect}</div><h1>${r.dialect} conformance of ${r.targets.length} implementations</h1><div class="subtitle">${fmtTimestamp(r.startedAt)} · ${fmtDuration(r.durationMs)}${r.strict ? ' · strict' : ''}</div></div>
<div class="verdict"><div class="badge ${allPassed ? 'passed' : 'failed'}">${allPassed ? 'ALL PASSED' : 'NOT ALL PASSED'}</div></div></header>
<section class="card"><h2>Targets</h2><table><thead><tr><th>target</th><th>where</th><th class="num">passed</th><th class="num">non-strict</th><th class="num">failed</th><th class="num">skipped</th><th class="num">errored</th></tr></thead><tbody>${r.targets.map(
    (t) => html`<tr class="${t.passed ? '' : 'fail'}"><td class="name"><strong>${t.label}</strong></td><td class="name small">${t.target.source === 'reference' ? `reference gateway${t.target.mutant ? `, mutant ${t.target.mutant}` : ''}` : t.target.instances.join(', ')}</td><td class="num">${t.summary.passed}</td><td class="num">${t.summary.nonStrict}</td><td class="num">${t.summary.failed + (t.summary.blocked ?? 0)}</td><td class="num">${t.summary.skipped}</td><td class="num">${t.summary.errored}</td></tr>`,
  )}</tbody></table></section>
<section class="card"><h2>Cases</h2><p class="desc">A row per case, a column per target; rows where the targets disagree are in bold. Hover a grade for its reason.</p>
<table class="matrix"><thead><tr><th>case</th>${r.targets.map((t) => html`<th class="target">${t.label}</th>`)}</tr></thead><tbody>${r.cases.map((c) => {
    const differs = new Set(c.results.map((x) => x?.status ?? 'not run')).size > 1;
    return html`<tr class="${differs ? 'differs' : ''}"><td class="name"><code>${c.id}</code> <span class="small">${c.title}</span></td>${c.results.map((x) => html`<td class="grade">${x ? html`<span class="g ${x.status}" title="${x.reason}">${x.status}</span>` : html`<span class="small">not run</span>`}</td>`)}</tr>`;
  })}</tbody></table></section>
<footer>gatecheck matrix · matrix.json schema ${r.schemaVersion}</footer>`;
  return page(`gatecheck matrix: ${r.dialect} (${r.targets.map((t) => t.label).join(', ')})`, body, MATRIX_STYLE);
}

export const matrixHtmlReporter = (sink: Sink, dir: string) => new DocumentReporter<MatrixReport>(sink, { file: 'report.html', dir, render: renderMatrixHtml });
