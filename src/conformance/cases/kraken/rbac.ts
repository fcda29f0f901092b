import type { Probe } from '../../../client/probe.js';
import { sendPayload } from '../../../protocol/kraken/schemas.js';
import type { KrakenWorld } from '../../../protocol/kraken/world.js';
import type { CaseContext } from '../../context.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { aboutUser, connectRole, expectMessage, expectNoMessage, expectRefused, fromNow, joinAll, scene, send, uniqueText, type Role } from './actions.js';
import type { KrakenContext } from './harness.js';
import { freshVoice, voiceJoin } from './voice-actions.js';

const rbac = suiteCase('kraken-rbac');
const DENIED = 'PERMISSION_DENIED';

/** Owner, member and reader connected (the member on the other instance) and joined to every room they may. */
async function joinedTrio(ctx: CaseContext, k: KrakenContext, world: KrakenWorld) {
  const [owner, member, reader] = await Promise.all([
    connectRole(k, world, 'owner'),
    connectRole(k, world, 'member', ctx.otherInstance),
    connectRole(k, world, 'reader'),
  ]);
  for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
  return { owner, member, reader };
}

/** A message the actor may not post: refused with PERMISSION_DENIED naming the event, and never delivered. */
async function expectSendDenied(
  ctx: CaseContext,
  actor: Probe,
  where: { channelId: string } | { directMessageGroupId: string },
  observers: Probe[],
  what: string,
): Promise<void> {
  const event = 'channelId' in where ? 'sendMessage' : 'sendDirectMessage';
  const text = uniqueText(`k-rbac ${event}`);
  expectRefused(ctx, await ctx.act(actor, event, sendPayload(where, text)), DENIED, event, what);
  await expectNoMessage(ctx, observers, text, `${what}: the refused message was broadcast`);
}

/** The owner sits in the voice channel (joined to every room), watching; the actor is connected. */
async function voiceScene(ctx: CaseContext, actorRole: Role) {
  const { k, world } = await scene(ctx);
  const [owner, actor] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, actorRole, ctx.otherInstance)]);
  await joinAll(ctx, owner, world, 'owner');
  if (actorRole !== 'outsider') await joinAll(ctx, actor, world, actorRole);
  await voiceJoin(ctx, owner, world.channels.voice, world.users.owner);
  return { world, owner, actor };
}

const VOICE_EVENTS = ['voiceChannelUserJoined', 'voiceChannelUserLeft', 'voiceChannelUserUpdated'] as const;

/** A voice event the actor may not send: refused, and no voice event about the actor reaches anyone. */
async function expectVoiceDenied(ctx: CaseContext, event: string, payload: (channelId: string) => unknown, actorRole: Role = 'reader'): Promise<void> {
  const { world, owner, actor } = await voiceScene(ctx, actorRole);
  const channel = world.channels.voice;
  const actorId = world.users[actorRole];
  const watch = [owner, actor].map((p) => ({ p, fresh: freshVoice(p, channel, actorId) }));
  expectRefused(ctx, await ctx.act(actor, event, payload(channel)), DENIED, event, `${event} by the ${actorRole} (no JOIN_CHANNEL)`);
  await ctx.barrier([owner, actor]);
  for (const ev of VOICE_EVENTS) {
    for (const { p, fresh } of watch) ctx.assertNone([p], ev, `a refused ${event} was broadcast as ${ev}`, fresh);
  }
}

export const krakenRbacCases: CaseDef[] = [
  rbac('send-message-reader', 'sendMessage without CREATE_MESSAGE (reader in general): PERMISSION_DENIED {event: sendMessage}, nothing broadcast', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const { owner, member, reader } = await joinedTrio(ctx, k, world);
      await expectSendDenied(ctx, reader, { channelId: world.channels.general }, [owner, member, reader], 'sendMessage by the reader');
    },
  }),

  rbac('send-message-outsider', 'sendMessage by a non-member of the community: PERMISSION_DENIED, nothing broadcast', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const { owner, member } = await joinedTrio(ctx, k, world);
      const outsider = await connectRole(k, world, 'outsider');
      await expectSendDenied(ctx, outsider, { channelId: world.channels.general }, [owner, member, outsider], 'sendMessage by an outsider');
    },
  }),

  rbac('send-dm-non-member', 'sendDirectMessage to a DM group the sender is not in: PERMISSION_DENIED {event: sendDirectMessage}, nothing broadcast', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const { owner, member, reader } = await joinedTrio(ctx, k, world);
      await expectSendDenied(ctx, member, { directMessageGroupId: world.dmGroups.ownerReader }, [owner, member, reader], 'sendDirectMessage by the member to the owner-reader group');
    },
  }),

  rbac('join-all-outsider', 'joinAll of a community the user is not in (no READ_COMMUNITY): PERMISSION_DENIED {event: joinAll}; no userOnline, no channel messages', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, outsider] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'outsider', ctx.otherInstance)]);
      await joinAll(ctx, owner, world, 'owner');
      const noOnline = fromNow(owner, aboutUser(world.users.outsider));
      expectRefused(ctx, await ctx.act(outsider, 'joinAll', world.communityId), DENIED, 'joinAll', 'joinAll by an outsider');
      const text = uniqueText('k-rbac after denied joinAll');
      await send(ctx, owner, { channelId: world.channels.general }, text);
      await expectMessage(ctx, [owner], text);
      await expectNoMessage(ctx, [outsider], text, 'the outsider receives the community\'s channels after a refused joinAll');
      ctx.assertNone([owner], 'userOnline', 'a refused joinAll still broadcast userOnline for the outsider', noOnline);
    },
  }),

  rbac('join-room-outsider', 'joinRoom of a public channel by a non-member of the community: PERMISSION_DENIED {event: joinRoom}, no messages', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, outsider] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'outsider', ctx.otherInstance)]);
      await joinAll(ctx, owner, world, 'owner');
      expectRefused(ctx, await ctx.act(outsider, 'joinRoom', world.channels.general), DENIED, 'joinRoom', 'joinRoom(general) by an outsider');
      const text = uniqueText('k-rbac after denied joinRoom');
      await send(ctx, owner, { channelId: world.channels.general }, text);
      await expectMessage(ctx, [owner], text);
      await expectNoMessage(ctx, [outsider], text, 'the outsider receives the channel after a refused joinRoom');
    },
  }),

  rbac('voice-join-reader', 'voice_channel_join without JOIN_CHANNEL: PERMISSION_DENIED {event: voice_channel_join}, no voiceChannelUserJoined', {
    async run(ctx) {
      await expectVoiceDenied(ctx, 'voice_channel_join', (channelId) => ({ channelId }));
    },
  }),

  rbac('voice-state-update-reader', 'voice_state_update without JOIN_CHANNEL: PERMISSION_DENIED {event: voice_state_update}, no voiceChannelUserUpdated', {
    async run(ctx) {
      await expectVoiceDenied(ctx, 'voice_state_update', (channelId) => ({ channelId, isMuted: true }));
    },
  }),

  rbac('voice-leave-reader', 'voice_channel_leave without JOIN_CHANNEL: PERMISSION_DENIED {event: voice_channel_leave}, no voiceChannelUserLeft', {
    async run(ctx) {
      await expectVoiceDenied(ctx, 'voice_channel_leave', (channelId) => ({ channelId }));
    },
  }),

  rbac('voice-refresh-reader', 'voice_presence_refresh without JOIN_CHANNEL: PERMISSION_DENIED {event: voice_presence_refresh}, no voice event', {
    async run(ctx) {
      await expectVoiceDenied(ctx, 'voice_presence_refresh', (channelId) => ({ channelId }));
    },
  }),

  rbac('voice-join-outsider', 'voice_channel_join by a non-member of the community: PERMISSION_DENIED, no voiceChannelUserJoined', {
    async run(ctx) {
      await expectVoiceDenied(ctx, 'voice_channel_join', (channelId) => ({ channelId }), 'outsider');
    },
  }),
];
