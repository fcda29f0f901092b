import type { Logger } from 'pino';
import type { TargetConfig } from '../config/schema.js';
import { runConformance, selectCases } from '../conformance/conform.js';
import { longWaitNotice } from '../conformance/long-waits.js';
import { UsageError } from '../errors.js';
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
  ttlWait?: boolean;
}

export async function conformCommand(flags: ConformFlags, logger: Logger): Promise<number> {
  const sink = new Sink(flags.json ? process.stderr : process.stdout);
  // Without a target config the dialect is the flag's: refuse before starting a reference gateway for nothing.
  if (flags.ttlWait && !flags.target && flags.dialect !== 'kraken') throw ttlWaitMisused();
  const target = await resolveTarget(flags, logger);
  try {
    secrets.add(...target.secrets, ...resolveSecretsOf(target.config));
    if (target.warning) sink.say(`note: ${target.warning}\n`);
    const config = flags.ttlWait ? withoutTtlWaitBound(target.config) : target.config;
    const suite = dialectModule(config.dialect);
    const waits = longWaitNotice(selectCases(suite.cases, flags.filter), config);
    if (waits) sink.say(`note: ${waits}\n`);
    const reporters = new Reporters(sink, reportersFor(flags, sink));
    const report = await runConformance({
      suite,
      config,
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

/** --ttl-wait: the expiry cases wait out whatever TTL the Kraken target declares. */
function withoutTtlWaitBound(config: TargetConfig): TargetConfig {
  if (!config.kraken) throw ttlWaitMisused();
  return { ...config, kraken: { ...config.kraken, maxTtlWaitMs: Number.MAX_SAFE_INTEGER } };
}

const ttlWaitMisused = () => new UsageError('--ttl-wait applies only to the kraken dialect (its presence and voice TTLs)');

function reportersFor(flags: ConformFlags, sink: Sink): Array<Reporter<ConformanceReport, CaseProgress>> {
  const list: Array<Reporter<ConformanceReport, CaseProgress>> = [new ConsoleReporter(sink, flags.verbose)];
  if (flags.reportDir || flags.json) list.push(conformanceJsonReporter(sink, { dir: flags.reportDir, stdout: flags.json }));
  if (flags.reportDir) list.push(new JunitReporter(sink, flags.reportDir));
  return list;
}
