// Grouped line plots: one line per group, an aggregate of its runs at each x
// (mean, median, min or max; W&B's default is the mean) with a band around it:
// the min–max across the runs, the mean ± one standard deviation, or the mean ±
// one standard error.
//
// Runs rarely share every x (a different number of steps, downsampled
// buckets), so each run is interpolated linearly onto a shared x grid: the
// union of the runs' x values, or an even grid when that union is large. A run
// counts only inside its own x range, so a short run does not drag the mean
// past its last step.

import type { ChartLine } from "./chartLine";

const MAX_UNION = 2000;
const EVEN_POINTS = 1000;

interface Line {
  x: number[];
  y: number[];
}

function finiteLine(s: ChartLine): Line {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < s.x.length; i++) {
    const v = s.y[i];
    if (v !== null && v !== undefined && Number.isFinite(v) && Number.isFinite(s.x[i])) {
      x.push(s.x[i]);
      y.push(v);
    }
  }
  return { x, y };
}

function grid(lines: Line[]): number[] {
  const all = new Set<number>();
  for (const l of lines) for (const v of l.x) all.add(v);
  const xs = [...all].sort((a, b) => a - b);
  if (xs.length <= MAX_UNION) return xs;
  const lo = xs[0];
  const hi = xs[xs.length - 1];
  return Array.from({ length: EVEN_POINTS }, (_, i) => lo + ((hi - lo) * i) / (EVEN_POINTS - 1));
}

export type AggMode = "mean" | "median" | "min" | "max";
export type BandMode = "minmax" | "std" | "stderr" | "none";
export const AGG_MODES: AggMode[] = ["mean", "median", "min", "max"];
export const BAND_MODES: BandMode[] = ["minmax", "std", "stderr", "none"];
export interface GroupAgg {
  y: AggMode;
  band: BandMode;
}
export const DEFAULT_AGG: GroupAgg = { y: "mean", band: "minmax" };

/** The line's value and its band at one x, from the runs' values there. */
export function combine(vs: number[], agg: GroupAgg): { y: number; lo: number; hi: number } | null {
  const n = vs.length;
  if (n === 0) return null;
  const sorted = [...vs].sort((a, b) => a - b);
  const mean = vs.reduce((a, b) => a + b, 0) / n;
  const mid = n >> 1;
  const median = n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const y = { mean, median, min: sorted[0], max: sorted[n - 1] }[agg.y];
  if (agg.band === "minmax") return { y, lo: sorted[0], hi: sorted[n - 1] };
  if (agg.band === "none") return { y, lo: y, hi: y };
  // The sample standard deviation (n - 1): one run has no spread.
  const sd = n > 1 ? Math.sqrt(vs.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const half = agg.band === "std" ? sd : sd / Math.sqrt(n);
  return { y, lo: y - half, hi: y + half };
}

/** ``series`` (one group's runs) as one line named ``id``: the aggregate at each x and its band. */
export function aggregate(id: string, series: ChartLine[], agg: GroupAgg = DEFAULT_AGG): ChartLine | null {
  const lines = series.map(finiteLine).filter((l) => l.x.length > 0);
  if (lines.length === 0) return null;
  const xs = grid(lines);
  const ptr = lines.map(() => 0);
  const y: (number | null)[] = [];
  const min: (number | null)[] = [];
  const max: (number | null)[] = [];
  for (const x of xs) {
    const vs: number[] = [];
    lines.forEach((l, j) => {
      const last = l.x.length - 1;
      if (x < l.x[0] || x > l.x[last]) return;
      let p = ptr[j];
      while (p < last && l.x[p + 1] <= x) p++;
      ptr[j] = p;
      let v = l.y[p];
      if (l.x[p] !== x && p < last) {
        const t = (x - l.x[p]) / (l.x[p + 1] - l.x[p]);
        v = l.y[p] + t * (l.y[p + 1] - l.y[p]);
      }
      vs.push(v);
    });
    const c = combine(vs, agg);
    y.push(c ? c.y : null);
    min.push(c ? c.lo : null);
    max.push(c ? c.hi : null);
  }
  return { run_id: id, x: xs, y, min, max };
}
