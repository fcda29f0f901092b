import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { runConformance } from '../conformance/conform.js';
import type { DialectModule, MutantLike } from '../dialects/types.js';
import type { ConformanceReport } from '../report/model.js';
import { provideRedis, type ProvidedRedis } from '../target/redis-provider.js';
import { startReferenceTarget } from '../target/reference-target.js';
import { UsageError } from '../errors.js';

export interface MutantResult {
  name: string;
  description: string;
  area: string;
  /** 'bug' must be killed; 'deviation' (a choice the contract leaves open) must be graded non-strict only. */
  kind: 'bug' | 'deviation';
  killed: boolean;
  /** Cases that failed against the mutant. */
  killedBy: string[];
  /** Cases graded non-strict against it: how deviations are recognised. */
  nonStrictCases: string[];
  /** Cases the harness could not run against it (never counted as kills). */
  erroredCases: string[];
  skipped?: string;
}

export interface MutantsReport {
  schemaVersion: 1;
  kind: 'mutants';
  dialect: string;
  startedAt: string;
  durationMs: number;
  healthy: { summary: ConformanceReport['summary']; notPassed: string[] };
  mutants: MutantResult[];
  /** Bugs only: total and killed. Deviations are counted apart. */
  summary: { total: number; killed: number; deviations: number; deviationsGradedNonStrict: number };
}

/** A deviation is handled right when some case says non-strict and none fails. */
export const deviationRecognised = (r: MutantResult): boolean => r.nonStrictCases.length > 0 && r.killedBy.length === 0;

export interface MutantsOptions {
  module: DialectModule;
  only?: string[];
  redisUrl?: string;
  /** Reference gateways tested at once, each with its own Redis (default: the CPU count, at most 3; 1 with a given redisUrl). */
  parallel?: number;
  logger: Logger;
  onMutantDone?(r: MutantResult, index: number, total: number): void;
}

const describe = (m: MutantLike) => ({ name: m.name, description: m.description, area: m.area, kind: m.kind ?? ('bug' as const) });

/** Runs the suite against the healthy reference gateway, then against each mutant, and tallies the kills. */
export async function runMutants(opts: MutantsOptions): Promise<MutantsReport> {
  const startedAt = new Date();
  const started = performance.now();
  const all = opts.module.mutants;
  const unknown = (opts.only ?? []).filter((n) => !all.some((m) => m.name === n));
  if (unknown.length) throw new UsageError(`unknown mutant(s) ${unknown.join(', ')}; known: ${all.map((m) => m.name).join(', ')}`);
  const selected = opts.only?.length ? all.filter((m) => opts.only!.includes(m.name)) : all;
  // Each worker has a Redis of its own: two reference gateways on one Redis would hear each other's broadcasts.
  const workers = opts.redisUrl ? 1 : Math.max(1, Math.min(opts.parallel ?? defaultParallelism(), selected.length + 1));
  const provided = await Promise.allSettled(Array.from({ length: workers }, () => provideRedis({ redisUrl: opts.redisUrl, logger: opts.logger })));
  const redises = provided.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : []));
  try {
    const refused = provided.find((p): p is PromiseRejectedResult => p.status === 'rejected');
    if (refused) throw refused.reason;
    const runAgainst = async (redisUrl: string | undefined, mutant?: string) => {
      const target = await startReferenceTarget({ module: opts.module, redisUrl, mutant, logger: opts.logger });
      try {
        return await runConformance({ config: target.config, target: target.summary });
      } finally {
        await target.stop();
      }
    };
    const judge = async (m: MutantLike, redis: ProvidedRedis): Promise<MutantResult> => {
      if (m.needsMultiInstance && !redis.url) {
        return { ...describe(m), killed: false, killedBy: [], nonStrictCases: [], erroredCases: [], skipped: `needs two instances: ${redis.hint}` };
      }
      const report = await runAgainst(redis.url, m.name);
      const ids = (status: string) => report.cases.filter((c) => c.status === status).map((c) => c.id);
      const killedBy = ids('failed');
      return { ...describe(m), killed: killedBy.length > 0, killedBy, nonStrictCases: ids('non-strict'), erroredCases: ids('errored') };
    };

    // The healthy run goes first on one worker while the others start on the mutants; a harness failure stops them all.
    const results: MutantResult[] = new Array(selected.length);
    let next = 0;
    let done = 0;
    let healthy: ConformanceReport | undefined;
    let failed = false;
    const settled = await Promise.allSettled(
      redises.map(async (redis, w) => {
        if (w === 0) healthy = await runAgainst(redis.url);
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
      healthy: { summary: healthy!.summary, notPassed: healthy!.cases.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} (${c.reason})`) },
      mutants: results,
      summary: {
        total: bugs.length,
        killed: bugs.filter((r) => r.killed).length,
        deviations: results.length - bugs.length,
        deviationsGradedNonStrict: results.filter((r) => r.kind === 'deviation' && deviationRecognised(r)).length,
      },
    };
  } finally {
    await Promise.all(redises.map((r) => r.stop()));
  }
}

/** Two runs at a time on two cores: the suite mostly waits on grace windows, so it overlaps well. */
function defaultParallelism(): number {
  return Math.max(1, Math.min(3, availableParallelism()));
}
