import type { PlanAnnouncement } from './artillery-run.js';

/** The run's phases on the plan's clock (epoch ms): what a progress line names. */
export function runPhases(plan: PlanAnnouncement): Array<{ name: string; from: number; to: number }> {
  const phases = [
    { name: 'connecting', from: Number.NEGATIVE_INFINITY, to: plan.startAt },
    { name: 'sending', from: plan.startAt, to: plan.sendUntil },
    { name: 'draining', from: plan.sendUntil, to: plan.endAt },
    { name: 'ending', from: plan.endAt, to: Number.POSITIVE_INFINITY },
  ];
  const storm = plan.storm;
  if (!storm) return phases;
  // The storm window cuts into whichever phases it overlaps.
  const stormTo = storm.at + Math.max(storm.outageMs, 1);
  const cut = phases.flatMap((p) =>
    [
      { ...p, to: Math.min(p.to, storm.at) },
      { ...p, from: Math.max(p.from, stormTo) },
    ].filter((q) => q.from < q.to),
  );
  return [...cut, { name: 'storm', from: storm.at, to: stormTo }].sort((a, b) => a.from - b.from);
}

/** The phases a reporting period [from, to) overlapped, in order: "connecting", "connecting → sending". */
export function phasesBetween(plan: PlanAnnouncement, from: number, to: number): string {
  const names = runPhases(plan).filter((p) => p.from < to && p.to > from).map((p) => p.name);
  return names.join(' → ') || 'ending';
}
