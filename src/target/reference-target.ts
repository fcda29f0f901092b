import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { parseTargetConfig } from '../config/load.js';
import type { TargetConfig, TargetConfigInput } from '../config/schema.js';
import type { TargetSummary } from '../report/model.js';
import { provideRedis } from './redis-provider.js';
import { startReferenceGateway } from './reference-launcher.js';

export const REFERENCE_RATE_LIMIT = { max: 10, windowMs: 1000 };

/** The target config that describes the bundled reference gateway (docs/reference-gateway.md). */
export function referenceTargetConfig(urls: string[], jwtSecret: string, redisUrl?: string): TargetConfig {
  const raw: TargetConfigInput = {
    instances: urls.map((url, i) => ({ url, name: `reference-${i + 1}` })),
    auth: { mint: { secret: jwtSecret } },
    rest: {
      createConversation: { method: 'POST', path: '/api/conversations', body: { participantIds: '{{participantIds}}', type: '{{type}}', name: '{{name}}' }, idPath: 'id' },
      addParticipant: { method: 'POST', path: '/api/conversations/{{conversationId}}/participants', body: { userId: '{{userId}}' } },
      removeParticipant: { method: 'DELETE', path: '/api/conversations/{{conversationId}}/participants/{{userId}}' },
      leaveConversation: { method: 'POST', path: '/api/conversations/{{conversationId}}/leave' },
      sendMessage: { method: 'POST', path: '/api/conversations/{{conversationId}}/messages', body: { content: '{{content}}' }, idPath: 'id' },
    },
    capabilities: {
      rateLimit: { event: 'message:send', ...REFERENCE_RATE_LIMIT },
      ...(redisUrl ? { redis: { url: redisUrl } } : {}),
    },
  };
  return parseTargetConfig(raw, 'reference target');
}

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

/** Starts the reference gateway: two instances through Redis when one can be had, else one in memory. */
export async function startReferenceTarget(opts: { redisUrl?: string; instances?: number; mutant?: string; logger: Logger }): Promise<StartedTarget> {
  const redis = await provideRedis({ redisUrl: opts.redisUrl, logger: opts.logger });
  let instances = opts.instances ?? 2;
  let warning: string | undefined;
  if (!redis.url && instances > 1) {
    instances = 1;
    warning = `no Redis available, so one instance only; ${redis.hint ?? ''}`.trim();
  }
  const jwtSecret = randomBytes(24).toString('hex');
  let gateway;
  try {
    gateway = await startReferenceGateway({ instances, redisUrl: redis.url, mutant: opts.mutant, jwtSecret, rateLimit: REFERENCE_RATE_LIMIT });
  } catch (err) {
    await redis.stop();
    throw err;
  }
  opts.logger.info({ urls: gateway.urls, redis: redis.source, mutant: opts.mutant }, 'reference gateway started');
  return {
    config: referenceTargetConfig(gateway.urls, jwtSecret, redis.url),
    summary: { source: 'reference', instances: gateway.urls, mutant: opts.mutant, redis: redis.source },
    secrets: [jwtSecret],
    warning,
    gateway,
    async stop() {
      await gateway.stop();
      await redis.stop();
    },
  };
}
