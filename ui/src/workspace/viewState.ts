// What the workspace shows (search, filters, sort, group, x axis, smoothing,
// log y, runs drawn) lives in the URL's query string, so a view can be
// reloaded and shared. Defaults are left out of the URL. (No React here: the
// boot code reads the view before the app loads.)

import type { FilterState } from "./filters";

export interface View {
  search: string;
  filters: FilterState;
  sort: string;
  group: string;
  x: string;
  smoothing: number;
  logY: boolean;
  maxRuns: number;
}

/** Lines one chart draws at most (the server's limit of runs per series request). */
export const MAX_LINES = 100;

export const DEFAULT_VIEW: View = {
  search: "",
  filters: { rows: [], any: false },
  sort: "-created_at",
  group: "",
  x: "_step",
  smoothing: 0,
  logY: false,
  maxRuns: 10,
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

export function parseView(p: URLSearchParams): View {
  return {
    search: p.get("q") ?? "",
    filters: parseFilters(p.get("f")),
    sort: p.get("sort") || DEFAULT_VIEW.sort,
    group: p.get("group") ?? "",
    x: p.get("x") || DEFAULT_VIEW.x,
    smoothing: Math.min(0.99, Math.max(0, Number(p.get("smooth") ?? "0") || 0)),
    logY: p.get("logy") === "1",
    maxRuns: Math.max(1, Math.min(MAX_LINES, Number(p.get("runs") ?? "10") || 10)),
  };
}

export function viewParams(v: View): URLSearchParams {
  const p = new URLSearchParams();
  if (v.search) p.set("q", v.search);
  if (v.filters.rows.length) p.set("f", JSON.stringify(v.filters));
  if (v.sort !== DEFAULT_VIEW.sort) p.set("sort", v.sort);
  if (v.group) p.set("group", v.group);
  if (v.x !== DEFAULT_VIEW.x) p.set("x", v.x);
  if (v.smoothing) p.set("smooth", String(v.smoothing));
  if (v.logY) p.set("logy", "1");
  if (v.maxRuns !== DEFAULT_VIEW.maxRuns) p.set("runs", String(v.maxRuns));
  return p;
}

/** Clicking a sorted column flips it; a new column sorts descending (names ascending). */
export function nextSort(current: string, key: string): string {
  const cur = current.replace(/^[-+]/, "");
  const desc = current.startsWith("-");
  if (cur === key) return desc ? key : `-${key}`;
  return key === "name" ? key : `-${key}`;
}
