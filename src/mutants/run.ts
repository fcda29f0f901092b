import type { Logger } from 'pino';
import { runConformance } from '../conformance/conform.js';
import type { DialectModule, MutantLike } from '../dialects/types.js';
import type { ConformanceReport } from '../report/model.js';
import { provideRedis } from '../target/redis-provider.js';
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
  const redis = await provideRedis({ redisUrl: opts.redisUrl, logger: opts.logger });
  try {
    const runAgainst = async (mutant?: string) => {
      const target = await startReferenceTarget({ module: opts.module, redisUrl: redis.url, mutant, logger: opts.logger });
      try {
        return await runConformance({ config: target.config, target: target.summary });
      } finally {
        await target.stop();
      }
    };
    const healthy = await runAgainst();
    const results: MutantResult[] = [];
    for (const [i, m] of selected.entries()) {
      let result: MutantResult;
      if (m.needsMultiInstance && !redis.url) {
        result = { ...describe(m), killed: false, killedBy: [], nonStrictCases: [], erroredCases: [], skipped: `needs two instances: ${redis.hint}` };
      } else {
        const report = await runAgainst(m.name);
        const killedBy = report.cases.filter((c) => c.status === 'failed').map((c) => c.id);
        const erroredCases = report.cases.filter((c) => c.status === 'errored').map((c) => c.id);
        const nonStrictCases = report.cases.filter((c) => c.status === 'non-strict').map((c) => c.id);
        result = { ...describe(m), killed: killedBy.length > 0, killedBy, nonStrictCases, erroredCases };
      }
      results.push(result);
      opts.onMutantDone?.(result, i + 1, selected.length);
    }
    const bugs = results.filter((r) => r.kind === 'bug');
    return {
      schemaVersion: 1,
      kind: 'mutants',
      dialect: opts.module.name,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      healthy: { summary: healthy.summary, notPassed: healthy.cases.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} (${c.reason})`) },
      mutants: results,
      summary: {
        total: bugs.length,
        killed: bugs.filter((r) => r.killed).length,
        deviations: results.length - bugs.length,
        deviationsGradedNonStrict: results.filter((r) => r.kind === 'deviation' && deviationRecognised(r)).length,
      },
    };
  } finally {
    await redis.stop();
  }
}
