/** The results of a conformance run: what every reporter reads, whatever its format. */
import type { BaselineComparison } from './baseline.js';

/** What each probe sent and received during one case: the evidence a server author reads first. */
export interface TimelineEntry {
  /** ms since the case started */
  t: number;
  who: string;
  dir: 'out' | 'in' | 'note';
  event: string;
  data?: string;
}

export interface Violation {
  who: string;
  event: string;
  issues: Array<{ path: string; message: string }>;
  payload: string;
}

/** What a bounded timeline left out, so a report can say what was cut. */
export interface TimelineCuts {
  /** Entries not recorded, per `who dir event`. */
  entries: Record<string, number>;
  /** Contract violations beyond the first MAX_VIOLATIONS (they are counted, not kept). */
  violations: number;
}

export type CaseStatus = 'passed' | 'non-strict' | 'failed' | 'skipped' | 'errored';

export interface Failure {
  message: string;
  expected?: string;
  received?: string;
}

export interface CaseEvidence {
  failure?: Failure;
  deviations: string[];
  notes: string[];
  violations: Violation[];
  timeline: TimelineEntry[];
  /** What the bounded timeline left out (only counted), when anything was. */
  cuts?: TimelineCuts;
}

export interface CaseResult {
  id: string;
  suite: string;
  title: string;
  seedRef: string | null;
  status: CaseStatus;
  durationMs: number;
  /** Time spent proving absences (barriers and grace windows). */
  absenceMs: number;
  reason: string;
  evidence: CaseEvidence;
}

/** A case as it ends, with its place in the run: the progress of a conformance run. */
export interface CaseProgress {
  result: CaseResult;
  index: number;
  total: number;
}

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
  /** With --baseline: each case marked new / accepted / fixed, and the gate's verdict. */
  baseline?: BaselineComparison;
}

export function summarize(cases: CaseResult[]): Summary {
  const count = (s: CaseStatus) => cases.filter((c) => c.status === s).length;
  return { total: cases.length, passed: count('passed'), nonStrict: count('non-strict'), failed: count('failed'), skipped: count('skipped'), errored: count('errored') };
}

/** Exit code a CI can trust: 0 when nothing failed or errored (non-strict is allowed unless --strict). */
export function exitCodeFor(report: ConformanceReport): 0 | 1 {
  return report.summary.failed + report.summary.errored > 0 ? 1 : 0;
}
