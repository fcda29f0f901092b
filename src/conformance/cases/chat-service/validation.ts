import type { Probe } from '../../../client/probe.js';
import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/chat-service/schemas.js';
import type { CaseContext } from '../../context.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { aboutConversation, expectDelivered, hasContent, hasMessageId, sendMessage, uniqueText } from './actions.js';
import { checkSync } from './sync.js';
import { createConversation } from './harness.js';

const validation = suiteCase('validation');

/** Step 4.9: MaxLength(5000) on content, ArrayMaxSize(10) on attachments. */
const MAX_CONTENT = 5000;
const MAX_ATTACHMENTS = 10;

/** Unique text padded to exactly `length` characters. */
function textOfLength(tag: string, length: number): string {
  const head = `${uniqueText(tag)} `;
  return head.length >= length ? head.slice(0, length) : head + 'x'.repeat(length - head.length);
}

function attachments(n: number) {
  return Array.from({ length: n }, (_, i) => ({ externalFileId: `gatecheck-file-${i + 1}`, label: `file ${i + 1}` }));
}

/** A conversation of A and B (B on the other instance), and a baseline message both have seen. */
async function scene(ctx: CaseContext, tag: string) {
  const [a, b] = await ctx.users(2);
  const conv = await createConversation(ctx, a, [b]);
  const [pa, pb] = await Promise.all([ctx.connect(a), ctx.connect(b, { instance: ctx.otherInstance })]);
  const content = uniqueText(`${tag} baseline`);
  const baseline = await sendMessage(ctx, pa, conv, content);
  await expectDelivered(ctx, [pa, pb], content);
  return { conv, pa, pb, baselineId: baseline.id };
}

/** A message:new this case could have caused: in its conversation (other than the baseline) or with its content. */
function createdBy(conv: string, baselineId: string, payload: unknown) {
  const content = typeof payload === 'string' ? payload : (payload as { content?: unknown } | null)?.content;
  return (m: { conversationId?: unknown; content?: unknown }) =>
    s.messageId(m) !== baselineId && (m?.conversationId === conv || (typeof content === 'string' && m?.content === content));
}

/** message:send with this payload: VALIDATION_ERROR, nothing broadcast, nothing after the baseline in sync. */
async function expectSendInvalid(ctx: CaseContext, tag: string, makePayload: (conv: string) => unknown, what: string): Promise<void> {
  const { conv, pa, pb, baselineId } = await scene(ctx, tag);
  const payload = makePayload(conv);
  await ctx.expectRejectedAction(pa, 'message:send', payload, 'VALIDATION_ERROR', `message:send with ${what}`);
  await ctx.expectNothing([pa, pb], 'message:new', `a message with ${what} was broadcast`, createdBy(conv, baselineId, payload));
  await checkSync(ctx, pa, conv, baselineId, []);
}

/** message:send that must be accepted at the boundary: ack, delivered to both, and in the sync. */
async function expectSendAccepted(ctx: CaseContext, probes: { pa: Probe; pb: Probe }, conv: string, baselineId: string, payload: Record<string, unknown>) {
  const content = payload.content as string;
  const { message, id } = await sendMessage(ctx, probes.pa, conv, content, payload);
  ctx.check(message.content === content, 'the ack carries other content', { expected: `${content.length} characters "${content.slice(0, 40)}…"`, received: summarize(message.content) });
  await expectDelivered(ctx, [probes.pa, probes.pb], content);
  await checkSync(ctx, probes.pa, conv, baselineId, [id]);
  return message;
}

export const validationCases: CaseDef[] = [
  validation('content-too-long', `content of ${MAX_CONTENT + 1} characters: VALIDATION_ERROR, not created`, {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const content = textOfLength('v-long', MAX_CONTENT + 1);
      await expectSendInvalid(ctx, 'v-long', (conversationId) => ({ conversationId, content }), `${MAX_CONTENT + 1} characters of content`);
    },
  }),

  validation('too-many-attachments', `${MAX_ATTACHMENTS + 1} attachments: VALIDATION_ERROR, not created`, {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const content = uniqueText('v-attachments');
      await expectSendInvalid(ctx, 'v-attachments', (conversationId) => ({ conversationId, content, attachments: attachments(MAX_ATTACHMENTS + 1) }), `${MAX_ATTACHMENTS + 1} attachments`);
    },
  }),

  validation('conversation-id-not-objectid', 'a conversationId that is not an ObjectId: VALIDATION_ERROR (not FORBIDDEN or NOT_FOUND)', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const content = uniqueText('v-conv-id');
      await expectSendInvalid(ctx, 'v-conv-id', () => ({ conversationId: 'not-an-object-id', content }), 'a conversationId that is not an ObjectId');
    },
  }),

  validation('missing-content', 'message:send without content: VALIDATION_ERROR, not created', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      await expectSendInvalid(ctx, 'v-no-content', (conversationId) => ({ conversationId }), 'no content');
    },
  }),

  validation('content-not-string', 'message:send with a number as content: VALIDATION_ERROR, not created', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      await expectSendInvalid(ctx, 'v-number-content', (conversationId) => ({ conversationId, content: 12345 }), 'a number as content');
    },
  }),

  validation('payload-not-object', 'message:send with a string as the payload: VALIDATION_ERROR (not INTERNAL_ERROR), not created', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const text = uniqueText('v-string-payload');
      await expectSendInvalid(ctx, 'v-string-payload', () => text, 'a string instead of an object as the payload');
    },
  }),

  validation('edit-message-id-not-objectid', 'message:edit with a messageId that is not an ObjectId: VALIDATION_ERROR, nothing broadcast', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { pa, pb, baselineId } = await scene(ctx, 'v-edit-id');
      const content = uniqueText('v-edit-id edited');
      await ctx.expectRejectedAction(pa, 'message:edit', { messageId: 'not-an-object-id', content }, 'VALIDATION_ERROR', 'message:edit with a messageId that is not an ObjectId');
      await ctx.expectNothing([pa, pb], 'message:updated', 'an edit with an invalid messageId was broadcast', (u) => hasMessageId(baselineId)(u) || hasContent(content)(u));
    },
  }),

  validation('edit-empty-content', 'message:edit with empty content: VALIDATION_ERROR, nothing broadcast, the message unchanged', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, pb, baselineId } = await scene(ctx, 'v-edit-empty');
      const content = uniqueText('v-edit-empty kept');
      const { id } = await sendMessage(ctx, pa, conv, content);
      await ctx.expectRejectedAction(pa, 'message:edit', { messageId: id, content: '' }, 'VALIDATION_ERROR', 'message:edit with empty content');
      await ctx.expectNothing([pa, pb], 'message:updated', 'an edit to empty content was broadcast', hasMessageId(id));
      const ack = await ctx.succeed(pa, 'messages:sync', { conversationId: conv, lastMessageId: baselineId }, s.syncAck);
      const kept = ack.messages.find((m) => s.messageId(m) === id);
      ctx.check(kept?.content === content, 'the message was changed by a rejected edit', { expected: `content "${content}"`, received: summarize(kept ?? ack.messages) });
    },
  }),

  validation('delete-missing-message-id', 'message:delete without messageId: VALIDATION_ERROR, nothing deleted or broadcast', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, pb, baselineId } = await scene(ctx, 'v-delete-id');
      const { id } = await sendMessage(ctx, pa, conv, uniqueText('v-delete-id kept'));
      await ctx.expectRejectedAction(pa, 'message:delete', {}, 'VALIDATION_ERROR', 'message:delete without messageId');
      await ctx.expectNothing([pa, pb], 'message:deleted', 'a delete without messageId was broadcast', aboutConversation(conv));
      await checkSync(ctx, pa, conv, baselineId, [id]);
    },
  }),

  validation('content-at-max-length', `content of exactly ${MAX_CONTENT} characters is accepted`, {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, pb, baselineId } = await scene(ctx, 'v-max-length');
      const content = textOfLength('v-max-length', MAX_CONTENT);
      await expectSendAccepted(ctx, { pa, pb }, conv, baselineId, { content });
    },
  }),

  validation('attachments-at-max', `exactly ${MAX_ATTACHMENTS} attachments are accepted`, {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, pb, baselineId } = await scene(ctx, 'v-max-attachments');
      const sent = attachments(MAX_ATTACHMENTS);
      const message = await expectSendAccepted(ctx, { pa, pb }, conv, baselineId, { content: uniqueText('v-max-attachments'), attachments: sent });
      if (Array.isArray(message.attachments)) {
        ctx.check(message.attachments.length === MAX_ATTACHMENTS, 'the acknowledged message carries another number of attachments', {
          expected: `${MAX_ATTACHMENTS} attachments`,
          received: summarize(message.attachments),
        });
      } else ctx.note('the acknowledged message has no attachments array; the count was not checked');
    },
  }),
];
