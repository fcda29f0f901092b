/**
 * The Artillery processor of gatecheck's scenarios: the functions a scenario file names. Neither
 * socketio engine can wait for a server-pushed event, so connecting, sending on an open-model schedule
 * and measuring deliveries happen in these function steps, on the VU's own socket (kept in
 * `context.sockets['']`, where both engines look for it). Every figure leaves as an Artillery counter
 * or histogram, so it aggregates across workers and distributed runners.
 *
 * Env contract: GATECHECK_TARGET = a target config file (the one `gatecheck conform` reads; its secrets
 * come from the environment as usual). See scenarios/README.md.
 */
import { fanoutPlan, fanoutVu } from './fanout-vu.js';
import { stormPlan, stormVu } from './storm-vu.js';
import { throughputPlan, throughputVu } from './throughput-vu.js';
import { krakenFanoutVu, krakenPlanHook } from './kraken/kraken-vu.js';
import { krakenPresencePlan, krakenPresenceVu } from './kraken/presence-vu.js';
import { krakenStormPlan, krakenStormVu } from './kraken/storm-vu.js';
import { krakenThroughputPlan, krakenThroughputVu } from './kraken/throughput-vu.js';
import { step } from './vu-kit.js';

/** fanout.yml `before` hook: the conversations and the schedule every VU follows. */
export const gatecheckFanoutPlan = step(async (context) => void (await fanoutPlan(context)));
/** fanout.yml VU: connect, listen, send on schedule (senders), drain. */
export const gatecheckFanout = step(fanoutVu);
/** reconnection-storm.yml `before` hook: the fan-out plan plus when the storm hits. */
export const gatecheckStormPlan = step(stormPlan);
/** reconnection-storm.yml VU: messages flowing, the storm, reconnect, sync, presence check. */
export const gatecheckStorm = step(stormVu);
/** throughput.yml `before` hook: the plan plus the steps of rising offered rate. */
export const gatecheckThroughputPlan = step(throughputPlan);
/** throughput.yml VU: senders step through the offered rates, every ack timed per step. */
export const gatecheckThroughput = step(throughputVu);

/** kraken-fanout.yml `before` hook: the worlds, the paced connects and the schedule. */
export const gatecheckKrakenFanoutPlan = step(async (context) => void (await krakenPlanHook(context)));
/** kraken-fanout.yml VU: connect, joinAll, presenceOnline, listen, send channel messages and DMs on schedule. */
export const gatecheckKrakenFanout = step(krakenFanoutVu);
/** kraken-throughput.yml `before` hook and VU. */
export const gatecheckKrakenThroughputPlan = step(krakenThroughputPlan);
export const gatecheckKrakenThroughput = step(krakenThroughputVu);
/** kraken-presence-storm.yml `before` hook and VU: observers stay, the others connect and leave each cycle. */
export const gatecheckKrakenPresencePlan = step(krakenPresencePlan);
export const gatecheckKrakenPresence = step(krakenPresenceVu);
/** kraken-reconnection-storm.yml `before` hook and VU: messages flowing, the storm, reconnect, joinAll and presenceOnline again, presence watched. */
export const gatecheckKrakenStormPlan = step(krakenStormPlan);
export const gatecheckKrakenStorm = step(krakenStormVu);
