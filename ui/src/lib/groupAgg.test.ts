import { describe, expect, it } from "vitest";
import { aggregate, combine } from "./groupAgg";

const line = (id: string, y: number[]) => ({ run_id: id, x: y.map((_, i) => i), y, min: y, max: y });

describe("group aggregates", () => {
  it("takes the mean with a min–max band by default", () => {
    const g = aggregate("g", [line("a", [1, 2]), line("b", [3, 6]), line("c", [5, 10])])!;
    expect(g.y).toEqual([3, 6]);
    expect(g.min).toEqual([1, 2]);
    expect(g.max).toEqual([5, 10]);
  });

  it("takes the median, min or max as the line", () => {
    const runs = [line("a", [1]), line("b", [2]), line("c", [9])];
    expect(aggregate("g", runs, { y: "median", band: "none" })!.y).toEqual([2]);
    expect(aggregate("g", runs, { y: "min", band: "none" })!.y).toEqual([1]);
    expect(aggregate("g", runs, { y: "max", band: "none" })!.y).toEqual([9]);
    expect(combine([4, 1, 3, 2], { y: "median", band: "none" })!.y).toBe(2.5);
  });

  it("draws a standard deviation or standard error band around the line", () => {
    // Values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd sqrt(32/7).
    const vs = [2, 4, 4, 4, 5, 5, 7, 9];
    const sd = Math.sqrt(32 / 7);
    const std = combine(vs, { y: "mean", band: "std" })!;
    expect(std.y).toBe(5);
    expect(std.lo).toBeCloseTo(5 - sd);
    expect(std.hi).toBeCloseTo(5 + sd);
    const se = combine(vs, { y: "mean", band: "stderr" })!;
    expect(se.hi - se.y).toBeCloseTo(sd / Math.sqrt(8));
    // One run: no spread.
    expect(combine([3], { y: "mean", band: "std" })).toEqual({ y: 3, lo: 3, hi: 3 });
  });

  it("counts a run only inside its own x range", () => {
    const g = aggregate("g", [line("a", [1, 1, 1]), line("b", [3])], { y: "max", band: "minmax" })!;
    expect(g.y).toEqual([3, 1, 1]);
  });
});
