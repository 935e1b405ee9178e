// Bars and confusion matrices, drawn on a canvas: categories on one axis (bars),
// or actual x predicted classes with each cell's count (a matrix).

import { useEffect, useRef } from "react";
import { sized, tick } from "../histogram/canvas";
import { heatColor } from "../histogram/heatmap";
import type { DrawSpec } from "./chartSpec";

type Bars = Extract<DrawSpec, { type: "bars" }>;
type Matrix = Extract<DrawSpec, { type: "matrix" }>;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function BarsCanvas({ spec, width }: { spec: Bars; width: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const height = 240;
    const g = sized(ref.current!, width, height);
    const [left, bottom] = [48, 36];
    const w = width - left;
    const h = height - bottom;
    const top = Math.max(0, ...spec.values);
    const n = spec.values.length;
    const slot = w / Math.max(1, n);
    g.fillStyle = "#1f77b4";
    spec.values.forEach((v, i) => {
      const bh = top > 0 ? (Math.max(0, v) / top) * (h - 6) : 0;
      g.fillRect(left + i * slot + slot * 0.1, h - bh, Math.max(1, slot * 0.8), bh);
    });
    g.fillStyle = "#666";
    g.textAlign = "right";
    g.fillText(tick(top), left - 4, 10);
    g.fillText("0", left - 4, h);
    g.textAlign = "center";
    const every = Math.max(1, Math.ceil((n * 50) / w)); // a label every ~50 px
    spec.labels.forEach((l, i) => {
      if (i % every === 0) g.fillText(cut(l, 10), left + (i + 0.5) * slot, h + 13);
    });
    g.fillText(spec.xLabel, left + w / 2, height - 4);
  }, [spec, width]);
  return <canvas ref={ref} className="chart-canvas" data-bars={spec.values.length} />;
}

export function MatrixCanvas({ spec, width }: { spec: Matrix; width: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const [left, topPad] = [80, 18];
    const rows = spec.actual.length;
    const cols = spec.predicted.length;
    const cell = Math.max(14, Math.min(60, (width - left) / Math.max(1, cols)));
    const height = topPad + rows * cell + 34;
    const g = sized(ref.current!, width, height);
    const max = Math.max(1, ...spec.counts.flat());
    spec.counts.forEach((row, r) =>
      row.forEach((v, c) => {
        const [cr, cg, cb] = heatColor(v / max);
        g.fillStyle = `rgb(${cr},${cg},${cb})`;
        g.fillRect(left + c * cell, topPad + r * cell, cell - 1, cell - 1);
        if (cell >= 22) {
          g.fillStyle = v / max > 0.45 ? "#fff" : "#222";
          g.textAlign = "center";
          g.fillText(tick(v), left + (c + 0.5) * cell, topPad + (r + 0.5) * cell + 4);
        }
      }),
    );
    g.fillStyle = "#444";
    g.textAlign = "right";
    spec.actual.forEach((a, r) => g.fillText(cut(a, 12), left - 4, topPad + (r + 0.5) * cell + 4));
    g.textAlign = "center";
    spec.predicted.forEach((p, c) => g.fillText(cut(p, 8), left + (c + 0.5) * cell, topPad + rows * cell + 13));
    g.fillText("Predicted", left + (cols * cell) / 2, topPad + rows * cell + 28);
    g.textAlign = "left";
    g.fillText("Actual", 4, 12);
  }, [spec, width]);
  return <canvas ref={ref} className="chart-canvas" data-cells={spec.actual.length * spec.predicted.length} />;
}
