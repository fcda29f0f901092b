import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/chat-service/schemas.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { aboutConversation, aboutUser, expectDelivered, hasContent, sendMessage, uniqueText } from './actions.js';
import { createConversation, restCall } from './harness.js';

const rooms = suiteCase('rooms', ['deliver']);

export const roomCases: CaseDef[] = [
  rooms('leave-and-rejoin', 'room:leave stops delivery to that socket; room:join ({success, room}) restores it', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b, { instance: ctx.otherInstance })]);

      await ctx.succeed(pb, 'room:leave', { conversationId: conv }, s.roomLeaveAck);
      const whileAway = uniqueText('r-left');
      await sendMessage(ctx, pa, conv, whileAway);
      await expectDelivered(ctx, [pa], whileAway);
      await ctx.expectNothing([pb], 'message:new', 'a socket that left the room still receives its messages', hasContent(whileAway));

      const joined = await ctx.succeed(pb, 'room:join', { conversationId: conv }, s.roomJoinAck);
      if (joined.room !== conv) {
        ctx.check(typeof joined.room === 'string' && joined.room.includes(conv), 'the room:join ack names another room', {
          expected: `room: '${conv}'`,
          received: summarize(joined),
        });
        ctx.nonStrict(`room:join acked room '${joined.room as string}' instead of the conversation id (Step 4.10: { success: true, room: conversationId })`);
      }
      const back = uniqueText('r-rejoined');
      await sendMessage(ctx, pa, conv, back);
      await expectDelivered(ctx, [pa, pb], back, 'message:new after room:join');
    },
  }),

  rooms('auto-join-on-connect', 'On connect the socket joins every conversation of its user (connected.rooms counts them)', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const convs = [await createConversation(ctx, b, [a]), await createConversation(ctx, b, [a])];
      const pa = await ctx.connect(a);
      const connected = ctx.conforms(s.connected, pa.received('connected')[0].payload, 'the connected event');
      const count = typeof connected.rooms === 'number' ? connected.rooms : connected.rooms.length;
      ctx.check(count >= convs.length, 'connected.rooms does not count the conversations the user is in', {
        expected: `at least ${convs.length} rooms (the conversations ${convs.join(', ')})`,
        received: summarize(connected.rooms),
      });
      const pb = await ctx.connect(b, { instance: ctx.otherInstance });
      const contents = convs.map((c, i) => ({ conv: c, content: uniqueText(`r-auto ${i + 1}`) }));
      for (const { conv, content } of contents) await sendMessage(ctx, pb, conv, content);
      for (const { content } of contents) await expectDelivered(ctx, [pa], content, 'message:new in a conversation joined on connect');
    },
  }),

  rooms('rest-leave', "Leaving through REST (Step 4.12 leave()): every socket of the leaver leaves the room and gets conversation:removed; the others get participant:removed", {
    needs: ['rest.createConversation', 'rest.leaveConversation'],
    async run(ctx) {
      const [a, b, c] = await ctx.users(3);
      const conv = await createConversation(ctx, a, [b, c]);
      const [pa, pb, c1, c2] = await Promise.all([
        ctx.connect(a),
        ctx.connect(b, { instance: ctx.otherInstance }),
        ctx.connect(c, { device: 1 }),
        ctx.connect(c, { device: 2, instance: ctx.otherInstance }),
      ]);
      await restCall(ctx, 'leaveConversation', c, { conversationId: conv });
      const aboutLeaver = (x: unknown) => aboutUser(c.id)(x as never) && aboutConversation(conv)(x as never);
      await Promise.all([pa, pb].map((p) => ctx.waitFor(p, 'participant:removed', `participant:removed for ${c.label}, who left`, aboutLeaver)));
      await Promise.all([c1, c2].map((p) => ctx.waitFor(p, 'conversation:removed', 'conversation:removed after leaving', aboutConversation(conv))));
      const content = uniqueText('r-after-leave');
      await sendMessage(ctx, pb, conv, content);
      await expectDelivered(ctx, [pa, pb], content);
      await ctx.expectNothing([c1, c2], 'message:new', 'a socket of the user who left still receives the conversation', hasContent(content));
    },
  }),
];
