import { beforeAll, describe, expect, it } from 'vitest';
import type { DialectModule } from '../../src/dialects/types.js';
import { mutantsOfSuite } from '../../src/dialects/mutants.js';
import { createLogger } from '../../src/log.js';
import { deviationRecognised, runMutants, type MutantResult, type MutantsReport } from '../../src/mutants/run.js';

/**
 * The suite proves itself: the healthy reference gateway passes every case, every mutant is killed (a
 * case fails, and fails again alone), every case kills at least one mutant that is not a blanket one (a
 * mutant that breaks every connect proves nothing about any single case), and every deviation the
 * contract allows is graded non-strict, never failed.
 */
export function describeMutantProof(module: DialectModule, minimumBugs: number, matrix?: Promise<MutantsReport>): void {
  describe(`mutants (${module.name}): the suite kills every deliberate bug`, () => {
    // One matrix run (two instances through Redis) for every check below; a caller may have started it
    // beside another dialect's, so the two share the machine's time.
    let report: MutantsReport;
    // The robustness suite's mutants are proven by test/robustness.test.ts.
    const list = mutantsOfSuite(module.mutants.list, 'conformance');
    beforeAll(async () => {
      report = await (matrix ?? runMutants({ module, logger: createLogger('silent') }));
    }, 1_200_000);

    const why = (m: MutantResult) =>
      `${m.name} (${m.verdict}${m.skipped ? `: ${m.skipped}` : ''}${m.erroredCases.length ? `; errored ${m.erroredCases.join(', ')}` : ''}${m.unconfirmed.length ? `; failed only once ${m.unconfirmed.join(', ')}` : ''})`;

    it('judged every mutant, none skipped or inconclusive', () => {
      expect(report.mutants.map((m) => m.name)).toEqual(list.map((m) => m.name));
      expect(report.mutants.filter((m) => m.verdict === 'skipped' || m.verdict === 'inconclusive').map(why)).toEqual([]);
    });

    it('the healthy gateway passes every case', () => {
      expect(report.healthy.notPassed).toEqual([]);
      expect(report.healthy.summary.passed + report.healthy.passedOnlyAlone.length).toBe(module.cases.length);
    });

    it('every mutant is killed by a case that failed twice', () => {
      const bugs = report.mutants.filter((m) => m.kind === 'bug');
      expect(bugs.filter((m) => !m.killed).map(why)).toEqual([]);
      const expectedBugs = list.filter((m) => m.kind !== 'deviation').length;
      expect(report.summary).toMatchObject({ total: expectedBugs, killed: expectedBugs, inconclusive: 0, skipped: 0 });
      expect(expectedBugs).toBeGreaterThanOrEqual(minimumBugs);
    });

    it('every deviation the contract leaves open is graded non-strict and fails nothing', () => {
      const deviations = report.mutants.filter((m) => m.kind === 'deviation');
      expect(deviations.length).toBeGreaterThan(0);
      const misgraded = deviations.filter((m) => !deviationRecognised(m)).map((m) => `${why(m)}: failed ${m.killedBy.join(', ') || 'nothing'}, non-strict ${m.nonStrictCases.join(', ') || 'nothing'}`);
      expect(misgraded).toEqual([]);
    });

    it('every case kills at least one mutant that is neither a blanket one nor the missing Redis adapter', () => {
      // Without the adapter every cross-instance delivery fails: it proves nothing about a single case either.
      const broad = new Set(list.filter((m) => m.blanket || m.name === 'no-redis-adapter').map((m) => m.name));
      const killers = new Map(module.cases.map((c) => [c.id, [] as string[]]));
      for (const m of report.mutants.filter((m) => !broad.has(m.name))) for (const id of m.killedBy) killers.get(id)?.push(m.name);
      const idle = [...killers].filter(([, ms]) => ms.length === 0).map(([id]) => id);
      expect(idle).toEqual([]);
    });
  });
}
