// What to draw for a wandb.plot chart: its panelDefId and field settings turned
// into a plain drawing spec (x/y lines or points, bars, or a matrix), so the
// panel draws W&B's built-in charts natively instead of running Vega.

export interface ChartInput {
  key: string;
  panel_def_id: string;
  field_settings: Record<string, unknown>;
  string_settings: Record<string, unknown>;
  columns: string[];
  data: unknown[][];
}

export interface XYSeries {
  name: string;
  x: number[];
  y: number[];
}

export type DrawSpec =
  | { type: "xy"; mode: "line" | "points"; title: string; xLabel: string; yLabel: string; series: XYSeries[] }
  | { type: "bars"; title: string; xLabel: string; yLabel: string; labels: string[]; values: number[] }
  | { type: "matrix"; title: string; actual: string[]; predicted: string[]; counts: number[][] }
  | { type: "unsupported"; title: string; reason: string };

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const str = (v: unknown, d = ""): string => (typeof v === "string" && v ? v : d);

/** The index of the column a field names; -1 when the field or column is missing. */
function col(c: ChartInput, field: string): number {
  const name = c.field_settings[field];
  return typeof name === "string" ? c.columns.indexOf(name) : -1;
}

/** Points grouped into one series per value of column ``g`` (one series when g < 0). */
export function groupXY(data: unknown[][], xi: number, yi: number, g: number, sortX: boolean): XYSeries[] {
  const out = new Map<string, XYSeries>();
  for (const row of data) {
    const x = row[xi];
    const y = row[yi];
    if (!finite(x) || !finite(y)) continue;
    const name = g >= 0 ? String(row[g] ?? "") : "";
    let s = out.get(name);
    if (!s) out.set(name, (s = { name, x: [], y: [] }));
    s.x.push(x);
    s.y.push(y);
  }
  const series = [...out.values()];
  if (sortX)
    for (const s of series) {
      const idx = s.x.map((_, i) => i).sort((a, b) => s.x[a] - s.x[b] || a - b);
      s.x = idx.map((i) => s.x[i]);
      s.y = idx.map((i) => s.y[i]);
    }
  return series;
}

/** Counts of ``values`` in ``n`` equal bins: labels are the bins' left edges. */
export function binValues(values: number[], n = 30): { labels: string[]; counts: number[] } {
  if (values.length === 0) return { labels: [], counts: [] };
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const w = (hi - lo) / n;
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, Math.floor((v - lo) / w))]++;
  const labels = counts.map((_, i) => String(Number((lo + i * w).toPrecision(3))));
  return { labels, counts };
}

function matrix(c: ChartInput, title: string): DrawSpec {
  const [ai, pi, ni] = [col(c, "Actual"), col(c, "Predicted"), col(c, "nPredictions")];
  if (ai < 0 || pi < 0 || ni < 0)
    return { type: "unsupported", title, reason: "the table lacks Actual/Predicted/nPredictions" };
  const actual: string[] = [];
  const predicted: string[] = [];
  for (const r of c.data) {
    if (!actual.includes(String(r[ai]))) actual.push(String(r[ai]));
    if (!predicted.includes(String(r[pi]))) predicted.push(String(r[pi]));
  }
  const counts = actual.map(() => predicted.map(() => 0));
  for (const r of c.data) {
    const n = r[ni];
    if (finite(n)) counts[actual.indexOf(String(r[ai]))][predicted.indexOf(String(r[pi]))] += n;
  }
  return { type: "matrix", title, actual, predicted, counts };
}

/** The drawing spec of a chart, by its panelDefId (W&B's built-in Vega spec ids). */
export function chartSpec(c: ChartInput): DrawSpec {
  const s = c.string_settings;
  const title = str(s.title, c.key);
  const f = (k: string) => str(c.field_settings[k], k);
  const id = c.panel_def_id.replace(/\/v\d+$/, "");
  const missing = (fields: string[]): DrawSpec | null => {
    const gone = fields.filter((k) => col(c, k) < 0);
    return gone.length
      ? { type: "unsupported", title, reason: `the table has no column for ${gone.join(", ")}` }
      : null;
  };
  switch (id) {
    case "wandb/line":
    case "wandb/scatter": {
      const bad = missing(["x", "y"]);
      if (bad) return bad;
      const line = id === "wandb/line";
      const series = groupXY(c.data, col(c, "x"), col(c, "y"), col(c, "stroke"), line);
      return { type: "xy", mode: line ? "line" : "points", title, xLabel: f("x"), yLabel: f("y"), series };
    }
    case "wandb/lineseries": {
      const bad = missing(["step", "lineKey", "lineVal"]);
      if (bad) return bad;
      const series = groupXY(c.data, col(c, "step"), col(c, "lineVal"), col(c, "lineKey"), true);
      return { type: "xy", mode: "line", title, xLabel: str(s.xname, "x"), yLabel: "", series };
    }
    case "wandb/area-under-curve": {
      const bad = missing(["x", "y"]);
      if (bad) return bad;
      const series = groupXY(c.data, col(c, "x"), col(c, "y"), col(c, "class"), false);
      return {
        type: "xy",
        mode: "line",
        title,
        xLabel: str(s["x-axis-title"], f("x")),
        yLabel: str(s["y-axis-title"], f("y")),
        series,
      };
    }
    case "wandb/bar": {
      const bad = missing(["label", "value"]);
      if (bad) return bad;
      const [li, vi] = [col(c, "label"), col(c, "value")];
      const rows = c.data.filter((r) => finite(r[vi]));
      return {
        type: "bars",
        title,
        xLabel: f("label"),
        yLabel: f("value"),
        labels: rows.map((r) => String(r[li])),
        values: rows.map((r) => r[vi] as number),
      };
    }
    case "wandb/histogram": {
      const bad = missing(["value"]);
      if (bad) return bad;
      const vi = col(c, "value");
      const { labels, counts } = binValues(c.data.map((r) => r[vi]).filter(finite));
      return { type: "bars", title, xLabel: f("value"), yLabel: "count", labels, values: counts };
    }
    case "wandb/confusion_matrix":
      return matrix(c, title);
    default:
      return {
        type: "unsupported",
        title,
        reason: `runbase draws the built-in wandb.plot charts; ${c.panel_def_id || "this chart"} is a custom Vega spec`,
      };
  }
}
