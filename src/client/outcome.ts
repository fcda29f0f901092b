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
      return `ack ${JSON.stringify(o.value)?.slice(0, 200)}`;
    case 'error':
      return `error event ${JSON.stringify(o.payload).slice(0, 200)}`;
    case 'exception':
      return `exception event ${JSON.stringify(o.payload).slice(0, 200)}`;
    case 'timeout':
      return `no answer within ${o.ms} ms (no ack, no error event)`;
    case 'disconnected':
      return `the socket was disconnected (${o.reason})`;
  }
}
