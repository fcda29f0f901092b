import type { Probe, TokenVia } from '../../../client/probe.js';
import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/kraken/schemas.js';
import type { KrakenWorld } from '../../../protocol/kraken/world.js';
import type { CaseContext } from '../../context.js';
import type { KrakenContext } from './harness.js';
import { aboutUser, expectMessage, joinAll, send, uniqueText } from './actions.js';

export interface Credentials {
  via: TokenVia;
  token?: string;
  headerValue?: string;
  what: string;
}

const AUTH_FAILED = 'AUTH_FAILED';

/**
 * A bad handshake must be refused and end disconnected (events.md "Connection Errors": `error`
 * {code:'AUTH_FAILED'} then disconnect(true)). spec/README "both dialects": that is strict; a middleware
 * `connect_error` carrying AUTH_FAILED is non-strict; a connection that stays open fails. Kraken-specific:
 * events.md's own WsJwtAuthGuard disconnects without an error event, and, being a guard, may only act on
 * the socket's first event; both are refusals the document shows, graded non-strict.
 */
export async function expectHandshakeRejected(ctx: CaseContext, world: KrakenWorld, creds: Credentials, label = 'X'): Promise<void> {
  const { probe, result } = await ctx.open({ via: creds.via, token: creds.token, headerValue: creds.headerValue, label });
  if (result.kind === 'connect_error') {
    const carried = `${result.message} ${summarize(result.data)}`;
    ctx.check(carried.includes(AUTH_FAILED), `${creds.what}: refused with connect_error but without the AUTH_FAILED code`, {
      expected: "error event { code: 'AUTH_FAILED' } then a disconnect (or connect_error carrying AUTH_FAILED)",
      received: `connect_error ${carried}`,
    });
    ctx.nonStrict(`${creds.what}: refused in the handshake middleware (connect_error) instead of an error event and a disconnect`);
    return;
  }
  const timeout = ctx.timeouts.actionMs;
  let error = await probe.waitForFirst(['error'], timeout);
  let onFirstEvent = false;
  if (!error && probe.connected) {
    // Silent so far: a guard-only gateway refuses at the socket's first event. Give it one.
    onFirstEvent = true;
    const from = probe.inbox.length;
    probe.send('joinAll', world.communityId);
    error = await probe.waitForFirst(['error'], timeout, from);
    const joined = probe.received('userOnline', aboutUser(world.users.member));
    ctx.check(joined.length === 0, `${creds.what}: the unauthenticated socket's joinAll was carried out`, {
      expected: "error event { code: 'AUTH_FAILED' } and a disconnect",
      received: `userOnline ${summarize(joined[0]?.payload)}`,
    });
  }
  if (!error) {
    ctx.check(!probe.connected, `${creds.what}: the gateway accepted the connection`, {
      expected: "error event { code: 'AUTH_FAILED' } then a disconnect",
      received: `still connected ${2 * timeout} ms after connecting (and after a joinAll); it received: ${probe.inboxSummary()}`,
    });
    ctx.nonStrict(`${creds.what}: disconnected without the documented error event { code: 'AUTH_FAILED' } (as events.md's WsJwtAuthGuard does)`);
  } else {
    const payload = ctx.conforms(s.errorPayload, error.payload, `the error event for ${creds.what}`);
    ctx.check(payload.code === AUTH_FAILED, `${creds.what}: wrong error code`, { expected: AUTH_FAILED, received: summarize(payload) });
    const reason = await probe.waitForDisconnect(timeout);
    ctx.check(reason !== undefined, `${creds.what}: the socket remains connected after the AUTH_FAILED error`, {
      expected: 'the server disconnects the socket',
      received: `still connected ${timeout} ms after the error`,
    });
  }
  if (onFirstEvent) ctx.nonStrict(`${creds.what}: refused only when the socket sent its first event, not on connection`);
}

/**
 * A valid token through one of the documented channels must be accepted: the socket (on the other
 * instance) stays connected, joinAll works, and the gateway knows who it is: the owner, joined on the
 * first instance, receives the socket's message with the member's id as author.
 */
export async function expectHandshakeAccepted(k: KrakenContext, world: KrakenWorld, creds: Credentials, label = 'member'): Promise<Probe> {
  const { ctx } = k;
  const owner = await k.connectAs(world.users.owner, { label: 'owner' });
  await joinAll(ctx, owner, world, 'owner');
  const { probe, result } = await ctx.open({ instance: ctx.otherInstance, via: creds.via, token: creds.token, headerValue: creds.headerValue, label: `${label}@${ctx.otherInstance}` });
  ctx.check(result.kind === 'connected', `${creds.what}: a valid token was refused`, { expected: 'a connection', received: summarize(result) });
  await joinAll(ctx, probe, world, 'member');
  const text = uniqueText('auth accepted');
  await send(ctx, probe, { channelId: world.channels.general }, text);
  const got = await expectMessage(ctx, [owner, probe], text, { what: `the message sent after ${creds.what}` });
  for (const m of got) {
    ctx.check(m.authorId === world.users.member, `${creds.what}: the gateway took the socket for another user`, {
      expected: `authorId ${world.users.member}`,
      received: summarize(m),
    });
  }
  ctx.check(probe.connected && probe.received('error').length === 0, `${creds.what}: the socket did not stay connected without errors`, {
    expected: 'connected, no error event',
    received: probe.inboxSummary(),
  });
  return probe;
}
