import { createClient } from 'redis';
import { resolveSecret } from '../config/load.js';
import type { Secret } from '../config/schema.js';
import { SetupError } from '../rest/client.js';

/** Reads a Redis set of the target's bookkeeping (read-only, one short-lived connection). */
export async function readRedisSet(url: Secret, key: string): Promise<string[]> {
  const client = createClient({ url: resolveSecret(url, 'capabilities.redis.url'), socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.sMembers(key);
  } catch (err) {
    throw new SetupError(`cannot read ${key} from the target's Redis: ${(err as Error).message}`);
  } finally {
    if (client.isOpen) await client.quit().catch(() => {});
  }
}
