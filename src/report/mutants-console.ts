import type { ChalkInstance } from 'chalk';
import { deviationRecognised, type MutantResult, type MutantsReport } from '../model/mutants.js';
import { chalkFor } from './console.js';
import type { Reporter } from './reporter.js';
import type { Sink } from './sink.js';

/** A mutant as its verdict arrives, with its place in the run. */
export interface MutantProgress {
  result: MutantResult;
  index: number;
  total: number;
}

const list = (ids: string[]) => `${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ` (+${ids.length - 3})` : ''}`;

/** The kill matrix as it fills: a line per mutant, then the healthy gateway's misses and the totals. */
export class MutantsConsoleReporter implements Reporter<MutantsReport, MutantProgress> {
  private readonly c: ChalkInstance;
  constructor(private readonly sink: Sink) {
    this.c = chalkFor(sink.human);
  }

  progress({ result: r, index, total }: MutantProgress): void {
    const { c } = this;
    let mark: string;
    let by: string;
    if (r.verdict === 'skipped') [mark, by] = [c.red('- SKIPPED   '), `${r.skipped} (not killed)`];
    else if (r.verdict === 'inconclusive') [mark, by] = [c.red('? INCONCLUSIVE'), `errored: ${list(r.erroredCases)}`];
    else if (r.kind === 'deviation') {
      mark = deviationRecognised(r) ? c.green('✓ non-strict') : c.red('✗ MISGRADED');
      by = r.killedBy.length ? `failed (must only be non-strict): ${list(r.killedBy)}` : r.nonStrictCases.length ? `by ${list(r.nonStrictCases)}` : 'no case noticed the deviation';
    } else [mark, by] = r.killed ? [c.green('✓ killed    '), `by ${list(r.killedBy)}`] : [c.red('✗ SURVIVED  '), 'no case failed'];
    if (r.unconfirmed.length) by += `; failed only once (passed alone): ${list(r.unconfirmed)}`;
    this.sink.say(`${c.gray(`[${String(index).padStart(String(total).length)}/${total}]`)} ${mark} ${r.name.padEnd(36)} ${c.gray(by)}\n`);
  }

  async end(report: MutantsReport): Promise<string[]> {
    const { c } = this;
    if (report.healthy.notPassed.length) {
      this.sink.say(c.red(`\nthe healthy gateway did not pass every case:\n`) + report.healthy.notPassed.map((l) => `  ${l}\n`).join(''));
    }
    if (report.healthy.passedOnlyAlone.length) {
      this.sink.say(c.yellow(`\nthe healthy gateway passed these only when run again on their own (load on this machine): ${report.healthy.passedOnlyAlone.join(', ')}\n`));
    }
    const sm = report.summary;
    const unsettled = [sm.inconclusive ? `${sm.inconclusive} inconclusive` : '', sm.skipped ? `${sm.skipped} skipped` : ''].filter(Boolean).join(', ');
    this.sink.say(`\n${sm.killed} of ${sm.total} mutants killed, ${sm.deviationsGradedNonStrict} of ${sm.deviations} deviations graded non-strict${unsettled ? ` (${unsettled})` : ''}, in ${(report.durationMs / 1000).toFixed(1)}s\n`);
    return [];
  }
}
