import { assertAnswering } from '../client/reachability.js';
import { processAlive } from '../client/process-memory.js';
import { runConformance } from '../conformance/conform.js';
import type { CaseStatus } from '../conformance/types.js';
import type { DialectModule } from '../dialects/types.js';
import { summarize, type CaseResult, type ConformanceReport } from '../model/conformance.js';
import type { StartedTarget } from '../reference/target.js';

/**
 * The robustness suite against one reference gateway, for the kill matrix: each case alone, on an
 * instance restarted first if an earlier attack brought it down (a mutant that kills the process must
 * be killed by its own case, not leave every later case errored). Failed and errored cases then run
 * once more, alone, with the attacked instance restarted. `only`: just that case (a mutant's own attack).
 */
export async function runEachAlone(module: DialectModule, target: StartedTarget, only?: string): Promise<{ report: ConformanceReport; rerun: ReadonlyMap<string, CaseStatus> }> {
  const startedAt = new Date();
  const started = performance.now();
  const ids = module.robustness.map((c) => c.id).filter((id) => only === undefined || id === only);
  if (ids.length === 0) throw new Error(`no robustness case ${only}`);
  const cases: CaseResult[] = [];
  for (const id of ids) cases.push(await runAlone(module, target, id));
  const rerun = new Map<string, CaseStatus>();
  for (const c of cases.filter((c) => c.status === 'failed' || c.status === 'errored')) {
    // On a fresh process: memory the first attack made the target take stays resident and would hide a second growth.
    await restartAttacked(target);
    rerun.set(c.id, (await runAlone(module, target, c.id)).status);
  }
  const report: ConformanceReport = {
    schemaVersion: 1,
    kind: 'conformance',
    dialect: module.name,
    target: target.summary,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    strict: false,
    summary: summarize(cases),
    cases,
  };
  return { report, rerun };
}

async function runAlone(module: DialectModule, target: StartedTarget, id: string): Promise<CaseResult> {
  await reviveDeadInstances(target);
  const report = await runConformance({ suite: module, config: target.config, target: target.summary, filter: [id] });
  const result = report.cases.find((c) => c.id === id);
  if (!result) throw new Error(`the robustness case ${id} was not selected by its own id`);
  return result;
}

/** The attacked instance (the first: every offender connects there) on a fresh process. */
async function restartAttacked(target: StartedTarget): Promise<void> {
  const instance = target.gateway?.instances[0];
  if (!instance) return;
  await withRetries(() => instance.restart());
  target.config.instances[0].pid = instance.pid;
}

/** A gateway slow to print READY on a busy machine (the launcher waits 10 s) is started again, twice at most. */
async function withRetries(start: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

async function reviveDeadInstances(target: StartedTarget): Promise<void> {
  const instances = target.gateway?.instances ?? [];
  await Promise.all(
    instances.map(async (instance, i) => {
      const config = target.config.instances[i];
      const up = processAlive(instance.pid) && (await assertAnswering(config.url, target.config.socketPath, 5000).then(() => true, () => false));
      if (up) return;
      // Once more when the new process is slow to print READY on a busy machine.
      await withRetries(() => instance.restart());
      config.pid = instance.pid;
    }),
  );
}
