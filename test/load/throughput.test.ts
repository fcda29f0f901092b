import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('gatecheck load throughput (a real Artillery run against the reference gateway)', () => {
  it('steps the offered rate up to --rate, times every ack per step and says where ack latency bends', async () => {
    // 16 connections = 8 senders (pairs); --rate 80 climbs 5, 10, 20, 40, 80 msg/s, 1 s each. A generator
    // saturated by a busy machine would exit 3: the assertions below hold either way.
    const run = await runCli(['load', 'throughput', '--connections', '16', '--rate', '80', '--duration', '1', '--allow-saturated', '--json'], { timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.parameters.stepRates).toBe('5,10,20,40,80');
    const steps = report.metrics.steps;
    expect(steps.map((s: { offeredRate: number }) => s.offeredRate)).toEqual([5, 10, 20, 40, 80]);
    // The open-model schedule sends rate x seconds per step, each of the 8 senders its share (a sender
    // whose interval does not divide the step sends one message more or less, by its offset).
    for (const s of steps) expect(Math.abs(s.sent - s.offeredRate), `step ${s.step}`).toBeLessThanOrEqual(8);
    expect(steps[4].sent).toBe(80); // 10/s per sender: exactly 10 each in 1 s
    for (const s of steps) {
      expect(s.acked).toBe(s.sent);
      expect(s.timeouts).toBe(0);
      expect(s.p99).toBeGreaterThan(0);
    }
    // Every step acked all it sent, so only latency can bend a step, and never the first (its p99 is the
    // base). Whether a later step bends depends on the machine; the verdict must follow the steps.
    const v = report.metrics.values;
    expect(steps[0].bent).toBe(false);
    const kneeAt = steps.findIndex((s: { bent: boolean }) => s.bent);
    expect(v['throughput.knee_rate']).toBe(kneeAt < 0 ? 0 : steps[kneeAt].offeredRate);
    expect(v['throughput.max_sustained_rate']).toBe(steps[(kneeAt < 0 ? steps.length : kneeAt) - 1].offeredRate);
    expect(run.stderr).toContain(`highest sustained: ${v['throughput.max_sustained_rate']} msg/s`);
    expect(report.metrics.delivery).toMatchObject({ lost: 0 });
    expect(run.stderr).toMatch(/throughput steps \(offered msg\/s over all senders\)/);
  });
});
