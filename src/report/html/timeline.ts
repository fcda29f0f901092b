import type { LoadPeriod } from '../../model/load.js';

const starts = (timeline: LoadPeriod[]) => timeline.map((p) => Date.parse(p.at));

/** Seconds since the first period; null for a period whose start is not a date. */
export function periodSeconds(timeline: LoadPeriod[]): Array<number | null> {
  const at = starts(timeline);
  const t0 = Math.min(...at.filter((t) => !Number.isNaN(t)));
  return at.map((t) => (Number.isNaN(t) ? null : (t - t0) / 1000));
}

/** The usual gap between period starts (s): 10 for Artillery's periods, less for a short run's; undefined under two periods. */
export function periodWidthSeconds(timeline: LoadPeriod[]): number | undefined {
  const at = starts(timeline).filter((t) => !Number.isNaN(t));
  const gaps = at.slice(1).map((t, i) => t - at[i]).filter((g) => g > 0).sort((a, b) => a - b);
  return gaps.length ? gaps[Math.floor(gaps.length / 2)] / 1000 : undefined;
}

/**
 * How long a counter was being counted (s): from the start of the first period that counted it to the
 * end of the last one. Undefined when no period counted it (or the periods have no width).
 */
export function activeSeconds(timeline: LoadPeriod[], counter: string): number | undefined {
  const width = periodWidthSeconds(timeline);
  const at = periodSeconds(timeline);
  const counted = timeline.flatMap((p, i) => ((p.counters[counter] ?? 0) !== 0 && at[i] !== null ? [at[i] as number] : []));
  if (!width || !counted.length) return undefined;
  return Math.max(...counted) - Math.min(...counted) + width;
}
