import type { Probe } from '../../../client/probe.js';
import { summarize } from '../../../client/timeline.js';
import { errorPayload } from '../../../protocol/chat-service/schemas.js';
import type { CaseContext } from '../../context.js';
import { expectHandshakeRefused, type Credentials, type RefusalRules } from '../../handshake.js';

export type { Credentials };

const REFUSAL: RefusalRules = { code: 'UNAUTHORIZED', errorSchema: errorPayload, readyEvent: 'connected' };

/** chat-service: an `error` { code: 'UNAUTHORIZED' } then a disconnect (see expectHandshakeRefused). */
export async function expectHandshakeRejected(
  ctx: CaseContext,
  creds: Credentials,
  label = 'X',
  /** Where the document only implies the refusal: an acceptance is then non-strict, for this reason. */
  acceptable?: { userId: string; why: string },
): Promise<void> {
  await expectHandshakeRefused(ctx, REFUSAL, creds, label, acceptable && { why: acceptable.why, onAccepted: (probe, ready) => expectStaysConnected(ctx, probe, ready, creds.what, acceptable.userId) });
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
