import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadProfile } from '../profiles/load.js';
import type { Logger } from 'pino';
import type { TargetConfig } from '../config/schema.js';
import { ConfigError, UsageError } from '../errors.js';
import { runArtillery, type PlanAnnouncement } from '../load/artillery-run.js';
import { finerPeriods } from '../load/metric-batch.js';
import { assertReachable } from '../client/reachability.js';
import type { LoadReport } from '../model/load.js';
import { ConnectPhase, MAX_PHASE_MS } from '../load/connect-phase.js';
import { fanoutParameters } from '../load/plan.js';
import { artilleryFailure, LoadInterrupted, LoadRunError } from '../load/run-failure.js';
import { resolveScenario } from '../load/scenario.js';
import { loadScenario, scenarioFileFor } from '../load/scenarios/index.js';
import { loadTargetConfig } from '../config/load.js';
import { connectionValues, summarizeArtillery, type ArtilleryOutput } from '../load/summarize.js';
import { evaluateThresholds, parseThreshold } from '../load/thresholds.js';
import { parseChangeThreshold } from '../load/change-thresholds.js';
import { compareLoads } from '../load/compare.js';
import { readLoadReport } from '../load/read-report.js';
import { chooseFormats } from '../report/formats.js';
import { adapterComparison } from '../report/load-console.js';
import { refuseDifferentRuns } from './compare.js';
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
  /** Transport storm: seconds over which the receivers' retries spread after the outage. */
  reconnectSpread?: number;
  /** Run the scenario on the reference gateway with each adapter and compare. */
  compareAdapters?: boolean;
  /** Reference gateway only: how its instances share broadcasts (streams = with connection state recovery). */
  adapter?: 'pubsub' | 'streams';
  reporter?: string[];
  /** A previous report.json of the same scenario and parameters: compare this run with it. */
  baseline?: string;
  /** Change thresholds against --baseline (default: the scenario's, see change-thresholds.ts). */
  changeThreshold?: string[];
  /** Compare with --baseline even when the runs' parameters differ. */
  allowDifferent?: boolean;
  /** Local addresses to spread the VUs' client sockets over (range, list or count). */
  sourceAddresses?: string;
  /** How the target differs from its document (a shipped profile's name or a file); the workers apply it. */
  profile?: string;
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
  // Ctrl-C or a SIGTERM: Artillery is killed, the gateway stopped and the temp dir removed (the
  // finally blocks run), then gatecheck exits 130. A SIGKILL is the orphan watchdogs' job.
  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    if (!flags.compareAdapters) return (await runLoad(scenarioName, flags, logger, undefined, interrupted.signal)).code;
    return await compareAdapters(scenarioName, flags, logger, interrupted.signal);
  } catch (err) {
    if (err instanceof LoadInterrupted) {
      process.stderr.write('gatecheck: interrupted; Artillery stopped, the gateway stopped, temp files removed\n');
      return 130;
    }
    if (!(err instanceof LoadRunError)) throw err;
    process.stderr.write(`gatecheck: ${secrets.text(err.message)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

/**
 * The same scenario against the reference gateway on Redis pub/sub, then on Redis streams with
 * connection state recovery, and the figures side by side: pub/sub cannot give a client back what it
 * missed while away (messages:sync has to), streams can.
 */
async function compareAdapters(scenarioName: string, flags: LoadFlags, logger: Logger, abort: AbortSignal): Promise<number> {
  if (flags.target || flags.url?.length || flags.adapter) throw new UsageError('--compare-adapters runs the bundled reference gateway on each adapter: it takes no --target, --url or --adapter');
  if (flags.baseline) throw new UsageError('--compare-adapters compares two adapters with each other: it takes no --baseline');
  const human = flags.json ? process.stderr : process.stdout;
  const sink = new Sink(human);
  const runs: Array<{ adapter: 'pubsub' | 'streams'; code: number; report: LoadReport }> = [];
  for (const adapter of ['pubsub', 'streams'] as const) {
    if (abort.aborted) break;
    sink.say(`\n=== adapter: ${adapter} ===\n`);
    const reportDir = flags.reportDir ? join(flags.reportDir, adapter) : undefined;
    const { code, report } = await runLoad(scenarioName, { ...flags, adapter, reportDir, json: false, compareAdapters: false }, logger, human, abort);
    runs.push({ adapter, code, report });
  }
  const comparison = adapterComparison(runs.map((r) => ({ adapter: r.adapter, report: r.report })));
  sink.say(`\n${comparison.table}\n`);
  if (flags.reportDir) await sink.file(flags.reportDir, 'comparison.json', sink.json(comparison.rows));
  if (flags.json) sink.stdout(sink.json({ schemaVersion: 1, kind: 'load-comparison', scenario: scenarioName, runs: comparison.rows }));
  return Math.max(...runs.map((r) => r.code));
}

async function runLoad(scenarioName: string, flags: LoadFlags, logger: Logger, out?: NodeJS.WriteStream, abort?: AbortSignal): Promise<{ code: number; report: LoadReport }> {
  const root = findProjectRoot();
  // The target's dialect picks the scenario file: a Kraken target runs scenarios/kraken-NAME.yml.
  const dialect = flags.dialect ?? (flags.target ? (await loadTargetConfig(flags.target)).dialect : 'chat-service');
  const file = resolveScenario(root, scenarioFileFor(scenarioName, dialect));
  const scenario = loadScenario(file.name);
  if (flags.threshold?.length) flags.threshold.forEach(parseThreshold); // a typo is exit 2 before anything starts
  flags.changeThreshold?.forEach(parseChangeThreshold);
  if (flags.changeThreshold?.length && !flags.baseline) throw new UsageError('--change-threshold compares with a previous run: give --baseline BASE.json');
  const formats = chooseFormats(flags, ['json', 'html']);
  const base = flags.baseline ? await readLoadReport(flags.baseline) : undefined;
  if (flags.vus !== undefined && flags.connections !== undefined && flags.vus !== flags.connections) {
    throw new UsageError('--vus and --connections are the same knob for this scenario (one VU holds one connection): give one');
  }
  if (flags.adapter && (flags.target || flags.url?.length)) throw new UsageError('--adapter chooses how the bundled reference gateway is built: it does not apply to --target/--url');
  const variables = scenario.variables(flags);
  const merged = { ...file.variables, ...variables };
  scenario.checkFlags(flags, { reference: !flags.target && !flags.url?.length, vars: merged });
  const sink = new Sink(out ?? (flags.json ? process.stderr : process.stdout));
  const target = await resolveTarget(flags, logger, { rateLimit: null, adapter: flags.adapter, extraArgs: scenario.referenceArgs });
  const work = await mkdtemp(join(tmpdir(), 'gatecheck-load-'));
  try {
    if (target.config.dialect !== (scenario.dialect ?? 'chat-service')) {
      throw new UsageError(`scenarios/${file.name}.yml speaks the ${scenario.dialect ?? 'chat-service'} protocol; the target speaks ${target.config.dialect}`);
    }
    // The chat-service VUs join the connection phase (src/load/connect-phase.ts); the Kraken ones keep their schedule.
    const phased = (scenario.dialect ?? 'chat-service') === 'chat-service';
    if (phased && !target.config.rest?.createConversation) {
      throw new ConfigError(`the ${scenario.name} scenario creates its conversations through the target's REST API, and this target declares no rest.createConversation${flags.url?.length ? ' (--url gives only socket URLs: write a target config with `gatecheck init` and pass it with --target)' : ''}`);
    }
    // Flags, else the target config's load.thresholds for this scenario, else the scenario's defaults.
    const fromConfig = target.config.load?.thresholds[scenario.name];
    const chosen = flags.threshold?.length ? flags.threshold : fromConfig?.length ? fromConfig : [...scenario.defaultThresholds, ...(scenario.thresholdsFor?.(target.config) ?? [])];
    const thresholds = chosen.map(parseThreshold);
    secrets.add(...target.secrets, ...resolveSecretsOf(target.config));
    if (target.warning) sink.say(`note: ${target.warning}\n`);
    // A profile that does not load is a config error now, not a crash in every Artillery worker.
    const profileRefGiven = flags.profile ?? target.config.profile;
    if (profileRefGiven) {
      const profile = await loadProfile(profileRefGiven, target.config.dialect, flags.target ? dirname(resolve(flags.target)) : process.cwd());
      sink.say(`profile ${profile.name}: the load VUs send what it says this server wants\n`);
    }
    // An unreachable target is a target error within seconds, not an Artillery run full of failed VUs.
    await Promise.all(target.config.instances.map((i) => assertReachable(i.url, target.config.socketPath)));
    const { file: targetFile, env } = await processorTarget(target.config, flags.target, work);
    const startedAt = new Date();
    const started = performance.now();
    const say = (line: string) => sink.say(`  [${String(Math.round((performance.now() - started) / 1000)).padStart(3)}s] ${line}\n`);
    const run = { config: target.config, gateway: target.gateway, say };

    const params = fanoutParameters(merged);
    const sending = scenario.sending(merged, params);
    // Sending starts once every VU connected (or the deadline passed); unless asked, the settle adapts to
    // how long connecting took (adaptiveSettleMs). The Kraken VUs keep the planned schedule and its settle.
    const settleMs = phased ? (flags.settle !== undefined ? flags.settle * 1000 : 'adaptive') : params.settleSeconds * 1000;
    const parameters = { ...params, settleSeconds: settleMs === 'adaptive' ? 'adaptive' : settleMs / 1000, engine: flags.engine, latencyClock: 'one generator process', ...(target.summary.source === 'reference' ? { adapter: flags.adapter ?? 'pubsub' } : {}), ...sending.parameters };
    // A baseline of another shape is refused before any load is generated.
    if (base) refuseDifferentRuns(base, { scenario: scenario.name, target: target.summary, parameters }, Boolean(flags.allowDifferent), flags.baseline!);
    let announced: PlanAnnouncement | undefined;
    let sendingStartsAt: number | undefined;
    let cancelFault = () => {};
    const scheduleFault = () => {
      if (!announced || sendingStartsAt === undefined) return;
      const shift = sendingStartsAt - announced.startAt;
      const plan = { ...announced, startAt: sendingStartsAt, sendUntil: announced.sendUntil + shift, endAt: announced.endAt + shift, ...(announced.storm ? { storm: { ...announced.storm, at: announced.storm.at + shift } } : {}) };
      cancelFault = scenario.onPlan?.(plan, run) ?? cancelFault;
    };
    const phase = !phased ? undefined : new ConnectPhase({
      planned: params.connections,
      instances: target.config.instances.length,
      rampMs: params.rampSeconds * 1000,
      connectMs: target.config.timeouts.connectMs,
      settleMs,
      connectsPerSecond: target.config.limits.connectsPerSecond,
      onRelease: (startAt, results) => {
        say(describeConnectPhase(results));
        sendingStartsAt = startAt;
        scheduleFault();
      },
    });
    const phaseUrl = phase ? await phase.start() : undefined;
    const overrides = {
      config: {
        variables,
        phases: [{ name: 'connect', duration: params.rampSeconds, arrivalCount: params.connections }],
        ...(flags.engine === 'socketio-v3' ? { engines: { 'socketio-v3': {} } } : {}),
      },
      ...(flags.engine === 'socketio-v3' ? { scenarios: file.scenarios.map((sc) => ({ ...sc, engine: 'socketio-v3' })) } : {}),
    };
    const runSeconds = params.rampSeconds + params.settleSeconds + sending.seconds + params.drainSeconds;
    sink.say(`gatecheck load ${scenario.name}: ${params.connections} connections over ${target.config.instances.length} instance(s), ${sending.describe} (engine ${flags.engine})\n`);

    const rawFile = join(work, 'artillery.json');
    const artillery = await runArtillery({
      projectRoot: root,
      scenarioFile: file.path,
      outputFile: rawFile,
      overrides,
      // The engine's own connection goes to the phase's placeholder Socket.IO server, not the target.
      env: {
        GATECHECK_TARGET: targetFile,
        GATECHECK_TARGET_URL: phaseUrl ?? target.config.instances[0].url,
        ...(phaseUrl ? { GATECHECK_COORDINATOR_URL: phaseUrl } : {}),
        ...finerPeriods(runSeconds),
        ...(flags.profile ? { GATECHECK_PROFILE: profileRef(flags.profile) } : {}),
        ...env,
      },
      deadlineMs: (runSeconds + 60) * 1000 + (phase ? MAX_PHASE_MS : 0),
      workDir: work,
      abort,
      onProgress: say,
      onPlan: (plan) => {
        announced = plan;
        if (phase) say(`plan ${plan.runId}: the connection phase starts; sending ${Math.round((plan.sendUntil - plan.startAt) / 1000)} s once every VU is connected`);
        // The Kraken VUs keep the planned schedule: the storm hits when the plan says.
        else sendingStartsAt = plan.startAt;
        scheduleFault();
      },
    }).finally(() => phase?.stop());
    cancelFault();
    if (abort?.aborted) throw new LoadInterrupted();
    const connection = phase?.results();
    let raw: ArtilleryOutput;
    try {
      raw = JSON.parse(await readFile(rawFile, 'utf8'));
    } catch {
      throw artilleryFailure(artillery.exitCode, artillery.tail);
    }
    const { metrics, timeline } = summarizeArtillery(raw, { prefix: scenario.prefix, instanceCount: target.config.instances.length, steps: sending.steps, groupSize: params.groupSize });
    if (connection) Object.assign(metrics.values, connectionValues(connection));
    if (announced && scenario.afterRun) Object.assign(metrics.values, await scenario.afterRun(announced, run));
    const generator = artillery.generator(metrics.values['generator.loop_lag_p99_ms.max'] ?? 0, metrics.histograms['generator.send_lag_ms']?.p99);
    const results = evaluateThresholds(thresholds, metrics.values);
    const ok = artillery.exitCode === 0 && results.every((r) => r.ok);
    const report: LoadReport = {
      schemaVersion: 1,
      kind: 'load',
      scenario: scenario.name,
      target: target.summary,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      // Senders and receivers of a conversation share one process, so latency never crosses clocks (docs/distributed.md).
      parameters: { ...parameters, artilleryExitCode: artillery.exitCode ?? -1 },
      metrics,
      timeline,
      connection,
      thresholds: results,
      generator,
      passed: ok && !generator.saturated,
    };
    const comparison = base ? compareLoads(base, report, { base: flags.baseline!, head: 'this run' }, flags.changeThreshold) : undefined;
    await new Reporters(sink, loadReporters(sink, formats, { dir: flags.reportDir, stdout: flags.json, section: scenario.consoleSection })).end({ report, raw, comparison });
    return { code: loadExitCode(ok && (comparison?.passed ?? true), generator.saturated, Boolean(flags.allowSaturated)), report };
  } finally {
    await target.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** A profile file is handed to the workers as an absolute path (they run elsewhere); a name as it is. */
function profileRef(ref: string): string {
  return /[\\/]|\.(ya?ml|json)$/.test(ref) ? resolve(ref) : ref;
}

/** The console line that ends the connection phase: what it measured and how it paced the ramp. */
function describeConnectPhase(r: ReturnType<ConnectPhase['results']>): string {
  const pacing = r.connectsPerSecondLimit ? `at most ${r.connectsPerSecondLimit} connects/s per instance (limits.connectsPerSecond)` : `paced by connect latency: up to ${r.peakHandshakesInFlight} handshake${r.peakHandshakesInFlight === 1 ? '' : 's'} in flight per instance`;
  const latency = r.latencyMs ? `connect p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, max ${r.latencyMs.max} ms` : 'no handshake completed';
  const phaseS = r.phaseMs === undefined ? '' : ` in ${(r.phaseMs / 1000).toFixed(1)} s`;
  const missing = [r.refused && `${r.refused} refused`, r.timedOut && `${r.timedOut} timed out`, r.neverReported && `${r.neverReported} not yet connected`].filter(Boolean);
  return `connection phase: ${r.connected} of ${r.planned} connected${phaseS} (${pacing}; ${latency})${missing.length ? `; ${missing.join(', ')}` : ''}; sending starts in ${((r.settleMs ?? 0) / 1000).toFixed(1)} s${r.settleAdaptive ? ' (settle: half the connection phase, 1-10 s; --settle fixes it)' : ''}`;
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



