import type { Outcome } from '../../../client/outcome.js';
import { describeOutcome } from '../../../client/outcome.js';
import type { Probe } from '../../../client/probe.js';
import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/kraken/schemas.js';
import type { CaseContext } from '../../context.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { connectRole, expectRefused, joinAll, scene } from './actions.js';
import { freshVoice, voiceJoin } from './voice-actions.js';

const validation = suiteCase('kraken-validation');

/**
 * events.md "Validation Errors": `error` {event, message, code: 'VALIDATION_ERROR', details: [{field,
 * error}]}. The code and event are graded as any refusal; `details` must be there and name the field.
 */
function expectInvalid(ctx: CaseContext, outcome: Outcome, event: string, field: string, what: string): void {
  expectRefused(ctx, outcome, 'VALIDATION_ERROR', event, what);
  if (outcome.kind !== 'error') return;
  const details = outcome.payload.details;
  ctx.check(details !== undefined && details !== null && !(Array.isArray(details) && details.length === 0), `${what}: the VALIDATION_ERROR has no details`, {
    expected: `details: [{ field: '${field}', error: ... }]`,
    received: describeOutcome(outcome),
  });
  ctx.check(JSON.stringify(details).includes(field), `${what}: the details do not name the invalid field`, {
    expected: `details naming ${field}`,
    received: summarize(details),
  });
}

/**
 * Owner (the actor: every right, so a guard that runs before validation cannot answer first) and member
 * (watching, on the other instance), both joined.
 */
async function messageScene(ctx: CaseContext) {
  const { k, world } = await scene(ctx);
  const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
  await joinAll(ctx, owner, world, 'owner');
  await joinAll(ctx, member, world, 'member');
  return { world, owner, member };
}

/** Nothing the author posted in this world's general reached anyone. */
async function expectNotPosted(ctx: CaseContext, probes: Probe[], channelId: string, authorId: string, what: string): Promise<void> {
  const posted = (p: unknown) => {
    const m = s.messageOf(p);
    return m?.channelId === channelId && m?.authorId === authorId;
  };
  await ctx.expectNothing(probes, 'newMessage', what, posted);
}

/** The owner (the actor) in voice or not; the member in voice, watching from the other instance. */
async function voiceScene(ctx: CaseContext, ownerJoinsVoice: boolean) {
  const { k, world } = await scene(ctx);
  const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
  await joinAll(ctx, owner, world, 'owner');
  await joinAll(ctx, member, world, 'member');
  await voiceJoin(ctx, member, world.channels.voice, world.users.member);
  if (ownerJoinsVoice) await voiceJoin(ctx, owner, world.channels.voice, world.users.owner, [owner, member]);
  return { world, owner, member };
}

export const krakenValidationCases: CaseDef[] = [
  validation('voice-state-missing-channel', "voice_state_update without channelId: VALIDATION_ERROR {event, details naming channelId} (the document's own example), nothing broadcast", {
    async run(ctx) {
      const { world, owner, member } = await voiceScene(ctx, true);
      const fresh = freshVoice(member, world.channels.voice, world.users.owner);
      expectInvalid(ctx, await ctx.act(owner, 'voice_state_update', { isMuted: true }), 'voice_state_update', 'channelId', 'voice_state_update without channelId');
      await ctx.expectNothing([member], 'voiceChannelUserUpdated', 'an invalid voice_state_update was broadcast', fresh);
    },
  }),

  validation('voice-state-flag-type', 'voice_state_update with a flag that is not a boolean: VALIDATION_ERROR naming the flag, nothing broadcast', {
    async run(ctx) {
      const { world, owner, member } = await voiceScene(ctx, true);
      const fresh = freshVoice(member, world.channels.voice, world.users.owner);
      expectInvalid(ctx, await ctx.act(owner, 'voice_state_update', { channelId: world.channels.voice, isMuted: 'yes' }), 'voice_state_update', 'isMuted', 'voice_state_update with isMuted: "yes"');
      await ctx.expectNothing([member], 'voiceChannelUserUpdated', 'an invalid voice_state_update was broadcast', fresh);
    },
  }),

  validation('voice-join-channel-type', 'voice_channel_join with a channelId that is not a string: VALIDATION_ERROR, no voiceChannelUserJoined', {
    async run(ctx) {
      const { world, owner, member } = await voiceScene(ctx, false);
      const fresh = freshVoice(member, world.channels.voice, world.users.owner);
      expectInvalid(ctx, await ctx.act(owner, 'voice_channel_join', { channelId: 42 }), 'voice_channel_join', 'channelId', 'voice_channel_join with channelId 42');
      await ctx.expectNothing([member], 'voiceChannelUserJoined', 'an invalid voice_channel_join was broadcast', fresh);
    },
  }),

  validation('send-message-spans-type', 'sendMessage whose spans is not an array: VALIDATION_ERROR naming spans, nothing broadcast', {
    async run(ctx) {
      const { world, owner, member } = await messageScene(ctx);
      const payload = { ...s.sendPayload({ channelId: world.channels.general }, 'x'), spans: 'gatecheck not an array' };
      expectInvalid(ctx, await ctx.act(owner, 'sendMessage', payload), 'sendMessage', 'spans', 'sendMessage with spans: "…"');
      await expectNotPosted(ctx, [owner, member], world.channels.general, world.users.owner, 'an invalid sendMessage was broadcast');
    },
  }),

  validation('send-message-empty', 'sendMessage with no spans and no attachments: VALIDATION_ERROR, nothing broadcast', {
    async run(ctx) {
      const { world, owner, member } = await messageScene(ctx);
      const payload = { ...s.sendPayload({ channelId: world.channels.general }, 'x'), spans: [] };
      expectInvalid(ctx, await ctx.act(owner, 'sendMessage', payload), 'sendMessage', 'spans', 'sendMessage with no spans and no attachments');
      await expectNotPosted(ctx, [owner, member], world.channels.general, world.users.owner, 'an empty message was broadcast');
    },
  }),
];
