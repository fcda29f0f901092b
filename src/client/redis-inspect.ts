import { createClient } from 'redis';
import { resolveSecret } from '../config/load.js';
import type { Secret } from '../config/schema.js';
import { SetupError } from '../rest/client.js';

/** Read-only access to the target's Redis bookkeeping over one connection (opened, read, closed by one user). */
export async function openTargetRedis(url: Secret) {
  const client = createClient({ url: resolveSecret(url, 'capabilities.redis.url'), socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new SetupError(`cannot connect to the target's Redis: ${(err as Error).message}`);
  }
  async function read<T>(key: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new SetupError(`cannot read ${key} from the target's Redis: ${(err as Error).message}`);
    }
  }
  return {
    setMembers: (key: string): Promise<string[]> => read(key, () => client.sMembers(key)),
    /** The hash's fields; an empty object when the key does not exist. */
    hash: (key: string): Promise<Record<string, string>> => read(key, async () => ({ ...(await client.hGetAll(key)) })),
    async close(): Promise<void> {
      if (client.isOpen) await client.quit().catch(() => {});
    },
  };
}

export type TargetRedis = Awaited<ReturnType<typeof openTargetRedis>>;

/** Reads a Redis set of the target's bookkeeping (read-only, one short-lived connection). */
export async function readRedisSet(url: Secret, key: string): Promise<string[]> {
  const redis = await openTargetRedis(url);
  try {
    return await redis.setMembers(key);
  } finally {
    await redis.close();
  }
}
