import { describe, expect, it } from "vitest";
import { dirCrumbs, parseTable, previewKind } from "./preview";

describe("previewKind", () => {
  it("picks images, tables and text by name, and nothing for binaries or huge text", () => {
    expect(previewKind("images/a.PNG", 10)).toBe("image");
    expect(previewKind("drawing.svg", 10)).toBe("image");
    expect(previewKind("sample.table.json", 10)).toBe("table");
    expect(previewKind("train.csv", 10)).toBe("text");
    expect(previewKind("train.csv", 5_000_000)).toBe("none");
    expect(previewKind("model.pt", 10)).toBe("none");
  });
});

describe("parseTable", () => {
  it("reads W&B's columns and data, capped", () => {
    const t = parseTable(
      JSON.stringify({
        _type: "table",
        columns: ["x", "y"],
        data: [
          [1, "a"],
          [2, "b"],
          [3, "c"],
        ],
      }),
      2,
    );
    expect(t).toEqual({
      columns: ["x", "y"],
      rows: [
        [1, "a"],
        [2, "b"],
      ],
      total: 3,
    });
  });
  it("says what is wrong with a file that is not a table", () => {
    expect(() => parseTable("{}")).toThrow(/not a table file/);
  });
});

describe("dirCrumbs", () => {
  it("lists each folder above", () => {
    expect(dirCrumbs("")).toEqual([["", "/"]]);
    expect(dirCrumbs("a/b")).toEqual([
      ["", "/"],
      ["a", "a"],
      ["a/b", "b"],
    ]);
  });
});
