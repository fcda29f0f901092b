// A conformance report and a mutants report for the reporters' tests (github, markdown, the HTML pages).
import type { CaseResult, CaseStatus, ConformanceReport } from '../../src/model/conformance.js';
import type { MutantsReport } from '../../src/model/mutants.js';
import { summarize } from '../../src/model/conformance.js';

/** Looks like a JWT a server echoed back: every output must redact it. */
export const ECHOED_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWhlcmUtMTIz';

export function caseResult(id: string, status: CaseStatus, reason: string, extra: Partial<CaseResult> = {}): CaseResult {
  return {
    id,
    suite: id.split('.')[0],
    title: `the case ${id}`,
    seedRef: null,
    status,
    durationMs: 120,
    absenceMs: 60,
    reason,
    evidence: { deviations: [], notes: [], violations: [], timeline: [] },
    ...extra,
  };
}

/** A failing run: a failure whose reason has a newline, a percent sign and a colon (GitHub escaping), an error, a deviation. */
export function failingConformanceReport(): ConformanceReport {
  const cases = [
    caseResult('auth.expired-token', 'failed', 'an expired token: the gateway accepted the connection\n100% of attempts', {
      evidence: {
        failure: { message: 'accepted', expected: "error event { code: 'UNAUTHORIZED' } then a disconnect", received: `connected {"token":"${ECHOED_JWT}"}` },
        deviations: [],
        notes: [],
        violations: [],
        timeline: [
          { t: 3, who: 'alice', dir: 'out', event: 'connect', data: '"http://127.0.0.1:4001 (token via auth, redacted)"' },
          { t: 41, who: 'alice', dir: 'in', event: 'connected', data: `{"userId":"u1","echo":"${ECHOED_JWT}"}` },
          { t: 42, who: 'bob', dir: 'note', event: 'barrier passed' },
          { t: 50, who: 'alice', dir: 'out', event: 'disconnect' },
        ],
      },
    }),
    caseResult('auth.alg-none', 'passed', 'refused as expected'),
    caseResult('presence.offline-last-socket', 'errored', 'setup call POST /api/conversations answered 500'),
    caseResult('seed.07-ping', 'non-strict', 'pong without timestamp (open point 2)', { seedRef: 'Test 7', suite: 'seed' }),
    caseResult('rooms.leave', 'skipped', 'needs rest.removeParticipant'),
    caseResult('validation.<script>alert(1)</script>', 'passed', 'ok & <b>fine</b>', { suite: 'validation' }),
  ];
  return {
    schemaVersion: 1,
    kind: 'conformance',
    dialect: 'chat-service',
    target: { source: 'config', configFile: 'gw.yml', instances: ['http://127.0.0.1:4001', 'http://127.0.0.1:4002'] },
    startedAt: '2026-11-30T07:00:00.000Z',
    durationMs: 5_600,
    strict: false,
    summary: summarize(cases),
    cases,
  };
}

export function mutantsReport(): MutantsReport {
  const bug = (name: string, killedBy: string[], verdict: MutantsReport['mutants'][number]['verdict'] = killedBy.length ? 'killed' : 'survived') => ({
    name,
    description: `the bug ${name}`,
    area: 'auth',
    kind: 'bug' as const,
    killed: verdict === 'killed',
    killedBy,
    nonStrictCases: [],
    erroredCases: [],
    verdict,
    unconfirmed: [],
  });
  const mutants = [
    bug('auth-accept-expired', ['auth.expired-token', 'seed.03-expired']),
    bug('presence-no-offline', ['presence.offline-last-socket', 'presence.cross-instance']),
    bug('room-leave-noop', []),
    { ...bug('no-redis-adapter', [], 'skipped'), skipped: 'needs two instances and there is no Redis' },
    { ...bug('pong-without-timestamp', []), kind: 'deviation' as const, nonStrictCases: ['seed.07-ping'] },
  ];
  return {
    schemaVersion: 1,
    kind: 'mutants',
    dialect: 'chat-service',
    startedAt: '2026-11-30T07:00:00.000Z',
    durationMs: 91_000,
    healthy: { summary: { total: 53, passed: 53, nonStrict: 0, failed: 0, blocked: 0, skipped: 0, errored: 0 }, notPassed: [], passedOnlyAlone: [] },
    mutants,
    summary: { total: 4, killed: 2, deviations: 1, deviationsGradedNonStrict: 1, inconclusive: 0, skipped: 1 },
  };
}
