import { describeOutcome } from '../../../client/outcome.js';
import type { Probe } from '../../../client/probe.js';
import type { CaseContext } from '../../context.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { aboutUser, connectRole, deviation, fromNow, joinAll, presenceHeartbeat, scene } from './actions.js';
import { ttlToWaitOut, waitsOutTtl } from './ttl.js';

const presence = suiteCase('kraken-presence', ['joinAll']);

/** presenceOnline: acks 'ACK' (a missing ack is non-strict, open point 4; another value fails). */
async function presenceOnline(ctx: CaseContext, probe: Probe, timeoutMs = ctx.timeouts.actionMs): Promise<void> {
  const outcome = await probe.act('presenceOnline', undefined, timeoutMs);
  if (outcome.kind === 'timeout') {
    deviation(ctx, `presenceOnline by ${probe.label} was not acknowledged with 'ACK' (spec README, Kraken open point 4)`);
    return;
  }
  ctx.check(outcome.kind === 'ack' && outcome.value === 'ACK', `presenceOnline by ${probe.label} was not answered 'ACK'`, {
    expected: "ack 'ACK'",
    received: describeOutcome(outcome),
  });
}

export const krakenPresenceCases: CaseDef[] = [
  presence('online-on-join-all', 'joinAll broadcasts userOnline {userId} to every connected client (global broadcast), other instances included', {
    needs: ['multiInstance'],
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, outsider, member] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'outsider', ctx.otherInstance),
        connectRole(k, world, 'member', ctx.otherInstance),
      ]);
      await joinAll(ctx, owner, world, 'owner');
      const fresh = [owner, outsider].map((p) => fromNow(p, aboutUser(world.users.member)));
      await joinAll(ctx, member, world, 'member');
      await ctx.waitFor(owner, 'userOnline', `userOnline for the member`, fresh[0]);
      await ctx.barrier([outsider]);
      if (outsider.received('userOnline', fresh[1]).length === 0) {
        deviation(ctx, 'userOnline did not reach a connected socket that joined no room: events.md says "Global broadcast" (sendToAll); module.md\'s pattern 2 scopes it to community rooms');
      }
    },
  }),

  presence('presence-online', "presenceOnline acks 'ACK' and broadcasts userOnline {userId}", {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
      await joinAll(ctx, owner, world, 'owner');
      const fresh = fromNow(owner, aboutUser(world.users.member));
      await presenceOnline(ctx, member);
      await ctx.waitFor(owner, 'userOnline', 'userOnline for the member after its presenceOnline', fresh);
    },
  }),

  presence('offline-on-disconnect', 'Closing the socket broadcasts userOffline {userId} to the other clients', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
      await joinAll(ctx, owner, world, 'owner');
      await joinAll(ctx, member, world, 'member');
      presenceHeartbeat(ctx, member);
      const fresh = fromNow(owner, aboutUser(world.users.member));
      ctx.assertNone([owner], 'userOffline', 'userOffline for the member while it is connected', aboutUser(world.users.member));
      await member.disconnect();
      await ctx.waitFor(owner, 'userOffline', 'userOffline for the member after its socket closed', fresh);
    },
  }),

  presence('offline-after-last-socket', "userOffline only when the user's last socket closes: a user with another tab open is not offline", {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const [owner, member1, member2] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'member', 0, '-1'),
        connectRole(k, world, 'member', ctx.otherInstance, '-2'),
      ]);
      await joinAll(ctx, owner, world, 'owner');
      await joinAll(ctx, member1, world, 'member');
      await joinAll(ctx, member2, world, 'member');
      // The user stays online through member2: keep its presence fresh as the frontend's heartbeat does.
      presenceHeartbeat(ctx, member2);
      const early = fromNow(owner, aboutUser(world.users.member));
      await member1.disconnect();
      await ctx.expectNothing([owner], 'userOffline', 'userOffline for the member while another of its sockets is still connected', early);
      const late = fromNow(owner, aboutUser(world.users.member));
      await member2.disconnect();
      await ctx.waitFor(owner, 'userOffline', 'userOffline for the member after its last socket closed', late);
    },
  }),

  presence('ttl-expiry', 'Without presenceOnline heartbeats the presence expires after the TTL: userOffline while the socket is still open', {
    longWait: waitsOutTtl('presence', 2),
    async run(ctx) {
      const ttl = ttlToWaitOut(ctx, 'presence');
      const { k, world } = await scene(ctx);
      const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
      await joinAll(ctx, owner, world, 'owner');
      const fresh = fromNow(owner, aboutUser(world.users.member));
      const started = performance.now();
      await joinAll(ctx, member, world, 'member');
      await ctx.waitFor(owner, 'userOffline', `userOffline for the member once its ${ttl} ms presence TTL ran out`, fresh, ttl * 2 + ctx.timeouts.actionMs);
      const after = performance.now() - started;
      ctx.check(after >= ttl * 0.8, 'userOffline came before the presence TTL ran out', { expected: `after about ${ttl} ms`, received: `after ${Math.round(after)} ms` });
      ctx.check(member.connected, 'the gateway closed the socket instead of only expiring the presence', { expected: 'the socket stays open', received: 'disconnected' });
    },
  }),

  presence('ttl-refresh', 'presenceOnline heartbeats inside the TTL keep the user online (each one broadcasts userOnline); once they stop, the TTL expires', {
    longWait: waitsOutTtl('presence', 4.5),
    async run(ctx) {
      const ttl = ttlToWaitOut(ctx, 'presence');
      const { k, world } = await scene(ctx);
      const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
      await joinAll(ctx, owner, world, 'owner');
      await joinAll(ctx, member, world, 'member');
      const fresh = fromNow(owner, aboutUser(world.users.member));
      const heartbeats = fromNow(owner, aboutUser(world.users.member));
      const until = performance.now() + ttl * 2.5;
      while (performance.now() < until) {
        await new Promise((r) => setTimeout(r, ttl / 4));
        // A heartbeat waits at most a quarter TTL for its ack, so a missing ack never starves the next one.
        await presenceOnline(ctx, member, ttl / 4);
      }
      await ctx.expectNothing([owner], 'userOffline', 'userOffline for a user that kept sending presenceOnline inside the TTL', fresh);
      ctx.check(owner.received('userOnline', heartbeats).length > 0, "the heartbeats' presenceOnline broadcast no userOnline", {
        expected: 'userOnline {userId} for every presenceOnline (events.md USER_ONLINE trigger)',
        received: owner.inboxSummary(),
      });
      // The heartbeats, not a TTL that is never enforced, kept the user online.
      await ctx.waitFor(owner, 'userOffline', `userOffline for the member once its heartbeats stopped (TTL ${ttl} ms)`, fresh, ttl * 2 + ctx.timeouts.actionMs);
    },
  }),
];
