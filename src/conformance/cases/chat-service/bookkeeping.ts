import { openTargetRedis, type TargetRedis } from '../../../client/redis-inspect.js';
import type { Probe } from '../../../client/probe.js';
import { suiteCase, type CaseDef } from '../../types.js';
import type { CaseContext } from '../../context.js';

const bookkeeping = suiteCase('bookkeeping');
const POLL_MS = 20;

/** The target's Redis and its declared key patterns; the case closes the connection when it ends. */
async function openBookkeeping(ctx: CaseContext) {
  const declared = ctx.config.capabilities.redis!;
  const redis = await openTargetRedis(declared.url);
  const keys = {
    connections: (userId: string) => declared.keys.connections.replaceAll('{userId}', userId),
    socket: (socketId: string) => declared.keys.socket.replaceAll('{socketId}', socketId),
    online: declared.keys.online,
  };
  return { redis, keys };
}

/**
 * Reads until `done` holds or actionMs runs out (the gateway writes its bookkeeping after the
 * socket event, so a single read could race it); answers the last value read and whether it held.
 */
async function readUntil<T>(ctx: CaseContext, what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<{ value: T; held: boolean }> {
  const deadline = performance.now() + ctx.timeouts.actionMs;
  let value = await read();
  while (!done(value) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    value = await read();
  }
  ctx.timeline.add('redis', 'in', what, value);
  return { value, held: done(value) };
}

/** Waits until the gateway has handled the socket's disconnect, as its ws:connections set shows. */
async function disconnectHandled(ctx: CaseContext, redis: TargetRedis, key: string, probe: Probe): Promise<void> {
  const socketId = probe.id!;
  await probe.disconnect();
  const { held } = await readUntil(ctx, `SMEMBERS ${key} after ${probe.label} closed`, () => redis.setMembers(key), (m) => !m.includes(socketId));
  ctx.check(held, `${key} still holds ${probe.label}'s socket id after it closed`, { expected: `${socketId} removed`, received: 'still a member' });
}

export const bookkeepingCases: CaseDef[] = [
  bookkeeping('socket-key', 'ws:socket:{socketId} maps the socket to its user while connected and is deleted on disconnect (Step 4.4)', {
    needs: ['redis'],
    async run(ctx) {
      const [a] = await ctx.users(1);
      const { redis, keys } = await openBookkeeping(ctx);
      try {
        const pa = await ctx.connect(a);
        const key = keys.socket(pa.id!);
        const live = await readUntil(ctx, `HGETALL ${key}`, () => redis.hash(key), (h) => Object.keys(h).length > 0);
        ctx.check(live.held, `${key} does not exist while ${pa.label} is connected`, { expected: `a hash { userId: ${a.id}, connectedAt }`, received: 'no such key' });
        ctx.check(live.value.userId === a.id, `${key} names another user`, { expected: `userId ${a.id}`, received: JSON.stringify(live.value) });
        ctx.check(Boolean(live.value.connectedAt), `${key} has no connectedAt`, { expected: 'userId and connectedAt', received: JSON.stringify(live.value) });
        await pa.disconnect();
        const gone = await readUntil(ctx, `HGETALL ${key} after the disconnect`, () => redis.hash(key), (h) => Object.keys(h).length === 0);
        ctx.check(gone.held, `${key} is still there after ${pa.label} disconnected`, {
          expected: `DEL ${key} on disconnect (Step 4.4 removeConnection)`,
          received: JSON.stringify(gone.value),
        });
      } finally {
        await redis.close();
      }
    },
  }),

  bookkeeping('online-set', "ws:online holds the user while any socket is connected and drops it after the last one closes (Step 4.4)", {
    needs: ['redis'],
    async run(ctx) {
      const [a] = await ctx.users(1);
      const { redis, keys } = await openBookkeeping(ctx);
      try {
        const [a1, a2] = await Promise.all([ctx.connect(a, { device: 1 }), ctx.connect(a, { device: 2, instance: ctx.otherInstance })]);
        const online = () => redis.setMembers(keys.online);
        const present = await readUntil(ctx, `SMEMBERS ${keys.online}`, online, (m) => m.includes(a.id));
        ctx.check(present.held, `${keys.online} does not hold ${a.label} while it is connected`, { expected: `${a.id} a member`, received: 'not a member' });

        await disconnectHandled(ctx, redis, keys.connections(a.id), a1);
        // The disconnect is handled: a wrong SREM would follow within one round trip; the grace window covers it.
        await new Promise((r) => setTimeout(r, ctx.instanceCount > 1 ? ctx.timeouts.crossInstanceGraceMs : ctx.timeouts.graceMs));
        const stillOnline = await online();
        ctx.timeline.add('redis', 'in', `SMEMBERS ${keys.online} with ${a2.label} still open`, stillOnline);
        ctx.check(stillOnline.includes(a.id), `${keys.online} dropped ${a.label} while ${a2.label} is still connected`, {
          expected: `${a.id} a member until its last socket closes`,
          received: 'not a member',
        });

        await a2.disconnect();
        const absent = await readUntil(ctx, `SMEMBERS ${keys.online} after the last socket closed`, online, (m) => !m.includes(a.id));
        ctx.check(absent.held, `${keys.online} still holds ${a.label} after its last socket closed`, { expected: `SREM ${keys.online} ${a.id}`, received: 'still a member' });
      } finally {
        await redis.close();
      }
    },
  }),
];
