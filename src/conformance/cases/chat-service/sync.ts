import type { Probe } from '../../../client/probe.js';
import { messageId, syncAck } from '../../../protocol/chat-service/schemas.js';
import type { CaseContext } from '../../context.js';

/**
 * messages:sync must return exactly the messages after lastMessageId. Open point 7: ascending order is
 * strict, another order non-strict; a missing or extra message fails.
 */
export async function checkSync(ctx: CaseContext, probe: Probe, conversationId: string, lastMessageId: string, expectedIds: string[]): Promise<void> {
  const ack = await ctx.succeed(probe, 'messages:sync', { conversationId, lastMessageId }, syncAck);
  const ids = ack.messages.map((m) => messageId(m)!);
  const missing = expectedIds.filter((id) => !ids.includes(id));
  const extra = ids.filter((id) => !expectedIds.includes(id));
  ctx.check(missing.length === 0 && extra.length === 0, `messages:sync returned ${missing.length} missing and ${extra.length} extra messages`, {
    expected: `[${expectedIds.join(', ')}]`,
    received: `[${ids.join(', ')}]${missing.length ? ` missing ${missing.join(', ')}` : ''}${extra.length ? ` extra ${extra.join(', ')}` : ''}`,
  });
  if (ids.some((id, i) => id !== expectedIds[i])) {
    ctx.nonStrict(`messages:sync returned the right messages, not in ascending creation order ([${ids.join(', ')}]; spec/README open point 7)`);
  }
}

/** Runs a burst that must fit in the rate-limit window; a slower burst proves nothing (errored, not failed). */
export async function sentWithinWindow<T>(ctx: CaseContext, windowMs: number, burst: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await burst();
  const took = performance.now() - started;
  if (took > windowMs) throw new Error(`the burst took ${Math.round(took)} ms, longer than the declared window of ${windowMs} ms; the limit cannot be judged`);
  ctx.note(`burst sent in ${Math.round(took)} ms`);
  return result;
}
