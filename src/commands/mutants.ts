import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { deviationRecognised, runMutants, type MutantResult } from '../mutants/run.js';
import { chalkFor } from '../report/console.js';
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
  const out = flags.json ? process.stderr : process.stdout;
  const c = chalkFor(out);
  const list = (ids: string[]) => `${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ` (+${ids.length - 3})` : ''}`;
  const line = (r: MutantResult, i: number, n: number) => {
    let mark: string;
    let by: string;
    if (r.skipped) [mark, by] = [c.gray('- skipped   '), r.skipped];
    else if (r.kind === 'deviation') {
      mark = deviationRecognised(r) ? c.green('✓ non-strict') : c.red('✗ MISGRADED');
      by = r.killedBy.length ? `failed (must only be non-strict): ${list(r.killedBy)}` : r.nonStrictCases.length ? `by ${list(r.nonStrictCases)}` : 'no case noticed the deviation';
    } else [mark, by] = r.killed ? [c.green('✓ killed    '), `by ${list(r.killedBy)}`] : [c.red('✗ SURVIVED  '), 'no case failed'];
    out.write(`${c.gray(`[${String(i).padStart(String(n).length)}/${n}]`)} ${mark} ${r.name.padEnd(36)} ${c.gray(by)}\n`);
  };
  out.write('running the suite against the healthy reference gateway, then each mutant...\n');
  const report = await runMutants({ module: dialectModule(flags.dialect), only: flags.only, redisUrl: flags.redisUrl, parallel: flags.parallel, logger, onMutantDone: line });
  const healthyOk = report.healthy.notPassed.length === 0;
  if (!healthyOk) {
    out.write(c.red(`\nthe healthy gateway did not pass every case:\n`) + report.healthy.notPassed.map((l) => `  ${l}\n`).join(''));
  }
  const sm = report.summary;
  out.write(`\n${sm.killed} of ${sm.total} mutants killed, ${sm.deviationsGradedNonStrict} of ${sm.deviations} deviations graded non-strict, in ${(report.durationMs / 1000).toFixed(1)}s\n`);
  if (flags.reportDir) {
    await mkdir(flags.reportDir, { recursive: true });
    const path = join(flags.reportDir, 'mutants.json');
    await writeFile(path, JSON.stringify(report, null, 2) + '\n');
    out.write(`report: ${path}\n`);
  }
  if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  const survived = report.mutants.some((m) => !m.skipped && (m.kind === 'bug' ? !m.killed : !deviationRecognised(m)));
  return healthyOk && !survived ? 0 : 1;
}
