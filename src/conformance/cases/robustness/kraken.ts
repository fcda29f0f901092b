import * as s from '../../../protocol/kraken/schemas.js';
import type { CaseContext } from '../../context.js';
import { connectRole, expectRefused, hasText, joinAll, scene } from '../kraken/actions.js';
import { expectHandshakeRejected } from '../kraken/handshake.js';
import { hasKrakenRest } from '../kraken/harness.js';
import { ownField, type CanaryPair, type Offender, type RemovalScene, type RobustnessTarget } from './target.js';

/** Canaries and offenders of the Kraken protocol: each in a world of its own (owner and member in its private channel). */
export const krakenRobustness: RobustnessTarget = {
  async canaryPair(ctx: CaseContext, instance: number): Promise<CanaryPair> {
    const { k, world } = await scene(ctx);
    const [sender, receiver] = await Promise.all([
      k.connectAs(world.users.owner, { instance, label: 'canary-owner' }),
      k.connectAs(world.users.member, { instance, label: 'canary-member' }),
    ]);
    await joinAll(ctx, sender, world, 'owner');
    await joinAll(ctx, receiver, world, 'member');
    const where = { channelId: world.channels.secret };
    return {
      sender,
      receiver,
      event: 'newMessage',
      send: (text) => sender.send('sendMessage', s.sendPayload(where, text)),
      carries: (p, text) => hasText(text)(p),
    };
  },

  async offender(ctx: CaseContext): Promise<Offender> {
    const { k, world } = await scene(ctx);
    const where = { channelId: world.channels.general };
    const userId = world.users.owner;
    return {
      token: await ctx.env.tokens.valid(userId),
      sendEvent: ctx.env.dialect.eventName('sendMessage'),
      roomField: 'channelId',
      message: (text, extra = {}) => s.sendPayload(where, text, extra),
      // spans must be an array of spans: a long string there is refused whatever its length.
      invalidOfSize: (bytes) => ({ ...s.sendPayload(where, ''), spans: 'x'.repeat(Math.max(0, bytes - 120)) }),
      withField: (text, key, value) => s.sendPayload(where, text, { spans: [{ ...s.textSpan(text), ...ownField(key, value) }] }),
      userId,
      // userOffline goes to every client: the world's member hears it.
      presenceWatcher: async () => ({ probe: await k.connectAs(world.users.member, { label: 'presence-watcher' }), offlineEvent: 'userOffline' }),
      auth: {
        code: 'AUTH_FAILED',
        everyEvent:
          'events.md has WsJwtAuthGuard verify the handshake token on every guarded event ("All events require valid JWT token"); ' +
          "Kraken v0.1.2's guard skips the check once the connection middleware authenticated the socket",
        expectHandshakeRefused: (token, what, label) => expectHandshakeRejected(ctx, world, { via: 'auth', token, what }, label, userId),
      },
    };
  },

  /**
   * The member removed from the private channel through Kraken's REST API (channel-membership.controller:
   * DELETE /api/channel-membership/channel/:channelId/user/:userId, declared as kraken.rest.removeChannelMember).
   * Kraken v0.1.2 takes the user's sockets out of the channel room and tells them nothing.
   */
  async removal(ctx: CaseContext): Promise<RemovalScene> {
    if (!hasKrakenRest(ctx, 'removeChannelMember')) {
      ctx.skip('skipped: declare kraken.rest.removeChannelMember (Kraken: DELETE /api/channel-membership/channel/{{channelId}}/user/{{userId}}) in the target config');
    }
    const { k, world } = await scene(ctx);
    const other = ctx.otherInstance;
    const [o1, o2, m1, m2] = await Promise.all([
      connectRole(k, world, 'owner', 0, '1'),
      connectRole(k, world, 'owner', other, '2'),
      connectRole(k, world, 'member', 0, '1'),
      connectRole(k, world, 'member', other, '2'),
    ]);
    await Promise.all([...[o1, o2].map((p) => joinAll(ctx, p, world, 'owner')), ...[m1, m2].map((p) => joinAll(ctx, p, world, 'member'))]);
    const channelId = world.channels.secret;
    return {
      stayers: [o1, o2],
      removed: [m1, m2],
      event: 'newMessage',
      sendEvent: 'sendMessage',
      message: (text) => s.sendPayload({ channelId }, text),
      textOf: (p) => {
        const m = s.messageOf(p);
        return m?.channelId === channelId ? s.textOf(m) : undefined;
      },
      remove: async () => void (await k.restKraken('removeChannelMember', world.users.owner, { channelId, userId: world.users.member })),
      expectDenied: (outcome, what) => expectRefused(ctx, outcome, 'PERMISSION_DENIED', 'sendMessage', what),
    };
  },
};
