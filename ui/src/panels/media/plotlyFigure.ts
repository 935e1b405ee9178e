// A logged Plotly figure ({"data": [traces], "layout": {...}}) turned into what
// the media panel can draw without plotly.js: x/y series (scatter, scattergl),
// bars (bar, and histograms binned here) and heat-maps, with the titles and one
// colour per trace. Other trace types are listed as skipped, not guessed at.

import { PALETTE } from "../../lib/colors";

export type Num = number | null;

export interface XYSeries {
  name: string;
  color: string;
  x: number[];
  y: number[];
  lines: boolean;
  markers: boolean;
}
export interface XYPart {
  type: "xy";
  series: XYSeries[];
  /** Category names when the x (or y) values are text: the values are their indices. */
  xCats: string[] | null;
  yCats: string[] | null;
  xLog: boolean;
  yLog: boolean;
}
export interface BarSeries {
  name: string;
  color: string;
  values: Num[];
}
export interface BarsPart {
  type: "bars";
  horizontal: boolean;
  stacked: boolean;
  /** One slot per category, or (histograms of numbers) the bins' edges. */
  cats: string[] | null;
  edges: number[] | null;
  series: BarSeries[];
}
export interface HeatPart {
  type: "heatmap";
  name: string;
  /** Rows of cells, row 0 drawn at the bottom (as Plotly does). */
  z: Num[][];
  x: string[];
  y: string[];
  zmin: number;
  zmax: number;
}
export type Part = XYPart | BarsPart | HeatPart;

export interface FigureView {
  title: string;
  xTitle: string;
  yTitle: string;
  parts: Part[];
  legend: { name: string; color: string }[];
  /** Trace types present but not drawn here (pie, scatter3d, ...), once each. */
  skipped: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const TYPED: Record<string, [number, (d: DataView, o: number) => number]> = {
  i1: [1, (d, o) => d.getInt8(o)],
  u1: [1, (d, o) => d.getUint8(o)],
  u1c: [1, (d, o) => d.getUint8(o)],
  i2: [2, (d, o) => d.getInt16(o, true)],
  u2: [2, (d, o) => d.getUint16(o, true)],
  i4: [4, (d, o) => d.getInt32(o, true)],
  u4: [4, (d, o) => d.getUint32(o, true)],
  f4: [4, (d, o) => d.getFloat32(o, true)],
  f8: [8, (d, o) => d.getFloat64(o, true)],
};

/** A Plotly typed array ({"dtype": "f8", "bdata": base64, "shape": "3, 4"}, what
 * plotly >= 6 writes for numpy arrays) as numbers; null when ``v`` is not one. */
export function decodeTyped(v: unknown): number[] | null {
  if (!isObj(v) || typeof v.bdata !== "string" || typeof v.dtype !== "string") return null;
  const kind = TYPED[v.dtype];
  if (!kind) return null;
  const bin = atob(v.bdata);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const [size, read] = kind;
  const view = new DataView(bytes.buffer);
  const out: number[] = [];
  for (let o = 0; o + size <= bytes.length; o += size) out.push(read(view, o));
  return out;
}

/** A trace's array attribute, plain or typed; [] when absent. */
export function values(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return decodeTyped(v) ?? [];
}

/** A 2-D attribute (a heat-map's z): nested arrays, or a typed array with its shape. */
export function matrix(v: unknown): Num[][] {
  if (Array.isArray(v)) return v.map((row) => values(row).map(num));
  const flat = decodeTyped(v);
  if (!flat || !isObj(v)) return [];
  const shape = String(v.shape ?? flat.length)
    .split(",")
    .map((s) => Number(s.trim()));
  const cols = shape.length > 1 ? shape[1] : flat.length;
  const rows: Num[][] = [];
  for (let r = 0; r * cols < flat.length; r++) rows.push(flat.slice(r * cols, (r + 1) * cols).map(num));
  return rows;
}

export function num(v: unknown): Num {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Text of a Plotly title (a string or {"text": ...}), its HTML tags dropped. */
export function titleText(t: unknown): string {
  const s = isObj(t) ? t.text : t;
  if (typeof s !== "string" && typeof s !== "number") return "";
  return String(s)
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .trim();
}

/** The trace's own colour when it names one (a single CSS colour), else the palette's. */
function colourOf(t: Obj, i: number): string {
  for (const part of [t.marker, t.line]) {
    const c = isObj(part) ? part.color : undefined;
    if (typeof c === "string" && /^(#[0-9a-f]{3,8}|rgba?\([\d.,\s%]+\)|[a-z]+)$/i.test(c.trim())) return c.trim();
  }
  return PALETTE[i % PALETTE.length];
}

/** Positions of values along an axis: numbers as they are, text as category indices. */
function positions(raw: unknown[], cats: string[]): Num[] {
  const numeric = raw.every((v) => v === null || num(v) !== null);
  if (numeric) return raw.map(num);
  return raw.map((v) => {
    const s = String(v);
    let i = cats.indexOf(s);
    if (i < 0) i = cats.push(s) - 1;
    return i;
  });
}

interface Trace {
  t: Obj;
  name: string;
  color: string;
}

function scatterPart(traces: Trace[], layout: Obj): XYPart {
  const xCats: string[] = [];
  const yCats: string[] = [];
  const series: XYSeries[] = [];
  for (const { t, name, color } of traces) {
    let ys = values(t.y);
    let xs = values(t.x);
    if (!xs.length) xs = ys.map((_, i) => i);
    if (!ys.length) ys = xs.map((_, i) => i);
    const [px, py] = [positions(xs, xCats), positions(ys, yCats)];
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < Math.min(px.length, py.length); i++) {
      const [a, b] = [px[i], py[i]];
      if (a !== null && b !== null) (x.push(a), y.push(b));
    }
    // Plotly's default: lines and markers under 20 points, lines from there on.
    const mode = typeof t.mode === "string" ? t.mode : x.length < 20 ? "lines+markers" : "lines";
    const lines = mode.includes("lines");
    const markers = mode.includes("markers") || (!lines && mode !== "none");
    series.push({ name, color, x, y, lines, markers });
  }
  const log = (a: unknown) => isObj(layout[a as string]) && (layout[a as string] as Obj).type === "log";
  return {
    type: "xy",
    series,
    xCats: xCats.length ? xCats : null,
    yCats: yCats.length ? yCats : null,
    xLog: log("xaxis"),
    yLog: log("yaxis"),
  };
}

function barPart(traces: Trace[], horizontal: boolean, stacked: boolean): BarsPart {
  const cats: string[] = [];
  const rows: Map<string, Num>[] = [];
  for (const { t } of traces) {
    let [catsRaw, vals] = horizontal ? [values(t.y), values(t.x)] : [values(t.x), values(t.y)];
    if (!catsRaw.length) catsRaw = vals.map((_, i) => i);
    const row = new Map<string, Num>();
    catsRaw.forEach((c, i) => {
      const k = String(c);
      if (!cats.includes(k)) cats.push(k);
      row.set(k, num(vals[i]));
    });
    rows.push(row);
  }
  const series = traces.map(({ name, color }, i) => ({ name, color, values: cats.map((c) => rows[i].get(c) ?? null) }));
  return { type: "bars", horizontal, stacked, cats, edges: null, series };
}

const NICE = [1, 2, 2.5, 5, 10];

/** A round bin width near ``raw`` (1, 2, 2.5 or 5 times a power of ten). */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  return (NICE.find((n) => n * p >= raw) ?? 10) * p;
}

interface BinSpec {
  nbins?: number;
  start?: number;
  end?: number;
  size?: number;
}

/** Bin edges covering ``vals``: the trace's own bins when it gives them, else about
 * sqrt(n) round-width bins (5 to 60). */
export function binEdges(vals: number[], spec: BinSpec = {}): number[] {
  if (!vals.length) return [0, 1];
  let lo = Math.min(...vals);
  let hi = Math.max(...vals);
  if (spec.start !== undefined) lo = spec.start;
  if (spec.end !== undefined) hi = spec.end;
  if (!(hi > lo)) return [lo - 0.5, lo + 0.5];
  const target = spec.nbins ?? Math.min(60, Math.max(5, Math.ceil(Math.sqrt(vals.length))));
  const size = spec.size && spec.size > 0 ? spec.size : niceStep((hi - lo) / target);
  const start = spec.start ?? Math.floor(lo / size) * size;
  const edges = [start];
  // The last edge reaches the highest value; the last bin holds it (binCounts).
  while (edges[edges.length - 1] < hi && edges.length <= 10_000) edges.push(start + edges.length * size);
  return edges;
}

/** How many of ``vals`` fall in each bin (the last bin holds its upper edge), scaled by ``norm``. */
export function binCounts(vals: number[], edges: number[], norm = ""): number[] {
  const n = edges.length - 1;
  const counts = new Array<number>(n).fill(0);
  const [lo, hi] = [edges[0], edges[n]];
  const size = (hi - lo) / n;
  for (const v of vals) {
    if (v < lo || v > hi) continue;
    counts[Math.min(n - 1, Math.floor((v - lo) / size))] += 1;
  }
  const total = vals.length || 1;
  const scale: Record<string, number> = {
    percent: 100 / total,
    probability: 1 / total,
    density: 1 / size,
    "probability density": 1 / (total * size),
  };
  const k = scale[norm] ?? 1;
  return counts.map((c) => c * k);
}

function binSpec(t: Obj, horizontal: boolean): BinSpec {
  const bins = t[horizontal ? "ybins" : "xbins"];
  const nb = t[horizontal ? "nbinsy" : "nbinsx"];
  const spec: BinSpec = {};
  if (typeof nb === "number" && nb > 0) spec.nbins = nb;
  if (isObj(bins))
    for (const k of ["start", "end", "size"] as const) {
      const v = num(bins[k]);
      if (v !== null) spec[k] = v;
    }
  return spec;
}

function histogramPart(traces: Trace[], horizontal: boolean, stacked: boolean): BarsPart {
  const raw = traces.map(({ t }) => values(horizontal ? t.y : t.x));
  const numeric = raw.every((r) => r.every((v) => num(v) !== null));
  if (!numeric) {
    // Text values: one bar per category, its count.
    const cats: string[] = [];
    for (const r of raw) for (const v of r) if (!cats.includes(String(v))) cats.push(String(v));
    const series = traces.map(({ name, color }, i) => ({
      name,
      color,
      values: cats.map((c) => raw[i].filter((v) => String(v) === c).length),
    }));
    return { type: "bars", horizontal, stacked, cats, edges: null, series };
  }
  const nums = raw.map((r) => r.map((v) => num(v) as number));
  const edges = binEdges(nums.flat(), binSpec(traces[0].t, horizontal));
  const series = traces.map(({ t, name, color }, i) => ({
    name,
    color,
    values: binCounts(nums[i], edges, typeof t.histnorm === "string" ? t.histnorm : ""),
  }));
  return { type: "bars", horizontal, stacked, cats: null, edges, series };
}

function heatPart({ t, name }: Trace): HeatPart {
  const z = matrix(t.z);
  const cells = z.flat().filter((v): v is number => v !== null);
  const zmin = num(t.zmin) ?? (cells.length ? Math.min(...cells) : 0);
  const zmax = num(t.zmax) ?? (cells.length ? Math.max(...cells) : 1);
  const cols = Math.max(0, ...z.map((r) => r.length));
  const labels = (v: unknown, n: number) => {
    const given = values(v).map(String);
    return given.length >= n ? given.slice(0, n) : Array.from({ length: n }, (_, i) => String(i));
  };
  return { type: "heatmap", name, z, x: labels(t.x, cols), y: labels(t.y, z.length), zmin, zmax };
}

const XY_TYPES = new Set(["scatter", "scattergl"]);
const DRAWN = new Set([...XY_TYPES, "bar", "histogram", "heatmap"]);

/** Traces to draw (visible, of a type drawn here), grouped the way they share axes. */
function groups(traces: Trace[], layout: Obj): Part[] {
  const stacked = layout.barmode === "stack" || layout.barmode === "relative";
  const parts: Part[] = [];
  const xy = traces.filter(({ t }) => XY_TYPES.has(t.type as string));
  if (xy.length) parts.push(scatterPart(xy, layout));
  for (const horizontal of [false, true]) {
    const bars = traces.filter(({ t }) => t.type === "bar" && (t.orientation === "h") === horizontal);
    if (bars.length) parts.push(barPart(bars, horizontal, stacked));
    const hist = traces.filter(
      ({ t }) =>
        t.type === "histogram" &&
        (t.orientation === "h" || (!values(t.x).length && values(t.y).length > 0)) === horizontal,
    );
    if (hist.length) parts.push(histogramPart(hist, horizontal, stacked));
  }
  for (const tr of traces) if (tr.t.type === "heatmap") parts.push(heatPart(tr));
  return parts;
}

/** What of ``fig`` can be drawn here, and how (see the module comment). */
export function figureView(fig: unknown): FigureView {
  const root = isObj(fig) ? fig : {};
  const data = Array.isArray(root.data) ? root.data.filter(isObj) : [];
  const layout = isObj(root.layout) ? root.layout : {};
  const axisTitle = (a: string) => titleText(isObj(layout[a]) ? (layout[a] as Obj).title : undefined);
  const skipped: string[] = [];
  const traces: Trace[] = [];
  data.forEach((t, i) => {
    const type = typeof t.type === "string" ? t.type : "scatter";
    if (!DRAWN.has(type)) {
      if (!skipped.includes(type)) skipped.push(type);
      return;
    }
    if (t.visible === false || t.visible === "legendonly") return;
    const name = titleText(t.name) || `trace ${i}`;
    traces.push({ t: { ...t, type }, name, color: colourOf(t, i) });
  });
  return {
    title: titleText(layout.title),
    xTitle: axisTitle("xaxis"),
    yTitle: axisTitle("yaxis"),
    parts: groups(traces, layout),
    legend: traces.filter(({ t }) => t.type !== "heatmap").map(({ name, color }) => ({ name, color })),
    skipped,
  };
}

const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** A heat-map cell's colour for ``t`` in [0, 1] (viridis, as Plotly's default scale reads). */
export function cellColour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/** Parse a figure file's text: Python's json writes NaN and Infinity, which
 * JSON.parse refuses; they become null (a gap), as Plotly would show them. */
export function parseFigure(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(text.replace(/-?\b(NaN|Infinity)\b/g, "null"));
  }
}
