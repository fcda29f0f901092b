import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

type Report = {
  summary: { failed: number; blocked: number };
  cases: Array<{ id: string; status: string; reason: string; blockedBy?: string }>;
  findings: Array<{ kind: string; title: string; cases: string[]; suggestedFix: string }>;
};

/**
 * Root causes, not lists: one bug of the gateway reads as the finding it is, the cases that merely
 * depend on the broken step are blocked by it (counted apart), and a rejected action is not blamed for
 * what messages:sync gets wrong on its own.
 */
describe('findings on the chat-service reference gateway with one bug', () => {
  it('a sender left out of message:new: the cases that only needed the echo are blocked by deliver, one finding', async () => {
    const run = await runCli(['conform', '--mutant', 'sender-excluded', '--json'], { timeoutMs: 120_000 });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.summary.blocked).toBe(report.cases.filter((c) => c.blockedBy).length);
    expect(report.summary.blocked).toBeGreaterThanOrEqual(5);
    const deliver = report.findings.filter((f) => f.kind === 'blocked' && f.title.startsWith('deliver fails'));
    expect(deliver).toHaveLength(1);
    expect(deliver[0].cases.length).toBe(report.cases.filter((c) => c.blockedBy === 'deliver').length);
    // Test 4 is about the echo: it fails on its own account, not as blocked.
    const seed4 = report.cases.find((c) => c.id === 'seed.04-send-message')!;
    expect(seed4.status).toBe('failed');
    expect(seed4.blockedBy).toBeUndefined();
    // Fewer findings than cases that did not pass: causes, not a list.
    const problems = report.findings.filter((f) => f.kind !== 'profile' && f.kind !== 'skipped');
    expect(problems.length).toBeLessThan(report.summary.failed + report.summary.blocked);
  });

  it('a sync bug is found by the control before the rejected action, not blamed on it', async () => {
    const run = await runCli(['conform', '--mutant', 'sync-off-by-one', '--filter', 'denial.edit-outsider', '--json'], { timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    const edit = report.cases.find((c) => c.id === 'denial.edit-outsider')!;
    expect(edit.blockedBy).toBe('sync');
    expect(edit.reason).toBe('blocked by sync: messages:sync from a baseline misses the message sent after it, before any rejected action');
    expect(edit.reason).not.toMatch(/rejected action\b.*gone/);
  });
});
