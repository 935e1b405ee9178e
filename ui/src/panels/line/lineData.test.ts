// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import type { SeriesLine } from "../../api/endpoints";
import { chartLine, type ChartLine } from "../../lib/chartLine";
import { drawnLines, floorIndex, hoverRows, plotTable } from "./lineData";
import { plotOptions } from "./plotOptions";

const hooks = { onSelect: () => undefined, onCursor: () => undefined, onReset: () => undefined };

const series = (id: string, x: number[], y: number[]): ChartLine => ({ run_id: id, x, y, min: y, max: y });
const line = (id: string, members?: string[]) => ({ id, name: id, color: "#000000", members });
const flat = { smoothing: 0, logY: false };

describe("hover values", () => {
  const long = series("long", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  const short = series("short", [0, 1, 2, 3], [5, 6, 7, 8]);
  const late = series("late", [5, 6, 7], [1, 2, 3]);
  const drawn = drawnLines([line("long"), line("short"), line("late")], [long, short, late], flat);

  it("shows nothing for a run that ended before the hovered x", () => {
    const rows = hoverRows(drawn, 8, 0);
    expect(rows.map((r) => r.id)).toEqual(["long"]);
    expect(rows[0].value).toBe(18);
  });

  it("shows nothing for a run that has not reached the hovered x yet", () => {
    expect(hoverRows(drawn, 2, 0).map((r) => r.id)).toEqual(["long", "short"]);
  });

  it("shows each run's own value where they overlap, and at their last point", () => {
    const rows = hoverRows(drawn, 3, 0);
    expect(rows.map((r) => [r.id, r.value])).toEqual([
      ["long", 13],
      ["short", 8],
    ]);
  });

  it("uses the point at or before x between points", () => {
    const sparse = drawnLines([line("s")], [series("s", [0, 10, 20], [1, 2, 3])], flat);
    expect(hoverRows(sparse, 15, 0)[0].value).toBe(2);
  });

  it("shows the smoothed value when smoothing", () => {
    const s = drawnLines([line("long")], [long], { smoothing: 0.9, logY: false });
    const v = hoverRows(s, 9, 0.9)[0].value!;
    expect(v).toBeLessThan(19);
    expect(v).toBeGreaterThan(10);
  });

  it("gives a group line the min and max of its runs", () => {
    const a = series("a", [0, 1, 2], [1, 2, 3]);
    const b = series("b", [0, 1, 2], [3, 4, 5]);
    const g = drawnLines([line("g", ["a", "b"])], [a, b], flat);
    const [row] = hoverRows(g, 1, 0);
    expect(row.value).toBe(3);
    expect(row.range).toEqual([2, 4]);
  });
});

describe("plot data", () => {
  it("leaves out lines without points and values a log axis cannot show", () => {
    const d = drawnLines([line("a"), line("none")], [series("a", [0, 1], [0, 2])], { smoothing: 0, logY: true });
    expect(d.map((x) => x.line.id)).toEqual(["a"]);
    expect(d[0].data.y).toEqual([null, 2]);
  });

  it("aligns lines on the union of their x values", () => {
    const d = drawnLines([line("a"), line("b")], [series("a", [0, 2], [1, 3]), series("b", [1, 2], [5, 6])], flat);
    const t = plotTable(d, true);
    expect(Array.from(t[0])).toEqual([0, 1, 2]);
    // No band (min = max): raw and smoothed per line.
    expect(t).toHaveLength(1 + 2 * 2);
    expect(plotTable(d, false)).toHaveLength(1 + 2);
  });

  it("draws the band's edges only for lines that have a band", () => {
    const banded = { ...series("b", [0, 1], [1, 2]), min: [0, 2], max: [1, 3] };
    const d = drawnLines([line("a"), line("b")], [series("a", [0, 1], [1, 2]), banded], flat);
    const t = plotTable(d, false);
    expect(t).toHaveLength(1 + 1 + 3);
    expect(Array.from(t[2])).toEqual([1, 3]); // b's max
    expect(Array.from(t[3])).toEqual([0, 2]); // b's min
    const o = plotOptions(d, { x: "_step", yLabel: "", smoothing: 0, logY: false }, 400, hooks);
    expect(o.series.map((s) => s.label)).toEqual([undefined, "a raw", "b max", "b min", "b raw"]);
    expect(o.bands).toEqual([expect.objectContaining({ series: [2, 3] })]);
  });

  it("finds the last x at or before a value", () => {
    expect(floorIndex([0, 10, 20], 15)).toBe(1);
    expect(floorIndex([0, 10, 20], -1)).toBe(-1);
    expect(floorIndex([0, 10, 20], 20)).toBe(2);
  });
});

describe("a line from the server with points that have no x", () => {
  // A point without an x (a system sample without a time, an older server) cannot be
  // placed on the x axis.
  const wire: Omit<SeriesLine, "x"> & { x: (number | null)[] } = {
    run_id: "a",
    x: [0, null, 2, 3],
    y: [1, 99, 3, 4],
    min: [1, 98, 2, 4],
    max: [1, 100, 3, 4],
    count: 4,
    bucketed: false,
  };
  const drawn = drawnLines([line("a")], [chartLine(wire)], flat);

  it("draws the other points, each with its own y, min and max", () => {
    const t = plotTable(drawn, false);
    expect(Array.from(t[0])).toEqual([0, 2, 3]);
    expect(Array.from(t[1])).toEqual([1, 3, 4]); // max
    expect(Array.from(t[2])).toEqual([1, 2, 4]); // min
    expect(Array.from(t[3])).toEqual([1, 3, 4]); // y
  });

  it("hovers between the remaining points", () => {
    expect(hoverRows(drawn, 1, 0)[0].value).toBe(1);
    expect(hoverRows(drawn, 2.5, 0)[0].value).toBe(3);
  });
});
