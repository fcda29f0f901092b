import { describe, expect, it } from 'vitest';
import { renderLoadHtml } from '../../src/report/load-html.js';
import { count, fanoutReport, SCENARIO_ESCAPED, stormReport } from './load-report-samples.js';

// The page's content and structure, checked on the HTML text: no browser needed. How Chromium renders
// it: load-html.chromium.test.ts.
describe('renderLoadHtml', () => {
  const page = renderLoadHtml(fanoutReport());
  const storm = renderLoadHtml(stormReport());

  it('escapes report text and never emits a script tag', () => {
    expect(page).toContain(`<h1>${SCENARIO_ESCAPED}</h1>`);
    expect(storm).toContain('<h1>reconnect-storm</h1>');
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
