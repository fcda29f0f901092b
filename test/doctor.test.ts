import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetConfig } from '../src/config/schema.js';
import { paceDeadlines } from '../src/conformance/pacing.js';
import { chatServiceModule } from '../src/dialects/chat-service/index.js';
import { krakenModule } from '../src/dialects/kraken/index.js';
import type { ProvidedRedis } from '../src/reference/redis-provider.js';
import { provideReferenceRedis } from '../src/reference/target.js';
import { startReferenceGateway, type ReferenceGateway } from '../src/reference/launcher.js';
import { runCli } from './support/cli.js';

const SECRET = 'doctor-test-signing-secret-0123456789';
const dir = await mkdtemp(join(tmpdir(), 'gatecheck-doctor-'));
let redis: ProvidedRedis;
let chat: ReferenceGateway;
let kraken: ReferenceGateway;
/** Kraken with a later release's event names (joinAll became subscribeAll; NestJS's `exception`). */
let renamed: ReferenceGateway;
/** One instance refusing a second connection a minute from the same IP, as Kraken v0.1.2 refuses an eleventh. */
let limited: ReferenceGateway;
let notSocketIo: Server;
let notSocketIoUrl: string;

beforeAll(async () => {
  redis = await provideReferenceRedis({});
  [chat, kraken, limited, renamed] = await Promise.all([
    startReferenceGateway({ instances: redis.url ? 2 : 1, redisUrl: redis.url, jwtSecret: SECRET }),
    startReferenceGateway({ gateway: 'kraken', instances: 1, jwtSecret: SECRET, extraArgs: krakenModule.reference.extraArgs }),
    startReferenceGateway({ instances: 1, jwtSecret: SECRET, connectLimit: { max: 1, windowMs: 60_000 } }),
    startReferenceGateway({ gateway: 'kraken', instances: 1, jwtSecret: SECRET, extraArgs: ['--rename', 'joinAll=subscribeAll,error=exception'] }),
  ]);
  notSocketIo = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Cannot GET /socket.io/</html>'));
  await new Promise<void>((r) => notSocketIo.listen(0, '127.0.0.1', r));
  notSocketIoUrl = `http://127.0.0.1:${(notSocketIo.address() as { port: number }).port}`;
}, 30_000);

afterAll(async () => {
  await Promise.all([chat?.stop(), kraken?.stop(), limited?.stop(), renamed?.stop()]);
  await redis?.stop();
  await new Promise((r) => notSocketIo?.close(r));
  await rm(dir, { recursive: true, force: true });
});

/** The reference gateway's own config, its secret read from DOCTOR_SECRET (as a user's config would), with changes. */
async function configFile(name: string, base: TargetConfig, change: (c: any) => void = () => {}): Promise<string> {
  const config = structuredClone({ ...base, auth: { mint: { ...base.auth.mint, secret: { env: 'DOCTOR_SECRET' } } } }) as any;
  change(config);
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(config));
  return file;
}
const chatConfig = () => chatServiceModule.reference.config(chat.urls, SECRET, redis.url);
const env = (secret = SECRET) => ({ env: { DOCTOR_SECRET: secret } });
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .*\.js:\d+/);

describe.concurrent('gatecheck doctor', () => {
  it('passes the healthy reference gateways of both dialects (exit 0), each check a line', async () => {
    const [chatRun, krakenRun] = await Promise.all([
      runCli(['doctor', '--target', await configFile('chat-healthy', chatConfig()), '--json'], env()),
      runCli(['doctor', '--target', await configFile('kraken-healthy', krakenModule.reference.config(kraken.urls, SECRET))], env()),
    ]);
    expect(chatRun.code, chatRun.stderr).toBe(0);
    const report = JSON.parse(chatRun.stdout);
    expect(report).toMatchObject({ kind: 'doctor', dialect: 'chat-service', testable: true, summary: { failures: 0, warnings: 0 } });
    const groups = new Set(report.checks.filter((c: { status: string }) => c.status === 'ok').map((c: { group: string }) => c.group));
    expect([...groups]).toEqual(expect.arrayContaining(['env', 'reachability', 'tokens', 'rest', 'rate-limit', 'events', ...(redis.url ? ['redis'] : [])]));
    expect(chatRun.stderr).toContain('✓ env           every environment variable the config names is set: DOCTOR_SECRET');
    expect(chatRun.stderr).toMatch(/✓ rest +rest\.createConversation \(POST \/api\/conversations\) answered 201, id = \w+/);
    expect(chatRun.stderr).toContain('✓ events        ping is answered');
    expect(krakenRun.code, krakenRun.stdout).toBe(0);
    expect(krakenRun.stdout).toMatch(/✓ world +kraken\.world\.provision \(POST \/api\/test\/worlds\) answered 201 with a world/);
    for (const role of ['owner', 'member', 'reader', 'outsider']) expect(krakenRun.stdout).toMatch(new RegExp(`✓ tokens +a token for ${role} \\(\\S+\\) is accepted on ${kraken.urls[0]}`));
    expect(chatRun.stdout + chatRun.stderr + krakenRun.stdout).not.toContain(SECRET);
  });

  it('a wrong idPath: exit 2, naming the call, the path and what the answer held', async () => {
    const file = await configFile('chat-idpath', chatConfig(), (c) => (c.rest.createConversation.idPath = 'data._id'));
    const run = await runCli(['doctor', '--target', file], env());
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/✗ rest +REST rest\.createConversation answered 201 but data\._id is not a string id in \{"id":"\w+"/);
    expect(run.stdout).toContain('fix: set rest.createConversation.idPath to the dotted path of the new id in that answer');
    expect(run.stdout).toContain('- rest          not checked without a conversation: rest.sendMessage, rest.addParticipant');
  });

  it('a wrong Redis key pattern: a warning (exit 0) naming the key that does hold the socket', async (ctx) => {
    if (!redis.url) return ctx.skip(`no Redis: ${redis.hint}`);
    const file = await configFile('chat-keys', chatConfig(), (c) => (c.capabilities.redis.keys = { connections: 'chat:ws:connections:{userId}' }));
    const run = await runCli(['doctor', '--target', file], env());
    expect(run.code).toBe(0);
    const user = /a minted user \((\w+)\)/.exec(run.stdout)![1];
    expect(run.stdout).toContain(`! redis         keys.connections: chat:ws:connections:${user} does not exist after socket`);
    expect(run.stdout).toContain(`fix: keys that mention ${user}: ws:connections:${user}; set capabilities.redis.keys.connections`);
    expect(run.stdout).toMatch(/✓ redis +keys\.online: ws:online holds user/);
    expect(run.stdout).toContain('1 warning');
  });

  it('an unset environment variable: named with its config path, by doctor and by conform (not an errored case)', async () => {
    const file = await configFile('chat-env', chatConfig(), (c) => (c.capabilities.redis = { url: { env: 'DOCTOR_REDIS_URL_NOT_SET' } }));
    const [doctor, conform] = await Promise.all([runCli(['doctor', '--target', file], env()), runCli(['conform', '--target', file, '--no-preflight'], env())]);
    const line = '✗ env           capabilities.redis.url: environment variable DOCTOR_REDIS_URL_NOT_SET is not set';
    expect(doctor.code).toBe(2);
    expect(doctor.stdout).toContain(line);
    expect(doctor.stdout).toContain('fix: export DOCTOR_REDIS_URL_NOT_SET=...');
    expect(conform.code).toBe(2);
    expect(conform.stderr).toContain(line);
    expect(conform.stdout).not.toMatch(/errored/);
  });

  it('renamed events: answered ones pass, names the server does not know are warnings (exit 0)', async () => {
    const base = krakenModule.reference.config(renamed.urls, SECRET);
    const [right, wrong] = await Promise.all([
      runCli(['doctor', '--target', await configFile('renamed-right', base, (c) => (c.events = { joinAll: 'subscribeAll', error: 'exception' }))], env()),
      runCli(['doctor', '--target', await configFile('renamed-wrong', base, (c) => (c.events = { joinAll: 'joinEverything', error: 'exception' }))], env()),
    ]);
    expect(right.code).toBe(0);
    expect(right.stdout).toMatch(/✓ events +subscribeAll \(the documented joinAll\) is answered: error event \{"event":"subscribeAll".*"code":"VALIDATION_ERROR"/);
    expect(right.stdout).toContain('✓ events        exception (the documented error) was received from the server');
    expect(right.stdout).toContain('0 warnings');
    expect(wrong.code).toBe(0);
    expect(wrong.stdout).toContain('! events        joinEverything (the documented joinAll): no answer within 1000 ms (no ack, no error event): the cases that use it will fail');
    expect(wrong.stdout).toContain('fix: check events.joinAll ("joinEverything") against the server\'s event names');
  });

  it('an expired static token: the fix names the pool entry and when it expired', async () => {
    const exp = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT({ sub: 'doctor-static-user' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(exp - 60).setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));
    const file = await configFile('static-expired', chatConfig(), (c) => (c.auth = { static: [{ userId: 'doctor-static-user', token: { env: 'DOCTOR_STATIC_TOKEN' } }] }));
    const run = await runCli(['doctor', '--target', file], { env: { DOCTOR_STATIC_TOKEN: expired } });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/✗ tokens +the token for auth\.static\[0\] \(doctor-static-user\) was refused on .*UNAUTHORIZED/);
    expect(run.stdout).toContain(`fix: auth.static[0].token expired at ${new Date(exp * 1000).toISOString()}: issue a new one`);
    expect(run.stdout).not.toContain(expired.split('.')[2]);
  });

  it('--help lists the checks and the exit codes', async () => {
    const run = await runCli(['doctor', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--target <file>');
    expect(run.stdout).toMatch(/0 {2}every blocking check passed[\s\S]*2 {2}the target cannot be tested as configured/);
    const conform = await runCli(['conform', '--help']);
    expect(conform.stdout).toContain('--no-preflight');
  });

  it('a URL that is not a Socket.IO server: exit 2 on the reachability line', async () => {
    const run = await runCli(['doctor', '--url', notSocketIoUrl], { env: { GATECHECK_JWT_SECRET: SECRET } });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`✗ reachability  target ${notSocketIoUrl} is not a Socket.IO server: GET /socket.io/?EIO=4&transport=polling answered HTTP 404`);
    expect(run.stdout).toContain('- tokens        tokens not checked: no instance answers');
  });
});

describe('a refused token: doctor and conform say so instead of failing cases', () => {
  it('a wrong signing secret: exit 2, the refusal quoted, the fix named; conform stops the same way before any case', async () => {
    const file = await configFile('chat-healthy-wrong', chatConfig());
    const doctor = await runCli(['doctor', '--target', file], env('not-the-servers-secret-at-all'));
    const conform = await runCli(['conform', '--target', file, '--json'], { ...env('not-the-servers-secret-at-all'), timeoutMs: 15_000 });
    expect(doctor.code).toBe(2);
    noStack(doctor.stderr);
    expect(doctor.stdout).toMatch(/✗ tokens +the token for a minted user \(\w+\) was refused on http:\/\/127\.0\.0\.1:\d+: error event \{"code":"UNAUTHORIZED","message":"Invalid authentication token"/);
    expect(doctor.stdout).toContain('fix: the server does not accept the tokens gatecheck mints: check auth.mint.secret');
    expect(doctor.stdout).toContain('the target cannot be tested as configured');
    expect(conform.code).toBe(2);
    expect(conform.stdout).toBe('');
    expect(conform.stderr).toMatch(/✗ tokens +the token for a minted user \(\w+\) was refused .*UNAUTHORIZED/);
    expect(conform.stderr).toContain('check auth.mint.secret');
    expect(conform.stderr).not.toMatch(/seed\.\d+/);
    // No case ran: the time is the CLI's start (1-2 s on this busy machine) and one connection per instance.
    expect(conform.ms).toBeLessThan(8000);
    expect(doctor.stdout + conform.stderr).not.toContain('not-the-servers-secret-at-all');
  });

});

describe('connections refused by a rate limiter', () => {
  it('a case whose valid connection is refused as RATE_LIMITED is errored with the limits.connectsPerSecond hint; doctor then names the limit', async () => {
    const file = await configFile('limited', chatServiceModule.reference.config(limited.urls, SECRET));
    // The run's ping probe takes the one connection the minute allows: the case's own is refused.
    const conform = await runCli(['conform', '--target', file, '--no-preflight', '--filter', 'seed.01', '--json'], env());
    expect(conform.code).toBe(1);
    const [c] = JSON.parse(conform.stdout).cases;
    expect(c).toMatchObject({ id: 'seed.01-connect-valid-token', status: 'errored' });
    expect(c.reason).toMatch(/^A@0: a connection with a valid token was refused \(connect_error RATE_LIMITED\); the server's connection limiter refused it: declare its limit as limits\.connectsPerSecond/);
    const doctor = await runCli(['doctor', '--target', file], env());
    expect(doctor.code).toBe(2);
    expect(doctor.stdout).toMatch(/✗ tokens +the token for a minted user \(\w+\) was refused on .*: connect_error RATE_LIMITED/);
    expect(doctor.stdout).toMatch(/✗ rate-limit +1 of 1 connections were refused as rate limited \(RATE_LIMITED\), and limits\.connectsPerSecond is 0/);
    expect(doctor.stdout).toContain('fix: declare the server\'s connection limit: limits.connectsPerSecond');
  });

  it('with pacing declared, the deadlines follow it and the run says so before starting', () => {
    const base = chatServiceModule.reference.config(['http://127.0.0.1:1'], SECRET);
    const paced = paceDeadlines({ ...base, limits: { ...base.limits, concurrency: 8, connectsPerSecond: 0.16 } }, 55);
    expect(paced.note).toBe(
      'at 0.16 connects/s (limits.connectsPerSecond) the 55 cases need ~14 min (about 2.5 connections each); the deadlines follow the pacing: ' +
        'each case 3 min 40 s (timeouts.caseMs 20 s), the run 18 min (timeouts.runMs 3 min). A shorter run: --filter, or a higher limit on the server.',
    );
    expect(paced.config.timeouts).toMatchObject({ caseMs: 220_000, runMs: 1_074_219 });
    expect(paceDeadlines(base, 55)).toEqual({ config: base });
    expect(paceDeadlines({ ...base, limits: { ...base.limits, concurrency: 8, connectsPerSecond: 1000 } }, 55).note).toBeUndefined();
  });
});
