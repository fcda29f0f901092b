import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HistogramSummary, LoadPeriod, LoadReport, PerSenderDelivery } from '../../src/load/model.js';
import { renderLoadHtml } from '../../src/report/load-html.js';

const SCENARIO = `fan-out 1→500 "mixed" rooms & it's <b>bold</b>`;
const SCENARIO_ESCAPED = 'fan-out 1→500 &quot;mixed&quot; rooms &amp; it&#39;s &lt;b&gt;bold&lt;/b&gt;';
const INJECTION = '<script>alert("x")</script>';

function hist(p50: number, count: number): HistogramSummary {
  const r = (v: number) => Math.round(v * 10) / 10;
  return { min: r(p50 * 0.2), max: r(p50 * 6.5), count, mean: r(p50 * 1.2), p50: r(p50), p75: r(p50 * 1.4), p90: r(p50 * 1.9), p95: r(p50 * 2.3), p99: r(p50 * 3.6), p999: r(p50 * 5.1) };
}

/** 20 periods of 10 s: latency wobbles, climbs in the second half, and periods 7 and 8 have no fan-out samples. */
function fanoutTimeline(): LoadPeriod[] {
  const start = Date.parse('2025-05-14T09:30:00.000Z');
  return Array.from({ length: 20 }, (_, i) => {
    const p50 = 18 + 6 * Math.sin(i / 3) + (i > 12 ? (i - 12) * 5 : 0);
    const histograms: Record<string, HistogramSummary> =
      i === 7 || i === 8
        ? { 'socketio.response_time': hist(4, 900) }
        : {
            'fanout.latency_ms': hist(p50, 60_000),
            'fanout.latency_ms.cross_instance': hist(p50 * 1.35, 30_000),
            'fanout.latency_ms.same_instance': hist(p50 * 0.7, 30_000),
            'socketio.response_time': hist(4, 900),
          };
    return { at: new Date(start + i * 10_000).toISOString(), counters: { 'fanout.sent': 120, 'fanout.received': i === 7 || i === 8 ? 0 : 60_000 }, histograms };
  });
}

function perSender(): PerSenderDelivery[] {
  return Array.from({ length: 64 }, (_, i) => {
    const expected = 18_750;
    const lost = i === 41 ? 317 : i % 5 === 0 ? (i * 7) % 23 : 0;
    return { sender: String(i), instance: i % 2, sent: 75, expected, received: expected - lost, lost, duplicated: i === 3 ? 12 : 0, outOfOrder: 0, ratio: (expected - lost) / expected };
  });
}

function fanoutReport(): LoadReport {
  const senders = perSender();
  const lost = senders.reduce((n, s) => n + s.lost, 0);
  const expected = senders.reduce((n, s) => n + s.expected, 0);
  return {
    schemaVersion: 1,
    kind: 'load',
    scenario: SCENARIO,
    target: { source: 'reference', instances: ['http://127.0.0.1:41001', 'http://127.0.0.1:41002'], redis: 'testcontainers' },
    startedAt: '2025-05-14T09:30:00.000Z',
    durationMs: 200_000,
    parameters: { connections: 500, rooms: 1, rate: 6, duration: '200s', engine: 'socketio-v3', note: INJECTION },
    metrics: {
      counters: { 'fanout.sent': 2_400, 'fanout.received': expected - lost, 'vusers.created': 500, 'vusers.completed': 500, 'vusers.failed': 0, 'errors.ETIMEDOUT': 3 },
      histograms: {
        'fanout.latency_ms': hist(24.6, expected - lost),
        'fanout.latency_ms.cross_instance': hist(31.2, 600_000),
        'fanout.latency_ms.same_instance': hist(17.4, 599_000),
        'socketio.response_time': hist(4.1, 18_000),
      },
      // The bucket bounds of src/load/stamp.ts.
      latencyBuckets: [
        { le: '1', count: 0 },
        { le: '2', count: 310 },
        { le: '5', count: 40_890 },
        { le: '10', count: 126_500 },
        { le: '20', count: 372_400 },
        { le: '50', count: 503_600 },
        { le: '100', count: 121_700 },
        { le: '200', count: 31_900 },
        { le: '500', count: 1_850 },
        { le: '1000', count: 210 },
        { le: '2000', count: 22 },
        { le: '5000', count: 0 },
        { le: '10000', count: 0 },
        { le: '+Inf', count: 1 },
      ],
      delivery: { expected, received: expected - lost, lost, duplicated: 12, outOfOrder: 0, ratio: (expected - lost) / expected },
      perSender: senders,
      values: { 'fanout.latency_ms.p99': 88.6, 'fanout.lost': lost },
    },
    timeline: fanoutTimeline(),
    thresholds: [
      { expr: 'fanout.latency_ms.p99 < 250', value: 88.6, ok: true },
      { expr: 'fanout.lost == 0', value: lost, ok: false },
      { expr: 'fanout.delivery_ratio >= 0.999', value: (expected - lost) / expected, ok: true },
    ],
    generator: { eventLoopLagP99Ms: 14.2, cpuPct: 41.5, cpuPeakPct: 63, fdPeak: 1_046, fdLimit: 65_536, saturated: false, reasons: [] },
    passed: false,
  };
}

/** A reconnection storm whose generator ran out of headroom: no fan-out metrics, no delivery accounting. */
function stormReport(): LoadReport {
  const start = Date.parse('2025-05-14T11:00:00.000Z');
  return {
    schemaVersion: 1,
    kind: 'load',
    scenario: 'reconnect-storm',
    target: { source: 'urls', instances: ['ws://gw-a.internal:3000'] },
    startedAt: '2025-05-14T11:00:00.000Z',
    durationMs: 60_000,
    parameters: { connections: 5_000, wave: 'all-at-once' },
    metrics: {
      counters: { 'reconnect.attempts': 5_000, 'reconnect.ok': 4_870 },
      histograms: { 'reconnect.time_ms': hist(420, 4_870) },
      latencyBuckets: [],
      values: { 'reconnect.time_ms.p99': 1_512 },
    },
    timeline: Array.from({ length: 6 }, (_, i) => ({ at: new Date(start + i * 10_000).toISOString(), counters: {}, histograms: { 'reconnect.time_ms': hist(300 + i * 40, 800) } })),
    thresholds: [{ expr: 'reconnect.time_ms.p99 < 2000', value: 1_512, ok: true }],
    generator: { eventLoopLagP99Ms: 212, cpuPct: 97, cpuPeakPct: 100, fdPeak: 5_020, fdLimit: 5_120, saturated: true, reasons: ['event-loop lag p99 212 ms > 100 ms', 'file descriptors at 98% of the limit'] },
    passed: true,
  };
}

const count = (text: string, needle: string | RegExp) => text.split(needle).length - 1;
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('renderLoadHtml', () => {
  const page = renderLoadHtml(fanoutReport());
  const storm = renderLoadHtml(stormReport());

  it('escapes report text and never emits a script tag', () => {
    expect(page).toContain(`<h1>${SCENARIO_ESCAPED}</h1>`);
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain('<b>bold</b>');
    expect(storm).not.toMatch(/<script/i);
  });

  it('references no remote resource and needs no JavaScript', () => {
    for (const html of [page, storm]) {
      expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i);
      expect(html).not.toMatch(/@import|<link\b|<iframe|<object|<embed|\bon[a-z]+\s*=/i);
    }
  });

  it('shows the header: verdict badge, instances, start, duration and parameters', () => {
    expect(page).toMatch(/class="badge failed">FAILED</);
    expect(storm).toMatch(/class="badge passed">PASSED</);
    expect(page).toContain('http://127.0.0.1:41001');
    expect(page).toMatch(/<span class="k">1<\/span> http:\/\/127\.0\.0\.1:41002</);
    expect(page).toContain('2025-05-14 09:30:00 UTC');
    expect(page).toContain('3 min 20 s');
    expect(page).toMatch(/<span class="k">connections<\/span> 500</);
  });

  it('draws one svg per chart in both variants', () => {
    expect(count(page, '<svg')).toBe(3);
    expect(count(storm, '<svg')).toBe(3);
  });

  it('plots p50/p95/p99 and the instance split over time, leaving missing periods as gaps', () => {
    const group = (key: string) => new RegExp(`<g class="series" data-series="${key}">(.*?)</g>`, 's').exec(page)?.[1] ?? '';
    for (const key of ['p50', 'p95', 'p99', 'cross-instance-p99', 'same-instance-p99']) expect(group(key), key).toContain('<polyline');
    // Periods 7 and 8 lack the histogram: the p99 line breaks in two instead of dropping to zero.
    const p99 = group('p99');
    expect(count(p99, '<polyline')).toBe(2);
    const pointsOf = [...p99.matchAll(/points="([^"]+)"/g)].map((m) => m[1].split(' ').length);
    expect(pointsOf).toEqual([7, 11]);
    expect(page).toContain('class="no-samples"');
    expect(page).toContain('latency (ms)');
    expect(page).toContain('time since the first period (s)');
  });

  it('draws the bucket histogram with the aggregate percentiles beside it', () => {
    expect(count(page, '<g class="column">')).toBe(14);
    expect(page).toContain('<title>+Inf: 1</title>');
    expect(page).toMatch(/<dt>p99<\/dt><dd>88\.6 ms<\/dd>/);
    expect(page).toMatch(/<dt>p50<\/dt><dd>24\.6 ms<\/dd>/);
  });

  it('prints deliveries with losses in the warning colour', () => {
    const lost = fanoutReport().metrics.delivery!.lost;
    expect(page).toContain('1,200,000');
    expect(page).toMatch(new RegExp(`class="bar-value warn"[^>]*>${lost.toLocaleString('en-US')}`));
    expect(page).toMatch(/class="bar-value warn"[^>]*>12</);
    expect(page).toMatch(/out of order<\/text><rect[^>]*width="0\.0"[^>]*\/><text class="bar-value"/);
  });

  it('marks the failing threshold with ✗ and the met ones with ✓', () => {
    const rows = [...page.matchAll(/<tr class="([^"]*)">(.*?)<\/tr>/gs)].filter((m) => m[2].includes('<code>fanout.'));
    const failing = rows.find((m) => m[2].includes('fanout.lost == 0'));
    expect(failing?.[1]).toBe('fail');
    expect(failing?.[2]).toContain('✗');
    const met = rows.find((m) => m[2].includes('fanout.latency_ms.p99 &lt; 250'));
    expect(met?.[1]).toBe('');
    expect(met?.[2]).toContain('✓');
    expect(met?.[2]).toContain('88.6 ms');
  });

  it('lists every histogram, counter and the generator health', () => {
    for (const name of ['fanout.latency_ms', 'fanout.latency_ms.cross_instance', 'fanout.latency_ms.same_instance', 'socketio.response_time']) expect(page).toContain(`<code>${name}</code>`);
    expect(page).toMatch(/<code>errors\.ETIMEDOUT<\/code><\/td><td class="num">3<\/td>/);
    expect(page).toContain('14.2 ms');
    expect(page).toContain('1,046 / 65,536');
    expect(storm).toContain('<code>reconnect.time_ms</code>');
    expect(storm).toContain('1,512 ms');
  });

  it('lists at most 50 senders, most lost first, and says how many were left out', () => {
    const senderRows = [...page.matchAll(/<tr class=""><td class="name"><code>(\d+)<\/code>/g)].map((m) => m[1]);
    expect(senderRows).toHaveLength(50);
    expect(senderRows.slice(0, 3)).toEqual(['41', '55', '45']);
    // Equal losses keep the senders in numeric order: 0, 1, 2, 3, 4, not 0, 1, 10, 11, 12.
    expect(senderRows.slice(13, 18)).toEqual(['0', '1', '2', '3', '4']);
    expect(page).toContain('14 more senders omitted');
  });

  it('shows the saturation banner with its reasons only when the generator saturated', () => {
    expect(storm).toContain('INVALID: generator saturated');
    expect(storm).toContain('<li>event-loop lag p99 212 ms &gt; 100 ms</li>');
    expect(page).not.toContain('INVALID');
  });

  it('says "no data" for the charts a reconnection storm has no metrics for', () => {
    expect(count(storm, '>no data</text>')).toBe(3);
    expect(count(page, '>no data</text>')).toBe(0);
    expect(storm).toContain('no reporting period has fanout.latency_ms');
  });
});

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_TIMEOUT_MS = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

async function chromium(dir: string, args: string[]): Promise<Run> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing; install it with: apt-get update && apt-get install -y --no-install-recommends chromium (.ci/run does this)`);
  }
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

describe('renderLoadHtml in headless Chromium', () => {
  let dir = '';
  const pages: Record<string, string> = {};

  beforeAll(async () => {
    // Kept after the run (only the browser profiles are removed): report.png is there to look at.
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-load-html-'));
    for (const [name, report] of [['report', fanoutReport()], ['storm', stormReport()]] as const) {
      pages[name] = join(dir, `${name}.html`);
      await writeFile(pages[name], renderLoadHtml(report));
    }
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
