import type { Socket } from 'socket.io-client';
import { messageOf, sendPayload, textOf } from '../../protocol/kraken/schemas.js';
import { createReceiver, perSenderEnabled, PLAN_LINE, planOf, slotOf, type Receiver } from '../fanout-vu.js';
import { fanoutParameters, slotInstance } from '../plan.js';
import { sourceAddressesOf, sourceAddressOf } from '../source-addresses.js';
import { decodeStamp, encodeStamp } from '../stamp.js';
import { dueAndConnected, dueTimes, nextSeq, tagged, type SendWindow } from '../send-schedule.js';
import { loadTarget, plural, recordLoopLag, sleepUntil, type Events, type Target, type VuContext } from '../vu-kit.js';
import { heartbeat, joinKraken, openKrakenSocket } from './connect.js';
import { krakenEmitWithAck } from './outbound.js';
import { audience, buildKrakenPlan, isKrakenSender, owed, slotUserId, worldOf, worldSlots, type KrakenPlan } from './plan.js';

/** `before` hook of every Kraken scenario: the worlds, the paced connects and the schedule. */
export async function krakenPlanHook(context: VuContext, extend?: (plan: KrakenPlan) => KrakenPlan): Promise<KrakenPlan> {
  const { config } = await loadTarget();
  let plan = await buildKrakenPlan(config, fanoutParameters(context.vars), context.vars);
  if (extend) plan = extend(plan);
  context.vars.gatecheckPlan = plan;
  const worlds = plan.worlds.length === 1 ? 'one fixed world shared by every connection' : plural(plan.worlds.length, 'world');
  const paced = plan.connectsPerSecond > 0 ? `; connects paced at ${plan.connectsPerSecond}/s per instance (limits.connectsPerSecond): ramp ${plan.params.rampSeconds} s` : '';
  process.stderr.write(`gatecheck: ${worlds} for ${plural(plan.params.connections, 'connection')} over ${plural(plan.instances.length, 'instance')}${paced}; sending starts in ${Math.round((plan.startAt - Date.now()) / 1000)} s\n`);
  process.stderr.write(`${PLAN_LINE}${JSON.stringify({ runId: plan.runId, startAt: plan.startAt, sendUntil: plan.sendUntil, endAt: plan.endAt, storm: plan.storm })}\n`);
  return plan;
}

/** What a Kraken VU heard of this run's messages: which arrived (sender:seq), and what each sender says it skipped. */
export interface KrakenInbox {
  received: Set<string>;
  skipped: Map<number, Set<number>>;
}

/** What a connected Kraken VU has. */
export interface KrakenVu {
  plan: KrakenPlan;
  slot: number;
  t: Target;
  instance: number;
  socket: Socket;
  receiver: Receiver;
  inbox: KrakenInbox;
}

/**
 * Counts one newMessage / newDirectMessage of this run: a delivery the VU is owed goes to the shared
 * receiver (latency, duplicates, order); one it is not owed (another world's message, a DM of a group
 * it is not in) is a leak. Its own messages echoed back to it are neither.
 */
export function krakenDelivery(plan: KrakenPlan, slot: number, receiver: Receiver, prefix: string, events: Events, kind: 'channel' | 'dm', inbox: KrakenInbox) {
  return (payload: unknown) => {
    const message = messageOf(payload);
    const content = textOf(message);
    const stamp = decodeStamp(content, plan.runId);
    if (!stamp || stamp.senderSlot === slot) return;
    if (stamp.skipped) {
      const skipped = inbox.skipped.get(stamp.senderSlot) ?? new Set<number>();
      for (const seq of stamp.skipped) skipped.add(seq);
      inbox.skipped.set(stamp.senderSlot, skipped);
    }
    if (!owed(plan, stamp.senderSlot, slot, kind)) return events.emit('counter', `${prefix}.leaked`, 1);
    if (stamp.seq === SKIP_REPORT_SEQ) return;
    inbox.received.add(`${stamp.senderSlot}:${stamp.seq}`);
    receiver.deliver({ id: message?.id, content }, 'live');
  };
}

/** The sequence number of a storm sender's report of what it skipped: a message no one is owed. */
export const SKIP_REPORT_SEQ = -1;

/** The event and payload that post a message of this slot: to its world's general channel, or its owner-member DM group. */
export function postOf(plan: KrakenPlan, slot: number, kind: 'channel' | 'dm', content: string): [string, unknown] {
  const world = worldOf(plan, slot);
  return kind === 'dm' ? ['sendDirectMessage', sendPayload({ directMessageGroupId: world.dmGroups.ownerMember }, content)] : ['sendMessage', sendPayload({ channelId: world.channels.general }, content)];
}

/** The send windows of every sender: the fan-out window, or the throughput steps (each sender its share of the step's rate). */
function sendWindows(plan: KrakenPlan, senders: number): SendWindow[] {
  const steps = plan.steps;
  if (!steps) return [{ from: plan.startAt, until: plan.sendUntil, rate: plan.params.ratePerSender }];
  return steps.rates.map((rate, i) => ({ from: plan.startAt + i * steps.stepMs, until: plan.startAt + (i + 1) * steps.stepMs, rate: rate / senders }));
}

/** Every message a sender's schedule holds, with its intended time: the fan-out window, or the throughput steps. */
export function* senderSchedule(plan: KrakenPlan, sender: number, senders: number): Generator<{ seq: number; intendedAt: number }> {
  let seq = 0;
  for (const w of sendWindows(plan, senders)) {
    for (const due of dueTimes({ ...w, firstSeq: seq }, sender)) {
      seq = due.seq + 1;
      yield due;
    }
  }
}

/**
 * Why a receiver did not get a message it was owed, when that is not the server's fault: sent before
 * it joined (not deliverable), sent while the storm had it away (missed during the outage: Kraken has no
 * history event to catch up with), or sent by a sender whose connection the storm cut around then (cut
 * with its sender). Undefined: the message was owed, and one that never came is lost.
 */
export type Excuse = 'not_deliverable' | 'missed_outage' | 'cut_at_crash';
export type ExcuseOf = (sender: number, seq: number, intendedAt: number) => Excuse | undefined;

/**
 * Replays the schedules of the VU's world: every message a sender sent (not one it skipped), owed to this
 * VU, that never reached it and has an excuse is taken out of what was expected and counted under its
 * excuse (PREFIX.not_deliverable, PREFIX.missed_outage, PREFIX.cut_at_crash; per throughput step too).
 */
function settleExcused(vu: Pick<KrakenVu, 'plan' | 'slot' | 'instance' | 'inbox'>, excuseOf: ExcuseOf, prefix: string, events: Events): void {
  const { plan, slot, instance, inbox } = vu;
  const { from, to } = worldSlots(plan, slot);
  const senders = plan.steps ? krakenSenders(plan) : 0;
  const counts = new Map<string, number>();
  const add = (name: string, n = 1) => counts.set(name, (counts.get(name) ?? 0) + n);
  for (let s = from; s < to; s++) {
    if (s === slot || !isKrakenSender(plan.params, s)) continue;
    const skipped = inbox.skipped.get(s);
    let excused = 0;
    for (const { seq, intendedAt } of senderSchedule(plan, s, senders)) {
      if (skipped?.has(seq) || inbox.received.has(`${s}:${seq}`) || !owed(plan, s, slot, messageKind(plan, seq))) continue;
      const excuse = excuseOf(s, seq, intendedAt);
      if (!excuse) continue;
      excused++;
      add(`${prefix}.${excuse}`);
      if (plan.steps) add(`${prefix}.${excuse}.step_${Math.floor((intendedAt - plan.startAt) / plan.steps.stepMs)}`);
    }
    if (!excused) continue;
    add(`${prefix}.expected.${slotInstance(plan.instances.length, s, plan.params.groupSize) === instance ? 'same_instance' : 'cross_instance'}`, -excused);
    add(`${prefix}.expected`, -excused);
    if (perSenderEnabled(plan)) add(`${prefix}.sender.${s}.expected`, -excused);
  }
  for (const [name, n] of counts) events.emit('counter', name, n);
}

/** Senders of the run (readers never send). */
export function krakenSenders(plan: KrakenPlan): number {
  let n = 0;
  for (let s = 0; s < plan.params.connections; s++) if (isKrakenSender(plan.params, s)) n++;
  return n;
}

/**
 * The life of every Kraken VU: its slot and world user, a paced connection on its instance (from its
 * source address), joinAll and presenceOnline, heartbeats when the target declares a presence TTL,
 * deliveries counted; then the scenario's part (which may excuse deliveries it knows could not come);
 * then the drain, what was owed but excused taken out of the expected, and a clean close.
 */
export async function runKrakenVu(context: VuContext, events: Events, opts: { prefix: string; hook: string; reconnection?: boolean }, body: (vu: KrakenVu) => Promise<ExcuseOf | void>): Promise<void> {
  const { prefix } = opts;
  const plan = planOf(context, opts.hook) as KrakenPlan;
  const slot = slotOf(context, plan, events, prefix);
  if (slot === undefined) return;
  let socket: Socket | undefined;
  let stopHeartbeat = () => {};
  events.emit('counter', `${prefix}.leaked`, 0);
  events.emit('counter', `${prefix}.not_deliverable`, 0);
  try {
    const t = await loadTarget();
    const instance = slotInstance(plan.instances.length, slot, plan.params.groupSize);
    const userId = slotUserId(plan, slot);
    socket = await openKrakenSocket(t, plan, slot, plan.instances[instance], userId, { prefix, events, sourceAddress: sourceAddressOf(sourceAddressesOf(context.vars), slot), reconnection: opts.reconnection });
    const receiver = createReceiver(plan, slot, instance, prefix, events, perSenderEnabled(plan));
    const inbox: KrakenInbox = { received: new Set(), skipped: new Map() };
    socket.on(t.dialect.eventName('newMessage'), krakenDelivery(plan, slot, receiver, prefix, events, 'channel', inbox));
    socket.on(t.dialect.eventName('newDirectMessage'), krakenDelivery(plan, slot, receiver, prefix, events, 'dm', inbox));
    await joinKraken(socket, t, worldOf(plan, slot).communityId, userId);
    const joinedAt = Date.now();
    stopHeartbeat = heartbeat(socket, t, plan);
    const late = joinedAt >= plan.startAt;
    if (late) events.emit('counter', `${prefix}.late_join`, 1);
    const vu = { plan, slot, t, instance, socket, receiver, inbox };
    const excuseOf = await body(vu);
    await sleepUntil(plan.endAt);
    // A receiver that joined late could not have had what was sent before, and Kraken has no history event to fetch it.
    if (late || excuseOf) settleExcused(vu, (s, seq, at) => (at < joinedAt ? 'not_deliverable' : excuseOf?.(s, seq, at)), prefix, events);
    recordLoopLag(events);
  } catch (err) {
    events.emit('counter', `${prefix}.vu_failed`, 1);
    throw err;
  } finally {
    stopHeartbeat();
    socket?.close();
  }
}

/** Message k of a sender is a DM every dmEvery messages, else a channel message. */
export const messageKind = (plan: KrakenPlan, k: number): 'channel' | 'dm' => (plan.dmEvery > 0 && k % plan.dmEvery === plan.dmEvery - 1 ? 'dm' : 'channel');

/**
 * Open model, as the chat-service sender (send-schedule.ts): message k is due at a fixed time whether or
 * not the previous one was acknowledged, and carries that time. Channel messages go by sendMessage to the
 * world's general channel, DMs by sendDirectMessage to its owner-member group; the ack is the new
 * message's id. A storm's sender keeps what it skipped while down in `skipped` (see reportSkipped); an
 * ack lost with the sender's connection is counted apart (unconfirmed at the crash), its receivers
 * excuse its deliveries.
 */
export async function krakenSendOnSchedule(
  vu: KrakenVu,
  prefix: string,
  events: Events,
  window: SendWindow = { from: vu.plan.startAt, until: vu.plan.sendUntil, rate: vu.plan.params.ratePerSender },
  opts: { onSent?: (intendedAt: number) => void; skipped?: number[] } = {},
): Promise<number> {
  const { plan, slot, t, instance, socket } = vu;
  const perSender = perSenderEnabled(plan);
  const acks: Array<Promise<void>> = [];
  let drops = 0;
  const onDrop = () => drops++;
  socket.on('disconnect', onDrop);
  for (const due of dueTimes(window, slot)) {
    if (!(await dueAndConnected(socket, due, prefix, events, opts.skipped))) continue;
    const { seq, intendedAt } = due;
    const emittedAt = Date.now();
    const dropsAtEmit = drops;
    const kind = messageKind(plan, seq);
    const content = encodeStamp({ runId: plan.runId, senderSlot: slot, senderInstance: instance, seq, intendedAt: Math.round(intendedAt), emittedAt });
    const owedTo = audience(plan, slot, kind);
    for (const name of tagged(window, `${prefix}.sent`)) events.emit('counter', name, 1);
    opts.onSent?.(intendedAt);
    events.emit('counter', `${prefix}.sent.${kind}`, 1);
    events.emit('counter', `${prefix}.expected`, owedTo.total);
    events.emit('counter', `${prefix}.expected.cross_instance`, owedTo.cross);
    events.emit('counter', `${prefix}.expected.same_instance`, owedTo.total - owedTo.cross);
    if (perSender) {
      events.emit('counter', `${prefix}.sender.${slot}.sent`, 1);
      events.emit('counter', `${prefix}.sender.${slot}.expected`, owedTo.total);
    }
    const [event, payload] = postOf(plan, slot, kind, content);
    acks.push(
      krakenEmitWithAck(socket, t, event, payload).then(
        () => {
          for (const name of tagged(window, `${prefix}.ack_ms`)) events.emit('histogram', name, Date.now() - emittedAt);
          for (const name of tagged(window, `${prefix}.acked`)) events.emit('counter', name, 1);
        },
        // Kraken answers a refused message with an error event, never an ack: both end here.
        () => {
          if (plan.storm && (drops !== dropsAtEmit || !socket.connected)) events.emit('counter', `${prefix}.unconfirmed_at_crash`, 1);
          else tagged(window, `${prefix}.ack_timeout`).forEach((name) => events.emit('counter', name, 1));
        },
      ),
    );
  }
  await Promise.all(acks);
  socket.off('disconnect', onDrop);
  return nextSeq(window, slot);
}

/** The Kraken fan-out VU: connect, join, listen, send on schedule (senders), drain. */
export async function krakenFanoutVu(context: VuContext, events: Events): Promise<void> {
  await runKrakenVu(context, events, { prefix: 'fanout', hook: 'gatecheckKrakenFanoutPlan' }, async (vu) => {
    if (isKrakenSender(vu.plan.params, vu.slot)) await krakenSendOnSchedule(vu, 'fanout', events);
  });
}
