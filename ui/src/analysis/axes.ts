// The parallel coordinates' axes and brushes, without drawing: one axis per
// parameter (a config key) and one for the metric (a summary key), each mapping a
// run's value to a fraction of the axis height (0 bottom, 1 top). Brushes are
// fraction ranges, so they survive a resize. d3-scale does the mapping.

import { scaleLinear, scaleLog, scalePoint } from "d3-scale";

/** A run as the analysis panels see it (flat config and summary keys). */
export interface AnalysisRun {
  id: string;
  name: string;
  createdAt: number | null;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
}

export type AxisKind = "linear" | "log" | "categorical";

export interface Axis {
  /** The brush's key: the config key, or ``metric:<key>`` for the metric. */
  id: string;
  key: string;
  source: "config" | "summary";
  kind: AxisKind;
  /** Tick positions (fractions) and their labels. */
  ticks: { at: number; label: string }[];
  /** Where each run sits on the axis (same order as the runs), NaN when it has no value. */
  at: Float64Array;
}

/** Parameter hints a sweep gives (its search space); log picks the log scale. */
export interface ParamHint {
  name: string;
  log?: boolean;
  /** The search space's bounds: the axis spans them, not only the values tried. */
  min?: number | null;
  max?: number | null;
}

/** A brush: the [low, high] fractions of an axis a run must fall in. */
export type Brushes = Record<string, [number, number]>;

export const axisId = (source: Axis["source"], key: string) => (source === "summary" ? `metric:${key}` : key);

export function valueOf(r: AnalysisRun, source: Axis["source"], key: string): unknown {
  return (source === "config" ? r.config : r.summary)[key];
}

const NOT_FINITE = /^[-+]?(nan|inf(inity)?)$/i;

function num(v: unknown): number | null {
  if (typeof v === "boolean") return null;
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

const fmt = (v: number) => {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(1) : String(Number(v.toPrecision(4)));
};

function numericAxis(key: string, source: Axis["source"], vals: unknown[], log: boolean, hint?: ParamHint): Axis {
  const nums = vals.map(num);
  const present = nums.filter((v): v is number => v !== null);
  let lo = Math.min(...present, ...(typeof hint?.min === "number" ? [hint.min] : []));
  let hi = Math.max(...present, ...(typeof hint?.max === "number" ? [hint.max] : []));
  const useLog = log && lo > 0;
  if (lo === hi) [lo, hi] = useLog ? [lo / 2, hi * 2] : [lo - 1, hi + 1];
  const s = useLog ? scaleLog().domain([lo, hi]).range([0, 1]) : scaleLinear().domain([lo, hi]).range([0, 1]).nice();
  const ticks = (useLog ? s.ticks(4).filter((_, i, all) => all.length <= 6 || i % 3 === 0) : s.ticks(5)).map((t) => ({
    at: s(t),
    label: fmt(t),
  }));
  const at = Float64Array.from(nums, (v) => (v === null || (useLog && v <= 0) ? NaN : s(v)));
  return { id: axisId(source, key), key, source, kind: useLog ? "log" : "linear", ticks, at };
}

function categoricalAxis(key: string, source: Axis["source"], vals: unknown[]): Axis {
  const text = vals.map((v) => (v === undefined || v === null ? null : typeof v === "string" ? v : JSON.stringify(v)));
  const levels = [...new Set(text.filter((t): t is string => t !== null))].sort();
  const s = scalePoint<string>().domain(levels).range([0, 1]).padding(0.5);
  const at = Float64Array.from(text, (t) => (t === null ? NaN : (s(t) ?? NaN)));
  return {
    id: axisId(source, key),
    key,
    source,
    kind: "categorical",
    ticks: levels.map((l) => ({ at: s(l) ?? 0, label: l })),
    at,
  };
}

/** An axis over the runs' values of one key: numeric when every value present is
 * a number (log when the sweep says so, or when positive values span over three
 * decades), else categorical. */
export function buildAxis(runs: AnalysisRun[], source: Axis["source"], key: string, hint?: ParamHint): Axis {
  const vals = runs.map((r) => valueOf(r, source, key));
  // NaN and infinities reach JSON as text: a gap on a numeric axis, not a category.
  const present = vals.filter((v) => v !== undefined && v !== null && !(typeof v === "string" && NOT_FINITE.test(v)));
  const numeric = present.length > 0 && present.every((v) => num(v) !== null || typeof v === "number");
  if (!numeric) return categoricalAxis(key, source, vals);
  const nums = present.map(num).filter((v): v is number => v !== null);
  if (!nums.length) return categoricalAxis(key, source, []);
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  const log = hint?.log ?? (lo > 0 && hi / lo > 1000);
  return numericAxis(key, source, vals, log, hint);
}

/** The axes: each parameter, then the metric. */
export function buildAxes(runs: AnalysisRun[], params: string[], metric: string, hints: ParamHint[] = []): Axis[] {
  const byName = new Map(hints.map((h) => [h.name, h]));
  const axes = params.map((p) => buildAxis(runs, "config", p, byName.get(p)));
  if (metric) axes.push(buildAxis(runs, "summary", metric));
  return axes;
}

/** Whether run ``i`` passes every brush (a run without a value on a brushed axis does not). */
export function passes(axes: Axis[], brushes: Brushes, i: number): boolean {
  for (const a of axes) {
    const b = brushes[a.id];
    if (!b) continue;
    const v = a.at[i];
    if (!(v >= b[0] && v <= b[1])) return false;
  }
  return true;
}

/** The ids of the runs that pass the brushes, or null when nothing is brushed. */
export function brushedIds(runs: AnalysisRun[], axes: Axis[], brushes: Brushes): Set<string> | null {
  const live = axes.filter((a) => brushes[a.id]);
  if (!live.length) return null;
  return new Set(runs.filter((_, i) => passes(live, brushes, i)).map((r) => r.id));
}

/** Config keys worth an axis when the user picked none: those that differ
 * between the runs (a constant says nothing), at most ``max``. */
export function defaultParams(runs: AnalysisRun[], keys: string[], max = 8): string[] {
  const out: string[] = [];
  for (const k of keys) {
    const seen = new Set(runs.map((r) => JSON.stringify(r.config[k] ?? null)));
    if (seen.size > 1) out.push(k);
    if (out.length >= max) break;
  }
  return out;
}

/** The run whose line passes nearest to (px, py) between two axes (at most
 * ``within`` pixels away), given each axis's x and the y of a fraction; -1 when none. */
export function nearestRun(
  axes: Axis[],
  xs: number[],
  y: (frac: number) => number,
  px: number,
  py: number,
  within = 6,
  keep: (i: number) => boolean = () => true,
): number {
  let k = xs.findIndex((x, i) => i < xs.length - 1 && px >= x && px <= xs[i + 1]);
  if (k < 0) k = px < xs[0] ? 0 : xs.length - 1;
  const a = axes[k];
  const b = axes[Math.min(k + 1, axes.length - 1)];
  if (!a || !b) return -1;
  const span = xs[Math.min(k + 1, xs.length - 1)] - xs[k];
  const t = span > 0 ? Math.min(1, Math.max(0, (px - xs[k]) / span)) : 0;
  let best = -1;
  let dist = within;
  for (let i = 0; i < a.at.length; i++) {
    const ya = a.at[i];
    const yb = b.at[i];
    if (Number.isNaN(ya) || Number.isNaN(yb) || !keep(i)) continue;
    const d = Math.abs(y(ya + (yb - ya) * t) - py);
    if (d < dist) [best, dist] = [i, d];
  }
  return best;
}
