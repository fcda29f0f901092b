import type { Probe } from '../../../client/probe.js';
import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/chat-service/schemas.js';
import type { CaseContext } from '../../context.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { aboutConversation, expectDelivered, hasContent, hasMessageId, sendMessage, uniqueText } from './actions.js';
import { checkSync } from './sync.js';
import { createConversation } from './harness.js';

const denial = suiteCase('denial');

const MESSAGE_EVENTS = ['message:new', 'message:updated', 'message:deleted'] as const;

/**
 * A conversation of A and B, and an outsider O. Probes in the room on instance 0 (A) and on the other
 * instance (B), B's second device, and O: every one of them is an observer of O's denied actions.
 */
async function outsiderScene(ctx: CaseContext) {
  const [a, b, o] = await ctx.users(3);
  const conv = await createConversation(ctx, a, [b]);
  const [pa, pb, b2, po] = await Promise.all([
    ctx.connect(a),
    ctx.connect(b, { instance: ctx.otherInstance }),
    ctx.connect(b, { device: 2 }),
    ctx.connect(o),
  ]);
  return { a, b, o, conv, pa, pb, b2, po, observers: [pa, pb, b2, po] };
}

/**
 * A conversation of A and B where B (the actor, on the other instance) touches A's message. Observers:
 * A on instance 0, A's second device on the other instance, and B itself.
 */
async function participantScene(ctx: CaseContext) {
  const [a, b] = await ctx.users(2);
  const conv = await createConversation(ctx, a, [b]);
  const [pa, a2, pb] = await Promise.all([
    ctx.connect(a),
    ctx.connect(a, { device: 2, instance: ctx.otherInstance }),
    ctx.connect(b, { instance: ctx.otherInstance }),
  ]);
  return { a, b, conv, pa, a2, pb, observers: [pa, a2, pb] };
}

/** A baseline, then A's message every probe has seen: the target of the denied action. */
async function targetMessage(ctx: CaseContext, author: Probe, observers: Probe[], conv: string, tag: string) {
  const baseline = await sendMessage(ctx, author, conv, uniqueText(`${tag} baseline`));
  const content = uniqueText(`${tag} target`);
  const target = await sendMessage(ctx, author, conv, content);
  await expectDelivered(ctx, observers, content);
  await expectSyncReturns(ctx, author, conv, baseline.id, target.id);
  return { baselineId: baseline.id, id: target.id, content };
}

/**
 * The control for expectIntact: before any rejected action, sync from the baseline returns the target.
 * A sync that misses it already is a sync bug (the case is blocked by it), not the rejected action's doing.
 */
async function expectSyncReturns(ctx: CaseContext, probe: Probe, conv: string, baselineId: string, id: string): Promise<void> {
  await ctx.step('sync', async () => {
    const ack = await ctx.succeed(probe, 'messages:sync', { conversationId: conv, lastMessageId: baselineId }, s.syncAck);
    ctx.check(ack.messages.some((m) => s.messageId(m) === id), `messages:sync from a baseline misses the message sent after it, before any rejected action`, {
      expected: `messages:sync from ${baselineId} by ${probe.label} returns ${id}`,
      received: summarize(ack.messages),
    });
  });
}

/** A participant's sync from the baseline still returns the message, undeleted and with its content. */
async function expectIntact(ctx: CaseContext, probe: Probe, conv: string, baselineId: string, id: string, content: string): Promise<void> {
  const ack = await ctx.succeed(probe, 'messages:sync', { conversationId: conv, lastMessageId: baselineId }, s.syncAck);
  const found = ctx.ensure(ack.messages.find((m) => s.messageId(m) === id) as Record<string, unknown> | undefined, `the message ${id} is gone after the rejected action`, {
    expected: `messages:sync from ${baselineId} by ${probe.label} returns ${id}`,
    received: summarize(ack.messages),
  });
  ctx.check(found.content === content && found.isEdited !== true && found.isDeleted !== true, `the message ${id} was changed by the rejected action`, {
    expected: `content "${content}", neither edited nor deleted`,
    received: summarize(found),
  });
}

/** Marks where each probe's inbox stands, so the case can look only at what came afterwards. */
function mark(probes: Probe[]): Map<Probe, number> {
  return new Map(probes.map((p) => [p, p.inbox.length]));
}

/** After a barrier, no probe received a message event about the conversation or these messages since the mark. */
async function expectNoMessageEventsSince(ctx: CaseContext, marks: Map<Probe, number>, conv: string, ids: string[], what: string): Promise<void> {
  await ctx.barrier([...marks.keys()]);
  const concerns = (p: { conversationId?: unknown; messageId?: unknown } | null) => p?.conversationId === conv || ids.includes(String(p?.messageId));
  const leaks = [...marks].flatMap(([p, from]) =>
    p.inbox
      .slice(from)
      .filter((e) => (MESSAGE_EVENTS as readonly string[]).includes(e.event) && concerns(e.payload as never))
      .map((e) => `${p.label} got ${e.wire} ${summarize(e.payload)}`),
  );
  ctx.check(leaks.length === 0, what, { expected: `no ${MESSAGE_EVENTS.join(' / ')} on ${[...marks.keys()].map((p) => p.label).join(', ')}`, received: leaks.join('; ') });
}

export const denialCases: CaseDef[] = [
  denial('send-outsider', 'message:send to a conversation the user is not in: FORBIDDEN, not created, nothing broadcast', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, po, observers } = await outsiderScene(ctx);
      const baseline = await sendMessage(ctx, pa, conv, uniqueText('d-send baseline'));
      const content = uniqueText('d-send intruder');
      await ctx.expectRejectedAction(po, 'message:send', { conversationId: conv, content }, 'FORBIDDEN', 'message:send by a non-participant');
      await ctx.expectNothing(observers, 'message:new', "a non-participant's message was broadcast", hasContent(content));
      await checkSync(ctx, pa, conv, baseline.id, []);
    },
  }),

  denial('edit-outsider', 'message:edit of a message in a conversation the user is not in: FORBIDDEN, nothing broadcast, unchanged', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, pb, b2, po, observers } = await outsiderScene(ctx);
      const target = await targetMessage(ctx, pa, [pa, pb, b2], conv, 'd-edit-out');
      const hijack = uniqueText('d-edit-out hijack');
      await ctx.expectRejectedAction(po, 'message:edit', { messageId: target.id, content: hijack }, 'FORBIDDEN', 'message:edit by a non-participant');
      await ctx.expectNothing(observers, 'message:updated', "a non-participant's edit was broadcast", hasMessageId(target.id));
      await expectIntact(ctx, pa, conv, target.baselineId, target.id, target.content);
    },
  }),

  denial('delete-outsider', 'message:delete of a message in a conversation the user is not in: FORBIDDEN, nothing broadcast, still there', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, pb, b2, po, observers } = await outsiderScene(ctx);
      const target = await targetMessage(ctx, pa, [pa, pb, b2], conv, 'd-delete-out');
      await ctx.expectRejectedAction(po, 'message:delete', { messageId: target.id }, 'FORBIDDEN', 'message:delete by a non-participant');
      await ctx.expectNothing(observers, 'message:deleted', "a non-participant's delete was broadcast", hasMessageId(target.id));
      await expectIntact(ctx, pa, conv, target.baselineId, target.id, target.content);
    },
  }),

  denial('sync-outsider', 'messages:sync of a conversation the user is not in: FORBIDDEN, and no message leaks in any answer', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, pb, b2, po, observers } = await outsiderScene(ctx);
      const baseline = await sendMessage(ctx, pa, conv, uniqueText('d-sync baseline'));
      const secrets: Array<{ content: string; id: string }> = [];
      for (const tag of ['secret 1', 'secret 2']) {
        const content = uniqueText(`d-sync ${tag}`);
        secrets.push({ content, id: (await sendMessage(ctx, pa, conv, content)).id });
      }
      await expectDelivered(ctx, [pa, pb, b2], secrets[1].content);
      const marks = mark(observers);
      const outcome = await ctx.act(po, 'messages:sync', { conversationId: conv, lastMessageId: baseline.id });
      const answer = JSON.stringify(outcome);
      const leaked = secrets.filter((m) => answer.includes(m.content) || answer.includes(m.id));
      ctx.check(leaked.length === 0, "messages:sync answered a non-participant with the conversation's messages", {
        expected: "error event { code: 'FORBIDDEN' } and none of the conversation's messages",
        received: `${outcome.kind} ${summarize(answer)}`,
      });
      ctx.expectRejected(outcome, 'FORBIDDEN', 'messages:sync by a non-participant');
      await expectNoMessageEventsSince(ctx, marks, conv, [baseline.id, ...secrets.map((m) => m.id)], 'a denied messages:sync made the gateway emit message events');
      const traces = po.inbox.filter((e) => secrets.some((m) => JSON.stringify(e.payload ?? null).includes(m.content) || JSON.stringify(e.payload ?? null).includes(m.id)));
      ctx.check(traces.length === 0, "the non-participant received the conversation's messages", {
        expected: `nothing about ${secrets.map((m) => m.id).join(', ')} on ${po.label}`,
        received: traces.map((e) => `${e.wire} ${summarize(e.payload)}`).join('; '),
      });
    },
  }),

  denial('room-join-outsider', 'room:join of a conversation the user is not in: FORBIDDEN, and its messages do not reach the intruder', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, pb, b2, po, observers } = await outsiderScene(ctx);
      await ctx.expectRejectedAction(po, 'room:join', { conversationId: conv }, 'FORBIDDEN', 'room:join by a non-participant');
      await ctx.expectNothing(observers, 'message:new', 'a denied room:join produced a message:new', aboutConversation(conv));
      const content = uniqueText('d-join after');
      await sendMessage(ctx, pa, conv, content);
      await expectDelivered(ctx, [pa, pb, b2], content);
      await ctx.expectNothing([po], 'message:new', 'the intruder receives the conversation after a denied room:join', hasContent(content));
    },
  }),

  denial('edit-others-message', "message:edit of another participant's message: FORBIDDEN, nothing broadcast, unchanged", {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, pb, observers } = await participantScene(ctx);
      const target = await targetMessage(ctx, pa, observers, conv, 'd-edit-other');
      const hijack = uniqueText('d-edit-other hijack');
      await ctx.expectRejectedAction(pb, 'message:edit', { messageId: target.id, content: hijack }, 'FORBIDDEN', "message:edit of another participant's message");
      await ctx.expectNothing(observers, 'message:updated', "a denied edit of another participant's message was broadcast", hasMessageId(target.id));
      await expectIntact(ctx, pb, conv, target.baselineId, target.id, target.content);
    },
  }),

  denial('delete-others-message', "message:delete of another participant's message: FORBIDDEN, nothing broadcast, still there", {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const { conv, pa, pb, observers } = await participantScene(ctx);
      const target = await targetMessage(ctx, pa, observers, conv, 'd-delete-other');
      await ctx.expectRejectedAction(pb, 'message:delete', { messageId: target.id }, 'FORBIDDEN', "message:delete of another participant's message");
      await ctx.expectNothing(observers, 'message:deleted', "a denied delete of another participant's message was broadcast", hasMessageId(target.id));
      await expectIntact(ctx, pb, conv, target.baselineId, target.id, target.content);
    },
  }),

  denial('delete-reaches-only-participants', 'A legitimate message:deleted reaches the participants and no connected outsider', {
    needs: ['rest.createConversation'],
    async run(ctx) {
      const [a, b, o] = await ctx.users(3);
      const conv = await createConversation(ctx, a, [b]);
      const [pa, pb, po, po2] = await Promise.all([
        ctx.connect(a),
        ctx.connect(b, { instance: ctx.otherInstance }),
        ctx.connect(o),
        ctx.connect(o, { device: 2, instance: ctx.otherInstance }),
      ]);
      const { id } = await sendMessage(ctx, pa, conv, uniqueText('d-delete-scope'));
      await ctx.succeed(pa, 'message:delete', { messageId: id }, s.deleteAck);
      await Promise.all([pa, pb].map((p) => ctx.waitFor(p, 'message:deleted', 'message:deleted', hasMessageId(id))));
      await ctx.expectNothing([po, po2], 'message:deleted', 'message:deleted reached a user outside the conversation', hasMessageId(id));
    },
  }),
];
