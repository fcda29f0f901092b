import type { ConformanceReport } from '../model/conformance.js';
import { exitCodeFor } from '../model/conformance.js';
import type { MatrixReport } from '../model/matrix.js';

/** The reports of one suite on several targets, as one matrix (labels in the order the targets ran). */
export function buildMatrix(runs: Array<{ label: string; report: ConformanceReport }>, startedAt: Date, durationMs: number): MatrixReport {
  const rows = new Map<string, MatrixReport['cases'][number]>();
  runs.forEach(({ report }, column) => {
    for (const c of report.cases) {
      const row = rows.get(c.id) ?? { id: c.id, suite: c.suite, title: c.title, results: runs.map(() => null) };
      row.results[column] = { status: c.status, reason: c.reason };
      rows.set(c.id, row);
    }
  });
  return {
    schemaVersion: 1,
    kind: 'conformance-matrix',
    dialect: runs[0]?.report.dialect ?? 'chat-service',
    startedAt: startedAt.toISOString(),
    durationMs,
    strict: runs.some((r) => r.report.strict),
    targets: runs.map(({ label, report }) => ({ label, target: report.target, summary: report.summary, passed: exitCodeFor(report) === 0 })),
    cases: [...rows.values()],
  };
}
