import type { Socket } from 'socket.io-client';
import type { Target } from '../vu-kit.js';

/**
 * The one place every payload a Kraken VU sends passes, by documented event name. Today it hands the
 * payload on as the documents give it; a server that drifted from them (a profile, e.g. Kraken v0.1.2's
 * span type PLAINTEXT instead of TEXT) plugs its outbound transform in here, and every load scenario
 * speaks that server's variant.
 */
export type OutboundTransform = (event: string, payload: unknown) => unknown;

let transform: OutboundTransform = (_event, payload) => payload;

/** Installs a profile's outbound transform (identity by default). */
export function setKrakenOutbound(next: OutboundTransform): void {
  transform = next;
}

/** The payload as this server wants it. */
export function krakenPayload(event: string, payload: unknown): unknown {
  return transform(event, payload);
}

/** Emits a documented Kraken event (renamed per the config's `events`) with its payload transformed. */
export function krakenEmit(socket: Socket, t: Target, event: string, payload: unknown): void {
  socket.emit(t.dialect.eventName(event), ...args(event, payload));
}

/** An event without payload (presenceOnline) goes out with no argument, not a null one. */
function args(event: string, payload: unknown): unknown[] {
  const out = krakenPayload(event, payload);
  return out === undefined ? [] : [out];
}

/** The same, waiting for the acknowledgement (rejects after the config's actionMs). */
export function krakenEmitWithAck(socket: Socket, t: Target, event: string, payload: unknown): Promise<unknown> {
  return socket.timeout(t.config.timeouts.actionMs).emitWithAck(t.dialect.eventName(event), ...args(event, payload));
}
