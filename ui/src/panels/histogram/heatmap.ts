// The histogram heat-map's arithmetic: every step's bins spread onto one shared
// grid of value rows (steps log different bin edges), and a colour per count.

export interface HistSteps {
  steps: number[];
  bins: unknown[][];
  counts: unknown[][];
}

export interface HeatGrid {
  steps: number[];
  /** The value range the rows cover, bottom to top. */
  yMin: number;
  yMax: number;
  rows: number;
  /** Column-major counts: cells[i * rows + r] is step i, row r (row 0 at yMin). */
  cells: Float64Array;
  max: number;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The value range every step's finite bin edges span ([0, 1] when none). */
export function valueRange(h: HistSteps): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const edges of h.bins)
    for (const e of edges) {
      const v = num(e);
      if (v === null) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (!(lo <= hi)) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** Spread one bin's count over the grid rows it overlaps, by the share of its width in each. */
function spread(
  out: Float64Array,
  base: number,
  rows: number,
  y0: number,
  dy: number,
  a: number,
  b: number,
  c: number,
) {
  if (b <= a) {
    const r = Math.min(rows - 1, Math.max(0, Math.floor((a - y0) / dy)));
    out[base + r] += c;
    return;
  }
  const first = Math.max(0, Math.floor((a - y0) / dy));
  const last = Math.min(rows - 1, Math.floor((b - y0) / dy - 1e-9));
  for (let r = first; r <= last; r++) {
    const lo = Math.max(a, y0 + r * dy);
    const hi = Math.min(b, y0 + (r + 1) * dy);
    if (hi > lo) out[base + r] += (c * (hi - lo)) / (b - a);
  }
}

/** The heat-map grid: ``rows`` value rows per step. */
export function heatGrid(h: HistSteps, rows = 64): HeatGrid {
  const [yMin, yMax] = valueRange(h);
  const dy = (yMax - yMin) / rows;
  const cells = new Float64Array(h.steps.length * rows);
  h.steps.forEach((_, i) => {
    const edges = h.bins[i] ?? [];
    const counts = h.counts[i] ?? [];
    for (let j = 0; j < counts.length; j++) {
      const a = num(edges[j]);
      const b = num(edges[j + 1]);
      const c = num(counts[j]);
      if (a === null || b === null || c === null || c <= 0) continue;
      spread(cells, i * rows, rows, yMin, dy, a, b, c);
    }
  });
  let max = 0;
  for (const v of cells) if (v > max) max = v;
  return { steps: h.steps, yMin, yMax, rows, cells, max };
}

/** The colour of a cell holding ``t`` (0..1) of the largest count: white through
 * blue to dark purple; a square root keeps small counts visible. */
export function heatColor(t: number): [number, number, number] {
  const s = Math.sqrt(Math.min(1, Math.max(0, t)));
  if (s === 0) return [255, 255, 255];
  const stops: [number, number, number][] = [
    [239, 243, 255],
    [107, 174, 214],
    [33, 113, 181],
    [63, 0, 125],
  ];
  const x = s * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/** The step index nearest ``step`` (the slider's value to a column). */
export function nearestStep(steps: number[], step: number): number {
  let best = 0;
  for (let i = 1; i < steps.length; i++) if (Math.abs(steps[i] - step) < Math.abs(steps[best] - step)) best = i;
  return best;
}
