import { describe, expect, it } from 'vitest';
import { chatServiceModule } from '../src/dialects/chat-service/index.js';
import { krakenModule } from '../src/dialects/kraken/index.js';
import { mutantsOfSuite } from '../src/dialects/mutants.js';
import type { DialectModule } from '../src/dialects/types.js';
import { createLogger } from '../src/log.js';
import { runMutants, type MutantResult, type MutantsReport } from '../src/mutants/run.js';

/**
 * The robustness suite proves itself on both reference gateways: the healthy ones pass every attack,
 * and each robustness mutant (no payload cap, any namespace accepted, a crash on a non-string id,
 * prototype pollution, a flood that starves, an unbounded per-socket queue, a token cache that skips exp,
 * membership cached per socket, a per-user socket cap that leaks, a handshake path that starves, a
 * heartbeat effectively off) is killed by its own case, failing twice (the second time on a restarted
 * instance when the first attack killed it).
 */
describe('robustness suite: the healthy reference gateways survive every attack, each mutant is killed by its own', () => {
  const why = (m: MutantResult) => `${m.name} (${m.verdict}${m.erroredCases.length ? `; errored ${m.erroredCases.join(', ')}` : ''}${m.unconfirmed.length ? `; failed only once ${m.unconfirmed.join(', ')}` : ''})`;

  const prove = (module: DialectModule, report: MutantsReport) => {
    const expected = mutantsOfSuite(module.mutants.list, 'robustness');
    expect(expected.map((m) => m.name)).toEqual(['robust-no-payload-cap', 'robust-any-namespace', 'robust-crash-on-odd-id', 'robust-proto-pollution', 'robust-flood-starves', 'robust-unbounded-queue', 'robust-token-cache', 'robust-socket-cap-leak', 'robust-handshake-starves', 'robust-heartbeat-off', 'robust-membership-cached']);
    expect(report.healthy.notPassed, `${module.name}: the healthy gateway`).toEqual([]);
    expect(report.healthy.summary.passed + report.healthy.passedOnlyAlone.length).toBe(module.robustness.length);
    expect(report.mutants.filter((m) => !m.killed).map(why), `${module.name}: mutants not killed`).toEqual([]);
    // Each by its own attack: the case its catalogue entry names, and every robustness case kills one.
    expect(report.mutants.map((m) => [m.name, m.killedBy])).toEqual(expected.map((m) => [m.name, [m.killer]]));
    expect(new Set(expected.map((m) => m.killer))).toEqual(new Set(module.robustness.map((c) => c.id)));
  };

  it('chat-service and kraken, in parallel', async () => {
    const logger = createLogger('silent');
    const [chat, kraken] = await Promise.all([
      // Each healthy gateway is attacked alone first (healthyFirst, the robustness default); then three
      // mutants at a time per dialect: contention can only make a mutant fail sooner.
      runMutants({ module: chatServiceModule, suite: 'robustness', parallel: 3, logger }),
      runMutants({ module: krakenModule, suite: 'robustness', parallel: 3, logger }),
    ]);
    prove(chatServiceModule, chat);
    prove(krakenModule, kraken);
  }, 400_000);
});
