import { randomBytes } from 'node:crypto';
import type { Probe } from '../../../client/probe.js';
import { messageId, sendAck } from '../../../protocol/chat-service/schemas.js';
import type { CaseContext } from '../../context.js';

/** Content no other case can produce, so predicates on it never match another case's traffic. */
export function uniqueText(tag: string): string {
  return `gatecheck ${tag} ${randomBytes(4).toString('hex')}`;
}

export const hasContent = (content: string) => (m: { content?: unknown }) => m?.content === content;
export const hasMessageId = (id: string) => (p: { messageId?: unknown }) => p?.messageId === id;
export const aboutUser = (userId: string) => (p: { userId?: unknown }) => p?.userId === userId;
export const aboutConversation = (conversationId: string) => (p: { conversationId?: unknown; id?: unknown; _id?: unknown }) =>
  p?.conversationId === conversationId || p?.id === conversationId || p?._id === conversationId;

/** A 24-hex id that no server created. */
export function unknownObjectId(): string {
  return randomBytes(12).toString('hex');
}

/** message:send that must succeed; returns the acknowledged message and its id. */
export async function sendMessage(ctx: CaseContext, probe: Probe, conversationId: string, content: string, extra: Record<string, unknown> = {}) {
  const ack = await ctx.step('send', () => ctx.succeed(probe, 'message:send', { conversationId, content, ...extra }, sendAck));
  return { message: ack.message as Record<string, unknown>, id: messageId(ack.message)! };
}

/** Waits until every probe has the message with that content; returns what each received. */
export async function expectDelivered(ctx: CaseContext, probes: Probe[], content: string, what = 'message:new') {
  return ctx.step('deliver', () => Promise.all(probes.map((p) => ctx.waitFor(p, 'message:new', `${what} "${content.slice(0, 40)}"`, hasContent(content)))));
}

/** A message object (message:new, sync entries) with that id, whether it names it `id` or `_id`. */
export const isMessage = (id: string) => (m: unknown) => messageId(m) === id;
