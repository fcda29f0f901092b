import type { CaseStatus, Summary, TargetSummary } from './conformance.js';

/** One suite run on several implementations: a column per target, a row per case (as Autobahn's report). */
export interface MatrixReport {
  schemaVersion: 1;
  kind: 'conformance-matrix';
  dialect: string;
  startedAt: string;
  durationMs: number;
  strict: boolean;
  targets: Array<{ label: string; target: TargetSummary; summary: Summary; passed: boolean }>;
  /** Every case any target ran, in suite order; results[i] is targets[i]'s (null: that target did not run it). */
  cases: Array<{ id: string; suite: string; title: string; results: Array<{ status: CaseStatus; reason: string } | null> }>;
}
