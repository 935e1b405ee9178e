import { describe, expect, it } from "vitest";
import {
  aggregate,
  compareRows,
  deltaText,
  fieldValue,
  lineNumber,
  projectFields,
  scatterPoints,
  type FieldRun,
  type LineRef,
} from "./fields";
import { parseRunIds } from "./ComparePage";

const run = (id: string, config: Record<string, unknown>, summary: Record<string, unknown>): FieldRun => ({
  id,
  name: id,
  config,
  summary,
});
const a = run("a", { lr: 0.1, opt: "adam", "model.depth": 4 }, { loss: 0.5, acc: 0.9, _step: 10 });
const b = run("b", { lr: 0.01, opt: "adam", "model.depth": 4 }, { loss: 0.2, acc: 0.95, _step: 10 });
const c = run("c", { lr: 0.001, opt: "sgd" }, { loss: "nan?", acc: 0.7 });
const byId = new Map([a, b, c].map((r) => [r.id, r]));
const line = (id: string, members?: string[]): LineRef => ({ id, name: id.toUpperCase(), color: "#123456", members });

describe("fields", () => {
  it("lists the project's config fields, then its summary fields", () => {
    expect(projectFields({ config: ["lr", "model.depth"], summary: ["loss"] })).toEqual([
      "config.lr",
      "config.model.depth",
      "summary.loss",
    ]);
    expect(projectFields(undefined)).toEqual([]);
  });

  it("reads a field by its dotted name, config and summary apart", () => {
    expect(fieldValue(a, "config.lr")).toBe(0.1);
    expect(fieldValue(a, "config.model.depth")).toBe(4);
    expect(fieldValue(a, "summary.loss")).toBe(0.5);
    expect(fieldValue(a, "summary.lr")).toBeUndefined();
    expect(fieldValue(a, "lr")).toBeUndefined();
  });

  it("gives a group line the mean of its runs that have a number", () => {
    expect(lineNumber(line("a"), byId, "summary.loss")).toEqual({ value: 0.5, n: 1 });
    expect(lineNumber(line("g", ["a", "b", "c"]), byId, "summary.loss")).toEqual({ value: 0.35, n: 2 });
    expect(lineNumber(line("c"), byId, "summary.loss")).toBeNull();
    expect(lineNumber(line("zz"), byId, "summary.loss")).toBeNull();
  });

  it("aggregates over runs: mean, min, max", () => {
    expect(aggregate(["a", "b", "c"], byId, "summary.acc", "min")).toEqual({ value: 0.7, n: 3 });
    expect(aggregate(["a", "b", "c"], byId, "summary.acc", "max")).toEqual({ value: 0.95, n: 3 });
    expect(aggregate(["a", "b", "a"], byId, "summary.acc", "mean")?.value).toBeCloseTo(0.925);
    expect(aggregate(["c"], byId, "summary.loss", "mean")).toBeNull();
  });
});

describe("scatter data", () => {
  it("makes one point per line with both numbers, in the line's colour, sorted by x", () => {
    const { points, left } = scatterPoints([line("a"), line("b"), line("c")], byId, "config.lr", "summary.loss");
    expect(points.map((p) => [p.id, p.name, p.x, p.y, p.color])).toEqual([
      ["b", "B", 0.01, 0.2, "#123456"],
      ["a", "A", 0.1, 0.5, "#123456"],
    ]);
    expect(left).toBe(1); // c's loss is no number
  });

  it("leaves out values a log axis cannot show", () => {
    const z = run("z", { lr: 0 }, { loss: 1 });
    const m = new Map([...byId, ["z", z]]);
    const lines = [line("a"), line("z")];
    expect(scatterPoints(lines, m, "config.lr", "summary.loss").points).toHaveLength(2);
    const logged = scatterPoints(lines, m, "config.lr", "summary.loss", { x: true, y: false });
    expect(logged.points.map((p) => p.id)).toEqual(["a"]);
    expect(logged.left).toBe(1);
  });

  it("puts a group at its runs' means", () => {
    const { points } = scatterPoints([line("g", ["a", "b"])], byId, "config.lr", "summary.acc");
    expect(points[0].x).toBeCloseTo(0.055);
    expect(points[0].y).toBeCloseTo(0.925);
  });
});

describe("comparing runs", () => {
  it("has a row per field any run has, config first, and marks the ones that differ", () => {
    const rows = compareRows([a, b, c]);
    expect(rows.map((r) => r.field)).toEqual([
      "config.lr",
      "config.model.depth",
      "config.opt",
      "summary.acc",
      "summary.loss",
    ]);
    const differs = Object.fromEntries(rows.map((r) => [r.field, r.differs]));
    expect(differs["config.lr"]).toBe(true);
    expect(differs["config.model.depth"]).toBe(true); // c has none
    expect(differs["config.opt"]).toBe(true);
    expect(rows.find((r) => r.field === "config.model.depth")?.values).toEqual([4, 4, undefined]);
  });

  it("sees equal values as equal, lists by content, summary keys with _ left out", () => {
    const x = run("x", { layers: [64, 32], opt: "adam" }, { _runtime: 3, acc: 1 });
    const y = run("y", { layers: [64, 32], opt: "adam" }, { _runtime: 9, acc: 1 });
    const rows = compareRows([x, y]);
    expect(rows.map((r) => [r.field, r.differs])).toEqual([
      ["config.layers", false],
      ["config.opt", false],
      ["summary.acc", false],
    ]);
  });

  it("writes a number's difference from the baseline", () => {
    const f = (n: number) => String(n);
    expect(deltaText(0.5, 0.25, f)).toBe("+0.25");
    expect(deltaText(1, 3, f)).toBe("−2");
    expect(deltaText(1, 1, f)).toBe("");
    expect(deltaText("adam", 1, f)).toBe("");
  });

  it("reads the runs of the address, comma-separated or repeated, each once", () => {
    expect(parseRunIds(new URLSearchParams("runs=a,b,,c"))).toEqual(["a", "b", "c"]);
    expect(parseRunIds(new URLSearchParams("runs=a&runs=b,a"))).toEqual(["a", "b"]);
    expect(parseRunIds(new URLSearchParams(""))).toEqual([]);
  });
});
