import { describe, expect, it } from "vitest";
import { OPS, parseList, toMongo, type FilterRow } from "./filters";

const one = (row: FilterRow) => toMongo({ rows: [row], any: false });

describe("filter operators", () => {
  it("offers every field operator of the runs API", () => {
    expect(OPS.map(([v]) => v)).toEqual([
      "=",
      "!=",
      "<",
      ">",
      "<=",
      ">=",
      "in",
      "not in",
      "regex",
      "exists",
      "not exists",
    ]);
  });

  it("turns in / not in into lists of typed values", () => {
    expect(parseList(' adam, 0.1 , "3", ,true')).toEqual(["adam", 0.1, "3", true]);
    expect(one({ field: "config.opt", op: "in", value: "adam, sgd" })).toEqual({
      "config.opt": { $in: ["adam", "sgd"] },
    });
    expect(one({ field: "config.lr", op: "not in", value: "0.1,0.01" })).toEqual({
      "config.lr": { $nin: [0.1, 0.01] },
    });
    expect(one({ field: "tags", op: "not in", value: "a,b" })).toEqual({ tags: { $nin: ["a", "b"] } });
  });

  it("keeps a regex as typed and needs no value for exists", () => {
    expect(one({ field: "name", op: "regex", value: "^run-1\\d" })).toEqual({ name: { $regex: "^run-1\\d" } });
    expect(one({ field: "config.x", op: "regex", value: "1.5" })).toEqual({ "config.x": { $regex: "1.5" } });
    expect(one({ field: "summary.acc", op: "exists", value: "" })).toEqual({ "summary.acc": { $exists: true } });
    expect(one({ field: "notes", op: "not exists", value: "x" })).toEqual({ notes: { $exists: false } });
  });

  it("compares ranges, and tags = x means tagged x", () => {
    const rows = [
      { field: "min:loss", op: ">=", value: "0.1" },
      { field: "min:loss", op: "<", value: "0.5" },
    ];
    expect(toMongo({ rows, any: false })).toEqual({
      $and: [{ "min:loss": { $gte: 0.1 } }, { "min:loss": { $lt: 0.5 } }],
    });
    expect(one({ field: "tags", op: "=", value: "fast" })).toEqual({ tags: { $in: ["fast"] } });
    expect(one({ field: "tags", op: "!=", value: "fast" })).toEqual({ tags: { $nin: ["fast"] } });
    // Tags and names are text: a tag named 3 is "3", not the number.
    expect(one({ field: "tags", op: "=", value: "3" })).toEqual({ tags: { $in: ["3"] } });
    expect(one({ field: "name", op: "in", value: "7, x" })).toEqual({ name: { $in: ["7", "x"] } });
  });
});
