import { describe, expect, it } from 'vitest';
import type { DialectModule } from '../../src/dialects/types.js';
import { createLogger } from '../../src/log.js';
import { deviationRecognised, runMutants, type MutantsReport } from '../../src/mutants/run.js';

/**
 * The suite proves itself: the healthy reference gateway passes every case, every mutant is killed,
 * every case kills at least one mutant that is not a blanket one (a mutant that breaks every connect
 * proves nothing about any single case), and every deviation the contract allows is graded
 * non-strict, never failed.
 */
export function describeMutantProof(module: DialectModule, minimumBugs: number): void {
  describe(`mutants (${module.name}): the suite kills every deliberate bug`, () => {
    let report: MutantsReport;

    it('runs the healthy gateway and every mutant (two instances through Redis)', async () => {
      report = await runMutants({ module, logger: createLogger('silent') });
      expect(report.mutants.map((m) => m.name)).toEqual(module.mutants.map((m) => m.name));
    }, 600_000);

    it('the healthy gateway passes every case', () => {
      expect(report.healthy.notPassed).toEqual([]);
      expect(report.healthy.summary.passed).toBe(module.cases.length);
    });

    it('every mutant is killed by a failed case', () => {
      const bugs = report.mutants.filter((m) => m.kind === 'bug');
      const survivors = bugs.filter((m) => !m.killed).map((m) => `${m.name}${m.skipped ? ` (skipped: ${m.skipped})` : ''}`);
      expect(survivors).toEqual([]);
      const expectedBugs = module.mutants.filter((m) => m.kind !== 'deviation').length;
      expect(report.summary).toMatchObject({ total: expectedBugs, killed: expectedBugs });
      expect(expectedBugs).toBeGreaterThanOrEqual(minimumBugs);
    });

    it('every deviation the contract leaves open is graded non-strict and fails nothing', () => {
      const deviations = report.mutants.filter((m) => m.kind === 'deviation');
      expect(deviations.length).toBeGreaterThan(0);
      const misgraded = deviations.filter((m) => !deviationRecognised(m)).map((m) => `${m.name}: failed ${m.killedBy.join(', ') || 'nothing'}, non-strict ${m.nonStrictCases.join(', ') || 'nothing'}`);
      expect(misgraded).toEqual([]);
    });

    it('every case kills at least one mutant that is neither a blanket one nor the missing Redis adapter', () => {
      // Without the adapter every cross-instance delivery fails: it proves nothing about a single case either.
      const broad = new Set(module.mutants.filter((m) => m.blanket || m.name === 'no-redis-adapter').map((m) => m.name));
      const killers = new Map(module.cases.map((c) => [c.id, [] as string[]]));
      for (const m of report.mutants.filter((m) => !broad.has(m.name))) for (const id of m.killedBy) killers.get(id)?.push(m.name);
      const idle = [...killers].filter(([, ms]) => ms.length === 0).map(([id]) => id);
      expect(idle).toEqual([]);
    });
  });
}
