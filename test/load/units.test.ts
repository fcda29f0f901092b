import { describe, expect, it } from 'vitest';
import { DeliveryTracker } from '../../src/load/delivery-tracker.js';
import { fanoutParameters, groupPeers, isSender, slotInstance } from '../../src/load/plan.js';
import { decodeStamp, encodeStamp, bucketOf } from '../../src/load/stamp.js';
import { summarizeArtillery } from '../../src/load/summarize.js';
import { evaluateThresholds, parseThreshold } from '../../src/load/thresholds.js';

describe('load building blocks', () => {
  it('a stamp survives the round trip and other runs or contents are ignored', () => {
    const stamp = { runId: 'ab12', senderSlot: 4, senderInstance: 1, seq: 7, intendedAt: 1000, emittedAt: 1003 };
    expect(decodeStamp(encodeStamp(stamp), 'ab12')).toEqual(stamp);
    expect(decodeStamp(encodeStamp(stamp), 'other')).toBeUndefined();
    expect(decodeStamp('hello', 'ab12')).toBeUndefined();
    expect(decodeStamp('gc1|ab12|x|1|2|3|4', 'ab12')).toBeUndefined();
    expect([bucketOf(0.4), bucketOf(5), bucketOf(6), bucketOf(99999)]).toEqual(['1', '5', '10', '+Inf']);
  });

  it('the tracker tells new, late and repeated arrivals apart, per sender', () => {
    const t = new DeliveryTracker();
    expect([t.record(1, 0), t.record(1, 2), t.record(1, 1), t.record(1, 2), t.record(2, 0)]).toEqual(['new', 'new', 'out-of-order', 'duplicate', 'new']);
  });

  it('slots form conversations that span the instances; the last group may be short', () => {
    const p = fanoutParameters({ connections: 10, groupSize: 4, sendersPerGroup: 1 });
    expect(groupPeers(p, 0)).toEqual([1, 2, 3]);
    expect(groupPeers(p, 9)).toEqual([8]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((s) => slotInstance(2, s, 4))).toEqual([0, 1, 0, 1, 1, 0, 1, 0]);
    expect([0, 1, 4, 5].map((s) => isSender(p, s))).toEqual([true, false, true, false]);
    expect(fanoutParameters({ groupSize: 1, sendersPerGroup: 9 })).toMatchObject({ groupSize: 2, sendersPerGroup: 2 });
  });

  it('parses thresholds, and a metric the run did not produce fails', () => {
    expect(parseThreshold('p99(fanout.latency_ms) < 250')).toMatchObject({ key: 'fanout.latency_ms.p99', op: '<', limit: 250 });
    expect(parseThreshold('median(x) <= 3')).toMatchObject({ key: 'x.p50', op: '<=' });
    expect(parseThreshold('fanout.lost == 0')).toMatchObject({ key: 'fanout.lost', op: '==', limit: 0 });
    expect(() => parseThreshold('p99 fanout < x')).toThrow(/expected METRIC OP NUMBER/);
    const results = evaluateThresholds([parseThreshold('a < 2'), parseThreshold('a > 2'), parseThreshold('missing == 0')], { a: 1 });
    expect(results).toEqual([
      { expr: 'a < 2', value: 1, ok: true },
      { expr: 'a > 2', value: 1, ok: false },
      { expr: 'missing == 0', value: null, ok: false },
    ]);
  });

  it('derives loss per instance pair and per sender from the counters Artillery summed', () => {
    const h = { min: 1, max: 9, count: 4, mean: 3, p50: 2, p75: 3, p90: 4, p95: 5, p99: 9, p999: 9 };
    const counters = {
      'fanout.sent': 4, 'fanout.expected': 12, 'fanout.received': 9, 'fanout.duplicated': 1,
      'fanout.expected.same_instance': 4, 'fanout.received.same_instance': 4, 'fanout.expected.cross_instance': 8, 'fanout.received.cross_instance': 5,
      'fanout.sender.0.sent': 2, 'fanout.sender.0.expected': 6, 'fanout.sender.0.received': 6,
      'fanout.sender.4.sent': 2, 'fanout.sender.4.expected': 6, 'fanout.sender.4.received': 3,
      'fanout.latency_bucket.5': 9, 'vusers.failed': 0,
    };
    const { metrics, timeline } = summarizeArtillery({ aggregate: { counters, summaries: { 'fanout.latency_ms': h } }, intermediate: [{ firstMetricAt: 0, counters, summaries: { 'fanout.latency_ms': h } }] }, 2);
    expect(metrics.delivery).toEqual({ expected: 12, received: 9, lost: 3, duplicated: 1, outOfOrder: 0, ratio: 0.75 });
    expect(metrics.values).toMatchObject({ 'fanout.lost': 3, 'fanout.lost.same_instance': 0, 'fanout.lost.cross_instance': 3, 'fanout.latency_ms.p99': 9, 'fanout.senders_with_loss': 1 });
    expect(metrics.perSender?.find((s) => s.sender === '4')).toMatchObject({ lost: 3, instance: 0, sent: 2 });
    expect(metrics.latencyBuckets.find((b) => b.le === '5')?.count).toBe(9);
    expect(Object.keys(metrics.counters).some((k) => k.startsWith('fanout.sender.'))).toBe(false);
    expect(timeline[0].histograms['fanout.latency_ms'].p99).toBe(9);
  });
});

describe('load thresholds from the target config', () => {
  it('the schema takes load.thresholds per scenario', async () => {
    const { parseTargetConfig } = await import('../../src/config/load.js');
    const config = parseTargetConfig({ instances: [{ url: 'http://127.0.0.1:1' }], auth: { mint: { secret: 'x' } }, load: { thresholds: { fanout: ['p99(fanout.latency_ms) < 250'] } } });
    expect(config.load?.thresholds.fanout).toEqual(['p99(fanout.latency_ms) < 250']);
    expect(() => parseTargetConfig({ instances: [{ url: 'http://127.0.0.1:1' }], auth: { mint: { secret: 'x' } }, load: { thresholds: { fanout: 'fast' } } })).toThrow(/load\.thresholds\.fanout/);
  });
});

describe('the generator watches itself', () => {
  it('a lagging event loop marks the run saturated, with the reason, and saturation has its own exit code', async () => {
    const { watchGenerator } = await import('../../src/load/generator-watch.js');
    const { loadExitCode, EXIT_SATURATED } = await import('../../src/commands/load.js');
    const healthy = watchGenerator(process.pid, 50).stop(12);
    expect(healthy).toMatchObject({ saturated: false, reasons: [] });
    expect(healthy.fdLimit).toBeGreaterThan(0);
    const lagging = watchGenerator(process.pid, 50).stop(250);
    expect(lagging.saturated).toBe(true);
    expect(lagging.reasons[0]).toMatch(/event-loop lag p99 250\.0 ms > 100 ms/);
    expect([loadExitCode(true, false, false), loadExitCode(false, false, false), loadExitCode(true, true, false), loadExitCode(false, true, true)]).toEqual([0, 1, EXIT_SATURATED, 1]);
  });

  it('reads CPU from /proc: a busy process shows up', async () => {
    const { spawn } = await import('node:child_process');
    const { watchGenerator } = await import('../../src/load/generator-watch.js');
    const busy = spawn(process.execPath, ['-e', 'const end = Date.now() + 1500; while (Date.now() < end) Math.sqrt(Math.random());']);
    const watch = watchGenerator(busy.pid!, 100);
    await new Promise((r) => busy.on('exit', r));
    expect(watch.stop(0).cpuPeakPct).toBeGreaterThan(30);
  });
});
