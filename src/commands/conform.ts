import type { Logger } from 'pino';
import { runConformance } from '../conformance/conform.js';
import { ConsoleReporter } from '../report/console.js';
import { exitCodeFor } from '../report/model.js';
import { Redactor } from '../report/redact.js';
import { writeConformanceReports } from '../report/write.js';
import { resolveSecretsOf } from './secrets.js';
import { resolveTarget, type TargetFlags } from './target-options.js';

export interface ConformFlags extends TargetFlags {
  strict?: boolean;
  reportDir?: string;
  json?: boolean;
  filter?: string[];
  verbose?: boolean;
}

export async function conformCommand(flags: ConformFlags, logger: Logger): Promise<number> {
  const human = flags.json ? process.stderr : process.stdout;
  const reporter = new ConsoleReporter(human, flags.verbose);
  const redactor = new Redactor();
  const target = await resolveTarget(flags, logger);
  try {
    redactor.add(...target.secrets, ...resolveSecretsOf(target.config));
    if (target.warning) human.write(`note: ${target.warning}\n`);
    const report = await runConformance({
      config: target.config,
      target: target.summary,
      strict: flags.strict,
      filter: flags.filter,
      onTokens: (tokens) => redactor.track(tokens.issued),
      onCaseDone: (r, i, n) => reporter.caseDone(r, i, n),
    });
    reporter.summary(report);
    if (flags.reportDir) {
      const paths = await writeConformanceReports(flags.reportDir, report, redactor);
      human.write(`reports: ${paths.join(', ')}\n`);
    }
    if (flags.json) process.stdout.write(redactor.json(report, 2) + '\n');
    return exitCodeFor(report);
  } finally {
    await target.stop();
  }
}
