import type { TimelineCuts, TimelineEntry, Violation } from '../model/conformance.js';
import { secrets } from '../secrets/redactor.js';

// A server that floods a probe must not flood the report: the first entries of each kind tell the
// story, the counts tell the rest.
const MAX_DATA = 240;
const MAX_ENTRIES = 300;
const MAX_PER_KIND = 25;
const MAX_VIOLATIONS = 20;
const MAX_ISSUES = 10;

export type { TimelineCuts, TimelineEntry, Violation };

/** A payload as one short line: redacted first, then shortened. */
export function summarize(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return secrets.clip(text, MAX_DATA);
}

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  readonly violations: Violation[] = [];
  private readonly perKind = new Map<string, number>();
  private readonly cutEntries = new Map<string, number>();
  private violationsCut = 0;
  constructor(private readonly startedAt = performance.now()) {}

  add(who: string, dir: TimelineEntry['dir'], event: string, data?: unknown): void {
    const kind = `${who} ${dir === 'out' ? '->' : dir === 'in' ? '<-' : '**'} ${event}`;
    const seen = (this.perKind.get(kind) ?? 0) + 1;
    this.perKind.set(kind, seen);
    if (dir !== 'note' && (seen > MAX_PER_KIND || this.entries.length >= MAX_ENTRIES)) {
      this.cutEntries.set(kind, (this.cutEntries.get(kind) ?? 0) + 1);
      return;
    }
    this.entries.push({ t: Math.round(performance.now() - this.startedAt), who, dir, event: secrets.clip(event, 120), ...(data === undefined ? {} : { data: summarize(data) }) });
  }

  note(message: string): void {
    this.add('harness', 'note', secrets.clip(message, 1000));
  }

  violation(v: { who: string; event: string; payload: unknown; issues: Violation['issues'] }): void {
    if (this.violations.length >= MAX_VIOLATIONS) {
      this.violationsCut++;
      return;
    }
    const issues = v.issues.slice(0, MAX_ISSUES).map((i) => ({ path: secrets.clip(i.path, 200), message: secrets.clip(i.message, 300) }));
    if (v.issues.length > MAX_ISSUES) issues.push({ path: '(more)', message: `${v.issues.length - MAX_ISSUES} more issues not listed` });
    this.violations.push({ who: v.who, event: secrets.clip(v.event, 120), issues, payload: summarize(v.payload) });
  }

  /** Every violation, listed or only counted. */
  get violationCount(): number {
    return this.violations.length + this.violationsCut;
  }

  get cuts(): TimelineCuts | undefined {
    if (this.cutEntries.size === 0 && this.violationsCut === 0) return undefined;
    return { entries: Object.fromEntries(this.cutEntries), violations: this.violationsCut };
  }

  /** The recorded entries, closed by one note per kind that was cut. */
  finish(): TimelineEntry[] {
    const t = Math.round(performance.now() - this.startedAt);
    const notes = [...this.cutEntries].map(([kind, n]): TimelineEntry => ({ t, who: 'harness', dir: 'note', event: `${n} more "${kind}" not recorded (the timeline keeps the first ${MAX_PER_KIND} of each kind, ${MAX_ENTRIES} in all)` }));
    if (this.violationsCut) notes.push({ t, who: 'harness', dir: 'note', event: `${this.violationsCut} more contract violations not listed (the first ${MAX_VIOLATIONS} are)` });
    return [...this.entries, ...notes];
  }
}
