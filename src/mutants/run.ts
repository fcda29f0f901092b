import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { TargetConfig } from '../config/schema.js';
import { runConformance } from '../conformance/conform.js';
import type { DialectModule, MutantInfo } from '../dialects/types.js';
import { mutantsOfSuite, type MutantSuite } from '../dialects/mutants.js';
import { runEachAlone } from './each-alone.js';
import type { CaseStatus } from '../conformance/types.js';
import type { ConformanceReport } from '../model/conformance.js';
import { deviationRecognised, type MutantResult, type MutantVerdict, type MutantsReport } from '../model/mutants.js';

export { deviationRecognised, type MutantResult, type MutantsReport };
import type { ProvidedRedis } from '../reference/redis-provider.js';
import { provideReferenceRedis, robustnessGatewayArgs, startReferenceTarget } from '../reference/target.js';
import { TargetError, UsageError } from '../errors.js';

/**
 * The verdict on one mutant from its full run and the re-run, alone, of each case that failed or errored
 * in it: a failure counts as a kill only when it repeats, and a case that errors alone too (or was not
 * re-run) leaves the mutant inconclusive.
 */
export function judgeMutant(m: MutantInfo, cases: Array<{ id: string; status: CaseStatus }>, rerun: ReadonlyMap<string, CaseStatus>): MutantResult {
  const ids = (status: CaseStatus) => cases.filter((c) => c.status === status).map((c) => c.id);
  const retried = [...ids('failed'), ...ids('errored')];
  const killedBy = ids('failed').filter((id) => rerun.get(id) === 'failed');
  const erroredCases = retried.filter((id) => (rerun.get(id) ?? 'errored') === 'errored');
  const unconfirmed = retried.filter((id) => !killedBy.includes(id) && !erroredCases.includes(id));
  const verdict: MutantVerdict = erroredCases.length ? 'inconclusive' : killedBy.length ? 'killed' : 'survived';
  return { ...describe(m), killed: verdict === 'killed', killedBy, nonStrictCases: ids('non-strict'), erroredCases, verdict, unconfirmed };
}

export interface MutantsOptions {
  module: DialectModule;
  only?: string[];
  /** Which suite runs and which mutants it must kill (default: conformance). */
  suite?: MutantSuite;
  redisUrl?: string;
  /** Reference gateways tested at once, each with its own Redis (default: the CPU count, at most 3; 1 with a given redisUrl). */
  parallel?: number;
  /**
   * Run the healthy gateway alone before any mutant (every worker then takes mutants): its verdict is
   * not shared with mutants that burn CPU, and more workers only make a mutant more likely to fail.
   * Default: on for the robustness suite (its mutants flood and starve), off for conformance.
   */
  healthyFirst?: boolean;
  logger: Logger;
  onMutantDone?(r: MutantResult, index: number, total: number): void;
}

const describe = (m: MutantInfo) => ({ name: m.name, description: m.description, area: m.area, kind: m.kind ?? ('bug' as const) });

/** Runs the suite against the healthy reference gateway, then against each mutant, and tallies the kills. */
export async function runMutants(opts: MutantsOptions): Promise<MutantsReport> {
  const startedAt = new Date();
  const started = performance.now();
  const suite = opts.suite ?? 'conformance';
  const all = mutantsOfSuite(opts.module.mutants.list, suite);
  const unknown = (opts.only ?? []).filter((n) => !all.some((m) => m.name === n));
  if (unknown.length) throw new UsageError(`unknown mutant(s) ${unknown.join(', ')}; known: ${all.map((m) => m.name).join(', ')}`);
  const selected = opts.only?.length ? all.filter((m) => opts.only!.includes(m.name)) : all;
  // Each worker has a Redis of its own: two reference gateways on one Redis would hear each other's broadcasts.
  const workers = opts.redisUrl ? 1 : Math.max(1, Math.min(opts.parallel ?? defaultParallelism(), selected.length + 1));
  const provided = await Promise.allSettled(Array.from({ length: workers }, () => provideReferenceRedis({ redisUrl: opts.redisUrl, logger: opts.logger })));
  const redises = provided.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : []));
  try {
    const refused = provided.find((p): p is PromiseRejectedResult => p.status === 'rejected');
    if (refused) throw refused.reason;
    const runAgainst = async (redisUrl: string | undefined, mutant?: string) => {
      const start = () => startReferenceTarget({ module: opts.module, redisUrl, mutant, logger: opts.logger, ...(suite === 'robustness' ? { extraArgs: robustnessGatewayArgs(opts.module) } : {}) });
      // A gateway slow to start on a busy machine (the launcher waits 30 s for READY) is tried twice more.
      const retry = (err: unknown) => (err instanceof TargetError ? start() : Promise.reject(err));
      const target = await start().catch(retry).catch(retry);
      try {
        // Against a robustness mutant only its own attack runs: six attacks per mutant would triple the matrix.
        if (suite === 'robustness') return await runEachAlone(opts.module, target, mutant === undefined ? undefined : opts.module.mutants.find(mutant)?.killer);
        const config = mutantRunConfig(target.config);
        const report = await runConformance({ suite: opts.module, config, target: target.summary });
        // Every failure or error again, in one run of just those cases: a case that failed or errored only
        // because three gateways share two cores passes then, with a fraction of the suite's load. The
        // filter matches by substring, so each exact id is picked out; a target that no longer answers
        // errors every re-run.
        const rerun = new Map<string, CaseStatus>();
        const again = report.cases.filter((c) => c.status === 'failed' || c.status === 'errored').map((c) => c.id);
        if (again.length) {
          const second = await runConformance({ suite: opts.module, config, target: target.summary, filter: again }).catch(() => undefined);
          for (const id of again) rerun.set(id, second?.cases.find((r) => r.id === id)?.status ?? 'errored');
        }
        return { report, rerun };
      } finally {
        await target.stop();
      }
    };
    const judge = async (m: MutantInfo, redis: ProvidedRedis): Promise<MutantResult> => {
      if (m.needsMultiInstance && !redis.url) {
        return { ...describe(m), killed: false, killedBy: [], nonStrictCases: [], erroredCases: [], skipped: `needs two instances: ${redis.hint}`, verdict: 'skipped', unconfirmed: [] };
      }
      const { report, rerun } = await runAgainst(redis.url, m.name);
      return judgeMutant(m, report.cases, rerun);
    };

    // The healthy run goes first on one worker while the others start on the mutants; a harness failure stops them all.
    const results: MutantResult[] = new Array(selected.length);
    let next = 0;
    let done = 0;
    let healthy: { report: ConformanceReport; rerun: ReadonlyMap<string, CaseStatus> } | undefined;
    let failed = false;
    const healthyFirst = opts.healthyFirst ?? suite === 'robustness';
    const healthyDone = healthyFirst ? runAgainst(redises[0].url).then((h) => void (healthy = h)) : Promise.resolve();
    healthyDone.catch(() => undefined);
    const settled = await Promise.allSettled(
      redises.map(async (redis, w) => {
        if (healthyFirst) await healthyDone;
        else if (w === 0) healthy = await runAgainst(redis.url);
        while (next < selected.length && !failed) {
          const i = next++;
          results[i] = await judge(selected[i], redis);
          opts.onMutantDone?.(results[i], ++done, selected.length);
        }
      }).map((p) => p.catch((err) => ((failed = true), Promise.reject(err)))),
    );
    const broken = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (broken) throw broken.reason;
    const bugs = results.filter((r) => r.kind === 'bug');
    return {
      schemaVersion: 1,
      kind: 'mutants',
      dialect: opts.module.name,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      healthy: healthyVerdict(healthy!.report, healthy!.rerun),
      mutants: results,
      summary: {
        total: bugs.length,
        killed: bugs.filter((r) => r.killed).length,
        deviations: results.length - bugs.length,
        deviationsGradedNonStrict: results.filter((r) => r.kind === 'deviation' && deviationRecognised(r)).length,
        inconclusive: results.filter((r) => r.verdict === 'inconclusive').length,
        skipped: results.filter((r) => r.verdict === 'skipped').length,
      },
    };
  } finally {
    await Promise.all(redises.map((r) => r.stop()));
  }
}

/**
 * The healthy gateway must pass every case. A case that failed or errored in the full run but passed when
 * run again on its own failed from the load on the machine, not the gateway: listed, not held against it.
 */
function healthyVerdict(report: ConformanceReport, rerun: ReadonlyMap<string, CaseStatus>): MutantsReport['healthy'] {
  const notPassed = report.cases.filter((c) => c.status !== 'passed' && rerun.get(c.id) !== 'passed');
  const passedAlone = report.cases.filter((c) => c.status !== 'passed' && rerun.get(c.id) === 'passed').map((c) => c.id);
  return { summary: report.summary, notPassed: notPassed.map((c) => `${c.id}: ${c.status} (${c.reason})`), passedOnlyAlone: passedAlone };
}

/**
 * A reference gateway on loopback acknowledges in milliseconds, and most mutants fail a case by an
 * answer that never comes: waiting the documented 3 s for it, twice (the run and the re-run), was most
 * of the matrix's time. A healthy case that misses this shorter deadline on a busy machine passes its
 * re-run alone, and a kill still needs the case to fail twice.
 */
export const MUTANT_ACTION_MS = 1500;

function mutantRunConfig(config: TargetConfig): TargetConfig {
  return { ...config, timeouts: { ...config.timeouts, actionMs: Math.min(config.timeouts.actionMs, MUTANT_ACTION_MS) } };
}

/** Two runs at a time on two cores: the suite mostly waits on grace windows, so it overlaps well. */
function defaultParallelism(): number {
  return Math.max(1, Math.min(3, availableParallelism()));
}
