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
  // One wire name for two documented events cannot be told apart on receipt: refuse it rather than
  // hand one event's deliveries to the other's cases.
  const byWire = new Map<string, string>();
  for (const [documented, wire] of toWire) {
    const other = byWire.get(wire);
    if (other !== undefined) {
      const how = (d: string) => (overrides[d] ? `"${d}" is mapped to it` : `"${d}" has that name`);
      throw new Error(
        `events: "${other}" and "${documented}" would share the wire name "${wire}" (${how(other)}, ${how(documented)}); ` +
          'gatecheck cannot tell which of the two an event on that name is. Map only one of them; the cases of the other then report what is missing',
      );
    }
    byWire.set(wire, documented);
  }
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
