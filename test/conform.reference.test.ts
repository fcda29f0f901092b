import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chatServiceCases } from '../src/conformance/cases/chat-service/index.js';
import { runCli } from './support/cli.js';

const dir = await mkdtemp(join(tmpdir(), 'gatecheck-conform-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\./;

describe('gatecheck conform on the bundled reference gateway', () => {
  it('passes every case on two instances and writes report.json, junit.xml and --json', async () => {
    const run = await runCli(['conform', '--report-dir', dir, '--json'], { timeoutMs: 120_000 });
    expect(run.stderr).toContain('reference gateway (2 instances)');
    const report = JSON.parse(run.stdout);
    const notPassed = report.cases.filter((c: { status: string }) => c.status !== 'passed');
    expect(notPassed, JSON.stringify(notPassed.map((c: { id: string; reason: string }) => `${c.id}: ${c.reason}`))).toEqual([]);
    expect(run.code).toBe(0);

    expect(report).toMatchObject({ schemaVersion: 1, kind: 'conformance', dialect: 'chat-service', target: { source: 'reference' } });
    expect(typeof report.startedAt).toBe('string');
    expect(report.summary).toEqual({ total: chatServiceCases.length, passed: chatServiceCases.length, nonStrict: 0, failed: 0, blocked: 0, skipped: 0, errored: 0 });
    for (const c of report.cases) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'suite', 'title', 'seedRef', 'status', 'durationMs', 'reason', 'evidence']));
    }
    const seedRefs = report.cases.map((c: { seedRef: string | null }) => c.seedRef).filter(Boolean);
    expect(new Set(seedRefs)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `Test ${i + 1}`)));

    const onDisk = await readFile(join(dir, 'report.json'), 'utf8');
    expect(JSON.parse(onDisk).summary).toEqual(report.summary);
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/^<\?xml version="1.0"/);
    expect(junit.match(/<testcase /g)?.length).toBe(chatServiceCases.length);
    expect(junit).toContain('name="seed.01-connect-valid-token: Connection with a valid token (Test 1)"');

    // No token or secret in any output: the reports carry timelines of real handshakes and REST calls.
    for (const text of [run.stdout, run.stderr, onDisk, junit]) expect(text).not.toMatch(JWT);
  });

  it('grades an allowed deviation non-strict: exit 0, and --strict turns it into a failure', async () => {
    const args = ['conform', '--mutant', 'errors-as-negative-ack', '--filter', 'seed.05'];
    const lenient = await runCli(args, { timeoutMs: 60_000 });
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('~ seed.05-send-unauthorized');
    expect(lenient.stdout).toMatch(/negative ack carrying FORBIDDEN instead of an error event \(spec\/README open point 1\)/);
    expect(lenient.stdout).toContain('0 passed, 1 non-strict, 0 failed');
    const strict = await runCli([...args, '--strict'], { timeoutMs: 60_000 });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('0 passed, 0 non-strict, 1 failed');
    expect(strict.stdout).toMatch(/strict mode: .*negative ack/);
  });

  it('without any Redis runs one instance and skips the multi-instance cases, saying how to provide Redis', async () => {
    // GATECHECK_NO_REDIS takes the no-Redis path whatever this machine has (redis-server, Docker).
    const run = await runCli(['conform', '--filter', 'seed.18', '--filter', 'seed.01', '--json'], { env: { GATECHECK_NO_REDIS: '1' }, timeoutMs: 60_000 });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/note: no Redis available, so one instance only/);
    const report = JSON.parse(run.stdout);
    expect(report.target).toMatchObject({ source: 'reference', redis: 'none' });
    expect(report.target.instances).toHaveLength(1);
    const seed18 = report.cases.find((c: { id: string }) => c.id === 'seed.18-multi-instance-broadcast');
    expect(seed18.status).toBe('skipped');
    expect(seed18.reason).toMatch(/needs two instances.*--redis-url, a redis-server on PATH, or Docker/);
    expect(report.cases.find((c: { id: string }) => c.id === 'seed.01-connect-valid-token').status).toBe('passed');
  });

  it('exits 1 and shows expected vs received when a case fails', async () => {
    const run = await runCli(['conform', '--mutant', 'sender-excluded', '--filter', 'seed.04', '--log-level', 'debug'], { timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/"msg":"reference gateway started"/); // pino, on stderr
    expect(run.stdout + run.stderr).not.toMatch(JWT);
    expect(run.stdout).toContain('✗ seed.04-send-message');
    expect(run.stdout).toMatch(/expected: message:new within \d+ ms/);
    expect(run.stdout).toMatch(/received: A@0 did not receive message:new/);
    expect(run.stdout).toContain('0 passed, 0 non-strict, 1 failed, 0 skipped, 0 errored of 1');
  });
});
