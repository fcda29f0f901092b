import type { LoadComparison, MetricChange } from '../model/compare.js';
import { fmtMetric } from './html/format.js';

/** The words every format uses for one metric's change: value, change, verdict and noise. */
export function describeChange(m: MetricChange): { base: string; head: string; change: string; verdict: string; noise: string } {
  const unit = (v: number | null) => fmtMetric(m.metric, v);
  const sign = (v: number) => (v > 0 ? '+' : v < 0 ? '-' : '±');
  const change = m.change === null ? 'n/a' : `${sign(m.change)}${unit(Math.abs(m.change))}${m.changePct === null ? '' : ` (${sign(m.changePct)}${Math.abs(m.changePct).toFixed(1)}%)`}`;
  const verdict = m.allowed === undefined ? '' : m.ok ? `ok (allowed ${m.allowed})` : m.base === null || m.head === null ? `missing in a run (allowed ${m.allowed})` : `REGRESSION (allowed ${m.allowed})`;
  const noise = !m.noise
    ? ''
    : m.noise.spread === null
      ? `no run-to-run spread: fewer than 2 reporting periods (${m.noise.periods.join(' and ')})`
      : m.noise.inside
      ? `inside the run-to-run spread (per-period sd of the base run ${unit(m.noise.spread)})`
      : `beyond the run-to-run spread (per-period sd of the base run ${unit(m.noise.spread)})`;
  return { base: unit(m.base), head: unit(m.head), change, verdict, noise };
}

/** The comparison as an aligned text table, with the runs and any parameter that differs above it. */
export function comparisonText(c: LoadComparison): string {
  const rows = c.metrics.map((m) => ({ m, d: describeChange(m) }));
  const header = ['metric', 'base', 'head', 'change', 'verdict', 'noise'];
  const cells = rows.map(({ m, d }) => [m.metric, d.base, d.head, d.change, d.verdict, d.noise]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((v, i) => (i === 1 || i === 2 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const diffs = c.parameterDifferences.map((d) => `  parameter ${d.name}: base ${d.base ?? '(unset)'}, head ${d.head ?? '(unset)'}\n`).join('');
  const regressions = c.metrics.filter((m) => !m.ok);
  const verdict = c.passed
    ? 'no regression beyond the thresholds'
    : `${regressions.length} regression(s): ${regressions.map((m) => m.metric + (m.noise?.inside ? ' (inside the run-to-run spread: may be noise, rerun to confirm)' : '')).join(', ')}`;
  return `compare ${c.scenario}: base ${c.base.file} (${c.base.startedAt}) -> head ${c.head.file} (${c.head.startedAt})\n${diffs}${[header, ...cells].map(line).join('\n')}\n${verdict}\n`;
}
