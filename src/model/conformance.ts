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
  /** The step the failure happened in (connect, joinAll, send, deliver...), when a helper names it. */
  step?: string;
}

export interface CaseEvidence {
  failure?: Failure;
  deviations: string[];
  notes: string[];
  violations: Violation[];
  timeline: TimelineEntry[];
  /** What the bounded timeline left out (only counted), when anything was. */
  cuts?: TimelineCuts;
  /** The differences of the target's profile this case needed ("sendMessage (sent): spans[].type TEXT is PLAINTEXT"). */
  profile?: string[];
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
  /**
   * Set on a failed case whose failure is in a step it depends on (its setup send, its baseline
   * delivery) rather than in what it exists to test: the step's name. Counted apart as `blocked`.
   */
  blockedBy?: string;
  evidence: CaseEvidence;
}

/** Non-passed cases grouped by cause: "40 failed" read as a handful of things to fix. */
export interface Finding {
  /** Stable key of the cause (what grouped the cases). */
  signature: string;
  kind: 'profile' | 'blocked' | 'failed' | 'violation' | 'non-strict' | 'errored' | 'skipped';
  /** The cause in one sentence. */
  title: string;
  cases: string[];
  /** The first case it showed in, and what that case said. */
  example: { caseId: string; reason: string };
  suggestedFix: string;
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
  /** The reference gateway was started drifting as this named server does. */
  drift?: string;
  redis?: string;
}

export interface Summary {
  total: number;
  passed: number;
  nonStrict: number;
  /** Failed in what the case asserts. */
  failed: number;
  /** Failed in a step the case depends on (`blockedBy`); not in `failed`. */
  blocked: number;
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
  /** The profile the target was tested with: each difference it covered is a finding of kind `profile`. */
  profile?: { name: string; source?: string };
  /** Non-passed cases grouped by cause, and every profile difference that was needed. */
  findings?: Finding[];
  /** Set when the report left evidence out to stay within its size bound, saying what. */
  cut?: string;
  /** With --baseline: each case marked new / accepted / fixed, and the gate's verdict. */
  baseline?: BaselineComparison;
}

export function summarize(cases: CaseResult[]): Summary {
  const count = (s: CaseStatus) => cases.filter((c) => c.status === s).length;
  const blocked = cases.filter((c) => c.status === 'failed' && c.blockedBy).length;
  return { total: cases.length, passed: count('passed'), nonStrict: count('non-strict'), failed: count('failed') - blocked, blocked, skipped: count('skipped'), errored: count('errored') };
}

/** Exit code a CI can trust: 0 when nothing failed, was blocked or errored (non-strict is allowed unless --strict). */
export function exitCodeFor(report: ConformanceReport): 0 | 1 {
  return report.summary.failed + (report.summary.blocked ?? 0) + report.summary.errored > 0 ? 1 : 0;
}
