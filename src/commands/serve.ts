import { randomBytes } from 'node:crypto';
import type { ProtocolName } from '../protocol/names.js';
import { SignJWT } from 'jose';
import type { Logger } from 'pino';
import { watchParent } from '../processes/parent-watch.js';
import { provideRedis, redactUrl } from '../reference/redis-provider.js';
import { startReferenceGateway, type ReferenceGateway, type UnexpectedExit } from '../reference/launcher.js';
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
  const { reference } = dialectModule(flags.dialect);
  const gateway = await startReferenceGateway({
    instances: flags.instances,
    redisUrl: redis?.url,
    mutant: flags.mutant,
    jwtSecret,
    rateLimit: reference.rateLimit,
    gateway: flags.dialect as ProtocolName,
  });
  // Listening before the last line is printed: whoever reads "Ctrl-C stops it." may signal at once.
  const stopped = untilStopped(gateway);
  const key = new TextEncoder().encode(jwtSecret);
  const token = (sub: string) => new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(key);
  const out = process.stdout;
  out.write(`reference ${flags.dialect} gateway${flags.mutant ? ` (mutant ${flags.mutant})` : ''}\n`);
  gateway.instances.forEach((instance, i) => out.write(`  instance ${i + 1}: ${instance.url} (pid ${instance.pid})\n`));
  if (redis?.url) out.write(`  redis: ${redactUrl(redis.url)} (${redis.source})\n`);
  out.write(given ? '  tokens: HS256 with GATECHECK_JWT_SECRET from your environment\n' : '  tokens: HS256 with a throwaway secret\n');
  out.write(`  to test it: ${reference.explore.howToTest(gateway.urls, given ? '' : `GATECHECK_JWT_SECRET=${jwtSecret} `)}\n`);
  for (const user of reference.explore.users) out.write(`  a token for user ${user} (1 h): ${await token(user)}\n`);
  out.write('Ctrl-C stops it.\n');

  const why = await stopped;
  if (why.kind === 'died') {
    const { instance, url, code, signal, stderrTail } = why.exit;
    process.stderr.write(`instance ${instance} (${url}) exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}); stopping\n`);
    if (stderrTail) process.stderr.write(`its stderr:\n${stderrTail}\n`);
  }
  await gateway.stop();
  await redis?.stop();
  // Written after stopping: with the parent gone, stderr may be a pipe nobody reads any more (EPIPE).
  if (why.kind === 'orphaned') process.stderr.write(`stopped: the parent process (pid ${why.parent}) exited\n`);
  return why.kind === 'died' ? 1 : 0;
}

type StopReason = { kind: 'signal' } | { kind: 'died'; exit: UnexpectedExit } | { kind: 'orphaned'; parent: number };

/** Waits for Ctrl-C or SIGTERM, an instance that dies, or the parent process going away. */
async function untilStopped(gateway: ReferenceGateway): Promise<StopReason> {
  // Signal listeners do not keep Node alive, and the gateway children are unref'd: hold the loop open.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const parent = watchParent();
  try {
    return await Promise.race<StopReason>([
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve({ kind: 'signal' }));
        process.once('SIGTERM', () => resolve({ kind: 'signal' }));
      }),
      gateway.died.then((exit) => ({ kind: 'died', exit })),
      parent.gone.then((pid) => ({ kind: 'orphaned', parent: pid })),
    ]);
  } finally {
    clearInterval(keepAlive);
    parent.stop();
  }
}
