import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chatServiceModule } from '../../src/dialects/chat-service/index.js';
import { provideRedis } from '../../src/reference/redis-provider.js';
import { startReferenceGateway, type ReferenceGateway } from '../../src/reference/launcher.js';
import { runCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'gatecheck-connect-phase-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const SECRET = 'connect-phase-test-secret';
// Handshakes pass one at a time per instance, 250 ms each (a busy auth path), and a client gives up
// after 3 s: 8 clients of an instance (16 handshakes with the engine's own) arriving within a second
// cannot all be ready in time (the last ones queue for up to 4 s). The paced ramp keeps a handful in
// flight per instance, about 1 s of queue: on a machine busy enough to stretch that to 1.3 s, a 1.5 s
// limit timed some out.
const DELAY_MS = 250;
const CONNECTIONS = 16;
const SENT = 4 * 10; // 4 senders, 5/s for 2 s

async function slowGateway(mutant?: string, delayMs = DELAY_MS): Promise<{ gateway: ReferenceGateway; file: string; stop(): Promise<void> }> {
  const redis = await provideRedis({});
  const gateway = await startReferenceGateway({ instances: 2, redisUrl: redis.url, jwtSecret: SECRET, rateLimit: null, mutant, extraArgs: delayMs ? ['--connect-delay-ms', String(delayMs)] : [] });
  const config = chatServiceModule.reference.config(gateway.urls, SECRET);
  const file = join(dir, `target-${mutant ?? 'healthy'}.json`);
  await writeFile(file, JSON.stringify({ ...config, auth: { mint: { secret: { env: 'CONNECT_PHASE_SECRET' } } }, timeouts: { ...config.timeouts, connectMs: 3000 } }));
  return { gateway, file, stop: async () => (await gateway.stop(), await redis.stop()) };
}

/** Socket.IO handshakes the gateway's instances have seen so far (GET /gatecheck/handshakes), in all and by client address. */
async function handshakes(gateway: ReferenceGateway): Promise<{ total: number; byAddress: Record<string, number> }> {
  const counts = await Promise.all(gateway.urls.map(async (url) => (await (await fetch(`${url}/gatecheck/handshakes`)).json()) as { handshakes: number; byAddress: Record<string, number> }));
  const byAddress: Record<string, number> = {};
  for (const c of counts) for (const [address, n] of Object.entries(c.byAddress)) byAddress[address] = (byAddress[address] ?? 0) + n;
  return { total: counts.reduce((a, c) => a + c.handshakes, 0), byAddress };
}

/**
 * The scenario as a plain `artillery run` runs it: no connection phase, the schedule the before hook
 * fixed, the engine's own connection on the target. This is how gatecheck ran it before the phase.
 */
function plainArtillery(targetFile: string, targetUrl: string, output: string): Promise<number | null> {
  const bin = join(dirname(createRequire(import.meta.url).resolve('artillery/package.json')), 'bin', 'run');
  const overrides = { config: { variables: { connections: CONNECTIONS, sendSeconds: 2, rampSeconds: 1, settleSeconds: 3 }, phases: [{ duration: 1, arrivalCount: CONNECTIONS }] } };
  const child = spawn(process.execPath, [bin, 'run', '--config', 'artillery.yml', 'scenarios/fanout.yml', '--output', output, '--overrides', JSON.stringify(overrides)], {
    cwd: ROOT,
    env: { ...process.env, GATECHECK_TARGET: targetFile, GATECHECK_TARGET_URL: targetUrl, CONNECT_PHASE_SECRET: SECRET, ARTILLERY_DISABLE_TELEMETRY: 'true' },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.on('close', resolve));
}

describe('the connection phase (a gateway with slow handshakes)', () => {
  it('old schedule: late VUs and losses that were the generator plan; connection phase: 0 lost, exactly the connections asked for; a real-loss mutant still loses', async () => {
    const healthy = await slowGateway();
    const mutant = await slowGateway('no-redis-adapter');
    try {
      const healthyRuns = (async () => {
        // Before: VUs that waited too long for their turn failed, and what their peers sent them was "lost".
        const rawFile = join(dir, 'plain.json');
        await plainArtillery(healthy.file, healthy.gateway.urls[0], rawFile);
        const plain = JSON.parse(await readFile(rawFile, 'utf8')).aggregate.counters;
        // Now, with the same gateway: the ramp is paced by what the handshakes take, sending waits for
        // every VU; the VUs' sockets leave from two loopback addresses in turn (--source-addresses).
        const before = await handshakes(healthy.gateway);
        const now = await runCli(['load', 'fanout', '--connections', String(CONNECTIONS), '--rate', '5', '--duration', '2', '--target', healthy.file, '--source-addresses', '127.0.0.2-127.0.0.3', '--allow-saturated', '--json'], { env: { CONNECT_PHASE_SECRET: SECRET }, timeoutMs: 150_000 });
        const after = await handshakes(healthy.gateway);
        const from = (address: string) => (after.byAddress[address] ?? 0) - (before.byAddress[address] ?? 0);
        return { plain, now, seen: after.total - before.total, fromSources: [from('127.0.0.2'), from('127.0.0.3')] };
      })();
      const lossy = runCli(['load', 'fanout', '--connections', String(CONNECTIONS), '--rate', '5', '--duration', '2', '--target', mutant.file, '--allow-saturated', '--json'], { env: { CONNECT_PHASE_SECRET: SECRET }, timeoutMs: 150_000 });
      const [{ plain, now, seen, fromSources }, mutantRun] = await Promise.all([healthyRuns, lossy]);

      // The old schedule started sending before its VUs were through the queue: some were ready only
      // after sending began, and those that gave up counted what was sent to them as lost (how many of
      // each depends on how Artillery's workers spread the arrivals on a busy machine).
      const lost = plain['fanout.expected'] - (plain['fanout.received'] ?? 0);
      expect((plain['fanout.late_join'] ?? 0) + (plain['vusers.failed'] ?? 0), JSON.stringify(plain)).toBeGreaterThan(0);
      if (plain['vusers.failed']) expect(lost).toBeGreaterThan(0);

      expect(now.code, now.stderr).toBe(0);
      const report = JSON.parse(now.stdout);
      expect(report.metrics.delivery).toMatchObject({ expected: SENT * 3, received: SENT * 3, lost: 0 });
      expect(report.connection).toMatchObject({ planned: CONNECTIONS, connected: CONNECTIONS, refused: 0, timedOut: 0, late: 0, neverReported: 0 });
      expect(report.connection.latencyMs.count).toBe(CONNECTIONS);
      expect(report.connection.latencyMs.p50).toBeGreaterThanOrEqual(DELAY_MS);
      expect(report.metrics.values['fanout.late_join']).toBe(0);
      expect(now.stderr).toMatch(/connection phase: 16 of 16 connected in [\d.]+ s \(paced by connect latency: up to \d+ handshakes? in flight per instance; connect p50 \d+ ms, p95 \d+ ms/);
      expect(now.stderr).toMatch(/connections\n\s+connected 16 of 16 before sending began/);
      // The engine's own connection went to the CLI's placeholder: the gateway saw one handshake per VU,
      // half of them from each source address.
      expect(seen).toBe(CONNECTIONS);
      expect(fromSources).toEqual([CONNECTIONS / 2, CONNECTIONS / 2]);

      expect(mutantRun.code).toBe(1);
      const m = JSON.parse(mutantRun.stdout);
      expect(m.connection.connected).toBe(CONNECTIONS);
      expect(m.metrics.values['fanout.lost.cross_instance']).toBe(SENT * 2);
      expect(m.metrics.values['fanout.lost.same_instance']).toBe(0);
    } finally {
      await Promise.all([healthy.stop(), mutant.stop()]);
    }
  }, 240_000);

  it('VUs refused at the handshake: reported with the server\'s reason; what they were owed is not deliverable, not lost', async () => {
    // Handshakes at their own speed here: this case is about refusals, and the other case of this file
    // runs beside it, so 250 ms handshakes would time some out on a busy machine.
    const healthy = await slowGateway(undefined, 0);
    // Instance 2 of the config is a gateway signing with another secret: it refuses every token.
    const stranger = await startReferenceGateway({ instances: 1, jwtSecret: 'another-secret', rateLimit: null });
    try {
      const config = JSON.parse(await readFile(healthy.file, 'utf8'));
      const file = join(dir, 'target-half-refused.json');
      // The default connect timeout: the 1.5 s of the slow-handshake case is not what this case is about.
      await writeFile(file, JSON.stringify({ ...config, instances: [config.instances[0], { url: stranger.urls[0] }], timeouts: { ...config.timeouts, connectMs: 5000 } }));
      const run = await runCli(['load', 'fanout', '--connections', '8', '--rate', '5', '--duration', '2', '--target', file, '--allow-saturated', '--json'], { env: { CONNECT_PHASE_SECRET: SECRET }, timeoutMs: 120_000 });
      expect(run.code, run.stderr).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report.connection).toMatchObject({ planned: 8, connected: 4, refused: 4, timedOut: 0 });
      expect(report.connection.refusedReasons).toEqual({ 'UNAUTHORIZED: Invalid authentication token (then io server disconnect)': 4 });
      // Slots 0-3 and 4-7 are two conversations, members alternating instances: the one sender that
      // connected (slot 0) owes each message to one present peer and two absent ones.
      const sent = report.metrics.counters['fanout.sent'];
      expect(sent).toBe(10);
      expect(report.metrics.delivery).toMatchObject({ expected: sent, received: sent, lost: 0, notDeliverable: sent * 2 });
      expect(report.thresholds.find((t: { expr: string }) => t.expr === 'fanout.lost == 0')).toMatchObject({ ok: true });
      expect(report.thresholds.find((t: { expr: string }) => t.expr === 'vusers.failed == 0')).toMatchObject({ ok: false, value: 4 });
      expect(run.stderr).toMatch(/refused 4: UNAUTHORIZED: Invalid authentication token/);
      expect(run.stderr).toMatch(/not deliverable 20: owed to VUs that were not connected/);
    } finally {
      await Promise.all([healthy.stop(), stranger.stop()]);
    }
  }, 150_000);
});
