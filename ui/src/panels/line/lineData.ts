// The pure part of a line panel: from fetched series to what uPlot draws and
// what the hover box lists. Kept free of React and the DOM for the unit tests.

import uPlot from "uplot";
import type { ChartLine } from "../../lib/chartLine";
import { aggregate } from "../../lib/groupAgg";
import { ema } from "../../lib/smoothing";
import type { PanelLine } from "../registry";
import type { SmoothKind } from "./smoothKinds";

export interface LineSettings {
  smoothing: number; // strength 0..0.99 (the EMA's weight)
  logY: boolean;
  /** How to smooth (default: EMA). */
  smoothKind?: SmoothKind;
  logX?: boolean;
  /** Fixed ends of the y scale (null or absent: fitted). */
  yMin?: number | null;
  yMax?: number | null;
  /** Fit the y scale to the 5th–95th percentile of the values, not the extremes. */
  outliers?: boolean;
  /** Every project metric matching this regex is drawn too ("grad_norm/.*"). */
  regex?: string;
  /** Y expressions over metrics ("loss * 2", "acc / val_acc"), each drawn as a line per run. */
  exprs?: string[];
  /** Line names: "${run:name} ${config:lr}" (empty: the run's name, plus the metric when several). */
  legend?: string;
}

/** A drawn line: its panel line, its (aggregated) series and the smoothed y. */
export interface Drawn {
  line: PanelLine;
  data: ChartLine;
  smoothed: (number | null)[];
  /** Dash pattern (the second and later metrics of a panel drawing several). */
  dash?: number[];
}

/** One series per line: a run's own, or a group's mean of its members. */
export function lineSeries(lines: PanelLine[], fetched: ChartLine[]): Map<string, ChartLine> {
  const byRun = new Map(fetched.map((d) => [d.run_id, d]));
  const out = new Map<string, ChartLine>();
  for (const l of lines) {
    if (l.members === undefined) {
      const d = byRun.get(l.id);
      if (d) out.set(l.id, d);
      continue;
    }
    const parts = l.members.map((id) => byRun.get(id)).filter((d): d is ChartLine => !!d);
    const g = aggregate(l.id, parts, l.agg);
    if (g) out.set(l.id, g);
  }
  return out;
}

/** The lines that have points, with their smoothed values. */
export function drawnLines(lines: PanelLine[], fetched: ChartLine[], s: LineSettings): Drawn[] {
  const series = lineSeries(lines, fetched);
  const clean = (v: number | null): number | null =>
    v === null || !Number.isFinite(v) || (s.logY && v <= 0) ? null : v;
  const out: Drawn[] = [];
  for (const line of lines) {
    const d = series.get(line.id);
    if (!d || d.x.length === 0) continue;
    const data = { ...d, y: d.y.map(clean), min: d.min.map(clean), max: d.max.map(clean) };
    out.push({ line, data, smoothed: ema(data.y, s.smoothing) });
  }
  return out;
}

/** Whether a line's min–max band has any height. Lines without one (each bucket a
 * single point) leave the band's two edges out of the chart: a workspace of 50
 * panels of 20 runs draws a quarter of the series it would otherwise. */
export function hasBand(d: Drawn): boolean {
  const { min, max } = d.data;
  for (let i = 0; i < min.length; i++) if (min[i] !== max[i]) return true;
  return false;
}

/** uPlot's table: x, then per line its band's max and min (when it has a band), the
 * raw y and the smoothed y (when ``smooth``), aligned on the union of x. */
export function plotTable(drawn: Drawn[], smooth: boolean): uPlot.AlignedData {
  const tables = drawn.map((d) => {
    const cols: uPlot.AlignedData[number][] = [d.data.x];
    if (hasBand(d)) cols.push(d.data.max, d.data.min);
    cols.push(d.data.y);
    if (smooth) cols.push(d.smoothed);
    return cols as uPlot.AlignedData;
  });
  return uPlot.join(tables);
}

/** Index of the last element of sorted ``xs`` that is <= v, or -1. */
export function floorIndex(xs: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= v) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

export interface HoverRow {
  id: string;
  name: string;
  color: string;
  value: number | null;
  /** A group line: the min and max across its runs at x (when they differ). */
  range: [number, number] | null;
}

/** What each line shows at data x ``x``. A line that has not reached ``x`` yet, or
 * ended before it, shows nothing (not its last value). */
export function hoverRows(drawn: Drawn[], x: number, smoothing: number): HoverRow[] {
  const rows: HoverRow[] = [];
  for (const { line, data, smoothed } of drawn) {
    const n = data.x.length;
    if (n === 0 || x < data.x[0] || x > data.x[n - 1]) continue;
    const i = floorIndex(data.x, x);
    const v = smoothing > 0 ? (smoothed[i] ?? data.y[i]) : data.y[i];
    const lo = data.min[i];
    const hi = data.max[i];
    const grouped = line.members !== undefined;
    rows.push({
      id: line.id,
      name: line.name,
      color: line.color,
      value: v ?? null,
      range: grouped && lo !== null && hi !== null && lo !== hi ? [lo, hi] : null,
    });
  }
  return rows;
}
