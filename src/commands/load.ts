import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { TargetConfig } from '../config/schema.js';
import { TargetError, UsageError } from '../errors.js';
import { runArtillery } from '../load/artillery-run.js';
import type { LoadReport } from '../load/model.js';
import { fanoutParameters } from '../load/plan.js';
import { resolveScenario } from '../load/scenario.js';
import { summarizeArtillery, type ArtilleryOutput } from '../load/summarize.js';
import { evaluateThresholds, parseThreshold } from '../load/thresholds.js';
import { printLoadSummary } from '../load/console.js';
import { renderLoadHtml } from '../report/load-html.js';
import { Redactor } from '../report/redact.js';
import { findProjectRoot } from '../target/project-root.js';
import { resolveSecretsOf } from './secrets.js';
import { resolveTarget, type TargetFlags } from './target-options.js';

export interface LoadFlags extends TargetFlags {
  vus?: number;
  connections?: number;
  rate?: number;
  duration?: number;
  engine: 'socketio' | 'socketio-v3';
  threshold?: string[];
  reportDir?: string;
  json?: boolean;
  allowSaturated?: boolean;
}

/** Exit code of a run whose generator was saturated: its numbers measure the generator, not the server. */
export const EXIT_SATURATED = 3;
const SECRET_ENV = 'GATECHECK_LOAD_JWT_SECRET';

export async function loadCommand(scenarioName: string, flags: LoadFlags, logger: Logger): Promise<number> {
  const root = findProjectRoot();
  const scenario = resolveScenario(root, scenarioName);
  const thresholds = (flags.threshold?.length ? flags.threshold : scenario.defaultThresholds).map(parseThreshold);
  if (flags.vus !== undefined && flags.connections !== undefined && flags.vus !== flags.connections) {
    throw new UsageError('--vus and --connections are the same knob for this scenario (one VU holds one connection): give one');
  }
  const human = flags.json ? process.stderr : process.stdout;
  const redactor = new Redactor();
  const target = await resolveTarget(flags, logger, { rateLimit: null });
  const work = await mkdtemp(join(tmpdir(), 'gatecheck-load-'));
  try {
    redactor.add(...target.secrets, ...resolveSecretsOf(target.config));
    if (target.warning) human.write(`note: ${target.warning}\n`);
    const { file: targetFile, env } = await processorTarget(target.config, flags.target, work);

    const params = fanoutParameters({ ...scenario.variables, ...variablesFrom(flags) });
    const overrides = {
      config: {
        variables: variablesFrom(flags),
        phases: [{ name: 'connect', duration: params.rampSeconds, arrivalCount: params.connections }],
        ...(flags.engine === 'socketio-v3' ? { engines: { 'socketio-v3': {} } } : {}),
      },
      ...(flags.engine === 'socketio-v3' ? { scenarios: scenario.scenarios.map((sc) => ({ ...sc, engine: 'socketio-v3' })) } : {}),
    };
    const runSeconds = params.rampSeconds + params.settleSeconds + params.sendSeconds + params.drainSeconds;
    human.write(`gatecheck load ${scenario.name}: ${params.connections} connections over ${target.config.instances.length} instance(s), ${params.ratePerSender} msg/s per sender for ${params.sendSeconds} s (engine ${flags.engine})\n`);

    const startedAt = new Date();
    const started = performance.now();
    const rawFile = join(work, 'artillery.json');
    const run = await runArtillery({
      projectRoot: root,
      scenarioFile: scenario.path,
      outputFile: rawFile,
      overrides,
      env: { GATECHECK_TARGET: targetFile, GATECHECK_TARGET_URL: target.config.instances[0].url, ...env },
      deadlineMs: (runSeconds + 60) * 1000,
      onProgress: (line) => human.write(redactor.text(`  [${String(Math.round((performance.now() - started) / 1000)).padStart(3)}s] ${line}\n`)),
    });
    let raw: ArtilleryOutput;
    try {
      raw = JSON.parse(await readFile(rawFile, 'utf8'));
    } catch {
      throw new TargetError(`Artillery ended (exit ${run.exitCode}) without a report; its last output:\n${redactor.text(run.tail.trim())}`);
    }
    const { metrics, timeline } = summarizeArtillery(raw, target.config.instances.length);
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
      parameters: { ...params, engine: flags.engine, artilleryExitCode: run.exitCode ?? -1 },
      metrics,
      timeline,
      thresholds: results,
      generator,
      passed: ok && !generator.saturated,
    };
    printLoadSummary(human, report);
    if (flags.reportDir) {
      await mkdir(flags.reportDir, { recursive: true });
      await writeFile(join(flags.reportDir, 'report.json'), redactor.json(report, 2) + '\n');
      await writeFile(join(flags.reportDir, 'artillery.json'), redactor.json(raw, 2) + '\n');
      const written = ['report.json', 'artillery.json'];
      await writeFile(join(flags.reportDir, 'report.html'), redactor.text(renderLoadHtml(report)));
      written.push('report.html');
      human.write(`reports: ${written.map((f) => join(flags.reportDir!, f)).join(', ')}\n`);
    }
    if (flags.json) process.stdout.write(redactor.json(report, 2) + '\n');
    if (generator.saturated && !flags.allowSaturated) return EXIT_SATURATED;
    return ok ? 0 : 1;
  } finally {
    await target.stop();
    await rm(work, { recursive: true, force: true });
  }
}

function variablesFrom(flags: LoadFlags): Record<string, number> {
  const out: Record<string, number> = {};
  const connections = flags.connections ?? flags.vus;
  if (connections !== undefined) out.connections = connections;
  if (flags.rate !== undefined) out.ratePerSender = flags.rate;
  if (flags.duration !== undefined) out.sendSeconds = flags.duration;
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

