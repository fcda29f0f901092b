import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/kraken/schemas.js';
import type { CaseContext } from '../../context.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { connectRole, deviation, expectMessage, expectNoMessage, hasMessageId, joinAll, scene, send, uniqueText } from './actions.js';
import { hasKrakenRest } from './harness.js';

const messages = suiteCase('kraken-messages', ['send', 'deliver']);

/** The fields every delivered copy must agree on with what was sent. */
function expectFields(
  ctx: CaseContext,
  got: Array<Record<string, unknown>>,
  want: { id?: string; authorId: string; channelId: string | null; directMessageGroupId: string | null },
  what: string,
): void {
  for (const m of got) {
    ctx.conforms(s.message, m, what);
    ctx.check(m.authorId === want.authorId, `${what}: authorId is not the sender`, { expected: want.authorId, received: summarize(m) });
    ctx.check((m.channelId ?? null) === want.channelId && (m.directMessageGroupId ?? null) === want.directMessageGroupId, `${what}: the message names another place`, {
      expected: `channelId ${want.channelId}, directMessageGroupId ${want.directMessageGroupId}`,
      received: summarize(m),
    });
    if (want.id) ctx.check(m.id === want.id, `${what}: the message id is not the one the sender's ack returned`, { expected: want.id, received: summarize(m.id) });
  }
  const ids = new Set(got.map((m) => m.id));
  ctx.check(ids.size === 1, `${what}: the recipients got different message ids`, { expected: 'one id', received: [...ids].join(', ') });
}

export const krakenMessageCases: CaseDef[] = [
  messages('channel-members-only', 'sendMessage to a private channel reaches its members (the sender included) and no one else; Message shape; ack = id', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member, reader, outsider] = await Promise.all([
        connectRole(k, world, 'owner', ctx.otherInstance),
        connectRole(k, world, 'member'),
        connectRole(k, world, 'reader', ctx.otherInstance),
        connectRole(k, world, 'outsider'),
      ]);
      for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
      const text = uniqueText('k-msg channel');
      const sent = await send(ctx, member, { channelId: world.channels.secret }, text);
      const got = await expectMessage(ctx, [owner, member], text);
      expectFields(ctx, got, { id: sent.id, authorId: world.users.member, channelId: world.channels.secret, directMessageGroupId: null }, 'newMessage');
      ctx.check(s.textOf(got[0]) === text, 'the spans were not echoed', { expected: text, received: summarize(got[0].spans) });
      await expectNoMessage(ctx, [reader, outsider], text, 'a message of a private channel reached a user who is not in it');
    },
  }),

  messages('dm-members-only', 'sendDirectMessage reaches the DM group\'s members and no one else (newMessage or newDirectMessage with directMessageGroupId)', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member, reader, outsider] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'member', ctx.otherInstance),
        connectRole(k, world, 'reader', ctx.otherInstance),
        connectRole(k, world, 'outsider'),
      ]);
      for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
      const text = uniqueText('k-msg dm');
      const sent = await send(ctx, member, { directMessageGroupId: world.dmGroups.ownerMember }, text);
      const got = await expectMessage(ctx, [owner, member], text, { dm: true });
      expectFields(ctx, got, { id: sent.id, authorId: world.users.member, channelId: null, directMessageGroupId: world.dmGroups.ownerMember }, 'the DM');
      await ctx.barrier([reader, outsider]);
      for (const ev of ['newMessage', 'newDirectMessage']) {
        ctx.assertNone([reader, outsider], ev, 'a DM reached a user who is not in the DM group', (p) => JSON.stringify(p).includes(text));
      }
    },
  }),

  messages('author-from-token', 'The author is the authenticated user, whatever authorId the payload claims (the frontend sends one)', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
      await joinAll(ctx, owner, world, 'owner');
      await joinAll(ctx, member, world, 'member');
      const text = uniqueText('k-msg spoof');
      await send(ctx, member, { channelId: world.channels.general }, text, { authorId: world.users.owner, sentAt: '2001-01-01T00:00:00.000Z' });
      const got = await expectMessage(ctx, [owner, member], text);
      for (const m of got) {
        ctx.check(m.authorId === world.users.member, 'the message carries the authorId the client claimed, not the authenticated user', {
          expected: `authorId ${world.users.member} (the socket's user)`,
          received: summarize(m),
        });
      }
    },
  }),

  messages('rich-payload-echo', 'spans (text and mention) and attachments are delivered as sent', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
      await joinAll(ctx, owner, world, 'owner');
      await joinAll(ctx, member, world, 'member');
      const text = uniqueText('k-msg rich');
      const attachment = { url: `https://files.example/${text.slice(-8)}.png`, filename: 'gatecheck.png', filetype: 'image/png', size: 1234 };
      await send(ctx, member, { channelId: world.channels.general }, text, { attachments: [attachment] });
      const [m] = await expectMessage(ctx, [owner], text);
      const att = (m.attachments as unknown[])[0] as Record<string, unknown> | undefined;
      ctx.check(
        (m.attachments as unknown[]).length === 1 && att?.url === attachment.url && att?.filename === attachment.filename && att?.filetype === attachment.filetype && att?.size === attachment.size,
        'the attachment was not delivered as sent',
        { expected: summarize([attachment]), received: summarize(m.attachments) },
      );
      ctx.check(
        Array.isArray(m.spans) && (m.spans as Array<{ type?: unknown }>).length === 1 && (m.spans as Array<{ type?: unknown }>)[0].type === 'TEXT',
        'the spans were not delivered as sent',
        { expected: summarize([s.textSpan(text)]), received: summarize(m.spans) },
      );
      ctx.check(!m.editedAt && !m.deletedAt, 'a new message is marked edited or deleted', { expected: 'editedAt and deletedAt null', received: summarize(m) });
    },
  }),
];

/** A message the member posts in `secret`, seen by owner and member; the reader and an outsider watch. */
async function postedInSecret(ctx: CaseContext, tag: string) {
  const { k, world } = await scene(ctx);
  const [owner, member, reader, outsider] = await Promise.all([
    connectRole(k, world, 'owner', ctx.otherInstance),
    connectRole(k, world, 'member'),
    connectRole(k, world, 'reader', ctx.otherInstance),
    connectRole(k, world, 'outsider'),
  ]);
  for (const [p, role] of [[owner, 'owner'], [member, 'member'], [reader, 'reader']] as const) await joinAll(ctx, p, world, role);
  const text = uniqueText(tag);
  await send(ctx, member, { channelId: world.channels.secret }, text);
  const [m] = await expectMessage(ctx, [owner, member], text);
  return { k, world, owner, member, reader, outsider, id: String(m.id) };
}

export const krakenMessageRestCases: CaseDef[] = [
  messages('update-broadcast', 'An edit (REST editMessage) reaches the channel as updateMessage {message} with the new spans and editedAt, and no one else', {
    async run(ctx) {
      if (!hasKrakenRest(ctx, 'editMessage')) ctx.skip('skipped: the target config declares no kraken.rest.editMessage');
      const { k, world, owner, member, reader, outsider, id } = await postedInSecret(ctx, 'k-msg before edit');
      const edited = uniqueText('k-msg edited');
      await k.restKraken('editMessage', world.users.member, { messageId: id, spans: [s.textSpan(edited)], text: edited });
      const got = await Promise.all([owner, member].map((p) => ctx.waitFor(p, 'updateMessage', `updateMessage for ${id}`, hasMessageId(id))));
      for (const e of got) {
        const m = s.messageOf(e.payload)!;
        ctx.conforms(s.message, m, 'the updated message');
        if (s.isBareMessage(e.payload)) deviation(ctx, 'updateMessage carried the bare message instead of { message }');
        ctx.check(s.textOf(m) === edited && Boolean(m.editedAt), 'updateMessage does not carry the edit', { expected: `spans "${edited}", editedAt set`, received: summarize(m) });
      }
      await ctx.expectNothing([reader, outsider], 'updateMessage', 'updateMessage reached a user who cannot read the channel', hasMessageId(id));
    },
  }),

  messages('delete-broadcast', 'A delete (REST deleteMessage) reaches the channel as deleteMessage {messageId, channelId}, and no one else', {
    async run(ctx) {
      if (!hasKrakenRest(ctx, 'deleteMessage')) ctx.skip('skipped: the target config declares no kraken.rest.deleteMessage');
      const { k, world, owner, member, reader, outsider, id } = await postedInSecret(ctx, 'k-msg before delete');
      await k.restKraken('deleteMessage', world.users.member, { messageId: id });
      const got = await Promise.all([owner, member].map((p) => ctx.waitFor(p, 'deleteMessage', `deleteMessage for ${id}`, hasMessageId(id))));
      for (const e of got) {
        const p = ctx.conforms(s.deleteMessage, e.payload, 'deleteMessage');
        ctx.check((p.channelId ?? world.channels.secret) === world.channels.secret && !p.directMessageGroupId, 'deleteMessage names another place', {
          expected: `channelId ${world.channels.secret}`,
          received: summarize(p),
        });
      }
      await ctx.expectNothing([reader, outsider], 'deleteMessage', 'deleteMessage reached a user who cannot read the channel', hasMessageId(id));
    },
  }),
];
