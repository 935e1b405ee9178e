import { describe, expect, it } from "vitest";
import { sameChartLines, shownLeaves, type ChartLines } from "./chartLines";
import { groupDrawn, groupEyeOn, groupPath } from "./groupTree";

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

describe("subgroup eyes", () => {
  const ids = ["config.opt", "config.lr"];
  const leaves = [
    { values: ["adam", 0.01] },
    { values: ["adam", 0.1] },
    { values: ["sgd", 0.01] },
    { values: ["sgd", 0.1] },
  ];

  it("keys a group by its path of values; a top group keeps its key from before nesting", () => {
    expect(groupPath(ids, ["sgd"])).toBe('config.opt="sgd"');
    expect(groupPath(ids, ["sgd", 0.1])).toBe('config.opt="sgd"|config.lr=0.1');
    // The same value under two parents: two keys.
    expect(groupPath(ids, ["adam", 0.1])).not.toBe(groupPath(ids, ["sgd", 0.1]));
  });

  it("drops exactly the leaf line whose eye is off", () => {
    const eye = { [groupPath(ids, ["sgd", 0.1])]: false };
    expect(shownLeaves(leaves, ids, eye).map((l) => l.values)).toEqual([
      ["adam", 0.01],
      ["adam", 0.1],
      ["sgd", 0.01],
    ]);
  });

  it("drops every leaf under an intermediate subgroup whose eye is off", () => {
    const three = ["a", "b", "c"];
    const deep = [{ values: [1, 1, 1] }, { values: [1, 1, 2] }, { values: [1, 2, 1] }];
    const eye = { [groupPath(three, [1, 1])]: false };
    expect(shownLeaves(deep, three, eye).map((l) => l.values)).toEqual([[1, 2, 1]]);
    // Switched back on, all are drawn again.
    expect(shownLeaves(deep, three, { [groupPath(three, [1, 1])]: true })).toHaveLength(3);
  });

  it("shows a subgroup's own eye, and draws it only when its parents' eyes are on too", () => {
    const sgd01 = ["sgd", 0.1];
    // Subgroups default on; top groups on for the first "Runs drawn".
    expect(groupEyeOn({}, ids, sgd01, 7, 5)).toBe(true);
    expect(groupEyeOn({}, ids, ["sgd"], 7, 5)).toBe(false);
    expect(groupDrawn({}, ids, sgd01, 7, 5)).toBe(false);
    expect(groupDrawn({}, ids, sgd01, 1, 5)).toBe(true);
    expect(groupDrawn({ 'config.opt="sgd"': false }, ids, sgd01, 1, 5)).toBe(false);
    expect(groupDrawn({ 'config.opt="sgd"|config.lr=0.1': false }, ids, sgd01, 1, 5)).toBe(false);
  });
});
