import { randomBytes } from 'node:crypto';
import { krakenWorld, type TargetConfig } from '../../config/schema.js';
import type { KrakenWorld } from '../../protocol/kraken/world.js';
import { RestClient } from '../../rest/client.js';
import { readPath } from '../../rest/template.js';
import { slotGroup, slotInstance, type FanoutParameters, type FanoutPlan } from '../plan.js';

/** A world user a VU connects as: the owner and members may post, a reader only reads. */
export type KrakenRole = 'owner' | 'member' | 'reader';

/** The fan-out plan of a Kraken run: worlds instead of conversations, connects paced per instance. */
export interface KrakenPlan extends FanoutPlan {
  /** One world per group of VUs (provisioned), or the config's fixed world shared by every VU. */
  worlds: KrakenWorld[];
  /** limits.connectsPerSecond, applied to each instance URL on its own (0: not paced). */
  connectsPerSecond: number;
  /** When the first paced connection may open (epoch ms). */
  connectFrom: number;
  /** Every Nth message of a sender is a DM to its world's owner-member DM group (0: channel messages only). */
  dmEvery: number;
  /** presenceOnline heartbeat period: half the declared presence TTL (0: none declared). */
  heartbeatMs: number;
}

/**
 * Which world user a slot is, by its position in its group: position 0 the owner, every third from
 * position 2 a reader, the rest members. A group of 4 is owner, member, reader, member: the member has
 * two sockets, as a user with two devices does.
 */
export function slotRole(p: FanoutParameters, slot: number): KrakenRole {
  const pos = slot % p.groupSize;
  if (pos === 0) return 'owner';
  return pos % 3 === 2 ? 'reader' : 'member';
}

/** Senders are the first `sendersPerGroup` positions of a group that may post (readers may not). */
export const isKrakenSender = (p: FanoutParameters, slot: number) => slot % p.groupSize < p.sendersPerGroup && slotRole(p, slot) !== 'reader';

export const worldIndex = (plan: KrakenPlan, slot: number) => (plan.worlds.length === 1 ? 0 : slotGroup(plan.params, slot));
export const worldOf = (plan: KrakenPlan, slot: number) => plan.worlds[worldIndex(plan, slot)];
export const slotUserId = (plan: KrakenPlan, slot: number) => worldOf(plan, slot).users[slotRole(plan.params, slot)];

/** The slots sharing a slot's world: its group, or every slot of the run when the world is fixed. */
export function worldSlots(plan: KrakenPlan, slot: number): { from: number; to: number } {
  if (plan.worlds.length === 1) return { from: 0, to: plan.params.connections };
  const from = slotGroup(plan.params, slot) * plan.params.groupSize;
  return { from, to: Math.min(from + plan.params.groupSize, plan.params.connections) };
}

/** How many other sockets a message of this slot reaches: every world mate (channel), or the owner's and members' (DM). */
export function audience(plan: KrakenPlan, slot: number, kind: 'channel' | 'dm'): { total: number; cross: number } {
  const { from, to } = worldSlots(plan, slot);
  const n = plan.instances.length;
  const own = slotInstance(n, slot, plan.params.groupSize);
  let total = 0;
  let cross = 0;
  for (let s = from; s < to; s++) {
    if (s === slot || (kind === 'dm' && slotRole(plan.params, s) === 'reader')) continue;
    total++;
    if (slotInstance(n, s, plan.params.groupSize) !== own) cross++;
  }
  return { total, cross };
}

/** Whether a message of `sender` is owed to `receiver`: same world, and for a DM a member of the owner-member group. */
export function owed(plan: KrakenPlan, sender: number, receiver: number, kind: 'channel' | 'dm'): boolean {
  if (sender < 0 || sender >= plan.params.connections || worldIndex(plan, sender) !== worldIndex(plan, receiver)) return false;
  return kind === 'channel' || slotRole(plan.params, receiver) !== 'reader';
}

let pacedIndex: { runId: string; index: Int32Array } | undefined;
/**
 * When this slot may open its connection: the target's connection limiter counts per instance, so each
 * instance's slots are spaced 1/connectsPerSecond apart on their own, from connectFrom. Every worker
 * computes the same times from the plan, so the pacing holds across workers and runners.
 */
export function connectAt(plan: KrakenPlan, slot: number): number {
  if (plan.connectsPerSecond <= 0) return 0;
  if (pacedIndex?.runId !== plan.runId) {
    const n = plan.instances.length;
    const seen = new Array(n).fill(0);
    const index = new Int32Array(plan.params.connections);
    for (let s = 0; s < plan.params.connections; s++) index[s] = seen[slotInstance(n, s, plan.params.groupSize)]++;
    pacedIndex = { runId: plan.runId, index };
  }
  return plan.connectFrom + (pacedIndex.index[slot] * 1000) / plan.connectsPerSecond;
}

/** Seconds the paced connects of the busiest instance take. */
export function pacedRampSeconds(connections: number, instances: number, connectsPerSecond: number): number {
  return connectsPerSecond > 0 ? Math.ceil(connections / instances) / connectsPerSecond : 0;
}

/** One world per group through kraken.world.provision (a few calls at a time), or the fixed one. */
export async function provisionWorlds(config: TargetConfig, groups: number): Promise<KrakenWorld[]> {
  const section = config.kraken;
  if (!section) throw new Error('the Kraken load scenarios need the kraken section of the target config (kraken.world)');
  if ('fixed' in section.world) return [section.world.fixed];
  const spec = section.world.provision;
  const rest = new RestClient(config, config.timeouts.actionMs);
  const worlds: KrakenWorld[] = new Array(groups);
  let next = 0;
  const worker = async () => {
    while (next < groups) {
      const g = next++;
      const result = await rest.callSpec(spec, 'kraken.world.provision', undefined, {});
      const world = krakenWorld.safeParse(spec.resultPath ? readPath(result.body, spec.resultPath) : result.body);
      if (!world.success) throw new Error(`kraken.world.provision answered ${result.status} with something that is not a world: ${world.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      worlds[g] = world.data;
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, groups) }, worker));
  return worlds;
}

/** Worlds, the paced connect schedule and the send window every VU follows. */
export async function buildKrakenPlan(config: TargetConfig, params: FanoutParameters, vars: Record<string, unknown>): Promise<KrakenPlan> {
  const runId = randomBytes(4).toString('hex');
  const worlds = await provisionWorlds(config, Math.ceil(params.connections / params.groupSize));
  const instances = config.instances.map((i) => i.url);
  const connectsPerSecond = config.limits.connectsPerSecond;
  const connectFrom = Date.now() + 500;
  const rampSeconds = Math.max(params.rampSeconds, pacedRampSeconds(params.connections, instances.length, connectsPerSecond));
  const startAt = connectFrom + (rampSeconds + params.settleSeconds) * 1000;
  const sendUntil = startAt + params.sendSeconds * 1000;
  const ttl = config.kraken?.presenceTtlMs ?? 0;
  return {
    runId,
    instances,
    params: { ...params, rampSeconds },
    conversations: worlds.map((w) => w.channels.general),
    worlds,
    connectsPerSecond,
    connectFrom,
    dmEvery: Math.max(0, Math.floor(Number(vars.dmEvery ?? 4))),
    heartbeatMs: ttl > 0 ? Math.floor(ttl / 2) : 0,
    startAt,
    sendUntil,
    endAt: sendUntil + params.drainSeconds * 1000,
  };
}
