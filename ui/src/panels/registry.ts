// The panel registry. A panel is a serialisable spec (what to draw: kind, keys,
// x axis, ranges, options) plus the component its kind registers. The workspace
// only makes specs and hands them to the grid, so a new kind of panel (media,
// table, histogram) is a new entry here, and a saved workspace is a list of specs.

import type { ComponentType } from "react";
import type { SeriesSource } from "../data/series";
import type { GroupAgg } from "../lib/groupAgg";

export interface PanelSpec<O extends object = object> {
  /** Unique within a workspace. */
  id: string;
  kind: string;
  title?: string;
  /** The metrics the panel draws. */
  keys: string[];
  /** The x axis: _step, _timestamp, _runtime or a metric key. */
  x: string;
  /** Zoom: the x range shown (null: everything). */
  ranges?: { x?: [number, number] | null };
  /** Size in the workspace's grid: columns (1..3) and rows of the base height (1..3). */
  size?: { w: number; h: number };
  options: O;
}

/** One line of a chart: a run, or a group of runs drawn as their mean. */
export interface PanelLine {
  id: string;
  name: string;
  color: string;
  /** A group line: the runs whose mean it draws. */
  members?: string[];
  /** A group line's aggregate and band (default: mean, min–max). */
  agg?: GroupAgg;
  /** The run's config (legend templates: ${config:lr}). */
  config?: Record<string, unknown>;
}

/** What the page around a panel provides: the lines to draw and where data comes from. */
export interface PanelContext {
  lines: PanelLine[];
  /** False while the page still works out which lines to draw. */
  linesReady: boolean;
  source: SeriesSource;
  /** The project the lines' runs belong to (panels that fetch more than series: media). */
  project?: { entity: string; project: string };
  /** The project's metric keys (panels that select metrics by a pattern). */
  metricKeys?: string[];
  /** Hovering one panel shows the cursor at the same x in every panel of this key. */
  syncKey?: string;
}

export interface PanelProps<S extends PanelSpec = PanelSpec> {
  spec: S;
  ctx: PanelContext;
  /** The panel is on screen (or near it): only then does it fetch. */
  visible: boolean;
  onSpecChange: (spec: S) => void;
  /** Height of the plot area in pixels (the panel's size, or full screen); the kind's own default when absent. */
  height?: number;
}

/** What a kind's editor gets: the spec it edits, where to send the edited spec,
 * and the project's metric keys (to pick from). */
export interface PanelEditorProps<S extends PanelSpec = PanelSpec> {
  spec: S;
  onChange: (s: S) => void;
  /** The project's metric keys. */
  keys: string[];
}

export interface PanelKind<S extends PanelSpec = PanelSpec> {
  kind: string;
  /** The name users see (the "Add panel" menu, the editor's title). */
  label: string;
  component: ComponentType<PanelProps<S>>;
  /** Edits a spec of this kind (shown in the panel editor); a kind without one
   * can be added, moved and deleted but not edited. */
  editor?: ComponentType<PanelEditorProps<S>>;
  /** A new panel of this kind ("Add panel"); ``keys`` are the project's metric
   * keys. Without it a new panel is {@link blankSpec}. */
  create?: (id: string, keys: string[]) => S;
}

const kinds = new Map<string, PanelKind>();

export function registerPanel<S extends PanelSpec>(k: PanelKind<S>): void {
  kinds.set(k.kind, k as unknown as PanelKind);
}

export function panelKind(kind: string): PanelKind | undefined {
  return kinds.get(kind);
}

export function panelKinds(): string[] {
  return [...kinds.keys()];
}

/** Every registered kind, in registration order (the "Add panel" menu). */
export function panelKindList(): PanelKind[] {
  return [...kinds.values()];
}

/** A new panel of a kind that has no ``create``: no keys, the step axis. */
export function blankSpec(kind: string, id: string): PanelSpec {
  return { id, kind, keys: [], x: "_step", options: {} };
}

/** A new spec of ``kind`` (its ``create``, else a blank one). */
export function newSpec(kind: string, id: string, keys: string[]): PanelSpec {
  const k = kinds.get(kind);
  return k?.create ? k.create(id, keys) : blankSpec(kind, id);
}
