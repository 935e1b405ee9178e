// Colouring runs by a config value: text (or a few distinct values) gets the run
// palette, one colour per value; numbers get a gradient from the smallest to the
// largest (on a log scale when positive and spanning two decades or more).

import { PALETTE } from "../lib/colors";
import { fmtValue } from "../lib/format";
import { sameValue } from "./fields";

/** Viridis at five stops: dark to light, every step told apart in greyscale too. */
const GRADIENT = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];

function mix(a: string, b: string, t: number): string {
  const ch = (hex: string, i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  const out = [0, 1, 2].map((i) => Math.round(ch(a, i) + (ch(b, i) - ch(a, i)) * t));
  return `#${out.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/** The gradient's colour at ``t`` in [0, 1]. */
export function gradientAt(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (GRADIENT.length - 1);
  const i = Math.min(GRADIENT.length - 2, Math.floor(x));
  return mix(GRADIENT[i], GRADIENT[i + 1], x - i);
}

export type ColorScale =
  | { kind: "none" }
  | { kind: "categories"; entries: { label: string; color: string }[]; of: (v: unknown) => string | null }
  | { kind: "gradient"; min: number; max: number; log: boolean; of: (v: unknown) => string | null };

/** The scale for the values runs have (undefined: a run without the key, left uncoloured). */
export function colorScale(values: unknown[]): ColorScale {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (!present.length) return { kind: "none" };
  const nums = present.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const distinct: unknown[] = [];
  for (const v of present) if (!distinct.some((d) => sameValue(d, v))) distinct.push(v);
  if (nums.length === present.length && distinct.length > 2) {
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    const log = min > 0 && max / min >= 99.9;
    const f = (v: number) => (log ? Math.log10(v) : v);
    const span = f(max) - f(min) || 1;
    return {
      kind: "gradient",
      min,
      max,
      log,
      of: (v) => (typeof v === "number" && Number.isFinite(v) ? gradientAt((f(v) - f(min)) / span) : null),
    };
  }
  // Categories in a stable order: numbers ascending, then text.
  distinct.sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : fmtValue(a).localeCompare(fmtValue(b)),
  );
  const entries = distinct.map((v, i) => ({ label: fmtValue(v), color: PALETTE[i % PALETTE.length] }));
  return {
    kind: "categories",
    entries,
    of: (v) => {
      const i = distinct.findIndex((d) => sameValue(d, v));
      return i < 0 ? null : entries[i].color;
    },
  };
}
