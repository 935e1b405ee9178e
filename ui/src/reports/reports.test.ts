// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import type { Block, PanelsBlock } from "./api";
import {
  addPanel,
  describeRuns,
  insertBlock,
  markdownBlock,
  moveBlock,
  panelSpecs,
  panelsBlock,
  removeBlock,
  removePanel,
  replaceBlock,
} from "./blocks";
import { captureParts } from "./exportCapture";
import { EXPORT_CSP, exportFileName, exportHtml } from "./exportHtml";
import { renderMarkdown } from "./markdown";

const ids = (bs: Block[]) => bs.map((b) => b.id);

describe("blocks", () => {
  it("adds blocks with fresh ids, after a given block or at the end", () => {
    let bs: Block[] = [];
    bs = insertBlock(bs, markdownBlock(bs, "a"));
    bs = insertBlock(bs, panelsBlock(bs, ["loss"]));
    bs = insertBlock(bs, markdownBlock(bs, "b"), "md1");
    expect(ids(bs)).toEqual(["md1", "md2", "grid1"]);
    expect(bs[2]).toMatchObject({ type: "panels", runs: { view: null, max_runs: 10 } });
  });

  it("moves, edits and deletes blocks; a move past either end changes nothing", () => {
    const a = markdownBlock([], "a");
    const g = panelsBlock([a]);
    const bs = [a, g];
    expect(ids(moveBlock(bs, "grid1", -1))).toEqual(["grid1", "md1"]);
    expect(moveBlock(bs, "md1", -1)).toBe(bs);
    expect(moveBlock(bs, "grid1", 1)).toBe(bs);
    expect(replaceBlock(bs, { ...a, text: "new" })[0]).toMatchObject({ text: "new" });
    expect(ids(removeBlock(bs, "md1"))).toEqual(["grid1"]);
  });

  it("adds one line panel per metric and removes them", () => {
    let g = panelsBlock([], ["loss"]);
    g = addPanel(addPanel(addPanel(g, " acc "), "loss"), "");
    expect(panelSpecs(g).map((p) => [p.kind, p.keys, p.x])).toEqual([
      ["line", ["loss"], "_step"],
      ["line", ["acc"], "_step"],
    ]);
    g = removePanel(g, panelSpecs(g)[0].id);
    expect(panelSpecs(g).map((p) => p.keys[0])).toEqual(["acc"]);
  });

  it("leaves out hand-edited specs it cannot draw", () => {
    const g: PanelsBlock = {
      type: "panels",
      id: "g",
      runs: { view: null, filters: null, search: "", max_runs: 3 },
      panels: [
        { id: "x", kind: "line" },
        { id: "y", kind: "line", keys: ["loss"], options: { logY: true } },
        { kind: "line" },
      ],
    };
    expect(panelSpecs(g)).toEqual([
      { id: "y", kind: "line", keys: ["loss"], x: "_step", options: { smoothing: 0, logY: true } },
    ]);
    expect(describeRuns(g.runs!, null)).toBe("The 3 newest runs of the project");
    const filtered = {
      ...g.runs!,
      search: "lr",
      filters: { rows: [{ field: "config.lr", op: ">=", value: "0.03" }, { bad: 1 }], any: false },
    };
    expect(describeRuns(filtered, null)).toBe(
      `The 3 newest runs of the project where config.lr >= 0.03 and name matches "lr"`,
    );
    expect(describeRuns({ ...g.runs!, view: "abc" }, "high lr")).toBe(`The first 3 runs of the saved view "high lr"`);
  });
});

describe("markdown", () => {
  it("renders markdown", () => {
    const html = renderMarkdown(
      "# Title\n\nSome **bold** and a [link](https://example.com).\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    );
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('<a href="https://example.com">link</a>');
    expect(html).toContain("<td>1</td>");
  });

  it("keeps nothing that runs", () => {
    const html = renderMarkdown(
      'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3)) <iframe src="https://e.com"></iframe> <svg onload="alert(4)"></svg> <style>body{}</style>',
    );
    expect(html).not.toMatch(/<script|onerror|javascript:|<iframe|onload|<style/i);
    expect(html).toContain("Hi");
  });
});

describe("export", () => {
  it("is one inert HTML file: CSP, escaped title, PNG charts only", () => {
    const html = exportHtml(
      'Q3 <b>"wins"</b>',
      [
        { kind: "markdown", html: renderMarkdown("Lower **lr** wins") },
        {
          kind: "panels",
          caption: "The first 2 <runs>",
          charts: [
            {
              title: "loss",
              src: "data:image/png;base64,iVBORw0KGgo=",
              legend: [{ name: "a1", color: "rgb(31, 119, 180)" }],
            },
            { title: "evil", src: "javascript:alert(1)", legend: [{ name: "<i>x</i>", color: "red;x:url(y)" }] },
          ],
        },
      ],
      { source: "me/proj", when: new Date(0) },
    );
    expect(html).toContain(`content="${EXPORT_CSP}"`);
    expect(html).toContain("<title>Q3 &#60;b&#62;&#34;wins&#34;&#60;/b&#62;</title>");
    expect(html).toContain("<strong>lr</strong>");
    expect(html).toContain('<img alt="loss" src="data:image/png;base64,iVBORw0KGgo=">');
    expect(html).toContain("background:rgb(31, 119, 180)");
    expect(html).not.toMatch(/javascript:|<script|<i>x|url\(y\)/);
    expect(html).toContain("(not drawn)");
    expect(exportFileName("Q3: results / lr")).toBe("Q3-results-lr.html");
    expect(exportFileName("???")).toBe("report.html");
  });

  it("takes the charts from the page as drawn", () => {
    document.body.innerHTML = `<section data-block="g1"><p class="report-grid-caption">The first 2</p>
      <div class="panel"><span class="panel-title">loss</span><canvas></canvas>
      <span class="legend-item"><span class="legend-swatch" style="background: #ff0000"></span><span class="legend-name">a1</span></span></div></section>`;
    const blocks: Block[] = [
      { type: "markdown", id: "m", text: "# Hi" },
      { type: "panels", id: "g1", runs: { view: null, filters: null, search: "", max_runs: 2 }, panels: [] },
    ];
    const parts = captureParts(document, blocks);
    expect(parts[0]).toEqual({ kind: "markdown", html: "<h1>Hi</h1>\n" });
    expect(parts[1]).toMatchObject({ kind: "panels", caption: "The first 2" });
    const chart = parts[1].kind === "panels" ? parts[1].charts[0] : null;
    expect(chart).toMatchObject({ title: "loss", legend: [{ name: "a1", color: "rgb(255, 0, 0)" }] });
  });
});
