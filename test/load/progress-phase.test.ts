import { describe, expect, it } from 'vitest';
import { progressParser } from '../../src/load/artillery-run.js';
import { periodEndOf, phasesBetween, runPhases } from '../../src/load/progress-phase.js';

describe('progress phases', () => {
  const plan = { runId: 'r', startAt: 10_000, sendUntil: 30_000, endAt: 32_000 };

  it('names the phases a reporting period overlapped, storm included', () => {
    expect(phasesBetween(plan, 0, 10_000)).toBe('connecting');
    expect(phasesBetween(plan, 5_000, 15_000)).toBe('connecting → sending');
    expect(phasesBetween(plan, 25_000, 35_000)).toBe('sending → draining → ending');
    const storm = { ...plan, storm: { mode: 'instance' as const, at: 20_000, instance: 1, outageMs: 3_000 } };
    expect(phasesBetween(storm, 15_000, 25_000)).toBe('sending → storm → sending');
    expect(phasesBetween(storm, 20_500, 22_000)).toBe('storm');
    expect(runPhases(storm).map((p) => p.name)).toEqual(['connecting', 'sending', 'storm', 'sending', 'draining', 'ending']);
  });

  it('reads the end of an Artillery period from its console header, in any time zone, across midnight', () => {
    const now = Date.parse('2026-11-30T07:16:25Z');
    expect(periodEndOf('Metrics for period to: 07:16:20(+0000) (width: 9.5s)', now)).toBe(Date.parse('2026-11-30T07:16:20Z'));
    expect(periodEndOf('Metrics for period to: 08:16:20(+0100) (width: 9.5s)', now)).toBe(Date.parse('2026-11-30T07:16:20Z'));
    expect(periodEndOf('Metrics for period to: 23:59:50(+0000) (width: 10s)', Date.parse('2026-12-01T00:00:02Z'))).toBe(Date.parse('2026-11-30T23:59:50Z'));
    expect(periodEndOf('Summary report @ 07:16:25(+0000)', now)).toBeUndefined();
  });

  it('progress lines count the deliveries of every scenario, the presence storm\'s userOnline and userOffline too', () => {
    const period = (body: string[]) => ['Metrics for period to: 07:16:20(+0000) (width: 10s)', '-'.repeat(30), ...body, '-'.repeat(30), ''].join('\n');
    const lines: string[] = [];
    const parse = progressParser((line) => lines.push(line), () => {});
    parse(period(['presence.connected: ........ 16', 'presence.online.received: ..... 40', 'presence.offline.received: ..... 20', 'presence.latency_ms:', '  min: ...... 1', '  p99: ...... 12.5']));
    parse(period(['fanout.connected: ........ 8', 'fanout.received: ..... 100']));
    // A Kraken storm counts presence.* beside storm.*: its deliveries are storm.received.
    parse(period(['storm.received: ..... 50', 'presence.stale_offline: ..... 0']));
    expect(lines).toEqual(['phase starting · 16 connected · 6 deliveries/s · p99 12.5 ms', 'phase starting · 8 connected · 10 deliveries/s', 'phase starting · 5 deliveries/s']);
  });
});
