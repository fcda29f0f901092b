import type { Sink } from './sink.js';

/**
 * One output format of a run (console, json, junit, html, ...), over the run kind's result model R: told
 * of progress P as the run goes, and of the result at the end. Reporters write only through the Sink
 * they are given, so redaction happens once, before anything is shortened, for every format.
 */
export interface Reporter<R, P = never> {
  progress?(event: P): void;
  /** Writes what the format writes at the end; answers the files written. */
  end(result: R): Promise<string[]>;
}

/** Feeds every reporter the same events, through one sink, and says which files they wrote. */
export class Reporters<R, P = never> implements Reporter<R, P> {
  constructor(
    private readonly sink: Sink,
    private readonly reporters: Array<Reporter<R, P>>,
  ) {}

  progress(event: P): void {
    for (const r of this.reporters) r.progress?.(event);
  }

  async end(result: R): Promise<string[]> {
    const files: string[] = [];
    for (const r of this.reporters) files.push(...(await r.end(result)));
    if (files.length) this.sink.say(`reports: ${files.join(', ')}\n`);
    return files;
  }
}

/** A document as a file in a directory and/or on stdout (--json): the same text either way. */
export class DocumentReporter<R> implements Reporter<R, never> {
  constructor(
    private readonly sink: Sink,
    private readonly opts: { file: string; dir?: string; stdout?: boolean; render(result: R): string },
  ) {}

  async end(result: R): Promise<string[]> {
    const text = this.opts.render(result);
    if (this.opts.stdout) this.sink.stdout(text);
    return this.opts.dir ? [await this.sink.file(this.opts.dir, this.opts.file, text)] : [];
  }
}
