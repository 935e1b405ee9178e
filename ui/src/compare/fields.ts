// Fields of runs as the comparison panels and the run comparer read them:
// "config.<key>" and "summary.<key>" (the API sends both flat, dotted), values
// looked up by field, per-line values (a group line: the mean of its runs),
// points of a scatter and the rows where runs differ.

import type { Columns } from "../api/endpoints";

/** What a field's value is read from: the run's flat config and summary. */
export interface FieldRun {
  id: string;
  name?: string | null;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
}

/** A drawn line (a run, or a group whose mean it shows). */
export interface LineRef {
  id: string;
  name: string;
  color: string;
  members?: string[];
}

/** The project's fields, config first, as the pickers list them. */
export function projectFields(cols: Pick<Columns, "config" | "summary"> | undefined): string[] {
  if (!cols) return [];
  return [...cols.config.map((k) => `config.${k}`), ...cols.summary.map((k) => `summary.${k}`)];
}

/** A field's value in a run (undefined: the run has no such field). */
export function fieldValue(run: FieldRun, field: string): unknown {
  if (field.startsWith("config.")) return run.config[field.slice(7)];
  if (field.startsWith("summary.")) return run.summary[field.slice(8)];
  return undefined;
}

/** A number, when the value is one (booleans and numeric strings are not). */
export function asNumber(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** A line's number for a field: the run's own, or the mean over a group's runs
 * that have one (null: none has). ``n`` says how many runs it covers. */
export function lineNumber(
  line: LineRef,
  byId: Map<string, FieldRun>,
  field: string,
): { value: number; n: number } | null {
  const ids = line.members ?? [line.id];
  let sum = 0;
  let n = 0;
  for (const id of ids) {
    const r = byId.get(id);
    const v = r ? asNumber(fieldValue(r, field)) : null;
    if (v === null) continue;
    sum += v;
    n += 1;
  }
  return n ? { value: sum / n, n } : null;
}

export interface ScatterPoint {
  id: string;
  name: string;
  color: string;
  x: number;
  y: number;
}

/** One point per line that has both numbers (on a log axis: positive ones), sorted by x;
 * ``left`` counts the lines left out. */
export function scatterPoints(
  lines: LineRef[],
  byId: Map<string, FieldRun>,
  x: string,
  y: string,
  log: { x: boolean; y: boolean } = { x: false, y: false },
): { points: ScatterPoint[]; left: number } {
  const points: ScatterPoint[] = [];
  for (const l of lines) {
    const px = lineNumber(l, byId, x);
    const py = lineNumber(l, byId, y);
    if (!px || !py) continue;
    if ((log.x && px.value <= 0) || (log.y && py.value <= 0)) continue;
    points.push({ id: l.id, name: l.name, color: l.color, x: px.value, y: py.value });
  }
  points.sort((a, b) => a.x - b.x);
  return { points, left: lines.length - points.length };
}

/** The same value? Compared by their JSON, so lists and objects compare by content. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export interface CompareRow {
  field: string;
  values: unknown[];
  /** Not every run has the same value (a missing value counts as different). */
  differs: boolean;
}

/** One row per field any run has (config first, then summary, each sorted). */
export function compareRows(runs: FieldRun[]): CompareRow[] {
  const config = new Set<string>();
  const summary = new Set<string>();
  for (const r of runs) {
    Object.keys(r.config).forEach((k) => config.add(k));
    Object.keys(r.summary).forEach((k) => !k.startsWith("_") && summary.add(k));
  }
  const fields = [...[...config].sort().map((k) => `config.${k}`), ...[...summary].sort().map((k) => `summary.${k}`)];
  return fields.map((field) => {
    const values = runs.map((r) => fieldValue(r, field));
    return { field, values, differs: values.some((v) => !sameValue(v, values[0])) };
  });
}

/** A number's difference from the baseline's, as text ("+0.12", "−3"); "" when
 * either is not a number or they are equal. */
export function deltaText(v: unknown, base: unknown, fmt: (n: number) => string): string {
  const a = asNumber(v);
  const b = asNumber(base);
  if (a === null || b === null || a === b) return "";
  const d = a - b;
  return d > 0 ? `+${fmt(d)}` : `−${fmt(-d)}`;
}

export type Agg = "each" | "mean" | "min" | "max";

/** One number over runs: the mean, min or max of those that have one ("each": the mean). */
export function aggregate(
  ids: string[],
  byId: Map<string, FieldRun>,
  field: string,
  agg: Agg,
): { value: number; n: number } | null {
  const vs: number[] = [];
  for (const id of new Set(ids)) {
    const r = byId.get(id);
    const v = r ? asNumber(fieldValue(r, field)) : null;
    if (v !== null) vs.push(v);
  }
  if (!vs.length) return null;
  const value =
    agg === "min" ? Math.min(...vs) : agg === "max" ? Math.max(...vs) : vs.reduce((a, b) => a + b, 0) / vs.length;
  return { value, n: vs.length };
}
