import type { TargetConfig } from '../../../config/schema.js';
import type { CaseContext } from '../../context.js';
import type { CaseDef } from '../../types.js';

/** Without the opt-in (kraken.maxTtlWaitMs, conform --ttl-wait) the expiry cases wait out a TTL of at most this. */
export const DEFAULT_MAX_TTL_WAIT_MS = 5_000;

type TtlKind = 'presence' | 'voice';
const KEY: Record<TtlKind, string> = { presence: 'kraken.presenceTtlMs', voice: 'kraken.voiceTtlMs' };
const DOCUMENTED: Record<TtlKind, string> = { presence: '60 s', voice: '90 s' };

function declared(config: TargetConfig, kind: TtlKind): number | undefined {
  return kind === 'presence' ? config.kraken?.presenceTtlMs : config.kraken?.voiceTtlMs;
}

export function maxTtlWaitMs(config: TargetConfig): number {
  return config.kraken?.maxTtlWaitMs ?? DEFAULT_MAX_TTL_WAIT_MS;
}

/** The declared TTL the case waits out; skips the case when none is declared or it is longer than the run may wait. */
export function ttlToWaitOut(ctx: CaseContext, kind: TtlKind): number {
  const ttl = declared(ctx.config, kind);
  if (!ttl) ctx.skip(`skipped: the target declares no ${kind} TTL (${KEY[kind]}); the documents' ${DOCUMENTED[kind]} is only waited for when declared`);
  const limit = maxTtlWaitMs(ctx.config);
  if (ttl > limit) {
    ctx.skip(`skipped: the declared ${kind} TTL (${ttl} ms) is longer than the expiry cases wait (${limit} ms); raise kraken.maxTtlWaitMs or pass conform --ttl-wait to wait it out`);
  }
  return ttl;
}

/**
 * A case's longWait: it waits out `ttls` times the declared TTL (its case deadline grows by that), when
 * it runs at all.
 */
export function waitsOutTtl(kind: TtlKind, ttls: number): NonNullable<CaseDef['longWait']> {
  return (config) => {
    const ttl = declared(config, kind);
    if (!ttl || ttl > maxTtlWaitMs(config)) return undefined;
    return { ms: Math.ceil(ttl * ttls), why: `the ${formatSeconds(ttl)} ${kind} TTL` };
  };
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
