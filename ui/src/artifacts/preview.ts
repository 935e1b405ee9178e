// How a file of an artifact is previewed, from its name and size alone; and a
// logged runbase.Table file (`name.table.json`) turned into rows to show.

export type PreviewKind = "image" | "table" | "text" | "none";

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|avif|svg)$/i;
const TEXT = /\.(txt|csv|tsv|json|jsonl|md|py|yaml|yml|toml|cfg|ini|log|xml|html?|js|ts|sh|r|sql)$/i;
export const TEXT_LIMIT = 2_000_000;

/** An SVG is shown through <img>, where its script never runs. */
export function previewKind(name: string, size: number): PreviewKind {
  if (IMAGE.test(name)) return "image";
  if (name.endsWith(".table.json")) return "table";
  if (TEXT.test(name) && size <= TEXT_LIMIT) return "text";
  return "none";
}

export interface TablePreview {
  columns: string[];
  rows: unknown[][];
  total: number;
}

/** W&B's table file: ``{"columns": [...], "data": [[...], ...]}``; the first ``limit`` rows. */
export function parseTable(text: string, limit = 200): TablePreview {
  const doc = JSON.parse(text) as { columns?: unknown; data?: unknown };
  if (!Array.isArray(doc.columns) || !Array.isArray(doc.data)) throw new Error("not a table file: no columns and data");
  const rows = doc.data.filter(Array.isArray) as unknown[][];
  return { columns: doc.columns.map(String), rows: rows.slice(0, limit), total: rows.length };
}

/** The folders above ``dir`` as breadcrumbs: "a/b" → [["", "/"], ["a", "a"], ["a/b", "b"]]. */
export function dirCrumbs(dir: string): [string, string][] {
  const parts = dir.split("/").filter(Boolean);
  return [["", "/"], ...parts.map((p, i): [string, string] => [parts.slice(0, i + 1).join("/"), p])];
}
