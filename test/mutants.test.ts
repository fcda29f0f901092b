import { describe, expect, it } from 'vitest';
import { CHAT_MUTANTS, isDeviation } from '../fixtures/chat-gateway/mutants.js';
import { chatServiceCases } from '../src/conformance/cases/chat-service/index.js';
import { chatServiceModule } from '../src/dialects/chat-service.js';
import { createLogger } from '../src/log.js';
import { deviationRecognised, runMutants, type MutantsReport } from '../src/mutants/run.js';

/**
 * The suite proves itself: the healthy reference gateway passes every case, every mutant is killed,
 * every case kills at least one mutant that is not a blanket one (a malformed `connected` event breaks
 * every case and proves nothing about any single one), and every deviation the contract allows is
 * graded non-strict, never failed.
 */
describe('mutants: the suite kills every deliberate bug', () => {
  let report: MutantsReport;

  it('runs the healthy gateway and every mutant (two instances through Redis)', async () => {
    report = await runMutants({ module: chatServiceModule, logger: createLogger('silent') });
    expect(report.mutants.map((m) => m.name)).toEqual(CHAT_MUTANTS.map((m) => m.name));
  }, 600_000);

  it('the healthy gateway passes every case', () => {
    expect(report.healthy.notPassed).toEqual([]);
    expect(report.healthy.summary.passed).toBe(chatServiceCases.length);
  });

  it('every mutant is killed by a failed case', () => {
    const bugs = report.mutants.filter((m) => m.kind === 'bug');
    const survivors = bugs.filter((m) => !m.killed).map((m) => `${m.name}${m.skipped ? ` (skipped: ${m.skipped})` : ''}`);
    expect(survivors).toEqual([]);
    const expectedBugs = CHAT_MUTANTS.filter((m) => !isDeviation(m)).length;
    expect(report.summary).toMatchObject({ total: expectedBugs, killed: expectedBugs });
    expect(expectedBugs).toBeGreaterThanOrEqual(15);
  });

  it('every deviation the contract leaves open is graded non-strict and fails nothing', () => {
    const deviations = report.mutants.filter((m) => m.kind === 'deviation');
    expect(deviations.length).toBeGreaterThan(0);
    const misgraded = deviations.filter((m) => !deviationRecognised(m)).map((m) => `${m.name}: failed ${m.killedBy.join(', ') || 'nothing'}, non-strict ${m.nonStrictCases.join(', ') || 'nothing'}`);
    expect(misgraded).toEqual([]);
  });

  it('every case kills at least one mutant that is not a blanket one', () => {
    const blanket = new Set(CHAT_MUTANTS.filter((m) => m.blanket).map((m) => m.name));
    const killers = new Map(chatServiceCases.map((c) => [c.id, [] as string[]]));
    for (const m of report.mutants.filter((m) => !blanket.has(m.name))) for (const id of m.killedBy) killers.get(id)?.push(m.name);
    const idle = [...killers].filter(([, ms]) => ms.length === 0).map(([id]) => id);
    expect(idle).toEqual([]);
  });
});
