// What the report editor does to a report's blocks: add, edit, move, delete, and
// the panel specs a panel grid draws. Pure functions over the block list (no React
// here, so the tests run it alone); the page saves the list they return.

import type { LineSpec } from "../panels";
import type { FilterRow, FilterState } from "../workspace/filters";
import type { Block, MarkdownBlock, PanelsBlock, RunSource } from "./api";

export const DEFAULT_RUNS: RunSource = { view: null, filters: null, search: "", max_runs: 10 };

/** An id no block of ``blocks`` has. */
export function newId(blocks: Block[], prefix: string): string {
  const taken = new Set(blocks.map((b) => b.id));
  for (let i = 1; ; i++) if (!taken.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

export function markdownBlock(blocks: Block[], text = ""): MarkdownBlock {
  return { type: "markdown", id: newId(blocks, "md"), text };
}

export function panelsBlock(blocks: Block[], keys: string[] = []): PanelsBlock {
  const block: PanelsBlock = { type: "panels", id: newId(blocks, "grid"), runs: { ...DEFAULT_RUNS }, panels: [] };
  return keys.reduce(addPanel, block);
}

/** ``block`` inserted after the block ``after`` (at the end when null or unknown). */
export function insertBlock(blocks: Block[], block: Block, after: string | null = null): Block[] {
  const i = after === null ? -1 : blocks.findIndex((b) => b.id === after);
  if (i < 0) return [...blocks, block];
  return [...blocks.slice(0, i + 1), block, ...blocks.slice(i + 1)];
}

export function replaceBlock(blocks: Block[], block: Block): Block[] {
  return blocks.map((b) => (b.id === block.id ? block : b));
}

export function removeBlock(blocks: Block[], id: string): Block[] {
  return blocks.filter((b) => b.id !== id);
}

/** The block ``id`` moved one place up (-1) or down (+1); unchanged at either end. */
export function moveBlock(blocks: Block[], id: string, by: -1 | 1): Block[] {
  const i = blocks.findIndex((b) => b.id === id);
  const j = i + by;
  if (i < 0 || j < 0 || j >= blocks.length) return blocks;
  const out = [...blocks];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

/** A line panel of ``key`` (over steps) added to the grid, unless it has one already. */
export function addPanel(block: PanelsBlock, key: string): PanelsBlock {
  key = key.trim();
  if (!key || block.panels.some((p) => (p as { keys?: unknown }).keys?.toString() === key)) return block;
  const spec: LineSpec = {
    id: `${key}-${block.panels.length + 1}`,
    kind: "line",
    keys: [key],
    x: "_step",
    options: { smoothing: 0, logY: false },
  };
  return { ...block, panels: [...block.panels, spec as unknown as Record<string, unknown>] };
}

export function removePanel(block: PanelsBlock, panelId: string): PanelsBlock {
  return { ...block, panels: block.panels.filter((p) => p.id !== panelId) };
}

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === "object" && !Array.isArray(x);

/** A grid's panel specs as the registry draws them; a spec missing its kind, keys or
 * x axis (a hand-edited report) is left out rather than breaking the page. */
export function panelSpecs(block: PanelsBlock): LineSpec[] {
  const out: LineSpec[] = [];
  for (const p of block.panels) {
    if (!isRecord(p) || typeof p.id !== "string" || typeof p.kind !== "string") continue;
    if (!Array.isArray(p.keys) || !p.keys.every((k) => typeof k === "string") || p.keys.length === 0) continue;
    const options = isRecord(p.options) ? p.options : {};
    out.push({
      ...(p as object),
      id: p.id,
      kind: p.kind,
      keys: p.keys as string[],
      x: typeof p.x === "string" ? p.x : "_step",
      options: { smoothing: Number(options.smoothing) || 0, logY: options.logY === true },
    });
  }
  return out;
}

/** A grid's filter rows (the workspace's filter state), read tolerantly. */
export function filterState(x: unknown): FilterState {
  if (!isRecord(x) || !Array.isArray(x.rows)) return { rows: [], any: false };
  const rows: FilterRow[] = [];
  for (const r of x.rows)
    if (isRecord(r) && typeof r.field === "string" && typeof r.op === "string")
      rows.push({ field: r.field, op: r.op, value: typeof r.value === "string" ? r.value : String(r.value ?? "") });
  return { rows, any: x.any === true };
}

/** A short line saying which runs a grid draws (shown above it). */
export function describeRuns(runs: RunSource, viewName: string | null): string {
  const n = runs.max_runs ?? 10;
  if (runs.view) return `The first ${n} runs of the saved view "${viewName ?? runs.view}"`;
  const parts = filterState(runs.filters).rows.map((r) => `${r.field} ${r.op} ${r.value}`.trim());
  if (runs.search) parts.push(`name matches "${runs.search}"`);
  const which = parts.length ? ` where ${parts.join(filterState(runs.filters).any ? " or " : " and ")}` : "";
  return `The ${n} newest runs of the project${which}`;
}
