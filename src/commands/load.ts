import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Secret, TargetConfig } from '../config/schema.js';
import { TargetError, UsageError } from '../errors.js';
import { runArtillery, type PlanAnnouncement } from '../load/artillery-run.js';
import type { ReferenceGateway } from '../reference/launcher.js';
import { assertReachable } from '../client/reachability.js';
import { readRedisSet } from '../client/redis-inspect.js';
import type { LoadReport } from '../model/load.js';
import { fanoutParameters, type StormSchedule } from '../load/plan.js';
import { stepRates } from '../load/throughput-vu.js';
import { resolveScenario } from '../load/scenario.js';
import { summarizeArtillery, type ArtilleryOutput } from '../load/summarize.js';
import { evaluateThresholds, parseThreshold } from '../load/thresholds.js';
import { adapterComparison } from '../report/load-console.js';
import { loadReporters } from '../report/load-reporters.js';
import { Reporters } from '../report/reporter.js';
import { Sink } from '../report/sink.js';
import { secrets } from '../secrets/redactor.js';
import { findProjectRoot } from '../project-root.js';
import { resolveSecretsOf } from './secrets.js';
import { resolveTarget, type TargetFlags } from './target-options.js';

export interface LoadFlags extends TargetFlags {
  vus?: number;
  connections?: number;
  rate?: number;
  duration?: number;
  /** Seconds over which the connections arrive (scenario variable rampSeconds = the phase duration). */
  ramp?: number;
  /** Seconds between the last arrival and the first send (scenario variable settleSeconds). */
  settle?: number;
  engine: 'socketio' | 'socketio-v3';
  threshold?: string[];
  reportDir?: string;
  json?: boolean;
  allowSaturated?: boolean;
  storm?: 'transport' | 'instance';
  /** Run the scenario on the reference gateway with each adapter and compare. */
  compareAdapters?: boolean;
  /** Reference gateway only: how its instances share broadcasts (streams = with connection state recovery). */
  adapter?: 'pubsub' | 'streams';
}

/** Exit code of a run whose generator was saturated: its numbers measure the generator, not the server. */
export const EXIT_SATURATED = 3;

/** 3 when the generator was saturated (unless allowed), else 0 when every threshold held, else 1. */
export function loadExitCode(thresholdsHeld: boolean, saturated: boolean, allowSaturated: boolean): 0 | 1 | 3 {
  if (saturated && !allowSaturated) return EXIT_SATURATED;
  return thresholdsHeld ? 0 : 1;
}
const SECRET_ENV = 'GATECHECK_LOAD_JWT_SECRET';

export async function loadCommand(scenarioName: string, flags: LoadFlags, logger: Logger): Promise<number> {
  if (!flags.compareAdapters) return (await runLoad(scenarioName, flags, logger)).code;
  return compareAdapters(scenarioName, flags, logger);
}

/**
 * The same scenario against the reference gateway on Redis pub/sub, then on Redis streams with
 * connection state recovery, and the figures side by side: pub/sub cannot give a client back what it
 * missed while away (messages:sync has to), streams can.
 */
async function compareAdapters(scenarioName: string, flags: LoadFlags, logger: Logger): Promise<number> {
  if (flags.target || flags.url?.length || flags.adapter) throw new UsageError('--compare-adapters runs the bundled reference gateway on each adapter: it takes no --target, --url or --adapter');
  const human = flags.json ? process.stderr : process.stdout;
  const sink = new Sink(human);
  const runs: Array<{ adapter: 'pubsub' | 'streams'; code: number; report: LoadReport }> = [];
  for (const adapter of ['pubsub', 'streams'] as const) {
    sink.say(`\n=== adapter: ${adapter} ===\n`);
    const reportDir = flags.reportDir ? join(flags.reportDir, adapter) : undefined;
    const { code, report } = await runLoad(scenarioName, { ...flags, adapter, reportDir, json: false, compareAdapters: false }, logger, human);
    runs.push({ adapter, code, report });
  }
  const comparison = adapterComparison(runs.map((r) => ({ adapter: r.adapter, report: r.report })));
  sink.say(`\n${comparison.table}\n`);
  if (flags.reportDir) await sink.file(flags.reportDir, 'comparison.json', sink.json(comparison.rows));
  if (flags.json) sink.stdout(sink.json({ schemaVersion: 1, kind: 'load-comparison', scenario: scenarioName, runs: comparison.rows }));
  return Math.max(...runs.map((r) => r.code));
}

async function runLoad(scenarioName: string, flags: LoadFlags, logger: Logger, out?: NodeJS.WriteStream): Promise<{ code: number; report: LoadReport }> {
  const root = findProjectRoot();
  const scenario = resolveScenario(root, scenarioName);
  if (flags.threshold?.length) flags.threshold.forEach(parseThreshold); // a typo is exit 2 before anything starts
  const isStorm = scenario.name === 'reconnection-storm';
  const isThroughput = scenario.name === 'throughput';
  if (flags.storm && !isStorm) throw new UsageError('--storm applies to the reconnection-storm scenario only');
  const stormMode = flags.storm ?? (isStorm ? String(scenario.variables.stormMode ?? 'transport') : undefined);
  if (flags.vus !== undefined && flags.connections !== undefined && flags.vus !== flags.connections) {
    throw new UsageError('--vus and --connections are the same knob for this scenario (one VU holds one connection): give one');
  }
  const human = out ?? (flags.json ? process.stderr : process.stdout);
  const sink = new Sink(human);
  if (flags.adapter && (flags.target || flags.url?.length)) throw new UsageError('--adapter chooses how the bundled reference gateway is built: it does not apply to --target/--url');
  const target = await resolveTarget(flags, logger, { rateLimit: null, adapter: flags.adapter });
  const work = await mkdtemp(join(tmpdir(), 'gatecheck-load-'));
  try {
    if (target.config.dialect !== 'chat-service') {
      throw new UsageError(`the load scenarios speak the chat-service protocol (message:send, message:new, messages:sync); ${target.config.dialect} is not supported yet`);
    }
    // Flags, else the target config's load.thresholds for this scenario, else the scenario's defaults.
    const fromConfig = target.config.load?.thresholds[scenario.name];
    const thresholds = (flags.threshold?.length ? flags.threshold : fromConfig?.length ? fromConfig : scenario.defaultThresholds).map(parseThreshold);
    secrets.add(...target.secrets, ...resolveSecretsOf(target.config));
    if (target.warning) sink.say(`note: ${target.warning}\n`);
    if (stormMode === 'instance' && !target.gateway) {
      throw new UsageError('an instance storm kills and restarts a gateway instance: only the bundled reference gateway (no --target/--url) can be');
    }
    // An unreachable target is a target error within seconds, not an Artillery run full of failed VUs.
    await Promise.all(target.config.instances.map((i) => assertReachable(i.url, target.config.socketPath)));
    const { file: targetFile, env } = await processorTarget(target.config, flags.target, work);
    const redisOf = target.config.capabilities.redis;
    if (isStorm && redisOf && !flags.threshold?.length && !fromConfig?.length) thresholds.push(parseThreshold('presence.stale_online == 0'));
    let announced: PlanAnnouncement | undefined;
    let cancelFault = () => {};
    const startedAt = new Date();
    const started = performance.now();
    const say = (line: string) => sink.say(`  [${String(Math.round((performance.now() - started) / 1000)).padStart(3)}s] ${line}\n`);

    const variables = variablesFrom(flags, isThroughput);
    const merged = { ...scenario.variables, ...variables };
    const params = fanoutParameters(merged);
    const steps = isThroughput ? { rates: stepRates(merged), seconds: Number(merged.stepSeconds ?? 3) } : undefined;
    const sendSeconds = steps ? steps.rates.length * steps.seconds : params.sendSeconds;
    const overrides = {
      config: {
        variables,
        phases: [{ name: 'connect', duration: params.rampSeconds, arrivalCount: params.connections }],
        ...(flags.engine === 'socketio-v3' ? { engines: { 'socketio-v3': {} } } : {}),
      },
      ...(flags.engine === 'socketio-v3' ? { scenarios: scenario.scenarios.map((sc) => ({ ...sc, engine: 'socketio-v3' })) } : {}),
    };
    const runSeconds = params.rampSeconds + params.settleSeconds + sendSeconds + params.drainSeconds;
    const offered = steps ? `steps of ${steps.rates.join(', ')} msg/s over all senders, ${steps.seconds} s each` : `${params.ratePerSender} msg/s per sender for ${params.sendSeconds} s`;
    sink.say(`gatecheck load ${scenario.name}: ${params.connections} connections over ${target.config.instances.length} instance(s), ${offered} (engine ${flags.engine})\n`);

    const rawFile = join(work, 'artillery.json');
    const run = await runArtillery({
      projectRoot: root,
      scenarioFile: scenario.path,
      outputFile: rawFile,
      overrides,
      env: { GATECHECK_TARGET: targetFile, GATECHECK_TARGET_URL: target.config.instances[0].url, ...env },
      deadlineMs: (runSeconds + 60) * 1000,
      onProgress: say,
      onPlan: (plan) => {
        announced = plan;
        say(`plan ${plan.runId}: sending ${plan.startAt}..${plan.sendUntil}, VUs end ${plan.endAt} (epoch ms)`);
        if (plan.storm?.mode === 'instance' && target.gateway) cancelFault = scheduleInstanceKill(target.gateway, plan.storm, say);
      },
    });
    cancelFault();
    let raw: ArtilleryOutput;
    try {
      raw = JSON.parse(await readFile(rawFile, 'utf8'));
    } catch {
      throw new TargetError(`Artillery ended (exit ${run.exitCode}) without a report; its last output:\n${secrets.text(run.tail.trim())}`);
    }
    const { metrics, timeline } = summarizeArtillery(raw, target.config.instances.length, steps?.rates, steps?.seconds, params.groupSize);
    if (isStorm && redisOf && announced) metrics.values['presence.stale_online'] = await staleOnline(redisOf.url, redisOf.keys.online, `load-${announced.runId}-`);
    const generator = run.generator(metrics.values['generator.loop_lag_p99_ms.max'] ?? 0);
    const results = evaluateThresholds(thresholds, metrics.values);
    const ok = run.exitCode === 0 && results.every((r) => r.ok);
    const report: LoadReport = {
      schemaVersion: 1,
      kind: 'load',
      scenario: scenario.name,
      target: target.summary,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      // Senders and receivers of a conversation share one process, so latency never crosses clocks (docs/distributed.md).
      parameters: { ...params, engine: flags.engine, latencyClock: 'one generator process', ...(target.summary.source === 'reference' ? { adapter: flags.adapter ?? 'pubsub' } : {}), ...(stormMode ? { stormMode } : {}), ...(steps ? { stepRates: steps.rates.join(','), stepSeconds: steps.seconds } : {}), artilleryExitCode: run.exitCode ?? -1 },
      metrics,
      timeline,
      thresholds: results,
      generator,
      passed: ok && !generator.saturated,
    };
    await new Reporters(sink, loadReporters(sink, { dir: flags.reportDir, stdout: flags.json })).end({ report, raw });
    return { code: loadExitCode(ok, generator.saturated, Boolean(flags.allowSaturated)), report };
  } finally {
    await target.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The command line as scenario variables. For throughput, --rate is the top offered rate (the steps
 * climb to it by doubling) and --duration the length of each step.
 */
function variablesFrom(flags: LoadFlags, throughput: boolean): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  if (flags.storm) out.stormMode = flags.storm;
  const connections = flags.connections ?? flags.vus;
  if (connections !== undefined) out.connections = connections;
  if (flags.ramp !== undefined) out.rampSeconds = flags.ramp;
  if (flags.settle !== undefined) out.settleSeconds = flags.settle;
  if (throughput) {
    if (flags.rate !== undefined) out.stepRates = [16, 8, 4, 2, 1].map((d) => Math.max(1, Math.round(flags.rate! / d))).join(',');
    if (flags.duration !== undefined) out.stepSeconds = flags.duration;
  } else {
    if (flags.rate !== undefined) out.ratePerSender = flags.rate;
    if (flags.duration !== undefined) out.sendSeconds = flags.duration;
  }
  return out;
}

/**
 * The target config file the processor reads (GATECHECK_TARGET). A user's file is passed as is; for
 * the reference gateway (or --url) gatecheck writes one whose signing secret travels by env, never on disk.
 */
async function processorTarget(config: TargetConfig, userFile: string | undefined, dir: string): Promise<{ file: string; env: Record<string, string> }> {
  if (userFile) return { file: userFile, env: {} };
  const env: Record<string, string> = {};
  const copy = structuredClone(config);
  if (copy.auth.mint && typeof copy.auth.mint.secret === 'string') {
    env[SECRET_ENV] = copy.auth.mint.secret;
    copy.auth.mint.secret = { env: SECRET_ENV };
  }
  const file = join(dir, 'target.json');
  await writeFile(file, JSON.stringify(copy), { mode: 0o600 });
  return { file, env };
}


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
