// A chart line as the panels draw it. The server sends only finite x, but uPlot's
// x column, the hover's binary search and the group mean all break on one that is
// not (a system sample without a time, an older server), so such a point is
// dropped here, once, where data enters the charts.

import type { SeriesLine, SystemLine } from "../api/endpoints";

/** One line: sorted finite x; y the bucket's last value, min/max its extremes (null: a gap). */
export type ChartLine = Pick<SeriesLine, "run_id" | "y" | "min" | "max"> & { x: number[] };

type Loose = Pick<SeriesLine, "run_id" | "y" | "min" | "max"> & { x: (number | null)[] };

const hasX = (v: number | null): v is number => v !== null && Number.isFinite(v);

/** ``s`` without the points whose x is missing (the arrays themselves when none is). */
export function chartLine(s: Loose): ChartLine {
  const { run_id, x, y, min, max } = s;
  if (x.every(hasX)) return { run_id, x, y, min, max };
  const out: ChartLine = { run_id, x: [], y: [], min: [], max: [] };
  x.forEach((v, i) => {
    if (!hasX(v)) return;
    out.x.push(v);
    out.y.push(y[i] ?? null);
    out.min.push(min[i] ?? null);
    out.max.push(max[i] ?? null);
  });
  return out;
}

/** A system metric as a line: x is seconds since ``t0`` (the run's start, else the
 * first sample), the samples themselves are y, min and max. */
export function systemLine(
  runId: string,
  s: Omit<SystemLine, "t"> & { t: (number | null)[] },
  t0: number | null,
): ChartLine {
  const start = t0 ?? s.t.find(hasX) ?? 0;
  const x = s.t.map((t) => (hasX(t) ? t - start : null));
  return chartLine({ run_id: runId, x, y: s.v, min: s.v, max: s.v });
}
