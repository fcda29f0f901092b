import type { ZodType } from 'zod';
import { describeOutcome } from '../../../client/outcome.js';
import type { Probe } from '../../../client/probe.js';
import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/kraken/schemas.js';
import type { CaseContext } from '../../context.js';
import { aboutVoiceUser, deviation, fromNow } from './actions.js';

/**
 * voice_channel_join that must succeed: the ack {success: true, channelId} is strict, a missing ack
 * non-strict (spec README, Kraken open point 4), anything else fails. Without an ack the join is known
 * done when a watcher (the joiner itself by default) receives its voiceChannelUserJoined; the ack then
 * gets a short moment to follow.
 */
export async function voiceJoin(ctx: CaseContext, probe: Probe, channelId: string, userId: string, watchers: Probe[] = [probe]): Promise<void> {
  const what = `voice_channel_join by ${probe.label}`;
  const seen = Promise.any(watchers.map((w) => w.waitFor('voiceChannelUserJoined', ctx.timeouts.actionMs, freshVoice(w, channelId, userId)))).then(
    () => true,
    () => false,
  );
  const acted = ctx.act(probe, 'voice_channel_join', { channelId });
  let outcome = await Promise.race([acted, seen.then((got) => (got ? undefined : acted))]);
  if (!outcome) outcome = await Promise.race([acted, new Promise<undefined>((r) => setTimeout(r, 100))]);
  if (!outcome || outcome.kind === 'timeout') {
    deviation(ctx, `${what} was not acknowledged with { success: true, channelId } (spec README, Kraken open point 4)`);
    return;
  }
  ctx.check(outcome.kind === 'ack', `${what} was refused`, { expected: `ack { success: true, channelId: '${channelId}' }`, received: describeOutcome(outcome) });
  const ack = ctx.conforms(s.voiceJoinAck, (outcome as { value: unknown }).value, `the ack of ${what}`);
  ctx.check(ack.channelId === channelId, `${what}: the ack names another channel`, { expected: channelId, received: summarize(ack) });
}

/**
 * A voiceChannelUserLeft that TTL expiry could explain proves nothing about the action under test: when
 * the target declares its voice TTL, the event must come before the TTL since the user's last join or
 * refresh (`since`, performance.now() when it was sent) ran out.
 */
export function expectBeforeVoiceTtl(ctx: CaseContext, since: number, what: string): void {
  const ttl = ctx.config.kraken?.voiceTtlMs;
  if (!ttl) return;
  const after = performance.now() - since;
  ctx.check(after < ttl, `${what} came only when the voice presence TTL ran out`, {
    expected: `within the ${ttl} ms voice TTL`,
    received: `${Math.round(after)} ms after the last join/refresh`,
  });
}

/** Waits for a voice event about that user in that channel on every observer; returns the payloads. */
export async function expectVoiceEvent<T>(
  ctx: CaseContext,
  observers: Probe[],
  event: 'voiceChannelUserJoined' | 'voiceChannelUserLeft' | 'voiceChannelUserUpdated',
  channelId: string,
  userId: string,
  schema: ZodType<T>,
  extra?: (p: any) => boolean,
): Promise<T[]> {
  const got = await Promise.all(
    observers.map((p) =>
      ctx.waitFor(p, event, `${event} for ${userId} in ${channelId}`, (x) => aboutVoiceUser(channelId, userId)(x) && (!extra || extra(x))),
    ),
  );
  return got.map((e, i) => {
    const v = ctx.conforms(schema, e.payload, `${event} on ${observers[i].label}`);
    const user = (v as { user?: { id?: unknown } }).user;
    ctx.check(user?.id === userId, `${event}: the VoicePresenceUser is another user`, { expected: `user.id ${userId}`, received: summarize(e.payload) });
    return v;
  });
}

/** A predicate for voice events about that user that arrive from now on at that probe. */
export function freshVoice(probe: Probe, channelId: string, userId: string): (p: any) => boolean {
  return fromNow(probe, aboutVoiceUser(channelId, userId));
}
