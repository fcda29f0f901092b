import type { CaseResult, CaseStatus } from '../conformance/types.js';

export interface TargetSummary {
  /** 'reference' when gatecheck started its own gateway, else where the target came from. */
  source: 'reference' | 'config' | 'urls';
  instances: string[];
  configFile?: string;
  mutant?: string;
  redis?: string;
}

export interface Summary {
  total: number;
  passed: number;
  nonStrict: number;
  failed: number;
  skipped: number;
  errored: number;
}

/** report.json: keep this shape stable, add fields freely. */
export interface ConformanceReport {
  schemaVersion: 1;
  kind: 'conformance';
  dialect: string;
  target: TargetSummary;
  startedAt: string;
  durationMs: number;
  strict: boolean;
  summary: Summary;
  cases: CaseResult[];
  /** Set when the report left evidence out to stay within its size bound, saying what. */
  cut?: string;
}

export function summarize(cases: CaseResult[]): Summary {
  const count = (s: CaseStatus) => cases.filter((c) => c.status === s).length;
  return { total: cases.length, passed: count('passed'), nonStrict: count('non-strict'), failed: count('failed'), skipped: count('skipped'), errored: count('errored') };
}

/** Exit code a CI can trust: 0 when nothing failed or errored (non-strict is allowed unless --strict). */
export function exitCodeFor(report: ConformanceReport): 0 | 1 {
  return report.summary.failed + report.summary.errored > 0 ? 1 : 0;
}
