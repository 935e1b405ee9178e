// uPlot options for a line panel: one faint min–max band and a raw line per run
// (plus the smoothed line over it), axis titles, and y tick labels sized to fit.

import uPlot from "uplot";
import { withAlpha } from "../../lib/colors";
import { fmtDuration, fmtNumber, fmtTime } from "../../lib/format";
import { hasBand, type Drawn } from "./lineData";

export const PLOT_HEIGHT = 240;

export function xLabel(x: string): string {
  if (x === "_step") return "Step";
  if (x === "_timestamp") return "Wall time";
  if (x === "_runtime") return "Relative time";
  return x;
}

export function fmtX(x: string, v: number): string {
  if (x === "_timestamp") return fmtTime(v);
  if (x === "_runtime") return fmtDuration(v);
  return fmtNumber(v);
}

/** Axis ticks: 200000 reads better as 200k on a narrow chart. */
export function fmtTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  if (a !== 0 && a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

/** Room for the longest tick label, so none is ever cut off (uPlot's autosize recipe). */
function fitTicks(u: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = u.axes[axisIdx] as uPlot.Axis & { _size?: number; font: [string, number] };
  if (cycleNum > 1 && axis._size) return axis._size; // converged enough
  let size = (axis.ticks?.size ?? 10) + (axis.gap ?? 5);
  const longest = (values ?? []).reduce((a, v) => (v && v.length > a.length ? v : a), "");
  if (longest) {
    u.ctx.font = axis.font[0];
    size += u.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size) + 2;
}

/** Tick steps for an x axis of whole numbers (steps): never 0.5 of a step. */
const WHOLE_INCRS = Array.from({ length: 13 }, (_, k) => [1, 2, 5].map((m) => m * 10 ** k)).flat();

export interface PlotHooks {
  onSelect: (u: uPlot) => void;
  onCursor: (u: uPlot) => void;
  onReset: () => void;
}

export interface PlotSettings {
  x: string;
  yLabel: string;
  smoothing: number;
  logY: boolean;
  logX?: boolean;
  /** Fixed y scale ends (null: fitted), from the panel's range or outlier option. */
  yRange?: [number | null, number | null] | null;
  /** Panels with the same key show the cursor together (uPlot's cursor sync). */
  sync?: string;
  height?: number;
}

function yScale(s: PlotSettings): uPlot.Scale {
  const scale: uPlot.Scale = s.logY ? { distr: 3 } : {};
  const r = s.yRange;
  if (!r || (r[0] === null && r[1] === null)) return scale;
  return {
    ...scale,
    range: (_u, dmin, dmax) => {
      const lo = r[0] ?? dmin;
      const hi = r[1] ?? dmax;
      return hi > lo ? [lo, hi] : [lo, lo + 1];
    },
  };
}

export function plotOptions(drawn: Drawn[], s: PlotSettings, width: number, hooks: PlotHooks): uPlot.Options {
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  const smooth = s.smoothing > 0;
  // The same columns as plotTable's: band edges (when there is a band), raw, smoothed (when smoothing).
  drawn.forEach((d) => {
    const { line, dash } = d;
    if (hasBand(d)) {
      const base = series.length;
      series.push(
        { label: `${line.name} max`, stroke: "transparent", points: { show: false }, spanGaps: true },
        { label: `${line.name} min`, stroke: "transparent", points: { show: false }, spanGaps: true },
      );
      bands.push({ series: [base, base + 1], fill: withAlpha(line.color, 0.12) });
    }
    series.push({
      label: `${line.name} raw`,
      stroke: smooth ? withAlpha(line.color, 0.25) : line.color,
      width: smooth ? 1 : 1.5,
      dash,
      points: { show: false },
      spanGaps: true,
    });
    if (smooth)
      series.push({ label: line.name, stroke: line.color, width: 1.5, dash, points: { show: false }, spanGaps: true });
  });
  const timeX = s.x === "_timestamp";
  return {
    width,
    height: s.height ?? PLOT_HEIGHT,
    legend: { show: false },
    cursor: {
      // Zoom is ours (the select hook): it also fetches finer data for the range.
      drag: { x: true, y: false, setScale: false },
      points: { show: false },
      ...(s.sync ? { sync: { key: s.sync } } : {}),
      bind: { dblclick: () => () => (hooks.onReset(), null) },
    },
    scales: { x: s.logX && !timeX ? { time: false, distr: 3 } : { time: timeX }, y: yScale(s) },
    axes: [
      {
        label: xLabel(s.x),
        labelSize: 20,
        labelGap: 2,
        size: 28,
        incrs: s.x === "_step" && !s.logX ? WHOLE_INCRS : undefined,
        values:
          timeX || s.logX
            ? undefined
            : s.x === "_runtime"
              ? (_u, v) => v.map((t) => fmtDuration(t))
              : (_u, v) => v.map(fmtTick),
      },
      {
        label: s.yLabel,
        labelSize: 22,
        labelGap: 4,
        size: fitTicks,
        // uPlot's own log axis labels only the decades; ours would label every minor tick.
        values: s.logY ? undefined : (_u, v) => v.map(fmtTick),
      },
    ],
    series,
    bands,
    hooks: { setSelect: [hooks.onSelect], setCursor: [hooks.onCursor] },
  };
}
