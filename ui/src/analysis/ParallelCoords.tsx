// Parallel coordinates: one vertical axis per parameter and one for the metric,
// one line per run in its colour. The lines go on a canvas (thousands of runs
// cost one draw, not thousands of DOM nodes); the axes and their brushes are a
// small SVG over it, the brushes from d3-brush. Brushing an axis keeps the runs
// inside the brush; the others turn grey.

import { brushY, type BrushBehavior, type D3BrushEvent } from "d3-brush";
import { select } from "d3-selection";
import { useEffect, useMemo, useRef, useState, type MouseEvent } from "react";
import { useWidth } from "../panels/useWidth";
import { nearestRun, passes, type AnalysisRun, type Axis, type Brushes } from "./axes";

const H = 320;
const M = { top: 40, bottom: 18, left: 48, right: 56 };
const BRUSH_W = 24;
const GREY = "rgba(160,160,160,0.18)";

interface Layout {
  xs: number[];
  y: (frac: number) => number;
  frac: (y: number) => number;
}

function layout(n: number, width: number): Layout {
  const inner = Math.max(1, width - M.left - M.right);
  const xs = Array.from({ length: n }, (_, i) => (n === 1 ? M.left + inner / 2 : M.left + (i * inner) / (n - 1)));
  const h = H - M.top - M.bottom;
  return { xs, y: (f) => M.top + (1 - f) * h, frac: (y) => 1 - (y - M.top) / h };
}

function drawLines(
  canvas: HTMLCanvasElement,
  width: number,
  runs: AnalysisRun[],
  axes: Axis[],
  brushes: Brushes,
  colors: string[],
  lay: Layout,
  hover: number,
): void {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(H * dpr);
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, H);
  ctx.lineWidth = runs.length > 500 ? 1 : 1.5;
  const path = (i: number) => {
    ctx.beginPath();
    let open = false;
    axes.forEach((a, k) => {
      const v = a.at[i];
      if (Number.isNaN(v)) {
        open = false; // no value on this axis: the line breaks here
        return;
      }
      const x = lay.xs[k];
      const y = lay.y(v);
      if (open) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      open = true;
    });
    ctx.stroke();
  };
  const kept: number[] = [];
  ctx.strokeStyle = GREY;
  runs.forEach((_, i) => (passes(axes, brushes, i) ? kept.push(i) : path(i)));
  ctx.globalAlpha = kept.length > 1000 ? 0.35 : 0.8;
  for (const i of kept) {
    ctx.strokeStyle = colors[i];
    path(i);
  }
  ctx.globalAlpha = 1;
  if (hover >= 0) {
    ctx.lineWidth = 3;
    ctx.strokeStyle = colors[hover];
    path(hover);
  }
}

function valueText(v: unknown): string {
  if (typeof v === "number") return String(Number(v.toPrecision(5)));
  return v === undefined || v === null ? "–" : typeof v === "string" ? v : JSON.stringify(v);
}

function AxisBrush({
  axis,
  x,
  lay,
  range,
  onBrush,
}: {
  axis: Axis;
  x: number;
  lay: Layout;
  range: [number, number] | undefined;
  onBrush: (key: string, r: [number, number] | null) => void;
}) {
  const ref = useRef<SVGGElement>(null);
  const brush = useRef<BrushBehavior<unknown> | null>(null);
  useEffect(() => {
    const g = select(ref.current!);
    const b = brushY()
      .extent([
        [x - BRUSH_W / 2, lay.y(1)],
        [x + BRUSH_W / 2, lay.y(0)],
      ])
      .on("brush end", (ev: D3BrushEvent<unknown>) => {
        if (!ev.sourceEvent) return; // moved by the code below, not by the user
        const sel = ev.selection as [number, number] | null;
        onBrush(axis.id, sel ? [lay.frac(sel[1]), lay.frac(sel[0])] : null);
      });
    brush.current = b;
    g.call(b);
    return () => {
      g.on(".brush", null);
      g.selectAll("*").remove();
    };
  }, [axis.id, x, lay, onBrush]);
  useEffect(() => {
    const b = brush.current;
    if (!b) return;
    const g = select(ref.current!);
    // Keep the drawn brush in step with the state (a resize, a reset).
    b.move(g, range ? [lay.y(range[1]), lay.y(range[0])] : null);
  }, [range, lay, x]);
  return <g ref={ref} className="pc-brush" data-axis={axis.id} />;
}

function AxisView({ axis, x, lay, last }: { axis: Axis; x: number; lay: Layout; last: boolean }) {
  const ticks =
    axis.ticks.length > 24 ? axis.ticks.filter((_, i) => i % Math.ceil(axis.ticks.length / 24) === 0) : axis.ticks;
  return (
    <g className={`pc-axis${last ? " pc-metric" : ""}`} data-axis={axis.id} data-kind={axis.kind}>
      <line x1={x} x2={x} y1={lay.y(0)} y2={lay.y(1)} />
      {ticks.map((t) => (
        <text key={t.label} x={x - 5} y={lay.y(t.at)} className="pc-tick" textAnchor="end" dominantBaseline="middle">
          {t.label.length > 12 ? `${t.label.slice(0, 11)}…` : t.label}
        </text>
      ))}
      <text x={x} y={M.top - 14} className="pc-title" textAnchor="middle">
        {axis.key.length > 18 ? `…${axis.key.slice(-17)}` : axis.key}
        <title>{`${axis.source}.${axis.key}`}</title>
      </text>
    </g>
  );
}

export function ParallelCoords({
  runs,
  axes,
  colors,
  brushes,
  onBrush,
  shown,
}: {
  runs: AnalysisRun[];
  axes: Axis[];
  /** Each run's colour (same order as ``runs``). */
  colors: string[];
  brushes: Brushes;
  onBrush: (key: string, r: [number, number] | null) => void;
  /** Runs inside the brushes. */
  shown: number;
}) {
  const [box, width] = useWidth(600);
  const canvas = useRef<HTMLCanvasElement>(null);
  const lay = useMemo(() => layout(axes.length, width), [axes.length, width]);
  const [hover, setHover] = useState<{ i: number; x: number; y: number } | null>(null);
  useEffect(() => {
    if (canvas.current) drawLines(canvas.current, width, runs, axes, brushes, colors, lay, hover?.i ?? -1);
  }, [width, runs, axes, brushes, colors, lay, hover]);
  const onMove = (e: MouseEvent<HTMLDivElement>) => {
    if (e.buttons) return; // brushing
    const r = e.currentTarget.getBoundingClientRect();
    const [x, y] = [e.clientX - r.left, e.clientY - r.top];
    const i = nearestRun(axes, lay.xs, lay.y, x, y, 6, (k) => passes(axes, brushes, k));
    setHover((h) => (i < 0 ? null : h?.i === i && Math.abs(h.x - x) < 20 ? h : { i, x, y }));
  };
  const hovered = hover ? runs[hover.i] : undefined;
  const brushed = Object.keys(brushes).length > 0;
  return (
    <div
      className="panel pc-panel"
      data-kind="parallel"
      data-state={axes.length && runs.length ? "drawn" : "empty"}
      data-runs={runs.length}
      data-shown={shown}
    >
      <div className="panel-head">
        <span className="panel-title">Parallel coordinates</span>
        <span className="pc-count">
          {brushed
            ? `${shown} of ${runs.length} runs in the brushes`
            : `${runs.length} runs · drag on an axis to filter`}
          {brushed && (
            <button className="link pc-clear" onClick={() => axes.forEach((a) => onBrush(a.id, null))}>
              clear
            </button>
          )}
        </span>
      </div>
      <div className="pc-box" ref={box} style={{ height: H }} onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
        {axes.length === 0 ? (
          <div className="panel-empty">Pick parameters and a metric above.</div>
        ) : (
          <>
            <canvas ref={canvas} style={{ width, height: H }} />
            <svg width={width} height={H}>
              {axes.map((a, i) => (
                <AxisView key={a.id} axis={a} x={lay.xs[i]} lay={lay} last={a.source === "summary"} />
              ))}
              {axes.map((a, i) => (
                <AxisBrush key={a.id} axis={a} x={lay.xs[i]} lay={lay} range={brushes[a.id]} onBrush={onBrush} />
              ))}
            </svg>
            {hovered && hover && (
              <div
                className={`panel-tip pc-tip${hover.x > width / 2 ? " flip" : ""}`}
                style={{ left: hover.x + (hover.x > width / 2 ? -12 : 12), top: hover.y + 12 }}
                data-run-id={hovered.id}
              >
                <div className="tip-x">{hovered.name}</div>
                {axes.map((a) => (
                  <div key={a.id} className="tip-row">
                    <span className="tip-name">{a.key}</span>
                    <span>{valueText((a.source === "config" ? hovered.config : hovered.summary)[a.key])}</span>
                  </div>
                ))}
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}
