// Grouped line plots: one line per group, the mean of its runs at each x with
// the min–max across them as a band (W&B's default group aggregation).
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

/** Mean, min and max of ``series`` (one group's runs) as one line named ``id``. */
export function aggregate(id: string, series: ChartLine[]): ChartLine | null {
  const lines = series.map(finiteLine).filter((l) => l.x.length > 0);
  if (lines.length === 0) return null;
  const xs = grid(lines);
  const ptr = lines.map(() => 0);
  const y: (number | null)[] = [];
  const min: (number | null)[] = [];
  const max: (number | null)[] = [];
  for (const x of xs) {
    let sum = 0;
    let n = 0;
    let lo = Infinity;
    let hi = -Infinity;
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
      sum += v;
      n++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    });
    y.push(n ? sum / n : null);
    min.push(n ? lo : null);
    max.push(n ? hi : null);
  }
  return { run_id: id, x: xs, y, min, max };
}
