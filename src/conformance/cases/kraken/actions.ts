import { randomBytes } from 'node:crypto';
import type { Outcome } from '../../../client/outcome.js';
import { describeOutcome } from '../../../client/outcome.js';
import type { Inbound, Probe } from '../../../client/probe.js';
import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/kraken/schemas.js';
import type { KrakenWorld } from '../../../protocol/kraken/world.js';
import type { CaseContext } from '../../context.js';
import { kraken, type KrakenContext } from './harness.js';

export type Role = keyof KrakenWorld['users'];

/** Text no other case can produce, so predicates on it never match another case's traffic. */
export function uniqueText(tag: string): string {
  return `gatecheck ${tag} ${randomBytes(4).toString('hex')}`;
}

/** A fresh world and the Kraken view of the context. */
export async function scene(ctx: CaseContext): Promise<{ k: KrakenContext; world: KrakenWorld }> {
  const k = kraken(ctx);
  const world = await k.world();
  return { k, world };
}

/** A probe for one of the world's users, labelled with its role and instance. */
export function connectRole(k: KrakenContext, world: KrakenWorld, role: Role, instance = 0, tag = ''): Promise<Probe> {
  return k.connectAs(world.users[role], { instance, label: `${role}${tag}` });
}

/** Only payloads that arrive from now on: excludes what the probe already holds. */
export function fromNow(probe: Probe, where: (p: any) => boolean): (p: any) => boolean {
  const before = new Set(probe.inbox.map((e) => e.payload));
  return (p) => !before.has(p) && where(p);
}

export const aboutUser = (userId: string) => (p: { userId?: unknown } | null) => p?.userId === userId;
export const aboutVoiceUser = (channelId: string, userId: string) => (p: { channelId?: unknown; userId?: unknown; user?: { id?: unknown } } | null) =>
  p?.channelId === channelId && (p?.userId === userId || p?.user?.id === userId);

/** A newMessage / newDirectMessage / updateMessage payload whose message's text is exactly `text`. */
export const hasText = (text: string) => (p: unknown) => s.textOf(s.messageOf(p)) === text;
export const hasMessageId = (id: string) => (p: unknown) => s.messageOf(p)?.id === id || (p as { messageId?: unknown } | null)?.messageId === id;

/** The events a DM may arrive as: NEW_MESSAGE covers "channels/DMs", the module enum also has NEW_DM. */
export const DM_EVENTS = ['newMessage', 'newDirectMessage'] as const;

/** ctx.nonStrict, once per distinct deviation (helpers run many times in a case). */
export function deviation(ctx: CaseContext, how: string): void {
  if (!ctx.deviations.includes(how)) ctx.nonStrict(how);
}

// ---- answers to actions ------------------------------------------------------------------------

/**
 * Emits an event whose answer the documents leave open (no ack shown): resolves on its ack, an error,
 * or, when nothing answers, after a short settle window (the barrier grace; events from one socket are
 * handled in order, and the window covers the handler's own awaits).
 */
export async function emitUnacked(ctx: CaseContext, probe: Probe, event: string, payload: unknown): Promise<Outcome> {
  const settleMs = 4 * (ctx.instanceCount > 1 ? ctx.timeouts.crossInstanceGraceMs : ctx.timeouts.graceMs) + 100;
  return probe.act(event, payload, settleMs);
}

/**
 * Emits an event the documents show no ack for and waits for the effect it must have (`effect`, e.g. a
 * broadcast to an observer) rather than a settle window: an error, a negative ack or a disconnect on
 * the actor first fails the case as a refusal.
 */
export async function actExpecting<T>(ctx: CaseContext, probe: Probe, event: string, payload: unknown, what: string, effect: () => Promise<T>): Promise<T> {
  const acted = probe.act(event, payload, ctx.timeouts.actionMs);
  const refused = acted.then((o) => {
    const negative = o.kind === 'ack' && (o.value as { success?: unknown } | null)?.success === false;
    return o.kind === 'error' || o.kind === 'exception' || o.kind === 'disconnected' || negative ? o : new Promise<never>(() => {});
  });
  const first = await Promise.race([effect().then((value) => ({ value })), refused.then((outcome) => ({ outcome }))]);
  if ('outcome' in first) ctx.fail(`${what} was refused`, { expected: 'no error (the documents show no ack)', received: describeOutcome(first.outcome) });
  return first.value;
}

/** Sends presenceOnline every quarter TTL (as the frontend's 30 s heartbeat does for 60 s), until the probe closes. */
export function presenceHeartbeat(ctx: CaseContext, probe: Probe): void {
  const ttl = ctx.config.kraken?.presenceTtlMs;
  if (!ttl) return;
  const timer = setInterval(() => {
    if (!probe.connected) return clearInterval(timer);
    probe.send('presenceOnline', undefined);
  }, Math.max(20, ttl / 4));
  timer.unref();
}

/**
 * The action must be refused with `code`. Strict: an `error` event {code, event: <the client event>}
 * (events.md "Error Handling": WebSocketError's `event` is required for errors caused by an event, even
 * if ErrorPayload marks it optional for connection errors). A negative ack carrying the code: non-strict.
 * No code, another code, no or another `event`, an ack of success, silence or NestJS's `exception`: failed.
 */
export function expectRefused(ctx: CaseContext, outcome: Outcome, code: string, event: string, what: string): void {
  const wire = ctx.env.dialect.eventName(event);
  const expected = `error event { code: '${code}', event: '${wire}' }`;
  if (outcome.kind === 'error') {
    const p = ctx.conforms(s.errorPayload, outcome.payload, `the error for ${what}`);
    ctx.check(p.code === code, `${what}: wrong error code`, { expected, received: describeOutcome(outcome) });
    ctx.check(p.event === wire || p.event === event, p.event === undefined ? `${what}: the error has no \`event\` naming the refused action` : `${what}: the error names another event`, { expected, received: describeOutcome(outcome) });
    return;
  }
  if (outcome.kind === 'ack') {
    const v = outcome.value as { success?: unknown; error?: { code?: unknown }; code?: unknown } | null;
    const ackCode = v?.error?.code ?? v?.code;
    if (v && typeof v === 'object' && v.success === false && ackCode === code) {
      deviation(ctx, `${what}: refused with a negative ack carrying ${code} instead of an error event`);
      return;
    }
    ctx.fail(`${what}: expected a refusal, the action was acknowledged`, { expected, received: describeOutcome(outcome) });
  }
  ctx.fail(`${what}: expected a refusal with ${code}`, { expected, received: describeOutcome(outcome) });
}

/** An action the documents show no ack for must not be refused: an ack or silence both pass. */
export function expectNotRefused(ctx: CaseContext, outcome: Outcome, what: string): void {
  ctx.check(outcome.kind === 'ack' || outcome.kind === 'timeout', `${what} was refused`, {
    expected: 'no error (the documents show no ack, so an ack or silence)',
    received: describeOutcome(outcome),
  });
  if (outcome.kind === 'ack') {
    const v = outcome.value as { success?: unknown } | null;
    ctx.check(!(v && typeof v === 'object' && v.success === false), `${what} was refused with a negative ack`, { expected: 'no refusal', received: describeOutcome(outcome) });
  }
}

// ---- joinAll ---------------------------------------------------------------------------------------

/**
 * joinAll(communityId): the handler returns nothing (no ack) and broadcasts USER_ONLINE to everyone once
 * the rooms are joined. Settles on the first of: an ack, an error, the user's own userOnline; without any,
 * after the action deadline (noted). Returns the outcome for the caller to judge.
 */
export async function emitJoinAll(ctx: CaseContext, probe: Probe, communityId: string, userId: string): Promise<Outcome | { kind: 'online'; ms: number }> {
  const started = performance.now();
  const online = probe.waitFor('userOnline', ctx.timeouts.actionMs, fromNow(probe, aboutUser(userId))).then(
    () => ({ kind: 'online' as const, ms: Math.round(performance.now() - started) }),
    () => undefined,
  );
  const acted = probe.act('joinAll', communityId, ctx.timeouts.actionMs);
  type Settled = Outcome | { kind: 'online'; ms: number };
  const first: Settled = await Promise.race<Settled>([acted, online.then((o): Settled | Promise<Settled> => o ?? acted)]);
  if (first.kind === 'online') {
    // A refusal right behind the broadcast would still be a refusal: give the error a moment to land.
    const late = await Promise.race([acted, new Promise<undefined>((r) => setTimeout(r, 20))]);
    if (late && late.kind === 'error') return late;
  }
  if (first.kind === 'timeout') ctx.suspect('joinAll', `joinAll by ${probe.label}: neither an ack nor its own userOnline within ${first.ms} ms`);
  return first;
}

/** joinAll that must succeed. */
export function joinAll(ctx: CaseContext, probe: Probe, world: KrakenWorld, role: Role): Promise<void> {
  return ctx.step('joinAll', async () => {
    const outcome = await emitJoinAll(ctx, probe, world.communityId, world.users[role]);
    if (outcome.kind === 'online') return;
    expectNotRefused(ctx, outcome, `joinAll by ${probe.label} (${role})`);
  });
}

// ---- messages --------------------------------------------------------------------------------------

export interface Sent {
  id?: string;
  text: string;
}

/**
 * sendMessage / sendDirectMessage that must be accepted. SEND_MESSAGE acks the new message's id
 * (strict); an ack of an object carrying the id, or no ack at all, is non-strict (spec README, Kraken
 * open point 4). SEND_DM shows no ack: any or none passes.
 */
export function send(
  ctx: CaseContext,
  probe: Probe,
  where: { channelId: string } | { directMessageGroupId: string },
  text: string,
  extra: Record<string, unknown> = {},
): Promise<Sent> {
  return ctx.step('send', () => sendNow(ctx, probe, where, text, extra));
}

async function sendNow(ctx: CaseContext, probe: Probe, where: { channelId: string } | { directMessageGroupId: string }, text: string, extra: Record<string, unknown>): Promise<Sent> {
  const event = 'channelId' in where ? 'sendMessage' : 'sendDirectMessage';
  const outcome = await ctx.act(probe, event, s.sendPayload(where, text, extra));
  const what = `${event} by ${probe.label}`;
  if (outcome.kind === 'ack') {
    const v = outcome.value;
    if (typeof v === 'string' && v.length > 0) return { id: v, text };
    const inner = v as { id?: unknown; message?: { id?: unknown }; success?: unknown } | null;
    const id = inner && typeof inner === 'object' ? (inner.id ?? inner.message?.id) : undefined;
    ctx.check(!(inner && typeof inner === 'object' && inner.success === false), `${what} was refused`, { expected: 'the new message id', received: describeOutcome(outcome) });
    if (event === 'sendMessage') {
      deviation(ctx, `${what} acked ${summarize(v)} instead of the new message's id (events.md: "Return message ID")`);
    }
    return { id: typeof id === 'string' ? id : undefined, text };
  }
  ctx.check(outcome.kind === 'timeout', `${what} was refused`, { expected: event === 'sendMessage' ? "an ack with the new message's id" : 'no error', received: describeOutcome(outcome) });
  if (event === 'sendMessage') deviation(ctx, `${what} was not acknowledged with the new message's id (spec README, Kraken open point 4)`);
  return { text };
}

/**
 * Waits until every probe holds the message with that text; validates the documented envelope (the bare
 * message of the module document's patterns is non-strict) and returns the message each received.
 */
export function expectMessage(
  ctx: CaseContext,
  probes: Probe[],
  text: string,
  opts: { dm?: boolean; what?: string } = {},
): Promise<Array<Record<string, unknown>>> {
  return ctx.step('deliver', () => expectMessageNow(ctx, probes, text, opts));
}

async function expectMessageNow(ctx: CaseContext, probes: Probe[], text: string, opts: { dm?: boolean; what?: string }): Promise<Array<Record<string, unknown>>> {
  const events = opts.dm ? [...DM_EVENTS] : ['newMessage'];
  const what = opts.what ?? `${events.join(' or ')} "${text.slice(0, 48)}"`;
  const got = await Promise.all(probes.map((p) => waitForAny(ctx, p, events, what, hasText(text))));
  for (const [i, e] of got.entries()) {
    ctx.conforms(s.messageEnvelope, e.payload, `${e.wire} on ${probes[i].label}`);
    if (s.isBareMessage(e.payload)) {
      deviation(ctx, `${e.wire} carried the bare message instead of { message } (events.md NEW_MESSAGE; module.md's broadcast pattern sends it bare)`);
    }
  }
  return got.map((e) => s.messageOf(e.payload)!);
}

/** The first of several events matching the predicate, already recorded or still to come. */
export async function waitForAny(ctx: CaseContext, probe: Probe, events: readonly string[], what: string, where: (p: any) => boolean): Promise<Inbound> {
  const held = probe.inbox.find((e) => events.includes(e.event) && safely(where, e.payload));
  if (held) return held;
  const waits = events.map((ev) => probe.waitFor(ev, ctx.timeouts.actionMs, where));
  try {
    return await Promise.any(waits);
  } catch {
    return ctx.fail(`${probe.label} did not receive ${what}`, {
      expected: `${events.join(' or ')} within ${ctx.timeouts.actionMs} ms`,
      received: probe.inboxSummary(),
    });
  }
}

/** After one barrier, none of the probes holds a message with that text (as any message event). */
export async function expectNoMessage(ctx: CaseContext, probes: Probe[], text: string, what: string): Promise<void> {
  await ctx.barrier(probes);
  for (const ev of ['newMessage', 'newDirectMessage', 'updateMessage']) ctx.assertNone(probes, ev, what, hasText(text));
}

function safely(where: (p: any) => boolean, payload: unknown): boolean {
  try {
    return Boolean(where(payload));
  } catch {
    return false;
  }
}
