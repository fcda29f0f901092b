import { throughputSchedule } from '../throughput-vu.js';
import { type Events, type VuContext } from '../vu-kit.js';
import { krakenPlanHook, krakenSenders, krakenSendOnSchedule, runKrakenVu } from './kraken-vu.js';
import { isKrakenSender, type KrakenPlan } from './plan.js';

/** `before` hook of kraken-throughput.yml: the Kraken plan plus the steps of rising offered rate. */
export async function krakenThroughputPlan(context: VuContext): Promise<void> {
  await krakenPlanHook(context, (plan) => throughputSchedule(context.vars, plan) as KrakenPlan);
}

/** Kraken throughput VU: senders go through the steps, each at its share of the step's offered rate, every ack timed per step. */
export async function krakenThroughputVu(context: VuContext, events: Events): Promise<void> {
  await runKrakenVu(context, events, { prefix: 'throughput', hook: 'gatecheckKrakenThroughputPlan' }, async (vu) => {
    if (!isKrakenSender(vu.plan.params, vu.slot)) return;
    const steps = vu.plan.steps!;
    const senders = krakenSenders(vu.plan);
    let seq = 0;
    for (const [i, rate] of steps.rates.entries()) {
      const from = vu.plan.startAt + i * steps.stepMs;
      seq = await krakenSendOnSchedule(vu, 'throughput', events, { from, until: from + steps.stepMs, rate: rate / senders, tag: `step_${i}`, firstSeq: seq });
    }
  });
}
