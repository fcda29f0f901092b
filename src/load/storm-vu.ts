import { fanoutPlan, presentPeers, runVu, sendOnSchedule, syncInto } from './fanout-vu.js';
import { isSender, slotUser, type FanoutPlan } from './plan.js';
import { decodeStamp } from './stamp.js';
import type { Receiver } from './fanout-vu.js';
import { readyEventOf, sleepUntil, type Events, type Target, type VuContext } from './vu-kit.js';
import type { Socket } from 'socket.io-client';

/** How long a restarted reference instance and its clients' retries may take, beyond the outage. */
const INSTANCE_RESTART_GRACE_MS = 8000;

/** How long a transport storm's last receivers may take to reconnect and sync, beyond the outage and the spread. */
const RECEIVER_RETURN_GRACE_MS = 3000;

/**
 * socket.io-client's own first retry (reconnectionDelay 1000 ms, randomizationFactor 0.5) falls
 * uniformly between 500 and 1500 ms after a drop: clients that lost their connection together come
 * back spread over a second, not in one tick.
 */
export const DEFAULT_RECONNECT_SPREAD_SECONDS = 1;

/**
 * When a receiver of the transport storm retries: never before the outage ends (what is sent meanwhile
 * is missed live by construction), then uniformly within the spread, as clients with randomized
 * backoff do. `u` is a uniform draw in [0, 1).
 */
export const receiverRetryDelayMs = (outageMs: number, spreadMs: number, u: number): number => outageMs + Math.floor(u * spreadMs);

/** Storm knobs (scenario variables): mode, when after the first send, how long an instance (or the receivers) stay down, the receivers' retry spread. */
export function stormSchedule(vars: Record<string, unknown>, plan: FanoutPlan): FanoutPlan {
  const mode = vars.stormMode === 'instance' ? 'instance' : 'transport';
  const after = Number(vars.stormAfterSeconds ?? 3) * 1000;
  const outageMs = Number(vars.outageSeconds ?? 2) * 1000;
  const spread = Number(vars.reconnectSpreadSeconds ?? DEFAULT_RECONNECT_SPREAD_SECONDS);
  const reconnectSpreadMs = Number.isFinite(spread) && spread >= 0 ? spread * 1000 : DEFAULT_RECONNECT_SPREAD_SECONDS * 1000;
  const instance = Math.min(plan.instances.length - 1, Math.max(0, Number(vars.stormInstance ?? plan.instances.length - 1)));
  const at = plan.startAt + after;
  // A killed instance's clients are back only after the outage, the restart (a node process, seconds
  // on a busy machine) and their next retry; a transport storm's last receivers retry at the end of the
  // spread, then get ready and sync: the drain leaves them that time (a client still on its way back
  // at the end waits for its retry's connect timeout on its own, see stormVu).
  const endAt =
    mode === 'instance'
      ? Math.max(plan.endAt, plan.sendUntil + outageMs + INSTANCE_RESTART_GRACE_MS)
      : Math.max(plan.endAt, at + outageMs + reconnectSpreadMs + RECEIVER_RETURN_GRACE_MS);
  return { ...plan, endAt, storm: { mode, at, instance, outageMs, reconnectSpreadMs } };
}

/** Resolves when the socket is ready again or after `ms`, whichever comes first. */
function readyWithin(socket: Socket, readyEvent: string, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => (clearTimeout(timer), socket.off(readyEvent, done), resolve());
    const timer = setTimeout(done, ms);
    socket.on(readyEvent, done);
  });
}

/** `before` hook of the storm: the fan-out plan plus when the storm hits. */
export async function stormPlan(context: VuContext): Promise<void> {
  await fanoutPlan(context, (plan) => stormSchedule(context.vars, plan));
}

/**
 * A storm VU: connected and in its conversation, messages flowing; at the storm its transport drops
 * (transport mode: the VU drops it, and a receiver stays away for the outage; instance mode: the CLI
 * kills the instance under it). socket.io-client reconnects by itself; the VU measures how long that
 * took, whether Socket.IO recovered the session, then asks `messages:sync` for what it missed. At the
 * end it checks the presence it saw of its peers.
 */
export async function stormVu(context: VuContext, events: Events): Promise<void> {
  await runVu(context, events, { prefix: 'storm', hook: 'gatecheckStormPlan', reconnection: true }, async ({ plan, slot, t, instance, socket: s, receiver, conversationId }) => {
    const storm = plan.storm!;
    // What this VU last heard about each peer: at the end every peer is connected, so none may be offline.
    const peers = new Set(presentPeers(plan, slot).map((p) => slotUser(plan.runId, p)));
    const lastPresence = new Map<string, 'online' | 'offline'>();
    const presence = (state: 'online' | 'offline') => (p: { userId?: string; conversationId?: string } | undefined) => {
      if (p?.userId && peers.has(p.userId) && (p.conversationId === undefined || p.conversationId === conversationId)) lastPresence.set(p.userId, state);
    };
    s.on(t.dialect.eventName('user:online'), presence('online'));
    s.on(t.dialect.eventName('user:offline'), presence('offline'));

    let downSince: number | undefined;
    let attemptSince: number | undefined;
    let finished = false;
    let reconnecting = Promise.resolve();
    s.on('disconnect', () => {
      if (downSince !== undefined || finished) return;
      downSince = performance.now();
      events.emit('counter', 'reconnect.disconnected', 1);
    });
    // The server's part of a reconnect: from the start of the retry that worked to ready, whatever the
    // backoff waited. A retry gets the target's connect timeout, as the first handshake did, then the next one.
    s.io.timeout(t.config.timeouts.connectMs);
    s.io.on('reconnect_attempt', () => (attemptSince = performance.now()));
    s.on(readyEventOf(t), () => {
      if (downSince === undefined) return;
      const now = performance.now();
      events.emit('histogram', 'reconnect.time_ms', now - downSince);
      if (attemptSince !== undefined) events.emit('histogram', 'reconnect.handshake_ms', now - attemptSince);
      attemptSince = undefined;
      events.emit('counter', 'reconnect.reconnected', 1);
      if (s.recovered) events.emit('counter', 'reconnect.recovered', 1);
      downSince = undefined;
      reconnecting = syncInto(s, t, conversationId, receiver.lastMessageId, receiver, 'sync', 'storm', events);
    });

    // The outage: from the storm until the killed instance is back (instance mode) or the receivers are (transport mode).
    const outageEnd = storm.at + storm.outageMs;
    const duringOutage = (at: number) => at >= storm.at && at < outageEnd && events.emit('counter', 'storm.sent_during_outage', 1);
    const sender = isSender(plan.params, slot);
    const sending = sender ? sendOnSchedule(s, t, plan, slot, instance, 'storm', events, undefined, duringOutage) : Promise.resolve();
    if (storm.mode === 'transport') {
      await sleepUntil(storm.at);
      // Senders come back after the usual short delay (socket.io-client's, randomized), receivers only
      // after the outage: what the senders send meanwhile is missed live by construction, so
      // messages:sync always has something to recover. Each receiver's retry falls somewhere in the
      // spread, as real clients' randomized backoff spreads them; a retry that fails waits twice as long.
      if (!sender) {
        const delay = receiverRetryDelayMs(storm.outageMs, storm.reconnectSpreadMs ?? 0, Math.random());
        s.io.reconnectionDelay(delay).reconnectionDelayMax(2 * delay).randomizationFactor(0);
      }
      // The engine.io transport goes away as on a network drop; the Socket.IO client reconnects by itself.
      s.io.engine.close();
    }
    await sending;
    await sleepUntil(plan.endAt - 300);
    // Still on its way back: its retry gets the target's connect timeout, as a first handshake does,
    // before the client counts as failed (only such a client stays past the drain).
    if (downSince !== undefined && attemptSince !== undefined) await readyWithin(s, readyEventOf(t), attemptSince + t.config.timeouts.connectMs - performance.now());
    await reconnecting;
    if (downSince !== undefined || !s.connected) events.emit('counter', 'reconnect.failed', 1);
    if (storm.mode === 'instance') await syncCutAtCrash(s, t, plan, conversationId, receiver, events);
    const staleOffline = [...lastPresence.values()].filter((v) => v === 'offline').length;
    if (staleOffline) events.emit('counter', 'presence.stale_offline', staleOffline);
    events.emit('counter', 'presence.peers_checked', peers.size);
    await sleepUntil(plan.endAt);
    finished = true;
  });
}

/** How long before the kill a message may have been stored, and acknowledged, without its broadcast having left. */
const CRASH_WINDOW_MS = 1000;

/**
 * A gateway stores a message, hands its broadcast to the Redis adapter (which publishes without
 * waiting) and acknowledges: a SIGKILL in between leaves a stored message that no client of another
 * instance ever gets live, and one that stayed connected has no reason to ask messages:sync. Such a
 * message, sent from the killed instance within CRASH_WINDOW_MS of the kill, is fetched by every VU
 * once at the end and counted apart (`storm.cut_at_crash`), as unconfirmed_at_crash is; any other
 * message still missing stays lost.
 */
async function syncCutAtCrash(socket: Socket, t: Target, plan: FanoutPlan, conversationId: string, receiver: Receiver, events: Events): Promise<void> {
  const storm = plan.storm!;
  const cutAtCrash = (m: { content?: unknown } | undefined) => {
    const stamp = decodeStamp(m?.content, plan.runId);
    return Boolean(stamp && stamp.senderInstance === storm.instance && stamp.emittedAt >= storm.at - CRASH_WINDOW_MS && stamp.emittedAt <= storm.at + CRASH_WINDOW_MS);
  };
  const filtered = { deliver: (m: Parameters<Receiver['deliver']>[0], via: Parameters<Receiver['deliver']>[1]) => cutAtCrash(m) && receiver.deliver(m, via) };
  if (socket.connected) await syncInto(socket, t, conversationId, undefined, filtered, 'cut-at-crash', 'storm', events);
}
