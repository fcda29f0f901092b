import { randomBytes } from 'node:crypto';
import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/kraken/schemas.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { connectRole, expectMessage, joinAll, scene, send, uniqueText } from './actions.js';
import { hasKrakenRest } from './harness.js';

const mentions = suiteCase('kraken-mentions');

/** A newMention / notification about this case's message: its payload carries the unique text or the message id. */
const concerns = (needle: string) => (p: unknown) => JSON.stringify(p ?? null).includes(needle);

/**
 * The personal room (the user's id) and the alias group rooms joinAll joins (events.md "Automatic Room
 * Joining", items 1 and 5) carry what no channel does: NEW_MENTION and NOTIFICATION (module.md
 * ServerEvents, NotificationService pattern). Their payloads are not documented; the cases only require
 * that they reach the right users and carry the message.
 */
export const krakenMentionCases: CaseDef[] = [
  mentions('user-mention-personal-room', "A user mention reaches the mentioned user's personal room as newMention, not the rest of the channel", {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member, reader] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'member', ctx.otherInstance),
        connectRole(k, world, 'reader', ctx.otherInstance),
      ]);
      for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
      const text = uniqueText('k-mention user');
      await send(ctx, owner, { channelId: world.channels.general }, text, { spans: [s.textSpan(text), s.mentionSpan(world.users.member)] });
      await expectMessage(ctx, [owner, member, reader], text);
      await ctx.waitFor(member, 'newMention', 'newMention for its mention', concerns(text));
      await ctx.expectNothing([reader, owner], 'newMention', "a user mention reached users other than the mentioned one (the channel room instead of the personal room)", concerns(text));
    },
  }),

  mentions('alias-mention-alias-room', 'An alias mention reaches the alias group room (its members) as newMention, not the rest of the channel', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member, reader] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'member', ctx.otherInstance),
        connectRole(k, world, 'reader', ctx.otherInstance),
      ]);
      for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
      const text = uniqueText('k-mention alias');
      const aliasSpan = { type: 'ALIAS_MENTION', text: null, userId: null, channelId: null, communityId: null, aliasId: world.aliasGroups.team, specialKind: null };
      await send(ctx, owner, { channelId: world.channels.general }, text, { spans: [s.textSpan(text), aliasSpan] });
      await expectMessage(ctx, [owner, member, reader], text);
      await ctx.waitFor(member, 'newMention', 'newMention for the alias group it is in', concerns(text));
      await ctx.expectNothing([reader], 'newMention', 'an alias mention reached a user outside the alias group', concerns(text));
    },
  }),

  mentions('notification-personal-room', "A notification (REST notify) reaches the user's personal room, joined by joinAll, and no one else", {
    async run(ctx) {
      if (!hasKrakenRest(ctx, 'notify')) ctx.skip('skipped: the target config declares no kraken.rest.notify');
      const { k, world } = await scene(ctx);
      const [member, reader] = await Promise.all([connectRole(k, world, 'member', ctx.otherInstance), connectRole(k, world, 'reader')]);
      await joinAll(ctx, member, world, 'member');
      await joinAll(ctx, reader, world, 'reader');
      const tag = `gatecheck-${randomBytes(4).toString('hex')}`;
      const answer = await k.restKraken('notify', world.users.owner, { userId: world.users.member, type: 'SYSTEM', data: { tag } });
      // The config decides the body: the notification is this case's if it names the tag, its id, or the member (a fresh id).
      const id = (answer.body as { id?: unknown } | null)?.id;
      const ours = (p: unknown) => concerns(tag)(p) || (typeof id === 'string' && concerns(id)(p)) || concerns(world.users.member)(p);
      const got = await ctx.waitFor(member, 'notification', 'its notification', ours);
      ctx.check((got.payload as { userId?: unknown }).userId === undefined || (got.payload as { userId?: unknown }).userId === world.users.member, 'the notification names another user', {
        expected: world.users.member,
        received: summarize(got.payload),
      });
      await ctx.expectNothing([reader], 'notification', "a user's notification reached another user", ours);
    },
  }),
];
