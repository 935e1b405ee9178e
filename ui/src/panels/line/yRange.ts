// The y scale of a line panel: the user's min/max when set, else uPlot's own
// fit, or (ignoring outliers) the 5th to 95th percentile of the drawn values
// with a little headroom, so one spike does not flatten every other line.

export interface YRangeOptions {
  yMin?: number | null;
  yMax?: number | null;
  outliers?: boolean;
}

export const OUTLIER_LOW = 0.05;
export const OUTLIER_HIGH = 0.95;

/** The ``q`` quantile of sorted ``xs`` (linear between neighbours). */
export function quantile(xs: number[], q: number): number {
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}

/** [min, max] for the y scale, or null to let uPlot fit the data. */
export function yRange(values: Iterable<number | null>, o: YRangeOptions): [number | null, number | null] | null {
  const fixedLo = o.yMin ?? null;
  const fixedHi = o.yMax ?? null;
  if (!o.outliers) return fixedLo === null && fixedHi === null ? null : [fixedLo, fixedHi];
  const xs: number[] = [];
  for (const v of values) if (v !== null && Number.isFinite(v)) xs.push(v);
  if (xs.length < 2) return fixedLo === null && fixedHi === null ? null : [fixedLo, fixedHi];
  xs.sort((a, b) => a - b);
  const lo = quantile(xs, OUTLIER_LOW);
  const hi = quantile(xs, OUTLIER_HIGH);
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
  return [fixedLo ?? lo - pad, fixedHi ?? hi + pad];
}
