// A saved view's state as the server keeps it: the workspace's URL view (filters,
// sort, grouping, x axis, smoothing...) plus what otherwise lives only in one
// browser (data/prefs.ts): column order and hidden columns, eye toggles, the
// colours the user picked. Automatically assigned colours stay per browser.
// (No React here, so the tests run it alone.)

import type { ColumnLayout, Prefs } from "../data/prefs";
import { parsePinned, pinnedOf } from "./columnState";
import { parseLayout, type PanelLayout } from "./panelLayout";
import { DEFAULT_VIEW, parseView, viewParams, type View } from "./viewState";

export interface SavedState {
  v: 1;
  /** The view as URL query parameters (defaults left out, as in the URL). */
  params: Record<string, string>;
  columns: ColumnLayout;
  eye: Record<string, boolean>;
  groupEye: Record<string, boolean>;
  /** Colours the user picked, by run id (or group line). */
  colors: Record<string, string>;
  /** The panels the user arranged (null: the automatic layout). */
  panels: PanelLayout | null;
  /** The config key runs are coloured by ("": their own colours). */
  colorBy: string;
}

/** The URL parameter naming the open saved view. */
export const VIEW_PARAM = "view";

export function captureState(view: View, prefs: Prefs): SavedState {
  const colors: Record<string, string> = {};
  for (const [id, c] of Object.entries(prefs.colors)) if (prefs.picked[id]) colors[id] = c;
  return {
    v: 1,
    params: Object.fromEntries(viewParams(view)),
    columns: { order: [...prefs.layout.order], hidden: [...prefs.layout.hidden], pinned: pinnedOf(prefs.layout) },
    eye: { ...prefs.eye },
    groupEye: { ...prefs.groupEye },
    colors,
    panels: prefs.panels ? structuredClone(prefs.panels) : null,
    colorBy: prefs.colorBy ?? "",
  };
}

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === "object" && !Array.isArray(x);
const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : []);

function pick<T>(x: unknown, ok: (v: unknown) => v is T): Record<string, T> {
  const out: Record<string, T> = {};
  if (isRecord(x)) for (const [k, v] of Object.entries(x)) if (ok(v)) out[k] = v;
  return out;
}
const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isStr = (v: unknown): v is string => typeof v === "string";

/** A state from the server, read tolerantly: a field missing or of the wrong type
 * takes its default, so an older or hand-edited view still opens. */
export function parseState(x: unknown): SavedState {
  const s = isRecord(x) ? x : {};
  const cols = isRecord(s.columns) ? s.columns : {};
  return {
    v: 1,
    params: pick(s.params, isStr),
    columns: { order: strings(cols.order), hidden: strings(cols.hidden), pinned: parsePinned(cols.pinned) },
    eye: pick(s.eye, isBool),
    groupEye: pick(s.groupEye, isBool),
    colors: pick(s.colors, isStr),
    panels: parseLayout(s.panels),
    colorBy: isStr(s.colorBy) ? s.colorBy : "",
  };
}

/** The workspace view a state shows (through the URL parser, so bad values are clamped). */
export function stateView(s: SavedState): View {
  return parseView(new URLSearchParams(s.params));
}

/** The URL of a state: its view parameters, and the saved view's id when it has one. */
export function stateParams(s: SavedState, id: string | null): URLSearchParams {
  const p = viewParams(stateView(s));
  if (id) p.set(VIEW_PARAM, id);
  return p;
}

/** ``prefs`` with a state's columns, eye toggles and picked colours. */
export function applyToPrefs(p: Prefs, s: SavedState): Prefs {
  return {
    ...p,
    layout: { order: [...s.columns.order], hidden: [...s.columns.hidden], pinned: pinnedOf(s.columns) },
    eye: { ...s.eye },
    groupEye: { ...s.groupEye },
    colors: { ...p.colors, ...s.colors },
    picked: Object.fromEntries(Object.keys(s.colors).map((k) => [k, true])),
    panels: s.panels ? structuredClone(s.panels) : null,
    colorBy: s.colorBy,
  };
}

/** The state with nothing chosen: what "reset" gives when the project has no default view. */
export const EMPTY_STATE: SavedState = {
  v: 1,
  params: Object.fromEntries(viewParams(DEFAULT_VIEW)),
  columns: { order: [], hidden: [], pinned: { left: [], right: [] } },
  eye: {},
  groupEye: {},
  colors: {},
  panels: null,
  colorBy: "",
};

function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical);
  if (isRecord(x))
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, canonical(x[k])]),
    );
  return x;
}

/** Whether two states show the same thing (key order does not matter; eye
 * toggles do, column order does). Normalised through the parser first. */
export function sameState(a: SavedState, b: SavedState): boolean {
  const norm = (s: SavedState) =>
    JSON.stringify(canonical({ ...parseState(s), params: Object.fromEntries(stateParams(s, null)) }));
  return norm(a) === norm(b);
}
