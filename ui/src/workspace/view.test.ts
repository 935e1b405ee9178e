import { describe, expect, it } from "vitest";
import { toMongo, parseValue } from "./filters";
import { DEFAULT_VIEW, nextSort, parseView, viewParams } from "./view";

describe("the view in the URL", () => {
  it("round-trips and leaves defaults out", () => {
    const v = {
      ...DEFAULT_VIEW,
      search: "a.*",
      sort: "name",
      x: "_timestamp",
      smoothing: 0.8,
      logY: true,
      maxRuns: 20,
      analysis: true,
      aMetric: "val/loss",
      aGoal: "minimize" as const,
      aParams: ["lr", "model.depth"],
    };
    const p = viewParams(v);
    expect(p.get("smooth")).toBe("0.8");
    expect(p.has("group")).toBe(false);
    expect(parseView(p)).toEqual(v);
    expect(viewParams(DEFAULT_VIEW).toString()).toBe("");
  });

  it("keeps the group line's aggregate and band, and ignores unknown ones", () => {
    const v = { ...DEFAULT_VIEW, group: "config.opt", agg: "median" as const, band: "stderr" as const };
    const p = viewParams(v);
    expect(p.get("agg")).toBe("median");
    expect(p.get("band")).toBe("stderr");
    expect(parseView(p)).toEqual(v);
    const bad = parseView(new URLSearchParams("agg=mode&band=wide"));
    expect([bad.agg, bad.band]).toEqual(["mean", "minmax"]);
  });

  it("falls back when the URL was edited by hand", () => {
    const v = parseView(new URLSearchParams("f=%7Bbroken&runs=abc&smooth=7"));
    expect(v.filters.rows).toEqual([]);
    expect(v.maxRuns).toBe(10);
    expect(v.smoothing).toBe(0.99);
    expect(parseView(new URLSearchParams("ap=%5Bx&ag=up")).aParams).toBeNull();
    expect(parseView(new URLSearchParams("ag=up")).aGoal).toBe("");
  });

  it("flips a sorted column, starts others descending and names ascending", () => {
    expect(nextSort("-created_at", "summary.loss")).toBe("-summary.loss");
    expect(nextSort("-summary.loss", "summary.loss")).toBe("summary.loss");
    expect(nextSort("summary.loss", "summary.loss")).toBe("-summary.loss");
    expect(nextSort("-created_at", "name")).toBe("name");
    expect(nextSort("name", "name")).toBe("-name");
    expect(nextSort("-name", "name")).toBe("name");
  });
});

describe("filters", () => {
  it("types values", () => {
    expect(parseValue("0.01")).toBe(0.01);
    expect(parseValue('"3"')).toBe("3");
    expect(parseValue("true")).toBe(true);
    expect(parseValue("adam")).toBe("adam");
  });

  it("builds the API's filter", () => {
    const rows = [
      { field: "config.lr", op: ">=", value: "0.03" },
      { field: "tags", op: "=", value: "x" },
      { field: "", op: "=", value: "ignored" },
    ];
    expect(toMongo({ rows, any: true })).toEqual({
      $or: [{ "config.lr": { $gte: 0.03 } }, { tags: { $in: ["x"] } }],
    });
    expect(toMongo({ rows: rows.slice(0, 1), any: false })).toEqual({ "config.lr": { $gte: 0.03 } });
    expect(toMongo({ rows: [], any: false })).toBeNull();
  });
});
