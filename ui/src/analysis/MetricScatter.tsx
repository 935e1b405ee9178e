// The metric over run creation time: one point per run in its colour, and the
// best value so far as a stepped line (uPlot, as the line panels).

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import { fmtTime } from "../lib/format";
import { PlotCanvas } from "../panels/line/PlotCanvas";
import { fmtTick } from "../panels/line/plotOptions";
import type { AnalysisRun } from "./axes";
import { overTime, type Goal } from "./overTime";

const HEIGHT = 280;

export function MetricScatter({
  runs,
  metric,
  goal,
  colorOf,
  keep,
}: {
  runs: AnalysisRun[];
  metric: string;
  goal: Goal;
  colorOf: (id: string) => string;
  /** Runs inside the parallel coordinates' brushes (the others grey), or null. */
  keep: Set<string> | null;
}) {
  const pts = useMemo(() => overTime(runs, metric, goal), [runs, metric, goal]);
  const names = useMemo(() => new Map(runs.map((r) => [r.id, r.name])), [runs]);
  const [hover, setHover] = useState<number | null>(null);
  // Brushing changes only the points' colours: redraw the chart, do not rebuild it.
  const keepRef = useRef(keep);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    keepRef.current = keep;
    plot.current?.redraw(false);
  }, [keep]);
  const make = useCallback(
    (width: number) => {
      const drawPoints = (u: uPlot) => {
        const ctx = u.ctx;
        const r = 3.5 * devicePixelRatio;
        ctx.save();
        pts.x.forEach((t, i) => {
          const id = pts.ids[i];
          const cx = u.valToPos(t, "x", true);
          const cy = u.valToPos(pts.y[i], "y", true);
          const kept = keepRef.current;
          ctx.fillStyle = kept && !kept.has(id) ? "rgba(160,160,160,0.35)" : colorOf(id);
          ctx.beginPath();
          ctx.arc(cx, cy, r, 0, 2 * Math.PI);
          ctx.fill();
        });
        ctx.restore();
      };
      const opts: uPlot.Options = {
        width,
        height: HEIGHT,
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [{ space: 80 }, { values: (_u, vals) => vals.map(fmtTick) }],
        series: [
          {},
          { label: metric, stroke: "transparent", paths: () => null, points: { show: false } },
          {
            label: "best so far",
            stroke: "#444",
            width: 1.5,
            paths: uPlot.paths.stepped!({ align: 1 }),
            points: { show: false },
          },
        ],
        hooks: {
          draw: [drawPoints],
          setCursor: [(u) => setHover(u.cursor.idx ?? null)],
          ready: [(u) => (plot.current = u)],
          destroy: [(u) => plot.current === u && (plot.current = null)],
        },
      };
      return { opts, data: [pts.x, pts.y, pts.best] as uPlot.AlignedData };
    },
    [pts, metric, colorOf],
  );
  const best = pts.bestAt >= 0 ? pts.ids[pts.bestAt] : null;
  return (
    <div
      className="panel ot-panel"
      data-kind="over-time"
      data-state={pts.x.length ? "drawn" : "empty"}
      data-points={pts.x.length}
      data-best={best ?? ""}
    >
      <div className="panel-head">
        <span className="panel-title" title="each run at its creation time; the line is the best value so far">
          {metric || "…"} over time, best so far ({goal === "minimize" ? "min" : "max"})
        </span>
        {hover !== null && pts.ids[hover] ? (
          <span className="panel-note ot-hover">
            {names.get(pts.ids[hover])}: {fmtTick(pts.y[hover])} · {fmtTime(pts.x[hover])}
          </span>
        ) : (
          best && (
            <span className="panel-note ot-best">
              best {fmtTick(pts.y[pts.bestAt])}: {names.get(best) ?? best}
            </span>
          )
        )}
      </div>
      {pts.x.length === 0 ? (
        <div className="panel-empty">No run has a number for {metric || "the metric"}.</div>
      ) : (
        <PlotCanvas make={make} range={null} />
      )}
    </div>
  );
}
