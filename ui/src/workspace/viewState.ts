// What the workspace shows (search, filters, sort, group, x axis, smoothing,
// log y, runs drawn) lives in the URL's query string, so a view can be
// reloaded and shared. Defaults are left out of the URL. (No React here: the
// boot code reads the view before the app loads.)

import { AGG_MODES, BAND_MODES, type AggMode, type BandMode } from "../lib/groupAgg";
import type { FilterState } from "./filters";

export interface View {
  search: string;
  filters: FilterState;
  sort: string;
  group: string;
  /** Grouped: each group line's aggregate of its runs and the band around it. */
  agg: AggMode;
  band: BandMode;
  x: string;
  smoothing: number;
  logY: boolean;
  maxRuns: number;
  /** The baseline run pinned at the top of the runs table ("": none): the other
   * rows' numbers show their difference from it. */
  base: string;
  /** The parameter analysis section (parallel coordinates, importance, metric
   * over time): shown, its metric and goal ("" picks one), its parameters (null
   * picks them). */
  analysis: boolean;
  aMetric: string;
  aGoal: "" | "minimize" | "maximize";
  aParams: string[] | null;
}

/** Lines one chart draws at most (the server's limit of runs per series request). */
export const MAX_LINES = 100;

export const DEFAULT_VIEW: View = {
  search: "",
  filters: { rows: [], any: false },
  sort: "-created_at",
  group: "",
  agg: "mean",
  band: "minmax",
  x: "_step",
  smoothing: 0,
  logY: false,
  maxRuns: 10,
  base: "",
  analysis: false,
  aMetric: "",
  aGoal: "",
  aParams: null,
};

function parseFilters(text: string | null): FilterState {
  if (!text) return DEFAULT_VIEW.filters;
  try {
    const v = JSON.parse(text);
    if (Array.isArray(v.rows)) return { rows: v.rows, any: !!v.any };
  } catch {
    /* a hand-edited URL: start without filters */
  }
  return DEFAULT_VIEW.filters;
}

function parseGoal(text: string | null): View["aGoal"] {
  return text === "minimize" || text === "maximize" ? text : "";
}

function parseList(text: string | null): string[] | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text);
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  } catch {
    /* a hand-edited URL: the default parameters */
  }
  return null;
}

/** The runs the charts draw when they are the query's first N (no run switched
 * on beyond them): those first runs, less the ones whose eye is off. */
export function firstLines<T extends { id: string }>(first: T[], eye: Record<string, boolean>): T[] {
  return first.filter((r) => eye[r.id] !== false).slice(0, MAX_LINES);
}

export function parseView(p: URLSearchParams): View {
  return {
    search: p.get("q") ?? "",
    filters: parseFilters(p.get("f")),
    sort: p.get("sort") || DEFAULT_VIEW.sort,
    group: p.get("group") ?? "",
    agg: AGG_MODES.find((m) => m === p.get("agg")) ?? DEFAULT_VIEW.agg,
    band: BAND_MODES.find((m) => m === p.get("band")) ?? DEFAULT_VIEW.band,
    x: p.get("x") || DEFAULT_VIEW.x,
    smoothing: Math.min(0.99, Math.max(0, Number(p.get("smooth") ?? "0") || 0)),
    logY: p.get("logy") === "1",
    maxRuns: Math.max(1, Math.min(MAX_LINES, Number(p.get("runs") ?? "10") || 10)),
    base: p.get("base") ?? "",
    analysis: p.get("an") === "1",
    aMetric: p.get("am") ?? "",
    aGoal: parseGoal(p.get("ag")),
    aParams: parseList(p.get("ap")),
  };
}

export function viewParams(v: View): URLSearchParams {
  const p = new URLSearchParams();
  if (v.search) p.set("q", v.search);
  if (v.filters.rows.length) p.set("f", JSON.stringify(v.filters));
  if (v.sort !== DEFAULT_VIEW.sort) p.set("sort", v.sort);
  if (v.group) p.set("group", v.group);
  if (v.agg !== DEFAULT_VIEW.agg) p.set("agg", v.agg);
  if (v.band !== DEFAULT_VIEW.band) p.set("band", v.band);
  if (v.x !== DEFAULT_VIEW.x) p.set("x", v.x);
  if (v.smoothing) p.set("smooth", String(v.smoothing));
  if (v.logY) p.set("logy", "1");
  if (v.maxRuns !== DEFAULT_VIEW.maxRuns) p.set("runs", String(v.maxRuns));
  if (v.base) p.set("base", v.base);
  if (v.analysis) p.set("an", "1");
  if (v.aMetric) p.set("am", v.aMetric);
  if (v.aGoal) p.set("ag", v.aGoal);
  if (v.aParams) p.set("ap", JSON.stringify(v.aParams));
  return p;
}

/** Clicking a sorted column flips it; a new column sorts descending (names ascending). */
export function nextSort(current: string, key: string): string {
  const cur = current.replace(/^[-+]/, "");
  const desc = current.startsWith("-");
  if (cur === key) return desc ? key : `-${key}`;
  return key === "name" ? key : `-${key}`;
}
