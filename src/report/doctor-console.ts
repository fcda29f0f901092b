import type { ChalkInstance } from 'chalk';
import type { CheckLine, CheckStatus, DoctorReport } from '../model/doctor.js';

const MARK: Record<CheckStatus, string> = { ok: '✓', fail: '✗', warn: '!', skip: '-' };
const WIDTH = Math.max(...['env', 'reachability', 'tokens', 'world', 'rest', 'redis', 'rate-limit', 'events'].map((g) => g.length));

/** One line per check (mark, group, what was found) and, under a problem, the fix. */
export function renderCheckLines(lines: CheckLine[], c: ChalkInstance): string {
  const paint: Record<CheckStatus, (t: string) => string> = { ok: c.green, fail: c.red, warn: c.yellow, skip: c.gray };
  return lines
    .map((l) => {
      const head = `${paint[l.status](MARK[l.status])} ${l.group.padEnd(WIDTH)}  ${l.message}`;
      return l.fix && l.status !== 'ok' ? `${head}\n  ${' '.repeat(WIDTH)}  ${c.gray('fix:')} ${l.fix}` : head;
    })
    .join('\n');
}

export function renderDoctor(report: DoctorReport, c: ChalkInstance): string {
  const { summary: s } = report;
  const where = report.target.source === 'reference' ? 'the reference gateway' : report.target.configFile ?? report.target.instances.join(', ');
  const verdict = report.testable
    ? `the target can be tested${s.warnings ? ` (${s.warnings} warning${s.warnings > 1 ? 's' : ''}: the cases they name will not pass)` : ''}`
    : `the target cannot be tested as configured: fix the ✗ line${s.failures > 1 ? 's' : ''} first`;
  return [
    `gatecheck doctor ${report.dialect}: ${where}`,
    renderCheckLines(report.checks, c),
    `${s.ok} ok, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.failures} blocking, ${s.skipped} not checked in ${(report.durationMs / 1000).toFixed(1)}s: ${verdict}`,
    '',
  ].join('\n');
}
