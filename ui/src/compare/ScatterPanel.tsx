// Scatter plot over runs: any config or summary field on x and on y, one point
// per drawn line (a run in its colour; a group at its runs' mean), the hovered
// point's run and values named over the chart, either axis logarithmic.

import { useCallback, useMemo, useState } from "react";
import uPlot from "uplot";
import { ErrorBox } from "../common/PageHeader";
import { fmtNumber } from "../lib/format";
import { PlotCanvas } from "../panels/line/PlotCanvas";
import { fmtTick } from "../panels/line/plotOptions";
import type { PanelProps } from "../panels/registry";
import "./compare.css";
import { scatterPoints, type ScatterPoint } from "./fields";
import { ScatterControls, type ScatterSpec } from "./controls";
import { usePanelRuns } from "./panelData";

/** The plot's height outside the arranged workspace (which gives each panel its own). */
const HEIGHT = 240;
/** How near (CSS pixels) the pointer must be for a point to count as hovered. */
const HOVER_PX = 14;

function nearest(u: uPlot, pts: ScatterPoint[]): number | null {
  const { left, top } = u.cursor;
  if (left === undefined || top === undefined || left < 0) return null;
  let best: number | null = null;
  let bestD = HOVER_PX * HOVER_PX;
  pts.forEach((p, i) => {
    const dx = u.valToPos(p.x, "x") - left;
    const dy = u.valToPos(p.y, "y") - top;
    const d = dx * dx + dy * dy;
    if (d <= bestD) [best, bestD] = [i, d];
  });
  return best;
}

/** A scale's range with room around the outermost points, so none is cut in half
 * at the plot's edge (a tenth of a decade on a log axis, 6% on a linear one). */
export function padded(log: boolean) {
  return (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => {
    if (log) return [min / 10 ** 0.1, max * 10 ** 0.1];
    const pad = (max - min || Math.abs(max) || 1) * 0.06;
    return [min - pad, max + pad];
  };
}

function scatterOptions(
  pts: ScatterPoint[],
  s: { x: string; y: string; logX: boolean; logY: boolean },
  size: { width: number; height: number },
  onHover: (i: number | null) => void,
): uPlot.Options {
  const drawPoints = (u: uPlot) => {
    const c = u.ctx;
    const r = 4.5 * devicePixelRatio;
    c.save();
    for (const p of pts) {
      c.fillStyle = p.color;
      c.strokeStyle = "rgba(0,0,0,0.35)";
      c.lineWidth = devicePixelRatio;
      c.beginPath();
      c.arc(u.valToPos(p.x, "x", true), u.valToPos(p.y, "y", true), r, 0, 2 * Math.PI);
      c.fill();
      c.stroke();
    }
    c.restore();
  };
  // uPlot labels only a log axis's decades itself; a linear one gets short ticks.
  const ticks = (log: boolean) => (log ? undefined : (_u: uPlot, v: number[]) => v.map(fmtTick));
  return {
    ...size,
    legend: { show: false },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    scales: {
      x: { time: false, distr: s.logX ? 3 : 1, log: 10, range: padded(s.logX) },
      y: { distr: s.logY ? 3 : 1, log: 10, range: padded(s.logY) },
    },
    axes: [
      { label: s.x, labelSize: 20, labelGap: 2, size: 28, values: ticks(s.logX) },
      { label: s.y, labelSize: 22, labelGap: 4, size: 56, values: ticks(s.logY) },
    ],
    series: [{}, { label: s.y, stroke: "transparent", paths: () => null, points: { show: false } }],
    hooks: { draw: [drawPoints], setCursor: [(u) => onHover(nearest(u, pts))] },
  };
}

export function ScatterPanel({ spec, ctx, visible, onSpecChange, height = HEIGHT }: PanelProps<ScatterSpec>) {
  const { byId, fields, error, ready } = usePanelRuns(ctx, visible);
  const x = spec.options.xField ?? "";
  const y = spec.keys[0] ?? "";
  const logX = !!spec.options.logX;
  const logY = !!spec.options.logY;
  const { points, left } = useMemo(
    () => scatterPoints(ctx.lines, byId, x, y, { x: logX, y: logY }),
    [ctx.lines, byId, x, y, logX, logY],
  );
  const [hover, setHover] = useState<number | null>(null);
  const make = useCallback(
    (width: number) => ({
      opts: scatterOptions(points, { x, y, logX, logY }, { width, height }, setHover),
      data: [points.map((p) => p.x), points.map((p) => p.y)] as uPlot.AlignedData,
    }),
    [points, x, y, logX, logY, height],
  );
  const hp = hover !== null ? points[hover] : undefined;
  const state = !x || !y ? "unset" : !ready ? "loading" : points.length ? "drawn" : "empty";
  return (
    <div className="panel rp-panel" data-kind="scatter" data-state={state} data-points={points.length}>
      <div className="panel-head">
        <span className="panel-title">{spec.title ?? (x && y ? `${y} vs ${x}` : "Scatter plot")}</span>
      </div>
      <div className="rp-head-controls">
        <ScatterControls spec={spec} fields={fields} onChange={onSpecChange} />
      </div>
      <div className="rp-hover scatter-hover" data-run={hp?.id ?? ""}>
        {hp
          ? `${hp.name}: ${x} ${fmtNumber(hp.x)}, ${y} ${fmtNumber(hp.y)}`
          : left > 0 && state === "drawn"
            ? `${left} run${left === 1 ? "" : "s"} without both numbers${logX || logY ? " (or ≤ 0 on a log axis)" : ""} not shown`
            : ""}
      </div>
      {error ? (
        <ErrorBox error={error} />
      ) : state === "drawn" ? (
        <PlotCanvas make={make} range={null} />
      ) : (
        <div className="panel-empty">
          {state === "unset"
            ? "Pick a field for each axis."
            : state === "loading"
              ? "Loading…"
              : `No visible run has numbers for both ${x} and ${y}.`}
        </div>
      )}
    </div>
  );
}
