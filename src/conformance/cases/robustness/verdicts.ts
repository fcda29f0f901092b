import { summarize } from '../../../client/timeline.js';
import type { RawSession } from '../../../client/raw-session.js';
import type { Attack } from './attack.js';

/** What answered one hostile packet: the server ended the session, an error event, an ack (obeyed), or nothing. */
export type Answer = { kind: 'ended'; why: string } | { kind: 'error'; packet: string } | { kind: 'ack'; packet: string } | { kind: 'silence' };

/** Whether an Engine.IO text packet is the dialect's error event. */
export function isErrorEvent(a: Attack, packet: string): boolean {
  return packet.startsWith(`42["${a.ctx.env.dialect.errorEvents.error}"`);
}

/** The first answer after index `from` (the ack of ackId, an error event, or the session's end), within the action timeout. */
export async function answerTo(a: Attack, s: RawSession, from: number, ackId?: number): Promise<Answer> {
  const ack = ackId === undefined ? undefined : `43${ackId}[`;
  const packet = await s.waitFor((p) => isErrorEvent(a, p) || (ack !== undefined && p.startsWith(ack)), a.ctx.timeouts.actionMs, from);
  if (packet !== undefined) return isErrorEvent(a, packet) ? { kind: 'error', packet } : { kind: 'ack', packet };
  if (s.endedBy) return { kind: 'ended', why: s.endedBy };
  return { kind: 'silence' };
}

export function describeAnswer(answer: Answer): string {
  switch (answer.kind) {
    case 'ended':
      return `the session ended (${answer.why})`;
    case 'silence':
      return 'no answer and the session stayed open';
    default:
      return `${answer.kind === 'ack' ? 'an ack' : 'an error event'} ${summarize(answer.packet)}`;
  }
}

/** The offender must be answered with an error or disconnected: an ack is obedience (failed), silence is non-strict. */
export function expectRefusal(a: Attack, answer: Answer, what: string): void {
  a.ctx.timeline.add('offender', 'in', `${what}: ${describeAnswer(answer)}`);
  a.ctx.check(answer.kind !== 'ack', `${what} was obeyed`, { expected: 'an error event or the session ended', received: describeAnswer(answer) });
  if (answer.kind === 'silence') a.ctx.nonStrict(`${what} was silently ignored (no error, the session stayed open for ${a.ctx.timeouts.actionMs} ms)`);
}

/** The session must end (close, Engine.IO close, Socket.IO DISCONNECT): a protocol violation is not answered in-band. */
export async function expectSessionEnded(a: Attack, s: RawSession, what: string, from: number): Promise<void> {
  const why = await s.endsWithin(a.ctx.timeouts.actionMs);
  if (why) {
    a.ctx.timeline.add('offender', 'in', `${what}: the session ended (${why})`);
    return;
  }
  const answered = s.received.slice(from).find((p) => isErrorEvent(a, p) || p.startsWith('43'));
  a.ctx.check(!answered, `${what} was processed`, { expected: 'the session ended', received: `answered ${summarize(answered)}` });
  a.ctx.nonStrict(`${what} was silently ignored (the session stayed open for ${a.ctx.timeouts.actionMs} ms)`);
}
