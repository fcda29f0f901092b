import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';

// The multi-target matrix with two real implementations: the reference gateway and the same gateway
// with a deliberate bug, launched by gatecheck itself.
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
    const run = await runCli(['matrix', '--reference', '--mutant', 'auth-accept-expired', '--filter', 'auth', '--instances', '1', '--report-dir', dir], { timeoutMs: 110_000 });
    expect(run.code, explain(run)).toBe(1);
    expect(run.stdout).toMatch(/case\s+reference\s+mutant:auth-accept-expired\nauth\.expired-token\s+passed\s+failed\n/);
    const matrix = JSON.parse(await readFile(join(dir, 'matrix.json'), 'utf8'));
    expect(matrix.targets.map((t: { label: string; passed: boolean }) => [t.label, t.passed])).toEqual([['reference', true], ['mutant:auth-accept-expired', false]]);
    const row = matrix.cases.find((c: { id: string }) => c.id === 'auth.expired-token');
    expect(row.results.map((r: { status: string }) => r.status)).toEqual(['passed', 'failed']);
    expect(row.results[1].reason).toContain('the gateway accepted the connection');
    expect(matrix.cases.length).toBe(9);
    const page = await readFile(join(dir, 'report.html'), 'utf8');
    expect(page).toContain('<th class="target">reference</th><th class="target">mutant:auth-accept-expired</th>');
    expect(page).toMatch(/<tr class="differs"><td class="name"><code>auth.expired-token<\/code>.*?<span class="g passed"[^>]*>passed<\/span>.*?<span class="g failed"[^>]*>failed<\/span>/);
    expect(JSON.parse(await readFile(join(dir, 'reference', 'report.json'), 'utf8')).summary.failed).toBe(0);
  });

  it('needs two targets (exit 2)', async () => {
    const run = await runCli(['matrix', '--reference']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('a matrix needs at least two targets');
  });
});
