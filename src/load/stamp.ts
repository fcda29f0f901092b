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
  /**
   * Kraken storm, on a sender's report of what it skipped (down when they were due): Kraken has no
   * history to ask, so a receiver replays the schedule to count what it missed while away, and must not
   * count a message that was never sent.
   */
  skipped?: number[];
}

const TAG = 'gc1';

export function encodeStamp(s: Stamp): string {
  const fields = [TAG, s.runId, s.senderSlot, s.senderInstance, s.seq, s.intendedAt, s.emittedAt];
  return (s.skipped?.length ? [...fields, s.skipped.join('.')] : fields).join('|');
}

/** The stamp of a message of this run, or undefined for any other content. */
export function decodeStamp(content: unknown, runId: string): Stamp | undefined {
  if (typeof content !== 'string' || !content.startsWith(`${TAG}|${runId}|`)) return undefined;
  const [, id, slot, instance, seq, intended, emitted, skipped] = content.split('|');
  const nums = [slot, instance, seq, intended, emitted].map(Number);
  if (nums.some((n) => !Number.isFinite(n))) return undefined;
  const stamp: Stamp = { runId: id, senderSlot: nums[0], senderInstance: nums[1], seq: nums[2], intendedAt: nums[3], emittedAt: nums[4] };
  if (skipped) stamp.skipped = skipped.split('.').map(Number).filter(Number.isInteger);
  return stamp;
}

/** Upper bounds (ms) of the latency histogram buckets the HTML report draws; the last bucket is +Inf. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

export function bucketOf(ms: number): string {
  const le = LATENCY_BUCKETS_MS.find((b) => ms <= b);
  return le === undefined ? '+Inf' : String(le);
}
