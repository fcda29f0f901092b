import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/chat-service/schemas.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { aboutConversation, aboutUser, expectDelivered, hasContent, hasMessageId, sendMessage, uniqueText } from './actions.js';
import { createConversation, restCall } from './harness.js';

const presence = suiteCase('presence');

export const presenceCases: CaseDef[] = [
  presence('offline-after-last-socket', "user:offline only when the user's last socket closes (Step 4.10 handleDisconnect)", {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const pa = await ctx.connect(a);
      const [b1, b2] = await Promise.all([ctx.connect(b, { device: 1 }), ctx.connect(b, { device: 2, instance: ctx.otherInstance })]);
      await b1.disconnect();
      await ctx.expectNothing([pa, b2], 'user:offline', `user:offline for ${b.label} while another of its sockets is still connected`, aboutUser(b.id));
      await b2.disconnect();
      const offline = await ctx.waitFor(pa, 'user:offline', `user:offline for ${b.label} after its last socket closed`, aboutUser(b.id));
      ctx.check((offline.payload as { conversationId?: unknown }).conversationId === conv, 'user:offline names another conversation', {
        expected: conv,
        received: summarize(offline.payload),
      });
    },
  }),

  presence('no-online-echo', 'user:online goes to the other participants, not back to the connecting socket', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      await createConversation(ctx, a, [b]);
      const pa = await ctx.connect(a);
      const pb = await ctx.connect(b);
      await ctx.waitFor(pa, 'user:online', `user:online for ${b.label}`, aboutUser(b.id));
      await ctx.expectNothing([pb], 'user:online', 'the connecting socket received its own user:online', aboutUser(b.id));
    },
  }),

  presence('across-instances', 'user:online and user:offline reach a participant connected to the other instance', {
    needs: ['rest.createConversation', 'multiInstance'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const pa = await ctx.connect(a, { instance: 1 });
      const pb = await ctx.connect(b, { instance: 0 });
      const online = await ctx.waitFor(pa, 'user:online', `user:online for ${b.label} from instance 0`, aboutUser(b.id));
      ctx.check((online.payload as { conversationId?: unknown }).conversationId === conv, 'user:online names another conversation', {
        expected: conv,
        received: summarize(online.payload),
      });
      await pb.disconnect();
      const offline = await ctx.waitFor(pa, 'user:offline', `user:offline for ${b.label} from instance 0`, aboutUser(b.id));
      ctx.check((offline.payload as { conversationId?: unknown }).conversationId === conv, 'user:offline names another conversation', {
        expected: conv,
        received: summarize(offline.payload),
      });
    },
  }),

  presence('removed-participant-hears-nothing', 'A participant removed through REST receives nothing of the conversation afterwards', {
    needs: ['rest.createConversation', 'rest.removeParticipant'],
    async run(ctx) {
      const [a, b, c] = await ctx.users(3);
      const conv = await createConversation(ctx, a, [b, c]);
      const [pa, pc] = await Promise.all([ctx.connect(a), ctx.connect(c, { instance: ctx.otherInstance })]);
      await restCall(ctx, 'removeParticipant', a, { conversationId: conv, userId: c.id });
      await ctx.waitFor(pc, 'conversation:removed', 'conversation:removed', aboutConversation(conv));

      const content = uniqueText('p-removed');
      const { id } = await sendMessage(ctx, pa, conv, content);
      await expectDelivered(ctx, [pa], content);
      await ctx.succeed(pa, 'message:edit', { messageId: id, content: uniqueText('p-removed edited') }, s.editAck);
      await ctx.waitFor(pa, 'message:updated', 'message:updated', hasMessageId(id));
      await ctx.succeed(pa, 'message:delete', { messageId: id }, s.deleteAck);
      await ctx.waitFor(pa, 'message:deleted', 'message:deleted', hasMessageId(id));
      await ctx.connect(b);
      await ctx.waitFor(pa, 'user:online', `user:online for ${b.label}`, aboutUser(b.id));

      await ctx.barrier([pc]);
      ctx.assertNone([pc], 'message:new', 'the removed participant received message:new', hasContent(content));
      ctx.assertNone([pc], 'message:updated', 'the removed participant received message:updated', hasMessageId(id));
      ctx.assertNone([pc], 'message:deleted', 'the removed participant received message:deleted', hasMessageId(id));
      ctx.assertNone([pc], 'user:online', `the removed participant received user:online for ${b.label}`, aboutUser(b.id));
    },
  }),
];
