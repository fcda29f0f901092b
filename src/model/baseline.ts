/** How a conformance run compares with a baseline: what every reporter reads to mark each case. */

/**
 * new: bad now and not accepted (or accepted by an expired entry). accepted: bad now, and a baseline
 * entry accepts it. fixed: a baseline entry whose case is no longer bad (delete the entry).
 */
export type BaselineMark = 'new' | 'accepted' | 'fixed';

export interface CaseBaselineMark {
  mark: BaselineMark;
  /** The entry's reason (accepted, fixed), or why the case is new (e.g. "the entry expired on 2026-01-31"). */
  note: string;
}

export interface BaselineComparison {
  /** The baseline file as given on the command line. */
  file: string;
  /** 'accepted-list': a reviewed YAML/JSON file of entries; 'report': a previous report.json. */
  source: 'accepted-list' | 'report';
  /** Case id -> mark, for every case that is bad now or has an entry. */
  cases: Record<string, CaseBaselineMark>;
  counts: { new: number; accepted: number; fixed: number };
  /** Entries whose case did not run (filtered out, skipped, or no such case): neither kept nor broken. */
  notRun: string[];
  /** True when nothing got worse and no entry is stale. */
  passed: boolean;
}
