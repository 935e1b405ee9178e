import { describe, expect, it } from "vitest";
import { PALETTE } from "../../lib/colors";
import {
  binCounts,
  binEdges,
  cellColour,
  decodeTyped,
  figureView,
  matrix,
  niceStep,
  parseFigure,
  titleText,
  type BarsPart,
  type HeatPart,
  type XYPart,
} from "./plotlyFigure";

/** A typed array as plotly >= 6 writes a numpy array. */
function typed(dtype: string, arr: ArrayLike<number> & { buffer: ArrayBufferLike }, shape?: string) {
  const bytes = new Uint8Array(arr.buffer);
  const bdata = btoa(String.fromCharCode(...bytes));
  return shape ? { dtype, bdata, shape } : { dtype, bdata };
}

describe("typed arrays", () => {
  it("decodes plotly's base64 arrays of each width", () => {
    expect(decodeTyped(typed("i1", new Int8Array([0, -1, 4])))).toEqual([0, -1, 4]);
    expect(decodeTyped(typed("u2", new Uint16Array([1, 65535])))).toEqual([1, 65535]);
    expect(decodeTyped(typed("f8", new Float64Array([0.5, -2.25])))).toEqual([0.5, -2.25]);
    expect(decodeTyped({ dtype: "c16", bdata: "AA==" })).toBeNull();
    expect(decodeTyped([1, 2])).toBeNull();
  });
  it("reads a 2-D typed array by its shape", () => {
    const z = typed("f4", new Float32Array([1, 2, 3, 4, 5, 6]), "2, 3");
    expect(matrix(z)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(matrix([[1, null, "x"]])).toEqual([[1, null, null]]);
  });
});

describe("titles", () => {
  it("takes a string or {text}, without HTML tags", () => {
    expect(titleText({ text: "<b>Loss</b><br>per step" })).toBe("Loss per step");
    expect(titleText("plain")).toBe("plain");
    expect(titleText(undefined)).toBe("");
  });
  it("reads the figure's title and axis titles", () => {
    const v = figureView({
      data: [],
      layout: { title: { text: "T" }, xaxis: { title: { text: "epoch" } }, yaxis: { title: "acc" } },
    });
    expect([v.title, v.xTitle, v.yTitle]).toEqual(["T", "epoch", "acc"]);
  });
});

describe("scatter traces", () => {
  it("keeps each trace's points, its colour and its mode", () => {
    const v = figureView({
      data: [
        { type: "scatter", x: [1, 2, 3], y: [3, null, 1], name: "a", mode: "markers" },
        { type: "scattergl", y: typed("f8", new Float64Array(25).fill(2)), line: { color: "rgba(1, 2, 3, 1)" } },
      ],
    });
    const xy = v.parts[0] as XYPart;
    expect(v.parts).toHaveLength(1);
    expect(xy.series[0]).toMatchObject({ name: "a", x: [1, 3], y: [3, 1], lines: false, markers: true });
    expect(xy.series[0].color).toBe(PALETTE[0]);
    // No mode: lines from 20 points on; no x: the indices.
    expect(xy.series[1]).toMatchObject({ name: "trace 1", color: "rgba(1, 2, 3, 1)", lines: true, markers: false });
    expect(xy.series[1].x.slice(0, 3)).toEqual([0, 1, 2]);
    expect(v.legend.map((l) => l.name)).toEqual(["a", "trace 1"]);
  });
  it("puts text x values on a category axis, and lines+markers short traces", () => {
    const xy = figureView({ data: [{ x: ["mon", "tue", "mon"], y: [1, 2, 3] }] }).parts[0] as XYPart;
    expect(xy.xCats).toEqual(["mon", "tue"]);
    expect(xy.series[0]).toMatchObject({ x: [0, 1, 0], lines: true, markers: true });
  });
  it("reads log axes", () => {
    const xy = figureView({ data: [{ y: [1, 10] }], layout: { yaxis: { type: "log" } } }).parts[0] as XYPart;
    expect([xy.xLog, xy.yLog]).toEqual([false, true]);
  });
});

describe("bars and histograms", () => {
  it("aligns bar traces on the union of their categories", () => {
    const v = figureView({
      data: [
        { type: "bar", x: ["a", "b"], y: [1, 2] },
        { type: "bar", x: ["b", "c"], y: [5, 6], marker: { color: "#123456" } },
      ],
      layout: { barmode: "stack" },
    });
    const bars = v.parts[0] as BarsPart;
    expect(bars).toMatchObject({ horizontal: false, stacked: true, cats: ["a", "b", "c"], edges: null });
    expect(bars.series.map((s) => s.values)).toEqual([
      [1, 2, null],
      [null, 5, 6],
    ]);
    expect(bars.series[1].color).toBe("#123456");
  });
  it("takes horizontal bars' categories from y", () => {
    const bars = figureView({ data: [{ type: "bar", orientation: "h", x: [3, 4], y: ["p", "q"] }] })
      .parts[0] as BarsPart;
    expect(bars).toMatchObject({ horizontal: true, cats: ["p", "q"] });
    expect(bars.series[0].values).toEqual([3, 4]);
  });
  it("bins numbers into round-width bins that hold every value", () => {
    const vals = [0.1, 0.2, 0.35, 0.9, 1.0];
    const edges = binEdges(vals);
    expect(edges[0]).toBeLessThanOrEqual(0.1);
    expect(edges[edges.length - 1]).toBeGreaterThanOrEqual(1.0);
    const counts = binCounts(vals, edges);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(binEdges([2, 2, 2])).toEqual([1.5, 2.5]);
    expect(niceStep(0.13)).toBe(0.2);
    expect(niceStep(7)).toBe(10);
  });
  it("follows a trace's own bins and normalisation", () => {
    const edges = binEdges([0, 1, 2, 3], { start: 0, end: 4, size: 2 });
    expect(edges).toEqual([0, 2, 4]);
    expect(binCounts([0, 1, 2, 3], edges)).toEqual([2, 2]);
    expect(binCounts([0, 1, 2, 3], edges, "percent")).toEqual([50, 50]);
    expect(binCounts([0, 1, 2, 3], edges, "probability density")).toEqual([0.25, 0.25]);
  });
  it("bins histogram traces on shared edges, text values by category", () => {
    const v = figureView({
      data: [
        { type: "histogram", x: typed("f8", new Float64Array([1, 2, 2, 3])), xbins: { start: 0, end: 4, size: 1 } },
        { type: "histogram", x: [3, 3] },
        { type: "histogram", y: ["cat", "dog", "cat"] },
      ],
    });
    const [numeric, text] = v.parts as BarsPart[];
    expect(numeric.edges).toEqual([0, 1, 2, 3, 4]);
    expect(numeric.series.map((s) => s.values)).toEqual([
      [0, 1, 2, 1],
      [0, 0, 0, 2],
    ]);
    expect(text).toMatchObject({ horizontal: true, cats: ["cat", "dog"], edges: null });
    expect(text.series[0].values).toEqual([2, 1]);
  });
});

describe("heatmaps and the rest", () => {
  it("reads a heat-map's cells, labels and range", () => {
    const v = figureView({
      data: [
        {
          type: "heatmap",
          z: [
            [1, 2],
            [3, null],
          ],
          y: ["r0", "r1"],
        },
      ],
    });
    const h = v.parts[0] as HeatPart;
    expect(h).toMatchObject({ zmin: 1, zmax: 3, x: ["0", "1"], y: ["r0", "r1"] });
    expect(v.legend).toEqual([]);
    expect(cellColour(0)).toEqual([68, 1, 84]);
    expect(cellColour(1)).toEqual([253, 231, 37]);
  });
  it("lists trace types it does not draw, and skips hidden traces", () => {
    const v = figureView({
      data: [{ type: "pie", values: [1] }, { type: "scatter3d" }, { type: "pie" }, { y: [1], visible: "legendonly" }],
    });
    expect(v.skipped).toEqual(["pie", "scatter3d"]);
    expect(v.parts).toEqual([]);
  });
  it("parses files holding Python's NaN and Infinity", () => {
    expect(parseFigure('{"data": [{"y": [1, NaN, -Infinity]}]}')).toEqual({ data: [{ y: [1, null, null] }] });
    expect(figureView(null).parts).toEqual([]);
  });
});
