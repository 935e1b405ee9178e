// The canvas parts of a Plotly figure: bars (categories or histogram bins; grouped
// or stacked, vertical or horizontal) and heat-maps. Scatter traces go to uPlot.

import { useEffect, useRef } from "react";
import { sized, tick } from "../histogram/canvas";
import { cellColour, type BarsPart, type HeatPart } from "./plotlyFigure";

export const PLOT_H = 240;
const [LEFT, BOTTOM, TOP] = [52, 34, 8];

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The value axis's range: zero and every bar's end (stacks summed). */
function valueRange(part: BarsPart): [number, number] {
  let [lo, hi] = [0, 0];
  const n = part.series[0]?.values.length ?? 0;
  for (let i = 0; i < n; i++) {
    let [pos, neg] = [0, 0];
    for (const s of part.series) {
      const v = s.values[i] ?? 0;
      if (part.stacked) v > 0 ? (pos += v) : (neg += v);
      else [pos, neg] = [Math.max(pos, v), Math.min(neg, v)];
    }
    [lo, hi] = [Math.min(lo, neg), Math.max(hi, pos)];
  }
  return hi > lo ? [lo, hi] : [0, 1];
}

/** Each bar's slot as [start, end] along the category axis, in 0..1. */
function slots(part: BarsPart): [number, number][] {
  const n = part.series[0]?.values.length ?? 0;
  const e = part.edges;
  if (e) return Array.from({ length: n }, (_, i) => [(e[i] - e[0]) / (e[n] - e[0]), (e[i + 1] - e[0]) / (e[n] - e[0])]);
  // Categories: 80% of each slot, a gap either side.
  return Array.from({ length: n }, (_, i) => [(i + 0.1) / n, (i + 0.9) / n]);
}

function catLabels(g: CanvasRenderingContext2D, part: BarsPart, along: (f: number) => [number, number], room: number) {
  g.fillStyle = "#555";
  if (part.edges) {
    const e = part.edges;
    for (const f of [0, 0.5, 1]) {
      const [x, y] = along(f);
      g.fillText(tick(e[0] + f * (e[e.length - 1] - e[0])), x, y);
    }
    return;
  }
  const cats = part.cats ?? [];
  const every = Math.max(1, Math.ceil((cats.length * 40) / room)); // a label every ~40 px
  cats.forEach((c, i) => {
    if (i % every) return;
    const [x, y] = along((i + 0.5) / cats.length);
    g.fillText(cut(c, 10), x, y);
  });
}

function yAxisTitle(g: CanvasRenderingContext2D, text: string, h: number) {
  if (!text) return;
  g.save();
  g.translate(10, TOP + h / 2);
  g.rotate(-Math.PI / 2);
  g.textAlign = "center";
  g.fillText(cut(text, 30), 0, 0);
  g.restore();
}

export function BarsCanvas(props: { part: BarsPart; width: number; xTitle: string; yTitle: string }) {
  const { part, width, xTitle, yTitle } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const g = sized(ref.current!, width, PLOT_H);
    const [w, h] = [width - LEFT - 8, PLOT_H - BOTTOM - TOP];
    const [lo, hi] = valueRange(part);
    const scale = (v: number) => (v - lo) / (hi - lo); // 0..1 along the value axis
    const k = part.stacked ? 1 : part.series.length;
    // A rectangle from fractions: a = along the category axis, b = along the value axis.
    const rect = (a0: number, a1: number, b0: number, b1: number) =>
      part.horizontal
        ? g.fillRect(LEFT + b0 * w, TOP + (1 - a1) * h, (b1 - b0) * w, Math.max(1, (a1 - a0) * h))
        : g.fillRect(LEFT + a0 * w, TOP + (1 - b1) * h, Math.max(1, (a1 - a0) * w), (b1 - b0) * h);
    slots(part).forEach(([s0, s1], i) => {
      let [pos, neg] = [0, 0];
      part.series.forEach((s, j) => {
        const v = s.values[i];
        if (v === null || v === 0) return;
        const base = part.stacked ? (v > 0 ? pos : neg) : 0;
        if (part.stacked) v > 0 ? (pos += v) : (neg += v);
        const [a0, a1] = k > 1 ? [s0 + ((s1 - s0) * j) / k, s0 + ((s1 - s0) * (j + 1)) / k] : [s0, s1];
        const [b0, b1] = [scale(Math.min(base, base + v)), scale(Math.max(base, base + v))];
        g.fillStyle = s.color;
        rect(a0, a1, b0, b1);
      });
    });
    g.fillStyle = "#555";
    const valueTicks = [lo, (lo + hi) / 2, hi];
    if (part.horizontal) {
      g.textAlign = "center";
      valueTicks.forEach((v) => g.fillText(tick(v), LEFT + scale(v) * w, TOP + h + 13));
      g.textAlign = "right";
      catLabels(g, part, (f) => [LEFT - 4, TOP + (1 - f) * h + 4], h);
    } else {
      g.textAlign = "right";
      valueTicks.forEach((v) => g.fillText(tick(v), LEFT - 4, TOP + (1 - scale(v)) * h + 4));
      g.textAlign = "center";
      catLabels(g, part, (f) => [LEFT + f * w, TOP + h + 13], w);
    }
    g.textAlign = "center";
    if (xTitle) g.fillText(xTitle, LEFT + w / 2, PLOT_H - 4);
    yAxisTitle(g, yTitle, h);
  }, [part, width, xTitle, yTitle]);
  return <canvas ref={ref} className="plotly-canvas" data-part="bars" />;
}

export function HeatCanvas({ part, width }: { part: HeatPart; width: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const g = sized(ref.current!, width, PLOT_H);
    const rows = part.z.length;
    const cols = Math.max(1, ...part.z.map((r) => r.length));
    const [w, h] = [width - LEFT - 48, PLOT_H - BOTTOM - TOP];
    const img = new ImageData(cols, Math.max(1, rows));
    const span = part.zmax - part.zmin || 1;
    part.z.forEach((row, r) =>
      row.forEach((v, c) => {
        if (v === null) return; // a gap stays clear
        const p = ((rows - 1 - r) * cols + c) * 4; // row 0 at the bottom, as Plotly draws it
        img.data.set([...cellColour((v - part.zmin) / span), 255], p);
      }),
    );
    const off = document.createElement("canvas");
    [off.width, off.height] = [cols, Math.max(1, rows)];
    off.getContext("2d")!.putImageData(img, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(off, LEFT, TOP, w, h);
    g.fillStyle = "#555";
    g.textAlign = "right";
    const every = (n: number, room: number) => Math.max(1, Math.ceil((n * 16) / room));
    part.y.forEach((l, r) => {
      if (r % every(rows, h) === 0) g.fillText(cut(l, 8), LEFT - 4, TOP + (1 - (r + 0.5) / rows) * h + 4);
    });
    g.textAlign = "center";
    part.x.forEach((l, c) => {
      if (c % every(cols * 3, w) === 0) g.fillText(cut(l, 8), LEFT + ((c + 0.5) / cols) * w, TOP + h + 13);
    });
    // The colour bar: the scale from zmin (bottom) to zmax (top).
    for (let i = 0; i < h; i++) {
      g.fillStyle = `rgb(${cellColour(1 - i / h).join(",")})`;
      g.fillRect(width - 42, TOP + i, 10, 1);
    }
    g.fillStyle = "#555";
    g.textAlign = "left";
    g.fillText(tick(part.zmax), width - 30, TOP + 8);
    g.fillText(tick(part.zmin), width - 30, TOP + h);
  }, [part, width]);
  return <canvas ref={ref} className="plotly-canvas" data-part="heatmap" />;
}
