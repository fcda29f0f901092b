import type { Probe, TokenVia } from '../../../client/probe.js';
import { summarize } from '../../../client/timeline.js';
import { errorPayload } from '../../../protocol/chat-service/schemas.js';
import type { CaseContext } from '../../context.js';

export interface Credentials {
  via: TokenVia;
  token?: string;
  headerValue?: string;
  what: string;
}

/**
 * A bad handshake must be refused and end disconnected. The documented way (an `error` event with
 * UNAUTHORIZED, then a disconnect) is strict; a middleware `connect_error` carrying the code is
 * non-strict; a connection that stays open fails.
 */
export async function expectHandshakeRejected(
  ctx: CaseContext,
  creds: Credentials,
  label = 'X',
  /** Where the document only implies the refusal: an acceptance is then non-strict, for this reason. */
  acceptable?: { userId: string; why: string },
): Promise<void> {
  const { probe, result } = await ctx.open({ via: creds.via, token: creds.token, headerValue: creds.headerValue, label });
  if (result.kind === 'connect_error') {
    const carried = `${result.message} ${summarize(result.data)}`;
    ctx.check(carried.includes('UNAUTHORIZED'), `${creds.what}: refused with connect_error but without the UNAUTHORIZED code`, {
      expected: "error event { code: 'UNAUTHORIZED' } then a disconnect (or connect_error carrying UNAUTHORIZED)",
      received: `connect_error ${carried}`,
    });
    ctx.nonStrict(`${creds.what}: rejected in the handshake middleware (connect_error) instead of an error event and a disconnect`);
    return;
  }
  const timeout = ctx.timeouts.actionMs;
  // A refused socket gets `error`; an accepted one `connected`: whichever comes first decides, at once.
  const first = await probe.waitForFirst(['error', 'connected'], timeout);
  if (first?.event === 'connected' && acceptable) {
    await expectStaysConnected(ctx, probe, first.payload, creds.what, acceptable.userId);
    ctx.nonStrict(`${creds.what}: accepted; ${acceptable.why}`);
    return;
  }
  ctx.check(first?.event !== 'connected', `${creds.what}: the gateway accepted the connection`, {
    expected: "error event { code: 'UNAUTHORIZED' } then a disconnect",
    received: `connected ${summarize(first?.payload)}`,
  });
  const error = ctx.ensure(first, `${creds.what}: no error event`, {
    expected: "error event { code: 'UNAUTHORIZED' }",
    received: probe.connected ? `nothing within ${timeout} ms; the socket stays connected` : `a disconnect without an error event; it received: ${probe.inboxSummary()}`,
  });
  const payload = ctx.conforms(errorPayload, error.payload, `the error event for ${creds.what}`);
  ctx.check(payload.code === 'UNAUTHORIZED', `${creds.what}: wrong error code`, { expected: 'UNAUTHORIZED', received: payload.code });
  const reason = await probe.waitForDisconnect(timeout);
  ctx.check(probe.received('connected').length === 0, `${creds.what}: the gateway sent connected to a socket it refused`, {
    expected: 'no connected event',
    received: summarize(probe.received('connected')[0]?.payload),
  });
  ctx.check(reason !== undefined, `${creds.what}: the socket remains connected after the UNAUTHORIZED error`, {
    expected: 'the server disconnects the socket',
    received: `still connected ${timeout} ms after the error`,
  });
}

/** A good handshake through an unusual channel must be accepted: connected with the user's id. */
export async function expectHandshakeAccepted(ctx: CaseContext, creds: Credentials, userId: string, label = 'A'): Promise<void> {
  const { probe, result } = await ctx.open({ via: creds.via, token: creds.token, headerValue: creds.headerValue, label });
  ctx.check(result.kind === 'connected', `${creds.what}: a valid token was refused`, { expected: 'a connection', received: summarize(result) });
  const connected = await ctx.waitFor(probe, 'connected', `connected after ${creds.what}`);
  await expectStaysConnected(ctx, probe, connected.payload, creds.what, userId);
}

async function expectStaysConnected(ctx: CaseContext, probe: Probe, connected: unknown, what: string, userId: string): Promise<void> {
  ctx.check((connected as { userId?: unknown } | null)?.userId === userId, `${what}: connected names another user`, {
    expected: `userId ${userId}`,
    received: summarize(connected),
  });
  await ctx.barrier([probe]);
  ctx.check(probe.connected && probe.received('error').length === 0, `${what}: the socket did not stay connected`, {
    expected: 'connected, no error event',
    received: probe.inboxSummary(),
  });
}
