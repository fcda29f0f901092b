import type { CaseResult, ConformanceReport } from '../model/conformance.js';
import type { MutantResult } from '../model/mutants.js';
import { deviationRecognised } from '../model/mutants.js';

/** The gate's verdict of a conformance run: the baseline's when there is one, else no failed or errored case. */
export const conformancePassed = (r: ConformanceReport): boolean => (r.baseline ? r.baseline.passed : r.summary.failed + (r.summary.blocked ?? 0) + r.summary.errored === 0);

/** Cases a reader must look at: every grade but passed and skipped, and every case the baseline marks. */
export const casesToShow = (r: ConformanceReport): CaseResult[] => r.cases.filter((c) => (c.status !== 'passed' && c.status !== 'skipped') || r.baseline?.cases[c.id]);

/** A label for a case's baseline mark, as every format prints it. */
export function baselineLabel(r: ConformanceReport, id: string): string {
  const m = r.baseline?.cases[id];
  if (!m) return '';
  return m.mark === 'new' ? 'new' : m.mark === 'accepted' ? 'still failing (accepted)' : 'fixed';
}

/** What a mutant's verdict means for the proof, in words. */
export function mutantOutcome(m: MutantResult): { ok: boolean; label: string } {
  if (m.verdict === 'skipped') return { ok: false, label: 'skipped' };
  if (m.verdict === 'inconclusive') return { ok: false, label: 'inconclusive' };
  if (m.kind === 'deviation') return deviationRecognised(m) ? { ok: true, label: 'graded non-strict' } : { ok: false, label: 'misgraded' };
  return m.killed ? { ok: true, label: 'killed' } : { ok: false, label: 'survived' };
}

/** The run's findings as every format lists them: the cause, the cases, the fix (kind as severity). */
export function findingLines(report: ConformanceReport): Array<{ title: string; detail: string; severity: string }> {
  return (report.findings ?? []).map((f) => {
    const cases = f.cases.length > 6 ? `${f.cases.slice(0, 6).join(', ')} and ${f.cases.length - 6} more` : f.cases.join(', ');
    return { title: f.title, detail: `${f.kind === 'profile' ? '' : `fix: ${f.suggestedFix} `}(cases: ${cases})`, severity: f.kind };
  });
}
