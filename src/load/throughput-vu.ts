import { fanoutPlan, runVu, sendOnSchedule } from './fanout-vu.js';
import { isSender, type FanoutPlan } from './plan.js';
import { type Events, type VuContext } from './vu-kit.js';

/** The offered rates (messages a second over all senders), e.g. "20,40,80,160,320". */
export function stepRates(vars: Record<string, unknown>): number[] {
  const rates = String(vars.stepRates ?? '20,40,80,160,320')
    .split(',')
    .map((r) => Number(r.trim()))
    .filter((r) => Number.isFinite(r) && r > 0);
  if (!rates.length) throw new Error(`stepRates "${vars.stepRates}" names no positive rate`);
  return rates;
}

/** Sending happens in steps of rising offered rate; the plan's send window covers them all. */
export function throughputSchedule(vars: Record<string, unknown>, plan: FanoutPlan): FanoutPlan {
  const rates = stepRates(vars);
  const stepMs = Number(vars.stepSeconds ?? 3) * 1000;
  const sendUntil = plan.startAt + rates.length * stepMs;
  return { ...plan, steps: { rates, stepMs }, sendUntil, endAt: sendUntil + plan.params.drainSeconds * 1000 };
}

export const senderCount = (plan: FanoutPlan) => Math.ceil(plan.params.connections / plan.params.groupSize) * plan.params.sendersPerGroup;

/** `before` hook of the throughput scenario. */
export async function throughputPlan(context: VuContext): Promise<void> {
  await fanoutPlan(context, (plan) => throughputSchedule(context.vars, plan));
}

/**
 * A throughput VU: senders go through the steps, each at its share of the step's offered rate, every
 * message acknowledged or timed out and counted per step (`throughput.ack_ms.step_N`), so the report can
 * say at which offered rate ack latency bends.
 */
export async function throughputVu(context: VuContext, events: Events): Promise<void> {
  await runVu(context, events, { prefix: 'throughput', hook: 'gatecheckThroughputPlan' }, async ({ plan, slot, t, instance, socket }) => {
    if (!isSender(plan.params, slot)) return;
    const steps = plan.steps!;
    let seq = 0;
    for (const [i, rate] of steps.rates.entries()) {
      const from = plan.startAt + i * steps.stepMs;
      seq = await sendOnSchedule(socket, t, plan, slot, instance, 'throughput', events, { from, until: from + steps.stepMs, rate: rate / senderCount(plan), tag: `step_${i}`, firstSeq: seq });
    }
  });
}
