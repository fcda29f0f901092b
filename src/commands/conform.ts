import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadProfile } from '../profiles/load.js';
import type { Profile } from '../profiles/profile.js';
import { runConformance } from '../conformance/conform.js';
import { dialectModule } from '../dialects/index.js';
import { ConsoleReporter } from '../report/console.js';
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
  profile?: string;
}

export async function conformCommand(flags: ConformFlags, logger: Logger): Promise<number> {
  const sink = new Sink(flags.json ? process.stderr : process.stdout);
  const target = await resolveTarget(flags, logger);
  try {
    secrets.add(...target.secrets, ...resolveSecretsOf(target.config));
    if (target.warning) sink.say(`note: ${target.warning}\n`);
    const reporters = new Reporters(sink, reportersFor(flags, sink));
    const profile = await profileOf(flags.profile ?? target.config.profile, target.config.dialect, target.summary.configFile);
    if (profile) sink.say(`profile ${profile.name}: the differences it covers are reported as findings\n`);
    const report = await runConformance({
      profile,
      suite: dialectModule(target.config.dialect),
      config: target.config,
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

/** The profile named by --profile or the config (a shipped name, a file next to the config, or inline). */
function profileOf(ref: string | object | undefined, dialect: string, configFile: string | undefined): Promise<Profile | undefined> {
  if (ref === undefined) return Promise.resolve(undefined);
  return loadProfile(ref, dialect, configFile ? dirname(resolve(configFile)) : process.cwd());
}

function reportersFor(flags: ConformFlags, sink: Sink): Array<Reporter<ConformanceReport, CaseProgress>> {
  const list: Array<Reporter<ConformanceReport, CaseProgress>> = [new ConsoleReporter(sink, flags.verbose)];
  if (flags.reportDir || flags.json) list.push(conformanceJsonReporter(sink, { dir: flags.reportDir, stdout: flags.json }));
  if (flags.reportDir) list.push(new JunitReporter(sink, flags.reportDir));
  return list;
}
