import type { Probe } from '../../../client/probe.js';
import { summarize } from '../../../client/timeline.js';
import * as s from '../../../protocol/kraken/schemas.js';
import type { KrakenWorld } from '../../../protocol/kraken/world.js';
import type { CaseContext } from '../../context.js';
import { expectHandshakeRefused, type Credentials } from '../../handshake.js';

export type { Credentials };
import type { KrakenContext } from './harness.js';
import { aboutUser, expectMessage, joinAll, send, uniqueText } from './actions.js';

/**
 * A bad handshake must be refused and end disconnected (events.md "Connection Errors": `error`
 * {code:'AUTH_FAILED'} then disconnect(true)); see expectHandshakeRefused. Kraken-specific: events.md's
 * own WsJwtAuthGuard disconnects without an error event, and, being a guard, may only act on the socket's
 * first event; both are refusals the document shows, graded non-strict. `userId`: the token's user, whose
 * userOnline shows the poke was obeyed.
 */
export async function expectHandshakeRejected(ctx: CaseContext, world: KrakenWorld, creds: Credentials, label = 'X', userId = world.users.member): Promise<void> {
  await expectHandshakeRefused(ctx, {
    code: 'AUTH_FAILED',
    errorSchema: s.errorPayload,
    poke: { what: 'joinAll', send: (probe) => probe.send('joinAll', world.communityId), obeyed: (probe) => probe.received('userOnline', aboutUser(userId)) },
    silentDisconnect: "as events.md's WsJwtAuthGuard does",
  }, creds, label);
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
