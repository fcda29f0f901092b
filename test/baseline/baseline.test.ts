import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../src/baseline/compare.js';
import { baselineFromReport, loadBaseline, renderBaselineFile, type Baseline } from '../../src/baseline/file.js';
import { summarize, type CaseStatus, type ConformanceReport } from '../../src/model/conformance.js';
import { caseResult } from '../report/conformance-report-samples.js';

function report(statuses: Record<string, CaseStatus>, strict = false): ConformanceReport {
  const cases = Object.entries(statuses).map(([id, s]) => caseResult(id, s, `${id} is ${s}`));
  return { schemaVersion: 1, kind: 'conformance', dialect: 'chat-service', target: { source: 'reference', instances: ['http://127.0.0.1:1'] }, startedAt: '2026-11-30T07:00:00.000Z', durationMs: 1, strict, summary: summarize(cases), cases };
}
const list = (entries: Baseline['entries']): Baseline => ({ file: 'b.yml', source: 'accepted-list', entries });

describe('compareWithBaseline', () => {
  it('passes when every bad case is accepted, marking it accepted with the entry reason', () => {
    const c = compareWithBaseline(report({ 'a.one': 'failed', 'a.two': 'passed' }), list([{ id: 'a.one', reason: 'ticket 1' }]), '2026-11-30');
    expect(c).toMatchObject({ passed: true, counts: { new: 0, accepted: 1, fixed: 0 }, cases: { 'a.one': { mark: 'accepted', note: 'ticket 1' } } });
  });

  it('fails on a new failure or error, and names the entry to delete when its case passes', () => {
    const c = compareWithBaseline(report({ 'a.one': 'passed', 'a.two': 'errored' }), list([{ id: 'a.one', reason: 'ticket 1' }]), '2026-11-30');
    expect(c.passed).toBe(false);
    expect(c.cases['a.two']).toEqual({ mark: 'new', note: 'not in the baseline' });
    expect(c.cases['a.one']).toEqual({ mark: 'fixed', note: 'now passed: delete the entry "a.one" from b.yml' });
  });

  it('accepts through the expiry day and not after it, saying the entry expired', () => {
    const entry = [{ id: 'a.one', reason: 'until the fix ships', expires: '2026-11-30' }];
    expect(compareWithBaseline(report({ 'a.one': 'failed' }), list(entry), '2026-11-30').passed).toBe(true);
    const late = compareWithBaseline(report({ 'a.one': 'failed' }), list(entry), '2026-12-01');
    expect(late.passed).toBe(false);
    expect(late.cases['a.one']).toEqual({ mark: 'new', note: 'its baseline entry expired on 2026-11-30 (until the fix ships)' });
  });

  it('under --strict a case gone from passed to non-strict is new; without it non-strict is fine', () => {
    const fromReport: Baseline = { file: 'old/report.json', source: 'report', entries: [] };
    expect(compareWithBaseline(report({ 'a.one': 'non-strict' }, true), fromReport).cases['a.one']?.mark).toBe('new');
    expect(compareWithBaseline(report({ 'a.one': 'non-strict' }, false), fromReport).passed).toBe(true);
  });

  it('keeps entries whose case did not run (filtered out or skipped) without judging them', () => {
    const c = compareWithBaseline(report({ 'a.one': 'skipped' }), list([{ id: 'a.one', reason: 'r' }, { id: 'b.gone', reason: 'r' }]));
    expect(c).toMatchObject({ passed: true, notRun: ['a.one', 'b.gone'], counts: { new: 0, accepted: 0, fixed: 0 } });
  });
});

describe('baseline files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-baseline-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const write = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };

  it('round-trips: the file written from a report accepts exactly its failing cases', async () => {
    const run = report({ 'a.one': 'failed', 'a.two': 'non-strict', 'a.three': 'errored', 'a.four': 'passed' });
    const file = await write('b.yml', renderBaselineFile(baselineFromReport(run, { expires: '2027-01-31' }), 'report.json'));
    const loaded = await loadBaseline(file);
    expect(loaded.entries.map((e) => [e.id, e.expires, e.status])).toEqual([['a.one', '2027-01-31', 'failed'], ['a.three', '2027-01-31', 'errored']]);
    expect(compareWithBaseline(run, loaded, '2026-11-30').passed).toBe(true);
  });

  it('reads a previous report.json as the baseline', async () => {
    const file = await write('report.json', JSON.stringify(report({ 'a.one': 'failed', 'a.two': 'passed' })));
    const loaded = await loadBaseline(file);
    expect(loaded).toMatchObject({ source: 'report', entries: [{ id: 'a.one', reason: 'failed in the baseline run of 2026-11-30T07:00:00.000Z: a.one is failed' }] });
  });

  it('names the path and what was expected when an entry is malformed', async () => {
    const file = await write('bad.yml', 'schemaVersion: 1\nkind: conformance-baseline\naccepted:\n  - id: a.one\n    expires: 31/01/2027\n');
    await expect(loadBaseline(file)).rejects.toThrow(/at accepted\[0\]\.reason: .*\n.*at accepted\[0\]\.expires: expected a date YYYY-MM-DD/);
    await expect(loadBaseline(await write('twice.yml', 'schemaVersion: 1\nkind: conformance-baseline\naccepted:\n  - {id: a, reason: r}\n  - {id: a, reason: s}\n'))).rejects.toThrow('case a is listed twice');
    await expect(loadBaseline(join(dir, 'missing.yml'))).rejects.toThrow(/cannot read baseline .*missing\.yml: ENOENT/);
    expect(() => baselineFromReport(report({}), { expires: 'soon' })).toThrow('--expires expects a date YYYY-MM-DD, got "soon"');
  });
});
