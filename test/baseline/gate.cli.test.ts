import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli, type CliRun } from '../support/cli.js';

// The CI gate end to end: real reference gateways (one instance each), a real bug (--mutant), the
// baseline written by `gatecheck baseline write` from a real report, then the exits CI relies on.
const CASES = ['--filter', 'auth.expired-token', '--filter', 'auth.alg-none', '--instances', '1'];
const BUG = ['--mutant', 'auth-accept-expired'];
async function inPairs<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < jobs.length; i += 2) out.push(...(await Promise.all(jobs.slice(i, i + 2).map((j) => j()))));
  return out;
}
const explain = (r: CliRun) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

describe('gatecheck conform --baseline', () => {
  let dir = '';
  let first: CliRun;
  let written: CliRun;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-gate-'));
    first = await runCli(['conform', ...BUG, ...CASES, '--report-dir', file('first'), '--update-baseline', file('updated.yml')], { timeoutMs: 60_000 });
    written = await runCli(['baseline', 'write', '--from', file('first/report.json'), '--out', file('baseline.yml')]);
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the baseline of a failing run (baseline write and --update-baseline agree)', async () => {
    expect(first.code, explain(first)).toBe(1);
    expect(written.code, explain(written)).toBe(0);
    expect(written.stdout).toContain('accepts 1 case(s): auth.expired-token');
    const fromWrite = parseYaml(await readFile(file('baseline.yml'), 'utf8'));
    expect(fromWrite).toEqual({ schemaVersion: 1, kind: 'conformance-baseline', dialect: 'chat-service', accepted: [{ id: 'auth.expired-token', reason: 'an expired token: the gateway accepted the connection', status: 'failed' }] });
    expect(parseYaml(await readFile(file('updated.yml'), 'utf8'))).toEqual(fromWrite);
  });

  it('exits 0 when nothing got worse, 1 on a new failure, an expired entry or a fixed entry, 2 on a broken baseline', { timeout: 150_000 }, async () => {
    await writeFile(file('empty.yml'), 'schemaVersion: 1\nkind: conformance-baseline\naccepted: []\n');
    await writeFile(file('expired.yml'), 'schemaVersion: 1\nkind: conformance-baseline\naccepted:\n  - id: auth.expired-token\n    reason: SEC-12, fixed by the January release\n    expires: 2020-01-31\n');
    await writeFile(file('broken.yml'), 'schemaVersion: 1\nkind: conformance-baseline\naccepted:\n  - id: auth.expired-token\n');
    const summary = file('step-summary.md');
    // Two gateways at a time: more starting at once on a shared 2-core machine miss their start deadline.
    const [accepted, fromReport, fresh, expired, fixed, broken] = await inPairs([
      () => runCli(['conform', ...BUG, ...CASES, '--baseline', file('baseline.yml')], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }, timeoutMs: 90_000 }),
      () => runCli(['conform', ...BUG, ...CASES, '--baseline', file('first/report.json')], { timeoutMs: 90_000 }),
      () => runCli(['conform', ...BUG, ...CASES, '--baseline', file('empty.yml')], { timeoutMs: 90_000 }),
      () => runCli(['conform', ...BUG, ...CASES, '--baseline', file('expired.yml')], { timeoutMs: 90_000 }),
      () => runCli(['conform', ...CASES, '--baseline', file('baseline.yml'), '--report-dir', file('fixed')], { timeoutMs: 90_000 }),
      () => runCli(['conform', ...CASES, '--baseline', file('broken.yml')], { timeoutMs: 30_000 }),
    ]);

    expect(accepted.code, explain(accepted)).toBe(0);
    expect(accepted.stdout).toContain('accepted auth.expired-token still failing: an expired token: the gateway accepted the connection');
    expect(accepted.stdout).toContain('gate: nothing got worse');
    // On by default in GitHub Actions: the accepted failure is a warning, not an error.
    expect(accepted.stdout.split('\n')).toContain('::warning title=gatecheck chat-service auth.expired-token::auth.expired-token failed (still failing, accepted: an expired token: the gateway accepted the connection): an expired token: the gateway accepted the connection');
    expect(accepted.stdout).not.toContain('::error');
    expect(await readFile(summary, 'utf8')).toContain('1 still failing (accepted), 0 fixed');

    expect(fromReport.code, explain(fromReport)).toBe(0);

    expect(fresh.code, explain(fresh)).toBe(1);
    expect(fresh.stdout).toContain('new      auth.expired-token failed: not in the baseline');

    expect(expired.code, explain(expired)).toBe(1);
    expect(expired.stdout).toContain('new      auth.expired-token failed: its baseline entry expired on 2020-01-31 (SEC-12, fixed by the January release)');

    expect(fixed.code, explain(fixed)).toBe(1);
    expect(fixed.stdout).toContain(`fixed    auth.expired-token now passed: delete the entry "auth.expired-token" from ${file('baseline.yml')}`);
    const report = JSON.parse(await readFile(file('fixed/report.json'), 'utf8'));
    expect(report.baseline).toMatchObject({ passed: false, counts: { new: 0, accepted: 0, fixed: 1 }, cases: { 'auth.expired-token': { mark: 'fixed' } } });
    expect(await readFile(file('fixed/junit.xml'), 'utf8')).toContain('<failure message="[fixed] now passed: delete the entry');
    expect(await readFile(file('fixed/report.html'), 'utf8')).toContain('class="b fixed"');

    expect(broken.code, explain(broken)).toBe(2);
    expect(broken.stderr).toMatch(/baseline .*broken\.yml is neither a conformance report\.json nor a baseline file.*\n\s+at accepted\[0\]\.reason/);
    // Refused before any gateway started: no case ran.
    expect(broken.stdout).toBe('');
    expect(broken.ms).toBeLessThan(10_000);
  });
});
