import { describe, expect, it } from "vitest";
import type { SeriesLine, SystemLine } from "../api/endpoints";
import { chartLine, systemLine } from "./chartLine";

const wire = (x: (number | null)[], y: (number | null)[]): Omit<SeriesLine, "x"> & { x: (number | null)[] } => ({
  run_id: "r",
  x,
  y,
  min: y,
  max: y,
  count: x.length,
  bucketed: false,
});

describe("chart lines from the server's line model", () => {
  it("keeps a line whose every point has an x as it is", () => {
    const s = wire([0, 1, 2], [5, null, 7]);
    const c = chartLine(s);
    expect(c.x).toBe(s.x);
    expect(c.y).toEqual([5, null, 7]);
  });

  it("drops the points without a finite x, keeping y, min and max aligned", () => {
    const c = chartLine({ ...wire([null, 1, null, 3], [10, 11, 12, 13]), min: [0, 1, 2, 3], max: [4, 5, 6, 7] });
    expect(c).toEqual({ run_id: "r", x: [1, 3], y: [11, 13], min: [1, 3], max: [5, 7] });
  });

  it("gives an empty line when no point has an x", () => {
    expect(chartLine(wire([null, null], [1, 2])).x).toEqual([]);
  });
});

describe("system metric lines", () => {
  const s: Omit<SystemLine, "t"> & { t: (number | null)[] } = { t: [1000, null, 1010, 1020], v: [1, 2, null, 4] };

  it("puts samples at seconds since the run started, leaving out samples without a time", () => {
    expect(systemLine("r", s, 990)).toEqual({
      run_id: "r",
      x: [10, 20, 30],
      y: [1, null, 4],
      min: [1, null, 4],
      max: [1, null, 4],
    });
  });

  it("counts from the first sample when the run's start is unknown", () => {
    expect(systemLine("r", s, null).x).toEqual([0, 10, 20]);
    expect(systemLine("r", { t: [null, 5, 7], v: [0, 1, 2] }, null).x).toEqual([0, 2]);
  });
});
