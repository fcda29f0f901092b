import type { LoadComparison } from '../model/compare.js';
import type { ConformanceReport } from '../model/conformance.js';
import type { LoadReport } from '../model/load.js';
import type { MutantsReport } from '../model/mutants.js';
import { describeChange } from './compare-text.js';
import { fmtMetric } from './html/format.js';
import { DocumentReporter } from './reporter.js';
import type { Sink } from './sink.js';
import { baselineLabel, casesToShow, conformancePassed, findingLines, mutantOutcome } from './verdicts.js';

/** Text for a Markdown table cell: one line, no pipe, no HTML. */
export const cell = (text: string, max = 300): string => {
  const one = text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};
/** A code span in a table cell: no entity escaping (a code span shows it verbatim), no pipe, no backtick. */
export const code = (text: string): string => `\`${text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
const tableOf = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const verdictWord = (ok: boolean) => (ok ? '✅ passed' : '❌ failed');
const MAX_ROWS = 100;

export function conformanceMarkdown(r: ConformanceReport): string {
  const s = r.summary;
  const where = r.target.source === 'reference' ? `the reference gateway${r.target.mutant ? ` (mutant ${r.target.mutant})` : ''}` : r.target.instances.join(', ');
  const out = [`## gatecheck conform ${r.dialect}: ${verdictWord(conformancePassed(r))}`, '', `${s.total} cases against ${cell(where)} in ${(r.durationMs / 1000).toFixed(1)} s${r.strict ? ' (strict)' : ''}`, ''];
  out.push(tableOf(['passed', 'non-strict', 'failed', 'skipped', 'errored'], [[s.passed, s.nonStrict, s.failed, s.skipped, s.errored].map(String)]), '');
  if (r.baseline) {
    const b = r.baseline;
    out.push(`**Baseline** ${code(b.file)}: ${b.counts.new} new, ${b.counts.accepted} still failing (accepted), ${b.counts.fixed} fixed${b.notRun.length ? `, ${b.notRun.length} not run` : ''}`, '');
  }
  const shown = casesToShow(r);
  if (shown.length) {
    out.push('### Cases to look at', '');
    const rows = shown.slice(0, MAX_ROWS).map((c) => [code(c.id), c.status, baselineLabel(r, c.id), cell(r.baseline?.cases[c.id]?.mark === 'fixed' ? r.baseline.cases[c.id].note : c.reason)]);
    out.push(tableOf(['case', 'grade', 'baseline', 'reason'], rows));
    if (shown.length > MAX_ROWS) out.push('', `(${shown.length - MAX_ROWS} more in report.json)`);
    out.push('');
  }
  const findings = findingLines(r);
  if (findings.length) {
    out.push('### Findings', '', ...findings.map((f) => `- ${f.severity ? `**${cell(f.severity)}** ` : ''}${cell(f.title)}${f.detail ? `: ${cell(f.detail)}` : ''}`), '');
  }
  return out.join('\n') + '\n';
}

export function loadMarkdown(r: LoadReport, comparison?: LoadComparison): string {
  const out = [`## gatecheck load ${cell(r.scenario)}: ${verdictWord(r.passed && (comparison?.passed ?? true))}`, ''];
  const params = Object.entries(r.parameters).map(([k, v]) => `${k} ${v}`).join(', ');
  out.push(`${r.target.instances.length} instance(s), ${(r.durationMs / 1000).toFixed(1)} s; ${cell(params)}`, '');
  if (r.generator.saturated) out.push(`> **The load generator was saturated**: ${cell(r.generator.reasons.join('; '))}. Its numbers measure the generator, not the gateway.`, '');
  out.push('### Thresholds', '');
  out.push(r.thresholds.length ? tableOf(['', 'threshold', 'measured'], r.thresholds.map((t) => [t.ok ? '✅' : '❌', code(t.expr), t.value === null ? 'not produced' : fmtMetric(t.expr, t.value)])) : 'No thresholds were set.', '');
  if (comparison) out.push(comparisonMarkdown(comparison, 3));
  return out.join('\n') + '\n';
}

export function comparisonMarkdown(c: LoadComparison, level = 2): string {
  const h = '#'.repeat(level);
  const out = [`${h} Compared with ${cell(c.base.file)}: ${c.passed ? 'no regression' : '❌ regression'}`, ''];
  if (c.parameterDifferences.length) out.push(`Parameters differ (compared anyway): ${c.parameterDifferences.map((d) => `${d.name} ${d.base} → ${d.head}`).join(', ')}`, '');
  const rows = c.metrics.map((m) => {
    const d = describeChange(m);
    return [m.allowed === undefined ? '' : m.ok ? '✅' : '❌', code(m.metric), d.base, d.head, d.change, cell(m.allowed ?? ''), cell(d.noise)];
  });
  out.push(tableOf(['', 'metric', 'base', 'head', 'change', 'allowed', 'noise'], rows), '');
  return out.join('\n') + '\n';
}

export function mutantsMarkdown(r: MutantsReport): string {
  const s = r.summary;
  const ok = r.mutants.every((m) => mutantOutcome(m).ok) && r.healthy.notPassed.length === 0;
  const out = [`## gatecheck mutants ${r.dialect}: ${verdictWord(ok)}`, '', `${s.killed} of ${s.total} bugs killed, ${s.deviationsGradedNonStrict} of ${s.deviations} deviations graded non-strict, ${s.inconclusive} inconclusive, ${s.skipped} skipped, in ${(r.durationMs / 1000).toFixed(1)} s`, ''];
  if (r.healthy.notPassed.length) out.push(`The healthy gateway did not pass: ${r.healthy.notPassed.map(cell).join(', ')}`, '');
  const rows = r.mutants.map((m) => {
    const o = mutantOutcome(m);
    const by = m.kind === 'deviation' ? m.nonStrictCases : m.killedBy;
    return [o.ok ? '✅' : '❌', code(m.name), m.kind, o.label, cell(by.join(', ') || '—')];
  });
  out.push(tableOf(['', 'mutant', 'kind', 'verdict', 'cases'], rows), '');
  return out.join('\n') + '\n';
}

/** report.md in the report directory. */
export function markdownReporter<R>(sink: Sink, dir: string, render: (result: R) => string): DocumentReporter<R> {
  return new DocumentReporter(sink, { file: 'report.md', dir, render });
}
