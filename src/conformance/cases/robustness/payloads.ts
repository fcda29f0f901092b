import { randomBytes } from 'node:crypto';
import { summarize } from '../../../client/timeline.js';
import { eventPacket } from '../../../client/raw-session.js';
import type { Attack } from './attack.js';
import { ownField } from './target.js';
import { answerTo, describeAnswer, expectRefusal, expectSessionEnded, isErrorEvent } from './verdicts.js';

const text = (tag: string) => `gatecheck robustness ${tag} ${randomBytes(3).toString('hex')}`;

/**
 * Payloads around the declared cap (limits.robustness.maxPayloadBytes, socket.io's maxHttpBufferSize):
 * under it an invalid message is answered with an error; just over it and eight times over it the
 * session must end before the packet is processed.
 */
export async function oversizedAttack(a: Attack): Promise<void> {
  const cap = a.limits.maxPayloadBytes;
  const under = await a.authenticated();
  const from = under.received.length;
  await under.send(eventPacket(a.offender.sendEvent, a.offender.invalidOfSize(Math.round(cap * 0.9))));
  const answer = await answerTo(a, under, from);
  expectRefusal(a, answer, `an invalid message of ${Math.round(cap * 0.9)} bytes (under the cap)`);
  if (answer.kind === 'ended') a.ctx.note(`the session ended on a packet under the declared cap of ${cap} bytes (${answer.why})`);

  for (const factor of [1.05, 8]) {
    const bytes = Math.round(cap * factor);
    const s = await a.authenticated();
    const start = s.received.length;
    await s.send(eventPacket(a.offender.sendEvent, a.offender.invalidOfSize(bytes)));
    await expectSessionEnded(a, s, `a message of ${bytes} bytes (${factor}x the declared cap of ${cap})`, start);
  }
}

/**
 * Values a client library never produces: non-string room ids (number, object, array, boolean,
 * Infinity from 1e400, a 400-digit number), NaN (not JSON), a lone UTF-16 surrogate, and a value
 * nested thousands deep. Each must be answered with an error (or end the session), never accepted.
 */
export async function oddValuesAttack(a: Attack): Promise<void> {
  const { offender } = a;
  const field = JSON.stringify(offender.roomField);
  const base = (tag: string) => JSON.stringify(offender.message(text(tag)));
  /** The valid message with its room id replaced by raw JSON text. */
  const withRoom = (raw: string, tag: string) => base(tag).replace(new RegExp(`${escape(field)}:"[^"]*"`), `${field}:${raw}`);
  const odd: Array<[string, string]> = [
    ['a number as the room id', withRoom('12345', 'number')],
    ['an object as the room id', withRoom('{"$ne":null}', 'object')],
    ['an array as the room id', withRoom('["x"]', 'array')],
    ['a boolean as the room id', withRoom('true', 'boolean')],
    ['1e400 (Infinity) as the room id', withRoom('1e400', 'infinity')],
    ['a 400-digit number as the room id', withRoom('9'.repeat(400), 'huge')],
    ['a lone UTF-16 surrogate as the room id', withRoom('"\\ud800"', 'surrogate')],
    ['NaN as the room id (not JSON)', withRoom('NaN', 'nan')],
  ];
  let ackId = 100;
  let s = await a.authenticated();
  for (const [what, payload] of odd) {
    if (s.endedBy) s = await a.authenticated();
    const from = s.received.length;
    const id = ackId++;
    await s.send(`42${id}[${JSON.stringify(offender.sendEvent)},${payload}]`);
    expectRefusal(a, await answerTo(a, s, from, id), what);
  }

  // Deep nesting inside a value the server keeps: any answer (or the session's end) passes, a crash does not.
  const depth = a.scaled(20_000);
  if (s.endedBy) s = await a.authenticated();
  const from = s.received.length;
  const nested = JSON.stringify(offender.withField(text('nested'), 'gatecheckNested', 0)).replace('"gatecheckNested":0', `"gatecheckNested":${'['.repeat(depth)}${']'.repeat(depth)}`);
  await s.send(`42${ackId}[${JSON.stringify(offender.sendEvent)},${nested}]`);
  const answer = await answerTo(a, s, from, ackId);
  a.ctx.timeline.add('offender', 'in', `arrays nested ${depth} deep: ${describeAnswer(answer)}`);
  if (answer.kind === 'silence') a.ctx.nonStrict(`a message with arrays nested ${depth} deep was silently ignored`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `__proto__` and `constructor.prototype` keys in the message, in the object the server keeps with it
 * and at its top: whatever the offender gets back, no other client's data may change. The canaries'
 * messages exchanged afterwards must not carry the offender's marker anywhere.
 */
export async function prototypeAttack(a: Attack): Promise<void> {
  const marker = `gatecheckPolluted${randomBytes(3).toString('hex')}`;
  const poison = { [marker]: 'polluted' };
  const { offender } = a;
  const attempts: Array<[string, Record<string, unknown>]> = [
    ['a __proto__ key in the kept object', offender.withField(text('proto'), '__proto__', poison)],
    ['a constructor.prototype key in the kept object', offender.withField(text('constructor'), 'constructor', { prototype: poison })],
    ['a __proto__ key at the top of the message', { ...offender.message(text('proto-top')), ...ownField('__proto__', poison) }],
  ];
  const s = await a.authenticated();
  let ackId = 200;
  for (const [what, payload] of attempts) {
    const from = s.received.length;
    const id = ackId++;
    await s.send(eventPacket(offender.sendEvent, payload, id));
    a.ctx.timeline.add('offender', 'in', `${what}: ${describeAnswer(await answerTo(a, s, from, id))}`);
    if (s.endedBy) break;
  }
  // A few canary rounds after the attempts: messages made since must be untouched.
  await new Promise((r) => setTimeout(r, 4 * a.canaries.intervalMs + 200));
  for (const probe of a.canaries.probes) {
    const touched = probe.inbox.find((e) => JSON.stringify(e.payload ?? null).includes(marker));
    a.ctx.check(!touched, `another client's data changed: ${probe.label} received ${touched?.wire} carrying the offender's ${marker}`, {
      expected: `no ${marker} in any canary's events`,
      received: summarize(touched?.payload),
    });
  }
  const echoed = s.received.filter((p) => isErrorEvent(a, p)).length;
  a.ctx.note(`prototype keys: ${attempts.length} attempts, ${echoed} error event(s); no canary saw the marker`);
}
