import { describe, expect, it } from "vitest";
import { sameChartLines, type ChartLines } from "./chartLines";

const lines = (color = "#111111"): ChartLines => ({
  lines: [
    { id: "a", name: "run a", color, config: undefined },
    { id: "g", name: "group", color: "#222222", members: ["x", "y"], agg: { y: "mean", band: "minmax" } },
  ],
  ready: true,
  firstIds: new Set(["a"]),
  text: "1 of 3 visualised",
});

describe("chart lines kept when recomputed equal", () => {
  it("sees a recomputation with the same lines as the same", () => {
    expect(sameChartLines(lines(), lines())).toBe(true);
  });

  it("sees a changed colour, member list, readiness or count as a change", () => {
    expect(sameChartLines(lines(), lines("#333333"))).toBe(false);
    const b = lines();
    b.lines[1] = { ...b.lines[1], members: ["x"] };
    expect(sameChartLines(lines(), b)).toBe(false);
    expect(sameChartLines(lines(), { ...lines(), ready: false })).toBe(false);
    expect(sameChartLines(lines(), { ...lines(), firstIds: new Set(["b"]) })).toBe(false);
    expect(sameChartLines(lines(), { ...lines(), lines: lines().lines.slice(1) })).toBe(false);
  });
});
