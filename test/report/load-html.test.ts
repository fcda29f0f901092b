import { describe, expect, it } from 'vitest';
import { renderLoadHtml } from '../../src/report/load-html.js';
import { count, fanoutReport, instanceStormReport, krakenStormReport, SCENARIO_ESCAPED, stormReport, throughputReport } from './load-report-samples.js';

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

describe('renderLoadHtml: storm and throughput sections', () => {
  const storm = renderLoadHtml(instanceStormReport());
  const throughput = renderLoadHtml(throughputReport());
  const fanout = renderLoadHtml(fanoutReport());
  /** The rows of the table that has this head: [label, value] per row. */
  const factRows = (page: string, head: string) => {
    const at = page.indexOf(`<th class="">${head}</th>`);
    expect(at, head).toBeGreaterThan(0);
    const body = page.slice(at, page.indexOf('</table>', at));
    return [...body.matchAll(/<tr class="[^"]*"><td class="name">(.*?)<\/td><td class="num[^"]*">(.*?)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]);
  };

  it('gives the storm its own section: reconnect percentiles, sessions, what was missed and recovered, presence', () => {
    expect(storm).toContain('<h2>Reconnection storm</h2>');
    expect(fanout).not.toContain('Reconnection storm');
    expect(factRows(storm, 'Time to reconnect (disconnect → ready again)')).toEqual([
      ['p50', '240 ms'],
      ['p95', '552 ms'],
      // The summary said p99 1,640 ms over a max of 1,560: never above the max.
      ['p99', '1,560 ms'],
      ['max', '1,560 ms'],
    ]);
    expect(factRows(storm, 'Sessions')).toEqual([
      ['clients disconnected by the storm', '9'],
      ['reconnected', '8'],
      ['failed to reconnect', '1'],
      ['sessions Socket.IO recovered', '6 (75% of the reconnected)'],
    ]);
    const presence = factRows(storm, 'Presence after the storm');
    expect(presence[0][1]).toBe('0');
    expect(presence[1][1]).toBe('3');
    for (const [label, value] of [['missed live', 29], ['by sync', 27], ['unrecovered', 2], ['unconfirmed', 6]] as const) {
      expect(storm, label).toMatch(new RegExp(`>${label}</text><rect[^>]*/><text class="bar-value[^"]*"[^>]*>${value}<`));
    }
    expect(storm).toMatch(/>unrecovered<\/text><rect[^>]*fill="#d55e00"/);
    expect(storm).toMatch(/<div class="kpi bad"><div class="k">Unrecovered<\/div><div class="v">2</);
    expect(storm).toMatch(/<div class="kpi "><div class="k">Reconnect p99<\/div><div class="v">1,560 ms</);
  });

  it('a Kraken storm: what the clients missed while away is counted apart (no messages:sync), rejoins instead of recovered sessions', () => {
    const kraken = renderLoadHtml(krakenStormReport());
    const section = kraken.slice(kraken.indexOf('<h2>Reconnection storm</h2>'), kraken.indexOf('</section>', kraken.indexOf('<h2>Reconnection storm</h2>')));
    expect(section).toContain('Kraken has no history event');
    expect(section).not.toContain('messages:sync');
    for (const [label, value] of [['missed live', 29], ['while away', 25], ['lost', 2], ['cut with sender', 2]] as const) {
      expect(section, label).toMatch(new RegExp(`>${label}</text><rect[^>]*/><text class="bar-value[^"]*"[^>]*>${value}<`));
    }
    expect(factRows(kraken, 'Sessions').at(-1)).toEqual(['reconnected but failed to joinAll / presenceOnline again', '1']);
    expect(factRows(kraken, 'Presence after the storm')).toEqual([
      ['peers seen offline while connected (presence.stale_offline)', '0'],
      ['world mates seen online at the end (presence.peers_online)', '8'],
    ]);
    expect(kraken).toMatch(/<div class="kpi bad"><div class="k">Lost in the storm<\/div><div class="v">2</);
  });

  it('never shows a percentile above the max, in the histograms table either', () => {
    const row = /<code>reconnect\.time_ms<\/code><\/td>(.*?)<\/tr>/s.exec(storm)?.[1] ?? '';
    const cells = [...row.matchAll(/<td class="num">(.*?)<\/td>/g)].map((m) => m[1]);
    expect(cells).toEqual(['8', '240 ms', '552 ms', '1,560 ms', '1,560 ms']);
  });

  it('gives throughput its step table, the knee and a chart of ack latency per offered rate', () => {
    expect(throughput).toContain('<h2>Throughput steps</h2>');
    expect(throughput).toContain('Knee at 320 msg/s offered; highest rate sustained 160 msg/s.');
    const rows = [...throughput.matchAll(/<tr class="([^"]*)"><td class="num">(\d)<\/td><td class="num">([\d,]+)<\/td>(.*?)<\/tr>/gs)];
    expect(rows.map((m) => m[3])).toEqual(['40', '80', '160', '320', '640']);
    // The knee's row is marked; acks a second divide by the step's 5 s: 640 msg/s offered, 3,110 acked.
    expect(rows.map((m) => m[1])).toEqual(['', '', '', 'fail', '']);
    expect(rows[4][4]).toContain('<td class="num warn">3,110</td><td class="num">622</td><td class="num warn">90</td>');
    expect(count(rows[3][4], '>knee<')).toBe(1);
    // Deliveries owed to receivers not connected yet, per step: the first step's 12.
    expect(throughput).toContain('<th class="num">not deliverable</th>');
    expect(rows[0][4]).toContain('<td class="num">0</td><td class="num">12</td>');
    expect(count(rows[2][4], '✓')).toBe(1);
    expect(throughput).toContain('aria-label="Ack latency p50 and p99 per step, against the offered rate"');
    expect(throughput).toContain('offered rate of the step (msg/s)');
    expect(throughput).toMatch(/<div class="kpi warn"><div class="k">Knee<\/div><div class="v">320 msg\/s</);
    expect(fanout).not.toContain('Throughput steps');
    // No delivery latency in a throughput run: its time series plots the ack latency instead of "no data".
    expect(throughput).toContain('<h2>Ack latency over time</h2><p class="desc">p50, p95 and p99 of <code>throughput.ack_ms</code> (a message&#39;s emit to its ack, ms) in each reporting period of 1 s');
    expect(throughput).toMatch(/<g class="series" data-series="p99"><title>p99<\/title><polyline/);
    expect(throughput).not.toContain('dashed: the p99');
  });

  it('divides each per-second figure by the periods that counted it, not by the whole run', () => {
    // 120 sends counted over 6 one-second periods of a 12 s run: 20/s, not 10/s; 16 connections over 2 s.
    expect(storm).toMatch(/<code>storm\.sent<\/code><\/td><td class="num">120<\/td><td class="num">20<\/td><td class="num">6<\/td>/);
    expect(storm).toMatch(/<code>storm\.connected<\/code><\/td><td class="num">16<\/td><td class="num">8<\/td><td class="num">2<\/td>/);
    // A counter no period recorded falls back to the whole run (12 s).
    expect(storm).toMatch(/<code>reconnect\.failed<\/code><\/td><td class="num">1<\/td><td class="num">0\.0833<\/td><td class="num">12<\/td>/);
  });

  it('says what each chart plots, and a short run with 1 s periods still draws a time series', () => {
    expect(fanout).toContain("p50, p95 and p99 of <code>fanout.latency_ms</code> (a message&#39;s intended send time to its receipt by each receiver, ms) in each reporting period of 10 s, plotted at the period's start; dashed: the p99 of the deliveries on the sender&#39;s own instance and on another one.");
    expect(fanout).toContain('Deliveries of the whole run counted per latency bucket of <code>fanout.latency_ms</code>');
    expect(storm).toContain('in each reporting period of 1 s');
    expect(storm).toContain('12 reporting periods of 1 s');
    const p99 = new RegExp('<g class="series" data-series="p99">(.*?)</g>', 's').exec(storm)?.[1] ?? '';
    expect([...p99.matchAll(/points="([^"]+)"/g)].map((m) => m[1].split(' ').length)).toEqual([7]);
  });
});
