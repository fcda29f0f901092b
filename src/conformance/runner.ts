import { errorMessage, TargetError } from '../errors.js';
import { log } from '../log.js';
import { SetupError } from '../rest/client.js';
import { assertAnswering } from '../client/reachability.js';
import { CaseContext, type RunEnvironment } from './context.js';
import { CaseFailure, CaseSkip, type CaseDef, type CaseResult, type CaseStatus, type Need } from './types.js';

export interface RunOptions {
  cases: CaseDef[];
  env: RunEnvironment;
  strict: boolean;
  onCaseStart?(c: CaseDef): void;
  onCaseDone?(r: CaseResult): void;
}

/** Runs cases concurrently (bounded), each isolated and under its own deadline, the run under another. */
export async function runCases(opts: RunOptions): Promise<CaseResult[]> {
  const { env } = opts;
  // Attacks run one at a time: a flood in one case would be counted against another's canaries.
  const concurrency = opts.cases.some((c) => c.hostile) ? 1 : env.config.limits.concurrency;
  const runMs = env.config.timeouts.runMs + opts.cases.reduce((sum, c) => sum + (c.longWait?.(env.config)?.ms ?? 0), 0);
  const runDeadline = Date.now() + runMs;
  let targetDown: string | undefined;
  const results: CaseResult[] = new Array(opts.cases.length);
  const order = startOrder(opts.cases, env);
  let next = 0;

  const worker = async () => {
    while (next < order.length) {
      const index = order[next++];
      const def = opts.cases[index];
      opts.onCaseStart?.(def);
      log().debug({ case: def.id }, 'case start');
      let result: CaseResult;
      if (targetDown) result = blank(def, 'errored', `not run: ${targetDown}`);
      else if (Date.now() > runDeadline) result = blank(def, 'errored', `not run: the whole run exceeded its deadline of ${runMs} ms`);
      else {
        result = await runOne(def, env, opts.strict, runDeadline);
        // A verdict reached while the target was dying is about the harness's reach, not the contract:
        // every failure is checked against the target's reachability (a loopback round trip).
        if (result.status === 'failed' || result.status === 'errored') {
          targetDown ??= await firstUnreachable(env);
          // An attack that brought the target down has its finding: that stays a failure.
          if (targetDown && !(def.hostile && result.status === 'failed')) {
            result.status = 'errored';
            result.reason = `the target went down during the case (${targetDown}); the case saw: ${result.reason}`;
          }
        }
      }
      results[index] = result;
      log().debug({ case: def.id, status: result.status, ms: result.durationMs, reason: result.reason || undefined }, 'case done');
      opts.onCaseDone?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, opts.cases.length) }, worker));
  return results;
}

/**
 * The order cases start in (indexes into `cases`; results keep the declared order): the ones that wait
 * out a long window (a TTL) first, longest first, so they overlap the rest instead of running alone at
 * the end of the run.
 */
export function startOrder(cases: CaseDef[], env: Pick<RunEnvironment, 'config'>): number[] {
  const waits = cases.map((c) => c.longWait?.(env.config)?.ms ?? 0);
  return cases.map((_, i) => i).sort((a, b) => waits[b] - waits[a] || a - b);
}

async function runOne(def: CaseDef, env: RunEnvironment, strict: boolean, runDeadline: number): Promise<CaseResult> {
  const missing = missingNeeds(def.needs ?? [], env);
  if (missing) return blank(def, 'skipped', missing);
  const ctx = new CaseContext(env);
  const started = performance.now();
  // An attack waits out its canaries' loss window (10 s) after a starved target: a minute at least.
  const ownMs = (def.hostile ? Math.max(60_000, env.config.timeouts.caseMs) : env.config.timeouts.caseMs) + (def.longWait?.(env.config)?.ms ?? 0);
  const caseMs = Math.min(ownMs, Math.max(1000, runDeadline - Date.now()));
  let status: CaseStatus = 'passed';
  let reason = '';
  let failure: CaseFailure['failure'] | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineError(`the case did not finish within ${caseMs} ms`)), caseMs);
    });
    await Promise.race([def.run(ctx), deadline]);
    const violations = ctx.timeline.violations;
    if (violations.length > 0) {
      const v = violations[0];
      status = 'failed';
      const more = ctx.timeline.violationCount > 1 ? ` (${ctx.timeline.violationCount} violations in all)` : '';
      reason = `contract violation: ${v.who} received ${v.event} that does not match the documented shape (${v.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})${more}`;
    } else if (ctx.deviations.length > 0) {
      status = strict ? 'failed' : 'non-strict';
      reason = (strict ? 'strict mode: ' : '') + ctx.deviations.join('; ');
    }
  } catch (err) {
    if (err instanceof CaseFailure) {
      status = 'failed';
      failure = err.failure;
      reason = err.failure.message;
    } else if (err instanceof CaseSkip) {
      status = 'skipped';
      reason = err.message;
    } else {
      status = 'errored';
      reason = err instanceof TargetError || err instanceof SetupError || err instanceof DeadlineError ? err.message : `harness error: ${errorMessage(err)}`;
    }
  } finally {
    clearTimeout(timer);
    await ctx.cleanup();
  }
  const blockedBy = status === 'failed' && failure ? blockingStep(def, failure, ctx.suspects) : undefined;
  if (blockedBy) reason = `blocked by ${blockedBy}: ${reason}`;
  return {
    ...blank(def, status, reason),
    ...(blockedBy ? { blockedBy } : {}),
    durationMs: Math.round(performance.now() - started),
    absenceMs: Math.round(ctx.absenceMs),
    evidence: { failure, deviations: ctx.deviations, notes: ctx.notes, violations: ctx.timeline.violations, timeline: ctx.timeline.finish(), ...(ctx.timeline.cuts ? { cuts: ctx.timeline.cuts } : {}), ...(ctx.profileHits.size ? { profile: [...ctx.profileHits.keys()] } : {}) },
  };
}

class DeadlineError extends Error {}

/**
 * The step a failure belongs to when it is not what the case tests: the named step it failed in, or a
 * step that earlier showed no sign of working (a suspect) when the failure names none.
 */
function blockingStep(def: CaseDef, failure: NonNullable<CaseFailure['failure']>, suspects: Map<string, string>): string | undefined {
  const subject = def.subject ?? [];
  if (failure.step) return subject.includes(failure.step) ? undefined : failure.step;
  for (const [step, why] of suspects) if (!subject.includes(step)) return `${step} (${why})`;
  return undefined;
}

function blank(def: CaseDef, status: CaseStatus, reason: string): CaseResult {
  return {
    id: def.id,
    suite: def.suite,
    title: def.title,
    seedRef: def.seedRef,
    status,
    durationMs: 0,
    absenceMs: 0,
    reason,
    evidence: { deviations: [], notes: [], violations: [], timeline: [] },
  };
}

const NEED_HINTS: Record<Need, string> = {
  'rest.createConversation': 'declare rest.createConversation in the target config',
  'rest.addParticipant': 'declare rest.addParticipant in the target config',
  'rest.removeParticipant': 'declare rest.removeParticipant in the target config',
  'rest.leaveConversation': 'declare rest.leaveConversation in the target config',
  'rest.sendMessage': 'declare rest.sendMessage in the target config',
  multiInstance: 'needs two instances: list two instance URLs sharing a Redis (with no target, give gatecheck a Redis: --redis-url, a redis-server on PATH, or Docker)',
  rateLimit: 'the target declares no rate limit (capabilities.rateLimit)',
  redis: 'declare capabilities.redis (its url, and key patterns where they differ from the guide) in the target config',
  expiredTokens: 'an expired but correctly signed token can only be made with auth.mint',
  anyUserIds: 'needs fresh users; auth.static gives a fixed pool',
  processMemory: "needs the target's memory: declare instances[0].pid (a process on this machine) or instances[0].metricsUrl (process_resident_memory_bytes)",
};

function missingNeeds(needs: Need[], env: RunEnvironment): string | undefined {
  const has = (n: Need): boolean => {
    if (n.startsWith('rest.')) return env.rest.has(n.slice(5) as never);
    if (n === 'multiInstance') return env.config.instances.length > 1;
    if (n === 'rateLimit') return Boolean(env.config.capabilities.rateLimit);
    if (n === 'redis') return Boolean(env.config.capabilities.redis);
    if (n === 'expiredTokens') return Boolean(env.tokens.expired);
    if (n === 'processMemory') return env.config.instances[0].pid !== undefined || env.config.instances[0].metricsUrl !== undefined;
    return !env.tokens.fixedUsers;
  };
  const missing = needs.filter((n) => !has(n));
  return missing.length ? `skipped: ${missing.map((n) => NEED_HINTS[n]).join('; ')}` : undefined;
}

async function firstUnreachable(env: RunEnvironment): Promise<string | undefined> {
  for (const i of env.config.instances) {
    try {
      await assertAnswering(i.url, env.config.socketPath, 2000);
    } catch (err) {
      return errorMessage(err);
    }
  }
  return undefined;
}
