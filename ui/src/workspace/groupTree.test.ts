import { describe, expect, it } from "vitest";
import { groupLevels, layoutTree, treeItemAt, type TreeGroup } from "./groupTree";

const top = [
  { value: "adam", count: 4, offset: 0 },
  { value: "sgd", count: 3, offset: 4 },
];
// Within each optimiser, by lr (offsets relative to the optimiser's first run).
const kids: Record<string, { value: unknown; count: number; offset: number }[]> = {
  '/"adam"': [
    { value: 0.01, count: 1, offset: 0 },
    { value: 0.1, count: 3, offset: 1 },
  ],
  '/"sgd"': [{ value: 0.1, count: 3, offset: 0 }],
};
const childrenOf = (n: TreeGroup) => kids[n.key];

describe("nested groups", () => {
  it("shows only the top groups while collapsed", () => {
    const t = layoutTree(top, new Set(), ["config.opt", "config.lr"], childrenOf);
    expect(t.rows).toBe(2);
    expect(treeItemAt(1, t)).toMatchObject({ node: { key: '/"sgd"', depth: 0 } });
  });

  it("expands to subgroups, then to runs at global offsets", () => {
    const open = new Set(['/"sgd"', '/"sgd"/0.1', '/"adam"']);
    const t = layoutTree(top, open, ["config.opt", "config.lr"], childrenOf);
    // adam, adam/0.01, adam/0.1, sgd, sgd/0.1, its 3 runs
    expect(t.rows).toBe(8);
    const sub = treeItemAt(2, t) as { node: TreeGroup };
    expect(sub.node.group).toEqual({ value: 0.1, count: 3, offset: 1 });
    expect(sub.node.conds).toEqual([{ "config.opt": "adam" }, { "config.lr": 0.1 }]);
    // Its eye and colour are remembered by its values, its top group's index with them.
    expect(sub.node.values).toEqual(["adam", 0.1]);
    expect(sub.node.topIndex).toBe(0);
    expect(treeItemAt(4, t)).toMatchObject({ node: { key: '/"sgd"/0.1', group: { offset: 4 }, topIndex: 1 } });
    expect([5, 6, 7].map((i) => treeItemAt(i, t))).toEqual([
      { flat: 4, depth: 1 },
      { flat: 5, depth: 1 },
      { flat: 6, depth: 1 },
    ]);
    expect(treeItemAt(8, t)).toBeNull();
  });

  it("a single level expands straight to runs; subgroups not loaded yet add no rows", () => {
    const one = layoutTree(top, new Set(['/"sgd"']), ["config.opt"], childrenOf);
    expect(one.rows).toBe(5);
    expect(treeItemAt(2, one)).toEqual({ flat: 4, depth: 0 });
    const loading = layoutTree(top, new Set(['/"adam"']), ["config.opt", "config.lr"], () => undefined);
    expect(loading.rows).toBe(2);
  });

  it("reads the levels from the view", () => {
    expect(groupLevels("config.opt,config.lr")).toEqual(["config.opt", "config.lr"]);
    expect(groupLevels("")).toEqual([]);
  });
});
