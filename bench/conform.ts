/**
 * npm run bench:conform — wall time of the whole chat-service suite against the warm reference gateway,
 * beside the sum of case times (what a serial run would cost) and the time spent proving absences.
 * Figures, not a pass/fail: this machine is shared and noisy. Each run starts with conform's preflight
 * (the doctor's fast checks), timed apart and within the wall time, as `gatecheck conform` runs it.
 */
import { runConformance } from '../src/conformance/conform.js';
import { runPreflight } from '../src/doctor/preflight.js';
import { chatServiceModule } from '../src/dialects/chat-service/index.js';
import { createLogger } from '../src/log.js';
import { startReferenceTarget } from '../src/reference/target.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const logger = createLogger('warn');
const target = await startReferenceTarget({ module: chatServiceModule, logger });
try {
  await runConformance({ suite: chatServiceModule, config: target.config, target: target.summary }); // warm-up: JIT, connections, Redis
  const rows = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const checks = await runPreflight(target.config, chatServiceModule.dialect(target.config.events));
    const preflight = Math.round(performance.now() - started);
    if (checks.some((c) => c.status === 'fail')) throw new Error(`the preflight refused the reference gateway: ${JSON.stringify(checks)}`);
    const r = await runConformance({ suite: chatServiceModule, config: target.config, target: target.summary });
    const caseSum = r.cases.reduce((t, c) => t + c.durationMs, 0);
    const absence = r.cases.reduce((t, c) => t + c.absenceMs, 0);
    rows.push({ wall: r.durationMs + preflight, preflight, caseSum, absence, ok: r.summary.passed === r.summary.total, total: r.summary.total });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const wall = median(rows.map((r) => r.wall));
  const caseSum = median(rows.map((r) => r.caseSum));
  const absence = median(rows.map((r) => r.absence));
  const preflight = median(rows.map((r) => r.preflight));
  console.log(`reference gateway: ${target.summary.instances.length} instance(s), redis: ${target.summary.redis}`);
  console.log(`cases: ${rows[0].total}; every run all passed: ${rows.every((r) => r.ok)}`);
  for (const [i, r] of rows.entries()) console.log(`run ${i + 1}: wall ${r.wall} ms (preflight ${r.preflight} ms), sum of case times ${r.caseSum} ms, absence proofs ${r.absence} ms`);
  console.log(`median wall time of the suite, preflight included: ${wall} ms (design target < 5000 ms); median preflight: ${preflight} ms`);
  console.log(`median sum of case times: ${caseSum} ms -> concurrency speed-up ${(caseSum / wall).toFixed(1)}x over a serial run`);
  console.log(`median time proving absences (barriers + grace): ${absence} ms = ${((absence / caseSum) * 100).toFixed(0)}% of case time`);
} finally {
  await target.stop();
}
