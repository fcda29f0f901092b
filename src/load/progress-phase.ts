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

/** "Metrics for period to: 07:16:20(+0000) ..." -> the latest such moment not after now (epoch ms). */
export function periodEndOf(line: string, now = Date.now()): number | undefined {
  const m = /to: (\d\d):(\d\d):(\d\d)\(([+-])(\d\d)(\d\d)\)/.exec(line);
  if (!m) return undefined;
  const [h, min, sec, sign, oh, om] = [Number(m[1]), Number(m[2]), Number(m[3]), m[4], Number(m[5]), Number(m[6])];
  const offsetMs = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  const day = new Date(now);
  let at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h, min, sec) - offsetMs;
  while (at > now + 60_000) at -= 86_400_000;
  while (at < now - 86_400_000) at += 86_400_000;
  return at;
}
