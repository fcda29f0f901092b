import { summarize } from './timeline.js';

/** What came back for one client action: its ack, an error event, NestJS's `exception`, nothing, or a disconnect. */
export type Outcome =
  | { kind: 'ack'; value: unknown; ms: number }
  | { kind: 'error'; payload: Record<string, unknown>; ms: number }
  | { kind: 'exception'; payload: unknown; ms: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'disconnected'; reason: string; ms: number };

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'ack':
      return `ack ${summarize(o.value)}`;
    case 'error':
      return `error event ${summarize(o.payload)}`;
    case 'exception':
      return `exception event ${summarize(o.payload)}`;
    case 'timeout':
      return `no answer within ${o.ms} ms (no ack, no error event)`;
    case 'disconnected':
      return `the socket was disconnected (${o.reason})`;
  }
}
