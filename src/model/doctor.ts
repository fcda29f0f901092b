import type { TargetSummary } from './conformance.js';

/** ok; warn: a problem some cases will show, the suite can still run; fail: the target cannot be tested; skip: not checked, and why. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export type CheckGroup = 'env' | 'reachability' | 'tokens' | 'world' | 'rest' | 'redis' | 'rate-limit' | 'events';

/** One line of `gatecheck doctor`: what was checked, what was found, and the change that fixes it. */
export interface CheckLine {
  group: CheckGroup;
  status: CheckStatus;
  message: string;
  fix?: string;
}

export interface DoctorReport {
  schemaVersion: 1;
  kind: 'doctor';
  dialect: string;
  target: TargetSummary;
  durationMs: number;
  /** False when a blocking check failed: a suite run would measure the config, not the server. */
  testable: boolean;
  summary: { ok: number; warnings: number; failures: number; skipped: number };
  checks: CheckLine[];
}

export function doctorReport(dialect: string, target: TargetSummary, checks: CheckLine[], durationMs: number): DoctorReport {
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const failures = count('fail');
  return {
    schemaVersion: 1,
    kind: 'doctor',
    dialect,
    target,
    durationMs,
    testable: failures === 0,
    summary: { ok: count('ok'), warnings: count('warn'), failures, skipped: count('skip') },
    checks,
  };
}

/** 0: every blocking check passed (warnings allowed); 2: the target cannot be tested as configured. */
export function doctorExitCode(report: DoctorReport): number {
  return report.testable ? 0 : 2;
}
