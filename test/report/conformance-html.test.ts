import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../src/baseline/compare.js';
import { conformanceHtmlReporter, renderConformanceHtml } from '../../src/report/conformance-html.js';
import { renderMutantsHtml } from '../../src/report/mutants-html.js';
import { Sink } from '../../src/report/sink.js';
import { count } from './load-report-samples.js';
import { ECHOED_JWT, failingConformanceReport, mutantsReport } from './conformance-report-samples.js';

const noExternalResources = (page: string) => {
  expect(page).not.toMatch(/<script/i);
  expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
  expect(page).not.toMatch(/@import|url\(/i);
};

describe('conformance report.html', () => {
  const page = renderConformanceHtml(failingConformanceReport());

  it('is self-contained and escapes every text the server or the suite supplied', () => {
    noExternalResources(page);
    expect(page).toContain('validation.&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('ok &amp; &lt;b&gt;fine&lt;/b&gt;');
    expect(page).toContain('<div class="badge failed">FAILED</div>');
  });

  it('groups cases by suite with grade and reason, failures open, and a filter link per grade with its count', () => {
    expect(count(page, '<section class="card suite"')).toBe(5);
    expect(page).toMatch(/<details class="case failed" id="case-auth.expired-token" open><summary><span class="g failed">failed<\/span>/);
    expect(page).toMatch(/<details class="case passed" id="case-auth.alg-none"><summary>/);
    for (const [grade, n] of [['failed', 1], ['errored', 1], ['non-strict', 1], ['skipped', 1], ['passed', 2]] as const) {
      expect(page).toContain(`<a href="#show-${grade}">${grade} (${n})</a>`);
      expect(page).toContain(`#show-${grade}:target ~ .suites details.case:not(.${grade}) { display: none; }`);
    }
  });

  it('shows the timeline as messages: who sent what, when, to whom', () => {
    expect(page).toContain('<tr class="out"><td class="num">3 ms</td><td>alice</td><td class="arrow">→</td><td>server</td><td>connect</td>');
    expect(page).toContain('<tr class="in"><td class="num">41 ms</td><td>server</td><td class="arrow">→</td><td>alice</td><td>connected</td>');
    expect(page).toContain('<tr class="note"><td class="num">42 ms</td><td>bob</td><td class="arrow">·</td><td></td><td>barrier passed</td>');
  });

  it('marks baseline outcomes and offers them as filters', () => {
    const report = failingConformanceReport();
    report.baseline = compareWithBaseline(report, { file: 'b.yml', source: 'accepted-list', entries: [{ id: 'auth.expired-token', reason: 'SEC-12' }, { id: 'auth.alg-none', reason: 'old' }] });
    const marked = renderConformanceHtml(report);
    expect(marked).toContain('<details class="case failed accepted" id="case-auth.expired-token"');
    expect(marked).toContain('<details class="case passed fixed" id="case-auth.alg-none" open>');
    expect(marked).toContain('<a href="#show-new">new (1)</a>');
    expect(marked).toContain('<span class="b accepted">still failing (accepted)</span>');
  });

  it('goes through the Sink: a JWT a server echoed is redacted in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatecheck-conf-html-'));
    try {
      const [file] = await conformanceHtmlReporter(new Sink(process.stderr), dir).end(failingConformanceReport());
      const written = await readFile(file, 'utf8');
      expect(renderConformanceHtml(failingConformanceReport())).toContain(ECHOED_JWT);
      expect(written).not.toContain(ECHOED_JWT);
      expect(written).toContain('[redacted]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mutants report.html', () => {
  const page = renderMutantsHtml(mutantsReport());

  it('is a kill matrix: a row per mutant, a column per suite, the killing cases in their suite', () => {
    noExternalResources(page);
    expect(page).toContain('<th>mutant</th><th>kind</th><th>verdict</th><th>auth</th><th>presence</th><th>seed</th>');
    expect(count(page, '<tr class="')).toBe(5);
    expect(page).toMatch(/<code>auth-accept-expired<\/code>.*?<strong>killed<\/strong><\/td><td class="killed mono small">auth.expired-token<\/td><td class=" mono small"><\/td><td class="killed mono small">seed.03-expired<\/td>/s);
    expect(page).toMatch(/<tr class="fail"><td class="name"><code>room-leave-noop<\/code>.*?<strong>survived<\/strong>/s);
    expect(page).toMatch(/<code>pong-without-timestamp<\/code>.*?graded non-strict.*?seed.07-ping/s);
    expect(page).toContain('<div class="badge failed">NOT PROVEN</div>');
  });
});
