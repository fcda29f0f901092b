import type { ChalkInstance } from 'chalk';
import type { TargetConfig } from '../../config/schema.js';
import type { LoadReport } from '../../model/load.js';
import type { ReferenceGateway } from '../../reference/launcher.js';
import type { PlanAnnouncement } from '../artillery-run.js';
import type { FanoutParameters } from '../plan.js';
import { UsageError } from '../../errors.js';
import { parseSourceAddresses } from '../source-addresses.js';

/** The command line a scenario reads (the part of `gatecheck load`'s flags that shape the plan). */
export interface ScenarioFlags {
  connections?: number;
  vus?: number;
  rate?: number;
  duration?: number;
  ramp?: number;
  settle?: number;
  storm?: 'transport' | 'instance';
  /** Transport storm: seconds over which the receivers' retries spread after the outage. */
  reconnectSpread?: number;
  engine?: string;
  /** Local addresses to spread client sockets over: a range, a list or a count. */
  sourceAddresses?: string;
}

/** How long a run sends and what it offers, from the merged scenario variables. */
export interface Sending {
  seconds: number;
  /** One line for the console: what the generator offers. */
  describe: string;
  /** Throughput: the offered rates, one step each. */
  steps?: { rates: number[]; seconds: number };
  /** Extra report parameters. */
  parameters: Record<string, string | number>;
}

/** What a scenario's hooks get to act on while it runs. */
export interface ScenarioRun {
  config: TargetConfig;
  /** Set when gatecheck started the reference gateway (it can kill and restart its instances). */
  gateway?: ReferenceGateway;
  say(line: string): void;
}

/**
 * One load scenario as `gatecheck load` runs it: scenarios/NAME.yml (its Artillery side, whose VU steps
 * live in src/load/*-vu.ts), how the command line becomes its variables, what it sends, its metric
 * prefix and default thresholds, and the hooks around the Artillery run.
 */
export interface LoadScenario {
  name: string;
  /** Its file in scenarios/ when not NAME.yml (the Kraken scenarios: kraken-NAME.yml). */
  file?: string;
  /** The protocol its VUs speak (default chat-service). */
  dialect?: 'chat-service' | 'kraken';
  /** Replaces the reference gateway's extra flags for this scenario. */
  referenceArgs?: string[];
  /** The prefix of its figures: fanout.*, storm.*, throughput.*. */
  prefix: string;
  defaultThresholds: string[];
  /** A flag that does not apply to this scenario is a usage error before anything starts. */
  checkFlags(flags: ScenarioFlags, run: { reference: boolean; vars: Record<string, unknown> }): void;
  /** The command line as scenario variables. */
  variables(flags: ScenarioFlags): Record<string, number | string>;
  sending(vars: Record<string, unknown>, params: FanoutParameters): Sending;
  /** Default thresholds that depend on what the target declares. */
  thresholdsFor?(config: TargetConfig): string[];
  /** When the plan is announced: schedule what the scenario does to the target; answers a cancel. */
  onPlan?(plan: PlanAnnouncement, run: ScenarioRun): () => void;
  /** Its own part of the console summary, between the latencies and the deliveries. */
  consoleSection?(report: LoadReport, c: ChalkInstance): string[];
  /** Figures measured outside Artillery once it ended. */
  afterRun?(plan: PlanAnnouncement, run: ScenarioRun): Promise<Record<string, number>>;
}

/** The knobs every scenario shares: connections, ramp, settle, source addresses (a bad spec is a usage error). */
export function commonVariables(flags: ScenarioFlags): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  const connections = flags.connections ?? flags.vus;
  if (connections !== undefined) out.connections = connections;
  if (flags.ramp !== undefined) out.rampSeconds = flags.ramp;
  if (flags.settle !== undefined) out.settleSeconds = flags.settle;
  if (flags.sourceAddresses !== undefined) {
    const parsed = parseSourceAddresses(flags.sourceAddresses);
    if (typeof parsed === 'string') throw new UsageError(`--source-addresses: ${parsed}`);
    out.sourceAddresses = flags.sourceAddresses;
  }
  return out;
}

/** The storm's flags on a scenario that has no storm: a usage error. */
export function refuseStormFlags(flags: ScenarioFlags): void {
  if (flags.storm) throw new UsageError('--storm applies to the reconnection-storm scenario only');
  if (flags.reconnectSpread !== undefined) throw new UsageError('--reconnect-spread applies to the reconnection-storm scenario only');
}
