// Per-project choices kept in the browser (localStorage): column layout, eye
// toggles, colours. One store for every page, so a run has the same colour in
// the workspace, on its run page and in every chart.

import { useSyncExternalStore } from "react";
import { PALETTE } from "../lib/colors";
import type { PanelLayout } from "../workspace/panelLayout";

export interface ColumnLayout {
  order: string[]; // column ids in display order (ids not listed go last)
  hidden: string[];
  /** Columns pinned to the table's left and right edges, in order (Name is always on the left). */
  pinned?: { left: string[]; right: string[] };
}

export interface Prefs {
  layout: ColumnLayout;
  eye: Record<string, boolean>;
  groupEye: Record<string, boolean>;
  colors: Record<string, string>;
  /** Colours the user picked: never reassigned. */
  picked: Record<string, boolean>;
  /** Palette index the next run seen gets, so 20 runs in a row never share a colour. */
  next: number;
  /** The panels the user arranged (null: the automatic layout). */
  panels?: PanelLayout | null;
  /** The config key the charts colour runs by ("": the runs' own colours; compare/ColorBy.tsx). */
  colorBy?: string;
}

/** Eye toggles remembered per project (the most recent win). */
const MAX_EYE_PREFS = 500;

const cache = new Map<string, Prefs>();
const listeners = new Set<() => void>();
const storageKey = (entity: string, project: string) => `runbase:ws:${entity}/${project}`;

function load(key: string): Prefs {
  let p: Partial<Prefs> = {};
  try {
    p = JSON.parse(localStorage.getItem(key) ?? "{}") ?? {};
  } catch {
    /* unreadable: start afresh */
  }
  return {
    layout: p.layout ?? { order: [], hidden: [] },
    eye: p.eye ?? {},
    groupEye: p.groupEye ?? {},
    colors: p.colors ?? {},
    picked: p.picked ?? {},
    next: typeof p.next === "number" ? p.next : Object.keys(p.colors ?? {}).length,
    panels: p.panels ?? null,
    colorBy: typeof p.colorBy === "string" ? p.colorBy : "",
  };
}

const dirty = new Set<string>();
let saveTimer: ReturnType<typeof setTimeout> | undefined;

function saveSoon(key: string): void {
  dirty.add(key);
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(flushPrefs, 200);
}

/** Write pending changes to localStorage now (also before the page unloads). */
export function flushPrefs(): void {
  saveTimer = undefined;
  for (const key of dirty) {
    const p = cache.get(key);
    if (p) localStorage.setItem(key, JSON.stringify(p));
  }
  dirty.clear();
}
if (typeof window !== "undefined") window.addEventListener("pagehide", flushPrefs);

export function getPrefs(entity: string, project: string): Prefs {
  const key = storageKey(entity, project);
  let p = cache.get(key);
  if (!p) {
    p = load(key);
    cache.set(key, p);
  }
  return p;
}

/** Replace a project's prefs (``fn`` returns the new object) and re-render its users. */
export function updatePrefs(entity: string, project: string, fn: (p: Prefs) => Prefs): void {
  const key = storageKey(entity, project);
  cache.set(key, fn(getPrefs(entity, project)));
  saveSoon(key);
  flushPrefs();
  for (const l of listeners) l();
}

export function usePrefs(entity: string, project: string): Prefs {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => getPrefs(entity, project),
  );
}

/** The colour of a run (or ``group:...`` line); a new one gets the next palette colour. */
export function colorOf(entity: string, project: string, id: string): string {
  const p = getPrefs(entity, project);
  let c = p.colors[id];
  if (!c) {
    // Assigning is idempotent, so it may happen while rendering: no re-render needed.
    c = PALETTE[p.next % PALETTE.length];
    p.colors[id] = c;
    p.next = (p.next + 1) % PALETTE.length;
    saveSoon(storageKey(entity, project));
  }
  return c;
}

export function setColor(entity: string, project: string, id: string, color: string): void {
  updatePrefs(entity, project, (p) => ({
    ...p,
    colors: { ...p.colors, [id]: color },
    picked: { ...p.picked, [id]: true },
  }));
}

/** Give the drawn lines distinct colours (while the palette lasts), keeping the
 * user's picks and the earlier lines' colours. */
export function spreadColors(entity: string, project: string, ids: string[]): void {
  const p = getPrefs(entity, project);
  const colors = ids.map((id) => colorOf(entity, project, id));
  const taken = new Set(ids.filter((id) => p.picked[id]).map((id) => p.colors[id]));
  const changes: Record<string, string> = {};
  ids.forEach((id, i) => {
    if (p.picked[id]) return;
    if (!taken.has(colors[i]) || taken.size >= PALETTE.length) {
      taken.add(colors[i]);
      return;
    }
    const free = PALETTE.find((c) => !taken.has(c))!;
    changes[id] = free;
    taken.add(free);
  });
  if (Object.keys(changes).length) {
    updatePrefs(entity, project, (q) => ({ ...q, colors: { ...q.colors, ...changes } }));
  }
}

/** Set ``key`` last in insertion order, dropping the oldest entries beyond the limit. */
export function remember(rec: Record<string, boolean>, key: string, value: boolean): Record<string, boolean> {
  const out = { ...rec };
  delete out[key];
  out[key] = value;
  const keys = Object.keys(out);
  for (let i = 0; i < keys.length - MAX_EYE_PREFS; i++) delete out[keys[i]];
  return out;
}
