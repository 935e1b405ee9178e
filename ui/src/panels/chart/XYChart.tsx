// Lines and points of a wandb.plot chart with uPlot in its x/y mode (mode 2):
// each series keeps its own x values, so a ROC curve's vertical steps and a
// scatter's unsorted points draw as logged.

import { useCallback } from "react";
import uPlot from "uplot";
import { PALETTE } from "../../lib/colors";
import { PlotCanvas } from "../line/PlotCanvas";
import { fmtTick } from "../line/plotOptions";
import type { DrawSpec } from "./chartSpec";

type XY = Extract<DrawSpec, { type: "xy" }>;

const FACETS = [
  { scale: "x", auto: true },
  { scale: "y", auto: true },
];

export function xyOptions(spec: XY, width: number): uPlot.Options {
  const points = spec.mode === "points";
  return {
    mode: 2,
    width,
    height: 240,
    scales: { x: { time: false, auto: true }, y: { auto: true } },
    axes: [
      { label: spec.xLabel, values: (_u, vs) => vs.map(fmtTick) },
      { label: spec.yLabel, values: (_u, vs) => vs.map(fmtTick), size: 50 },
    ],
    legend: { show: spec.series.length > 1, live: false },
    cursor: { show: false },
    series: [
      {},
      ...spec.series.map((s, i) => {
        const color = PALETTE[i % PALETTE.length];
        return {
          label: s.name || spec.yLabel || "y",
          stroke: color,
          width: 1.5,
          facets: FACETS,
          // Scatter: the points builder draws each point as the series' own path.
          paths: points ? uPlot.paths.points!() : uPlot.paths.linear!(),
          fill: points ? color : undefined,
          points: points ? { show: false, size: 5 } : { show: false },
        } as uPlot.Series;
      }),
    ],
  };
}

export function XYChart({ spec }: { spec: XY }) {
  const make = useCallback(
    (width: number) => ({
      opts: xyOptions(spec, width),
      data: [null, ...spec.series.map((s) => [s.x, s.y])] as unknown as uPlot.AlignedData,
    }),
    [spec],
  );
  return <PlotCanvas make={make} range={null} />;
}
