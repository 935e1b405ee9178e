// The pure parts of media panels: steps and the slider, panel specs from the
// media keys, and image overlays (mask colours, class toggles, boxes).

import type { MediaBoxes, MediaKeyInfo } from "../../api/endpoints";
import type { PanelLine, PanelSpec } from "../registry";

/** The step a run shows for ``step``: its nearest logged step at or before it,
 * else its first logged step after it (the server's rule; ``steps`` ascending). */
export function nearestStep(steps: number[], step: number): number | null {
  if (steps.length === 0) return null;
  let lo = 0;
  let hi = steps.length - 1;
  if (steps[0] > step) return steps[0];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (steps[mid] <= step) lo = mid;
    else hi = mid - 1;
  }
  return steps[lo];
}

/** Every step any run logged, ascending, once each: the slider's stops. */
export function unionSteps(runs: { steps: number[] }[]): number[] {
  const all = new Set<number>();
  for (const r of runs) for (const s of r.steps) all.add(s);
  return [...all].sort((a, b) => a - b);
}

/** The slider position (an index into ``stops``) nearest to ``step``; ties go to the earlier stop. */
export function snapIndex(stops: number[], step: number): number {
  if (stops.length === 0) return 0;
  let best = 0;
  for (let i = 1; i < stops.length; i++) if (Math.abs(stops[i] - step) < Math.abs(stops[best] - step)) best = i;
  return best;
}

/** Panel kinds of the media kinds the server lists. */
const PANEL_OF: Record<string, string> = {
  image: "media",
  audio: "media",
  video: "media",
  html: "media",
  object3D: "media",
  plotly: "media",
  molecule: "media",
  table: "table",
  histogram: "histogram",
  chart: "chart",
};

export interface MediaOptions {
  /** The media kind as the server names it (image, audio, table, chart, ...). */
  mediaKind: string;
  /** The runs that logged the key (the panel offers only those). */
  runs?: string[];
  /** A chart's backing table, shown by its "show data" toggle. */
  tableKey?: string;
}
export type MediaSpec = PanelSpec<MediaOptions>;

/** One panel per media key: kind "media" for files a media panel shows, and
 * "table", "histogram" or "chart" for those kinds (their own panels). A chart's
 * table (``<key>_table``) is no panel of its own: the chart shows it on demand.
 * Charts carry no title, so the panel takes the chart's own (else the key). */
export function mediaSpecs(keys: MediaKeyInfo[]): MediaSpec[] {
  const charts = new Set(keys.filter((k) => k.kind === "chart").map((k) => k.key));
  const backing = (k: MediaKeyInfo) => k.kind === "table" && k.key.endsWith("_table") && charts.has(k.key.slice(0, -6));
  return keys
    .filter((k) => PANEL_OF[k.kind] !== undefined && !backing(k))
    .map((k) => {
      const options: MediaOptions = { mediaKind: k.kind };
      if (k.run_ids?.length) options.runs = k.run_ids;
      if (k.kind === "chart") options.tableKey = `${k.key}_table`;
      const spec: MediaSpec = {
        id: `media:${k.kind}:${k.key}`,
        kind: PANEL_OF[k.kind],
        keys: [k.key],
        x: "_step",
        options,
      };
      if (k.kind !== "chart") spec.title = k.key;
      return spec;
    });
}

/** The runs a media panel shows: each run line, and the members of group lines. */
export function mediaRuns(lines: PanelLine[]): PanelLine[] {
  const out: PanelLine[] = [];
  for (const l of lines) {
    if (l.members) for (const id of l.members) out.push({ id, name: `${l.name} · ${id}`, color: l.color });
    else out.push(l);
  }
  return out;
}

// Class colours: distinct hues, the same class the same colour in every panel.
const PALETTE = [
  [230, 25, 75],
  [60, 180, 75],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
  [250, 190, 212],
  [0, 128, 128],
  [170, 110, 40],
  [128, 0, 0],
];

export function classColor(id: number): [number, number, number] {
  const [r, g, b] = PALETTE[((id % PALETTE.length) + PALETTE.length) % PALETTE.length];
  return [r, g, b];
}

export const cssColor = ([r, g, b]: [number, number, number]) => `rgb(${r}, ${g}, ${b})`;

/** A toggle key for a class of one overlay set ("mask:truth:1", "box:pred:2"). */
export const classKey = (what: "mask" | "box", set: string, id: number | string) => `${what}:${set}:${id}`;

export function toggled(hidden: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(hidden);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}

/** Mask pixels (RGBA, class id in the red channel) turned into a coloured overlay:
 * class 0 and hidden classes transparent, the others their colour at ``opacity``. */
export function paintMask(
  pixels: Uint8ClampedArray,
  set: string,
  hidden: ReadonlySet<string>,
  opacity: number,
): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(pixels.length);
  const alpha = Math.round(Math.max(0, Math.min(1, opacity)) * 255);
  const shown = new Map<number, boolean>();
  for (let i = 0; i < pixels.length; i += 4) {
    const id = pixels[i];
    if (id === 0) continue;
    let on = shown.get(id);
    if (on === undefined) {
      on = !hidden.has(classKey("mask", set, id));
      shown.set(id, on);
    }
    if (!on) continue;
    const [r, g, b] = classColor(id);
    out[i] = r;
    out[i + 1] = g;
    out[i + 2] = b;
    out[i + 3] = alpha;
  }
  return out;
}

/** The class ids present in mask pixels (class 0, the background, left out). */
export function maskClassIds(pixels: Uint8ClampedArray): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] !== 0) seen.add(pixels[i]);
  return [...seen].sort((a, b) => a - b);
}

export type Box = MediaBoxes["box_data"][number];

/** A box as fractions of the image: {x, y, w, h}; ``position`` in W&B's forms
 * ({minX, maxX, minY, maxY} or {middle, width, height}), in pixels when
 * ``domain`` is "pixel", else fractions. Null for a box it cannot read. */
export function boxRect(
  box: Box,
  width: number,
  height: number,
): { x: number; y: number; w: number; h: number } | null {
  const p = box.position as Record<string, unknown> | undefined;
  if (!p || typeof p !== "object") return null;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  let x0: number | null, x1: number | null, y0: number | null, y1: number | null;
  if (Array.isArray(p.middle)) {
    const [mx, my] = (p.middle as unknown[]).map(num);
    const w = num(p.width);
    const h = num(p.height);
    if (mx === null || my === null || w === null || h === null) return null;
    [x0, x1, y0, y1] = [mx - w / 2, mx + w / 2, my - h / 2, my + h / 2];
  } else {
    [x0, x1, y0, y1] = [num(p.minX), num(p.maxX), num(p.minY), num(p.maxY)];
    if (x0 === null || x1 === null || y0 === null || y1 === null) return null;
  }
  const sx = box.domain === "pixel" ? width || 1 : 1;
  const sy = box.domain === "pixel" ? height || 1 : 1;
  return { x: x0 / sx, y: y0 / sy, w: (x1 - x0) / sx, h: (y1 - y0) / sy };
}

/** A box's score for the threshold: "score" if it has one, else its first score. */
export function boxScore(box: Box): number | null {
  const s = box.scores as Record<string, unknown> | undefined;
  if (!s || typeof s !== "object") return null;
  const v = "score" in s ? s.score : Object.values(s)[0];
  return typeof v === "number" ? v : null;
}

/** The boxes to draw: classes not hidden, score at or above ``threshold`` (boxes without one always). */
export function visibleBoxes(set: MediaBoxes, hidden: ReadonlySet<string>, threshold: number): Box[] {
  return set.box_data.filter((b) => {
    const id = typeof b.class_id === "number" ? b.class_id : -1;
    if (hidden.has(classKey("box", set.name, id))) return false;
    const score = boxScore(b);
    return score === null || score >= threshold;
  });
}

/** A box's label: its caption, else its class's label, with its score. */
export function boxLabel(box: Box, labels: Record<string, string>): string {
  const id = typeof box.class_id === "number" ? String(box.class_id) : "";
  const name = typeof box.box_caption === "string" && box.box_caption ? box.box_caption : (labels[id] ?? id);
  const score = boxScore(box);
  return score === null ? name : `${name} ${score.toFixed(2)}`;
}
