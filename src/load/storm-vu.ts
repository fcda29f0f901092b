import { fanoutPlan, presentPeers, runVu, sendOnSchedule, syncInto } from './fanout-vu.js';
import { isSender, slotUser, type FanoutPlan, type StormSchedule } from './plan.js';
import { decodeStamp } from './stamp.js';
import type { Receiver } from './fanout-vu.js';
import { readyEventOf, sleepUntil, type Events, type Target, type VuContext } from './vu-kit.js';
import type { Socket } from 'socket.io-client';

/** How long a restarted reference instance and its clients' retries may take, beyond the outage. */
const INSTANCE_RESTART_GRACE_MS = 8000;

/** Storm knobs (scenario variables): mode, when after the first send, how long an instance (or the receivers) stay down. */
export function stormSchedule(vars: Record<string, unknown>, plan: FanoutPlan): FanoutPlan {
  const mode = vars.stormMode === 'instance' ? 'instance' : 'transport';
  const after = Number(vars.stormAfterSeconds ?? 3) * 1000;
  const outageMs = Number(vars.outageSeconds ?? 2) * 1000;
  const instance = Math.min(plan.instances.length - 1, Math.max(0, Number(vars.stormInstance ?? plan.instances.length - 1)));
  // A killed instance's clients are back only after the outage, the restart (a node process, seconds
  // on a busy machine) and their next retry: the drain leaves them that time before judging them failed.
  const endAt = mode === 'instance' ? Math.max(plan.endAt, plan.sendUntil + outageMs + INSTANCE_RESTART_GRACE_MS) : plan.endAt;
  return { ...plan, endAt, storm: { mode, at: plan.startAt + after, instance, outageMs } };
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

    const reconnects = watchReconnects(s, readyEventOf(t), events, async () => {
      await syncInto(s, t, conversationId, receiver.lastMessageId, receiver, 'sync', 'storm', events);
      return true;
    });

    const sender = isSender(plan.params, slot);
    const sending = sender ? sendOnSchedule(s, t, plan, slot, instance, 'storm', events, undefined, countSentDuringOutage(storm, events)) : Promise.resolve();
    if (storm.mode === 'transport') {
      await sleepUntil(storm.at);
      // Senders come back after the usual short delay, receivers only after the outage: what the senders
      // send meanwhile is missed live by construction, so messages:sync always has something to recover.
      cutTransport(s, sender ? undefined : storm.outageMs);
    }
    await sending;
    await sleepUntil(plan.endAt - 300);
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
 * measured (`reconnect.time_ms`), a session Socket.IO recovered counted, then `comeback` runs (chat:
 * messages:sync; Kraken: joinAll and presenceOnline again); the client is back once it says so.
 */
export function watchReconnects(s: Socket, readyEvent: string, events: Events, comeback: () => Promise<boolean>): Reconnects {
  let downSince: number | undefined;
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
    events.emit('histogram', 'reconnect.time_ms', performance.now() - downSince);
    events.emit('counter', 'reconnect.reconnected', 1);
    if (s.recovered) events.emit('counter', 'reconnect.recovered', 1);
    work = comeback().then((back) => {
      if (!back) return;
      outages.push({ from: downAt, to: Date.now() });
      downSince = undefined;
    });
  });
  return { settled: () => work, down: () => downSince !== undefined, outages, stop: () => void (stopped = true) };
}

/**
 * Drops the engine.io transport as a network drop would; socket.io-client reconnects by itself, after
 * `awayMs` when given (a receiver that stays away for the outage) or its usual short delay.
 */
export function cutTransport(s: Socket, awayMs?: number): void {
  if (awayMs !== undefined) s.io.reconnectionDelay(awayMs).reconnectionDelayMax(awayMs).randomizationFactor(0);
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
