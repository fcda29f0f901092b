import type { CaseContext } from '../../context.js';
import { createConversation } from '../chat-service/harness.js';
import { ownField, type CanaryPair, type Offender, type RobustnessTarget } from './target.js';

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
    };
  },
};
