import { errorMessage } from '../../../errors.js';
import { refusalOf, type Refusal } from '../../../client/refusal.js';
import { summarize } from '../../../client/timeline.js';
import { connectPacket, type RawSession } from '../../../client/raw-session.js';
import { inBatches, type Attack } from './attack.js';
import { isErrorEvent } from './verdicts.js';


/** One CONNECT of the offender's user on an Engine.IO session of its own. */
interface Attempt {
  valid: boolean;
  session?: RawSession;
  /** Why the Engine.IO handshake itself failed (no session). */
  failed?: string;
}

/** What the server made of an attempt, once it had time to refuse it. */
type Outcome = { kind: 'accepted' } | { kind: 'refused'; refusal: Refusal } | { kind: 'unanswered'; said: string };

/** How long an attempt may take to be answered: as long as a canary message may take to be delivered. */
const answerMs = (a: Attack) => a.canaries.lossMs;

async function attempt(a: Attack, token: string, valid: boolean): Promise<Attempt> {
  try {
    const session = await a.session('websocket', answerMs(a));
    await session.send(connectPacket({ token }));
    return { valid, session };
  } catch (err) {
    return { valid, failed: errorMessage(err) };
  }
}

/** A CONNECT_ERROR or the dialect's error event: the server's refusal of the connection. */
const refusalPacket = (a: Attack, s: RawSession) => s.received.find((p) => p.startsWith('44') || isErrorEvent(a, p));

/**
 * Waits until every attempt is answered (its CONNECT accepted or refused, or its session ended) within
 * answerMs, then gives each the action timeout to be refused: an invalid token's refusal may
 * follow an accepted CONNECT (an error event, then a disconnect). A valid one is done once the
 * dialect's ready event is in (a dialect without one has nothing more to wait for). Says whether the
 * server's set-up of every valid socket was seen end: each refused, ended or ready.
 */
async function settle(a: Attack, attempts: Attempt[]): Promise<boolean> {
  const { ctx } = a;
  const ready = ctx.env.dialect.readyEvent;
  const readyPacket = ready === undefined ? undefined : `42["${ctx.env.dialect.eventName(ready)}"`;
  const refusedOrEnded = (s: RawSession) => refusalPacket(a, s) !== undefined || s.endedBy !== undefined;
  const seen = await Promise.all(
    attempts.map(async ({ session: s, valid }) => {
      if (!s) return true;
      await s.until(() => refusedOrEnded(s) || s.received.some((p) => p.startsWith('40')), answerMs(a));
      if (valid && readyPacket === undefined) return refusedOrEnded(s);
      return s.until(() => refusedOrEnded(s) || (valid && s.received.some((p) => p.startsWith(readyPacket!))), ctx.timeouts.actionMs);
    }),
  );
  return seen.every(Boolean);
}

/** Everything the sessions have shown so far: a count that grows with every packet and every end. */
const activity = (attempts: Attempt[]) => attempts.reduce((n, { session: s }) => n + (s ? s.received.length + (s.endedBy === undefined ? 0 : 1) : 0), 0);

const POLL_MS = 20;

/**
 * A dialect without a ready event accepts a CONNECT before the server's own set-up of the socket
 * (Kraken's handleConnection authenticates and registers it afterwards): the client cannot see when
 * that set-up ended (nor where a ready event is late). The sockets stay open until nothing new arrived on any of them for as long as
 * the CONNECTs took to be answered (at least four grace windows), at most the action timeout, so a
 * server that refuses over a cap after registering has refused before they close. Closing at the
 * first answer would let a loaded server skip registering the later sockets, and hide its leak.
 */
async function holdUntilQuiet(a: Attack, attempts: Attempt[], answeredInMs: number): Promise<void> {
  const { timeouts } = a.ctx;
  const quietMs = Math.min(timeouts.actionMs, Math.max(answeredInMs, 4 * timeouts.graceMs));
  const deadline = Date.now() + timeouts.actionMs;
  let seen = activity(attempts);
  let quietSince = Date.now();
  while (Date.now() < deadline && Date.now() - quietSince < quietMs) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const now = activity(attempts);
    if (now !== seen) [seen, quietSince] = [now, Date.now()];
  }
}

function outcomeOf(a: Attack, at: Attempt): Outcome {
  if (at.failed !== undefined || !at.session) {
    const said = at.failed ?? 'no session';
    // The handshake timed out: the client gave up (ws reports its own abort as a close before the connection was established).
    const timedOut = /nothing within|closed before the connection was established/.test(said);
    return timedOut ? { kind: 'unanswered', said } : { kind: 'refused', refusal: refusalOf('connect_error', said) };
  }
  const s = at.session;
  const packet = refusalPacket(a, s);
  if (packet !== undefined) return { kind: 'refused', refusal: refusalOf(packet.startsWith('44') ? 'connect_error' : 'error event', summarize(packet)) };
  if (s.endedBy !== undefined) return { kind: 'refused', refusal: refusalOf('disconnect', s.endedBy) };
  return s.received.some((p) => p.startsWith('40')) ? { kind: 'accepted' } : { kind: 'unanswered', said: `no answer to the CONNECT within ${answerMs(a)} ms` };
}

const MANY_SOCKETS = 200;

/**
 * One user (one token) opens 200 sockets at once, then closes every one of them as a client library
 * does (DISCONNECT, then the transport). The target may refuse sockets over a per-user cap; once the
 * last is closed, a peer must be told the user went offline (chat-service user:offline, Kraken
 * userOffline): a target that kept bookkeeping for any of them keeps the user online, a leak.
 */
export async function manySocketsAttack(a: Attack): Promise<void> {
  const { ctx, offender } = a;
  const watcher = await offender.presenceWatcher();
  const count = a.scaled(MANY_SOCKETS);
  const started = Date.now();
  const attempts = await Promise.all(Array.from({ length: count }, () => attempt(a, offender.token, true)));
  if (!(await settle(a, attempts))) await holdUntilQuiet(a, attempts, Date.now() - started);
  const outcomes = attempts.map((at) => outcomeOf(a, at));
  const accepted = outcomes.filter((o) => o.kind === 'accepted').length;
  const refusals = outcomes.flatMap((o) => (o.kind === 'refused' ? [o.refusal.said] : []));
  const unanswered = outcomes.filter((o) => o.kind === 'unanswered').length;
  await Promise.all(attempts.map((at) => at.session?.leave()));
  ctx.note(`many sockets: ${count} opened at once for one user; ${accepted} accepted, ${refusals.length} refused${refusals.length ? ` (first: ${refusals[0]})` : ''}, ${unanswered} unanswered; all closed`);
  ctx.check(unanswered === 0, `the target did not answer ${unanswered} of ${count} CONNECTs of one user within ${answerMs(a)} ms`, {
    expected: 'every CONNECT accepted or refused',
    received: `${accepted} accepted, ${refusals.length} refused, ${unanswered} unanswered`,
  });
  if (accepted === 0) {
    ctx.nonStrict(`none of the ${count} sockets was accepted, so the target's bookkeeping after they closed could not be observed`);
    return;
  }
  const waitMs = ctx.timeouts.actionMs;
  const offline = await watcher.probe.waitFor(watcher.offlineEvent, waitMs, (p: { userId?: unknown } | null) => p?.userId === offender.userId).catch(() => undefined);
  ctx.check(offline, `the target still holds the user online after all ${accepted} of its sockets closed: it kept bookkeeping for closed connections`, {
    expected: `${watcher.offlineEvent} for ${offender.userId} to ${watcher.probe.label} within ${waitMs} ms of the last close`,
    received: `no ${watcher.offlineEvent}; ${watcher.probe.label} received: ${watcher.probe.inboxSummary()}`,
  });
}

const FLOOD_HANDSHAKES = 300;
const FLOOD_MS = 1000;
const BATCHES = 20;

/**
 * 300 handshakes in about a second, one in three with a token whose signature is wrong, while the
 * canaries run. The invalid ones must be refused; the valid ones accepted, or refused by a connection
 * limiter (as limits.connectsPerSecond declares one); none may go unanswered.
 */
export async function handshakeFloodAttack(a: Attack): Promise<void> {
  const { ctx, offender } = a;
  const total = a.scaled(FLOOD_HANDSHAKES);
  const invalidToken = await ctx.env.tokens.wrongSignature(offender.userId);
  const pending: Array<Promise<Attempt>> = [];
  const started = performance.now();
  // Each batch only starts its handshakes: they are awaited together afterwards.
  await inBatches(total, BATCHES, FLOOD_MS, (i) => {
    const valid = i % 3 !== 2;
    pending.push(attempt(a, valid ? offender.token : invalidToken, valid));
  });
  const attempts = await Promise.all(pending);
  await settle(a, attempts);
  const floodMs = Math.round(performance.now() - started);
  const tally = (valid: boolean) => {
    const outcomes = attempts.filter((at) => at.valid === valid).map((at) => outcomeOf(a, at));
    const refused = outcomes.flatMap((o) => (o.kind === 'refused' ? [o.refusal] : []));
    return {
      sent: outcomes.length,
      accepted: outcomes.filter((o) => o.kind === 'accepted').length,
      limited: refused.filter((r) => r.rateLimited),
      otherwise: refused.filter((r) => !r.rateLimited),
      unanswered: outcomes.flatMap((o) => (o.kind === 'unanswered' ? [o.said] : [])),
    };
  };
  const valid = tally(true);
  const invalid = tally(false);
  ctx.note(
    `handshake flood: ${total} handshakes over ${FLOOD_MS} ms, settled after ${floodMs} ms; ` +
      `valid: ${valid.accepted} accepted, ${valid.limited.length} refused as rate limited, ${valid.otherwise.length} refused otherwise, ${valid.unanswered.length} unanswered; ` +
      `invalid: ${invalid.accepted} accepted, ${invalid.limited.length + invalid.otherwise.length} refused, ${invalid.unanswered.length} unanswered`,
  );
  ctx.check(invalid.accepted === 0, `${invalid.accepted} of ${invalid.sent} handshakes with a wrongly signed token were accepted during the flood`, {
    expected: 'every invalid token refused (connect_error, or an error event and a disconnect)',
    received: `${invalid.accepted} still connected ${ctx.timeouts.actionMs} ms after their CONNECT`,
  });
  const unanswered = [...valid.unanswered, ...invalid.unanswered];
  ctx.check(unanswered.length === 0, `the target stopped answering handshakes under the flood: ${unanswered.length} of ${total} got no answer`, {
    expected: `every handshake answered within ${answerMs(a)} ms (the canaries' loss bound)`,
    received: unanswered[0],
  });
  ctx.check(valid.otherwise.length === 0, `${valid.otherwise.length} of ${valid.sent} handshakes with a valid token were refused during the flood, and not by a connection limiter`, {
    expected: 'valid tokens accepted, or refused as rate limited',
    received: valid.otherwise[0]?.said,
  });
  if (valid.limited.length && ctx.config.limits.connectsPerSecond === 0) {
    ctx.nonStrict(`${valid.limited.length} valid handshakes were refused as rate limited, and no connection limit is declared (limits.connectsPerSecond 0)`);
  }
}
