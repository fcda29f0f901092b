import { randomBytes } from 'node:crypto';
import { eventPacket, type RawSession } from '../../../client/raw-session.js';
import { summarize } from '../../../client/timeline.js';
import { sleep, type Attack } from './attack.js';
import { answerTo, describeAnswer, type Answer } from './verdicts.js';

/** Sessions open on the token when it expires, and handshakes replaying it afterwards. */
const SESSIONS = 3;
/** The token stays valid at least this long (exp is in whole seconds, so 1 to 2 s): time to open the sessions. */
const MIN_VALID_MS = 1000;
/** How long after exp the replay starts: room for a target clock a little behind the harness's. */
const AFTER_EXPIRY_MS = 500;


/**
 * Three sessions open on a token that expires 1 to 2 s later, each with a message accepted. Half a
 * second after the expiry, at once: three handshakes replay the token (each must be refused, as the
 * dialect's auth cases grade a refusal), and each old session sends one more message. A target that
 * re-checks the token on events must refuse all three; one that checks on connect only may obey them,
 * non-strict where the dialect's document asks for the check on every event (Kraken).
 */
export async function tokenReplayAttack(a: Attack): Promise<void> {
  const { ctx, offender } = a;
  const { auth } = offender;
  const exp = Math.ceil((Date.now() + MIN_VALID_MS) / 1000);
  const expiresAt = exp * 1000;
  const token = await ctx.env.tokens.expiringAt!(offender.userId, exp);
  const sessions = await Promise.all(Array.from({ length: SESSIONS }, () => a.authenticated('websocket', token)));
  const before = await Promise.all(sessions.map((s, i) => post(a, s, `before ${i + 1}`, 300 + i)));
  const refused = before.find((answer) => answer.kind === 'error' || answer.kind === 'ended');
  if (refused) {
    const why = Date.now() >= expiresAt ? `the token expired before its sessions were set up (${MIN_VALID_MS} ms was not enough on this machine)` : 'its token was still valid';
    throw new Error(`a message on a session was refused although ${why}: ${describeAnswer(refused)}`);
  }

  await sleep(expiresAt + AFTER_EXPIRY_MS - Date.now());
  const ago = Date.now() - expiresAt;
  ctx.timeline.note(`token-replay: the token expired ${ago} ms ago`);
  const [, after] = await Promise.all([
    Promise.all(Array.from({ length: SESSIONS }, (_, i) => auth.expectHandshakeRefused(token, `a handshake replaying a token expired ${ago} ms ago`, `replay-${i + 1}`))),
    Promise.all(sessions.map((s, i): Promise<Answer> => (s.endedBy ? Promise.resolve({ kind: 'ended', why: s.endedBy }) : post(a, s, `after ${i + 1}`, 400 + i)))),
  ]);
  judgeOldSessions(a, after);
}

/** One valid message on the session, with an ack id; its answer. */
async function post(a: Attack, s: RawSession, tag: string, ackId: number): Promise<Answer> {
  const from = s.received.length;
  await s.send(eventPacket(a.offender.sendEvent, a.offender.message(`gatecheck token-replay ${tag} ${randomBytes(3).toString('hex')}`), ackId));
  return answerTo(a, s, from, ackId);
}

/**
 * A target that refused any old session's event re-checks the token: it must refuse every one (a
 * target that obeys some has a check that can be skipped). One that obeyed all checks on connect only.
 */
function judgeOldSessions(a: Attack, answers: Answer[]): void {
  const { ctx } = a;
  const { auth } = a.offender;
  answers.forEach((answer, i) => ctx.timeline.add('offender', 'in', `an event on session ${i + 1} after its token expired: ${describeAnswer(answer)}`));
  const obeyed = answers.filter((x) => x.kind === 'ack').length;
  const silent = answers.filter((x) => x.kind === 'silence').length;
  ctx.note(`token-replay: ${SESSIONS} sessions on a token valid for ${MIN_VALID_MS / 1000} to ${MIN_VALID_MS / 1000 + 1} s, ${SESSIONS} handshakes replaying it refused; events on the old sessions after the expiry: ${answers.map(describeAnswer).join('; ')}`);
  if (obeyed === answers.length) {
    if (auth.everyEvent) ctx.nonStrict(`events on sessions whose token had expired were obeyed: ${auth.everyEvent}`);
    else ctx.note('the target checks the token on connect only (as its document does): events after the expiry were obeyed, only the replayed handshakes had to be refused');
    return;
  }
  ctx.check(obeyed === 0, `the target refused events on sessions whose token had expired, but obeyed ${obeyed} of ${answers.length}`, {
    expected: 'every event after the expiry refused, as the others were',
    received: answers.map(describeAnswer).join('; '),
  });
  const otherCode = answers.find((x) => x.kind === 'error' && !x.packet.includes(`"${auth.code}"`));
  if (otherCode?.kind === 'error') ctx.nonStrict(`an event after the token expired was refused without the ${auth.code} code: ${summarize(otherCode.packet)}`);
  if (silent) ctx.nonStrict(`${silent} event(s) after the token expired were silently ignored (no error, the session stayed open for ${ctx.timeouts.actionMs} ms)`);
}
