import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TargetError } from '../errors.js';
import { log } from '../log.js';
import { killOnExit } from '../processes/child-reaper.js';
import { killWhenOrphaned } from '../processes/orphan-watchdog.js';
import { watchGenerator } from './generator-watch.js';
import { PLAN_LINE } from './fanout-vu.js';
import { sketchP99 } from './fold-sketches.js';
import { periodEndOf, phasesBetween } from './progress-phase.js';
import type { GeneratorHealth } from '../model/load.js';
import type { StormSchedule } from './plan.js';

export interface ArtilleryRunOptions {
  projectRoot: string;
  scenarioFile: string;
  outputFile: string;
  /** Deep-merged into the script (`--overrides`): variables, phases, engine. */
  overrides: Record<string, unknown>;
  env: Record<string, string>;
  /** Kill the run after this long (the scenario's own length plus a margin). */
  deadlineMs: number;
  onProgress(line: string): void;
  /** The schedule the scenario's before hook printed (see PLAN_LINE). */
  onPlan?(plan: PlanAnnouncement): void;
  /** The run's temp directory: removed by the orphan watchdog should gatecheck be SIGKILLed. */
  workDir?: string;
  /** Aborting kills Artillery (gatecheck got SIGINT/SIGTERM). */
  abort?: AbortSignal;
}

export interface PlanAnnouncement {
  runId: string;
  startAt: number;
  sendUntil: number;
  endAt: number;
  storm?: StormSchedule;
}

export interface ArtilleryRunResult {
  exitCode: number | null;
  /** The last lines Artillery wrote, for the error message when it failed. */
  tail: string;
  generator: (loopLagP99Ms: number, sendLagP99Ms?: number) => GeneratorHealth;
}

const SCENARIO_PREFIXES = ['fanout', 'storm', 'throughput', 'presence'];

/** What a period delivered: the scenario's receipts; the presence storm counts userOnline and userOffline apart. */
function receivedIn(block: Record<string, string>): number {
  const scenario = SCENARIO_PREFIXES.map((p) => block[`${p}.received`]).find((v) => v !== undefined);
  if (scenario !== undefined) return Number(scenario);
  return ['presence.online.received', 'presence.offline.received'].reduce((sum, name) => sum + Number(block[name] ?? 0), 0);
}

/**
 * What every run adds to the script: the no-op plugin whose `suppressOutput` keeps gatecheck's own
 * counters (HIDDEN_PREFIX) off Artillery's console (see artillery-plugin-gatecheck/).
 */
export function withHiddenCounters(overrides: Record<string, unknown>): Record<string, unknown> {
  const config = (overrides.config ?? {}) as Record<string, unknown>;
  const plugins = (config.plugins ?? {}) as Record<string, unknown>;
  return { ...overrides, config: { ...config, plugins: { ...plugins, gatecheck: { suppressOutput: true } } } };
}

/** Where Artillery finds artillery-plugin-gatecheck: beside this module, after any path the user set. */
const pluginPath = () => [process.env.ARTILLERY_PLUGIN_PATH, dirname(fileURLToPath(import.meta.url))].filter(Boolean).join(':');

const artilleryBin = () => join(dirname(createRequire(import.meta.url).resolve('artillery/package.json')), 'bin', 'run');

/** Runs `artillery run --config artillery.yml SCENARIO` as a child process, watching it and its output. */
export async function runArtillery(opts: ArtilleryRunOptions): Promise<ArtilleryRunResult> {
  const args = [artilleryBin(), 'run', '--config', join(opts.projectRoot, 'artillery.yml'), opts.scenarioFile, '--output', opts.outputFile, '--overrides', JSON.stringify(withHiddenCounters(opts.overrides))];
  const child = spawn(process.execPath, args, {
    cwd: opts.projectRoot,
    env: { ...process.env, ...opts.env, ARTILLERY_PLUGIN_PATH: pluginPath(), ARTILLERY_DISABLE_TELEMETRY: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  if (!child.pid) throw new TargetError('could not start Artillery');
  // Its workers are threads of this one process: killing it, however gatecheck ends, leaves none running.
  killWhenOrphaned(child, opts.workDir);
  const onAbort = () => child.kill('SIGKILL');
  opts.abort?.addEventListener('abort', onAbort, { once: true });
  log().debug({ pid: child.pid, command: [process.execPath, ...args].join(' '), env: Object.keys(opts.env) }, 'artillery started');
  const watch = watchGenerator(child.pid);
  const progress = progressParser(opts.onProgress, (json) => {
    try {
      opts.onPlan?.(JSON.parse(json) as PlanAnnouncement);
    } catch {
      opts.onProgress(`could not read the scenario's plan line: ${json.slice(0, 200)}`);
    }
  });
  let tail = '';
  const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-4000));
  child.stdout.on('data', (d: Buffer) => (keep(d), progress(d.toString())));
  child.stderr.on('data', (d: Buffer) => (keep(d), progress(d.toString())));
  const timer = setTimeout(() => {
    tail += `\n[gatecheck] Artillery still running after ${Math.round(opts.deadlineMs / 1000)} s: killed`;
    child.kill('SIGKILL');
  }, opts.deadlineMs);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  opts.abort?.removeEventListener('abort', onAbort);
  return { exitCode, tail, generator: (lag, sendLag) => watch.stop(lag, sendLag) };
}

function parsePlan(json: string): PlanAnnouncement | undefined {
  try {
    return JSON.parse(json) as PlanAnnouncement;
  } catch {
    return undefined;
  }
}

const numbers = (block: Record<string, string>) => Object.fromEntries(Object.entries(block).map(([k, v]) => [k, Number(v)]));

/**
 * Artillery prints a metrics block per reporting period; this turns each into one progress line:
 * phase, connections, deliveries a second and the period's fan-out p99.
 */
export function progressParser(emit: (line: string) => void, plan: (json: string) => void) {
  let buffer = '';
  let phase = 'starting';
  let block: Record<string, string> = {};
  let inLatency = false;
  let width = 10;
  let announced: PlanAnnouncement | undefined;
  let periodEnd: number | undefined;
  let summary = false;
  const flush = () => {
    if (!Object.keys(block).length) return;
    const of = (metric: string) => SCENARIO_PREFIXES.map((p) => block[`${p}.${metric}`]).find((v) => v !== undefined);
    const received = receivedIn(block);
    // The run's own phase (connecting, sending, storm, draining) once the plan is known; Artillery's before.
    // Artillery's periods are 10 s, labelled by their end.
    const end = periodEnd ?? Date.now();
    const parts = [summary ? 'whole run' : announced ? phasesBetween(announced, end - 10_000, end) : `phase ${phase}`];
    if (of('connected')) parts.push(`${of('connected')} connected`);
    if (block['reconnect.reconnected']) parts.push(`${block['reconnect.reconnected']} reconnected`);
    if (block['vusers.failed'] && block['vusers.failed'] !== '0') parts.push(`${block['vusers.failed']} VUs failed`);
    parts.push(`${Math.round(received / width)} deliveries/s`);
    const p99 = block.p99 ?? SCENARIO_PREFIXES.map((p) => sketchP99(numbers(block), `${p}.latency_ms`)).find((v) => v !== undefined);
    if (p99 !== undefined) parts.push(`p99 ${p99} ms`);
    emit(parts.join(' · '));
    block = {};
    periodEnd = undefined;
  };
  return (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith(PLAN_LINE)) {
        announced = parsePlan(line.slice(PLAN_LINE.length));
        plan(line.slice(PLAN_LINE.length));
        continue;
      }
      if (/^Summary report/.test(line)) (flush(), (summary = true));
      const started = /^Phase started: (\S+)/.exec(line);
      if (started) phase = started[1];
      const period = /^Metrics for period to: .*\(width: ([\d.]+)s\)/.exec(line);
      if (period) {
        flush();
        width = Number(period[1]) || 10;
        periodEnd = periodEndOf(line);
      }
      if (/^-{5,}/.test(line) || /^All VUs finished/.test(line)) flush();
      const counter = /^([\w.]+): \.+ (\S+)$/.exec(line);
      if (counter) block[counter[1]] = counter[2];
      if (new RegExp(`^(${SCENARIO_PREFIXES.join('|')})\\.latency_ms:$`).test(line)) inLatency = true;
      else if (/^\S/.test(line)) inLatency = false;
      const p99 = /^\s+p99: \.+ (\S+)$/.exec(line);
      if (p99 && inLatency) block.p99 = p99[1];
      if (/error|Error/.test(line) && !/errors\./.test(line)) emit(line.trim());
    }
  };
}
