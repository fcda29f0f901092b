import type { CaseResult, ConformanceReport } from '../model/conformance.js';
import type { Sink } from './sink.js';

/**
 * One output format of a conformance run (console, json, junit, ...): told of each case as it ends and
 * of the whole report at the end. Reporters write only through the Sink they are given.
 */
export interface ConformanceReporter {
  caseDone?(result: CaseResult, index: number, total: number): void;
  /** Writes what the format writes at the end; answers the files written. */
  end(report: ConformanceReport): Promise<string[]>;
}

/** Feeds every reporter the same events, through one sink. */
export class ConformanceReporters implements ConformanceReporter {
  constructor(
    private readonly sink: Sink,
    private readonly reporters: ConformanceReporter[],
  ) {}

  caseDone(result: CaseResult, index: number, total: number): void {
    for (const r of this.reporters) r.caseDone?.(result, index, total);
  }

  async end(report: ConformanceReport): Promise<string[]> {
    const files: string[] = [];
    for (const r of this.reporters) files.push(...(await r.end(report)));
    if (files.length) this.sink.say(`reports: ${files.join(', ')}\n`);
    return files;
  }
}
