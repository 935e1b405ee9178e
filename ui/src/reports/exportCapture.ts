// The export's parts taken from the page as drawn: each markdown block rendered
// again (sanitised), each chart's canvas as a PNG data URI with its title and legend.

import type { Block } from "./api";
import type { ExportChart, ExportPart } from "./exportHtml";
import { renderMarkdown } from "./markdown";

function chartOf(panel: Element): ExportChart {
  const canvas = panel.querySelector("canvas");
  let src = "";
  try {
    src = canvas ? canvas.toDataURL("image/png") : "";
  } catch {
    src = ""; // a canvas that cannot be read: the chart says "(not drawn)"
  }
  const legend = [...panel.querySelectorAll(".legend-item")].map((item) => ({
    name: item.querySelector(".legend-name")?.textContent ?? "",
    color: (item.querySelector(".legend-swatch") as HTMLElement | null)?.style.backgroundColor ?? "",
  }));
  return { title: panel.querySelector(".panel-title")?.textContent ?? "", src, legend };
}

export function captureParts(root: ParentNode, blocks: Block[]): ExportPart[] {
  return blocks.map((b): ExportPart => {
    if (b.type === "markdown") return { kind: "markdown", html: renderMarkdown(b.text ?? "") };
    const el = [...root.querySelectorAll("[data-block]")].find((e) => e.getAttribute("data-block") === b.id);
    return {
      kind: "panels",
      caption: el?.querySelector(".report-grid-caption")?.textContent ?? "",
      charts: el ? [...el.querySelectorAll(".panel")].map(chartOf) : [],
    };
  });
}

/** Save ``html`` as a file the browser downloads. */
export function download(html: string, name: string): void {
  const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
