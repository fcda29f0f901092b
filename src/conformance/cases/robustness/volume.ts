import { readRss, type MemorySource } from '../../../client/process-memory.js';
import { eventPacket, type RawSession } from '../../../client/raw-session.js';
import { inBatches, sleep, type Attack } from './attack.js';
import { isErrorEvent } from './verdicts.js';


/** How long the flood lasts, and how many valid messages it sends in that time (scaled). */
const FLOOD_MS = 2000;
const FLOOD_EVENTS = 1500;

/**
 * One socket sends valid messages to its own room at 750 a second for two seconds. With a
 * declared rate limit on the send event, more accepted than the limit allows is obedience (failed) and
 * the rest must be refused; without one, only the canaries say whether backpressure protected them.
 */
export async function floodAttack(a: Attack): Promise<void> {
  const { ctx, offender } = a;
  const total = a.scaled(FLOOD_EVENTS);
  const s = await a.authenticated();
  const from = s.received.length;
  const floodMs = await inBatches(total, 100, FLOOD_MS, (i) => s.send(eventPacket(offender.sendEvent, offender.message(`gatecheck flood ${i}`), i + 1)), () => s.endedBy !== undefined);
  // Answers still on their way: until all came, the session ended, or the action timeout passed.
  let seen = from;
  let answers = 0;
  await s.until(() => {
    for (; seen < s.received.length; seen++) if (s.received[seen].startsWith('43') || isErrorEvent(a, s.received[seen])) answers++;
    return answers >= total || s.endedBy !== undefined;
  }, ctx.timeouts.actionMs);
  const received = s.received.slice(from);
  const accepted = received.filter((p) => p.startsWith('43')).length;
  const limited = received.filter((p) => isErrorEvent(a, p) && p.includes('RATE_LIMITED')).length;
  const otherErrors = received.filter((p) => isErrorEvent(a, p)).length - limited;
  ctx.note(`flood: ${total} messages in ${Math.round(floodMs)} ms; ${accepted} accepted, ${limited} RATE_LIMITED, ${otherErrors} other error(s)${s.endedBy ? `; the session ended (${s.endedBy})` : ''}`);

  const limit = ctx.config.capabilities.rateLimit;
  if (!limit || ctx.env.dialect.eventName(limit.event) !== offender.sendEvent) {
    ctx.note('the target declares no rate limit on the send event: only the canaries say whether it protected its other clients');
    return;
  }
  const allowed = limit.max * (Math.ceil((floodMs + ctx.timeouts.actionMs) / limit.windowMs) + 1);
  ctx.check(accepted <= allowed, `the flood was obeyed: ${accepted} of ${total} messages accepted, over the declared limit of ${limit.max} per ${limit.windowMs} ms`, {
    expected: `at most ${allowed} accepted in ${Math.round(floodMs)} ms, the rest RATE_LIMITED`,
    received: `${accepted} accepted, ${limited} RATE_LIMITED`,
  });
  ctx.check(limited > 0 || s.endedBy, 'the flood was not refused: no RATE_LIMITED error and the session stayed open', { expected: 'RATE_LIMITED errors', received: `${accepted} accepted, ${otherErrors} other errors` });
}

const SLOW_READER_PAYLOADS = 200;
const SLOW_READER_BYTES = 256 * 1024;

/**
 * A client that never reads sends invalid messages (256 KB each, under the cap: 50 then 200, ten every
 * 100 ms) and reads none of the answers: the target's RSS (read from /proc/<pid> or the metrics URL)
 * over the 200 must not grow past the bound, whatever it queues for that client.
 */
export async function slowReaderAttack(a: Attack): Promise<void> {
  const { ctx } = a;
  const source: MemorySource = ctx.config.instances[0];
  const s = await a.authenticated();
  s.stopReading();
  // Alive, just not reading: it answers the heartbeat blind (an unasked pong), so a short heartbeat ends
  // nothing here; the half-open case is the silent client.
  const heartbeat = setInterval(() => void s.send('3'), 500);
  try {
    await slowReads(a, s, source);
  } finally {
    clearInterval(heartbeat);
  }
}

async function slowReads(a: Attack, s: RawSession, source: MemorySource): Promise<void> {
  const { ctx, offender } = a;
  const count = a.scaled(SLOW_READER_PAYLOADS);
  const packet = eventPacket(offender.sendEvent, offender.invalidOfSize(SLOW_READER_BYTES));
  // A quarter first, before the baseline: the heap the target grows to parse such payloads once is not a queue.
  const warmUp = Math.ceil(count / 4);
  // Ten payloads every 100 ms: a client that does not read, not a flood (event-flood is that case).
  const sendPaced = async (n: number) => {
    for (let i = 0; i < n && !s.endedBy; i += 10) {
      const next = sleep(100);
      for (let j = i; j < Math.min(n, i + 10); j++) await s.send(packet);
      await next;
    }
  };
  await sendPaced(warmUp);
  await sleep(500);
  const baseline = await readRss(source);
  await sendPaced(count);
  await sleep(1000);
  let peak = 0;
  for (let i = 0; i < 3; i++) {
    peak = Math.max(peak, await readRss(source));
    await sleep(200);
  }
  const growthMb = (peak - baseline) / 1024 / 1024;
  const bound = a.limits.rssGrowthMb;
  ctx.note(`slow reader: ${warmUp} + ${count} payloads of ${SLOW_READER_BYTES / 1024} KB sent, none of the answers read; RSS ${mb(baseline)} MB after the first ${warmUp}, ${mb(peak)} MB after (+${growthMb.toFixed(1)} MB, bound ${bound} MB)${s.endedBy ? `; the session ended (${s.endedBy})` : ''}`);
  ctx.check(growthMb <= bound, `the target's memory grew by ${growthMb.toFixed(1)} MB for one client that never reads`, {
    expected: `RSS growth at most ${bound} MB (limits.robustness.rssGrowthMb)`,
    received: `${mb(baseline)} MB -> ${mb(peak)} MB`,
  });
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
