import type { ChalkInstance } from 'chalk';
import type { LoadReport } from '../../model/load.js';
import { ms } from '../../report/load-console.js';
import { stepRates } from '../throughput-vu.js';
import { commonVariables, refuseStormFlags, type LoadScenario } from './types.js';

/**
 * throughput.yml: senders step through rising offered rates, every message acknowledged. --rate is the
 * top offered rate (the steps climb to it by doubling) and --duration the length of each step.
 */
export const throughputScenario: LoadScenario = {
  name: 'throughput',
  prefix: 'throughput',
  defaultThresholds: ['throughput.ack_timeout == 0', 'vusers.failed == 0'],
  checkFlags(flags) {
    refuseStormFlags(flags);
  },
  variables(flags) {
    const out = commonVariables(flags);
    if (flags.rate !== undefined) out.stepRates = [16, 8, 4, 2, 1].map((d) => Math.max(1, Math.round(flags.rate! / d))).join(',');
    if (flags.duration !== undefined) out.stepSeconds = flags.duration;
    return out;
  },
  consoleSection,
  sending(vars) {
    const steps = { rates: stepRates(vars), seconds: Number(vars.stepSeconds ?? 3) };
    return {
      seconds: steps.rates.length * steps.seconds,
      describe: `steps of ${steps.rates.join(', ')} msg/s over all senders, ${steps.seconds} s each`,
      steps,
      parameters: { stepRates: steps.rates.join(','), stepSeconds: steps.seconds },
    };
  },
};

/** The throughput steps and where ack latency bends. */
function consoleSection(report: LoadReport, c: ChalkInstance): string[] {
  const v = report.metrics.values;
  const lines: string[] = [];
  const steps = report.metrics.steps;
  if (steps?.length) {
    lines.push(c.bold('throughput steps (offered msg/s over all senders)'));
    for (const s of steps) {
      const row = `  ${String(s.offeredRate).padStart(6)} msg/s  sent ${String(s.sent).padStart(6)}  acked ${String(s.acked).padStart(6)} (${s.ackedRate.toFixed(1)}/s)  timeouts ${s.timeouts}  not deliverable ${s.notDeliverable ?? 0}  ack p50 ${ms(s.p50)}  p99 ${ms(s.p99)}`;
      lines.push(s.bent ? c.red(`${row}  <- bent`) : row);
    }
    const knee = v['throughput.knee_rate'];
    lines.push(`  ${knee ? `ack latency bends at ${knee} msg/s; ` : 'no bend up to the last step; '}highest sustained: ${v['throughput.max_sustained_rate'] || 'none'} msg/s`);
    if (steps.some((s) => s.notDeliverable)) lines.push('  not deliverable: deliveries of the step\'s messages owed to receivers not connected yet, not counted as lost');
  }
  return lines;
}
