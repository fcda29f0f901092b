import type { Outcome } from '../../../client/outcome.js';
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
  /** removed-member: a room whose members are connected, one of whom the target's API can remove. */
  removal(ctx: CaseContext): Promise<RemovalScene>;
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
  auth: OffenderAuth;
}

/** How the dialect authenticates the offender's user (token-replay). */
export interface OffenderAuth {
  /** The error code a bad token is refused with (UNAUTHORIZED, AUTH_FAILED). */
  code: string;
  /** Where the dialect's document has the token verified on every event too; undefined when only on connect. */
  everyEvent?: string;
  /** A handshake with this token must be refused, graded as the dialect's auth cases grade one. */
  expectHandshakeRefused(token: string, what: string, label: string): Promise<void>;
}

/** removed-member: members of one room, connected and talking, and the member the target's API removes. */
export interface RemovalScene {
  /** Sockets of the members who stay: each sends to the room throughout. */
  stayers: Probe[];
  /** Every socket of the member who is removed (two devices, on two instances when there are two). */
  removed: Probe[];
  /** The event (documented name) a message of the room arrives as, and the one that sends one. */
  event: string;
  sendEvent: string;
  /** A message to the room with this text. */
  message(text: string): unknown;
  /** The text of a delivery of this room's message; undefined for anything else. */
  textOf(payload: unknown): string | undefined;
  /** Removes the member through the target's API; resolves once the target answered. */
  remove(): Promise<void>;
  /** A send by the removed member must be refused as a non-member's is (FORBIDDEN, PERMISSION_DENIED). */
  expectDenied(outcome: Outcome, what: string): void;
  /** What the document tells each removed socket (chat-service: conversation:removed); Kraken tells it nothing. */
  notice?: { event: string; where(payload: unknown): boolean };
}

export interface PresenceWatcher {
  probe: Probe;
  offlineEvent: string;
}

/** An object with `key` as an own property, even for "__proto__" (a literal would set the prototype instead). */
export function ownField(key: string, value: unknown): Record<string, unknown> {
  return Object.defineProperty({}, key, { value, enumerable: true, writable: true, configurable: true });
}
