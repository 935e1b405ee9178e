// A line panel drawing several metrics: the keys it names, the project metrics
// its regex matches and its y expressions, each as a line per run (or group).
// Pure, for the unit tests: from fetched series (by key) to what uPlot draws.

import type { ChartLine } from "../../lib/chartLine";
import type { PanelLine } from "../registry";
import { evalExpr, exprVars, parseExpr, type Expr } from "./expr";
import { legendName } from "./legendTemplate";
import { floorIndex, lineSeries, type Drawn, type LineSettings } from "./lineData";
import { smooth } from "./smoothKinds";

/** Metrics a regex may add to one panel at most (a pattern like ".*" on a big project). */
export const MAX_REGEX_KEYS = 20;

const DASHES: (number[] | undefined)[] = [undefined, [6, 3], [2, 3], [8, 3, 2, 3]];

export interface Plan {
  /** What the panel draws, in order: metric keys and expressions. */
  shown: { label: string; key?: string; expr?: Expr }[];
  /** Every key to fetch (shown keys and the expressions' variables). */
  fetch: string[];
  /** Why an expression or the regex cannot be used. */
  errors: string[];
}

/** What a panel with ``keys`` and settings ``s`` draws, over the project's metrics. */
export function planLines(keys: string[], s: LineSettings, metricKeys: string[]): Plan {
  const errors: string[] = [];
  const shown: Plan["shown"] = keys.map((k) => ({ label: k, key: k }));
  if (s.regex?.trim()) {
    try {
      const re = new RegExp(`^(?:${s.regex.trim()})$`);
      const extra = metricKeys.filter((k) => re.test(k) && !keys.includes(k));
      if (extra.length > MAX_REGEX_KEYS)
        errors.push(`The pattern matches ${extra.length} metrics: the first ${MAX_REGEX_KEYS} are drawn`);
      for (const k of extra.slice(0, MAX_REGEX_KEYS)) shown.push({ label: k, key: k });
    } catch (e) {
      errors.push(`Bad pattern ${s.regex}: ${(e as Error).message}`);
    }
  }
  for (const text of s.exprs ?? []) {
    if (!text.trim()) continue;
    try {
      shown.push({ label: text.trim(), expr: parseExpr(text) });
    } catch (e) {
      errors.push(`${text}: ${(e as Error).message}`);
    }
  }
  const fetch: string[] = [];
  const want = (k: string) => fetch.includes(k) || fetch.push(k);
  for (const sh of shown) {
    if (sh.key) want(sh.key);
    if (sh.expr) exprVars(sh.expr).forEach(want);
  }
  return { shown, fetch, errors };
}

/** One line of ``expr`` for a run: on the x of its first variable, each variable's
 * value at or before that x. */
export function exprLine(expr: Expr, byKey: Map<string, ChartLine>, runId: string): ChartLine | null {
  const vars = exprVars(expr);
  const base = vars.length ? byKey.get(vars[0]) : undefined;
  if (!base) return null;
  const y = base.x.map((x) => {
    const vals: Record<string, number | null> = {};
    for (const v of vars) {
      const d = byKey.get(v);
      const i = d ? floorIndex(d.x, x) : -1;
      vals[v] = d && i >= 0 ? (d.y[i] ?? null) : null;
    }
    return evalExpr(expr, vals);
  });
  return { run_id: runId, x: base.x, y, min: y, max: y };
}

function cleanFor(s: LineSettings) {
  return (v: number | null): number | null => (v === null || !Number.isFinite(v) || (s.logY && v <= 0) ? null : v);
}

/** Drop points a log x axis cannot show (x <= 0). */
function positiveX(d: ChartLine): ChartLine {
  const keep = d.x.map((x) => x > 0);
  if (keep.every(Boolean)) return d;
  const f = <T>(xs: T[]) => xs.filter((_, i) => keep[i]);
  return { run_id: d.run_id, x: f(d.x), y: f(d.y), min: f(d.min), max: f(d.max) };
}

/** The lines to draw: per shown metric, per panel line. */
export function drawMulti(lines: PanelLine[], fetched: Map<string, ChartLine[]>, plan: Plan, s: LineSettings): Drawn[] {
  const perKey = new Map([...fetched].map(([k, data]) => [k, lineSeries(lines, data)]));
  const multi = plan.shown.length > 1;
  const clean = cleanFor(s);
  const out: Drawn[] = [];
  plan.shown.forEach((sh, m) => {
    for (const line of lines) {
      let d: ChartLine | null | undefined;
      if (sh.key) d = perKey.get(sh.key)?.get(line.id);
      else if (sh.expr) {
        const byKey = new Map<string, ChartLine>();
        for (const [k, series] of perKey) {
          const one = series.get(line.id);
          if (one) byKey.set(k, one);
        }
        d = exprLine(sh.expr, byKey, line.id);
      }
      if (!d || d.x.length === 0) continue;
      if (s.logX) d = positiveX(d);
      const data = { ...d, y: d.y.map(clean), min: d.min.map(clean), max: d.max.map(clean) };
      const name = legendName(s.legend ?? "", { run: line, config: line.config, metric: sh.label }, multi);
      out.push({
        line: { ...line, id: multi ? `${line.id}\u0000${m}` : line.id, name },
        data,
        smoothed: smooth(data.y, s.smoothKind, s.smoothing),
        dash: DASHES[m % DASHES.length],
      });
    }
  });
  return out;
}
