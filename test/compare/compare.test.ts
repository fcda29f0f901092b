import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeHolds, parseChangeThreshold } from '../../src/load/change-thresholds.js';
import { compareLoads } from '../../src/load/compare.js';
import type { LoadReport } from '../../src/model/load.js';
import { runCli, type CliRun } from '../support/cli.js';
import { fanoutReport } from '../report/load-report-samples.js';

/** A fan-out report as `gatecheck load` writes it, with every latency figure (total, per period) scaled. */
function run(latencyScale = 1, edit: (r: LoadReport) => void = () => {}): LoadReport {
  const r = fanoutReport();
  r.scenario = 'fanout';
  r.parameters = { connections: 40, ratePerSender: 5, engine: 'socketio', adapter: 'pubsub' };
  r.metrics.prefix = 'fanout';
  r.metrics.latencyMetric = 'fanout.latency_ms';
  r.metrics.values = { 'fanout.delivery_ratio': 1, 'fanout.lost': 0, 'fanout.duplicated': 0 };
  for (const [name, h] of Object.entries(r.metrics.histograms)) for (const k of ['p50', 'p95', 'p99', 'max'] as const) r.metrics.values[`${name}.${k}`] = name === 'fanout.latency_ms' ? h[k] * latencyScale : h[k];
  // Per-period p99 wobbling +-5 % around the run's p99: a sd of about 3 ms.
  r.timeline.forEach((p, i) => {
    if (p.histograms['fanout.latency_ms']) p.histograms['fanout.latency_ms'] = { ...p.histograms['fanout.latency_ms'], p99: r.metrics.histograms['fanout.latency_ms'].p99 * (1 + 0.05 * Math.sin(i)) * latencyScale };
  });
  edit(r);
  return r;
}
const explain = (r: CliRun) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

describe('change thresholds', () => {
  it('reads +N% as "an increase beyond N% regresses", -N% as a decrease, and bare numbers in the unit', () => {
    const up = parseChangeThreshold('p99(fanout.latency_ms) +10%');
    expect(up).toMatchObject({ key: 'fanout.latency_ms.p99', worse: 'up', amount: 10, percent: true, histogram: { name: 'fanout.latency_ms', stat: 'p99' } });
    expect([changeHolds(up, 100, 110), changeHolds(up, 100, 110.5), changeHolds(up, 100, 20)]).toEqual([true, false, true]);
    const down = parseChangeThreshold('fanout.delivery_ratio -0.1%');
    expect([changeHolds(down, 1, 0.9991), changeHolds(down, 1, 0.998), changeHolds(down, 0.99, 1)]).toEqual([true, false, true]);
    const lost = parseChangeThreshold('fanout.lost +0');
    expect([changeHolds(lost, 0, 0), changeHolds(lost, 0, 1)]).toEqual([true, false]);
    expect(() => parseChangeThreshold('p99(fanout.latency_ms) < 10%')).toThrow(/expected METRIC \+N% or METRIC -N%/);
  });
});

describe('compareLoads', () => {
  it('flags a p99 regression beyond +10% and says whether it is beyond the per-period spread', () => {
    const c = compareLoads(run(), run(1.5), { base: 'base.json', head: 'head.json' });
    const p99 = c.metrics.find((m) => m.metric === 'p99(fanout.latency_ms)')!;
    expect(c.passed).toBe(false);
    expect(p99).toMatchObject({ allowed: '+10%', ok: false });
    expect(p99.changePct).toBeCloseTo(50, 5);
    expect(p99.noise).toMatchObject({ periods: [18, 18], inside: false });
  });

  it('says when a difference is inside the run-to-run spread measured from the timeline', () => {
    const c = compareLoads(run(), run(1.02), { base: 'b', head: 'h' }, ['p99(fanout.latency_ms) +1%']);
    const p99 = c.metrics[0];
    // 2 % of p99 (88.6 ms -> 90.4 ms) is inside the wobble of the base run's per-period p99 (sd ~ 3 ms).
    expect(p99.ok).toBe(false);
    expect(p99.noise!.inside).toBe(true);
    expect(p99.noise!.spread).toBeGreaterThan(Math.abs(p99.change!));
  });
});

describe('gatecheck compare', () => {
  let dir = '';
  const file = (n: string) => join(dir, n);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-compare-'));
    await writeFile(file('base.json'), JSON.stringify(run()));
    await writeFile(file('same.json'), JSON.stringify(run(1.02)));
    await writeFile(file('slower.json'), JSON.stringify(run(1.5)));
    await writeFile(file('bigger.json'), JSON.stringify(run(1, (r) => Object.assign(r.parameters, { connections: 400, engine: 'socketio-v3' }))));
    await writeFile(file('conform.json'), JSON.stringify({ kind: 'conformance', cases: [] }));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 without a regression, 1 on a synthetic p99 regression, 2 on runs of different shapes unless --allow-different', { timeout: 60_000 }, async () => {
    const [same, slower, bigger, allowed, notLoad, badThreshold] = await Promise.all([
      runCli(['compare', file('base.json'), file('same.json')]),
      runCli(['compare', file('base.json'), file('slower.json'), '--report-dir', file('out'), '--reporter', 'console', '--reporter', 'json', '--reporter', 'markdown']),
      runCli(['compare', file('base.json'), file('bigger.json')]),
      runCli(['compare', file('base.json'), file('bigger.json'), '--allow-different']),
      runCli(['compare', file('base.json'), file('conform.json')]),
      runCli(['compare', file('base.json'), file('same.json'), '--threshold', 'p99 up 10']),
    ]);
    expect(same.code, explain(same)).toBe(0);
    expect(same.stdout).toContain('no regression beyond the thresholds');

    expect(slower.code, explain(slower)).toBe(1);
    expect(slower.stdout).toMatch(/p99\(fanout\.latency_ms\)\s+88\.6 ms\s+133 ms\s+\+44\.3 ms \(\+50\.0%\)\s+REGRESSION \(allowed \+10%\)\s+beyond the run-to-run spread/);
    expect(slower.stdout).toContain('1 regression(s): p99(fanout.latency_ms)');
    const json = JSON.parse(await readFile(file('out/comparison.json'), 'utf8'));
    expect(json).toMatchObject({ kind: 'load-comparison', passed: false, parameterDifferences: [] });
    expect(await readFile(file('out/report.md'), 'utf8')).toContain('| ❌ | `p99(fanout.latency_ms)` | 88.6 ms | 133 ms |');

    expect(bigger.code, explain(bigger)).toBe(2);
    expect(bigger.stderr).toContain('the runs differ (connections 40 vs 400, engine socketio vs socketio-v3)');
    expect(bigger.stderr).toContain('--allow-different');
    expect(allowed.code, explain(allowed)).toBe(0);

    expect(notLoad.code).toBe(2);
    expect(notLoad.stderr).toContain('is not the report.json of gatecheck load (its kind is "conformance")');
    expect(badThreshold.code).toBe(2);
    expect(badThreshold.stderr).toContain('change threshold "p99 up 10"');
  });
});
