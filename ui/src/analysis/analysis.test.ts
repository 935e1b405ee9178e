import { describe, expect, it } from "vitest";
import { brushedIds, buildAxes, buildAxis, defaultParams, nearestRun, passes, type AnalysisRun } from "./axes";
import { guessGoal, overTime } from "./overTime";

const run = (id: string, t: number | null, config: Record<string, unknown>, loss?: unknown): AnalysisRun => ({
  id,
  name: id,
  createdAt: t,
  config,
  summary: loss === undefined ? {} : { loss },
});

const runs = [
  run("a", 30, { lr: 0.001, opt: "adam", d: 2 }, 0.5),
  run("b", 10, { lr: 0.1, opt: "sgd", d: 2 }, 0.9),
  run("c", 20, { lr: 0.01, opt: "adam", d: 2 }, 0.3),
  run("d", null, { opt: true, d: 2 }, "nan"),
];

describe("axes", () => {
  it("maps numbers linearly, bottom to top, and leaves missing values out", () => {
    const ax = buildAxis(runs, "summary", "loss");
    expect(ax.kind).toBe("linear");
    expect(ax.at[2]).toBeLessThan(ax.at[0]);
    expect(ax.at[0]).toBeLessThan(ax.at[1]);
    expect(Number.isNaN(ax.at[3])).toBe(true);
    expect(ax.ticks.length).toBeGreaterThan(2);
  });

  it("uses a log scale over decades or when the sweep says so", () => {
    const lr = buildAxis(runs.slice(0, 3), "config", "lr");
    expect(lr.kind).toBe("linear"); // two decades only
    const hinted = buildAxis(runs.slice(0, 3), "config", "lr", { name: "lr", log: true });
    expect(hinted.kind).toBe("log");
    expect(hinted.at[2]).toBeCloseTo(0.5); // 0.01 sits halfway between 0.001 and 0.1
    // The search space's bounds widen the axis beyond the values tried.
    const space = buildAxis(runs.slice(0, 3), "config", "lr", { name: "lr", log: true, min: 1e-4, max: 1 });
    expect(space.at[0]).toBeCloseTo(0.25);
  });

  it("puts text and mixed values on a categorical axis", () => {
    const ax = buildAxis(runs, "config", "opt");
    expect(ax.kind).toBe("categorical");
    expect(ax.ticks.map((t) => t.label)).toEqual(["adam", "sgd", "true"]);
    expect(ax.at[0]).toBe(ax.at[2]);
  });

  it("adds the metric axis last", () => {
    expect(buildAxes(runs, ["lr", "opt"], "loss").map((a) => [a.key, a.source])).toEqual([
      ["lr", "config"],
      ["opt", "config"],
      ["loss", "summary"],
    ]);
  });

  it("keeps the runs inside every brush", () => {
    const axes = buildAxes(runs, ["opt"], "loss");
    const adam = axes[0].at[0];
    expect(brushedIds(runs, axes, {})).toBeNull();
    expect([...brushedIds(runs, axes, { opt: [adam - 0.01, adam + 0.01] })!]).toEqual(["a", "c"]);
    const low = axes[1].at[2];
    expect([...brushedIds(runs, axes, { opt: [adam - 0.01, adam + 0.01], "metric:loss": [0, low + 0.01] })!]).toEqual([
      "c",
    ]);
    // A run with no value on a brushed axis is out.
    expect(passes(axes, { "metric:loss": [0, 1] }, 3)).toBe(false);
  });

  it("finds the line under the pointer", () => {
    const axes = buildAxes(runs.slice(0, 3), ["opt"], "loss");
    const y = (f: number) => 100 * (1 - f); // 100 px tall
    const xs = [0, 100];
    // Halfway between the axes, at run c's height there.
    const yc = y((axes[0].at[2] + axes[1].at[2]) / 2);
    expect(nearestRun(axes, xs, y, 50, yc)).toBe(2);
    expect(nearestRun(axes, xs, y, 50, yc, 6, (i) => i !== 2)).not.toBe(2);
    expect(nearestRun(axes, xs, y, 50, -50)).toBe(-1);
  });

  it("picks the parameters that vary", () => {
    expect(defaultParams(runs, ["d", "lr", "opt"])).toEqual(["lr", "opt"]);
    expect(defaultParams(runs, ["lr", "opt"], 1)).toEqual(["lr"]);
  });
});

describe("metric over time", () => {
  it("sorts by creation time and tracks the best so far", () => {
    const min = overTime(runs, "loss", "minimize");
    expect(min.ids).toEqual(["b", "c", "a"]);
    expect(min.best).toEqual([0.9, 0.3, 0.3]);
    expect(min.bestAt).toBe(1);
    const max = overTime(runs, "loss", "maximize");
    expect(max.best).toEqual([0.9, 0.9, 0.9]);
    expect(max.bestAt).toBe(0);
    expect(overTime([], "loss", "minimize").bestAt).toBe(-1);
  });

  it("guesses the goal from the name", () => {
    expect(guessGoal("val/loss")).toBe("minimize");
    expect(guessGoal("accuracy")).toBe("maximize");
  });
});
