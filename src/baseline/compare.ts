import type { BaselineComparison, CaseBaselineMark } from '../model/baseline.js';
import type { ConformanceReport } from '../model/conformance.js';
import { isBad, type Baseline } from './file.js';

/** Today as YYYY-MM-DD (UTC): an entry is accepted through its `expires` day. */
export const todayUtc = (now = new Date()): string => now.toISOString().slice(0, 10);

/**
 * Marks every case of a run against a baseline. A bad case (failed, errored, non-strict under --strict)
 * is accepted only by an unexpired entry, else new; an entry whose case ran and is not bad is fixed
 * (the baseline must shrink). Any new or fixed case fails the gate.
 */
export function compareWithBaseline(report: ConformanceReport, baseline: Baseline, today = todayUtc()): BaselineComparison {
  const entries = new Map(baseline.entries.map((e) => [e.id, e]));
  const cases: Record<string, CaseBaselineMark> = {};
  const ran = new Set<string>();
  for (const c of report.cases) {
    ran.add(c.id);
    const entry = entries.get(c.id);
    const bad = isBad(c.status, report.strict);
    if (bad && !entry) cases[c.id] = { mark: 'new', note: 'not in the baseline' };
    else if (bad && entry?.expires && entry.expires < today) cases[c.id] = { mark: 'new', note: `its baseline entry expired on ${entry.expires} (${entry.reason})` };
    else if (bad && entry) cases[c.id] = { mark: 'accepted', note: entry.reason };
    else if (entry && c.status !== 'skipped') cases[c.id] = { mark: 'fixed', note: `now ${c.status}: ${remedy(baseline, c.id)}` };
  }
  const notRun = baseline.entries.filter((e) => !ran.has(e.id) || report.cases.find((c) => c.id === e.id)?.status === 'skipped').map((e) => e.id);
  const marks = Object.values(cases);
  const counts = { new: marks.filter((m) => m.mark === 'new').length, accepted: marks.filter((m) => m.mark === 'accepted').length, fixed: marks.filter((m) => m.mark === 'fixed').length };
  return { file: baseline.file, source: baseline.source, cases, counts, notRun, passed: counts.new === 0 && counts.fixed === 0 };
}

function remedy(baseline: Baseline, id: string): string {
  return baseline.source === 'report'
    ? `write a new baseline from this run (gatecheck baseline write --from report.json), ${baseline.file} still counts it as failing`
    : `delete the entry "${id}" from ${baseline.file}`;
}
