import type { TargetConfig } from '../config/schema.js';
import type { Dialect } from '../protocol/types.js';
import { summarize, type ConformanceReport, type TargetSummary } from '../model/conformance.js';
import { assertReachable } from '../client/reachability.js';
import { RestClient } from '../rest/client.js';
import { createTokenSource } from '../auth/tokens.js';
import { ConnectPacer, UserAllocator } from '../auth/users.js';
import { detectRoundTrip } from './capabilities.js';
import { runCases } from './runner.js';
import type { CaseDef, CaseResult } from './types.js';
import type { Profile } from '../profiles/profile.js';
import { ConfigError } from '../errors.js';
import { findingsOf } from './findings.js';

/** What a dialect brings to a run: its cases and its protocol (a dialect module is one). */
export interface Suite {
  cases: CaseDef[];
  /** Hostile cases, in the pool only when a filter starts with "robustness". */
  robustness?: CaseDef[];
  dialect(overrides?: Record<string, string>): Dialect;
}

export interface ConformOptions {
  suite: Suite;
  config: TargetConfig;
  target: TargetSummary;
  strict?: boolean;
  /** How the target differs from its document (the config's `profile` or --profile, loaded). */
  profile?: Profile;
  /** Only cases whose id contains one of these strings. */
  filter?: string[];
  onCaseStart?(c: CaseDef): void;
  onCaseDone?(r: CaseResult, index: number, total: number): void;
}

export function selectCases(all: CaseDef[], filter?: string[], robustness: CaseDef[] = []): CaseDef[] {
  if (!filter?.length) return all;
  // The robustness suite attacks the target: only a filter that names it brings it in.
  const pool = filter.some((f) => f.startsWith('robustness')) ? [...all, ...robustness] : all;
  return pool.filter((c) => filter.some((f) => c.id.includes(f) || c.suite === f || c.seedRef === f));
}

/** Checks every instance answers, then runs the dialect's cases and returns the report. */
export async function runConformance(opts: ConformOptions): Promise<ConformanceReport> {
  // A fixed (pre-provisioned) Kraken world is shared by every case: they must take turns.
  const fixedWorld = opts.config.kraken !== undefined && 'fixed' in opts.config.kraken.world;
  const config = fixedWorld ? { ...opts.config, limits: { ...opts.config.limits, concurrency: 1 } } : opts.config;
  const startedAt = new Date();
  const started = performance.now();
  await Promise.all(config.instances.map((i) => assertReachable(i.url, config.socketPath)));
  const tokens = createTokenSource(config);
  const shared = {
    config,
    dialect: dialectWithProfile(opts.suite, config, opts.profile),
    profile: opts.profile,
    tokens,
    rest: new RestClient(config, config.timeouts.actionMs),
    users: new UserAllocator(tokens),
    pacer: new ConnectPacer(config.limits.connectsPerSecond),
  };
  const env = { ...shared, roundTrip: await detectRoundTrip(shared) };
  const cases = selectCases(opts.suite.cases, opts.filter, opts.suite.robustness);
  let done = 0;
  const results = await runCases({
    cases,
    env,
    strict: Boolean(opts.strict),
    onCaseStart: opts.onCaseStart,
    onCaseDone: (r) => opts.onCaseDone?.(r, ++done, cases.length),
  });
  return {
    schemaVersion: 1,
    kind: 'conformance',
    dialect: env.dialect.name,
    target: opts.target,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    strict: Boolean(opts.strict),
    summary: summarize(results),
    cases: results,
    ...(opts.profile ? { profile: { name: opts.profile.name, source: opts.profile.data.source } } : {}),
    findings: findingsOf(results, opts.profile),
  };
}

/** The profile's event names under the config's own (the config wins); a collision is a config error. */
function dialectWithProfile(suite: Suite, config: TargetConfig, profile: Profile | undefined): Dialect {
  if (!profile) return suite.dialect(config.events);
  try {
    return suite.dialect({ ...profile.data.events, ...config.events });
  } catch (err) {
    throw new ConfigError(`profile ${profile.name} with the config's events: ${(err as Error).message}`);
  }
}
