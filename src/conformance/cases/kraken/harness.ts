import type { Probe } from '../../../client/probe.js';
import type { KrakenWorld } from '../../../protocol/kraken/world.js';
import type { RestResult } from '../../../rest/client.js';
import type { CaseContext } from '../../context.js';

/**
 * What the Kraken cases need of CaseContext beyond the chat-service surface. The core provides these
 * members; this view keeps the cases typed against exactly the signatures they rely on.
 */
export interface KrakenHarness {
  kraken: { world(): Promise<KrakenWorld> };
  /** A probe with a valid token for that user id, ready on transport connect. */
  connectAs(userId: string, opts?: { instance?: number; label?: string }): Promise<Probe>;
  /** A REST call of the target config's `kraken.rest`, as that user. */
  restKraken(name: string, actorUserId: string, vars: Record<string, unknown>): Promise<RestResult>;
}

export type KrakenContext = CaseContext & KrakenHarness;

/** The context as the Kraken cases use it; a core without the Kraken members is a harness error. */
export function kraken(ctx: CaseContext): KrakenContext {
  const k = ctx as CaseContext & Partial<KrakenHarness>;
  if (typeof k.connectAs !== 'function' || typeof k.kraken?.world !== 'function') {
    throw new Error('this gatecheck core has no Kraken support in CaseContext (ctx.kraken.world, ctx.connectAs)');
  }
  return k as KrakenContext;
}

/** True when the target config declares the Kraken REST call of that name. */
export function hasKrakenRest(ctx: CaseContext, name: string): boolean {
  return Boolean(ctx.config.kraken?.rest?.[name]);
}
