import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../src/baseline/compare.js';
import { conformanceAnnotations, escapeData, escapeProperty, GithubReporter, loadAnnotations, workflowCommand } from '../../src/report/github.js';
import { chooseFormats } from '../../src/report/formats.js';
import { conformanceMarkdown, loadMarkdown } from '../../src/report/markdown.js';
import { Sink } from '../../src/report/sink.js';
import { fanoutReport } from './load-report-samples.js';
import { ECHOED_JWT, failingConformanceReport } from './conformance-report-samples.js';

/** A Sink whose human stream is a string. */
function capturingSink(): { sink: Sink; text: () => string } {
  let out = '';
  const stream = { write: (t: string) => ((out += t), true), isTTY: false } as unknown as NodeJS.WriteStream;
  return { sink: new Sink(stream), text: () => out };
}

describe('github reporter', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-github-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("escapes data and properties as GitHub's workflow commands require", () => {
    expect(escapeData('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext: a, b');
    expect(escapeProperty('gatecheck: a, b%\n')).toBe('gatecheck%3A a%2C b%25%0A');
    expect(workflowCommand({ level: 'warning', title: 't:1', message: 'm\n2' })).toBe('::warning title=t%3A1::m%0A2');
  });

  it('writes the exact annotation lines and appends the job summary of a failing run', async () => {
    const summaryFile = join(dir, 'step-summary.md');
    await writeFile(summaryFile, 'earlier step\n');
    const { sink, text } = capturingSink();
    const reporter = new GithubReporter(sink, { annotations: conformanceAnnotations, summary: conformanceMarkdown }, summaryFile);
    const files = await reporter.end(failingConformanceReport());
    expect(files).toEqual([summaryFile]);
    expect(text().split('\n')).toEqual([
      '::error title=gatecheck chat-service auth.expired-token::auth.expired-token failed: an expired token: the gateway accepted the connection%0A100%25 of attempts',
      '::error title=gatecheck chat-service presence.offline-last-socket::presence.offline-last-socket errored: setup call POST /api/conversations answered 500',
      '::warning title=gatecheck chat-service seed.07-ping::seed.07-ping non-strict: pong without timestamp (open point 2)',
      '',
    ]);
    const summary = await readFile(summaryFile, 'utf8');
    expect(summary).toBe(`earlier step
## gatecheck conform chat-service: ❌ failed

6 cases against http://127.0.0.1:4001, http://127.0.0.1:4002 in 5.6 s

| passed | non-strict | failed | skipped | errored |
|---|---|---|---|---|
| 2 | 1 | 1 | 1 | 1 |

### Cases to look at

| case | grade | baseline | reason |
|---|---|---|---|
| \`auth.expired-token\` | failed |  | an expired token: the gateway accepted the connection 100% of attempts |
| \`presence.offline-last-socket\` | errored |  | setup call POST /api/conversations answered 500 |
| \`seed.07-ping\` | non-strict |  | pong without timestamp (open point 2) |

`);
  });

  it('marks cases against a baseline: accepted as warnings, new and fixed as errors', () => {
    const report = failingConformanceReport();
    report.baseline = compareWithBaseline(report, {
      file: 'gatecheck-baseline.yml',
      source: 'accepted-list',
      entries: [
        { id: 'auth.expired-token', reason: 'ticket SEC-12' },
        { id: 'auth.alg-none', reason: 'was broken' },
      ],
    });
    const lines = conformanceAnnotations(report).map(workflowCommand);
    expect(lines).toEqual([
      '::warning title=gatecheck chat-service auth.expired-token::auth.expired-token failed (still failing, accepted: ticket SEC-12): an expired token: the gateway accepted the connection%0A100%25 of attempts',
      '::error title=gatecheck chat-service auth.alg-none::auth.alg-none is in the baseline but now passed: delete the entry "auth.alg-none" from gatecheck-baseline.yml',
      '::error title=gatecheck chat-service presence.offline-last-socket::presence.offline-last-socket errored (new: not in the baseline): setup call POST /api/conversations answered 500',
      '::warning title=gatecheck chat-service seed.07-ping::seed.07-ping non-strict: pong without timestamp (open point 2)',
    ]);
    expect(conformanceMarkdown(report)).toContain('**Baseline** `gatecheck-baseline.yml`: 1 new, 1 still failing (accepted), 1 fixed');
  });

  it('annotates every failed load threshold and puts the thresholds table in the summary', () => {
    const report = fanoutReport();
    expect(loadAnnotations(report).map(workflowCommand)).toEqual([`::error title=gatecheck load ${escapeProperty(report.scenario)}::threshold fanout.lost == 0 failed (measured: ${report.thresholds[1].value})`]);
    const md = loadMarkdown(report);
    expect(md).toContain('| ❌ | `fanout.lost == 0` |');
    expect(md).toContain('| ✅ | `fanout.latency_ms.p99 < 250` | 88.6 ms |');
    expect(md).not.toContain('<b>');
  });

  it('lists the findings of the report: kind, cause, fix and cases', () => {
    const report = {
      ...failingConformanceReport(),
      findings: [{ signature: 'failed:x', kind: 'failed' as const, title: 'the gateway accepted the connection', cases: ['auth.expired-token'], example: { caseId: 'auth.expired-token', reason: 'r' }, suggestedFix: 'check exp' }],
    };
    expect(conformanceMarkdown(report)).toContain('### Findings\n\n- **failed** the gateway accepted the connection: fix: check exp (cases: auth.expired-token)');
  });

  it('redacts what it writes: a JWT echoed in a reason reaches neither an annotation nor the summary', async () => {
    const report = failingConformanceReport();
    report.cases[0].reason = `accepted, echoed ${ECHOED_JWT}`;
    const summaryFile = join(dir, 'redacted.md');
    const { sink, text } = capturingSink();
    await new GithubReporter(sink, { annotations: conformanceAnnotations, summary: conformanceMarkdown }, summaryFile).end(report);
    expect(text()).not.toContain(ECHOED_JWT);
    expect(text()).toContain('[redacted]');
    expect(await readFile(summaryFile, 'utf8')).not.toContain(ECHOED_JWT);
  });

  it('is on by default in GitHub Actions, and --reporter picks formats exactly', () => {
    expect([...chooseFormats({}, ['json'], { GITHUB_ACTIONS: 'true' })]).toEqual(['console', 'github']);
    expect([...chooseFormats({ reportDir: 'r' }, ['json', 'junit'], {})]).toEqual(['console', 'json', 'junit']);
    expect([...chooseFormats({ reporter: ['github', 'markdown'], reportDir: 'r' }, ['json'], { GITHUB_ACTIONS: 'true' })]).toEqual(['github', 'markdown']);
    expect(() => chooseFormats({ reporter: ['junit'] }, [], {})).toThrow(/--reporter junit writes files: give --report-dir DIR/);
    expect(() => chooseFormats({ reporter: ['tap'] }, [], {})).toThrow(/--reporter tap: expected one of console, json, junit, html, markdown, github/);
  });
});
