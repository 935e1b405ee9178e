// A report as one self-contained HTML file: the markdown already rendered and
// sanitised, each chart a PNG data URI taken from its drawn canvas. The file holds
// no script and forbids any by its Content-Security-Policy (only inline styles and
// data: images load), so it opens anywhere, offline, and stays inert.

export interface ExportChart {
  title: string;
  /** A ``data:image/png;base64,`` URI; anything else is left out. */
  src: string;
  /** The lines drawn: name and colour. */
  legend: { name: string; color: string }[];
}

export type ExportPart =
  { kind: "markdown"; html: string } | { kind: "panels"; caption: string; charts: ExportChart[] };

export const EXPORT_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const PNG = /^data:image\/png;base64,[A-Za-z0-9+/=]+$/;
const COLOR = /^(#[0-9a-fA-F]{3,8}|rgba?\([0-9\s.,%]+\))$/;

function chartHtml(c: ExportChart): string {
  const legend = c.legend
    .map((l) => {
      const dot = COLOR.test(l.color) ? `<span class="dot" style="background:${l.color}"></span>` : "";
      return `<li>${dot}${escapeHtml(l.name)}</li>`;
    })
    .join("");
  const img = PNG.test(c.src) ? `<img alt="${escapeHtml(c.title)}" src="${c.src}">` : "<p>(not drawn)</p>";
  return `<figure><figcaption>${escapeHtml(c.title)}</figcaption>${img}<ul class="legend">${legend}</ul></figure>`;
}

function partHtml(p: ExportPart): string {
  if (p.kind === "markdown") return `<section class="md">${p.html}</section>`;
  return `<section class="grid"><p class="caption">${escapeHtml(p.caption)}</p><div class="charts">${p.charts.map(chartHtml).join("")}</div></section>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1.title{border-bottom:1px solid #ddd;padding-bottom:.3em}.meta{color:#777;font-size:13px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:12px}
figure{margin:0;border:1px solid #ddd;border-radius:6px;padding:8px}figcaption{font-weight:600}
figure img{max-width:100%;display:block}.legend{list-style:none;padding:0;margin:4px 0 0;font-size:12px;display:flex;flex-wrap:wrap;gap:8px}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px}.caption{color:#777;font-size:13px}
pre{background:#f6f6f6;padding:8px;overflow:auto}code{background:#f6f6f6}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px}`;

/** The whole file. ``parts``' markdown HTML must already be sanitised (markdown.ts). */
export function exportHtml(title: string, parts: ExportPart[], meta: { source: string; when: Date }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${EXPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1 class="title">${escapeHtml(title)}</h1>
<p class="meta">Exported from ${escapeHtml(meta.source)} on ${escapeHtml(meta.when.toISOString())}</p>
${parts.map(partHtml).join("\n")}
</body></html>
`;
}

/** A file name for the export: the title's letters and digits. */
export function exportFileName(title: string): string {
  const base = title
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return `${base || "report"}.html`;
}
