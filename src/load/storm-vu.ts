import { fanoutPlan, presentPeers, runVu, sendOnSchedule, syncInto } from './fanout-vu.js';
import { isSender, slotUser, type FanoutPlan, type StormSchedule } from './plan.js';
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

    const reconnects = watchReconnects(s, readyEventOf(t), events, t.config.timeouts.connectMs, async () => {
      await syncInto(s, t, conversationId, receiver.lastMessageId, receiver, 'sync', 'storm', events);
      return true;
    });

    const sender = isSender(plan.params, slot);
    const sending = sender ? sendOnSchedule(s, t, plan, slot, instance, 'storm', events, undefined, countSentDuringOutage(storm, events)) : Promise.resolve();
    if (storm.mode === 'transport') {
      await sleepUntil(storm.at);
      // Senders come back after the usual short delay, receivers only after the outage: what the senders
      // send meanwhile is missed live by construction, so messages:sync always has something to recover.
      cutTransport(s, sender ? undefined : { outageMs: storm.outageMs, spreadMs: storm.reconnectSpreadMs ?? 0 });
    }
    await sending;
    await sleepUntil(plan.endAt - 300);
    await reconnects.finishing();
    await reconnects.settled();
    if (reconnects.down() || !s.connected) events.emit('counter', 'reconnect.failed', 1);
    if (storm.mode === 'instance') await syncCutAtCrash(s, t, plan, conversationId, receiver, events);
    const staleOffline = [...lastPresence.values()].filter((v) => v === 'offline').length;
    if (staleOffline) events.emit('counter', 'presence.stale_offline', staleOffline);
    events.emit('counter', 'presence.peers_checked', peers.size);
    await sleepUntil(plan.endAt);
    reconnects.stop();
  });
}

/** When a storm's client dropped and when it was back (its rejoin or sync done), and whether it is down now. */
export interface Reconnects {
  /**
   * A client still on its way back at the end: its retry gets the target's connect timeout, as a first
   * handshake does, before it counts as failed (only such a client stays past the drain).
   */
  finishing(): Promise<void>;
  /** Resolves once the current comeback's work (sync, rejoin) is done. */
  settled(): Promise<void>;
  down(): boolean;
  /** The outages that ended: from the drop to the end of the comeback's work (epoch ms). */
  outages: Array<{ from: number; to: number }>;
  /** The VU's own close at the end is no storm. */
  stop(): void;
}

/**
 * Watches a storm VU's socket: a drop is counted (`reconnect.disconnected`), the time to be ready again
 * measured (`reconnect.time_ms`, and `reconnect.handshake_ms` from the start of the retry that worked,
 * whatever the backoff waited), a session Socket.IO recovered counted, then `comeback` runs (chat:
 * messages:sync; Kraken: joinAll and presenceOnline again); the client is back once it says so. Each
 * retry gets the target's connect timeout, as the first handshake did.
 */
export function watchReconnects(s: Socket, readyEvent: string, events: Events, connectMs: number, comeback: () => Promise<boolean>): Reconnects {
  let downSince: number | undefined;
  let attemptSince: number | undefined;
  s.io.timeout(connectMs);
  s.io.on('reconnect_attempt', () => (attemptSince = performance.now()));
  let downAt = 0;
  let stopped = false;
  let work = Promise.resolve();
  const outages: Reconnects['outages'] = [];
  s.on('disconnect', () => {
    if (downSince !== undefined || stopped) return;
    downSince = performance.now();
    downAt = Date.now();
    events.emit('counter', 'reconnect.disconnected', 1);
  });
  s.on(readyEvent, () => {
    if (downSince === undefined || stopped) return;
    const now = performance.now();
    events.emit('histogram', 'reconnect.time_ms', now - downSince);
    if (attemptSince !== undefined) events.emit('histogram', 'reconnect.handshake_ms', now - attemptSince);
    attemptSince = undefined;
    events.emit('counter', 'reconnect.reconnected', 1);
    if (s.recovered) events.emit('counter', 'reconnect.recovered', 1);
    work = comeback().then((back) => {
      if (!back) return;
      outages.push({ from: downAt, to: Date.now() });
      downSince = undefined;
    });
  });
  return {
    finishing: () => (downSince !== undefined && attemptSince !== undefined ? readyWithin(s, readyEvent, attemptSince + connectMs - performance.now()) : Promise.resolve()),
    settled: () => work,
    down: () => downSince !== undefined,
    outages,
    stop: () => void (stopped = true),
  };
}

/**
 * Drops the engine.io transport as a network drop would; socket.io-client reconnects by itself, after
 * its usual short randomized delay, or, for a client that stays away for the outage, at a moment drawn
 * within the spread after it, as real clients' randomized backoff spreads them (a retry that fails
 * waits twice as long).
 */
export function cutTransport(s: Socket, away?: { outageMs: number; spreadMs: number }): void {
  if (away) {
    const delay = receiverRetryDelayMs(away.outageMs, away.spreadMs, Math.random());
    s.io.reconnectionDelay(delay).reconnectionDelayMax(2 * delay).randomizationFactor(0);
  }
  s.io.engine.close();
}

/** Counts the messages sent while the storm's outage lasts (`storm.sent_during_outage`). */
export const countSentDuringOutage = (storm: StormSchedule, events: Events) => (at: number) => at >= storm.at && at < storm.at + storm.outageMs && events.emit('counter', 'storm.sent_during_outage', 1);

/** How long before the kill a message may have been stored, and acknowledged, without its broadcast having left. */
export const CRASH_WINDOW_MS = 1000;

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
