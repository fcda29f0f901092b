import { describe, expect, it } from 'vitest';
import { mutantsExitCode } from '../src/commands/mutants.js';
import type { CaseStatus } from '../src/conformance/types.js';
import { deviationRecognised, judgeMutant, type MutantResult } from '../src/mutants/run.js';
import { runCli } from './support/cli.js';

const bug = { name: 'some-bug', description: 'breaks something', area: 'denial' };
const deviation = { ...bug, name: 'some-deviation', kind: 'deviation' as const };
const cases = (statuses: Record<string, CaseStatus>) => Object.entries(statuses).map(([id, status]) => ({ id, status }));
const rerun = (statuses: Record<string, CaseStatus>) => new Map(Object.entries(statuses));

describe('a mutant is killed only by a failure that repeats alone, and never by an errored run', () => {
  it('a case that failed in the full run and again alone kills it', () => {
    const r = judgeMutant(bug, cases({ a: 'failed', b: 'failed', c: 'passed' }), rerun({ a: 'failed', b: 'passed' }));
    expect(r).toMatchObject({ verdict: 'killed', killed: true, killedBy: ['a'], unconfirmed: ['b'], erroredCases: [] });
  });

  it('failures that pass alone (load, not the mutant) leave it surviving', () => {
    const r = judgeMutant(bug, cases({ a: 'failed', b: 'passed' }), rerun({ a: 'passed' }));
    expect(r).toMatchObject({ verdict: 'survived', killed: false, killedBy: [], unconfirmed: ['a'] });
  });

  it('a case that errors again alone (or was not re-run) makes the run inconclusive even beside a repeated failure', () => {
    expect(judgeMutant(bug, cases({ a: 'failed', b: 'errored' }), rerun({ a: 'failed', b: 'errored' }))).toMatchObject({ verdict: 'inconclusive', killed: false, killedBy: ['a'], erroredCases: ['b'] });
    expect(judgeMutant(bug, cases({ a: 'failed', b: 'errored' }), rerun({ a: 'failed' }))).toMatchObject({ verdict: 'inconclusive', erroredCases: ['b'] });
    expect(judgeMutant(bug, cases({ a: 'failed' }), rerun({ a: 'errored' }))).toMatchObject({ verdict: 'inconclusive', killed: false, killedBy: [], erroredCases: ['a'], unconfirmed: [] });
  });

  it('a case that errored in the full run but runs alone is load, not a verdict: neither inconclusive nor a kill', () => {
    expect(judgeMutant(bug, cases({ a: 'failed', b: 'errored' }), rerun({ a: 'failed', b: 'passed' }))).toMatchObject({ verdict: 'killed', killedBy: ['a'], erroredCases: [], unconfirmed: ['b'] });
    expect(judgeMutant(bug, cases({ b: 'errored' }), rerun({ b: 'failed' }))).toMatchObject({ verdict: 'survived', killedBy: [], erroredCases: [], unconfirmed: ['b'] });
  });

  it('a deviation is recognised when graded non-strict with nothing failed twice or errored', () => {
    const graded = judgeMutant(deviation, cases({ a: 'non-strict', b: 'failed' }), rerun({ b: 'passed' }));
    expect(graded).toMatchObject({ verdict: 'survived', nonStrictCases: ['a'], unconfirmed: ['b'] });
    expect(deviationRecognised(graded)).toBe(true);
    expect(deviationRecognised(judgeMutant(deviation, cases({ a: 'non-strict', b: 'failed' }), rerun({ b: 'failed' })))).toBe(false);
    expect(deviationRecognised(judgeMutant(deviation, cases({ a: 'non-strict', b: 'errored' }), rerun({})))).toBe(false);
    expect(deviationRecognised(judgeMutant(deviation, cases({ a: 'passed' }), rerun({})))).toBe(false);
  });
});

describe('gatecheck mutants exit codes', () => {
  const healthy = { summary: { total: 3, passed: 3, nonStrict: 0, failed: 0, blocked: 0, skipped: 0, errored: 0 }, notPassed: [] as string[], passedOnlyAlone: [] as string[] };
  const killed = judgeMutant(bug, cases({ a: 'failed' }), rerun({ a: 'failed' }));
  const survived = judgeMutant(bug, cases({ a: 'passed' }), rerun({}));
  const inconclusive = judgeMutant(bug, cases({ a: 'errored' }), rerun({}));
  const skipped: MutantResult = { ...survived, name: 'no-redis-adapter', verdict: 'skipped', skipped: 'needs two instances: no Redis' };
  const code = (mutants: MutantResult[], h = healthy) => mutantsExitCode({ healthy: h, mutants });

  it('0 only when every mutant is killed; 1 for a survivor, an inconclusive run or a failing healthy gateway', () => {
    expect(code([killed])).toBe(0);
    expect(code([killed, survived])).toBe(1);
    expect(code([killed, inconclusive])).toBe(1);
    expect(code([killed], { ...healthy, summary: { ...healthy.summary, passed: 2, failed: 1 } })).toBe(1);
  });

  it('a healthy case that failed in the full run but passed alone is the machine\'s load, not the gateway\'s', () => {
    expect(code([killed], { ...healthy, summary: { ...healthy.summary, passed: 2, errored: 1 }, passedOnlyAlone: ['seed.20-rate-limit'] })).toBe(0);
    expect(code([killed], { ...healthy, summary: { ...healthy.summary, passed: 1, errored: 2 }, passedOnlyAlone: ['seed.20-rate-limit'] })).toBe(1);
  });

  it('2 when mutants or healthy cases could not run (no Redis), unless something already failed', () => {
    expect(code([killed, skipped])).toBe(2);
    expect(code([killed], { ...healthy, summary: { ...healthy.summary, passed: 2, skipped: 1 } })).toBe(2);
    expect(code([survived, skipped])).toBe(1);
  });

  it('without any Redis the multi-instance mutant is skipped, not killed, and the command exits 2 saying so', async () => {
    const run = await runCli(['mutants', '--dialect', 'kraken', '--only', 'no-redis-adapter', '--json'], { env: { GATECHECK_NO_REDIS: '1' }, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(2);
    const report = JSON.parse(run.stdout);
    expect(report.mutants).toEqual([expect.objectContaining({ name: 'no-redis-adapter', verdict: 'skipped', killed: false, killedBy: [], skipped: expect.stringMatching(/^needs two instances: /) })]);
    expect(report.summary).toMatchObject({ total: 1, killed: 0, skipped: 1, inconclusive: 0 });
    expect(run.stderr).toMatch(/- SKIPPED +no-redis-adapter .*\(not killed\)/);
    expect(run.stderr).toMatch(/incomplete: 1 mutant\(s\) \(no-redis-adapter\) and 1 healthy case\(s\) could not run here.*; exit 2/);
  });
});
