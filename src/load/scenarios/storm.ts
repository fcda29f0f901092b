import type { ChalkInstance } from 'chalk';
import type { LoadReport } from '../../model/load.js';
import { readRedisSet } from '../../client/redis-inspect.js';
import type { Secret } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import type { ReferenceGateway } from '../../reference/launcher.js';
import type { StormSchedule } from '../plan.js';
import { rateVariables } from './fanout.js';
import { DEFAULT_RECONNECT_SPREAD_SECONDS } from '../storm-vu.js';
import type { LoadScenario } from './types.js';

/**
 * reconnection-storm.yml: fan-out traffic, then every transport drops at once (transport mode) or the
 * CLI kills one reference instance and restarts it after the outage (instance mode); reconnects,
 * session recovery, messages:sync recovery and presence afterwards.
 */
export const stormScenario: LoadScenario = {
  name: 'reconnection-storm',
  prefix: 'storm',
  defaultThresholds: ['storm.unrecovered == 0', 'reconnect.failed == 0', 'presence.stale_offline == 0', 'vusers.failed == 0'],
  checkFlags(flags, run) {
    const mode = flags.storm ?? run.vars.stormMode;
    if (mode === 'instance' && !run.reference) {
      throw new UsageError('an instance storm kills and restarts a gateway instance: only the bundled reference gateway (no --target/--url) can be');
    }
    if (mode === 'instance' && flags.reconnectSpread !== undefined) {
      throw new UsageError('--reconnect-spread spreads the receivers of a transport storm; in an instance storm the clients retry with socket.io-client\'s own randomized backoff');
    }
  },
  variables(flags) {
    const out = rateVariables(flags);
    if (flags.storm) out.stormMode = flags.storm;
    if (flags.reconnectSpread !== undefined) out.reconnectSpreadSeconds = flags.reconnectSpread;
    return out;
  },
  sending: (vars, params) => ({
    seconds: params.sendSeconds,
    describe: `${params.ratePerSender} msg/s per sender for ${params.sendSeconds} s`,
    parameters: {
      stormMode: String(vars.stormMode ?? 'transport'),
      outageSeconds: Number(vars.outageSeconds ?? 2),
      ...(vars.stormMode === 'instance' ? {} : { reconnectSpreadSeconds: Number(vars.reconnectSpreadSeconds ?? DEFAULT_RECONNECT_SPREAD_SECONDS) }),
    },
  }),
  // With the target's Redis declared, users its bookkeeping still lists online after the run are stale.
  thresholdsFor: (config) => (config.capabilities.redis ? ['presence.stale_online == 0'] : []),
  onPlan(plan, run) {
    if (plan.storm?.mode !== 'instance' || !run.gateway) return () => {};
    return scheduleInstanceKill(run.gateway, plan.storm, run.say);
  },
  consoleSection: stormConsoleSection,
  async afterRun(plan, run): Promise<Record<string, number>> {
    const redis = run.config.capabilities.redis;
    if (!redis) return {};
    return { 'presence.stale_online': await staleOnline(redis.url, redis.keys.online, `load-${plan.runId}-`) };
  },
};

/**
 * Users of this run the target's bookkeeping still lists as online once every VU has left: presence
 * that outlived its sockets. Disconnect handlers run a little after the close, so it is polled briefly.
 */
async function staleOnline(url: Secret, key: string, userPrefix: string): Promise<number> {
  let stale = 0;
  for (const deadline = Date.now() + 3000; ; ) {
    stale = (await readRedisSet(url, key)).filter((m) => m.startsWith(userPrefix)).length;
    if (stale === 0 || Date.now() > deadline) return stale;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Instance storm: SIGKILL that reference instance at the announced time, restart it after the outage. */
function scheduleInstanceKill(gateway: ReferenceGateway, storm: StormSchedule, say: (line: string) => void): () => void {
  const victim = gateway.instances[storm.instance];
  const name = `instance ${storm.instance + 1}`;
  let cancelled = false;
  const timer = setTimeout(async () => {
    try {
      say(`storm: killing ${name} (${victim.url})`);
      await victim.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, storm.outageMs));
      if (cancelled) return;
      await victim.restart();
      say(`storm: ${name} is back`);
    } catch (err) {
      say(`storm: ${name}: ${(err as Error).message}`);
    }
  }, Math.max(0, storm.at - Date.now()));
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}

/** A run of the Kraken scenarios (they say so in their parameters). */
export const isKrakenRun = (report: LoadReport) => report.parameters.dialect === 'kraken';

/**
 * The storm's part of the console summary: reconnects, what went missing and what came back, presence.
 * Kraken has no history event: what its clients missed while away is said to be missed, never recovered.
 */
export function stormConsoleSection(report: LoadReport, c: ChalkInstance): string[] {
  const v = report.metrics.values;
  const kraken = isKrakenRun(report);
  const share = ((v['reconnect.recovered_share'] ?? 0) * 100).toFixed(0);
  const warn = (n: number, text: string) => (n > 0 ? c.red(text) : text);
  const n = (name: string) => v[name] ?? 0;
  const rejoinFailed = n('reconnect.rejoin_failed') ? `, ${c.red(`rejoin failed ${n('reconnect.rejoin_failed')}`)}` : '';
  const recovery = kraken
    ? `missed during the outage ${n('storm.missed_outage')} (Kraken has no catch-up event: not counted as lost), ${warn(n('storm.unrecovered'), `lost ${n('storm.unrecovered')}`)} (owed after the rejoin, or while connected, and never received)`
    : `recovered by messages:sync ${n('storm.recovered_by_sync')}, ${warn(n('storm.unrecovered'), `unrecovered ${n('storm.unrecovered')}`)}`;
  const unconfirmed = n('storm.unconfirmed_at_crash')
    ? `; unconfirmed at the crash ${n('storm.unconfirmed_at_crash')} (no ack before the sender's connection died: maybe never stored${kraken ? '' : `, ${n('storm.unconfirmed_at_crash.deliveries_missing')} deliveries not counted as lost`})`
    : '';
  const cut = n('storm.cut_at_crash')
    ? kraken
      ? `; cut with their sender ${n('storm.cut_at_crash')} (deliveries not received of messages due within 1 s of the storm from a sender it cut: Kraken has no history event to tell a stored one from a dropped one)`
      : `; cut at the crash ${n('storm.cut_at_crash')} (stored by the killed instance just before it died, its broadcast never left: fetched by messages:sync at the end)`
    : '';
  const spread = report.parameters.reconnectSpreadSeconds;
  const outage = Number(report.parameters.outageSeconds ?? 2);
  return [
    c.bold('storm'),
    ...(typeof spread === 'number'
      ? [`  retries: senders after socket.io-client's randomized 125-375 ms; receivers after the ${outage} s outage, ${spread > 0 ? `spread uniformly over ${spread} s (randomized backoff, --reconnect-spread)` : 'all in the same tick (--reconnect-spread 0)'}`]
      : []),
    `  disconnected ${n('reconnect.disconnected')}, reconnected ${n('reconnect.reconnected')}, ${warn(n('reconnect.failed'), `failed ${n('reconnect.failed')}`)}${rejoinFailed}; ${kraken ? 'rejoined with joinAll and presenceOnline (Kraken has no session recovery)' : `sessions recovered by Socket.IO ${n('reconnect.recovered')} (${share}%)`}`,
    `  messages sent during the outage ${n('storm.sent_during_outage')}; missed live ${n('storm.missed_live')}: ${recovery}; sends skipped while the sender was down ${n('storm.sent_while_disconnected_skipped')}${unconfirmed}${cut}`,
    `  presence afterwards: ${warn(n('presence.stale_offline'), `peers seen offline while connected ${n('presence.stale_offline')}`)}${v['presence.stale_online'] !== undefined ? `, ${warn(v['presence.stale_online'], `users still online after leaving ${v['presence.stale_online']}`)}` : ''}${kraken ? `; world mates seen online at the end ${n('presence.peers_online')}` : ''}`,
  ];
}
