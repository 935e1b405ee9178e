// A logged Plotly figure drawn without plotly.js (too big to ship): its file is
// fetched (the file route serves it as JSON), mapped by plotlyFigure.ts, and
// drawn by uPlot (x/y traces) and canvases (bars, histograms, heat-maps), under
// the figure's title and over one legend. The file's download link stays.

import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import uPlot from "uplot";
import type { MediaFile } from "../../api/endpoints";
import { PlotCanvas } from "../line/PlotCanvas";
import { fmtTick } from "../line/plotOptions";
import { useWidth } from "../useWidth";
import { BarsCanvas, HeatCanvas, PLOT_H } from "./PlotlyCanvas";
import { figureView, parseFigure, type FigureView, type XYPart } from "./plotlyFigure";

const FACETS = [
  { scale: "x", auto: true },
  { scale: "y", auto: true },
];

/** Tick labels: numbers, or a category axis's names at whole positions. */
function axis(label: string, cats: string[] | null, size?: number): uPlot.Axis {
  // An undefined size would override uPlot's default and hide the axis.
  const base: uPlot.Axis = size === undefined ? { label } : { label, size };
  if (!cats) return { ...base, values: (_u, vs) => vs.map(fmtTick) };
  return {
    ...base,
    splits: () => cats.map((_, i) => i),
    values: (_u, vs) => vs.map((v) => cats[v] ?? ""),
  };
}

function xySeries(part: XYPart): uPlot.Series[] {
  // A trace with lines and markers is two uPlot series over the same points.
  return part.series.flatMap((s) => {
    const out: uPlot.Series[] = [];
    if (s.lines)
      out.push({
        label: s.name,
        stroke: s.color,
        width: 1.5,
        facets: FACETS,
        paths: uPlot.paths.linear!(),
        points: { show: false },
      } as uPlot.Series);
    if (s.markers)
      out.push({
        label: s.name,
        stroke: s.color,
        fill: s.color,
        facets: FACETS,
        paths: uPlot.paths.points!(),
        points: { show: false, size: 6 },
      } as uPlot.Series);
    return out;
  });
}

function XYPlot({ part, view }: { part: XYPart; view: FigureView }) {
  const make = useCallback(
    (width: number) => {
      const dist = (log: boolean) => (log ? { distr: 3 as const } : {});
      const opts: uPlot.Options = {
        mode: 2,
        width,
        height: PLOT_H,
        scales: { x: { time: false, auto: true, ...dist(part.xLog) }, y: { auto: true, ...dist(part.yLog) } },
        axes: [axis(view.xTitle, part.xCats), axis(view.yTitle, part.yCats, 50)],
        legend: { show: false },
        cursor: { show: false },
        series: [{}, ...xySeries(part)],
      };
      const data = part.series.flatMap((s) => Array<number[][]>(Number(s.lines) + Number(s.markers)).fill([s.x, s.y]));
      return { opts, data: [null, ...data] as unknown as uPlot.AlignedData };
    },
    [part, view],
  );
  return (
    <div className="plotly-xy" data-part="xy">
      <PlotCanvas make={make} range={null} />
    </div>
  );
}

function Figure({ view, width }: { view: FigureView; width: number }) {
  return (
    <>
      {view.title && <div className="plotly-title">{view.title}</div>}
      {view.parts.map((p, i) => {
        if (p.type === "xy") return <XYPlot key={i} part={p} view={view} />;
        if (p.type === "bars")
          return <BarsCanvas key={i} part={p} width={width} xTitle={view.xTitle} yTitle={view.yTitle} />;
        return <HeatCanvas key={i} part={p} width={width} />;
      })}
      {view.legend.length > 1 && (
        <div className="plotly-legend">
          {view.legend.map((l, i) => (
            <span key={i} className="plotly-legend-item">
              <span className="swatch" style={{ background: l.color }} />
              {l.name}
            </span>
          ))}
        </div>
      )}
      {view.skipped.length > 0 && (
        <div className="plotly-skipped" role="note">
          this Plotly trace type is not drawn here: {view.skipped.join(", ")}
        </div>
      )}
    </>
  );
}

async function fetchFigure(url: string, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`the figure's file could not be read (HTTP ${res.status})`);
  return parseFigure(await res.text());
}

export function PlotlyView({ file }: { file: MediaFile }) {
  // A file's URL names its content (its hash is in the name): fetched once.
  const q = useQuery({
    queryKey: ["plotly-file", file.url],
    queryFn: ({ signal }) => fetchFigure(file.url, signal),
    staleTime: Infinity,
  });
  const view = useMemo(() => (q.data === undefined ? null : figureView(q.data)), [q.data]);
  const [box, width] = useWidth();
  const state = q.error ? "error" : !view ? "loading" : view.parts.length ? "drawn" : "not-drawn";
  return (
    <div className="plotly" ref={box} data-state={state}>
      {q.error && <div className="panel-status error">{q.error.message}</div>}
      {!view && !q.error && <div className="panel-empty">Loading…</div>}
      {view && <Figure view={view} width={width} />}
      <a className="media-link" href={`${file.url}?download=1`}>
        {file.path.split("/").pop()}
      </a>
    </div>
  );
}
