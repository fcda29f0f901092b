import { describeOutcome } from '../../../client/outcome.js';
import type { Probe } from '../../../client/probe.js';
import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/kraken/schemas.js';
import type { KrakenWorld } from '../../../protocol/kraken/world.js';
import type { CaseContext } from '../../context.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { actExpecting, connectRole, expectNotRefused, joinAll, scene } from './actions.js';
import type { KrakenContext } from './harness.js';
import { ttlToWaitOut, waitsOutTtl } from './ttl.js';
import { expectBeforeVoiceTtl, expectVoiceEvent, freshVoice, voiceJoin } from './voice-actions.js';

const voice = suiteCase('kraken-voice');
const FLAGS = ['isVideoEnabled', 'isScreenSharing', 'isMuted', 'isDeafened'] as const;

/** The member sits in the voice channel on the other instance; the owner (the actor) is connected and joined. */
async function voiceRoom(ctx: CaseContext, k: KrakenContext, world: KrakenWorld, ownerJoinsVoice: boolean) {
  const [owner, member, outsider] = await Promise.all([
    connectRole(k, world, 'owner'),
    connectRole(k, world, 'member', ctx.otherInstance),
    connectRole(k, world, 'outsider', ctx.otherInstance),
  ]);
  await joinAll(ctx, owner, world, 'owner');
  await joinAll(ctx, member, world, 'member');
  await voiceJoin(ctx, member, world.channels.voice, world.users.member);
  if (ownerJoinsVoice) {
    await voiceJoin(ctx, owner, world.channels.voice, world.users.owner, [owner, member]);
    await expectVoiceEvent(ctx, [member], 'voiceChannelUserJoined', world.channels.voice, world.users.owner, s.voiceUserJoined);
  }
  return { owner, member, outsider };
}

/**
 * A voice_presence_refresh just before the action under test, so that TTL expiry cannot explain a
 * voiceChannelUserLeft that follows; answers when it was sent. (Events of one socket are handled in
 * order, so it precedes the action; its own answer, if any, is not waited for beyond a short moment.)
 */
async function refreshed(ctx: CaseContext, probe: Probe, channelId: string): Promise<number> {
  const since = performance.now();
  const outcome = await probe.act('voice_presence_refresh', { channelId }, 50);
  ctx.check(outcome.kind === 'ack' || outcome.kind === 'timeout', 'voice_presence_refresh by a participant was refused', { expected: 'no error', received: describeOutcome(outcome) });
  return since;
}

export const krakenVoiceCases: CaseDef[] = [
  voice('join', 'voice_channel_join acks {success, channelId}; the participants get voiceChannelUserJoined {channelId, user: VoicePresenceUser}; outsiders do not', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const { owner, member, outsider } = await voiceRoom(ctx, k, world, false);
      const channel = world.channels.voice;
      const away = freshVoice(outsider, channel, world.users.owner);
      await voiceJoin(ctx, owner, channel, world.users.owner, [owner, member]);
      const [joined] = await expectVoiceEvent(ctx, [member], 'voiceChannelUserJoined', channel, world.users.owner, s.voiceUserJoined);
      const off = FLAGS.filter((f) => joined.user[f] !== false);
      ctx.check(off.length === 0, 'a user who just joined voice is not in the default state', { expected: `${FLAGS.join(', ')} all false`, received: summarize(joined.user) });
      await ctx.expectNothing([outsider], 'voiceChannelUserJoined', 'voiceChannelUserJoined reached a user outside the community', away);
    },
  }),

  voice('state-update', 'voice_state_update reaches the participants as voiceChannelUserUpdated {channelId, userId, user, updates}; the state accumulates', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const { owner, member } = await voiceRoom(ctx, k, world, true);
      const channel = world.channels.voice;
      const userId = world.users.owner;
      const muted = freshVoice(member, channel, userId);
      const [first] = await actExpecting(ctx, owner, 'voice_state_update', { channelId: channel, isMuted: true }, 'voice_state_update {isMuted: true}', () =>
        expectVoiceEvent(ctx, [member], 'voiceChannelUserUpdated', channel, userId, s.voiceUserUpdated, muted),
      );
      ctx.check(first.user.isMuted === true && first.updates.isMuted === true, 'voiceChannelUserUpdated does not carry the new state', {
        expected: 'user.isMuted true, updates { isMuted: true }',
        received: summarize(first),
      });
      const video = freshVoice(member, channel, userId);
      const [second] = await actExpecting(ctx, owner, 'voice_state_update', { channelId: channel, isVideoEnabled: true }, 'voice_state_update {isVideoEnabled: true}', () =>
        expectVoiceEvent(ctx, [member], 'voiceChannelUserUpdated', channel, userId, s.voiceUserUpdated, video),
      );
      ctx.check(second.user.isVideoEnabled === true && second.user.isMuted === true, 'the second update lost the first one', {
        expected: 'user.isVideoEnabled true and user.isMuted still true',
        received: summarize(second.user),
      });
      ctx.check(second.updates.isVideoEnabled === true && !('isMuted' in second.updates), '`updates` is not the change that was sent', {
        expected: '{ isVideoEnabled: true }',
        received: summarize(second.updates),
      });
    },
  }),

  voice('leave', 'voice_channel_leave: the participants get voiceChannelUserLeft {channelId, userId, user}', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const { owner, member } = await voiceRoom(ctx, k, world, true);
      const channel = world.channels.voice;
      const left = freshVoice(member, channel, world.users.owner);
      const since = await refreshed(ctx, owner, channel);
      await actExpecting(ctx, owner, 'voice_channel_leave', { channelId: channel }, 'voice_channel_leave', () =>
        expectVoiceEvent(ctx, [member], 'voiceChannelUserLeft', channel, world.users.owner, s.voiceUserLeft, left),
      );
      expectBeforeVoiceTtl(ctx, since, 'voiceChannelUserLeft after voice_channel_leave');
    },
  }),

  voice('disconnect-cleanup', 'Closing the socket of a participant cleans up its voice presence: voiceChannelUserLeft to the others', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const { owner, member } = await voiceRoom(ctx, k, world, true);
      const channel = world.channels.voice;
      const left = freshVoice(member, channel, world.users.owner);
      const since = await refreshed(ctx, owner, channel);
      await owner.disconnect();
      await expectVoiceEvent(ctx, [member], 'voiceChannelUserLeft', channel, world.users.owner, s.voiceUserLeft, left);
      expectBeforeVoiceTtl(ctx, since, 'voiceChannelUserLeft after the disconnect');
    },
  }),

  voice('refresh-and-expiry', 'voice_presence_refresh inside the TTL keeps a participant; one that stops refreshing is dropped (voiceChannelUserLeft)', {
    longWait: waitsOutTtl('voice', 2.5),
    async run(ctx) {
      const ttl = ttlToWaitOut(ctx, 'voice');
      const { k, world } = await scene(ctx);
      const { owner, member } = await voiceRoom(ctx, k, world, true);
      const channel = world.channels.voice;
      const ownerLeft = freshVoice(member, channel, world.users.owner);
      const memberLeft = freshVoice(owner, channel, world.users.member);
      // The member's presence was set before the owner's: refresh the owner only, and the member expires.
      const started = performance.now();
      const until = started + ttl * 2.5;
      while (performance.now() < until) {
        await new Promise((r) => setTimeout(r, ttl / 4));
        expectNotRefused(ctx, await owner.act('voice_presence_refresh', { channelId: channel }, ttl / 4), 'voice_presence_refresh by a participant');
      }
      await ctx.waitFor(owner, 'voiceChannelUserLeft', `voiceChannelUserLeft for the member, who stopped refreshing, after the ${ttl} ms voice TTL`, memberLeft, 10);
      await ctx.expectNothing([member], 'voiceChannelUserLeft', 'a participant that kept refreshing inside the TTL was dropped', ownerLeft);
    },
  }),
];
