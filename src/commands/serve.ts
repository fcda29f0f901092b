import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Logger } from 'pino';
import { provideRedis } from '../target/redis-provider.js';
import { startReferenceGateway } from '../target/reference-launcher.js';
import { dialectModule } from '../dialects/index.js';

export interface ServeFlags {
  dialect: string;
  instances: number;
  redisUrl?: string;
  mutant?: string;
}

/** Starts the reference gateway for people to explore, until Ctrl-C. */
export async function serveCommand(flags: ServeFlags, logger: Logger): Promise<number> {
  const redis = flags.instances > 1 || flags.redisUrl ? await provideRedis({ redisUrl: flags.redisUrl, logger }) : undefined;
  if (flags.instances > 1 && !redis?.url) {
    process.stderr.write(`error: --instances ${flags.instances} needs Redis: ${redis?.hint}\n`);
    return 2;
  }
  const given = process.env.GATECHECK_JWT_SECRET;
  const jwtSecret = given || randomBytes(24).toString('hex');
  const { reference, mutants } = dialectModule(flags.dialect);
  const gateway = await startReferenceGateway({
    instances: flags.instances,
    redisUrl: redis?.url,
    mutant: flags.mutant,
    jwtSecret,
    rateLimit: reference.rateLimit,
    gateway: reference.gateway,
    knownMutants: mutants,
  });
  const key = new TextEncoder().encode(jwtSecret);
  const token = (sub: string) => new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(key);
  const out = process.stdout;
  out.write(`reference ${flags.dialect} gateway${flags.mutant ? ` (mutant ${flags.mutant})` : ''}\n`);
  gateway.urls.forEach((u, i) => out.write(`  instance ${i + 1}: ${u}\n`));
  if (redis?.url) out.write(`  redis: ${redis.source}\n`);
  out.write(given ? '  tokens: HS256 with GATECHECK_JWT_SECRET from your environment\n' : '  tokens: HS256 with a throwaway secret\n');
  out.write(`  to test it: ${reference.explore.howToTest(gateway.urls, given ? '' : `GATECHECK_JWT_SECRET=${jwtSecret} `)}\n`);
  for (const user of reference.explore.users) out.write(`  a token for user ${user} (1 h): ${await token(user)}\n`);
  out.write('Ctrl-C stops it.\n');
  // Signal listeners do not keep Node alive, and the gateway children are unref'd: hold the loop open.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  await gateway.stop();
  await redis?.stop();
  return 0;
}
