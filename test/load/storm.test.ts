import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// 16 connections in 4 conversations over two instances, 1 sender each at 5/s for 6 s; the storm hits
// 3 s after the first send and lasts 2 s (the scenario's defaults).
// A generator saturated by a busy machine would exit 3: these runs judge deliveries and recovery, not latency.
const SHORT = ['--connections', '16', '--rate', '5', '--duration', '6', '--allow-saturated'];

const storm = async (args: string[]) => {
  const run = await runCli(['load', 'reconnection-storm', ...SHORT, ...args, '--json'], { timeoutMs: 120_000 });
  return { run, report: JSON.parse(run.stdout || '{}') };
};

// The runs are mostly waiting (ramp, settle, sending, drain, the restart): they run side by side, each
// against its own reference gateway and Redis.
describe.concurrent('gatecheck load reconnection-storm (real Artillery runs against the reference gateway, two instances, Redis)', () => {
  it('transport storm: every client drops at once and comes back; what it missed is recovered by messages:sync', async () => {
    const { run, report } = await storm([]);
    expect(run.code, run.stderr).toBe(0);
    const v = report.metrics.values;
    expect(report.parameters.stormMode).toBe('transport');
    expect(v['reconnect.disconnected']).toBe(16);
    expect(v['reconnect.reconnected']).toBe(16);
    expect(v['reconnect.failed']).toBe(0);
    expect(report.metrics.histograms['reconnect.time_ms'].count).toBe(16);
    // Receivers retried spread over 1 s after the 2 s outage (randomized backoff), each retry timed on its own.
    expect(report.parameters.reconnectSpreadSeconds).toBe(1);
    expect(report.metrics.histograms['reconnect.handshake_ms'].count).toBe(16);
    expect(run.stderr).toMatch(/receivers after the 2 s outage, spread uniformly over 1 s/);
    // Redis pub/sub keeps no packets: Socket.IO recovers no session, sync does the work.
    expect(v['reconnect.recovered']).toBe(0);
    // The senders were back while their receivers stayed away: messages went missing live, and sync
    // gave every one of them back.
    expect(v['storm.sent_during_outage']).toBeGreaterThan(0);
    expect(v['storm.missed_live']).toBeGreaterThan(0);
    expect(v['storm.recovered_by_sync']).toBe(v['storm.missed_live']);
    expect(v['storm.unrecovered']).toBe(0);
    expect(report.metrics.delivery.lost).toBe(0);
    expect(report.metrics.delivery.received).toBe(report.metrics.delivery.expected);
    expect(v['presence.stale_offline']).toBe(0);
    expect(v['presence.stale_online']).toBe(0);
    expect(run.stderr).toMatch(/disconnected 16, reconnected 16, failed 0; sessions recovered by Socket.IO 0 \(0%\)/);
  });

  it('reports the messages the sync-off-by-one gateway never gives back, and exits 1', async () => {
    const { run, report } = await storm(['--mutant', 'sync-off-by-one']);
    expect(run.code).toBe(1);
    const v = report.metrics.values;
    expect(v['reconnect.reconnected']).toBe(16);
    expect(v['storm.unrecovered']).toBeGreaterThan(0);
    // Every unrecovered delivery is lost; on a busy machine a message outside the storm may add to the
    // loss (the mutant's sync also serves late receivers), never subtract from it.
    expect(report.metrics.delivery.lost).toBeGreaterThanOrEqual(v['storm.unrecovered']);
    expect(report.thresholds.find((t: { expr: string }) => t.expr === 'storm.unrecovered == 0')).toMatchObject({ ok: false, value: v['storm.unrecovered'] });
  });

  it('instance storm: the CLI kills instance 2 and restarts it; its clients come back and sync what the others sent meanwhile', async () => {
    // Sending lasts 10 s, not 6: the instance is back 2 s after the kill plus its restart (seconds on a
    // busy machine), and its clients retry every 2 s at most, so 3 s of drain alone would not cover them.
    const { run, report } = await storm(['--storm', 'instance', '--duration', '10']);
    expect(run.stderr).toMatch(/storm: killing instance 2 \(http:\/\/127\.0\.0\.1:\d+\)/);
    expect(run.stderr).toMatch(/storm: instance 2 is back/);
    const v = report.metrics.values;
    expect(report.parameters.stormMode).toBe('instance');
    expect(v['reconnect.disconnected']).toBe(8); // the clients of instance 2 only
    expect(v['reconnect.reconnected']).toBe(8);
    expect(v['reconnect.failed']).toBe(0);
    expect(report.metrics.histograms['reconnect.time_ms'].min).toBeGreaterThanOrEqual(2000); // the outage lasts 2 s
    expect(v['storm.missed_live']).toBeGreaterThan(0);
    expect(v['storm.unrecovered']).toBe(0);
    // A message in flight when its sender's instance died is reported apart, never as lost.
    expect(Object.keys(v)).toContain('storm.unconfirmed_at_crash');
    expect(v['presence.stale_offline']).toBe(0);
    expect(v['presence.stale_online']).toBe(0);
    expect(run.code, run.stderr).toBe(0);
    // Artillery's start (10 s and more on a busy machine), the connection phase, 10 s of sending, the restart.
  }, 120_000);

  it('--compare-adapters: pub/sub recovers no session (messages:sync does), the streams adapter recovers every one', async () => {
    const run = await runCli(['load', 'reconnection-storm', ...SHORT, '--compare-adapters', '--json'], { timeoutMs: 180_000 });
    expect(run.code, run.stderr).toBe(0);
    const { kind, runs } = JSON.parse(run.stdout);
    expect(kind).toBe('load-comparison');
    const [pubsub, streams] = runs;
    // --allow-saturated: a machine too busy for the plan makes a run not passed, never a server failure.
    expect(pubsub).toMatchObject({ adapter: 'pubsub', passed: !pubsub.saturated, recoveredShare: 0, unrecovered: 0 });
    expect(pubsub.missedLive).toBeGreaterThan(0);
    expect(pubsub.recoveredBySync).toBe(pubsub.missedLive);
    // Recovery replays what a session missed (about 100 messages here), not sync; one broadcast while the
    // session is being restored can slip between the replay and the rejoined rooms (the adapter's race)
    // and come back by sync instead.
    expect(streams).toMatchObject({ adapter: 'streams', passed: !streams.saturated, recoveredShare: 1, unrecovered: 0 });
    expect(streams.missedLive).toBeLessThanOrEqual(pubsub.missedLive / 10);
    expect(streams.recoveredBySync).toBe(streams.missedLive);
    expect(run.stderr).toMatch(/adapter +reconnect p50 +reconnect p99 +sessions recovered/);
    expect(run.stderr).toMatch(/streams .* 100% /);
  }, 200_000);

  it('refuses an instance storm against a target it cannot kill, and --storm on another scenario', async () => {
    const other = await runCli(['load', 'fanout', '--storm', 'transport'], { timeoutMs: 20_000 });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--storm applies to the reconnection-storm scenario only/);
    const urls = await runCli(['load', 'reconnection-storm', '--storm', 'instance', '--url', 'http://127.0.0.1:9'], { timeoutMs: 20_000, env: { GATECHECK_JWT_SECRET: 'x'.repeat(16) } });
    expect(urls.code).toBe(2);
    expect(urls.stderr).toMatch(/only the bundled reference gateway/);
    const adapter = await runCli(['load', 'reconnection-storm', '--adapter', 'streams', '--url', 'http://127.0.0.1:9'], { timeoutMs: 20_000 });
    expect(adapter.code).toBe(2);
    expect(adapter.stderr).toMatch(/--adapter chooses how the bundled reference gateway is built/);
  });
});
