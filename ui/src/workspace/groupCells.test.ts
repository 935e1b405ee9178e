import { describe, expect, it } from "vitest";
import type { Run } from "../api/endpoints";
import { baseColumns, keyColumns } from "./columns";
import { groupCell } from "./groupCells";

const run = (config: Record<string, unknown>, summary: Record<string, unknown>, state = "finished") =>
  ({ id: "x", name: "x", state, config, summary, tags: [] }) as unknown as Run;
const [lr, opt, loss] = keyColumns(["lr", "opt"], ["loss"], []);
const state = baseColumns().find((c) => c.id === "state")!;
const runs = [run({ lr: 0.1, opt: "adam" }, { loss: 1 }), run({ lr: 0.1, opt: "sgd" }, { loss: 2 }, "failed")];

describe("group row cells", () => {
  it("aggregates numbers with the chosen aggregate", () => {
    expect(groupCell(runs, loss, "mean")!.text).toBe("1.5");
    expect(groupCell(runs, loss, "max")!.text).toBe("2");
    expect(groupCell(runs, loss, "mean")!.title).toContain("mean of 2 runs");
  });

  it("shows a shared value as is, and counts differing ones", () => {
    expect(groupCell(runs, lr, "mean")!.text).toBe("0.1");
    expect(groupCell(runs, opt, "mean")!.text).toBe("2 values");
    expect(groupCell(runs, state, "mean")!.text).toBe("2 values");
    expect(groupCell([runs[0]], state, "mean")!.text).toBe("finished");
    expect(groupCell([], loss, "mean")).toBeNull();
    const runtime = baseColumns().find((c) => c.id === "runtime")!;
    const timed = [3600, 3840].map((t) => ({ ...runs[0], runtime: t }) as Run);
    expect(groupCell(timed, runtime, "mean")!.text).toBe("1h 2m 0s");
  });
});
