import type { Socket } from 'socket.io-client';
import { messageOf, sendPayload, textOf } from '../../protocol/kraken/schemas.js';
import { createReceiver, perSenderEnabled, PLAN_LINE, planOf, slotOf, type Receiver } from '../fanout-vu.js';
import { fanoutParameters, slotInstance } from '../plan.js';
import { sourceAddressesOf, sourceAddressOf } from '../source-addresses.js';
import { decodeStamp, encodeStamp } from '../stamp.js';
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

/** What a connected Kraken VU has. */
export interface KrakenVu {
  plan: KrakenPlan;
  slot: number;
  t: Target;
  instance: number;
  socket: Socket;
  receiver: Receiver;
}

/**
 * Counts one newMessage / newDirectMessage of this run: a delivery the VU is owed goes to the shared
 * receiver (latency, duplicates, order); one it is not owed (another world's message, a DM of a group
 * it is not in) is a leak. Its own messages echoed back to it are neither.
 */
export function krakenDelivery(plan: KrakenPlan, slot: number, receiver: Receiver, prefix: string, events: Events, kind: 'channel' | 'dm', received: Set<string>) {
  return (payload: unknown) => {
    const message = messageOf(payload);
    const content = textOf(message);
    const stamp = decodeStamp(content, plan.runId);
    if (!stamp || stamp.senderSlot === slot) return;
    if (!owed(plan, stamp.senderSlot, slot, kind)) return events.emit('counter', `${prefix}.leaked`, 1);
    received.add(`${stamp.senderSlot}:${stamp.seq}`);
    receiver.deliver({ id: message?.id, content }, 'live');
  };
}

/** Every message a sender's schedule holds, with its intended time: the fan-out window, or the throughput steps. */
export function* senderSchedule(plan: KrakenPlan, sender: number, senders: number): Generator<{ seq: number; intendedAt: number }> {
  const windows = plan.steps
    ? plan.steps.rates.map((rate, i) => ({ from: plan.startAt + i * plan.steps!.stepMs, until: plan.startAt + (i + 1) * plan.steps!.stepMs, rate: rate / senders }))
    : [{ from: plan.startAt, until: plan.sendUntil, rate: plan.params.ratePerSender }];
  let seq = 0;
  for (const w of windows) {
    const interval = 1000 / w.rate;
    const offset = (sender * 7919) % Math.max(1, Math.floor(interval));
    for (let k = 0; w.from + offset + k * interval < w.until; k++, seq++) yield { seq, intendedAt: w.from + offset + k * interval };
  }
}

/**
 * A receiver that joined after sending began could not have had the messages sent before it joined, and
 * Kraken has no history event to fetch them: those it did not get are not deliverable, taken out of what
 * was expected (and counted as PREFIX.not_deliverable) instead of being reported as lost.
 */
function settleNotDeliverable(plan: KrakenPlan, slot: number, instance: number, joinedAt: number, received: Set<string>, prefix: string, events: Events): void {
  const { from, to } = worldSlots(plan, slot);
  const senders = plan.steps ? krakenSenders(plan) : 0;
  let same = 0;
  let cross = 0;
  for (let s = from; s < to; s++) {
    if (s === slot || !isKrakenSender(plan.params, s)) continue;
    let missed = 0;
    for (const { seq, intendedAt } of senderSchedule(plan, s, senders)) {
      if (intendedAt >= joinedAt) break;
      if (owed(plan, s, slot, messageKind(plan, seq)) && !received.has(`${s}:${seq}`)) missed++;
    }
    if (!missed) continue;
    if (slotInstance(plan.instances.length, s, plan.params.groupSize) === instance) same += missed;
    else cross += missed;
    if (perSenderEnabled(plan)) events.emit('counter', `${prefix}.sender.${s}.expected`, -missed);
  }
  if (!same && !cross) return;
  events.emit('counter', `${prefix}.expected`, -(same + cross));
  events.emit('counter', `${prefix}.expected.same_instance`, -same);
  events.emit('counter', `${prefix}.expected.cross_instance`, -cross);
  events.emit('counter', `${prefix}.not_deliverable`, same + cross);
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
 * deliveries counted; then the scenario's part; then the drain and a clean close.
 */
export async function runKrakenVu(context: VuContext, events: Events, opts: { prefix: string; hook: string }, body: (vu: KrakenVu) => Promise<void>): Promise<void> {
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
    socket = await openKrakenSocket(t, plan, slot, plan.instances[instance], userId, { prefix, events, sourceAddress: sourceAddressOf(sourceAddressesOf(context.vars), slot) });
    const receiver = createReceiver(plan, slot, instance, prefix, events, perSenderEnabled(plan));
    const received = new Set<string>();
    socket.on(t.dialect.eventName('newMessage'), krakenDelivery(plan, slot, receiver, prefix, events, 'channel', received));
    socket.on(t.dialect.eventName('newDirectMessage'), krakenDelivery(plan, slot, receiver, prefix, events, 'dm', received));
    await joinKraken(socket, t, worldOf(plan, slot).communityId, userId);
    const joinedAt = Date.now();
    stopHeartbeat = heartbeat(socket, t, plan);
    if (joinedAt >= plan.startAt) events.emit('counter', `${prefix}.late_join`, 1);
    await body({ plan, slot, t, instance, socket, receiver });
    await sleepUntil(plan.endAt);
    if (joinedAt >= plan.startAt) settleNotDeliverable(plan, slot, instance, joinedAt, received, prefix, events);
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
 * Open model, as the chat-service sender: message k is due at a fixed time whether or not the previous
 * one was acknowledged, and carries that time. Channel messages go by sendMessage to the world's general
 * channel, DMs by sendDirectMessage to its owner-member group; the ack is the new message's id.
 */
export async function krakenSendOnSchedule(
  vu: KrakenVu,
  prefix: string,
  events: Events,
  window: { from: number; until: number; rate: number; tag?: string; firstSeq?: number } = { from: vu.plan.startAt, until: vu.plan.sendUntil, rate: vu.plan.params.ratePerSender },
): Promise<number> {
  const { plan, slot, t, instance, socket } = vu;
  const world = worldOf(plan, slot);
  const perSender = perSenderEnabled(plan);
  const interval = 1000 / window.rate;
  const tagged = (name: string) => (window.tag ? [name, `${name}.${window.tag}`] : [name]);
  const offset = (slot * 7919) % Math.max(1, Math.floor(interval));
  const acks: Array<Promise<void>> = [];
  let seq = window.firstSeq ?? 0;
  for (let k = 0; ; k++, seq++) {
    const intendedAt = window.from + offset + k * interval;
    if (intendedAt >= window.until) break;
    await sleepUntil(intendedAt);
    if (!socket.connected) {
      events.emit('counter', `${prefix}.send_skipped_disconnected`, 1);
      continue;
    }
    const emittedAt = Date.now();
    const kind = messageKind(plan, seq);
    const content = encodeStamp({ runId: plan.runId, senderSlot: slot, senderInstance: instance, seq, intendedAt: Math.round(intendedAt), emittedAt });
    const owedTo = audience(plan, slot, kind);
    for (const name of tagged(`${prefix}.sent`)) events.emit('counter', name, 1);
    events.emit('counter', `${prefix}.sent.${kind}`, 1);
    events.emit('counter', `${prefix}.expected`, owedTo.total);
    events.emit('counter', `${prefix}.expected.cross_instance`, owedTo.cross);
    events.emit('counter', `${prefix}.expected.same_instance`, owedTo.total - owedTo.cross);
    if (perSender) {
      events.emit('counter', `${prefix}.sender.${slot}.sent`, 1);
      events.emit('counter', `${prefix}.sender.${slot}.expected`, owedTo.total);
    }
    const [event, payload] = kind === 'dm' ? ['sendDirectMessage', sendPayload({ directMessageGroupId: world.dmGroups.ownerMember }, content)] : ['sendMessage', sendPayload({ channelId: world.channels.general }, content)];
    acks.push(
      krakenEmitWithAck(socket, t, event, payload).then(
        () => {
          for (const name of tagged(`${prefix}.ack_ms`)) events.emit('histogram', name, Date.now() - emittedAt);
          for (const name of tagged(`${prefix}.acked`)) events.emit('counter', name, 1);
        },
        // Kraken answers a refused message with an error event, never an ack: both end here.
        () => tagged(`${prefix}.ack_timeout`).forEach((name) => events.emit('counter', name, 1)),
      ),
    );
  }
  await Promise.all(acks);
  return seq;
}

/** The Kraken fan-out VU: connect, join, listen, send on schedule (senders), drain. */
export async function krakenFanoutVu(context: VuContext, events: Events): Promise<void> {
  await runKrakenVu(context, events, { prefix: 'fanout', hook: 'gatecheckKrakenFanoutPlan' }, async (vu) => {
    if (isKrakenSender(vu.plan.params, vu.slot)) await krakenSendOnSchedule(vu, 'fanout', events);
  });
}
