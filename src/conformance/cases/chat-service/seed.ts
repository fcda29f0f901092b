import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/chat-service/schemas.js';
import { MALFORMED_TOKEN } from '../../../auth/tokens.js';
import { seedCase, type CaseDef } from '../../types.js';
import { aboutConversation, aboutUser, expectDelivered, hasContent, hasMessageId, isMessage, sendMessage, uniqueText } from './actions.js';
import { expectHandshakeRejected } from './handshake.js';
import { checkSync, sentWithinWindow } from './sync.js';
import { readRedisSet } from '../../../client/redis-inspect.js';
import { createConversation, restCall } from './harness.js';

const seed = seedCase;

export const seedCases: CaseDef[] = [
  seed(1, 'connect-valid-token', 'Connection with a valid token', {
    subject: ['connect'],
    async run(ctx) {
      const [a] = await ctx.users(1);
      const probe = await ctx.connect(a);
      const connected = ctx.conforms(s.connected, probe.received('connected')[0].payload, 'the connected event');
      ctx.check(connected.userId === a.id, 'connected carries another userId', { expected: a.id, received: connected.userId });
      ctx.check(connected.socketId === probe.id, 'connected.socketId is not the socket id', { expected: String(probe.id), received: connected.socketId });
      await ctx.barrier([probe]);
      ctx.check(probe.received('error').length === 0, 'an error event arrived after a valid connection', { expected: 'no error event', received: summarize(probe.received('error')[0]?.payload) });
      ctx.check(probe.connected, 'the socket did not remain connected', { expected: 'connected', received: 'disconnected' });
    },
  }),

  seed(2, 'invalid-token', 'Connection with an invalid (expired or malformed) token', {
    async run(ctx) {
      const [a] = await ctx.users(1);
      await expectHandshakeRejected(ctx, { via: 'auth', token: MALFORMED_TOKEN, what: 'a malformed token' }, 'X1');
      if (ctx.env.tokens.expired) {
        await expectHandshakeRejected(ctx, { via: 'auth', token: await ctx.env.tokens.expired(a.id), what: 'an expired token' }, 'X2');
      } else ctx.note('expired token not tried: only auth.mint can make one');
    },
  }),

  seed(3, 'no-token', 'Connection without a token', {
    async run(ctx) {
      await expectHandshakeRejected(ctx, { via: 'none', what: 'no token' });
    },
  }),

  seed(4, 'send-message', 'Send a message: ack, echo to the sender, delivery to the other participants', {
    subject: ['send', 'deliver'],
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b)]);
      const content = uniqueText('t4');
      const metadata = { clientRef: content };
      const { message, id } = await sendMessage(ctx, pa, conv, content, { metadata });
      ctx.check(message.content === content && message.conversationId === conv, 'the ack carries another message', { expected: `content "${content}" in ${conv}`, received: summarize(message) });
      ctx.check(s.senderId(message) === a.id, 'the acknowledged message names another sender', { expected: a.id, received: String(s.senderId(message)) });
      ctx.check(JSON.stringify(message.metadata) === JSON.stringify(metadata), 'metadata is not echoed in the ack', { expected: summarize(metadata), received: summarize(message.metadata) });
      const [ownCopy, theirs] = await expectDelivered(ctx, [pa, pb], content);
      for (const got of [ownCopy, theirs]) {
        ctx.check(s.messageId(got.payload) === id, 'message:new carries another id than the ack', { expected: id, received: summarize(got.payload) });
        ctx.check(JSON.stringify((got.payload as { metadata?: unknown }).metadata) === JSON.stringify(metadata), 'message:new lacks the metadata', { expected: summarize(metadata), received: summarize(got.payload) });
      }
    },
  }),

  seed(5, 'send-unauthorized', 'Send a message to a conversation the user is not in', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b, o] = await ctx.users(3);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb, po] = await Promise.all([ctx.connect(a), ctx.connect(b), ctx.connect(o)]);
      const content = uniqueText('t5');
      await ctx.expectRejectedAction(po, 'message:send', { conversationId: conv, content }, 'FORBIDDEN', 'message:send by a non-participant');
      await ctx.expectNothing([pa, pb, po], 'message:new', 'a rejected message was broadcast', hasContent(content));
    },
  }),

  seed(6, 'rest-send-received', 'A message sent through REST reaches the WebSocket', {
    subject: ['deliver'],
    needs: ['rest.createConversation', 'rest.sendMessage'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b, { instance: ctx.otherInstance })]);
      const content = uniqueText('t6');
      await restCall(ctx, 'sendMessage', a, { conversationId: conv, content });
      await expectDelivered(ctx, [pa, pb], content, 'message:new for the REST message');
    },
  }),

  seed(7, 'multi-device', 'Multi-device: both connections of a user receive; Redis holds both socket ids', {
    subject: ['connect', 'deliver'],
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [a1, a2] = await Promise.all([ctx.connect(a, { device: 1 }), ctx.connect(a, { device: 2, instance: ctx.otherInstance })]);
      const content = uniqueText('t7');
      await sendMessage(ctx, a1, conv, content);
      await expectDelivered(ctx, [a1, a2], content);
      const redis = ctx.config.capabilities.redis;
      if (!redis) {
        ctx.note('Redis part skipped: the target declares no capabilities.redis (url and key patterns)');
        return;
      }
      const key = redis.keys.connections.replaceAll('{userId}', a.id);
      const members = await readRedisSet(redis.url, key);
      for (const probe of [a1, a2]) {
        ctx.check(members.includes(probe.id!), `Redis ${key} does not hold ${probe.label}'s socket id`, { expected: `${a1.id} and ${a2.id}`, received: JSON.stringify(members) });
      }
    },
  }),

  seed(8, 'edit-message', 'Edit a message: ack with the update, message:updated to every participant', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b)]);
      const { id } = await sendMessage(ctx, pa, conv, uniqueText('t8'));
      const edited = uniqueText('t8 edited');
      const ack = await ctx.succeed(pa, 'message:edit', { messageId: id, content: edited }, s.editAck);
      ctx.check(ack.message.content === edited, 'the edit ack does not carry the new content', { expected: edited, received: summarize(ack.message) });
      const updates = await Promise.all([pa, pb].map((p) => ctx.waitFor(p, 'message:updated', 'message:updated', hasMessageId(id))));
      for (const u of updates) {
        ctx.check((u.payload as { content?: unknown }).content === edited, 'message:updated carries other content', { expected: edited, received: summarize(u.payload) });
      }
    },
  }),

  seed(9, 'edit-others-message', "Edit another user's message", {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b)]);
      const { id } = await sendMessage(ctx, pa, conv, uniqueText('t9'));
      await ctx.expectRejectedAction(pb, 'message:edit', { messageId: id, content: uniqueText('hijack') }, 'FORBIDDEN', "message:edit of another user's message");
      await ctx.expectNothing([pa, pb], 'message:updated', 'a rejected edit was broadcast', hasMessageId(id));
    },
  }),

  seed(10, 'delete-message', 'Delete a message: ack, message:deleted to every participant', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b)]);
      const { id } = await sendMessage(ctx, pa, conv, uniqueText('t10'));
      await ctx.succeed(pa, 'message:delete', { messageId: id }, s.deleteAck);
      const deletions = await Promise.all([pa, pb].map((p) => ctx.waitFor(p, 'message:deleted', 'message:deleted', hasMessageId(id))));
      for (const d of deletions) {
        ctx.check((d.payload as { conversationId?: unknown }).conversationId === conv, 'message:deleted names another conversation', { expected: conv, received: summarize(d.payload) });
      }
    },
  }),

  seed(11, 'user-online', "User A receives user:online when B connects", {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const pa = await ctx.connect(a);
      await ctx.connect(b);
      const online = await ctx.waitFor(pa, 'user:online', `user:online for ${b.label}`, aboutUser(b.id));
      ctx.check((online.payload as { conversationId?: unknown }).conversationId === conv, 'user:online names another conversation', { expected: conv, received: summarize(online.payload) });
    },
  }),

  seed(12, 'user-offline', 'User A receives user:offline when B disconnects', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b)]);
      await pb.disconnect();
      const offline = await ctx.waitFor(pa, 'user:offline', `user:offline for ${b.label}`, aboutUser(b.id));
      ctx.check((offline.payload as { conversationId?: unknown }).conversationId === conv, 'user:offline names another conversation', { expected: conv, received: summarize(offline.payload) });
    },
  }),

  seed(13, 'conversation-new', 'A conversation created through REST notifies and auto-joins the participant', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const pa = await ctx.connect(a, { instance: ctx.otherInstance });
      const conv = await createConversation(ctx, b, [a]);
      await ctx.waitFor(pa, 'conversation:new', 'conversation:new for the new conversation', aboutConversation(conv));
      const pb = await ctx.connect(b);
      const content = uniqueText('t13');
      await sendMessage(ctx, pb, conv, content);
      await expectDelivered(ctx, [pa], content, 'message:new in the new conversation (proof of the auto-join)');
    },
  }),

  seed(14, 'participant-added', 'A participant added through REST: participant:added, conversation:joined, room joined', {
    needs: ['rest.createConversation', 'rest.addParticipant'],
    async run(ctx) {
      const [a, b, c] = await ctx.users(3);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb, pc] = await Promise.all([ctx.connect(a), ctx.connect(b), ctx.connect(c, { instance: ctx.otherInstance })]);
      await restCall(ctx, 'addParticipant', a, { conversationId: conv, userId: c.id });
      await Promise.all([pa, pb].map((p) => ctx.waitFor(p, 'participant:added', `participant:added for ${c.label}`, (x) => aboutUser(c.id)(x) && aboutConversation(conv)(x))));
      await ctx.waitFor(pc, 'conversation:joined', 'conversation:joined', aboutConversation(conv));
      const content = uniqueText('t14');
      await sendMessage(ctx, pb, conv, content);
      await expectDelivered(ctx, [pc], content, 'message:new after being added (proof of the room join)');
    },
  }),

  seed(15, 'participant-removed', 'A participant removed through REST: participant:removed, conversation:removed, room left', {
    needs: ['rest.createConversation', 'rest.removeParticipant'],
    async run(ctx) {
      const [a, b, c] = await ctx.users(3);
      const conv = await createConversation(ctx, a, [b, c]);
      const [pa, pb, pc] = await Promise.all([ctx.connect(a), ctx.connect(b), ctx.connect(c, { instance: ctx.otherInstance })]);
      await restCall(ctx, 'removeParticipant', a, { conversationId: conv, userId: c.id });
      await Promise.all([pa, pb].map((p) => ctx.waitFor(p, 'participant:removed', `participant:removed for ${c.label}`, (x) => aboutUser(c.id)(x) && aboutConversation(conv)(x))));
      await ctx.waitFor(pc, 'conversation:removed', 'conversation:removed', aboutConversation(conv));
      const content = uniqueText('t15');
      await sendMessage(ctx, pb, conv, content);
      await expectDelivered(ctx, [pa], content);
      await ctx.expectNothing([pc], 'message:new', 'the removed participant still receives the conversation', hasContent(content));
    },
  }),

  seed(16, 'sync-after-reconnect', 'messages:sync after a reconnect returns every missed message', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b)]);
      const first = await sendMessage(ctx, pa, conv, uniqueText('t16 seen'));
      await ctx.waitFor(pb, 'message:new', 'the last message before going away', isMessage(first.id));
      await pb.disconnect();
      const missed = [];
      for (const tag of ['missed 1', 'missed 2', 'missed 3']) missed.push((await sendMessage(ctx, pa, conv, uniqueText(`t16 ${tag}`))).id);
      const back = await ctx.connect(b, { device: 2, instance: ctx.otherInstance });
      await checkSync(ctx, back, conv, first.id, missed);
    },
  }),

  seed(17, 'ping-pong', 'ping answers pong with a timestamp', {
    async run(ctx) {
      const [a] = await ctx.users(1);
      const pa = await ctx.connect(a);
      const started = performance.now();
      const outcome = await ctx.act(pa, 'ping', {});
      const pong = pa.received('pong')[0] ?? (await pa.waitFor('pong', 200).catch(() => undefined));
      const rtt = Math.round(performance.now() - started);
      const ackTs = outcome.kind === 'ack' ? (outcome.value as { timestamp?: unknown } | null)?.timestamp : undefined;
      const pongTs = (pong?.payload as { timestamp?: unknown } | undefined)?.timestamp;
      if (typeof ackTs === 'number' || typeof pongTs === 'number') {
        ctx.note(`round trip ${rtt} ms`);
        return;
      }
      ctx.check(pong || outcome.kind === 'ack', 'ping got no answer', { expected: "an ack { event: 'pong', timestamp } or a pong event", received: outcome.kind === 'timeout' ? 'nothing' : summarize(outcome) });
      ctx.nonStrict('pong carries no numeric timestamp (spec/README open point 2: NestJS drops it when returning {event, timestamp})');
    },
  }),

  seed(18, 'multi-instance-broadcast', 'Multi-instance: a message sent on instance 1 reaches a user on instance 2', {
    subject: ['send', 'deliver'],
    needs: ['rest.createConversation', 'multiInstance'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a, { instance: 0 }), ctx.connect(b, { instance: 1 })]);
      const content = uniqueText('t18');
      await sendMessage(ctx, pa, conv, content);
      await expectDelivered(ctx, [pb], content, 'message:new across instances');
    },
  }),

  seed(19, 'validation-empty-content', 'An empty message is rejected with VALIDATION_ERROR and not created', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b)]);
      const baseline = await sendMessage(ctx, pa, conv, uniqueText('t19 baseline'));
      await ctx.expectRejectedAction(pa, 'message:send', { conversationId: conv, content: '' }, 'VALIDATION_ERROR', 'message:send with empty content');
      await ctx.expectNothing([pa, pb], 'message:new', 'an empty message was broadcast', hasContent(''));
      await checkSync(ctx, pa, conv, baseline.id, []);
    },
  }),

  seed(20, 'rate-limit', 'Rate limiting: over the declared limit, RATE_LIMITED until the window passes', {
    needs: ['rest.createConversation', 'rateLimit'],
    async run(ctx) {
      const limit = ctx.config.capabilities.rateLimit!;
      const [a, b] = await ctx.users(2);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b)]);
      const tag = uniqueText('t20');
      const burst = await sentWithinWindow(ctx, limit.windowMs, async () => {
        for (let i = 1; i <= limit.max; i++) await sendMessage(ctx, pa, conv, `${tag} #${i}`);
        return ctx.act(pa, limit.event, { conversationId: conv, content: `${tag} over` });
      });
      ctx.expectRejected(burst, 'RATE_LIMITED', `message ${limit.max + 1} within ${limit.windowMs} ms`);
      await ctx.expectNothing([pa, pb], 'message:new', 'the rate-limited message was broadcast', hasContent(`${tag} over`));
      await new Promise((r) => setTimeout(r, limit.windowMs + 50));
      await sendMessage(ctx, pa, conv, `${tag} after cooldown`);
    },
  }),
];
