import type { ChalkInstance } from 'chalk';
import { chalkFor } from './console.js';
import type { Sink } from './sink.js';
import type { HistogramSummary, LoadReport } from '../model/load.js';

export const ms = (n: number | undefined) => (n === undefined ? '-' : `${n.toFixed(1)} ms`);

function latencyLine(name: string, h: HistogramSummary | undefined): string | undefined {
  if (!h) return undefined;
  return `  ${name.padEnd(34)} p50 ${ms(h.p50).padStart(9)}  p95 ${ms(h.p95).padStart(9)}  p99 ${ms(h.p99).padStart(9)}  max ${ms(h.max).padStart(9)}  (${h.count})`;
}

/** The human summary of a load run: latencies, deliveries, thresholds with their values, generator health. */
/** A scenario's own part of the console summary (the storm's recovery, the throughput steps). */
export type ConsoleSection = (report: LoadReport, c: ChalkInstance) => string[];

export function printLoadSummary(sink: Sink, report: LoadReport, section: ConsoleSection = () => []): void {
  const c = chalkFor(sink.human);
  const h = report.metrics.histograms;
  const v = report.metrics.values;
  const prefix = report.metrics.prefix ?? 'fanout';
  const lines: string[] = ['', c.bold(`${report.scenario}: latency`)];
  for (const [label, name] of [
    ['fan-out (intended send -> receive)', `${prefix}.latency_ms`],
    ['  same instance', `${prefix}.latency_ms.same_instance`],
    ['  cross instance', `${prefix}.latency_ms.cross_instance`],
    ['emit -> receive', `${prefix}.emit_latency_ms`],
    ['ack', `${prefix}.ack_ms`],
    ['connect', `${prefix}.connect_ms`],
    ['reconnect (drop -> ready again)', 'reconnect.time_ms'],
    ['  its last retry (attempt -> ready)', 'reconnect.handshake_ms'],
  ] as const) {
    const line = latencyLine(label, h[name]);
    if (line) lines.push(line);
  }
  lines.push(...connectionSection(report, c));
  lines.push(...section(report, c));
  const d = report.metrics.delivery;
  if (d) {
    const warn = (n: number, text: string) => (n > 0 ? c.red(text) : text);
    lines.push(c.bold('deliveries'), `  expected ${d.expected}, received ${d.received} (${(d.ratio * 100).toFixed(2)}%), ${warn(d.lost, `lost ${d.lost}`)}, ${warn(d.duplicated, `duplicated ${d.duplicated}`)}, ${warn(d.outOfOrder, `out of order ${d.outOfOrder}`)}`);
    // With a connection phase a late joiner takes no part (the connections section gives its cause).
    if (v[`${prefix}.late_join`] && !report.connection) lines.push(c.yellow(`  ${lateJoiners(report, prefix)} Raise --settle to avoid it.`));
    if (d.notDeliverable) lines.push(c.yellow(`  not deliverable ${d.notDeliverable}: owed to VUs that were not connected when ${report.connection ? 'sending began (see connections)' : 'the message was sent'}, not counted as lost`));
    lines.push(`  lost same-instance ${v[`${prefix}.lost.same_instance`] ?? 0}, cross-instance ${v[`${prefix}.lost.cross_instance`] ?? 0}`);
    const senders = report.metrics.perSender ?? [];
    const lossy = senders.filter((s) => s.lost > 0).sort((a, b) => b.lost - a.lost);
    if (senders.length) lines.push(`  senders with loss: ${lossy.length} of ${senders.length}${lossy.length ? `; worst: sender ${lossy[0].sender} (instance ${lossy[0].instance + 1}) lost ${lossy[0].lost} of ${lossy[0].expected}` : ''}`);
  }
  if (report.thresholds.length) {
    lines.push(c.bold('thresholds'));
    for (const t of report.thresholds) lines.push(`  ${t.ok ? c.green('✓') : c.red('✗')} ${t.expr}  (measured: ${t.value === null ? 'not produced' : t.value})`);
  }
  const g = report.generator;
  lines.push(c.bold('generator'), `  event-loop lag p99 ${ms(g.eventLoopLagP99Ms)}${g.sendLagP99Ms !== undefined ? `, senders behind schedule p99 ${ms(g.sendLagP99Ms)}` : ''}, CPU ${g.cpuPct}% avg / ${g.cpuPeakPct}% peak of a core${g.cpuWaitPct !== undefined ? `, waited for a CPU ${g.cpuWaitPct}% of its ready time` : ''}, open files ${g.fdPeak}${g.fdLimit ? ` of ${g.fdLimit}` : ''}`);
  if (g.saturated) lines.push(c.red(`  SATURATED: ${g.reasons.join('; ')}; these numbers measure the generator, not the server`));
  lines.push('', report.passed ? c.green(`PASSED in ${(report.durationMs / 1000).toFixed(1)}s`) : c.red(`FAILED in ${(report.durationMs / 1000).toFixed(1)}s`));
  sink.say(lines.join('\n') + '\n');
}

/** What became of the VUs that were ready only after sending began: chat-service fetches the rest, Kraken cannot. */
function lateJoiners(report: LoadReport, prefix: string): string {
  const v = report.metrics.values;
  const late = `${v[`${prefix}.late_join`]} VU(s) were ready only after sending began (the generator's start-up);`;
  if (report.parameters.dialect === 'kraken') return `${late} Kraken has no history event to fetch what was sent before they joined, so those deliveries are not deliverable (below), not lost.`;
  return `${late} they fetched ${v[`${prefix}.late_join_synced`]} earlier deliveries with messages:sync, counted without a latency.`;
}

/** The connection phase: who connected before sending began, who was refused (and why), timed out, came late. */
function connectionSection(report: LoadReport, c: ChalkInstance): string[] {
  const r = report.connection;
  if (!r) return [];
  const warn = (n: number, text: string) => (n > 0 ? c.red(text) : text);
  const lines = [
    c.bold('connections'),
    `  connected ${r.connected} of ${r.planned} before sending began${r.phaseMs === undefined ? '' : ` (${(r.phaseMs / 1000).toFixed(1)} s)`}, ${warn(r.refused, `refused ${r.refused}`)}, ${warn(r.timedOut, `timed out ${r.timedOut}`)}${r.neverReported ? `, ${c.red(`never tried ${r.neverReported}`)}` : ''}`,
  ];
  if (r.latencyMs) lines.push(`  connect latency p50 ${ms(r.latencyMs.p50)}, p95 ${ms(r.latencyMs.p95)}, p99 ${ms(r.latencyMs.p99)}, max ${ms(r.latencyMs.max)} (${r.latencyMs.count})`);
  lines.push(`  ramp ${r.connectsPerSecondLimit ? `at ${r.connectsPerSecondLimit} connects/s per instance (limits.connectsPerSecond)` : `paced by connect latency, up to ${r.peakHandshakesInFlight} handshake${r.peakHandshakesInFlight === 1 ? '' : 's'} in flight per instance`}${r.settleMs === undefined ? '' : `; sending began ${(r.settleMs / 1000).toFixed(1)} s after the phase${r.settleAdaptive ? ' (settle: half the phase, 1-10 s)' : ' (--settle)'}`}`);
  for (const [reason, n] of Object.entries(r.refusedReasons)) lines.push(c.red(`  refused ${n}: ${reason}`));
  for (const [cause, n] of Object.entries(r.lateCauses)) lines.push(c.yellow(`  late ${n} (connected after sending began, took no part): ${cause}`));
  return lines;
}

export interface AdapterRow {
  adapter: string;
  passed: boolean;
  /** The generator could not keep the plan: passed is then false whatever the server did. */
  saturated: boolean;
  reconnectP50Ms: number | null;
  reconnectP99Ms: number | null;
  recoveredShare: number | null;
  missedLive: number | null;
  recoveredBySync: number | null;
  unrecovered: number | null;
  latencyP99Ms: number | null;
}

/** The same scenario on two adapters, side by side. */
export function adapterComparison(runs: Array<{ adapter: string; report: LoadReport }>): { rows: AdapterRow[]; table: string } {
  const rows = runs.map(({ adapter, report }) => {
    const v = report.metrics.values;
    const pick = (k: string) => (v[k] === undefined ? null : v[k]);
    const latency = report.metrics.latencyMetric ?? 'fanout.latency_ms';
    return {
      adapter,
      passed: report.passed,
      saturated: report.generator.saturated,
      reconnectP50Ms: pick('reconnect.time_ms.p50'),
      reconnectP99Ms: pick('reconnect.time_ms.p99'),
      recoveredShare: pick('reconnect.recovered_share'),
      missedLive: pick('storm.missed_live'),
      recoveredBySync: pick('storm.recovered_by_sync'),
      unrecovered: pick('storm.unrecovered'),
      latencyP99Ms: pick(`${latency}.p99`),
    };
  });
  const cell = (n: number | null, unit = '') => (n === null ? '-' : `${Number.isInteger(n) ? n : n.toFixed(1)}${unit}`);
  const header = 'adapter   reconnect p50  reconnect p99  sessions recovered  missed live  recovered by sync  unrecovered  delivery p99  verdict';
  const lines = rows.map((r) =>
    [
      r.adapter.padEnd(9),
      cell(r.reconnectP50Ms, ' ms').padStart(13),
      cell(r.reconnectP99Ms, ' ms').padStart(14),
      (r.recoveredShare === null ? '-' : `${(r.recoveredShare * 100).toFixed(0)}%`).padStart(19),
      cell(r.missedLive).padStart(12),
      cell(r.recoveredBySync).padStart(18),
      cell(r.unrecovered).padStart(12),
      cell(r.latencyP99Ms, ' ms').padStart(13),
      r.passed ? '  passed' : '  FAILED',
    ].join(' '),
  );
  return { rows, table: [header, ...lines].join('\n') };
}
