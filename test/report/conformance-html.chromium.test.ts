import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderConformanceHtml } from '../../src/report/conformance-html.js';
import { buildMatrix } from '../../src/conformance/matrix.js';
import { renderMatrixHtml } from '../../src/report/matrix-html.js';
import { renderMutantsHtml } from '../../src/report/mutants-html.js';
import { chromium, explainChromium as explain, hasChromium, SKIP_REASON } from '../support/chromium.js';
import { failingConformanceReport, mutantsReport } from './conformance-report-samples.js';

if (!hasChromium) console.warn(`skipping the headless-Chromium tests of the conformance and mutants pages: ${SKIP_REASON}`);

// The pages have no script; this copy adds one that writes which cases the browser displays into the
// DOM, so --dump-dom shows what the CSS filter did.
const PROBE = `<script>addEventListener('load', () => { document.body.dataset.visible = [...document.querySelectorAll('details.case')].filter((e) => getComputedStyle(e).display !== 'none').map((e) => e.id.slice(5)).join(','); });</script>`;

describe.skipIf(!hasChromium)(`the conformance, mutants and matrix pages in headless Chromium${hasChromium ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let dir = '';
  const pages: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-conf-html-'));
    const conformance = renderConformanceHtml(failingConformanceReport());
    const healthy = failingConformanceReport();
    healthy.cases = healthy.cases.map((c) => ({ ...c, status: 'passed' }));
    const matrix = renderMatrixHtml(buildMatrix([{ label: 'ours', report: failingConformanceReport() }, { label: 'reference', report: healthy }], new Date(), 9_000));
    for (const [name, text] of [['conformance', conformance], ['mutants', renderMutantsHtml(mutantsReport())], ['matrix', matrix], ['probe', conformance.replace('</body>', `${PROBE}</body>`)]] as const) {
      pages[name] = join(dir, `${name}.html`);
      await writeFile(pages[name], text);
    }
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renders the conformance, mutants and matrix pages to screenshots that are not blank', { timeout: 150_000 }, async () => {
    for (const name of ['conformance', 'mutants', 'matrix']) {
      const png = join(dir, `${name}.png`);
      const run = await chromium(dir, [`--screenshot=${png}`, `file://${pages[name]}`]);
      expect(run.timedOut, explain(run)).toBe(false);
      expect(existsSync(png), `${png} missing; ${explain(run)}`).toBe(true);
      expect([...(await readFile(png)).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect((await stat(png)).size, `screenshot ${png}`).toBeGreaterThan(20_000);
    }
  });

  it('filters the cases by grade in the browser (report.html#show-GRADE), with every case shown by default', { timeout: 150_000 }, async () => {
    const visible = async (hash: string) => {
      const run = await chromium(dir, ['--dump-dom', `file://${pages.probe}${hash}`]);
      expect(run.timedOut, explain(run)).toBe(false);
      const attr = /<body data-visible="([^"]*)"/.exec(run.stdout);
      expect(attr, explain(run)).not.toBeNull();
      return attr![1].split(',').filter(Boolean);
    };
    expect(await visible('')).toHaveLength(6);
    expect(await visible('#show-failed')).toEqual(['auth.expired-token']);
    expect(await visible('#show-non-strict')).toEqual(['seed.07-ping']);
    expect(await visible('#show-passed')).toEqual(['auth.alg-none', 'validation.&lt;script&gt;alert(1)&lt;/script&gt;']);
  });
});
