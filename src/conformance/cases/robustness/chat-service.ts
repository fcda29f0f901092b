import type { CaseContext } from '../../context.js';
import { aboutConversation } from '../chat-service/actions.js';
import { expectHandshakeRejected } from '../chat-service/handshake.js';
import { createConversation, restCall } from '../chat-service/harness.js';
import { ownField, type CanaryPair, type Offender, type RemovalScene, type RobustnessTarget } from './target.js';

/** Canaries and offenders of the chat-service protocol: users in a conversation of their own (REST createConversation). */
export const chatServiceRobustness: RobustnessTarget = {
  async canaryPair(ctx: CaseContext, instance: number): Promise<CanaryPair> {
    const [a, b] = await ctx.users(2);
    const conversationId = await createConversation(ctx, a, [b]);
    const [sender, receiver] = await Promise.all([ctx.connect(a, { instance }), ctx.connect(b, { instance })]);
    return {
      sender,
      receiver,
      event: 'message:new',
      send: (text) => sender.send('message:send', { conversationId, content: text }),
      carries: (p, text) => (p as { content?: unknown } | null)?.content === text,
    };
  },

  async offender(ctx: CaseContext): Promise<Offender> {
    const [off, peer] = await ctx.users(2);
    const conversationId = await createConversation(ctx, off, [peer]);
    return {
      token: await ctx.env.tokens.valid(off.id),
      sendEvent: ctx.env.dialect.eventName('message:send'),
      roomField: 'conversationId',
      message: (text, extra = {}) => ({ conversationId, content: text, ...extra }),
      invalidOfSize: (bytes) => ({ conversationId, content: 'x'.repeat(Math.max(0, bytes - 60)) }),
      withField: (text, key, value) => ({ conversationId, content: text, metadata: ownField(key, value) }),
      userId: off.id,
      // The other participant of the offender's conversation hears its user:offline.
      presenceWatcher: async () => ({ probe: await ctx.connect(peer), offlineEvent: 'user:offline' }),
      auth: {
        code: 'UNAUTHORIZED',
        // Step 4.10 authenticates in handleConnection only; the WsAuthGuard of Step 4.6 is on no handler.
        expectHandshakeRefused: (token, what, label) => expectHandshakeRejected(ctx, { via: 'auth', token, what }, label),
      },
    };
  },

  /** Test 15 under traffic: A created a group with B and C; A removes C through REST (rest.removeParticipant). */
  async removal(ctx: CaseContext): Promise<RemovalScene> {
    if (!ctx.env.rest.has('removeParticipant')) ctx.skip('skipped: declare rest.removeParticipant in the target config');
    const [a, b, c] = await ctx.users(3);
    const conversationId = await createConversation(ctx, a, [b, c]);
    const other = ctx.otherInstance;
    const [pa, pb, c1, c2] = await Promise.all([
      ctx.connect(a),
      ctx.connect(b, { instance: other }),
      ctx.connect(c, { device: 1 }),
      ctx.connect(c, { instance: other, device: 2 }),
    ]);
    return {
      stayers: [pa, pb],
      removed: [c1, c2],
      event: 'message:new',
      sendEvent: 'message:send',
      message: (content) => ({ conversationId, content }),
      textOf: (p) => {
        const m = p as { conversationId?: unknown; content?: unknown } | null;
        return m?.conversationId === conversationId && typeof m.content === 'string' ? m.content : undefined;
      },
      remove: async () => void (await restCall(ctx, 'removeParticipant', a, { conversationId, userId: c.id })),
      expectDenied: (outcome, what) => ctx.expectRejected(outcome, 'FORBIDDEN', what),
      notice: { event: 'conversation:removed', where: (p) => aboutConversation(conversationId)(p as { conversationId?: unknown }) },
    };
  },
};
