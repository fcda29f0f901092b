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

const MAX_DATA = 240;
const MAX_ENTRIES = 400;

export function summarize(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > MAX_DATA ? `${text.slice(0, MAX_DATA)}… (${text.length} chars)` : text;
}

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  readonly violations: Violation[] = [];
  private dropped = 0;
  constructor(private readonly startedAt = performance.now()) {}

  add(who: string, dir: TimelineEntry['dir'], event: string, data?: unknown): void {
    if (this.entries.length >= MAX_ENTRIES) {
      this.dropped++;
      return;
    }
    this.entries.push({ t: Math.round(performance.now() - this.startedAt), who, dir, event, ...(data === undefined ? {} : { data: summarize(data) }) });
  }

  note(message: string): void {
    this.add('harness', 'note', message);
  }

  get droppedEntries(): number {
    return this.dropped;
  }
}
