import { summarize } from '../../../client/timeline.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { actExpecting, connectRole, fromNow, joinAll, scene } from './actions.js';

const typing = suiteCase('kraken-typing');

/**
 * TYPING_START / TYPING_STOP and USER_TYPING are in module.md's enums without payloads. The cases send
 * `{ channelId }` (as every channel-scoped client event does) and require userTyping to name the typist
 * and the channel; whether it is typing comes from `isTyping` when present.
 */
const typingIn = (channelId: string, userId: string) => (p: { userId?: unknown; channelId?: unknown } | null) => p?.userId === userId && p?.channelId === channelId;

export const krakenTypingCases: CaseDef[] = [
  typing('start-stop', 'typingStart and typingStop reach the others in the channel as userTyping {userId, channelId, isTyping}, not the typist', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member] = await Promise.all([connectRole(k, world, 'owner', ctx.otherInstance), connectRole(k, world, 'member')]);
      for (const [p, role] of [[owner, 'owner'], [member, 'member']] as const) await joinAll(ctx, p, world, role);
      const channel = world.channels.general;
      const about = typingIn(channel, world.users.member);

      const started = fromNow(owner, about);
      const echo = fromNow(member, about);
      const start = await actExpecting(ctx, member, 'typingStart', { channelId: channel }, 'typingStart', () => ctx.waitFor(owner, 'userTyping', 'userTyping for typingStart', started));
      const startTyping = (start.payload as { isTyping?: unknown }).isTyping;
      ctx.check(startTyping === undefined || startTyping === true, 'userTyping for typingStart says the user is not typing', { expected: 'isTyping true', received: summarize(start.payload) });

      const stopped = fromNow(owner, (p) => about(p) && p !== start.payload);
      const stop = await actExpecting(ctx, member, 'typingStop', { channelId: channel }, 'typingStop', () => ctx.waitFor(owner, 'userTyping', 'userTyping for typingStop', stopped));
      ctx.check((stop.payload as { isTyping?: unknown }).isTyping === false, 'userTyping for typingStop does not say the user stopped', {
        expected: 'isTyping false',
        received: summarize(stop.payload),
      });
      await ctx.expectNothing([member], 'userTyping', 'the typist received its own userTyping', echo);
    },
  }),

  typing('channel-scope', 'userTyping stays in its channel: typing in `secret` does not reach the reader', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member, reader] = await Promise.all([
        connectRole(k, world, 'owner', ctx.otherInstance),
        connectRole(k, world, 'member'),
        connectRole(k, world, 'reader', ctx.otherInstance),
      ]);
      for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
      const channel = world.channels.secret;
      const about = typingIn(channel, world.users.member);
      const seen = fromNow(owner, about);
      const leak = fromNow(reader, (p) => (p as { userId?: unknown } | null)?.userId === world.users.member);
      await actExpecting(ctx, member, 'typingStart', { channelId: channel }, 'typingStart in secret', () => ctx.waitFor(owner, 'userTyping', 'userTyping in secret', seen));
      await ctx.expectNothing([reader], 'userTyping', 'userTyping of a private channel reached a user who is not in it', leak);
    },
  }),
];
