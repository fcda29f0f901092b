import { describe, expect, it } from 'vitest';
import { CHAT_MUTANTS } from '../fixtures/chat-gateway/mutants.js';
import { chatServiceCases } from '../src/conformance/cases/chat-service/index.js';
import { createLogger } from '../src/log.js';
import { runMutants, type MutantsReport } from '../src/mutants/run.js';

/**
 * The suite proves itself: the healthy reference gateway passes every case, every mutant is killed,
 * and every case kills at least one mutant that is not a blanket one (a mutant that breaks most cases,
 * such as a malformed `connected` event, proves nothing about any single case).
 */
describe('mutants: the suite kills every deliberate bug', () => {
  let report: MutantsReport;

  it('runs the healthy gateway and every mutant (two instances through Redis)', async () => {
    report = await runMutants({ logger: createLogger('silent') });
    expect(report.mutants.map((m) => m.name)).toEqual(CHAT_MUTANTS.map((m) => m.name));
  }, 600_000);

  it('the healthy gateway passes every case', () => {
    expect(report.healthy.notPassed).toEqual([]);
    expect(report.healthy.summary.passed).toBe(chatServiceCases.length);
  });

  it('every mutant is killed by a failed case', () => {
    const survivors = report.mutants.filter((m) => !m.killed).map((m) => `${m.name}${m.skipped ? ` (skipped: ${m.skipped})` : ''}`);
    expect(survivors).toEqual([]);
    expect(report.summary).toEqual({ total: CHAT_MUTANTS.length, killed: CHAT_MUTANTS.length });
  });

  it('every case kills at least one mutant that is not a blanket one', () => {
    const blanket = (m: { killedBy: string[] }) => m.killedBy.length > chatServiceCases.length / 2;
    const killers = new Map(chatServiceCases.map((c) => [c.id, [] as string[]]));
    for (const m of report.mutants.filter((m) => !blanket(m))) for (const id of m.killedBy) killers.get(id)?.push(m.name);
    const idle = [...killers].filter(([, ms]) => ms.length === 0).map(([id]) => id);
    expect(idle).toEqual([]);
  });
});
