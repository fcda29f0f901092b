import type { Socket } from 'socket.io-client';
import { planOf, slotOf } from '../fanout-vu.js';
import { slotInstance } from '../plan.js';
import { sourceAddressesOf, sourceAddressOf } from '../source-addresses.js';
import { loadTarget, recordLoopLag, sleepUntil, type Events, type Target, type VuContext } from '../vu-kit.js';
import { heartbeat, joinKraken, openKrakenSocket } from './connect.js';
import { krakenPlanHook } from './kraken-vu.js';
import { krakenEmit, krakenEmitWithAck } from './outbound.js';
import { slotUserId, worldOf, type KrakenPlan } from './plan.js';
import { PresenceTally } from './presence-tally.js';
import { churningUsers, churnsVoice, isObserver, presenceSchedule, socketWindow, type ChurningUser, type PresenceSchedule } from './presence-plan.js';

type PresencePlan = KrakenPlan & { presence: PresenceSchedule };
const HOOK = 'gatecheckKrakenPresencePlan';
/** An explicit voice_channel_leave goes out this long before the socket closes, so the two are told apart. */
const VOICE_LEAVE_LEAD_MS = 250;

/** `before` hook of kraken-presence-storm.yml: worlds (one per group, provisioned), the cycles. */
export async function krakenPresencePlan(context: VuContext): Promise<void> {
  await krakenPlanHook(context, (plan) => {
    if (plan.worlds.length === 1 && plan.params.connections > plan.params.groupSize) {
      throw new Error('presence-storm needs distinct users per group of VUs: a target with kraken.world.provision, not a fixed world');
    }
    const presence = presenceSchedule(context.vars, plan);
    const sendUntil = presence.firstAt + presence.cycles * presence.cycleMs;
    return { ...plan, presence, sendUntil, endAt: sendUntil + plan.params.drainSeconds * 1000 };
  });
}

/** The presence-storm VU: position 0 of a group observes, the others churn. */
export async function krakenPresenceVu(context: VuContext, events: Events): Promise<void> {
  const plan = planOf(context, HOOK) as PresencePlan;
  const slot = slotOf(context, plan, events, 'presence');
  if (slot === undefined) return;
  const t = await loadTarget();
  const url = plan.instances[slotInstance(plan.instances.length, slot, plan.params.groupSize)];
  const sourceAddress = sourceAddressOf(sourceAddressesOf(context.vars), slot);
  try {
    if (isObserver(plan, slot)) await observe(plan, slot, t, url, sourceAddress, events);
    else await churn(plan, slot, t, url, sourceAddress, events);
    recordLoopLag(events);
  } catch (err) {
    events.emit('counter', 'presence.vu_failed', 1);
    throw err;
  }
}

/** Connects, joins and leaves once per cycle at its scheduled times; the member's first socket also joins and leaves voice. */
async function churn(plan: PresencePlan, slot: number, t: Target, url: string, sourceAddress: string | undefined, events: Events): Promise<void> {
  const world = worldOf(plan, slot);
  const userId = slotUserId(plan, slot);
  const voice = churnsVoice(plan, slot);
  for (let c = 0; c < plan.presence.cycles; c++) {
    const { on, off } = socketWindow(plan, plan.presence, slot, c);
    await sleepUntil(on);
    let socket: Socket | undefined;
    let stopHeartbeat = () => {};
    try {
      socket = await openKrakenSocket(t, plan, slot, url, userId, { prefix: 'presence', events, sourceAddress, paced: false });
      await joinKraken(socket, t, world.communityId, userId);
      stopHeartbeat = heartbeat(socket, t, plan);
      events.emit('counter', 'presence.cycles', 1);
      if (voice) {
        await krakenEmitWithAck(socket, t, 'voice_channel_join', { channelId: world.channels.voice });
        events.emit('counter', 'voice.joins', 1);
        // Alternate, the last cycle leaving by closing: a gateway that skips the cleanup on close then still lists it.
        if ((plan.presence.cycles - 1 - c) % 2 === 1) {
          await sleepUntil(off - VOICE_LEAVE_LEAD_MS);
          krakenEmit(socket, t, 'voice_channel_leave', { channelId: world.channels.voice });
          events.emit('counter', 'voice.leaves_by_event', 1);
        } else events.emit('counter', 'voice.leaves_by_close', 1);
      }
      await sleepUntil(off);
    } catch (err) {
      // One failed cycle is counted; the socket's next cycle still runs.
      events.emit('counter', 'presence.churn_failed', 1);
      process.stderr.write(`gatecheck: presence churn of slot ${slot}, cycle ${c}: ${(err as Error).message}\n`);
    } finally {
      stopHeartbeat();
      socket?.close();
    }
  }
}

/**
 * Stays connected the whole run and holds a view of every churning user (online or offline) and of its
 * world's voice channel. Each cycle it is owed one userOnline and one userOffline per churning user, and
 * one voiceChannelUserJoined and voiceChannelUserLeft for its world's voice churner: received ones are
 * timed from the scheduled connect / last close; a userOffline about a user who still had a socket
 * connected is stale (offline while connected, counted at the end against the schedule's cycles); at
 * the end, a user still online in its view is stale
 * (online after leaving), as is a voice participant still listed.
 */
async function observe(plan: PresencePlan, slot: number, t: Target, url: string, sourceAddress: string | undefined, events: Events): Promise<void> {
  const s = plan.presence;
  const userId = slotUserId(plan, slot);
  const world = worldOf(plan, slot);
  const myWorld = plan.worlds.indexOf(world);
  const users = churningUsers(plan, s);
  const seen = { online: new Map<string, Set<number>>(), offline: new Map<string, Set<number>>(), voiceJoined: 0, voiceLeft: 0 };
  /** Per churning user: the observer's view of it and the userOffline events to judge. */
  const heard = new Map<string, PresenceTally>();
  const heardOf = (userId: string) => heard.get(userId) ?? heard.set(userId, new PresenceTally()).get(userId)!;
  const voiceView = new Set<string>();
  const voiceChurner = [...users.values()].find((u) => u.voice && u.world === myWorld);
  const stable = new Set(plan.worlds.map((w) => w.users.owner));
  /** The latest cycle whose moment has come, or -1. */
  const cycleAt = (u: ChurningUser, at: (c: number) => number, now: number) => {
    for (let c = s.cycles - 1; c >= 0; c--) if (at(c) <= now) return c;
    return -1;
  };
  const count = (kind: 'online' | 'offline', u: ChurningUser, now: number) => {
    const c = cycleAt(u, kind === 'online' ? u.online : u.offline, now);
    if (c < 0) return;
    const got = seen[kind].get(u.userId) ?? new Set<number>();
    seen[kind].set(u.userId, got);
    if (got.has(c)) return;
    got.add(c);
    const latency = now - (kind === 'online' ? u.online(c) : u.offline(c));
    events.emit('counter', `presence.${kind}.received`, 1);
    events.emit('histogram', `presence.latency_ms.${kind}`, latency);
    events.emit('histogram', 'presence.latency_ms', latency);
  };

  const socket = await openKrakenSocket(t, plan, slot, url, userId, { prefix: 'presence', events, sourceAddress });
  // Voice events reach the voice channel's participants only (module.md's voice room): to hear its world's
  // voice churner come and go, the observer sits in the voice channel itself.
  if (voiceChurner) await krakenEmitWithAck(socket, t, 'voice_channel_join', { channelId: world.channels.voice });
  socket.on(t.dialect.eventName('userOnline'), (p: { userId?: string } | undefined) => {
    const u = p?.userId ? users.get(p.userId) : undefined;
    if (!u) return;
    heardOf(u.userId).online();
    count('online', u, Date.now());
  });
  // Offline while connected: any userOffline about an owner (it stays connected) until the tally, when the
  // observers start to leave (another observer's close is its owner going offline, rightly); for a
  // churning user, judged at the end against the schedule's cycles, without timing (PresenceTally).
  let judging = true;
  socket.on(t.dialect.eventName('userOffline'), (p: { userId?: string } | undefined) => {
    if (!p?.userId) return;
    if (stable.has(p.userId) && judging) events.emit('counter', 'presence.stale_offline', 1);
    const u = users.get(p.userId);
    if (!u) return;
    heardOf(u.userId).offline();
    count('offline', u, Date.now());
  });
  socket.on(t.dialect.eventName('voiceChannelUserJoined'), (p: { channelId?: string; user?: { id?: string } } | undefined) => {
    if (p?.channelId !== world.channels.voice || !voiceChurner || p.user?.id !== voiceChurner.userId) return;
    voiceView.add(voiceChurner.userId);
    seen.voiceJoined++;
  });
  socket.on(t.dialect.eventName('voiceChannelUserLeft'), (p: { channelId?: string; userId?: string } | undefined) => {
    if (p?.channelId !== world.channels.voice || !voiceChurner || p.userId !== voiceChurner.userId) return;
    voiceView.delete(voiceChurner.userId);
    seen.voiceLeft++;
  });
  await joinKraken(socket, t, world.communityId, userId);
  const joinedAt = Date.now();
  const stopHeartbeat = heartbeat(socket, t, plan);
  try {
    await sleepUntil(plan.endAt - 300);
    judging = false;
    // An observer that joined late (a slow generator start) is owed only what happened after it joined.
    const tally = (kind: 'online' | 'offline') => {
      let owed = 0;
      let got = 0;
      for (const u of users.values()) {
        for (let c = 0; c < s.cycles; c++) {
          if ((kind === 'online' ? u.online(c) : u.offline(c)) < joinedAt) continue;
          owed++;
          if (seen[kind].get(u.userId)?.has(c)) got++;
        }
      }
      return { owed, got, notDeliverable: users.size * s.cycles - owed };
    };
    const online = tally('online');
    const offline = tally('offline');
    for (const name of ['presence.online.received', 'presence.offline.received']) events.emit('counter', name, 0);
    events.emit('counter', 'presence.online.expected', online.owed);
    events.emit('counter', 'presence.offline.expected', offline.owed);
    events.emit('counter', 'presence.not_deliverable', online.notDeliverable + offline.notDeliverable);
    events.emit('counter', 'presence.lost', online.owed - online.got + (offline.owed - offline.got));
    events.emit('counter', 'presence.stale_online', [...heard.values()].filter((h) => h.lastSaid === 'online').length);
    events.emit('counter', 'presence.stale_offline', [...heard.values()].reduce((n, h) => n + h.staleOffline(s.cycles), 0));
    events.emit('counter', 'presence.observers', 1);
    const voiceOwed = voiceChurner ? s.cycles : 0;
    events.emit('counter', 'voice.joined.expected', voiceOwed);
    events.emit('counter', 'voice.left.expected', voiceOwed);
    events.emit('counter', 'voice.joined.received', seen.voiceJoined);
    events.emit('counter', 'voice.left.received', seen.voiceLeft);
    events.emit('counter', 'voice.lost', Math.max(0, voiceOwed - seen.voiceJoined) + Math.max(0, voiceOwed - seen.voiceLeft));
    events.emit('counter', 'voice.stale', voiceView.size);
    // Observers leave 0-70 ms apart, as clients do, not in one tick: the others hear these owners go
    // offline, which is not judged (above), and every run shows that it is not.
    await sleepUntil(plan.endAt + (Math.floor(slot / plan.params.groupSize) % 8) * 10);
  } finally {
    stopHeartbeat();
    socket.close();
  }
}
