import { UsageError } from '../../errors.js';
import { stepRates } from '../throughput-vu.js';
import { commonVariables, type LoadScenario } from './types.js';

/**
 * throughput.yml: senders step through rising offered rates, every message acknowledged. --rate is the
 * top offered rate (the steps climb to it by doubling) and --duration the length of each step.
 */
export const throughputScenario: LoadScenario = {
  name: 'throughput',
  prefix: 'throughput',
  defaultThresholds: ['throughput.ack_timeout == 0', 'vusers.failed == 0'],
  checkFlags(flags) {
    if (flags.storm) throw new UsageError('--storm applies to the reconnection-storm scenario only');
  },
  variables(flags) {
    const out = commonVariables(flags);
    if (flags.rate !== undefined) out.stepRates = [16, 8, 4, 2, 1].map((d) => Math.max(1, Math.round(flags.rate! / d))).join(',');
    if (flags.duration !== undefined) out.stepSeconds = flags.duration;
    return out;
  },
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
