import type { TargetConfig } from '../config/schema.js';

/**
 * Connections a case opens, measured on the reference gateways (report timelines: chat-service 2.2 on
 * average, Kraken 2.4; at most 4 in either). Deadlines are upper bounds, so they take the rounder figures.
 */
const CONNECTS_PER_CASE = 2.5;
const MOST_CONNECTS_PER_CASE = 4;
/** Room beyond the estimate: pacing is not the only thing a run waits for. */
const RUN_MARGIN = 1.25;

export interface PacedDeadlines {
  config: TargetConfig;
  /** Set when the pacing raised a deadline: what it will take and why, to print before the run. */
  note?: string;
}

/**
 * With limits.connectsPerSecond declared, every connection waits its turn, so a case's deadline must
 * cover its own connections queued behind those of the cases running beside it, and the run's must
 * cover every case's. Deadlines too short for that are raised (and the run says so) rather than
 * reported later as cases that ran out of time.
 */
export function paceDeadlines(config: TargetConfig, caseCount: number): PacedDeadlines {
  const rate = config.limits.connectsPerSecond;
  if (rate <= 0 || caseCount === 0) return { config };
  const fixedWorld = config.kraken !== undefined && 'fixed' in config.kraken.world;
  const concurrency = Math.min(fixedWorld ? 1 : config.limits.concurrency, caseCount);
  const { caseMs, runMs } = config.timeouts;
  // A case's connections queue behind those of the cases beside it; under a second of that is noise.
  const queueMs = Math.ceil((concurrency * MOST_CONNECTS_PER_CASE * 1000) / rate);
  const pacedCaseMs = queueMs >= 1000 ? caseMs + queueMs : caseMs;
  const runNeedsMs = Math.ceil((caseCount * CONNECTS_PER_CASE * 1000) / rate);
  const pacedRunMs = Math.max(runMs, Math.ceil(runNeedsMs * RUN_MARGIN), pacedCaseMs);
  if (pacedRunMs === runMs && pacedCaseMs <= caseMs) return { config };
  const raised = [
    `each case ${duration(pacedCaseMs)} (timeouts.caseMs ${duration(caseMs)})`,
    ...(pacedRunMs > runMs ? [`the run ${duration(pacedRunMs)} (timeouts.runMs ${duration(runMs)})`] : []),
  ];
  const note =
    `at ${rate} connects/s (limits.connectsPerSecond) the ${caseCount} cases need ~${duration(runNeedsMs)} ` +
    `(about ${CONNECTS_PER_CASE} connections each); the deadlines follow the pacing: ${raised.join(', ')}. ` +
    'A shorter run: --filter, or a higher limit on the server.';
  return { config: { ...config, timeouts: { ...config.timeouts, caseMs: pacedCaseMs, runMs: pacedRunMs } }, note };
}

/** 1 h 5 min, 40 min, 3 min 20 s, 25 s: seconds only below ten minutes. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const minutes = Math.round(s / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}
