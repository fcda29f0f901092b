import type { Logger } from 'pino';
import { CHAT_MUTANTS, type MutantInfo } from '../../fixtures/chat-gateway/mutants.js';
import { runConformance } from '../conformance/conform.js';
import type { ConformanceReport } from '../report/model.js';
import { provideRedis } from '../target/redis-provider.js';
import { startReferenceTarget } from '../target/reference-target.js';

export interface MutantResult {
  name: string;
  description: string;
  area: MutantInfo['area'];
  killed: boolean;
  /** Cases that failed against the mutant. */
  killedBy: string[];
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
  summary: { total: number; killed: number };
}

export interface MutantsOptions {
  only?: string[];
  redisUrl?: string;
  logger: Logger;
  onMutantDone?(r: MutantResult, index: number, total: number): void;
}

/** Runs the suite against the healthy reference gateway, then against each mutant, and tallies the kills. */
export async function runMutants(opts: MutantsOptions): Promise<MutantsReport> {
  const startedAt = new Date();
  const started = performance.now();
  const unknown = (opts.only ?? []).filter((n) => !CHAT_MUTANTS.some((m) => m.name === n));
  if (unknown.length) throw new Error(`unknown mutant(s) ${unknown.join(', ')}; known: ${CHAT_MUTANTS.map((m) => m.name).join(', ')}`);
  const selected = opts.only?.length ? CHAT_MUTANTS.filter((m) => opts.only!.includes(m.name)) : CHAT_MUTANTS;
  const redis = await provideRedis({ redisUrl: opts.redisUrl, logger: opts.logger });
  try {
    const runAgainst = async (mutant?: string) => {
      const target = await startReferenceTarget({ redisUrl: redis.url, mutant, logger: opts.logger });
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
        result = { name: m.name, description: m.description, area: m.area, killed: false, killedBy: [], erroredCases: [], skipped: `needs two instances: ${redis.hint}` };
      } else {
        const report = await runAgainst(m.name);
        const killedBy = report.cases.filter((c) => c.status === 'failed').map((c) => c.id);
        const erroredCases = report.cases.filter((c) => c.status === 'errored').map((c) => c.id);
        result = { name: m.name, description: m.description, area: m.area, killed: killedBy.length > 0, killedBy, erroredCases };
      }
      results.push(result);
      opts.onMutantDone?.(result, i + 1, selected.length);
    }
    return {
      schemaVersion: 1,
      kind: 'mutants',
      dialect: 'chat-service',
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      healthy: { summary: healthy.summary, notPassed: healthy.cases.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} (${c.reason})`) },
      mutants: results,
      summary: { total: results.length, killed: results.filter((r) => r.killed).length },
    };
  } finally {
    await redis.stop();
  }
}
