import type { ChalkInstance } from 'chalk';
import { UsageError } from '../../errors.js';
import type { LoadReport } from '../../model/load.js';
import { ms } from '../../report/load-console.js';
import { rateVariables } from '../scenarios/fanout.js';
import { stormConsoleSection, stormScenario } from '../scenarios/storm.js';
import { throughputScenario } from '../scenarios/throughput.js';
import { commonVariables, refuseStormFlags, type LoadScenario, type ScenarioFlags } from '../scenarios/types.js';
import { maxDevices } from './presence-plan.js';

/** Flags every Kraken scenario checks: its VUs open their own sockets, so there is no engine to choose. */
function checkKrakenFlags(flags: ScenarioFlags): void {
  refuseStormFlags(flags);
  if (flags.engine && flags.engine !== 'socketio') throw new UsageError(`--engine ${flags.engine}: the Kraken scenarios open their own socket.io-client sockets; there is no engine to choose`);
}

/** The Kraken reference gateway keeps the documents' 60 s presence TTLs for load (no 800 ms heartbeat churn). */
const KRAKEN_LOAD_REFERENCE_ARGS: string[] = [];

const kraken = { dialect: 'kraken' as const, referenceArgs: KRAKEN_LOAD_REFERENCE_ARGS };

/** kraken-fanout.yml: channel messages and DMs in one world per group of VUs. */
export const krakenFanoutScenario: LoadScenario = {
  ...kraken,
  name: 'fanout',
  file: 'kraken-fanout',
  prefix: 'fanout',
  defaultThresholds: ['fanout.lost == 0', 'fanout.duplicated == 0', 'fanout.leaked == 0', 'vusers.failed == 0'],
  checkFlags: (flags) => checkKrakenFlags(flags),
  variables: rateVariables,
  sending: (vars, params) => ({
    seconds: params.sendSeconds,
    describe: `${params.ratePerSender} msg/s per sender for ${params.sendSeconds} s, every ${vars.dmEvery ?? 4}th a DM`,
    parameters: { dialect: 'kraken', dmEvery: Number(vars.dmEvery ?? 4) },
  }),
  consoleSection: (report, c) => deliveryRooms(report, c, 'fanout'),
};

/** What only Kraken counts: deliveries to sockets outside the room, and those owed before a late receiver joined. */
function deliveryRooms(report: LoadReport, c: ChalkInstance, prefix: string): string[] {
  const v = report.metrics.values;
  const leaked = v[`${prefix}.leaked`] ?? 0;
  return [
    c.bold('kraken rooms'),
    `  sent ${v[`${prefix}.sent.channel`] ?? 0} channel messages and ${v[`${prefix}.sent.dm`] ?? 0} DMs; ${leaked > 0 ? c.red(`leaked ${leaked}`) : 'leaked 0'} (deliveries to a socket outside the channel or DM group); not deliverable ${v[`${prefix}.not_deliverable`] ?? 0} (sent before a late receiver joined: Kraken has no history event)`,
  ];
}

/** kraken-throughput.yml: the throughput steps over sendMessage / sendDirectMessage. */
export const krakenThroughputScenario: LoadScenario = {
  ...throughputScenario,
  ...kraken,
  file: 'kraken-throughput',
  defaultThresholds: ['throughput.ack_timeout == 0', 'throughput.leaked == 0', 'vusers.failed == 0'],
  checkFlags: (flags) => checkKrakenFlags(flags),
  variables: throughputScenario.variables,
  sending(vars, params) {
    const sending = throughputScenario.sending(vars, params);
    return { ...sending, parameters: { ...sending.parameters, dialect: 'kraken' } };
  },
  consoleSection: (report, c) => [...(throughputScenario.consoleSection?.(report, c) ?? []), ...deliveryRooms(report, c, 'throughput')],
};

/** kraken-presence-storm.yml: users connecting and leaving, presence and voice presence fan-out, stale presence. */
export const krakenPresenceStormScenario: LoadScenario = {
  ...kraken,
  name: 'presence-storm',
  file: 'kraken-presence-storm',
  prefix: 'presence',
  defaultThresholds: ['presence.lost == 0', 'presence.stale_online == 0', 'presence.stale_offline == 0', 'voice.lost == 0', 'voice.stale == 0', 'vusers.failed == 0'],
  checkFlags(flags) {
    checkKrakenFlags(flags);
    if (flags.rate !== undefined) throw new UsageError('--rate does not apply to presence-storm (it sends no messages); --duration sets how long the users churn');
  },
  variables(flags) {
    const out = commonVariables(flags);
    if (flags.duration !== undefined) out.stormSeconds = flags.duration;
    return out;
  },
  sending(vars, params) {
    const onlineMs = Number(vars.onlineSeconds ?? 1.5) * 1000;
    const cycleMs = onlineMs + ((maxDevices(params.groupSize) - 1) * onlineMs) / 3 + Number(vars.offlineSeconds ?? 1) * 1000;
    const cycles = vars.stormSeconds !== undefined ? Math.max(1, Math.floor((Number(vars.stormSeconds) * 1000) / cycleMs)) : Math.max(1, Math.floor(Number(vars.cycles ?? 3)));
    return {
      seconds: (cycles * cycleMs) / 1000,
      describe: `${cycles} connect-and-leave cycles of ${(cycleMs / 1000).toFixed(1)} s per churning socket`,
      parameters: { dialect: 'kraken', cycles, cycleMs },
    };
  },
  consoleSection,
};

/**
 * kraken-reconnection-storm.yml: kraken-fanout traffic, then every socket but the world owners' dropped
 * (transport) or one reference instance killed and restarted (instance); reconnects, rejoins, what was
 * missed while away (Kraken has no history event to recover it), presence afterwards.
 */
export const krakenStormScenario: LoadScenario = {
  ...kraken,
  name: 'reconnection-storm',
  file: 'kraken-reconnection-storm',
  prefix: 'storm',
  defaultThresholds: ['storm.unrecovered == 0', 'storm.leaked == 0', 'reconnect.failed == 0', 'presence.stale_offline == 0', 'vusers.failed == 0'],
  checkFlags(flags, run) {
    checkKrakenFlags({ ...flags, storm: undefined, reconnectSpread: undefined });
    stormScenario.checkFlags(flags, run);
  },
  variables: stormScenario.variables,
  sending(vars, params) {
    const sending = stormScenario.sending(vars, params);
    return { ...sending, describe: `${sending.describe}, every ${vars.dmEvery ?? 4}th a DM`, parameters: { ...sending.parameters, dialect: 'kraken', dmEvery: Number(vars.dmEvery ?? 4) } };
  },
  onPlan: stormScenario.onPlan,
  consoleSection: (report, c) => [...stormConsoleSection(report, c), ...deliveryRooms(report, c, 'storm')],
};

export const KRAKEN_SCENARIOS = [krakenFanoutScenario, krakenThroughputScenario, krakenPresenceStormScenario, krakenStormScenario];

/** The presence storm's figures: presence and voice fan-out, stale views. */
function consoleSection(report: LoadReport, c: ChalkInstance): string[] {
  const v = report.metrics.values;
  const h = report.metrics.histograms;
  const warn = (n: number, text: string) => (n > 0 ? c.red(text) : text);
  const line = (name: string, label: string) => {
    const x = h[name];
    return x ? `  ${label.padEnd(34)} p50 ${ms(x.p50)}  p95 ${ms(x.p95)}  p99 ${ms(x.p99)}  max ${ms(x.max)}  (${x.count})` : `  ${label}: none received`;
  };
  return [
    c.bold('presence storm'),
    `  churn cycles ${v['presence.cycles'] ?? 0}${v['presence.churn_failed'] ? c.red(`, failed ${v['presence.churn_failed']}`) : ''}; observers ${v['presence.observers'] ?? 0}`,
    `  userOnline owed ${v['presence.online.expected'] ?? 0}, received ${v['presence.online.received'] ?? 0}; userOffline owed ${v['presence.offline.expected'] ?? 0}, received ${v['presence.offline.received'] ?? 0}; ${warn(v['presence.lost'] ?? 0, `lost ${v['presence.lost'] ?? 0}`)}`,
    line('presence.latency_ms.online', 'userOnline (connect -> observer)'),
    line('presence.latency_ms.offline', 'userOffline (close -> observer)'),
    `  stale: ${warn(v['presence.stale_online'] ?? 0, `online after leaving ${v['presence.stale_online'] ?? 0}`)}, ${warn(v['presence.stale_offline'] ?? 0, `offline while connected ${v['presence.stale_offline'] ?? 0}`)}`,
    `  voice: joined owed ${v['voice.joined.expected'] ?? 0}, seen ${v['voice.joined.received'] ?? 0}; left owed ${v['voice.left.expected'] ?? 0}, seen ${v['voice.left.received'] ?? 0}; ${warn(v['voice.lost'] ?? 0, `lost ${v['voice.lost'] ?? 0}`)}; ${warn(v['voice.stale'] ?? 0, `still listed after leaving ${v['voice.stale'] ?? 0}`)}`,
  ];
}
