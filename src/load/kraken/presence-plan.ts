import { slotGroup } from '../plan.js';
import { slotRole, slotUserId, worldIndex, type KrakenPlan } from './plan.js';

/** The presence storm's timing (scenario variables cycles, onlineSeconds, offlineSeconds). */
export interface PresenceSchedule {
  cycles: number;
  onlineMs: number;
  cycleMs: number;
  /** When the first cycle starts (the plan's startAt). */
  firstAt: number;
}

/**
 * Position 0 of each group observes and stays connected the whole run; every other position churns:
 * it connects, joinAll's, says presenceOnline and leaves, once per cycle. A user with several churning
 * sockets (the member, on positions 1 and 3 of a group of 4) brings the later ones up a third of the
 * online time after the first and takes them down as late, so one of its sockets closes while another
 * is still connected: the gateway must not say it went offline then.
 */
export const isObserver = (plan: KrakenPlan, slot: number) => slot % plan.params.groupSize === 0;

/** Which of its user's churning sockets in the group this slot is (0: the first). */
export function deviceIndex(plan: KrakenPlan, slot: number): number {
  const first = slotGroup(plan.params, slot) * plan.params.groupSize;
  let k = 0;
  for (let s = first + 1; s < slot; s++) if (slotRole(plan.params, s) === slotRole(plan.params, slot)) k++;
  return k;
}

/** The most churning sockets one user has in a group. */
export function maxDevices(groupSize: number): number {
  const counts = new Map<string, number>();
  for (let pos = 1; pos < groupSize; pos++) {
    const role = pos % 3 === 2 ? 'reader' : 'member';
    counts.set(role, (counts.get(role) ?? 0) + 1);
  }
  return Math.max(1, ...counts.values());
}

export function presenceSchedule(vars: Record<string, unknown>, plan: KrakenPlan): PresenceSchedule {
  const onlineMs = Number(vars.onlineSeconds ?? 1.5) * 1000;
  const offlineMs = Number(vars.offlineSeconds ?? 1) * 1000;
  const overlap = ((maxDevices(plan.params.groupSize) - 1) * onlineMs) / 3;
  const cycleMs = onlineMs + overlap + offlineMs;
  // --duration (stormSeconds) fits as many cycles as it holds; else the cycles variable.
  const cycles = vars.stormSeconds !== undefined ? Math.max(1, Math.floor((Number(vars.stormSeconds) * 1000) / cycleMs)) : Math.max(1, Math.floor(Number(vars.cycles ?? 3)));
  return { cycles, onlineMs, cycleMs, firstAt: plan.startAt };
}

/** When a churning slot connects and closes in cycle c. */
export function socketWindow(plan: KrakenPlan, s: PresenceSchedule, slot: number, cycle: number): { on: number; off: number } {
  const on = s.firstAt + cycle * s.cycleMs + (deviceIndex(plan, slot) * s.onlineMs) / 3;
  return { on, off: on + s.onlineMs };
}

/** A churning user as observers expect it: online from its first socket's connect to its last socket's close, each cycle. */
export interface ChurningUser {
  userId: string;
  world: number;
  /** Whether this user's first socket churns voice (joins the world's voice channel each cycle). */
  voice: boolean;
  online(cycle: number): number;
  offline(cycle: number): number;
}

/** Every user whose sockets all churn (owners keep their observer socket, so they never go offline). */
export function churningUsers(plan: KrakenPlan, s: PresenceSchedule): Map<string, ChurningUser> {
  const users = new Map<string, { slots: number[]; world: number; role: string }>();
  for (let slot = 0; slot < plan.params.connections; slot++) {
    if (isObserver(plan, slot)) continue;
    const userId = slotUserId(plan, slot);
    const entry = users.get(userId) ?? { slots: [], world: worldIndex(plan, slot), role: slotRole(plan.params, slot) };
    entry.slots.push(slot);
    users.set(userId, entry);
  }
  const stable = new Set<string>();
  for (let slot = 0; slot < plan.params.connections; slot += plan.params.groupSize) stable.add(slotUserId(plan, slot));
  const out = new Map<string, ChurningUser>();
  for (const [userId, { slots, world, role }] of users) {
    if (stable.has(userId)) continue;
    const first = slots[0];
    out.set(userId, {
      userId,
      world,
      voice: role === 'member',
      online: (c) => socketWindow(plan, s, first, c).on,
      offline: (c) => Math.max(...slots.map((slot) => socketWindow(plan, s, slot, c).off)),
    });
  }
  return out;
}

/** Voice churn: the first socket of a member joins the world's voice channel each cycle and leaves it, by voice_channel_leave and by closing in turn (the last cycle by closing). */
export const churnsVoice = (plan: KrakenPlan, slot: number) => slotRole(plan.params, slot) === 'member' && deviceIndex(plan, slot) === 0;
