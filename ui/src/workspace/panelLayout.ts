// The panels the user arranged: sections (named, pinned, collapsed, in the
// user's order) of panel specs, each with a size in grid units. A project with
// no layout shows the automatic one (a line panel per metric in sections by key
// prefix); the first edit turns that into an explicit layout, which the saved
// view keeps. Pure functions over plain JSON, so the tests run them alone.

import type { PanelSpec } from "../panels/registry";
import { sectionOf } from "../panels/PanelGrid";

/** Width in columns of the panel grid (1..3), height in rows of the base height (1..3). */
export interface PanelSize {
  w: number;
  h: number;
}

export interface LayoutSection {
  id: string;
  name: string;
  pinned?: boolean;
  collapsed?: boolean;
  panels: PanelSpec[];
}

export interface PanelLayout {
  sections: LayoutSection[];
  /** The metrics the project had when the layout was last edited: a metric
   * logged later gets an automatic panel (as in W&B), one the user deleted does not
   * come back. Absent (a layout written by a script): no automatic panels. */
  known?: string[];
}

export const MAX_W = 3;
export const MAX_H = 3;

/** The automatic layout: a line panel per metric (less the x axis), sections by
 * key prefix, named sections sorted and "Charts" last. */
export function autoLayout(metrics: string[], x: string): PanelLayout {
  const by = new Map<string, PanelSpec[]>();
  for (const key of metrics) {
    if (key === x) continue;
    const name = sectionOf(key);
    if (!by.has(name)) by.set(name, []);
    by.get(name)!.push({ id: key, kind: "line", keys: [key], x: "", options: {} });
  }
  const names = [...by.keys()].sort((a, b) => (a === "Charts" ? 1 : b === "Charts" ? -1 : a.localeCompare(b)));
  return {
    sections: names.map((name) => ({ id: `s:${name}`, name, panels: by.get(name)! })),
    known: metrics.filter((m) => m !== x),
  };
}

/** ``l`` with an automatic panel for each metric logged since it was edited (in
 * its prefix's section, made when missing), and ``known`` brought up to date. */
export function withNewMetrics(l: PanelLayout, metrics: string[], x: string): PanelLayout {
  if (!l.known) return l;
  const known = new Set(l.known);
  const fresh = metrics.filter((m) => !known.has(m));
  if (fresh.length === 0) return l;
  let out: PanelLayout = { ...l, known: [...l.known, ...fresh] };
  for (const s of autoLayout(fresh, x).sections) {
    const same = out.sections.find((t) => t.name === s.name);
    const panels = s.panels.filter((p) => !findPanel(out, p.id));
    if (same) out = mapSections(out, (t) => (t === same ? { ...t, panels: [...t.panels, ...panels] } : t));
    else out = { ...out, sections: [...out.sections, { ...s, panels }] };
  }
  return out;
}

/** Sections as shown: pinned first, each group in the user's order. */
export function shownSections(l: PanelLayout): LayoutSection[] {
  return [...l.sections.filter((s) => s.pinned), ...l.sections.filter((s) => !s.pinned)];
}

export function sizeOf(p: PanelSpec): PanelSize {
  const s = p.size;
  const clamp = (v: unknown, max: number) => (typeof v === "number" && v >= 1 ? Math.min(max, Math.round(v)) : 1);
  return { w: clamp(s?.w, MAX_W), h: clamp(s?.h, MAX_H) };
}

const mapSections = (l: PanelLayout, fn: (s: LayoutSection) => LayoutSection | null): PanelLayout => ({
  ...l,
  sections: l.sections.map(fn).filter((s): s is LayoutSection => s !== null),
});

const mapPanels = (l: PanelLayout, fn: (p: PanelSpec) => PanelSpec[]): PanelLayout =>
  mapSections(l, (s) => ({ ...s, panels: s.panels.flatMap(fn) }));

export function findPanel(l: PanelLayout, id: string): PanelSpec | undefined {
  for (const s of l.sections) for (const p of s.panels) if (p.id === id) return p;
  return undefined;
}

/** ``spec`` added at the end of section ``sectionId`` (the first section, made when there is none). */
export function addPanel(l: PanelLayout, spec: PanelSpec, sectionId?: string): PanelLayout {
  if (l.sections.length === 0) return { ...l, sections: [{ id: "s:Charts", name: "Charts", panels: [spec] }] };
  const target = sectionId ?? shownSections(l)[0].id;
  return mapSections(l, (s) => (s.id === target ? { ...s, collapsed: false, panels: [...s.panels, spec] } : s));
}

export function updatePanel(l: PanelLayout, spec: PanelSpec): PanelLayout {
  return mapPanels(l, (p) => [p.id === spec.id ? spec : p]);
}

export function deletePanel(l: PanelLayout, id: string): PanelLayout {
  return mapPanels(l, (p) => (p.id === id ? [] : [p]));
}

/** A copy of panel ``id`` right after it, with the new id. */
export function duplicatePanel(l: PanelLayout, id: string, newId: string): PanelLayout {
  return mapPanels(l, (p) =>
    p.id === id ? [p, { ...structuredClone(p), id: newId, title: p.title ? `${p.title} (copy)` : undefined }] : [p],
  );
}

export function resizePanel(l: PanelLayout, id: string, size: PanelSize): PanelLayout {
  const w = Math.max(1, Math.min(MAX_W, Math.round(size.w)));
  const h = Math.max(1, Math.min(MAX_H, Math.round(size.h)));
  return mapPanels(l, (p) => [p.id === id ? { ...p, size: { w, h } } : p]);
}

function move<T>(xs: T[], i: number, j: number): T[] {
  if (i < 0 || j < 0 || i >= xs.length || j >= xs.length || i === j) return xs;
  const out = [...xs];
  const [x] = out.splice(i, 1);
  out.splice(j, 0, x);
  return out;
}

/** Panel ``id`` moved ``by`` places within its section. */
export function movePanel(l: PanelLayout, id: string, by: number): PanelLayout {
  return mapSections(l, (s) => {
    const i = s.panels.findIndex((p) => p.id === id);
    return i < 0 ? s : { ...s, panels: move(s.panels, i, i + by) };
  });
}

/** Panel ``id`` moved to the end of section ``sectionId``. */
export function movePanelTo(l: PanelLayout, id: string, sectionId: string): PanelLayout {
  const spec = findPanel(l, id);
  if (!spec || !l.sections.some((s) => s.id === sectionId)) return l;
  return addPanel(deletePanel(l, id), spec, sectionId);
}

/** Panel ``id`` moved just before panel ``beforeId`` (in whichever section that one is). */
export function placePanel(l: PanelLayout, id: string, beforeId: string): PanelLayout {
  const spec = findPanel(l, id);
  if (!spec || id === beforeId || !findPanel(l, beforeId)) return l;
  return mapPanels(deletePanel(l, id), (p) => (p.id === beforeId ? [spec, p] : [p]));
}

/** A new empty section first among the unpinned ones (where the user looks). */
export function addSection(l: PanelLayout, id: string, name: string): PanelLayout {
  const pinned = l.sections.filter((s) => s.pinned);
  const rest = l.sections.filter((s) => !s.pinned);
  return { ...l, sections: [...pinned, { id, name, panels: [] }, ...rest] };
}

export function patchSection(l: PanelLayout, id: string, patch: Partial<Omit<LayoutSection, "id">>): PanelLayout {
  return mapSections(l, (s) => (s.id === id ? { ...s, ...patch } : s));
}

export function deleteSection(l: PanelLayout, id: string): PanelLayout {
  return mapSections(l, (s) => (s.id === id ? null : s));
}

/** Section ``id`` moved ``by`` places among the shown sections (a pinned one stays among the pinned). */
export function moveSection(l: PanelLayout, id: string, by: number): PanelLayout {
  const shown = shownSections(l);
  const i = shown.findIndex((s) => s.id === id);
  const j = i + by;
  if (i < 0 || j < 0 || j >= shown.length || !!shown[j].pinned !== !!shown[i].pinned) return l;
  return { ...l, sections: move(shown, i, j) };
}

/** Whether a panel matches the search: its title or a key, as a regex (as plain
 * text when the search is not a valid regex), case-insensitive. */
export function panelMatcher(search: string): (p: PanelSpec) => boolean {
  const q = search.trim();
  if (!q) return () => true;
  let re: RegExp;
  try {
    re = new RegExp(q, "i");
  } catch {
    const low = q.toLowerCase();
    return (p) => [p.title ?? "", ...p.keys].some((t) => t.toLowerCase().includes(low));
  }
  return (p) => [p.title ?? "", ...p.keys].some((t) => re.test(t));
}

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === "object" && !Array.isArray(x);

function parsePanel(x: unknown): PanelSpec | null {
  if (!isRecord(x) || typeof x.id !== "string" || typeof x.kind !== "string") return null;
  const keys = Array.isArray(x.keys) ? x.keys.filter((k): k is string => typeof k === "string") : [];
  return {
    ...x,
    id: x.id,
    kind: x.kind,
    keys,
    x: typeof x.x === "string" ? x.x : "",
    options: isRecord(x.options) ? x.options : {},
  } as PanelSpec;
}

/** A layout from a saved view or the browser, read tolerantly (null: none, the automatic one). */
export function parseLayout(x: unknown): PanelLayout | null {
  if (!isRecord(x) || !Array.isArray(x.sections)) return null;
  const seen = new Set<string>();
  const sections: LayoutSection[] = [];
  for (const s of x.sections) {
    if (!isRecord(s) || typeof s.id !== "string" || seen.has(s.id)) continue;
    seen.add(s.id);
    const panels = (Array.isArray(s.panels) ? s.panels : []).map(parsePanel).filter((p) => p !== null);
    sections.push({
      id: s.id,
      name: typeof s.name === "string" ? s.name : "Section",
      ...(s.pinned === true ? { pinned: true } : {}),
      ...(s.collapsed === true ? { collapsed: true } : {}),
      panels: panels.filter((p) => !seen.has(`p:${p.id}`) && (seen.add(`p:${p.id}`), true)),
    });
  }
  const known = Array.isArray(x.known) ? x.known.filter((k): k is string => typeof k === "string") : undefined;
  return known ? { sections, known } : { sections };
}
