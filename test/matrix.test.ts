import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatServiceModule } from '../src/dialects/chat-service/index.js';
import { startReferenceGateway } from '../src/reference/launcher.js';
import { runCli, type CliRun } from './support/cli.js';

// The multi-target matrix with two real implementations: "team-gateway", a reference gateway with a
// deliberate bug started here and given to gatecheck as a target config (secret from the environment),
// and the healthy reference gateway gatecheck starts itself.
const explain = (r: CliRun) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

describe('gatecheck matrix', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-matrix-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs the suite on each target and writes a column per target, a row per case', { timeout: 120_000 }, async () => {
    const secret = 'matrix-test-secret-for-the-team-gateway';
    const gateway = await startReferenceGateway({ instances: 1, jwtSecret: secret, mutant: 'auth-accept-expired' });
    try {
      const config = chatServiceModule.reference.config(gateway.urls, secret);
      const file = join(dir, 'team-gateway.json');
      await writeFile(file, JSON.stringify({ ...config, auth: { mint: { secret: { env: 'TEAM_JWT_SECRET' } } } }));
      const run = await runCli(['matrix', '--target', file, '--reference', '--instances', '1', '--filter', 'auth', '--report-dir', join(dir, 'out')], { env: { TEAM_JWT_SECRET: secret }, timeoutMs: 110_000 });
      expect(run.code, explain(run)).toBe(1);
      expect(run.stdout).toMatch(/case\s+team-gateway\s+reference\nauth\.expired-token\s+failed\s+passed\n/);
      const out = (name: string) => join(dir, 'out', name);
      const matrix = JSON.parse(await readFile(out('matrix.json'), 'utf8'));
      expect(matrix.targets.map((t: { label: string; passed: boolean }) => [t.label, t.passed])).toEqual([['team-gateway', false], ['reference', true]]);
      expect(matrix.targets[0].target).toMatchObject({ source: 'config', instances: gateway.urls });
      const row = matrix.cases.find((c: { id: string }) => c.id === 'auth.expired-token');
      expect(row.results.map((r: { status: string }) => r.status)).toEqual(['failed', 'passed']);
      expect(row.results[0].reason).toContain('the gateway accepted the connection');
      expect(matrix.cases.length).toBe(9);
      const page = await readFile(out('report.html'), 'utf8');
      expect(page).toContain('<th class="target">team-gateway</th><th class="target">reference</th>');
      expect(page).toMatch(/<tr class="differs"><td class="name"><code>auth.expired-token<\/code>.*?<span class="g failed"[^>]*>failed<\/span>.*?<span class="g passed"[^>]*>passed<\/span>/);
      expect(JSON.parse(await readFile(out('reference/report.json'), 'utf8')).summary.failed).toBe(0);
      expect(run.stdout + run.stderr + page).not.toContain(secret);
    } finally {
      await gateway.stop();
    }
  });

  it('needs two targets (exit 2)', async () => {
    const run = await runCli(['matrix', '--reference']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('a matrix needs at least two targets');
  });
});
