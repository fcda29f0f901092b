import { suiteCase, type CaseDef } from '../../types.js';
import { connectRole, emitUnacked, expectMessage, expectNoMessage, expectNotRefused, expectRefused, joinAll, scene, send, uniqueText } from './actions.js';

const rooms = suiteCase('kraken-rooms', ['joinAll', 'deliver']);

/** What joinAll joins (events.md "Automatic Room Joining"), proven by deliveries, and what it must not. */
export const krakenRoomCases: CaseDef[] = [
  rooms('join-all-public-channel', 'joinAll joins the public channels of the community: every member and the reader get a message in general', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member, reader, outsider] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'member', ctx.otherInstance),
        connectRole(k, world, 'reader'),
        connectRole(k, world, 'outsider', ctx.otherInstance),
      ]);
      for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
      const text = uniqueText('k-rooms public');
      await send(ctx, owner, { channelId: world.channels.general }, text);
      await expectMessage(ctx, [owner, member, reader], text);
      await expectNoMessage(ctx, [outsider], text, 'a message of a public channel reached a socket of a non-member that joined nothing');
    },
  }),

  rooms('join-all-private-channel', 'joinAll joins a private channel only with a membership: the member gets `secret`, the reader does not', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member, reader] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'member', ctx.otherInstance),
        connectRole(k, world, 'reader', ctx.otherInstance),
      ]);
      for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
      const text = uniqueText('k-rooms secret');
      await send(ctx, owner, { channelId: world.channels.secret }, text);
      await expectMessage(ctx, [owner, member], text);
      await expectNoMessage(ctx, [reader], text, 'joinAll joined the reader to a private channel it has no membership of');
    },
  }),

  rooms('join-all-dm-groups', 'joinAll joins the DM groups of the user and no other: each DM reaches its two members only', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member, reader] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'member', ctx.otherInstance),
        connectRole(k, world, 'reader'),
      ]);
      for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
      const toMember = uniqueText('k-rooms dm owner-member');
      const toReader = uniqueText('k-rooms dm owner-reader');
      await send(ctx, owner, { directMessageGroupId: world.dmGroups.ownerMember }, toMember);
      await send(ctx, owner, { directMessageGroupId: world.dmGroups.ownerReader }, toReader);
      await expectMessage(ctx, [owner, member], toMember, { dm: true });
      await expectMessage(ctx, [owner, reader], toReader, { dm: true });
      await ctx.barrier([member, reader]);
      for (const ev of ['newMessage', 'newDirectMessage']) {
        ctx.assertNone([reader], ev, 'a DM of the owner-member group reached the reader, who is not in it', (p) => JSON.stringify(p).includes(toMember));
        ctx.assertNone([member], ev, 'a DM of the owner-reader group reached the member, who is not in it', (p) => JSON.stringify(p).includes(toReader));
      }
    },
  }),

  rooms('join-room-public', 'joinRoom(channelId) joins one channel: a socket that joined only general gets general and not secret', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
      await joinAll(ctx, owner, world, 'owner');
      expectNotRefused(ctx, await emitUnacked(ctx, member, 'joinRoom', world.channels.general), `joinRoom(general) by ${member.label}`);
      const inGeneral = uniqueText('k-rooms joinRoom general');
      const inSecret = uniqueText('k-rooms joinRoom secret');
      await send(ctx, owner, { channelId: world.channels.general }, inGeneral);
      await send(ctx, owner, { channelId: world.channels.secret }, inSecret);
      await expectMessage(ctx, [member], inGeneral, { what: 'the message of the channel it joined with joinRoom' });
      await expectNoMessage(ctx, [member], inSecret, 'joinRoom(general) also joined another channel');
    },
  }),

  rooms('join-room-private-denied', 'joinRoom of a private channel without membership: PERMISSION_DENIED, and its messages do not reach the reader', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member, reader] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'member'),
        connectRole(k, world, 'reader', ctx.otherInstance),
      ]);
      await joinAll(ctx, owner, world, 'owner');
      await joinAll(ctx, member, world, 'member');
      expectRefused(ctx, await ctx.act(reader, 'joinRoom', world.channels.secret), 'PERMISSION_DENIED', 'joinRoom', 'joinRoom(secret) by the reader');
      const text = uniqueText('k-rooms after denied join');
      await send(ctx, owner, { channelId: world.channels.secret }, text);
      await expectMessage(ctx, [owner, member], text);
      await expectNoMessage(ctx, [reader], text, 'the reader receives the private channel after a refused joinRoom');
    },
  }),

  rooms('join-room-private-member', 'joinRoom of a private channel with membership is allowed: the member gets its messages', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
      await joinAll(ctx, owner, world, 'owner');
      expectNotRefused(ctx, await emitUnacked(ctx, member, 'joinRoom', world.channels.secret), `joinRoom(secret) by ${member.label}`);
      const text = uniqueText('k-rooms joinRoom secret member');
      await send(ctx, owner, { channelId: world.channels.secret }, text);
      await expectMessage(ctx, [member], text);
    },
  }),

  rooms('leave-room', 'leaveRoom(channelId) stops that channel only: general no longer arrives, secret still does', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member, reader] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'member', ctx.otherInstance),
        connectRole(k, world, 'reader'),
      ]);
      for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
      expectNotRefused(ctx, await emitUnacked(ctx, member, 'leaveRoom', world.channels.general), `leaveRoom(general) by ${member.label}`);
      const inGeneral = uniqueText('k-rooms left general');
      const inSecret = uniqueText('k-rooms still secret');
      await send(ctx, owner, { channelId: world.channels.general }, inGeneral);
      await send(ctx, owner, { channelId: world.channels.secret }, inSecret);
      await expectMessage(ctx, [owner, reader], inGeneral);
      await expectMessage(ctx, [member], inSecret, { what: 'a message of the channel it did not leave' });
      await expectNoMessage(ctx, [member], inGeneral, 'a socket that left general still receives its messages');
    },
  }),
];
