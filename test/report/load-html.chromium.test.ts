import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLoadHtml } from '../../src/report/load-html.js';
import { chromium, explainChromium, hasChromium, SKIP_REASON } from '../support/chromium.js';
import { count, fanoutReport, instanceStormReport, SCENARIO, stormReport, throughputReport, unescape } from './load-report-samples.js';

// How the load report page renders in Debian's headless Chromium (skipped, saying so, without one).
if (!hasChromium) console.warn(`skipping the headless-Chromium screenshot tests of the load report page: ${SKIP_REASON}`);
const explain = explainChromium;

describe.skipIf(!hasChromium)(`renderLoadHtml in headless Chromium${hasChromium ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let dir = '';
  const pages: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-load-html-'));
    for (const [name, report] of [['report', fanoutReport()], ['storm', stormReport()], ['instance-storm', instanceStormReport()], ['throughput', throughputReport()]] as const) {
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

  it('renders the storm and throughput pages with their own sections, and screenshots them', { timeout: 300_000 }, async () => {
    const cases = [
      { name: 'instance-storm', section: '<h2>Reconnection storm</h2>', svgs: 4 },
      { name: 'throughput', section: '<h2>Throughput steps</h2>', svgs: 4 },
    ];
    const runs = await Promise.all(
      cases.flatMap(({ name }) => [
        chromium(dir, [`--screenshot=${join(dir, `${name}.png`)}`, `file://${pages[name]}`]),
        chromium(dir, ['--dump-dom', `file://${pages[name]}`]),
      ]),
    );
    for (const [i, { name, section, svgs }] of cases.entries()) {
      const [shot, dom] = [runs[2 * i], runs[2 * i + 1]];
      expect(shot.timedOut || dom.timedOut, explain(shot)).toBe(false);
      const png = join(dir, `${name}.png`);
      expect(existsSync(png), `${png} missing; ${explain(shot)}`).toBe(true);
      expect((await stat(png)).size, `screenshot ${png}`).toBeGreaterThan(20_000);
      expect(dom.stdout, `${name}: ${explain(dom)}`).toContain(section);
      // The section's chart, the latency over time, the histogram (or its no-data box) and the deliveries.
      expect(count(dom.stdout, '<svg'), name).toBe(svgs);
      expect(dom.stdout).not.toMatch(/<script/i);
    }
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
