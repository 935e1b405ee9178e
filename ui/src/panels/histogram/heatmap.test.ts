import { describe, expect, it } from "vitest";
import { heatColor, heatGrid, nearestStep, valueRange } from "./heatmap";

describe("heatGrid", () => {
  it("spreads each step's bins onto shared value rows, keeping the counts", () => {
    const g = heatGrid(
      {
        steps: [0, 1],
        bins: [
          [0, 1, 2],
          [2, 3, 4],
        ],
        counts: [
          [4, 2],
          [1, 3],
        ],
      },
      4,
    );
    expect([g.yMin, g.yMax, g.rows]).toEqual([0, 4, 4]);
    expect(Array.from(g.cells.slice(0, 4))).toEqual([4, 2, 0, 0]);
    expect(Array.from(g.cells.slice(4, 8))).toEqual([0, 0, 1, 3]);
    expect(g.max).toBe(4);
  });

  it("splits a bin across rows by its overlap", () => {
    const g = heatGrid({ steps: [5], bins: [[0, 4]], counts: [[8]] }, 2);
    expect(Array.from(g.cells)).toEqual([4, 4]);
  });

  it("skips gaps and non-numbers, and widens a single value", () => {
    const h = { steps: [0], bins: [[1, "NaN", 1]], counts: [[2, 3]] };
    expect(valueRange(h)).toEqual([0.5, 1.5]);
    expect(heatGrid(h, 2).max).toBe(0);
  });
});

describe("heatColor and nearestStep", () => {
  it("is white for nothing and darkest for the most", () => {
    expect(heatColor(0)).toEqual([255, 255, 255]);
    expect(heatColor(1)).toEqual([63, 0, 125]);
    expect(heatColor(0.25)[2]).toBeGreaterThan(150);
  });

  it("finds the closest logged step", () => {
    expect(nearestStep([0, 10, 20], 14)).toBe(1);
    expect(nearestStep([0, 10, 20], 99)).toBe(2);
  });
});
