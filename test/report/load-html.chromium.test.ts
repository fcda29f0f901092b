import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLoadHtml } from '../../src/report/load-html.js';
import { count, fanoutReport, instanceStormReport, SCENARIO, stormReport, throughputReport, unescape } from './load-report-samples.js';

// How the load report page renders in Debian's headless Chromium. A machine without it skips these
// tests (the page's content is checked without a browser in load-html.test.ts); .ci/run installs it.
const CHROMIUM = process.env.GATECHECK_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_TIMEOUT_MS = 60_000;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const hasChromium = isExecutable(CHROMIUM);
// CI installs chromium and sets this: there a missing browser is a failure, not a skip.
if (!hasChromium && process.env.GATECHECK_REQUIRE_CHROMIUM) throw new Error(`GATECHECK_REQUIRE_CHROMIUM is set but there is no chromium at ${CHROMIUM}`);
const SKIP_REASON = `no chromium at ${CHROMIUM}: apt-get install chromium (or point GATECHECK_CHROMIUM at one) to run them`;
if (!hasChromium) console.warn(`skipping the headless-Chromium screenshot tests of the load report page: ${SKIP_REASON}`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

async function chromium(dir: string, args: string[]): Promise<Run> {
  const profile = await mkdtemp(join(dir, 'profile-'));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--window-size=1280,2400'];
  try {
    return await new Promise<Run>((resolve, reject) => {
      // Its own process group, so a hung browser and its helpers die together on timeout.
      const child = spawn(CHROMIUM, [...flags, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, CHROMIUM_TIMEOUT_MS);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, timedOut });
      });
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

const explain = (run: Run) => `chromium exited ${run.code}${run.timedOut ? ' after the timeout' : ''}; stderr tail:\n${run.stderr.split('\n').slice(-15).join('\n')}`;

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
