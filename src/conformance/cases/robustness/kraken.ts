import * as s from '../../../protocol/kraken/schemas.js';
import type { CaseContext } from '../../context.js';
import { hasText, joinAll, scene } from '../kraken/actions.js';
import { ownField, type CanaryPair, type Offender, type RobustnessTarget } from './target.js';

/** Canaries and offenders of the Kraken protocol: each in a world of its own (owner and member in its private channel). */
export const krakenRobustness: RobustnessTarget = {
  async canaryPair(ctx: CaseContext, instance: number): Promise<CanaryPair> {
    const { k, world } = await scene(ctx);
    const [sender, receiver] = await Promise.all([
      k.connectAs(world.users.owner, { instance, label: `canary-owner@${instance}` }),
      k.connectAs(world.users.member, { instance, label: `canary-member@${instance}` }),
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
    return {
      token: await ctx.env.tokens.valid(world.users.owner),
      sendEvent: ctx.env.dialect.eventName('sendMessage'),
      roomField: 'channelId',
      message: (text, extra = {}) => s.sendPayload(where, text, extra),
      // spans must be an array of spans: a long string there is refused whatever its length.
      invalidOfSize: (bytes) => ({ ...s.sendPayload(where, ''), spans: 'x'.repeat(Math.max(0, bytes - 120)) }),
      withField: (text, key, value) => s.sendPayload(where, text, { spans: [{ ...s.textSpan(text), ...ownField(key, value) }] }),
      userId: world.users.owner,
      // userOffline goes to every client: the world's member hears it.
      presenceWatcher: async () => ({ probe: await k.connectAs(world.users.member, { label: 'presence-watcher' }), offlineEvent: 'userOffline' }),
    };
  },
};
