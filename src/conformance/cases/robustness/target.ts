import type { Probe } from '../../../client/probe.js';
import type { CaseContext } from '../../context.js';

/**
 * What the robustness cases need from a dialect: canary pairs that exchange messages, and an offender
 * with a valid token and a room of its own. The attacks themselves are the same for every dialect.
 */
export interface RobustnessTarget {
  /** Two users connected to one instance, in a room of their own: the sender's messages reach the receiver. */
  canaryPair(ctx: CaseContext, instance: number): Promise<CanaryPair>;
  /** The attacking user: its token and the messages it may post to its own room (no canary is in it). */
  offender(ctx: CaseContext): Promise<Offender>;
}

export interface CanaryPair {
  sender: Probe;
  receiver: Probe;
  /** The event the receiver gets a message as (documented name). */
  event: string;
  send(text: string): void;
  /** True for the receiver's payload carrying this text. */
  carries(payload: unknown, text: string): boolean;
}

export interface Offender {
  token: string;
  /** The send event's wire name. */
  sendEvent: string;
  /** The field naming the room (conversationId, channelId): odd values go there. */
  roomField: string;
  /** A message the server must accept, to the offender's own room, with fields added or replaced. */
  message(text: string, extra?: Record<string, unknown>): Record<string, unknown>;
  /** A message the server must refuse (validation), about `bytes` long once encoded. */
  invalidOfSize(bytes: number): Record<string, unknown>;
  /** A valid message whose server-kept object (chat metadata, a Kraken span) holds `key: value` as an own property. */
  withField(text: string, key: string, value: unknown): Record<string, unknown>;
  /** The offender's user id, as presence events name it. */
  userId: string;
  /** A client the server tells when the offender goes offline, and the (documented) event it is told with. */
  presenceWatcher(): Promise<PresenceWatcher>;
}

export interface PresenceWatcher {
  probe: Probe;
  offlineEvent: string;
}

/** An object with `key` as an own property, even for "__proto__" (a literal would set the prototype instead). */
export function ownField(key: string, value: unknown): Record<string, unknown> {
  return Object.defineProperty({}, key, { value, enumerable: true, writable: true, configurable: true });
}
