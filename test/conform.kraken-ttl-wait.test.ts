import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { krakenModule } from '../src/dialects/kraken/index.js';
import { startReferenceGateway, type ReferenceGateway } from '../src/reference/launcher.js';
import { runCli } from './support/cli.js';

/**
 * A gateway whose TTLs are longer than the expiry cases wait by default (5 s): they are skipped, saying
 * how to opt in; with --ttl-wait (or kraken.maxTtlWaitMs) the run announces the wait and the cases,
 * whose deadlines grow past the 20 s caseMs, wait the TTLs out and pass.
 */
const TTL_MS = 6_000;
const EXPIRY_CASES = ['kraken-presence.ttl-expiry', 'kraken-presence.ttl-refresh', 'kraken-voice.refresh-and-expiry'];
const secret = 'kraken-ttl-wait-test-secret';
const env = { KRAKEN_TTL_SECRET: secret };
type ReportCase = { id: string; status: string; reason: string; durationMs: number };

describe('TTL waits: the expiry cases against TTLs over 5 s', () => {
  let dir: string;
  let gateway: ReferenceGateway;
  let bounded: string;
  let raised: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-ttl-'));
    gateway = await startReferenceGateway({
      gateway: 'kraken',
      instances: 1,
      jwtSecret: secret,
      extraArgs: ['--presence-ttl-ms', String(TTL_MS), '--voice-ttl-ms', String(TTL_MS)],
    });
    const config = krakenModule.reference.config(gateway.urls, secret);
    const kraken = { ...config.kraken!, presenceTtlMs: TTL_MS, voiceTtlMs: TTL_MS };
    const base = { ...config, auth: { mint: { ...config.auth.mint, secret: { env: 'KRAKEN_TTL_SECRET' } } }, kraken };
    bounded = join(dir, 'bounded.json');
    raised = join(dir, 'raised.json');
    await writeFile(bounded, JSON.stringify(base));
    await writeFile(raised, JSON.stringify({ ...base, kraken: { ...kraken, maxTtlWaitMs: TTL_MS } }));
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const filters = EXPIRY_CASES.flatMap((id) => ['--filter', id]);

  it('skips them by default, naming the opt-ins, and announces no wait', async () => {
    const run = await runCli(['conform', '--target', bounded, ...filters, '--json'], { env, timeoutMs: 30_000 });
    const cases: ReportCase[] = JSON.parse(run.stdout).cases;
    expect(cases.map((c) => [c.id, c.status]).sort()).toEqual(EXPIRY_CASES.map((id) => [id, 'skipped']));
    for (const c of cases) expect(c.reason).toMatch(/TTL \(6000 ms\) is longer than the expiry cases wait \(5000 ms\); raise kraken\.maxTtlWaitMs or pass conform --ttl-wait/);
    expect(run.stderr).not.toContain('wait up to');
    expect(run.code).toBe(0);
  });

  it('with --ttl-wait (or kraken.maxTtlWaitMs) says how long it will wait, then waits the TTLs out and passes', async () => {
    const [flagged, configured] = await Promise.all([
      runCli(['conform', '--target', bounded, '--ttl-wait', ...filters, '--json'], { env, timeoutMs: 90_000 }),
      runCli(['conform', '--target', raised, '--filter', 'kraken-presence.ttl-expiry', '--json'], { env, timeoutMs: 90_000 }),
    ]);
    const announced = flagged.stderr.split('\n')[0];
    expect(announced).toBe(
      'note: the expiry cases wait up to 27 s (run concurrently): kraken-presence.ttl-refresh up to 27 s for the 6 s presence TTL; ' +
        'kraken-voice.refresh-and-expiry up to 15 s for the 6 s voice TTL; kraken-presence.ttl-expiry up to 12 s for the 6 s presence TTL',
    );
    const cases: ReportCase[] = JSON.parse(flagged.stdout).cases;
    expect(cases.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    // Waiting out 2.5 TTLs of heartbeats, then the expiry, takes longer than the default 20 s case deadline.
    expect(cases.find((c) => c.id === 'kraken-presence.ttl-refresh')!.durationMs).toBeGreaterThan(20_000);
    expect(flagged.code).toBe(0);

    expect(configured.stderr).toContain('note: the expiry cases wait up to 12 s');
    expect(JSON.parse(configured.stdout).cases.map((c: ReportCase) => c.status)).toEqual(['passed']);
    expect(configured.code).toBe(0);
  }, 100_000);

  it('--ttl-wait on a chat-service target is a usage error', async () => {
    const run = await runCli(['conform', '--dialect', 'chat-service', '--ttl-wait'], { timeoutMs: 30_000 });
    expect(run.stderr).toContain('--ttl-wait applies only to the kraken dialect');
    expect(run.code).toBe(2);
  });
});
