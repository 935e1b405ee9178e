// Chart colours for the colour scheme the system asks for (dark.css does the
// page). uPlot draws axes and grid on a canvas in colours of its own (black text),
// so a chart in dark mode gets light axis text and a faint light grid, and a run
// colour too dark to see on the dark background is drawn lighter.

import type uPlot from "uplot";
import { lab } from "../lib/colors";

const DARK_QUERY = "(prefers-color-scheme: dark)";
const AXIS_TEXT = "#c9d1d9";
const GRID = "rgba(240, 246, 252, 0.12)";
/** Run colours below this CIELAB lightness are lifted to it on a dark page. */
const MIN_LIGHTNESS = 55;

export function prefersDark(): boolean {
  return typeof matchMedia === "function" && matchMedia(DARK_QUERY).matches;
}

/** ``hex`` mixed with white until it is light enough to read on a dark background. */
export function readableOnDark(hex: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) return hex;
  let out = hex;
  // Each step mixes in 15 % more white; at most a few steps for the darkest colours.
  for (let t = 0.15; lab(out)[0] < MIN_LIGHTNESS && t <= 1; t += 0.15) {
    const n = parseInt(hex.slice(1), 16);
    const mix = (c: number) => Math.round(c + (255 - c) * t);
    const rgb = [mix((n >> 16) & 255), mix((n >> 8) & 255), mix(n & 255)];
    out = `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
  }
  return out;
}

/** ``opts`` for the current scheme: unchanged when light; colours the caller set win. */
export function themed(opts: uPlot.Options): uPlot.Options {
  if (!prefersDark()) return opts;
  const axes = opts.axes?.length ? opts.axes : [{}, {}];
  return {
    ...opts,
    axes: axes.map((a) => ({
      stroke: AXIS_TEXT,
      ...a,
      grid: { stroke: GRID, ...a.grid },
      ticks: { stroke: GRID, ...a.ticks },
    })),
    series: opts.series.map((s) => (typeof s.stroke === "string" ? { ...s, stroke: readableOnDark(s.stroke) } : s)),
  };
}
