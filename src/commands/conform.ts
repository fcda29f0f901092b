import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadProfile } from '../profiles/load.js';
import type { Profile } from '../profiles/profile.js';
import { compareWithBaseline } from '../baseline/compare.js';
import { loadBaseline, type Baseline } from '../baseline/file.js';
import { writeBaseline } from '../baseline/write.js';
import { assertReachable } from '../client/reachability.js';
import { runConformance, selectCases } from '../conformance/conform.js';
import { longWaitNotice } from '../conformance/long-waits.js';
import { paceDeadlines } from '../conformance/pacing.js';
import { checkEnvVars } from '../doctor/env-vars.js';
import { runPreflight } from '../doctor/preflight.js';
import type { CheckLine } from '../model/doctor.js';
import { renderCheckLines } from '../report/doctor-console.js';
import type { TargetConfig } from '../config/schema.js';
import { dialectModule } from '../dialects/index.js';
import type { DialectModule } from '../dialects/types.js';
import { UsageError } from '../errors.js';
import { exitCodeFor, type ConformanceReport } from '../model/conformance.js';
import { chalkFor } from '../report/console.js';
import { conformanceReporters } from '../report/conformance-reporters.js';
import { chooseFormats } from '../report/formats.js';
import { Reporters } from '../report/reporter.js';
import { Sink } from '../report/sink.js';
import { secrets } from '../secrets/redactor.js';
import { resolveSecretsOf } from './secrets.js';
import { resolveTarget, type TargetFlags } from './target-options.js';
import { robustnessGatewayArgs } from '../reference/target.js';

export interface ConformFlags extends TargetFlags {
  strict?: boolean;
  reportDir?: string;
  json?: boolean;
  filter?: string[];
  verbose?: boolean;
  profile?: string;
  reporter?: string[];
  /** A previous report.json or a reviewed baseline file: the gate fails only on what got worse. */
  baseline?: string;
  /** Write the baseline file of this run there. */
  updateBaseline?: string;
  /** false with --no-preflight: skip the doctor's fast checks of the live target. */
  preflight?: boolean;
  ttlWait?: boolean;
}

export async function conformCommand(flags: ConformFlags, logger: Logger): Promise<number> {
  const sink = new Sink(flags.json ? process.stderr : process.stdout);
  const formats = chooseFormats(flags, ['json', 'junit', 'html']);
  // A broken baseline is exit 2 before any gateway starts.
  const baseline = flags.baseline ? await loadBaseline(flags.baseline) : undefined;
  // Without a target config the dialect is the flag's: refuse before starting a reference gateway for nothing.
  if (flags.ttlWait && !flags.target && flags.dialect !== 'kraken') throw ttlWaitMisused();
  // The bundled gateway attacked by the robustness suite drops silent connections within seconds (half-open).
  const attacked = flags.filter?.some((f) => f.startsWith('robustness')) ?? false;
  const target = await resolveTarget(flags, logger, attacked ? { extraArgs: robustnessGatewayArgs(dialectModule(flags.dialect ?? 'chat-service')) } : {});
  try {
    if (baseline?.dialect && baseline.dialect !== target.config.dialect) throw new UsageError(`baseline ${baseline.file} is for dialect ${baseline.dialect}, the target speaks ${target.config.dialect}`);
    secrets.add(...target.secrets, ...resolveSecretsOf(target.config));
    if (target.warning) sink.say(`note: ${target.warning}\n`);
    const config = flags.ttlWait ? withoutTtlWaitBound(target.config) : target.config;
    const suite = dialectModule(config.dialect);
    const profile = await profileOf(flags.profile ?? config.profile, config.dialect, target.summary.configFile);
    if (profile) sink.say(`profile ${profile.name}: the differences it covers are reported as findings\n`);
    const blocked = await preflight(flags, config, suite, profile);
    if (blocked) {
      // Like every other exit-2 error, on stderr: stdout stays empty for a --json reader.
      const errors = new Sink(process.stderr);
      errors.say(`${renderCheckLines(blocked, chalkFor(process.stderr))}\ngatecheck: the target cannot be tested as configured (gatecheck doctor checks it all; --no-preflight skips this)\n`);
      return 2;
    }
    const selected = selectCases(suite.cases, flags.filter);
    const waits = longWaitNotice(selected, config);
    if (waits) sink.say(`note: ${waits}\n`);
    const paced = paceDeadlines(config, selected.length);
    if (paced.note) sink.say(`note: ${paced.note}\n`);
    const reporters = new Reporters(sink, conformanceReporters(sink, formats, { dir: flags.reportDir, stdout: flags.json, verbose: flags.verbose }));
    const report = await runConformance({
      profile,
      suite,
      config: paced.config,
      target: target.summary,
      strict: flags.strict,
      filter: flags.filter,
      onCaseDone: (result, index, total) => reporters.progress({ result, index, total }),
    });
    if (baseline) report.baseline = compareWithBaseline(report, baseline);
    await reporters.end(report);
    if (flags.updateBaseline) await writeBaseline(sink, report, flags.updateBaseline, 'this run');
    return gateExitCode(report, baseline);
  } finally {
    await target.stop();
  }
}

/** The profile named by --profile or the config (a shipped name, a file next to the config, or inline). */
function profileOf(ref: string | object | undefined, dialect: string, configFile: string | undefined): Promise<Profile | undefined> {
  if (ref === undefined) return Promise.resolve(undefined);
  return loadProfile(ref, dialect, configFile ? dirname(resolve(configFile)) : process.cwd());
}

/** With a baseline, the gate: 1 on a new failure or a stale entry. Without, any failed or errored case. */
export function gateExitCode(report: ConformanceReport, baseline?: Baseline): 0 | 1 {
  if (baseline && report.baseline) return report.baseline.passed ? 0 : 1;
  return exitCodeFor(report);
}

/**
 * What stops a run before its first case: an environment variable the config names that is unset
 * (always checked), and unless --no-preflight, an instance that does not answer Socket.IO (thrown) or
 * refuses a valid token. Answers the lines to print (the failing ones and what they depend on), or undefined.
 */
async function preflight(flags: ConformFlags, config: TargetConfig, suite: DialectModule, profile?: Profile): Promise<CheckLine[] | undefined> {
  const env = checkEnvVars(config);
  if (env.some((l) => l.status === 'fail')) return env.filter((l) => l.status === 'fail');
  if (flags.preflight === false) return undefined;
  // An instance that is not Socket.IO is a TargetError, as runConformance reports it without a preflight.
  await Promise.all(config.instances.map((i) => assertReachable(i.url, config.socketPath)));
  const lines = await runPreflight(config, suite.dialect({ ...profile?.data.events, ...config.events }));
  return lines.some((l) => l.status === 'fail') ? lines.filter((l) => l.status !== 'ok') : undefined;
}

/** --ttl-wait: the expiry cases wait out whatever TTL the Kraken target declares. */
function withoutTtlWaitBound(config: TargetConfig): TargetConfig {
  if (!config.kraken) throw ttlWaitMisused();
  return { ...config, kraken: { ...config.kraken, maxTtlWaitMs: Number.MAX_SAFE_INTEGER } };
}

const ttlWaitMisused = () => new UsageError('--ttl-wait applies only to the kraken dialect (its presence and voice TTLs)');
