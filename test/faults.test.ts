import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startGarbageGateway } from '../fixtures/hostile/garbage.js';
import { runConformance } from '../src/conformance/conform.js';
import { startReferenceGateway } from '../src/reference/launcher.js';
import { chatServiceCases } from '../src/conformance/cases/chat-service/index.js';
import { chatServiceModule } from '../src/dialects/chat-service/index.js';
import { runCli } from './support/cli.js';

describe('faults: the target misbehaves', () => {
  it('a gateway that dies mid-run turns the remaining cases into errored with the cause, without hanging', async () => {
    const secret = randomBytes(16).toString('hex');
    const gateway = await startReferenceGateway({ instances: 1, jwtSecret: secret });
    const config = chatServiceModule.reference.config(gateway.urls, secret);
    const killAfter = 6;
    let killedAt = -1;
    try {
      const started = performance.now();
      const report = await runConformance({
        suite: chatServiceModule,
        config,
        target: { source: 'reference', instances: gateway.urls },
        onCaseDone: (_r, done) => {
          if (done === killAfter) {
            killedAt = done;
            void gateway.instances[0].kill('SIGKILL');
          }
        },
      });
      const took = performance.now() - started;
      expect(killedAt).toBe(killAfter);
      expect(took).toBeLessThan(30_000);
      const errored = report.cases.filter((c) => c.status === 'errored');
      // Everything not finished when the gateway died is errored, none of it passes or fails.
      const inFlight = config.limits.concurrency;
      expect(errored.length).toBeGreaterThanOrEqual(report.cases.length - killAfter - inFlight);
      for (const c of errored) expect(c.reason, c.reason).toMatch(/unreachable: (ECONNREFUSED|the server closed the connection)/);
      expect(report.cases.filter((c) => c.status === "failed").map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    } finally {
      await gateway.stop();
    }
  });

  it('a server that sends garbage is reported as contract violations, exit 1', async () => {
    const garbage = await startGarbageGateway();
    try {
      const run = await runCli(['conform', '--url', garbage.url, '--json'], { env: { GATECHECK_JWT_SECRET: 'g'.repeat(32) }, timeoutMs: 60_000 });
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout);
      const seed1 = report.cases.find((c: { id: string }) => c.id === 'seed.01-connect-valid-token');
      expect(seed1.status).toBe('failed');
      expect(seed1.reason).toMatch(/does not match the documented shape|contract violation/);
      const violations = report.cases.flatMap((c: { evidence: { violations: Array<{ event: string; issues: Array<{ path: string }> }> } }) => c.evidence.violations);
      expect(violations.some((v: { event: string; issues: Array<{ path: string }> }) => v.event === 'connected' && v.issues.some((i) => i.path === 'userId'))).toBe(true);
      // No REST and no Redis declared: exactly the cases that create a conversation or read the bookkeeping are skipped, and say so.
      const needRest = chatServiceCases.filter((c) => c.needs?.includes('rest.createConversation')).map((c) => c.id);
      const needRedis = chatServiceCases.filter((c) => c.needs?.includes('redis')).map((c) => c.id);
      expect(needRest).toHaveLength(42);
      expect(needRedis).toEqual(['bookkeeping.socket-key', 'bookkeeping.online-set']);
      const skipped = report.cases.filter((c: { status: string }) => c.status === 'skipped');
      expect(skipped.map((c: { id: string }) => c.id)).toEqual([...needRest, ...needRedis]);
      for (const c of skipped) {
        const declare = needRedis.includes(c.id) ? /^skipped: declare capabilities\.redis/ : /^skipped: declare rest\.createConversation in the target config/;
        expect(c.reason).toMatch(declare);
      }
      const notRun = needRest.length + needRedis.length;
      expect(report.summary).toMatchObject({ total: chatServiceCases.length, passed: 0, nonStrict: 0, skipped: notRun, errored: 0 });
      expect(report.summary.failed + report.summary.blocked).toBe(chatServiceCases.length - notRun);
      // Findings group by cause: every refusal the garbage server skipped is one finding.
      const accepted = report.findings.find((f: { kind: string; title: string }) => f.kind === 'failed' && f.title === 'the gateway accepted the connection');
      expect(accepted?.cases.length).toBeGreaterThan(3);
    } finally {
      await garbage.close();
    }
  });
});
