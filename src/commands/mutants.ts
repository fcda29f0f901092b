import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { runMutants, type MutantResult } from '../mutants/run.js';
import { chalkFor } from '../report/console.js';

export interface MutantsFlags {
  reportDir?: string;
  only?: string[];
  redisUrl?: string;
  json?: boolean;
}

export async function mutantsCommand(flags: MutantsFlags, logger: Logger): Promise<number> {
  const out = flags.json ? process.stderr : process.stdout;
  const c = chalkFor(out);
  const line = (r: MutantResult, i: number, n: number) => {
    const mark = r.skipped ? c.gray('- skipped') : r.killed ? c.green('✓ killed ') : c.red('✗ SURVIVED');
    const by = r.skipped ?? (r.killed ? `by ${r.killedBy.slice(0, 3).join(', ')}${r.killedBy.length > 3 ? ` (+${r.killedBy.length - 3})` : ''}` : 'no case failed');
    out.write(`${c.gray(`[${String(i).padStart(String(n).length)}/${n}]`)} ${mark} ${r.name.padEnd(36)} ${c.gray(by)}\n`);
  };
  out.write('running the suite against the healthy reference gateway, then each mutant...\n');
  const report = await runMutants({ only: flags.only, redisUrl: flags.redisUrl, logger, onMutantDone: line });
  const healthyOk = report.healthy.notPassed.length === 0;
  if (!healthyOk) {
    out.write(c.red(`\nthe healthy gateway did not pass every case:\n`) + report.healthy.notPassed.map((l) => `  ${l}\n`).join(''));
  }
  out.write(`\n${report.summary.killed} of ${report.summary.total} mutants killed in ${(report.durationMs / 1000).toFixed(1)}s\n`);
  if (flags.reportDir) {
    await mkdir(flags.reportDir, { recursive: true });
    const path = join(flags.reportDir, 'mutants.json');
    await writeFile(path, JSON.stringify(report, null, 2) + '\n');
    out.write(`report: ${path}\n`);
  }
  if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  const survived = report.mutants.some((m) => !m.killed && !m.skipped);
  return healthyOk && !survived ? 0 : 1;
}
