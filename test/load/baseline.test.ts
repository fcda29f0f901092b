import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadReport } from '../../src/model/load.js';
import { fanoutReport } from '../report/load-report-samples.js';
import { runCli, type CliRun } from '../support/cli.js';

// `gatecheck load --baseline`: a real short fan-out against the mutant without the Redis adapter, judged
// against a base run of the same shape that lost nothing; and a base of another shape refused up front.
const SHORT = ['--connections', '16', '--rate', '5', '--duration', '2', '--allow-saturated'];
const explain = (r: CliRun) => `exit ${r.code}\nstdout:\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-3000)}`;

/** A base run as `load fanout` with SHORT writes it on the reference gateway: same parameters, nothing lost. */
function baseRun(edit: (r: LoadReport) => void = () => {}): LoadReport {
  const r = fanoutReport();
  r.scenario = 'fanout';
  r.target = { source: 'reference', instances: ['http://127.0.0.1:1', 'http://127.0.0.1:2'] };
  r.parameters = { connections: 16, groupSize: 4, sendersPerGroup: 1, ratePerSender: 5, sendSeconds: 2, engine: 'socketio', adapter: 'pubsub' };
  r.metrics.prefix = 'fanout';
  r.metrics.latencyMetric = 'fanout.latency_ms';
  r.metrics.values = { 'fanout.delivery_ratio': 1, 'fanout.lost': 0, 'fanout.latency_ms.p99': 5_000 };
  edit(r);
  return r;
}

describe('gatecheck load --baseline', () => {
  let dir = '';
  const file = (n: string) => join(dir, n);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-load-baseline-'));
    await writeFile(file('base.json'), JSON.stringify(baseRun()));
    await writeFile(file('other.json'), JSON.stringify(baseRun((r) => (r.parameters.connections = 400))));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a base of another shape before generating any load (exit 2)', { timeout: 60_000 }, async () => {
    const run = await runCli(['load', 'fanout', ...SHORT, '--baseline', file('other.json')], { timeoutMs: 60_000 });
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain('the runs differ (connections 400 vs 16)');
    expect(run.stdout).not.toContain('plan ');
  });

  it('exits 1 on a delivery regression against the base run and writes the comparison', { timeout: 150_000 }, async () => {
    const run = await runCli(['load', 'fanout', ...SHORT, '--mutant', 'no-redis-adapter', '--baseline', file('base.json'), '--change-threshold', 'fanout.delivery_ratio -0.1%', '--report-dir', file('head')], { timeoutMs: 140_000 });
    expect(run.code, explain(run)).toBe(1);
    expect(run.stdout).toMatch(/fanout\.delivery_ratio\s+1\s+0\.\d+\s+-0\.\d+ \(-\d+\.\d%\)\s+REGRESSION \(allowed -0\.1%\)/);
    const comparison = JSON.parse(await readFile(file('head/comparison.json'), 'utf8'));
    expect(comparison).toMatchObject({ kind: 'load-comparison', passed: false, base: { file: file('base.json') }, head: { file: 'this run' } });
    expect(comparison.metrics[0]).toMatchObject({ metric: 'fanout.delivery_ratio', base: 1, ok: false });
  });
});
