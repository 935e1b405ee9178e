// The heat-map: x = logged step, y = value, colour = how many values fell there.
// Drawn as one pixel per (step, row) into an offscreen image, scaled up without
// smoothing; a line marks the step the slider picked.

import { useEffect, useRef } from "react";
import { sized, tick } from "./canvas";
import { heatColor, type HeatGrid } from "./heatmap";

export const AXIS_L = 48;
const AXIS_B = 18;

export function HeatmapCanvas({
  grid,
  width,
  height,
  at,
}: {
  grid: HeatGrid;
  width: number;
  height: number;
  at: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const g = sized(ref.current!, width, height);
    const n = grid.steps.length;
    const img = new ImageData(n, grid.rows);
    for (let i = 0; i < n; i++)
      for (let r = 0; r < grid.rows; r++) {
        const [cr, cg, cb] = heatColor(grid.max ? grid.cells[i * grid.rows + r] / grid.max : 0);
        const p = ((grid.rows - 1 - r) * n + i) * 4; // row 0 (the lowest values) at the bottom
        img.data.set([cr, cg, cb, 255], p);
      }
    const off = document.createElement("canvas");
    off.width = n;
    off.height = grid.rows;
    off.getContext("2d")!.putImageData(img, 0, 0);
    const w = width - AXIS_L;
    const h = height - AXIS_B;
    g.imageSmoothingEnabled = false;
    g.drawImage(off, AXIS_L, 0, w, h);
    g.fillStyle = "#666";
    g.textAlign = "right";
    g.fillText(tick(grid.yMax), AXIS_L - 4, 10);
    g.fillText(tick((grid.yMin + grid.yMax) / 2), AXIS_L - 4, h / 2 + 4);
    g.fillText(tick(grid.yMin), AXIS_L - 4, h);
    g.textAlign = "left";
    g.fillText(`step ${grid.steps[0]}`, AXIS_L, height - 4);
    g.textAlign = "right";
    g.fillText(`${grid.steps[n - 1]}`, width, height - 4);
    const x = AXIS_L + ((at + 0.5) * w) / n;
    g.strokeStyle = "#e4572e";
    g.lineWidth = 1.5;
    g.beginPath();
    g.moveTo(x, 0);
    g.lineTo(x, h);
    g.stroke();
  }, [grid, width, height, at]);
  return <canvas ref={ref} className="heatmap" />;
}

/** One step's histogram as bars (its own bin edges). */
export function SliceCanvas({
  bins,
  counts,
  width,
  height,
}: {
  bins: unknown[];
  counts: unknown[];
  width: number;
  height: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const g = sized(ref.current!, width, height);
    const nums = (a: unknown[]) => a.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : NaN));
    const [e, c] = [nums(bins), nums(counts)];
    const lo = e[0];
    const hi = e[e.length - 1];
    const top = Math.max(1, ...c.filter((v) => !Number.isNaN(v)));
    const w = width - AXIS_L;
    const h = height - AXIS_B;
    if (!(hi > lo)) return;
    g.fillStyle = "#3b6fb6";
    c.forEach((v, i) => {
      if (!(v > 0)) return;
      const x0 = AXIS_L + ((e[i] - lo) / (hi - lo)) * w;
      const x1 = AXIS_L + ((e[i + 1] - lo) / (hi - lo)) * w;
      const bh = (v / top) * (h - 4);
      g.fillRect(x0, h - bh, Math.max(1, x1 - x0 - 0.5), bh);
    });
    g.fillStyle = "#666";
    g.textAlign = "right";
    g.fillText(tick(top), AXIS_L - 4, 10);
    g.fillText("0", AXIS_L - 4, h);
    g.textAlign = "left";
    g.fillText(tick(lo), AXIS_L, height - 4);
    g.textAlign = "right";
    g.fillText(tick(hi), width, height - 4);
  }, [bins, counts, width, height]);
  return <canvas ref={ref} className="hist-slice" />;
}
