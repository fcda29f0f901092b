import { describeOutcome, type Outcome } from '../client/outcome.js';
import type { Probe } from '../client/probe.js';
import type { CheckLine } from '../model/doctor.js';
import { CLIENT_EVENTS } from '../protocol/chat-service/index.js';
import { KRAKEN_CLIENT_EVENTS } from '../protocol/kraken/index.js';
import type { DoctorSession, LiveSocket } from './session.js';

const CLIENT_EVENTS_OF: Record<string, readonly string[]> = { 'chat-service': CLIENT_EVENTS, kraken: KRAKEN_CLIENT_EVENTS };
/** A known event answers at once; one the server does not know answers nothing: this is how long "nothing" takes. */
const PROBE_MS = 1000;

/**
 * Renamed events must exist on the server. A renamed client event is emitted once (with `{}`: a
 * validation error is an answer too) and must be answered: an ack, an error naming it, or an exception.
 * Silence is a warning, not a failure: some servers answer nothing to a payload they drop. A renamed
 * server event counts as seen if any doctor socket received it. chat-service's ping, the barrier round
 * trip, is probed whether renamed or not.
 */
export async function checkEvents(session: DoctorSession, live: LiveSocket | undefined): Promise<CheckLine[]> {
  const { config, dialect } = session;
  const clientEvents = CLIENT_EVENTS_OF[dialect.name] ?? [];
  const renamed = Object.entries(config.events);
  const probed = [...new Set([...(dialect.ping ? [dialect.ping.event] : []), ...renamed.map(([doc]) => doc).filter((doc) => clientEvents.includes(doc))])];
  if (!live) return probed.length ? [{ group: 'events', status: 'skip', message: `not checked without an accepted connection: ${probed.join(', ')}` }] : [];
  const lines: CheckLine[] = [];
  const timeoutMs = Math.min(PROBE_MS, config.timeouts.actionMs);
  for (const documented of probed) {
    const wire = dialect.eventName(documented);
    const name = wire === documented ? documented : `${wire} (the documented ${documented})`;
    const payload = dialect.ping?.event === documented ? dialect.ping.payload : {};
    const outcome = await answered(live.probe, documented, payload, timeoutMs, dialect.ping?.event === documented ? dialect.ping.answerEvent : undefined);
    if (outcome.kind === 'ack' || outcome.kind === 'error' || outcome.kind === 'exception' || outcome.kind === 'pong') {
      lines.push({ group: 'events', status: 'ok', message: `${name} is answered: ${outcome.kind === 'pong' ? 'a pong event' : describeOutcome(outcome)}` });
      continue;
    }
    const ping = dialect.ping?.event === documented ? ': barriers fall back to longer grace windows' : ': the cases that use it will fail';
    lines.push({
      group: 'events',
      status: 'warn',
      message: `${name}: ${describeOutcome(outcome)}${ping}`,
      fix: wire === documented ? `if the server calls it otherwise, map it: events: { ${documented}: NAME }` : `check events.${documented} ("${wire}") against the server's event names`,
    });
  }
  for (const [documented, wire] of renamed) {
    if (clientEvents.includes(documented)) continue;
    const seen = session.live.some((s) => s.probe.inbox.some((e) => e.wire === wire));
    lines.push(
      seen
        ? { group: 'events', status: 'ok', message: `${wire} (the documented ${documented}) was received from the server` }
        : { group: 'events', status: 'skip', message: `${wire} (the documented ${documented}): a server event, not seen by the doctor's sockets (the cases will)` },
    );
  }
  return lines;
}

/** The act's outcome, or a `pong` event (chat-service's ping may answer with one instead of an ack). */
async function answered(probe: Probe, event: string, payload: unknown, timeoutMs: number, answerEvent?: string): Promise<Outcome | { kind: 'pong' }> {
  const from = probe.inbox.length ? probe.inbox[probe.inbox.length - 1].seq + 1 : 0;
  const acted: Promise<Outcome | { kind: 'pong' }> = probe.act(event, payload, timeoutMs);
  if (!answerEvent) return acted;
  const pong = probe.waitForFirst([answerEvent], timeoutMs, from).then((e) => (e ? { kind: 'pong' as const } : acted));
  return Promise.race([acted, pong]);
}
