import type { ZodType } from 'zod';
import type { Inbound, Probe, TokenVia } from '../client/probe.js';
import { summarize } from '../client/timeline.js';
import type { CaseContext } from './context.js';

export interface Credentials {
  via: TokenVia;
  token?: string;
  headerValue?: string;
  what: string;
}

/** How a dialect refuses a bad handshake, as the cases of both dialects check it. */
export interface RefusalRules {
  /** The error code of the refusal (UNAUTHORIZED, AUTH_FAILED). */
  code: string;
  errorSchema: ZodType<{ code?: unknown }>;
  /** The event by which the gateway says a socket is accepted: its arrival instead of an error fails. */
  readyEvent?: string;
  /**
   * A gateway whose guard acts only on a socket's first event (Kraken's WsJwtAuthGuard): after silence,
   * send one; `obeyed` lists what shows it was carried out anyway. Refusing only then is non-strict.
   */
  poke?: { send(probe: Probe): void; obeyed(probe: Probe): Inbound[]; what: string };
  /** A disconnect without the error event: failed when undefined, else non-strict for this reason. */
  silentDisconnect?: string;
}

/**
 * A bad handshake must be refused and end disconnected. The documented way (an `error` event with the
 * code, then a disconnect) is strict; a middleware `connect_error` carrying the code is non-strict; a
 * connection that stays open fails. `acceptable`: where the document only implies the refusal, an
 * acceptance is non-strict for that reason (`onAccepted` then checks the socket works as that user).
 */
export async function expectHandshakeRefused(
  ctx: CaseContext,
  rules: RefusalRules,
  creds: Credentials,
  label = 'X',
  acceptable?: { why: string; onAccepted(probe: Probe, ready: unknown): Promise<void> },
): Promise<void> {
  const { code } = rules;
  const documented = `error event { code: '${code}' } then a disconnect`;
  const { probe, result } = await ctx.open({ via: creds.via, token: creds.token, headerValue: creds.headerValue, label });
  if (result.kind === 'connect_error') {
    const carried = `${result.message} ${summarize(result.data)}`;
    ctx.check(carried.includes(code), `${creds.what}: refused with connect_error but without the ${code} code`, {
      expected: `${documented} (or connect_error carrying ${code})`,
      received: `connect_error ${carried}`,
    });
    ctx.nonStrict(`${creds.what}: refused in the handshake middleware (connect_error) instead of an error event and a disconnect`);
    return;
  }
  const timeout = ctx.timeouts.actionMs;
  // A refused socket gets `error`; an accepted one the ready event: whichever comes first decides, at once.
  let first = await probe.waitForFirst(rules.readyEvent ? ['error', rules.readyEvent] : ['error'], timeout);
  if (first && first.event === rules.readyEvent) {
    if (acceptable) {
      await acceptable.onAccepted(probe, first.payload);
      ctx.nonStrict(`${creds.what}: accepted; ${acceptable.why}`);
      return;
    }
    ctx.fail(`${creds.what}: the gateway accepted the connection`, { expected: documented, received: `${first.event} ${summarize(first.payload)}` });
  }
  let poked = false;
  if (!first && probe.connected && rules.poke) {
    // Silent so far: a guard-only gateway refuses at the socket's first event. Give it one.
    poked = true;
    const from = probe.inbox.length;
    rules.poke.send(probe);
    first = await probe.waitForFirst(['error'], timeout, from);
    const obeyed = rules.poke.obeyed(probe);
    ctx.check(obeyed.length === 0, `${creds.what}: the unauthenticated socket's ${rules.poke.what} was carried out`, {
      expected: `error event { code: '${code}' } and a disconnect`,
      received: `${obeyed[0]?.event} ${summarize(obeyed[0]?.payload)}`,
    });
  }
  if (!first) {
    ctx.check(!probe.connected, `${creds.what}: ${poked || !rules.silentDisconnect ? 'the gateway accepted the connection' : 'no error event'}`, {
      expected: documented,
      received: `still connected ${poked ? 2 * timeout : timeout} ms after connecting${poked ? ` (and after a ${rules.poke!.what})` : ''}; it received: ${probe.inboxSummary()}`,
    });
    if (!rules.silentDisconnect) {
      ctx.fail(`${creds.what}: no error event`, { expected: `error event { code: '${code}' }`, received: `a disconnect without an error event; it received: ${probe.inboxSummary()}` });
    }
    ctx.nonStrict(`${creds.what}: disconnected without the documented error event { code: '${code}' } (${rules.silentDisconnect})`);
  } else {
    const payload = ctx.conforms(rules.errorSchema, first.payload, `the error event for ${creds.what}`);
    ctx.check(payload.code === code, `${creds.what}: wrong error code`, { expected: code, received: summarize(payload) });
    const reason = await probe.waitForDisconnect(timeout);
    if (rules.readyEvent) {
      ctx.check(probe.received(rules.readyEvent).length === 0, `${creds.what}: the gateway sent ${rules.readyEvent} to a socket it refused`, {
        expected: `no ${rules.readyEvent} event`,
        received: summarize(probe.received(rules.readyEvent)[0]?.payload),
      });
    }
    ctx.check(reason !== undefined, `${creds.what}: the socket remains connected after the ${code} error`, {
      expected: 'the server disconnects the socket',
      received: `still connected ${timeout} ms after the error`,
    });
  }
  if (poked) ctx.nonStrict(`${creds.what}: refused only when the socket sent its first event, not on connection`);
}
