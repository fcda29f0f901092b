import type { ZodType } from 'zod';

/** A protocol a gateway can speak: documented event names, payload schemas and error codes. */
export interface Dialect {
  name: string;
  /** Documented name -> wire name, after config overrides. */
  eventName(documented: string): string;
  /** Schema of a server-to-client event, by documented name; undefined when the dialect defines none. */
  serverEventSchema(documented: string): ZodType | undefined;
  /** Wire name -> documented name, for events the dialect knows. */
  documentedName(wire: string): string | undefined;
  /** Events the client must never treat as ordinary payload events. */
  errorEvents: { error: string; exception: string };
  /** The client event an error payload says it answers (chat-service: `originalEvent`, Kraken: `event`), if it names one. */
  errorSubject(payload: Record<string, unknown>): unknown;
  /** Documented name of the event that says a connection is ready (chat-service: `connected`); none = transport connect. */
  readyEvent?: string;
  /**
   * A side-effect-free acknowledged event for barrier round trips (chat-service: `ping`, answered by its
   * ack or a `pong` event). Without one, absence proofs rely on a longer grace window alone.
   */
  ping?: { event: string; payload: unknown; answerEvent?: string };
}

export function makeEventMap(defaults: readonly string[], overrides: Record<string, string> = {}) {
  for (const key of Object.keys(overrides)) {
    if (!defaults.includes(key)) {
      throw new Error(`events: "${key}" is not an event of this dialect (known: ${defaults.join(', ')})`);
    }
  }
  const toWire = new Map(defaults.map((d) => [d, overrides[d] ?? d]));
  const toDoc = new Map([...toWire].map(([d, w]) => [w, d]));
  return {
    wire(documented: string): string {
      const w = toWire.get(documented);
      if (!w) throw new Error(`internal: unknown documented event ${documented}`);
      return w;
    },
    documented(wire: string): string | undefined {
      return toDoc.get(wire);
    },
  };
}
