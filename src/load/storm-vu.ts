import type { Socket } from 'socket.io-client';
import { catchUpIfLate, createReceiver, fanoutPlan, perSenderEnabled, planOf, sendOnSchedule, slotOf } from './fanout-vu.js';
import { groupPeers, isSender, slotInstance, slotUser, type FanoutPlan } from './plan.js';
import { adoptSocket, loadTarget, openSocket, readyEventOf, recordLoopLag, sleepUntil, type Events, type VuContext } from './vu-kit.js';

/** Storm knobs (scenario variables): mode, when after the first send, how long an instance stays down. */
export function stormSchedule(vars: Record<string, unknown>, plan: FanoutPlan): FanoutPlan {
  const mode = vars.stormMode === 'instance' ? 'instance' : 'transport';
  const after = Number(vars.stormAfterSeconds ?? 3) * 1000;
  const outageMs = Number(vars.outageSeconds ?? 2) * 1000;
  const instance = Math.min(plan.instances.length - 1, Math.max(0, Number(vars.stormInstance ?? plan.instances.length - 1)));
  return { ...plan, storm: { mode, at: plan.startAt + after, instance, outageMs } };
}

/** `before` hook of the storm: the fan-out plan plus when the storm hits. */
export async function stormPlan(context: VuContext): Promise<void> {
  await fanoutPlan(context, (plan) => stormSchedule(context.vars, plan));
}

/**
 * A storm VU: connected and in its conversation, messages flowing; at the storm its transport drops
 * (transport mode: the VU drops it; instance mode: the CLI kills the instance under it). socket.io-client
 * reconnects by itself; the VU measures how long that took, whether Socket.IO recovered the session,
 * then asks `messages:sync` for what it missed. At the end it checks the presence it saw of its peers.
 */
export async function stormVu(context: VuContext, events: Events): Promise<void> {
  const plan = planOf(context, 'gatecheckStormPlan');
  const storm = plan.storm!;
  const slot = slotOf(context, plan, events, 'storm');
  if (slot === undefined) return;
  let socket: Socket | undefined;
  try {
    const t = await loadTarget();
    const instance = slotInstance(plan.instances.length, slot, plan.params.groupSize);
    socket = await openSocket(t, plan.instances[instance], slotUser(plan.runId, slot), events, { prefix: 'storm', reconnection: true });
    adoptSocket(context, socket);
    const s = socket;
    const conversationId = plan.conversations[Math.floor(slot / plan.params.groupSize)];
    const receiver = createReceiver(plan, slot, instance, 'storm', events, perSenderEnabled(plan));
    s.on(t.dialect.eventName('message:new'), (m) => receiver.deliver(m, 'live'));
    await catchUpIfLate(s, t, plan, slot, receiver, 'storm', events);

    // What this VU last heard about each peer: at the end every peer is connected, so none may be offline.
    const peers = new Set(groupPeers(plan.params, slot).map((p) => slotUser(plan.runId, p)));
    const lastPresence = new Map<string, 'online' | 'offline'>();
    const presence = (state: 'online' | 'offline') => (p: { userId?: string; conversationId?: string } | undefined) => {
      if (p?.userId && peers.has(p.userId) && (p.conversationId === undefined || p.conversationId === conversationId)) lastPresence.set(p.userId, state);
    };
    s.on(t.dialect.eventName('user:online'), presence('online'));
    s.on(t.dialect.eventName('user:offline'), presence('offline'));

    let downSince: number | undefined;
    let finished = false;
    let reconnecting = Promise.resolve();
    s.on('disconnect', () => {
      if (downSince !== undefined || finished) return;
      downSince = performance.now();
      events.emit('counter', 'reconnect.disconnected', 1);
    });
    s.on(readyEventOf(t), () => {
      if (downSince === undefined) return;
      events.emit('histogram', 'reconnect.time_ms', performance.now() - downSince);
      events.emit('counter', 'reconnect.reconnected', 1);
      if (s.recovered) events.emit('counter', 'reconnect.recovered', 1);
      downSince = undefined;
      reconnecting = syncMissed(s, t.dialect.eventName('messages:sync'), conversationId, receiver, t.config.timeouts.actionMs, events);
    });

    // The outage: from the storm until the killed instance is back (instance mode) or the usual reconnect delay.
    const outageEnd = storm.at + (storm.mode === 'instance' ? storm.outageMs : 1000);
    const duringOutage = (at: number) => at >= storm.at && at < outageEnd && events.emit('counter', 'storm.sent_during_outage', 1);
    const sending = isSender(plan.params, slot) ? sendOnSchedule(s, t, plan, slot, instance, 'storm', events, undefined, duringOutage) : Promise.resolve();
    if (storm.mode === 'transport') {
      await sleepUntil(storm.at);
      // The engine.io transport goes away as on a network drop; the Socket.IO client reconnects by itself.
      s.io.engine.close();
    }
    await sending;
    await sleepUntil(plan.endAt - 300);
    await reconnecting;
    if (downSince !== undefined || !s.connected) events.emit('counter', 'reconnect.failed', 1);
    const staleOffline = [...lastPresence.values()].filter((v) => v === 'offline').length;
    if (staleOffline) events.emit('counter', 'presence.stale_offline', staleOffline);
    events.emit('counter', 'presence.peers_checked', peers.size);
    await sleepUntil(plan.endAt);
    finished = true;
    recordLoopLag(events);
  } catch (err) {
    events.emit('counter', 'storm.vu_failed', 1);
    socket?.close();
    throw err;
  }
}

/** After a reconnect: what the VU missed, asked of messages:sync from the last message it saw. */
async function syncMissed(socket: Socket, event: string, conversationId: string, receiver: ReturnType<typeof createReceiver>, timeoutMs: number, events: Events): Promise<void> {
  try {
    const payload = receiver.lastMessageId ? { conversationId, lastMessageId: receiver.lastMessageId } : { conversationId };
    const ack = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as { messages?: unknown[] } | undefined;
    events.emit('counter', 'storm.syncs', 1);
    for (const m of ack?.messages ?? []) receiver.deliver(m as Record<string, unknown>, 'sync');
  } catch {
    events.emit('counter', 'storm.sync_failed', 1);
  }
}
