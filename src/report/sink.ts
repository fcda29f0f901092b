import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secrets, type Redactor } from '../secrets/redactor.js';

/** A console line longer than this is cut (a flooding server once made one of 578,677 characters). */
const MAX_LINE = 2000;
/** A report file larger than this is refused by the writer that produced it; see boundedReport. */
export const MAX_REPORT_BYTES = 10 * 1024 * 1024;

/**
 * The one way out of the process for results: console text, stdout documents and report files all pass
 * the redactor here, before any line is shortened, so no reporter can forget it.
 */
export class Sink {
  constructor(
    /** Where the human-readable text goes (stderr when stdout carries --json). */
    readonly human: NodeJS.WriteStream,
    private readonly redactor: Redactor = secrets,
  ) {}

  /** Human text: redacted, each line at most MAX_LINE characters. */
  say(text: string): void {
    this.human.write(this.clean(text));
  }

  /** A document on stdout (--json). */
  stdout(text: string): void {
    process.stdout.write(this.redactor.text(text));
  }

  /** A report file in dir; answers its path. */
  async file(dir: string, name: string, text: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, name);
    await writeFile(path, this.redactor.text(text));
    return path;
  }

  /** Appends to a file someone else owns (GitHub's $GITHUB_STEP_SUMMARY). */
  async append(path: string, text: string): Promise<void> {
    await appendFile(path, this.redactor.text(text));
  }

  json(value: unknown): string {
    return this.redactor.json(value, 2) + '\n';
  }

  private clean(text: string): string {
    return text
      .split('\n')
      .map((line) => this.redactor.clip(line, MAX_LINE))
      .join('\n');
  }
}
