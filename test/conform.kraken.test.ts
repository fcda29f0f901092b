import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { krakenCases } from '../src/conformance/cases/kraken/index.js';
import { krakenModule } from '../src/dialects/kraken/index.js';
import type { ProvidedRedis } from '../src/reference/redis-provider.js';
import { provideReferenceRedis } from '../src/reference/target.js';
import { startReferenceGateway, type ReferenceGateway } from '../src/reference/launcher.js';
import { runCli } from './support/cli.js';

const dir = await mkdtemp(join(tmpdir(), 'gatecheck-kraken-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\./;
const NEED_TWO_INSTANCES = 'needs two instances: list two instance URLs sharing a Redis (with no target, give gatecheck a Redis: --redis-url, a redis-server on PATH, or Docker)';
type ReportCase = { id: string; status: string; reason: string | null };
const notPassed = (report: { cases: ReportCase[] }) => report.cases.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} (${c.reason})`);

describe('gatecheck conform --dialect kraken on the bundled Kraken reference gateway', () => {
  it('passes every case on two instances, with the same report shapes as chat-service', async () => {
    const run = await runCli(['conform', '--dialect', 'kraken', '--report-dir', dir, '--json'], { timeoutMs: 120_000 });
    expect(run.stderr).toContain('reference gateway (2 instances)');
    const report = JSON.parse(run.stdout);
    expect(notPassed(report)).toEqual([]);
    expect(run.code).toBe(0);
    expect(report).toMatchObject({ schemaVersion: 1, kind: 'conformance', dialect: 'kraken', target: { source: 'reference' } });
    expect(report.summary).toEqual({ total: krakenCases.length, passed: krakenCases.length, nonStrict: 0, failed: 0, blocked: 0, skipped: 0, errored: 0 });
    for (const c of report.cases) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'suite', 'title', 'seedRef', 'status', 'durationMs', 'reason', 'evidence']));
    }
    const suites = new Set(report.cases.map((c: { suite: string }) => c.suite));
    expect(suites).toEqual(new Set(['kraken-auth', 'kraken-rooms', 'kraken-messages', 'kraken-mentions', 'kraken-rbac', 'kraken-presence', 'kraken-voice', 'kraken-typing', 'kraken-validation']));
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)?.length).toBe(krakenCases.length);
    for (const text of [run.stdout, run.stderr, junit]) expect(text).not.toMatch(JWT);
  });

  it('passes every case on one instance but those that need two, which are skipped with the reason', async () => {
    const run = await runCli(['conform', '--dialect', 'kraken', '--instances', '1', '--json'], { timeoutMs: 120_000 });
    expect(run.stderr).toContain('reference gateway (1 instance)');
    const report = JSON.parse(run.stdout);
    const twoInstances = krakenCases.filter((c) => c.needs?.includes('multiInstance')).map((c) => c.id);
    expect(twoInstances).toEqual(['kraken-presence.online-on-join-all']);
    expect(notPassed(report)).toEqual(twoInstances.map((id) => `${id}: skipped (skipped: ${NEED_TWO_INSTANCES})`));
    expect(report.summary).toMatchObject({ passed: krakenCases.length - twoInstances.length, skipped: twoInstances.length });
    expect(run.code).toBe(0);
  });

  it('fails a mutant with the evidence: expected vs received', async () => {
    const run = await runCli(['conform', '--dialect', 'kraken', '--mutant', 'error-wrong-code', '--filter', 'kraken-rbac.send-message-reader'], { timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ kraken-rbac.send-message-reader');
    expect(run.stdout).toMatch(/expected: error event \{ code: 'PERMISSION_DENIED', event: 'sendMessage' \}/);
    expect(run.stdout).toMatch(/FORBIDDEN/);
  });
});

/**
 * Event names drift between releases (joinAll became subscribeAll; NestJS's default filter emits
 * `exception`). The reference gateway started with those renames passes the whole suite once the
 * target config maps them, and fails without the mapping.
 */
describe('renamed events: a config `events` mapping follows a gateway that renamed them', () => {
  const secret = 'kraken-rename-test-secret';
  let redis: ProvidedRedis;
  let gateway: ReferenceGateway;
  let mapped: string;
  let unmapped: string;

  beforeAll(async () => {
    redis = await provideReferenceRedis({});
    if (!redis.url) return;
    gateway = await startReferenceGateway({
      gateway: 'kraken',
      instances: 2,
      redisUrl: redis.url,
      jwtSecret: secret,
      extraArgs: [...(krakenModule.reference.extraArgs ?? []), '--rename', 'joinAll=subscribeAll,error=exception'],
    });
    const config = krakenModule.reference.config(gateway.urls, secret);
    // The secret travels by env, as a user's config would carry it.
    const base = { ...config, auth: { mint: { ...config.auth.mint, secret: { env: 'KRAKEN_RENAME_SECRET' } } } };
    mapped = join(dir, 'renamed.json');
    unmapped = join(dir, 'unmapped.json');
    await writeFile(mapped, JSON.stringify({ ...base, events: { joinAll: 'subscribeAll', error: 'exception' } }));
    await writeFile(unmapped, JSON.stringify(base));
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await redis?.stop();
  });

  // Every case on two instances, as the renamed gateway a user runs would be; one would skip the cases that need two.
  const needsRedis = (ctx: { skip(note?: string): never }) => {
    if (!redis.url) ctx.skip(`no Redis for two instances: ${redis.hint}`);
  };

  it('passes every case with the mapping', async (ctx) => {
    needsRedis(ctx);
    const run = await runCli(['conform', '--target', mapped, '--json'], { env: { KRAKEN_RENAME_SECRET: secret }, timeoutMs: 120_000 });
    const report = JSON.parse(run.stdout);
    expect(report.target.instances).toEqual(gateway.urls);
    expect(report.target.instances).toHaveLength(2);
    expect(notPassed(report)).toEqual([]);
    expect(report.summary.passed).toBe(krakenCases.length);
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('fails without it: the documented names reach nothing', async (ctx) => {
    needsRedis(ctx);
    const run = await runCli(['conform', '--target', unmapped, '--filter', 'kraken-rooms.join-all-public-channel', '--filter', 'kraken-rbac.send-message-reader'], {
      env: { KRAKEN_RENAME_SECRET: secret },
      timeoutMs: 60_000,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ kraken-rooms.join-all-public-channel');
    expect(run.stdout).toContain('✗ kraken-rbac.send-message-reader');
  });
});
