// The smoothing a line panel offers: TensorBoard's debiased EMA, a Gaussian
// kernel and a trailing running average. One strength (0..0.99) drives each, so
// the slider means "more" whatever the kind; nulls (gaps) stay gaps and feed nothing.

import { ema } from "../../lib/smoothing";

export type SmoothKind = "ema" | "gaussian" | "average";

export const SMOOTH_KINDS: { kind: SmoothKind; label: string }[] = [
  { kind: "ema", label: "Exponential moving average" },
  { kind: "gaussian", label: "Gaussian" },
  { kind: "average", label: "Running average" },
];

/** Points on each side of a Gaussian's centre per unit of strength (sigma = strength * this). */
const GAUSS_SIGMA = 10;
/** Points a running average spans at strength 1. */
const AVG_WINDOW = 50;

function gaussian(ys: ArrayLike<number | null>, sigma: number): (number | null)[] {
  const r = Math.ceil(3 * sigma);
  const w = Array.from({ length: r + 1 }, (_, k) => Math.exp(-(k * k) / (2 * sigma * sigma)));
  const out: (number | null)[] = new Array(ys.length);
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y === null || !Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    let s = 0;
    let n = 0;
    for (let j = Math.max(0, i - r); j <= Math.min(ys.length - 1, i + r); j++) {
      const v = ys[j];
      if (v === null || !Number.isFinite(v)) continue;
      s += w[Math.abs(i - j)] * v;
      n += w[Math.abs(i - j)];
    }
    out[i] = s / n;
  }
  return out;
}

function running(ys: ArrayLike<number | null>, size: number): (number | null)[] {
  const out: (number | null)[] = new Array(ys.length);
  const win: number[] = [];
  let s = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y === null || !Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    win.push(y);
    s += y;
    if (win.length > size) s -= win.shift()!;
    out[i] = s / win.length;
  }
  return out;
}

/** ``ys`` smoothed by ``kind`` at ``strength`` (0: unchanged). */
export function smooth(
  ys: ArrayLike<number | null>,
  kind: SmoothKind | undefined,
  strength: number,
): (number | null)[] {
  if (!(strength > 0)) return Array.from(ys);
  if (kind === "gaussian") return gaussian(ys, Math.max(0.5, strength * GAUSS_SIGMA));
  if (kind === "average") return running(ys, Math.max(1, Math.round(strength * AVG_WINDOW)));
  return ema(ys, strength);
}
