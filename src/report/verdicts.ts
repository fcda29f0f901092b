import type { CaseResult, ConformanceReport } from '../model/conformance.js';
import type { MutantResult } from '../model/mutants.js';
import { deviationRecognised } from '../model/mutants.js';

/** The gate's verdict of a conformance run: the baseline's when there is one, else no failed or errored case. */
export const conformancePassed = (r: ConformanceReport): boolean => (r.baseline ? r.baseline.passed : r.summary.failed + r.summary.errored === 0);

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

/**
 * Findings are added to the conformance model by another part of gatecheck; every format reads them
 * through this one function, whatever fields they carry.
 */
export function findingsOf(report: object): Array<{ title: string; detail: string; severity?: string }> {
  const list = (report as { findings?: unknown }).findings;
  if (!Array.isArray(list)) return [];
  return list.map((f) => {
    const o = (f ?? {}) as Record<string, unknown>;
    const pick = (...keys: string[]) => keys.map((k) => o[k]).find((v) => typeof v === 'string') as string | undefined;
    const title = pick('title', 'id', 'name', 'summary') ?? JSON.stringify(f);
    const detail = pick('message', 'detail', 'description', 'reason') ?? '';
    const cases = Array.isArray(o.cases) ? ` (cases: ${o.cases.join(', ')})` : '';
    return { title, detail: detail + cases, severity: pick('severity', 'level') };
  });
}
