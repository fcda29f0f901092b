import type { ConformanceReport } from './conformance.js';

/** The results of a mutants run: every mutant's verdict and the healthy gateway's summary. */
export interface MutantResult {
  name: string;
  description: string;
  area: string;
  /** 'bug' must be killed; 'deviation' (a choice the contract leaves open) must be graded non-strict only. */
  kind: 'bug' | 'deviation';
  /** verdict === 'killed'. */
  killed: boolean;
  /** Cases that failed against the mutant, in the full run and again when re-run alone. */
  killedBy: string[];
  /** Cases graded non-strict against it: how deviations are recognised. */
  nonStrictCases: string[];
  /** Cases the harness could not run against it, in the full run and again alone: they make the verdict inconclusive. */
  erroredCases: string[];
  skipped?: string;
  /**
   * killed: a case failed, and failed again alone. survived: none did. inconclusive: a case errored, and
   * again alone, so the run proves nothing either way. skipped: it could not run here (it needs two instances and no
   * Redis could be had). Only `killed` is a kill.
   */
  verdict: MutantVerdict;
  /** Cases that failed or errored in the full run but not the same way alone (load on the machine, not the mutant): no kill. */
  unconfirmed: string[];
}

export type MutantVerdict = 'killed' | 'survived' | 'inconclusive' | 'skipped';

export interface MutantsReport {
  schemaVersion: 1;
  kind: 'mutants';
  dialect: string;
  startedAt: string;
  durationMs: number;
  /** notPassed: cases the healthy gateway failed even alone; passedOnlyAlone: failed in the full run, passed alone. */
  healthy: { summary: ConformanceReport['summary']; notPassed: string[]; passedOnlyAlone: string[] };
  mutants: MutantResult[];
  /** Bugs only: total and killed. Deviations are counted apart; inconclusive and skipped count every mutant. */
  summary: { total: number; killed: number; deviations: number; deviationsGradedNonStrict: number; inconclusive: number; skipped: number };
}

/** A deviation is handled right when some case says non-strict and none fails or errors. */
export const deviationRecognised = (r: MutantResult): boolean => r.verdict === 'survived' && r.nonStrictCases.length > 0;
