import type { Socket } from 'socket.io-client';
import { recordSendLag, sleepUntil, type Events } from './vu-kit.js';

/** A sender's window of its own (throughput steps): from, until, rate, a tag for the step's metrics, the first sequence number. */
export interface SendWindow {
  from: number;
  until: number;
  rate: number;
  tag?: string;
  firstSeq?: number;
}

/**
 * The open-model schedule of one sender in one window: message k is due at a fixed time whether or not
 * the previous one was acknowledged. Senders are spread over the interval (by slot) so they do not all
 * fire in the same millisecond. Every sender's VU and every receiver replaying it use this one schedule.
 */
export function* dueTimes(window: SendWindow, slot: number): Generator<{ seq: number; intendedAt: number }> {
  const interval = 1000 / window.rate;
  const offset = (slot * 7919) % Math.max(1, Math.floor(interval));
  let seq = window.firstSeq ?? 0;
  for (let k = 0; window.from + offset + k * interval < window.until; k++, seq++) yield { seq, intendedAt: window.from + offset + k * interval };
}

/** The sequence number after a window: where the next window of the same sender starts. */
export const nextSeq = (window: SendWindow, slot: number) => {
  let next = window.firstSeq ?? 0;
  for (const { seq } of dueTimes(window, slot)) next = seq + 1;
  return next;
};

/**
 * Waits until a message is due; false when the sender's socket is down then: a send that never left
 * owes no delivery, so it is skipped (counted, and its sequence number kept in `skipped` when given).
 * A due send records how late it is (the generator's delay, a saturation signal).
 */
export async function dueAndConnected(socket: Socket, due: { seq: number; intendedAt: number }, prefix: string, events: Events, skipped?: number[]): Promise<boolean> {
  await sleepUntil(due.intendedAt);
  if (socket.connected) {
    recordSendLag(events, due.intendedAt, Date.now());
    return true;
  }
  events.emit('counter', `${prefix}.send_skipped_disconnected`, 1);
  skipped?.push(due.seq);
  return false;
}

/** A counter name, and its per-step twin when the window has a tag. */
export const tagged = (window: SendWindow, name: string) => (window.tag ? [name, `${name}.${window.tag}`] : [name]);
