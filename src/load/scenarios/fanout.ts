import { commonVariables, refuseStormFlags, type LoadScenario, type ScenarioFlags } from './types.js';

/** Senders and receivers with a per-sender rate and a send duration: fanout and the storm's traffic. */
export function rateVariables(flags: ScenarioFlags): Record<string, number | string> {
  const out = commonVariables(flags);
  if (flags.rate !== undefined) out.ratePerSender = flags.rate;
  if (flags.duration !== undefined) out.sendSeconds = flags.duration;
  return out;
}

/** A file of scenarios/ (or a path) gatecheck has no knowledge of beyond the fan-out processor it uses. */
export function fanoutLike(name: string): LoadScenario {
  return {
    name,
    prefix: 'fanout',
    defaultThresholds: name === 'fanout' ? ['fanout.lost == 0', 'fanout.duplicated == 0', 'vusers.failed == 0'] : ['vusers.failed == 0'],
    checkFlags(flags) {
      refuseStormFlags(flags);
    },
    variables: rateVariables,
    sending: (_vars, params) => ({ seconds: params.sendSeconds, describe: `${params.ratePerSender} msg/s per sender for ${params.sendSeconds} s`, parameters: {} }),
  };
}

/** fanout.yml: the members of many conversations on every instance, senders on an open-model schedule. */
export const fanoutScenario = fanoutLike('fanout');
