/**
 * What every fan-out message carries in its content, so the receiver can measure and count it:
 * the run, the sender (slot and instance), its sequence number, the intended send time of the
 * open-model schedule and the actual emit time (epoch ms). Latency counts from the intended time, so a
 * generator that falls behind its schedule shows up as latency instead of hiding it (coordinated omission).
 */
export interface Stamp {
  runId: string;
  senderSlot: number;
  senderInstance: number;
  seq: number;
  intendedAt: number;
  emittedAt: number;
}

const TAG = 'gc1';

export function encodeStamp(s: Stamp): string {
  return [TAG, s.runId, s.senderSlot, s.senderInstance, s.seq, s.intendedAt, s.emittedAt].join('|');
}

/** The stamp of a message of this run, or undefined for any other content. */
export function decodeStamp(content: unknown, runId: string): Stamp | undefined {
  if (typeof content !== 'string' || !content.startsWith(`${TAG}|${runId}|`)) return undefined;
  const [, id, slot, instance, seq, intended, emitted] = content.split('|');
  const nums = [slot, instance, seq, intended, emitted].map(Number);
  if (nums.some((n) => !Number.isFinite(n))) return undefined;
  return { runId: id, senderSlot: nums[0], senderInstance: nums[1], seq: nums[2], intendedAt: nums[3], emittedAt: nums[4] };
}

/** Upper bounds (ms) of the latency histogram buckets the HTML report draws; the last bucket is +Inf. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

export function bucketOf(ms: number): string {
  const le = LATENCY_BUCKETS_MS.find((b) => ms <= b);
  return le === undefined ? '+Inf' : String(le);
}
