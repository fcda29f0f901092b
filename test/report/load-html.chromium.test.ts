import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLoadHtml } from '../../src/report/load-html.js';
import { chromium, explainChromium, hasChromium, SKIP_REASON } from '../support/chromium.js';
import { count, fanoutReport, SCENARIO, stormReport, unescape } from './load-report-samples.js';

// How the load report page renders in Debian's headless Chromium (skipped, saying so, without one).
if (!hasChromium) console.warn(`skipping the headless-Chromium screenshot tests of the load report page: ${SKIP_REASON}`);
const explain = explainChromium;

describe.skipIf(!hasChromium)(`renderLoadHtml in headless Chromium${hasChromium ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let dir = '';
  const pages: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-load-html-'));
    for (const [name, report] of [['report', fanoutReport()], ['storm', stormReport()]] as const) {
      pages[name] = join(dir, `${name}.html`);
      await writeFile(pages[name], renderLoadHtml(report));
    }
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renders a screenshot that is not blank', { timeout: 150_000 }, async () => {
    const png = join(dir, 'report.png');
    const run = await chromium(dir, [`--screenshot=${png}`, `file://${pages.report}`]);
    expect(run.timedOut, explain(run)).toBe(false);
    expect(existsSync(png), `${png} missing; ${explain(run)}`).toBe(true);
    const bytes = await readFile(png);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect((await stat(png)).size, `screenshot ${png}`).toBeGreaterThan(20_000);
  });

  it('builds a DOM with the three charts, the scenario name and no script element', { timeout: 150_000 }, async () => {
    for (const [name, scenario] of [['report', SCENARIO], ['storm', 'reconnect-storm']] as const) {
      const run = await chromium(dir, ['--dump-dom', `file://${pages[name]}`]);
      expect(run.timedOut, explain(run)).toBe(false);
      const dom = run.stdout;
      expect(count(dom, '<svg'), `${name}: ${explain(run)}`).toBe(3);
      expect(unescape(/<h1>(.*?)<\/h1>/s.exec(dom)?.[1] ?? '')).toBe(scenario);
      expect(dom).not.toMatch(/<script/i);
      if (name === 'report') expect(dom).toContain('data-series="p99"');
      expect(dom.includes('INVALID: generator saturated')).toBe(name === 'storm');
    }
  });
});
