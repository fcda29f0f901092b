import { describe, expect, it } from 'vitest';
import { DeliveryTracker } from '../../src/load/delivery-tracker.js';
import { fanoutParameters, groupPeers, isSender, slotInstance } from '../../src/load/plan.js';
import { decodeStamp, encodeStamp, bucketOf } from '../../src/load/stamp.js';
import { summarizeArtillery, throughputKnee } from '../../src/load/summarize.js';
import { evaluateThresholds, parseThreshold } from '../../src/load/thresholds.js';
import { DEFAULT_RECONNECT_SPREAD_SECONDS, receiverRetryDelayMs, stormSchedule } from '../../src/load/storm-vu.js';

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
    const { metrics, timeline } = summarizeArtillery({ aggregate: { counters, summaries: { 'fanout.latency_ms': h } }, intermediate: [{ firstMetricAt: 0, counters, summaries: { 'fanout.latency_ms': h } }] }, { prefix: 'fanout', instanceCount: 2 });
    expect(metrics.delivery).toEqual({ expected: 12, received: 9, lost: 3, duplicated: 1, outOfOrder: 0, ratio: 0.75 });
    expect(metrics.values).toMatchObject({ 'fanout.lost': 3, 'fanout.lost.same_instance': 0, 'fanout.lost.cross_instance': 3, 'fanout.latency_ms.p99': 9, 'fanout.senders_with_loss': 1 });
    expect(metrics.perSender?.find((s) => s.sender === '4')).toMatchObject({ lost: 3, instance: 0, sent: 2 });
    expect(metrics.latencyBuckets.find((b) => b.le === '5')?.count).toBe(9);
    expect(Object.keys(metrics.counters).some((k) => k.startsWith('fanout.sender.'))).toBe(false);
    expect(timeline[0].histograms['fanout.latency_ms'].p99).toBe(9);
  });
});

describe('storm: what went missing', () => {
  const storm = (extra: Record<string, number>) =>
    summarizeArtillery({ aggregate: { counters: { 'storm.sent': 10, 'storm.expected': 30, 'storm.received': 24, 'storm.recovered_by_sync': 4, ...extra } }, intermediate: [] }, { prefix: 'storm', instanceCount: 2 }).metrics.values;

  it('a delivery never received, live or by sync, is unrecovered', () => {
    expect(storm({})).toMatchObject({ 'storm.unrecovered': 6, 'storm.missed_live': 10, 'storm.unconfirmed_at_crash': 0 });
  });

  it('the deliveries of a message whose ack died with its sender\'s connection are counted apart, not as lost', () => {
    // 2 messages (3 receivers each) were never acknowledged because the sender's instance was killed.
    expect(storm({ 'storm.unconfirmed_at_crash': 2, 'storm.unconfirmed_at_crash.expected': 6 })).toMatchObject({
      'storm.unrecovered': 0,
      'storm.unconfirmed_at_crash': 2,
      'storm.unconfirmed_at_crash.deliveries_missing': 6,
      'storm.missed_live': 4,
    });
    // One of them reached its receivers after all: the other loss is still a loss.
    expect(storm({ 'storm.unconfirmed_at_crash': 1, 'storm.unconfirmed_at_crash.expected': 3 })).toMatchObject({ 'storm.unrecovered': 3, 'storm.unconfirmed_at_crash.deliveries_missing': 3 });
  });

  it('Kraken: what a client missed while away (taken out of the expected by its VU) is missed live, never lost', () => {
    // 30 owed, 8 of them while their receivers were away (no history event to fetch them): 22 expected, 21 received.
    expect(summarizeArtillery({ aggregate: { counters: { 'storm.sent': 10, 'storm.expected': 22, 'storm.received': 21, 'storm.missed_outage': 8 } }, intermediate: [] }, { prefix: 'storm', instanceCount: 2 }).metrics.values).toMatchObject({
      'storm.unrecovered': 1,
      'storm.missed_outage': 8,
      'storm.missed_live': 9,
      'storm.recovered_by_sync': 0,
    });
  });
});

describe('storm: when the receivers of a transport storm retry', () => {
  const plan = { runId: 'r', instances: ['a', 'b'], params: fanoutParameters({}), conversations: [], startAt: 10_000, sendUntil: 20_000, endAt: 22_000 };

  it('never before the outage ends, then anywhere in the spread (a uniform draw), as randomized backoff spreads real clients', () => {
    expect(receiverRetryDelayMs(2000, 1000, 0)).toBe(2000);
    expect(receiverRetryDelayMs(2000, 1000, 0.5)).toBe(2500);
    expect(receiverRetryDelayMs(2000, 1000, 0.9999)).toBe(2999);
    expect(receiverRetryDelayMs(2000, 0, 0.7)).toBe(2000); // no spread: every receiver in the same tick
    // 1,000 receivers drawn uniformly: no tick holds more than a few of them.
    const perMs = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const d = receiverRetryDelayMs(2000, 1000, (i + 0.5) / 1000);
      perMs.set(d, (perMs.get(d) ?? 0) + 1);
    }
    expect(Math.max(...perMs.values())).toBe(1);
  });

  it('the schedule carries the spread (default 1 s, socket.io-client\'s own first-retry window) and the drain waits for the last receivers', () => {
    const byDefault = stormSchedule({}, plan);
    expect(byDefault.storm).toMatchObject({ mode: 'transport', at: 13_000, outageMs: 2000, reconnectSpreadMs: DEFAULT_RECONNECT_SPREAD_SECONDS * 1000 });
    expect(byDefault.endAt).toBe(22_000); // the plan's drain already covers 13 s + 2 s + 1 s + 3 s
    expect(stormSchedule({ reconnectSpreadSeconds: 0 }, plan).storm!.reconnectSpreadMs).toBe(0);
    // A wide spread late in a short run: the drain is stretched to the last retry plus its grace.
    const wide = stormSchedule({ reconnectSpreadSeconds: 8, stormAfterSeconds: 6 }, plan);
    expect(wide.endAt).toBe(10_000 + 6000 + 2000 + 8000 + 3000);
    expect(stormSchedule({ reconnectSpreadSeconds: 'x' }, plan).storm!.reconnectSpreadMs).toBe(1000);
  });
});

describe('throughput: where ack latency bends', () => {
  const RATES = [5, 10, 20, 40, 80];
  /** Steps at RATES with these ack p99s; every message sent and acked unless `acked` says otherwise. */
  const steps = (p99s: number[], acked: (sent: number, step: number) => number = (sent) => sent) =>
    RATES.map((offeredRate, step) => ({ step, offeredRate, sent: offeredRate, acked: acked(offeredRate, step), ackedRate: offeredRate, timeouts: 0, p50: 1, p95: 1, p99: p99s[step] }));
  const verdict = (s: ReturnType<typeof steps>) => {
    const { steps: judged, kneeRate, maxSustainedRate } = throughputKnee(s);
    return { bent: judged.map((j) => j.bent), kneeRate, maxSustainedRate };
  };

  it('a clear knee at step 3: the knee is 40 msg/s, the highest sustained 20', () => {
    expect(verdict(steps([10, 12, 15, 200, 400]))).toEqual({ bent: [false, false, false, true, true], kneeRate: 40, maxSustainedRate: 20 });
  });

  it('no knee: every step held, the top rate is sustained', () => {
    // The bound is max(2 x 10, 10 + 50) = 60 ms: 60 itself holds.
    expect(verdict(steps([10, 12, 15, 30, 60]))).toEqual({ bent: [false, false, false, false, false], kneeRate: 0, maxSustainedRate: 80 });
  });

  it('all steps failing (no acks): the knee is the first step and nothing is sustained', () => {
    expect(verdict(steps([0, 0, 0, 0, 0], () => 0))).toEqual({ bent: [true, true, true, true, true], kneeRate: 5, maxSustainedRate: 0 });
  });

  it('one noisy step is the knee: steps that held after it do not raise the sustained rate', () => {
    expect(verdict(steps([10, 300, 12, 15, 20]))).toEqual({ bent: [false, true, false, false, false], kneeRate: 10, maxSustainedRate: 5 });
  });

  it('acks falling behind sends bend a step: 99% acked holds, less does not; a step that sent nothing bends', () => {
    const behind = steps([10, 10, 10, 10, 10], (sent, step) => (step === 4 ? 79 : step === 3 ? 0.99 * sent : sent));
    expect(verdict(behind)).toEqual({ bent: [false, false, false, false, true], kneeRate: 80, maxSustainedRate: 40 });
    const silent = steps([10, 10, 10, 10, 10]).map((s) => (s.step === 2 ? { ...s, sent: 0, acked: 0 } : s));
    expect(verdict(silent)).toMatchObject({ kneeRate: 20, maxSustainedRate: 10 });
  });

  it('a slow first step sets a higher bound: twice its p99 when that is more than 50 ms over it', () => {
    expect(verdict(steps([100, 150, 200, 201, 190]))).toEqual({ bent: [false, false, false, true, false], kneeRate: 40, maxSustainedRate: 20 });
  });

  it('summarizeArtillery reads the steps from the per-step counters and histograms', () => {
    const h = (p99: number) => ({ min: 1, max: p99, count: 10, mean: 5, p50: 5, p75: 6, p90: 7, p95: 8, p99, p999: p99 });
    const counters: Record<string, number> = { 'throughput.sent': 155, 'throughput.acked': 155 };
    const summaries: Record<string, ReturnType<typeof h>> = {};
    RATES.forEach((rate, i) => {
      counters[`throughput.sent.step_${i}`] = rate;
      counters[`throughput.acked.step_${i}`] = rate;
      summaries[`throughput.ack_ms.step_${i}`] = h([10, 12, 15, 200, 400][i]);
    });
    const { metrics } = summarizeArtillery({ aggregate: { counters, summaries }, intermediate: [] }, { prefix: 'throughput', instanceCount: 1, steps: { rates: RATES, seconds: 1 } });
    expect(metrics.steps?.map((s) => [s.offeredRate, s.sent, s.acked, s.p99, s.bent])).toEqual([[5, 5, 5, 10, false], [10, 10, 10, 12, false], [20, 20, 20, 15, false], [40, 40, 40, 200, true], [80, 80, 80, 400, true]]);
    expect(metrics.values).toMatchObject({ 'throughput.knee_rate': 40, 'throughput.max_sustained_rate': 20, 'throughput.acked': 155 });
    expect(Object.keys(metrics.counters).filter((k) => /\.step_\d+$/.test(k))).toEqual([]);
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
  const quiet = { cpuSamples: [100, 50, 60, 70, 100], fdPeak: 100, fdLimit: 1024, loopLagP99Ms: 12 };

  it('nothing over its bound: not saturated (the first and last CPU samples are start-up and shut-down)', async () => {
    const { generatorHealth } = await import('../../src/load/generator-watch.js');
    expect(generatorHealth(quiet)).toEqual({ eventLoopLagP99Ms: 12, cpuPct: 60, cpuPeakPct: 70, fdPeak: 100, fdLimit: 1024, saturated: false, reasons: [] });
    // Exactly at each bound is still healthy; an unknown fd limit (0) judges nothing.
    expect(generatorHealth({ cpuSamples: [0, 90, 90, 0], fdPeak: 9, fdLimit: 10, loopLagP99Ms: 100 })).toMatchObject({ saturated: false, reasons: [] });
    expect(generatorHealth({ ...quiet, fdPeak: 5000, fdLimit: 0 })).toMatchObject({ saturated: false, reasons: [] });
    expect(generatorHealth({ ...quiet, cpuSamples: [100, 10, 100] })).toMatchObject({ cpuPct: 10, saturated: false });
  });

  it('an event loop lagging over 100 ms marks the run saturated, with the reason', async () => {
    const { generatorHealth } = await import('../../src/load/generator-watch.js');
    expect(generatorHealth({ ...quiet, loopLagP99Ms: 250 })).toMatchObject({
      eventLoopLagP99Ms: 250,
      saturated: true,
      reasons: ["event-loop lag p99 250.0 ms > 100 ms: timers fired late, so latencies include the generator's own delay"],
    });
  });

  it('senders over 100 ms behind their schedule at p99 mark it saturated, even with a quiet event loop', async () => {
    const { generatorHealth } = await import('../../src/load/generator-watch.js');
    expect(generatorHealth({ ...quiet, sendLagP99Ms: 100 })).toMatchObject({ sendLagP99Ms: 100, saturated: false, reasons: [] });
    expect(generatorHealth({ ...quiet, sendLagP99Ms: 312.4 })).toMatchObject({
      sendLagP99Ms: 312.4,
      saturated: true,
      reasons: ['senders emitted 312.4 ms behind their schedule at p99 (> 100 ms): the generator did not offer the planned load on time'],
    });
  });

  it('late timers while the generator waited for a CPU as long as it ran: still saturated, and the reason names the busy machine', async () => {
    const { generatorHealth } = await import('../../src/load/generator-watch.js');
    const starved = generatorHealth({ ...quiet, loopLagP99Ms: 214, sched: { runNs: 9e9, waitNs: 21e9 } });
    expect(starved).toMatchObject({ saturated: true, cpuWaitPct: 70 });
    expect(starved.reasons[0]).toMatch(/^event-loop lag p99 214\.0 ms > 100 ms: .*; its threads waited for a CPU 70% of the time they were ready to run, using 60% of a core: the machine's cores were busy with other processes/);
    // Its own work: it waited less than it ran, so the reason does not blame the machine.
    const own = generatorHealth({ ...quiet, loopLagP99Ms: 214, sched: { runNs: 9e9, waitNs: 1e9 } });
    expect(own).toMatchObject({ cpuWaitPct: 10 });
    expect(own.reasons).toEqual(["event-loop lag p99 214.0 ms > 100 ms: timers fired late, so latencies include the generator's own delay"]);
    // A waiting but punctual generator is healthy.
    expect(generatorHealth({ ...quiet, sched: { runNs: 1e9, waitNs: 3e9 } })).toMatchObject({ saturated: false, cpuWaitPct: 75 });
  });

  it('CPU over 90% of a core on average marks it saturated', async () => {
    const { generatorHealth } = await import('../../src/load/generator-watch.js');
    expect(generatorHealth({ ...quiet, cpuSamples: [10, 95, 91, 92, 10] })).toMatchObject({ cpuPct: 92.7, cpuPeakPct: 95, saturated: true, reasons: ['generator CPU 93% of a core > 90%'] });
  });

  it('open files over 90% of the limit mark it saturated', async () => {
    const { generatorHealth } = await import('../../src/load/generator-watch.js');
    expect(generatorHealth({ ...quiet, fdPeak: 922, fdLimit: 1024 })).toMatchObject({ saturated: true, reasons: ['open files 922 near the limit 1024'] });
    expect(generatorHealth({ ...quiet, fdPeak: 921, fdLimit: 1024 })).toMatchObject({ saturated: false });
  });

  it('every reason at once, and saturation has its own exit code', async () => {
    const { generatorHealth } = await import('../../src/load/generator-watch.js');
    const { loadExitCode, EXIT_SATURATED } = await import('../../src/commands/load.js');
    expect(generatorHealth({ cpuSamples: [0, 99, 0], fdPeak: 10, fdLimit: 10, loopLagP99Ms: 101 }).reasons.map((r) => r.split(' ')[0])).toEqual(['event-loop', 'generator', 'open']);
    expect([loadExitCode(true, false, false), loadExitCode(false, false, false), loadExitCode(true, true, false), loadExitCode(false, true, true)]).toEqual([0, 1, EXIT_SATURATED, 1]);
  });

  it('reads CPU and open files from /proc: a busy process shows up', async () => {
    const { spawn } = await import('node:child_process');
    const { watchGenerator } = await import('../../src/load/generator-watch.js');
    // It burns 1 s of CPU however long that takes: on a busy machine its share of a core may be a tenth.
    const busy = spawn(process.execPath, ['-e', 'while (process.cpuUsage().user < 1e6) Math.sqrt(Math.random());']);
    const watch = watchGenerator(busy.pid!, 100);
    await new Promise((r) => busy.on('exit', r));
    const health = watch.stop(0);
    expect(health.cpuPeakPct).toBeGreaterThan(5);
    expect(health.fdLimit).toBeGreaterThan(0);
    expect(health.fdPeak).toBeGreaterThan(0);
    expect(health.cpuWaitPct).toBeGreaterThanOrEqual(0); // schedstat read: ran and (maybe) waited
  });
});
