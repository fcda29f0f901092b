import { randomBytes } from 'node:crypto';
import type { TargetConfig } from '../config/schema.js';
import { RestClient } from '../rest/client.js';
import type { TokenSource } from '../auth/tokens.js';

/** The knobs of a fan-out run (scenario variables, overridable from the CLI). */
export interface FanoutParameters {
  /** Connections (one VU, one user, one socket each). */
  connections: number;
  /** Members per conversation. */
  groupSize: number;
  /** Members of each conversation that send. */
  sendersPerGroup: number;
  /** Messages a second per sender. */
  ratePerSender: number;
  /** Seconds of sending. */
  sendSeconds: number;
  /** Seconds over which the VUs arrive (the scenario's phase duration). */
  rampSeconds: number;
  /** Seconds between the last arrival and the first send: every socket is connected and joined by then. */
  settleSeconds: number;
  /** Seconds receivers keep listening after the last send. */
  drainSeconds: number;
  /** Per-sender counters only up to this many senders (they are Artillery counters: one name each). */
  perSenderLimit: number;
}

/** Everything the VUs share, built once in the `before` hook and copied to every Artillery worker. */
export interface FanoutPlan {
  runId: string;
  instances: string[];
  params: FanoutParameters;
  /** Conversation ids, by group index. */
  conversations: string[];
  startAt: number;
  sendUntil: number;
  endAt: number;
  /** Slots not connected when the connection phase ended (set by each VU from the phase's answer). */
  absent?: number[];
  /** Reconnection storm only: when and how. */
  storm?: StormSchedule;
  /** Throughput only: the offered rate of each step (messages a second over all senders) and its length. */
  steps?: { rates: number[]; stepMs: number };
}

export interface StormSchedule {
  /** 'transport': every VU drops its own transport at `at`; 'instance': the CLI kills one instance at `at`. */
  mode: 'transport' | 'instance';
  at: number;
  /** Instance mode: which instance, and how long it stays down. */
  instance: number;
  outageMs: number;
  /** Transport mode: the receivers retry uniformly within this window after the outage (0: all in one tick). */
  reconnectSpreadMs?: number;
}

export const FANOUT_DEFAULTS: FanoutParameters = {
  connections: 40,
  groupSize: 4,
  sendersPerGroup: 1,
  ratePerSender: 5,
  sendSeconds: 10,
  rampSeconds: 2,
  settleSeconds: 3,
  drainSeconds: 2,
  perSenderLimit: 100,
};

/** Reads the parameters from the scenario variables; a missing or non-positive one takes the default. */
export function fanoutParameters(vars: Record<string, unknown>): FanoutParameters {
  const out = { ...FANOUT_DEFAULTS };
  for (const key of Object.keys(out) as Array<keyof FanoutParameters>) {
    const n = Number(vars[key]);
    if (vars[key] !== undefined && Number.isFinite(n) && n >= 0) out[key] = n;
  }
  out.groupSize = Math.max(2, Math.floor(out.groupSize));
  out.sendersPerGroup = Math.min(out.groupSize, Math.max(1, Math.floor(out.sendersPerGroup)));
  return out;
}

/** Slot layout: consecutive slots form a conversation and alternate instances, so every group spans them. */
export const slotUser = (runId: string, slot: number) => `load-${runId}-${slot}`;
export const slotGroup = (p: FanoutParameters, slot: number) => Math.floor(slot / p.groupSize);
/**
 * Members alternate instances, and each group starts one instance further on, so the senders (the
 * first members of their groups) are spread over the instances instead of all landing on the first.
 */
export const slotInstance = (instances: number, slot: number, groupSize: number) => (slot + Math.floor(slot / groupSize)) % instances;
export const isSender = (p: FanoutParameters, slot: number) => slot % p.groupSize < p.sendersPerGroup;

/** The other members of a slot's conversation that exist in this run. */
export function groupPeers(p: FanoutParameters, slot: number): number[] {
  const first = slotGroup(p, slot) * p.groupSize;
  const peers: number[] = [];
  for (let s = first; s < Math.min(first + p.groupSize, p.connections); s++) if (s !== slot) peers.push(s);
  return peers;
}

/** Creates every conversation through the target's REST API (as its first member), a few calls at a time. */
export async function buildFanoutPlan(config: TargetConfig, tokens: TokenSource, params: FanoutParameters, now = Date.now()): Promise<FanoutPlan> {
  if (!config.rest?.createConversation) throw new Error('the fan-out scenario needs rest.createConversation in the target config (conversations to fan out to)');
  const runId = randomBytes(4).toString('hex');
  const rest = new RestClient(config, config.timeouts.actionMs);
  const groups = Math.ceil(params.connections / params.groupSize);
  const conversations: string[] = new Array(groups);
  let next = 0;
  const worker = async () => {
    while (next < groups) {
      const g = next++;
      const first = g * params.groupSize;
      const members = Array.from({ length: Math.min(params.groupSize, params.connections - first) }, (_, i) => slotUser(runId, first + i));
      const token = await tokens.valid(members[0]);
      const result = await rest.call('createConversation', token, { participantIds: members.slice(1), type: members.length > 2 ? 'group' : 'direct', name: `gatecheck load ${runId} ${g}` });
      if (!result.id) throw new Error(`rest.createConversation answered ${result.status} without an id at ${config.rest!.createConversation!.idPath}`);
      conversations[g] = result.id;
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, groups) }, worker));
  const startAt = Math.max(now, Date.now()) + (params.rampSeconds + params.settleSeconds) * 1000;
  const sendUntil = startAt + params.sendSeconds * 1000;
  return { runId, instances: config.instances.map((i) => i.url), params, conversations, startAt, sendUntil, endAt: sendUntil + params.drainSeconds * 1000 };
}
