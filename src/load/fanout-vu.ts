import type { Socket } from 'socket.io-client';
import { DeliveryTracker } from './delivery-tracker.js';
import { buildFanoutPlan, fanoutParameters, groupPeers, isSender, slotInstance, slotUser, type FanoutPlan } from './plan.js';
import { bucketOf, decodeStamp, encodeStamp } from './stamp.js';
import { admission, hasConnectPhase, reportOutcome, type PhaseRelease } from './connect-barrier.js';
import { HIDDEN_PREFIX } from './metric-batch.js';
import { dueAndConnected, dueTimes, nextSeq, tagged, type SendWindow } from './send-schedule.js';
import { sourceAddressesOf, sourceAddressOf } from './source-addresses.js';
import { adoptSocket, ConnectFailure, dropPlaceholder, loadTarget, openSocket, plural, recordLoopLag, sleepUntil, type Events, type Target, type VuContext } from './vu-kit.js';

/** Marks the line the CLI reads to learn the schedule (when to kill an instance, how long to wait). */
export const PLAN_LINE = 'gatecheck-plan ';

/** `before` hook: creates the conversations and fixes the schedule every VU follows. */
export async function fanoutPlan(context: VuContext, extend?: (plan: FanoutPlan) => FanoutPlan): Promise<FanoutPlan> {
  const { config, tokens } = await loadTarget();
  let plan = await buildFanoutPlan(config, tokens, fanoutParameters(context.vars));
  if (extend) plan = extend(plan);
  context.vars.gatecheckPlan = plan;
  // The built-in engine connects every VU to config.target before its first step, with the scenario's
  // socketio options templated per VU: this token makes that placeholder a valid connection (a user in
  // no conversation), which the VU then replaces. A refused one crashes the engine (it answers twice).
  context.vars.gatecheckEngineToken = await tokens.valid(`load-${plan.runId}-engine`);
  process.stderr.write(`gatecheck: ${plural(plan.conversations.length, 'conversation')} for ${plural(plan.params.connections, 'connection')} over ${plural(plan.instances.length, 'instance')}; sending starts in ${Math.round((plan.startAt - Date.now()) / 1000)} s\n`);
  process.stderr.write(`${PLAN_LINE}${JSON.stringify({ runId: plan.runId, startAt: plan.startAt, sendUntil: plan.sendUntil, endAt: plan.endAt, storm: plan.storm })}\n`);
  return plan;
}

/** The slot of this VU, or undefined when the run has more VUs than planned connections. */
export function slotOf(context: VuContext, plan: FanoutPlan, events: Events, prefix: string): number | undefined {
  const slot = Number(context.vars.slot);
  if (Number.isInteger(slot) && slot < plan.params.connections) return slot;
  events.emit('counter', `${prefix}.idle_vus`, 1);
  return undefined;
}

export function planOf(context: VuContext, hook: string): FanoutPlan {
  const plan = context.vars.gatecheckPlan as FanoutPlan | undefined;
  if (!plan) throw new Error(`no gatecheckPlan: the scenario must run ${hook} in its before hook`);
  return plan;
}

type Via = 'live' | 'sync' | 'catch-up' | 'cut-at-crash';

export interface Receiver {
  tracker: DeliveryTracker;
  /** Id of the newest message:new of this run that reached the VU (for messages:sync). */
  lastMessageId?: string;
  /**
   * Counts one delivery: live (measured), recovered by messages:sync after a drop, or fetched by sync
   * as a late joiner catching up; false when it was not new.
   */
  deliver(message: { id?: unknown; _id?: unknown; content?: unknown } | undefined, via: Via): boolean;
}

/** What a VU does with each message of this run that reaches it: measure, classify, count. */
export function createReceiver(plan: FanoutPlan, slot: number, instance: number, prefix: string, events: Events, perSender: boolean): Receiver {
  const tracker = new DeliveryTracker();
  const receiver: Receiver = {
    tracker,
    deliver(message, via) {
      const stamp = decodeStamp(message?.content, plan.runId);
      if (!stamp || stamp.senderSlot === slot) return false;
      const id = message?.id ?? message?._id;
      if (via === 'live' && typeof id === 'string') receiver.lastMessageId = id;
      const verdict = tracker.record(stamp.senderSlot, stamp.seq);
      if (verdict === 'duplicate') {
        // A message sync returns that also arrived live is what sync is for, not a duplicate delivery.
        if (via === 'live') events.emit('counter', `${prefix}.duplicated`, 1);
        return false;
      }
      if (verdict === 'out-of-order' && via === 'live') events.emit('counter', `${prefix}.out_of_order`, 1);
      const where = stamp.senderInstance === instance ? 'same_instance' : 'cross_instance';
      events.emit('counter', `${prefix}.received`, 1);
      events.emit('counter', `${prefix}.received.${where}`, 1);
      if (perSender) events.emit('counter', `${HIDDEN_PREFIX}${prefix}.sender.${stamp.senderSlot}.received`, 1);
      if (via !== 'live') {
        events.emit('counter', via === 'sync' ? `${prefix}.recovered_by_sync` : via === 'cut-at-crash' ? `${prefix}.cut_at_crash` : `${prefix}.late_join_synced`, 1);
        return true;
      }
      const now = Date.now();
      const latency = now - stamp.intendedAt;
      events.emit('histogram', `${prefix}.latency_ms`, latency);
      events.emit('histogram', `${prefix}.latency_ms.${where}`, latency);
      events.emit('histogram', `${prefix}.emit_latency_ms`, now - stamp.emittedAt);
      events.emit('counter', `${prefix}.latency_bucket.${bucketOf(latency)}`, 1);
      return true;
    },
  };
  return receiver;
}

export const perSenderEnabled = (plan: FanoutPlan) => Math.ceil(plan.params.connections / plan.params.groupSize) * plan.params.sendersPerGroup <= plan.params.perSenderLimit;

/**
 * Open model: message k is due at a fixed time whether or not the previous one was acknowledged. A
 * sender whose socket is down at that moment skips the message (counted): a send that never left
 * owes no delivery.
 */
export async function sendOnSchedule(
  socket: Socket,
  t: Target,
  plan: FanoutPlan,
  slot: number,
  instance: number,
  prefix: string,
  events: Events,
  window: SendWindow = { from: plan.startAt, until: plan.sendUntil, rate: plan.params.ratePerSender },
  onSent?: (intendedAt: number) => void,
): Promise<number> {
  const p = plan.params;
  const perSender = perSenderEnabled(plan);
  const conversationId = plan.conversations[Math.floor(slot / p.groupSize)];
  // A peer that was not connected when sending began is owed nothing: its deliveries are not deliverable, not lost.
  const allPeers = groupPeers(p, slot);
  const peers = presentPeers(plan, slot);
  const notDeliverable = allPeers.length - peers.length;
  const crossPeers = peers.filter((s) => slotInstance(plan.instances.length, s, plan.params.groupSize) !== instance).length;
  const acks: Array<Promise<void>> = [];
  // A message whose ack never came because its connection died (an instance killed under it) may or may
  // not have been stored: its deliveries are owed by nobody, so they are counted apart, not as lost.
  let drops = 0;
  const onDrop = () => drops++;
  socket.on('disconnect', onDrop);
  for (const { seq, intendedAt } of dueTimes(window, slot)) {
    if (!(await dueAndConnected(socket, { seq, intendedAt }, prefix, events))) continue;
    const emittedAt = Date.now();
    const dropsAtEmit = drops;
    const content = encodeStamp({ runId: plan.runId, senderSlot: slot, senderInstance: instance, seq, intendedAt: Math.round(intendedAt), emittedAt });
    for (const name of tagged(window, `${prefix}.sent`)) events.emit('counter', name, 1);
    onSent?.(intendedAt);
    events.emit('counter', `${prefix}.expected`, peers.length);
    if (notDeliverable) for (const name of tagged(window, `${prefix}.not_deliverable`)) events.emit('counter', name, notDeliverable);
    events.emit('counter', `${prefix}.expected.cross_instance`, crossPeers);
    events.emit('counter', `${prefix}.expected.same_instance`, peers.length - crossPeers);
    if (perSender) {
      events.emit('counter', `${HIDDEN_PREFIX}${prefix}.sender.${slot}.sent`, 1);
      events.emit('counter', `${HIDDEN_PREFIX}${prefix}.sender.${slot}.expected`, peers.length);
    }
    acks.push(
      socket
        .timeout(t.config.timeouts.actionMs)
        .emitWithAck(t.dialect.eventName('message:send'), { conversationId, content })
        .then(
          (ack: { success?: boolean } | undefined) => {
            for (const name of tagged(window, `${prefix}.ack_ms`)) events.emit('histogram', name, Date.now() - emittedAt);
            if (ack && ack.success === false) for (const name of tagged(window, `${prefix}.send_refused`)) events.emit('counter', name, 1);
            else for (const name of tagged(window, `${prefix}.acked`)) events.emit('counter', name, 1);
          },
          () => {
            if (drops !== dropsAtEmit || !socket.connected) {
              events.emit('counter', `${prefix}.unconfirmed_at_crash`, 1);
              events.emit('counter', `${prefix}.unconfirmed_at_crash.expected`, peers.length);
            } else tagged(window, `${prefix}.ack_timeout`).forEach((name) => events.emit('counter', name, 1));
          },
        ),
    );
  }
  await Promise.all(acks);
  socket.off('disconnect', onDrop);
  return nextSeq(window, slot);
}

/** What every scenario's VU has once it is connected: its slot, socket, receiver and conversation. */
export interface Vu {
  plan: FanoutPlan;
  slot: number;
  t: Target;
  instance: number;
  socket: Socket;
  receiver: Receiver;
  conversationId: string;
}

/** The peers of a slot that were connected when sending began (all of them without a connection phase). */
export function presentPeers(plan: FanoutPlan, slot: number): number[] {
  const absent = new Set(plan.absent ?? []);
  return groupPeers(plan.params, slot).filter((s) => !absent.has(s));
}

/** The plan as the connection phase ended it: the schedule moved to the real start, the absent slots named. */
export function startedPlan(plan: FanoutPlan, release: PhaseRelease): FanoutPlan {
  const shift = release.startAt - plan.startAt;
  return {
    ...plan,
    startAt: release.startAt,
    sendUntil: plan.sendUntil + shift,
    endAt: plan.endAt + shift,
    absent: release.absent,
    ...(plan.storm ? { storm: { ...plan.storm, at: plan.storm.at + shift } } : {}),
  };
}

/**
 * The life every scenario's VU shares: take its slot, wait for its turn to connect, open its socket on
 * its instance, report the handshake and wait for the end of the connection phase (every VU connected
 * or the deadline passed: src/load/connect-phase.ts); then count what reaches it, the scenario's part,
 * and wait out the drain. A VU that connects after sending began is a late joiner: counted with its
 * cause by the phase, it stays connected (its peers must not see it leave) and takes no other part.
 * A VU beyond the planned connections does nothing; a failure closes the socket and fails the VU.
 */
export async function runVu(context: VuContext, events: Events, opts: { prefix: string; hook: string; reconnection?: boolean }, body: (vu: Vu) => Promise<void>): Promise<void> {
  const { prefix } = opts;
  let plan = planOf(context, opts.hook);
  const slot = slotOf(context, plan, events, prefix);
  if (slot === undefined) return;
  dropPlaceholder(context);
  let socket: Socket | undefined;
  try {
    const t = await loadTarget();
    const instance = slotInstance(plan.instances.length, slot, plan.params.groupSize);
    const sourceAddress = sourceAddressOf(sourceAddressesOf(context.vars), slot);
    await admission(slot, instance);
    let readyMs = 0;
    try {
      socket = await openSocket(t, plan.instances[instance], slotUser(plan.runId, slot), events, { prefix, reconnection: opts.reconnection, sourceAddress, onReady: (ms) => (readyMs = ms) });
    } catch (err) {
      if (err instanceof ConnectFailure) await reportOutcome({ slot, instance, outcome: err.kind, reason: err.reason });
      throw err;
    }
    adoptSocket(context, socket);
    const receiver = createReceiver(plan, slot, instance, prefix, events, perSenderEnabled(plan));
    if (hasConnectPhase()) {
      const release = await reportOutcome({ slot, instance, outcome: 'connected', ms: Math.round(readyMs) });
      plan = startedPlan(plan, release);
      if (release.late) {
        events.emit('counter', `${prefix}.late_join`, 1);
        await sleepUntil(plan.endAt);
        return;
      }
      socket.on(t.dialect.eventName('message:new'), (m) => receiver.deliver(m, 'live'));
    } else {
      socket.on(t.dialect.eventName('message:new'), (m) => receiver.deliver(m, 'live'));
      await catchUpIfLate(socket, t, plan, slot, receiver, prefix, events);
    }
    await body({ plan, slot, t, instance, socket, receiver, conversationId: plan.conversations[Math.floor(slot / plan.params.groupSize)] });
    await sleepUntil(plan.endAt);
    recordLoopLag(events);
  } catch (err) {
    events.emit('counter', `${prefix}.vu_failed`, 1);
    socket?.close();
    throw err;
  }
}

/** The fan-out VU: connect, listen, send on schedule (senders), drain. */
export async function fanoutVu(context: VuContext, events: Events): Promise<void> {
  await runVu(context, events, { prefix: 'fanout', hook: 'gatecheckFanoutPlan' }, async ({ plan, slot, t, instance, socket }) => {
    if (isSender(plan.params, slot)) await sendOnSchedule(socket, t, plan, slot, instance, 'fanout', events);
  });
}

/** Asks messages:sync for what followed `lastMessageId` (or everything) and counts the new ones. */
export async function syncInto(socket: Socket, t: Target, conversationId: string, lastMessageId: string | undefined, receiver: Pick<Receiver, 'deliver'>, via: 'sync' | 'catch-up' | 'cut-at-crash', prefix: string, events: Events): Promise<void> {
  try {
    const payload = lastMessageId ? { conversationId, lastMessageId } : { conversationId };
    const ack = (await socket.timeout(t.config.timeouts.actionMs).emitWithAck(t.dialect.eventName('messages:sync'), payload)) as { messages?: unknown[] } | undefined;
    events.emit('counter', `${prefix}.syncs`, 1);
    for (const m of ack?.messages ?? []) receiver.deliver(m as Record<string, unknown>, via);
  } catch {
    events.emit('counter', `${prefix}.sync_failed`, 1);
  }
}

/**
 * Without a connection phase (a plain `artillery run`), a receiver that became ready after sending
 * began (Artillery's workers start a little after the `before` hook fixed the schedule, so the last
 * arrivals can be late) fetches what it missed with messages:sync. Those deliveries count, without a latency (`PREFIX.late_join_synced`): they measure
 * the generator's start, not the server, and the summary says so.
 */
export async function catchUpIfLate(socket: Socket, t: Target, plan: FanoutPlan, slot: number, receiver: Receiver, prefix: string, events: Events): Promise<void> {
  if (Date.now() < plan.startAt) return;
  events.emit('counter', `${prefix}.late_join`, 1);
  await syncInto(socket, t, plan.conversations[Math.floor(slot / plan.params.groupSize)], undefined, receiver, 'catch-up', prefix, events);
}
