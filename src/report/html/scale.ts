/** A step of 1, 2, 2.5 or 5 times a power of ten giving about `target` intervals over [0, max]. */
export function niceStep(max: number, target = 5): number {
  const span = max > 0 && Number.isFinite(max) ? max : 1;
  const rough = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const residual = rough / magnitude;
  const factor = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10;
  return factor * magnitude;
}

/** Ticks from 0 up to the first nice value at or above max (the axis ends on a labelled line). */
export function niceTicks(max: number, target = 5): number[] {
  const step = niceStep(max, target);
  const count = Math.max(1, Math.ceil((max > 0 ? max : 1) / step - 1e-9));
  // toPrecision: 0.1 * 3 must print as 0.3, not 0.30000000000000004.
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}
