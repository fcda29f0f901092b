import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chatServiceModule } from '../../src/dialects/chat-service/index.js';
import { provideRedis } from '../../src/reference/redis-provider.js';
import { startReferenceGateway } from '../../src/reference/launcher.js';
import { runCli } from '../support/cli.js';

const dir = await mkdtemp(join(tmpdir(), 'gatecheck-load-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\./;
// 16 connections in 4 conversations of 4 over two instances; 1 sender each at 5/s for 2 s: 10 messages
// per sender (the schedule is fixed), 3 receivers each (2 of them on the other instance).
// A generator saturated by a busy machine exits 3 (its latencies are its own); these runs judge the
// deliveries, so they allow it and say what the report says about it.
const SHORT = ['--connections', '16', '--rate', '5', '--duration', '2', '--allow-saturated'];
const SENT = 4 * 10;
const sum = (periods: Array<{ counters: Record<string, number> }>, name: string) => periods.reduce((a, p) => a + (p.counters[name] ?? 0), 0);

// The runs are mostly waiting (connecting, settling, sending, draining): they run side by side, each on
// its own gateway and Redis, and judge deliveries, not latency.
describe.concurrent('gatecheck load fanout (real Artillery runs against the reference gateway, two instances, Redis)', () => {
  it('counts every delivery, splits latency by instance, and writes report.json, artillery.json and report.html', async () => {
    const out = join(dir, 'healthy');
    const run = await runCli(['load', 'fanout', ...SHORT, '--report-dir', out, '--json'], { timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ schemaVersion: 1, kind: 'load', scenario: 'fanout', target: { source: 'reference' } });
    expect(report.passed).toBe(!report.generator.saturated);
    expect(report.metrics.counters['fanout.sent']).toBe(SENT);
    expect(report.metrics.delivery).toEqual({ expected: SENT * 3, received: SENT * 3, lost: 0, duplicated: 0, outOfOrder: 0, ratio: 1 });
    expect(report.metrics.counters['fanout.expected.cross_instance']).toBe(SENT * 2);
    // A receiver that joined after sending began (a busy machine starts Artillery's workers late) fetched
    // what it missed with messages:sync: those deliveries count, without a latency.
    const live = SENT * 3 - report.metrics.values['fanout.late_join_synced'];
    expect(report.metrics.histograms['fanout.latency_ms.cross_instance'].count).toBeLessThanOrEqual(SENT * 2);
    expect(report.metrics.histograms['fanout.latency_ms.same_instance'].count).toBeLessThanOrEqual(SENT);
    expect(report.metrics.histograms['fanout.latency_ms.cross_instance'].count + report.metrics.histograms['fanout.latency_ms.same_instance'].count).toBe(live);
    expect(report.metrics.histograms['fanout.ack_ms'].count).toBe(SENT);
    expect(report.metrics.histograms['fanout.connect_ms'].count).toBe(16);
    expect(report.metrics.latencyBuckets.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(live);
    expect(report.metrics.perSender).toHaveLength(4);
    expect(report.thresholds.map((t: { expr: string; ok: boolean }) => [t.expr, t.ok])).toEqual([['fanout.lost == 0', true], ['fanout.duplicated == 0', true], ['vusers.failed == 0', true]]);
    expect(report.generator.reasons.length > 0).toBe(report.generator.saturated);
    expect(typeof report.generator.eventLoopLagP99Ms).toBe('number');
    // A short run reports finer periods (1 s up to 60 s): the run touches at least one and at most one
    // more than it lasted in whole periods, and together they hold every send and delivery.
    const periodMs = report.timeline.length > 1 ? Date.parse(report.timeline[1].at) - Date.parse(report.timeline[0].at) : 1000;
    expect(periodMs).toBe(1000);
    expect(report.timeline.length).toBeGreaterThanOrEqual(1);
    expect(report.timeline.length).toBeLessThanOrEqual(Math.floor(report.durationMs / periodMs) + 2);
    expect(sum(report.timeline, 'fanout.sent')).toBe(SENT);
    expect(sum(report.timeline, 'fanout.received')).toBe(SENT * 3);
    for (const f of ['report.json', 'artillery.json', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(run.stderr).toMatch(/deliveries\s+expected 120, received 120 \(100\.00%\), lost 0/);
    for (const text of [run.stdout, run.stderr, await readFile(join(out, 'artillery.json'), 'utf8')]) expect(text).not.toMatch(JWT);
  });

  it('reports the cross-instance loss of the gateway without the Redis adapter, and exits 1', async () => {
    const run = await runCli(['load', 'fanout', ...SHORT, '--mutant', 'no-redis-adapter', '--json'], { timeoutMs: 120_000 });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.passed).toBe(false);
    // No cross-instance message reaches anyone live; only a late joiner's catch-up sync fetches some.
    const v = report.metrics.values;
    const lost = v['fanout.lost.cross_instance'];
    expect(lost).toBeGreaterThanOrEqual(SENT * 2 - v['fanout.late_join_synced']);
    expect(v['fanout.lost.same_instance']).toBe(0);
    expect(report.metrics.delivery).toMatchObject({ expected: SENT * 3, received: SENT * 3 - lost, lost });
    expect(report.thresholds[0]).toEqual({ expr: 'fanout.lost == 0', value: lost, ok: false });
    expect(run.stderr).toContain(`✗ fanout.lost == 0  (measured: ${lost})`);
  });

  it('runs the same scenario on artillery-engine-socketio-v3, and a latency threshold fails with its measured value', async () => {
    const run = await runCli(['load', 'fanout', ...SHORT, '--engine', 'socketio-v3', '--threshold', 'p99(fanout.latency_ms) < 0.001', '--threshold', 'fanout.lost == 0', '--json'], { timeoutMs: 120_000 });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.parameters.engine).toBe('socketio-v3');
    expect(report.metrics.delivery).toMatchObject({ expected: SENT * 3, received: SENT * 3, lost: 0 });
    const [latency, lost] = report.thresholds;
    expect(latency.ok).toBe(false);
    expect(latency.value).toBeGreaterThan(0);
    expect(lost).toEqual({ expr: 'fanout.lost == 0', value: 0, ok: true });
  });

  it('--target: a gateway gatecheck did not start, with the thresholds of the config file (secret from env)', async () => {
    const redis = await provideRedis({});
    const secret = 'load-target-test-secret';
    const gateway = await startReferenceGateway({ instances: 2, redisUrl: redis.url, jwtSecret: secret, rateLimit: null });
    try {
      const config = chatServiceModule.reference.config(gateway.urls, secret);
      const file = join(dir, 'target.json');
      await writeFile(file, JSON.stringify({ ...config, auth: { mint: { secret: { env: 'LOAD_TEST_SECRET' } } }, load: { thresholds: { fanout: ['fanout.lost == 0', 'max(fanout.latency_ms) < 0.001'] } } }));
      const run = await runCli(['load', 'fanout', ...SHORT, '--target', file, '--json'], { env: { LOAD_TEST_SECRET: secret }, timeoutMs: 120_000 });
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report.target).toMatchObject({ source: 'config', instances: gateway.urls });
      expect(report.metrics.delivery).toMatchObject({ expected: SENT * 3, received: SENT * 3, lost: 0 });
      expect(report.thresholds.map((t: { expr: string; ok: boolean }) => [t.expr, t.ok])).toEqual([['fanout.lost == 0', true], ['max(fanout.latency_ms) < 0.001', false]]);
      expect(run.stdout + run.stderr).not.toContain(secret);
    } finally {
      await gateway.stop();
      await redis.stop();
    }
  });

  it('refuses an unknown scenario and a malformed threshold with exit 2 before starting anything', async () => {
    const unknown = await runCli(['load', 'nosuch'], { timeoutMs: 20_000 });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no scenario "nosuch".*available: fanout/);
    const bad = await runCli(['load', 'fanout', '--threshold', 'fast enough'], { timeoutMs: 20_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/threshold "fast enough": expected METRIC OP NUMBER/);
  });
});
