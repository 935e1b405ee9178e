import { describe, expect, it } from "vitest";
import type { ColumnAgg } from "../api/endpoints";
import { baseColumns, keyColumns } from "./columns";
import { aggKey, groupCell } from "./groupCells";

const [lr, opt, loss] = keyColumns(["lr", "opt"], ["loss"], []);
const state = baseColumns().find((c) => c.id === "state")!;
const a = (key: string, values: number, distinct: number, numeric: boolean, value: unknown): ColumnAgg => ({
  key,
  values,
  distinct,
  numeric,
  value,
  truncated: false,
});

describe("group row cells", () => {
  it("shows the server's aggregate of every run's numbers", () => {
    const cell = groupCell(a("summary.loss", 150, 150, true, 74.5), loss, "mean")!;
    expect(cell.text).toBe("74.5");
    expect(cell.title).toContain("mean of 150 runs");
  });

  it("shows a shared value as is, and counts differing ones", () => {
    expect(groupCell(a("config.lr", 2, 1, true, 0.1), lr, "mean")!.title).toBe("0.1 in every run");
    expect(groupCell(a("config.opt", 2, 2, false, null), opt, "mean")!.text).toBe("2 values");
    expect(groupCell(a("state", 1, 1, false, "finished"), state, "mean")!.text).toBe("finished");
    expect(groupCell(a("summary.loss", 0, 0, false, null), loss, "mean")).toBeNull();
    expect(groupCell(undefined, loss, "mean")).toBeNull();
    const runtime = baseColumns().find((c) => c.id === "runtime")!;
    expect(groupCell(a("runtime", 2, 2, true, 3720), runtime, "mean")!.text).toBe("1h 2m 0s");
  });

  it("asks the server only for columns whose aggregate means something", () => {
    const name = baseColumns().find((c) => c.id === "name")!;
    expect(aggKey(name)).toBeNull();
    expect(aggKey(lr)).toBe("config.lr");
  });

  it("shows the tags every run of the group has, and how many others some have", () => {
    const tags = baseColumns().find((c) => c.id === "tags")!;
    expect(aggKey(tags)).toBe("tags");
    const pairs = [
      ["base", 4],
      ["tuned", 4],
      ["odd", 2],
    ];
    const cell = groupCell(a("tags", 4, 3, false, pairs), tags, "mean")!;
    expect(cell.text).toBe("base tuned +1");
    expect(cell.title).toBe("base: every run\ntuned: every run\nodd: 2 of 4 runs");
    expect(groupCell(a("tags", 4, 1, false, [["odd", 2]]), tags, "mean")!.text).toBe("1 tag");
    expect(groupCell(a("tags", 4, 0, false, []), tags, "mean")).toBeNull();
  });
});
