import type { Logger } from 'pino';
import { deviationRecognised, runMutants, type MutantResult, type MutantsReport } from '../mutants/run.js';
import { chalkFor } from '../report/console.js';
import { Sink } from '../report/sink.js';
import { dialectModule } from '../dialects/index.js';

export interface MutantsFlags {
  dialect: string;
  reportDir?: string;
  only?: string[];
  redisUrl?: string;
  parallel?: number;
  json?: boolean;
}

export async function mutantsCommand(flags: MutantsFlags, logger: Logger): Promise<number> {
  const sink = new Sink(flags.json ? process.stderr : process.stdout);
  const out = { write: (text: string) => sink.say(text) };
  const c = chalkFor(sink.human);
  const list = (ids: string[]) => `${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ` (+${ids.length - 3})` : ''}`;
  const line = (r: MutantResult, i: number, n: number) => {
    let mark: string;
    let by: string;
    if (r.verdict === 'skipped') [mark, by] = [c.red('- SKIPPED   '), `${r.skipped} (not killed)`];
    else if (r.verdict === 'inconclusive') [mark, by] = [c.red('? INCONCLUSIVE'), `errored: ${list(r.erroredCases)}`];
    else if (r.kind === 'deviation') {
      mark = deviationRecognised(r) ? c.green('✓ non-strict') : c.red('✗ MISGRADED');
      by = r.killedBy.length ? `failed (must only be non-strict): ${list(r.killedBy)}` : r.nonStrictCases.length ? `by ${list(r.nonStrictCases)}` : 'no case noticed the deviation';
    } else [mark, by] = r.killed ? [c.green('✓ killed    '), `by ${list(r.killedBy)}`] : [c.red('✗ SURVIVED  '), 'no case failed'];
    if (r.unconfirmed.length) by += `; failed only once (passed alone): ${list(r.unconfirmed)}`;
    out.write(`${c.gray(`[${String(i).padStart(String(n).length)}/${n}]`)} ${mark} ${r.name.padEnd(36)} ${c.gray(by)}\n`);
  };
  out.write('running the suite against the healthy reference gateway, then each mutant...\n');
  const report = await runMutants({ module: dialectModule(flags.dialect), only: flags.only, redisUrl: flags.redisUrl, parallel: flags.parallel, logger, onMutantDone: line });
  if (report.healthy.notPassed.length) {
    out.write(c.red(`\nthe healthy gateway did not pass every case:\n`) + report.healthy.notPassed.map((l) => `  ${l}\n`).join(''));
  }
  const sm = report.summary;
  const unsettled = [sm.inconclusive ? `${sm.inconclusive} inconclusive` : '', sm.skipped ? `${sm.skipped} skipped` : ''].filter(Boolean).join(', ');
  out.write(`\n${sm.killed} of ${sm.total} mutants killed, ${sm.deviationsGradedNonStrict} of ${sm.deviations} deviations graded non-strict${unsettled ? ` (${unsettled})` : ''}, in ${(report.durationMs / 1000).toFixed(1)}s\n`);
  if (flags.reportDir) {
    out.write(`report: ${await sink.file(flags.reportDir, 'mutants.json', sink.json(report))}\n`);
  }
  if (flags.json) sink.stdout(sink.json(report));
  return mutantsExitCode(report, (text) => out.write(c.red(text)));
}

/**
 * 1 when the proof failed: the healthy gateway failed (or errored) a case, a bug survived, a deviation
 * was misgraded or a verdict is inconclusive. Else 2 when something could not run here: mutants and
 * healthy cases that need two instances, without Redis (the proof is incomplete on this machine, as
 * with a missing target). Else 0. A skipped mutant is never a kill.
 */
export function mutantsExitCode(report: Pick<MutantsReport, 'healthy' | 'mutants'>, say: (text: string) => void = () => {}): 0 | 1 | 2 {
  const h = report.healthy.summary;
  const notProven = report.mutants.filter((m) => m.verdict !== 'skipped' && (m.kind === 'bug' ? !m.killed : !deviationRecognised(m)));
  const skipped = report.mutants.filter((m) => m.verdict === 'skipped');
  if (h.failed + h.errored + h.nonStrict > 0 || notProven.length) return 1;
  if (skipped.length || h.skipped) {
    const names = skipped.map((m) => m.name).join(', ');
    say(`incomplete: ${skipped.length} mutant(s)${names ? ` (${names})` : ''} and ${h.skipped} healthy case(s) could not run here, so nothing proves them: ${skipped[0]?.skipped ?? 'see the skipped cases above'}; exit 2\n`);
    return 2;
  }
  return 0;
}
