import type { Logger } from 'pino';
import { assertReachable } from '../client/reachability.js';
import { runConformance, selectCases } from '../conformance/conform.js';
import { paceDeadlines } from '../conformance/pacing.js';
import { checkEnvVars } from '../doctor/env-vars.js';
import { runPreflight } from '../doctor/preflight.js';
import type { CheckLine } from '../model/doctor.js';
import { renderCheckLines } from '../report/doctor-console.js';
import type { TargetConfig } from '../config/schema.js';
import { dialectModule } from '../dialects/index.js';
import type { DialectModule } from '../dialects/types.js';
import { chalkFor, ConsoleReporter } from '../report/console.js';
import { conformanceJsonReporter } from '../report/json.js';
import { JunitReporter } from '../report/junit.js';
import { exitCodeFor, type CaseProgress, type ConformanceReport } from '../model/conformance.js';
import { Reporters, type Reporter } from '../report/reporter.js';
import { Sink } from '../report/sink.js';
import { secrets } from '../secrets/redactor.js';
import { resolveSecretsOf } from './secrets.js';
import { resolveTarget, type TargetFlags } from './target-options.js';

export interface ConformFlags extends TargetFlags {
  strict?: boolean;
  reportDir?: string;
  json?: boolean;
  filter?: string[];
  verbose?: boolean;
  /** false with --no-preflight: skip the doctor's fast checks of the live target. */
  preflight?: boolean;
}

export async function conformCommand(flags: ConformFlags, logger: Logger): Promise<number> {
  const sink = new Sink(flags.json ? process.stderr : process.stdout);
  const target = await resolveTarget(flags, logger);
  try {
    secrets.add(...target.secrets, ...resolveSecretsOf(target.config));
    if (target.warning) sink.say(`note: ${target.warning}\n`);
    const suite = dialectModule(target.config.dialect);
    const blocked = await preflight(flags, target.config, suite);
    if (blocked) {
      // Like every other exit-2 error, on stderr: stdout stays empty for a --json reader.
      const errors = new Sink(process.stderr);
      errors.say(`${renderCheckLines(blocked, chalkFor(process.stderr))}\ngatecheck: the target cannot be tested as configured (gatecheck doctor checks it all; --no-preflight skips this)\n`);
      return 2;
    }
    const paced = paceDeadlines(target.config, selectCases(suite.cases, flags.filter).length);
    if (paced.note) sink.say(`note: ${paced.note}\n`);
    const reporters = new Reporters(sink, reportersFor(flags, sink));
    const report = await runConformance({
      suite,
      config: paced.config,
      target: target.summary,
      strict: flags.strict,
      filter: flags.filter,
      onCaseDone: (result, index, total) => reporters.progress({ result, index, total }),
    });
    await reporters.end(report);
    return exitCodeFor(report);
  } finally {
    await target.stop();
  }
}

function reportersFor(flags: ConformFlags, sink: Sink): Array<Reporter<ConformanceReport, CaseProgress>> {
  const list: Array<Reporter<ConformanceReport, CaseProgress>> = [new ConsoleReporter(sink, flags.verbose)];
  if (flags.reportDir || flags.json) list.push(conformanceJsonReporter(sink, { dir: flags.reportDir, stdout: flags.json }));
  if (flags.reportDir) list.push(new JunitReporter(sink, flags.reportDir));
  return list;
}

/**
 * What stops a run before its first case: an environment variable the config names that is unset
 * (always checked), and unless --no-preflight, an instance that does not answer Socket.IO (thrown) or
 * refuses a valid token. Answers the lines to print (the failing ones and what they depend on), or undefined.
 */
async function preflight(flags: ConformFlags, config: TargetConfig, suite: DialectModule): Promise<CheckLine[] | undefined> {
  const env = checkEnvVars(config);
  if (env.some((l) => l.status === 'fail')) return env.filter((l) => l.status === 'fail');
  if (flags.preflight === false) return undefined;
  // An instance that is not Socket.IO is a TargetError, as runConformance reports it without a preflight.
  await Promise.all(config.instances.map((i) => assertReachable(i.url, config.socketPath)));
  const lines = await runPreflight(config, suite.dialect(config.events));
  return lines.some((l) => l.status === 'fail') ? lines.filter((l) => l.status !== 'ok') : undefined;
}
