import type { Socket } from 'socket.io-client';
import type { Target } from '../vu-kit.js';

/**
 * The one place every payload a Kraken VU sends passes, by documented event name: as the documents give
 * it, or as the target's profile says this server wants it (e.g. Kraken v0.1.2's span type PLAINTEXT
 * instead of TEXT), so every load scenario speaks that server's variant.
 */
export function krakenPayload(t: Target, event: string, payload: unknown): unknown {
  return t.profile ? t.profile.outbound(event, payload).payload : payload;
}

/** Emits a documented Kraken event (renamed per the config's `events`) with its payload transformed. */
export function krakenEmit(socket: Socket, t: Target, event: string, payload: unknown): void {
  socket.emit(t.dialect.eventName(event), ...args(t, event, payload));
}

/** An event without payload (presenceOnline) goes out with no argument, not a null one. */
function args(t: Target, event: string, payload: unknown): unknown[] {
  const out = krakenPayload(t, event, payload);
  return out === undefined ? [] : [out];
}

/** The same, waiting for the acknowledgement (rejects after the config's actionMs). */
export function krakenEmitWithAck(socket: Socket, t: Target, event: string, payload: unknown): Promise<unknown> {
  return socket.timeout(t.config.timeouts.actionMs).emitWithAck(t.dialect.eventName(event), ...args(t, event, payload));
}
