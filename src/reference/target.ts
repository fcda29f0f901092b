import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { TargetConfig } from '../config/schema.js';
import type { DialectModule } from '../dialects/types.js';
import type { TargetSummary } from '../model/conformance.js';
import { TargetError } from '../errors.js';
import { NO_REDIS_HINT, provideRedis, type ProvidedRedis, type RedisProviderLogger } from './redis-provider.js';
import { startReferenceGateway } from './launcher.js';

export interface StartedTarget {
  config: TargetConfig;
  summary: TargetSummary;
  /** Secrets to keep out of every log and report. */
  secrets: string[];
  /** Set when the target could not get everything (e.g. no Redis: one instance only). */
  warning?: string;
  gateway?: Awaited<ReturnType<typeof startReferenceGateway>>;
  stop(): Promise<void>;
}

/**
 * The Redis for reference gateways (see provideRedis). GATECHECK_NO_REDIS=1 behaves as a machine with
 * none, whatever is installed: the no-Redis path can be chosen rather than depend on the machine.
 */
export function provideReferenceRedis(opts: { redisUrl?: string; logger?: RedisProviderLogger }): Promise<ProvidedRedis> {
  if (!opts.redisUrl && process.env.GATECHECK_NO_REDIS === '1') return Promise.resolve({ source: 'none', hint: NO_REDIS_HINT, stop: async () => {} });
  return provideRedis(opts);
}

/**
 * The reference gateway's flags for the robustness suite: a ping every second and a 3 s timeout, so
 * the half-open case waits at most 4 s for a silent connection to be dropped, not the documented 85 s.
 */
export function robustnessGatewayArgs(module: DialectModule): string[] {
  return [...(module.reference.extraArgs ?? []), '--heartbeat', '1000/3000'];
}

/** Starts a dialect's reference gateway: two instances through Redis when one can be had, else one in memory. */
export async function startReferenceTarget(opts: {
  module: DialectModule;
  redisUrl?: string;
  instances?: number;
  mutant?: string;
  /** Start the gateway drifting from its document as a named real server does (--drift). */
  drift?: string;
  logger: Logger;
  /** Overrides the dialect's declared rate limit (null = off, as load runs want). */
  rateLimit?: { max: number; windowMs: number } | null;
  /** Chat gateway only: 'streams' = the Redis streams adapter with connection state recovery (needs Redis). */
  adapter?: 'pubsub' | 'streams';
  /** Replaces the dialect's extra gateway flags (e.g. Kraken load runs keep the documented TTLs). */
  extraArgs?: string[];
}): Promise<StartedTarget> {
  const { reference } = opts.module;
  const redis = await provideReferenceRedis({ redisUrl: opts.redisUrl, logger: opts.logger });
  let instances = opts.instances ?? 2;
  let warning: string | undefined;
  if (!redis.url && opts.adapter === 'streams') {
    await redis.stop();
    throw new TargetError(`the streams adapter needs Redis; ${redis.hint ?? NO_REDIS_HINT}`);
  }
  if (!redis.url && instances > 1) {
    instances = 1;
    warning = `no Redis available, so one instance only; ${redis.hint ?? ''}`.trim();
  }
  const jwtSecret = randomBytes(24).toString('hex');
  let gateway;
  try {
    gateway = await startReferenceGateway({
      instances,
      redisUrl: redis.url,
      mutant: opts.mutant,
      jwtSecret,
      rateLimit: opts.rateLimit !== undefined ? opts.rateLimit : reference.rateLimit,
      gateway: opts.module.name,
      extraArgs: [...(opts.extraArgs ?? reference.extraArgs ?? []), ...(opts.drift ? ['--drift', opts.drift] : [])],
      adapter: opts.adapter,
    });
  } catch (err) {
    await redis.stop();
    throw err;
  }
  opts.logger.info({ dialect: opts.module.name, urls: gateway.urls, redis: redis.source, mutant: opts.mutant }, 'reference gateway started');
  const config = reference.config(gateway.urls, jwtSecret, redis.url, opts.extraArgs ?? reference.extraArgs);
  // The launcher knows its children: the robustness suite reads their memory from /proc.
  config.instances.forEach((instance, i) => (instance.pid = gateway.instances[i].pid));
  return {
    config,
    summary: { source: 'reference', instances: gateway.urls, mutant: opts.mutant, redis: redis.source, ...(opts.drift ? { drift: opts.drift } : {}) },
    secrets: [jwtSecret],
    warning,
    gateway,
    async stop() {
      await gateway.stop();
      await redis.stop();
    },
  };
}
