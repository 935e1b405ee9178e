// The runs table's baseline: a number's difference from the pinned run's, as the
// cell shows it ("+0.012", "−3") with the relative change in its title. (No
// React here, so the tests run it alone.)

import { deltaText } from "../compare/fields";
import { fmtValue } from "../lib/format";

export interface Delta {
  text: string;
  /** up: more than the baseline's, down: less. */
  dir: "up" | "down";
  /** "+0.012 (+3.1%) over" */
  title: string;
}

const fmt = (n: number) => fmtValue(Number(n.toPrecision(4)));

export function baseDelta(v: unknown, base: unknown): Delta | null {
  if (typeof v !== "number" || typeof base !== "number" || !Number.isFinite(v) || !Number.isFinite(base)) return null;
  const text = deltaText(v, base, fmt);
  if (!text) return null;
  const rel = base !== 0 ? ` (${v > base ? "+" : "−"}${fmt((Math.abs(v - base) / Math.abs(base)) * 100)}%)` : "";
  return { text, dir: v > base ? "up" : "down", title: `${text}${rel} against` };
}
