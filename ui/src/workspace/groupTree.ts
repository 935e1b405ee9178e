// Nested grouping in the runs table: the rows of a tree of groups (group by
// config.opt, then config.lr, ...) over one query of runs.
//
// The runs are sorted by every level's key, then the user's sort, so each
// group's runs are adjacent at every level. A sub-level's groups come from the
// server's /groups over the parent group's runs (the user's filter AND the
// parent's values), whose offsets are relative to the parent's first run: inside
// a parent every earlier key is constant, so sorting by the remaining keys is the
// same order, and a subgroup's runs sit at parent offset + its own offset.
// (No React here, so the tests run it alone.)

import type { Group } from "../api/endpoints";
import { groupKey } from "./columns";

export interface TreeGroup {
  /** The group, its offset made global (into the whole query's runs). */
  group: Group;
  depth: number;
  /** Unique in the tree: the path of group values. */
  key: string;
  /** Its index among its siblings. */
  index: number;
  /** Its value at each level down to it, and its top group's index. */
  values: unknown[];
  topIndex: number;
  /** Filters selecting its runs: one equality per level down to it. */
  conds: Record<string, unknown>[];
}

export type Seg = { node: TreeGroup } | { offset: number; count: number; depth: number };

export interface TreeLayout {
  segs: Seg[];
  /** The display row each segment starts at. */
  starts: number[];
  rows: number;
}

/** The rows: each group's header, then (expanded) its subgroups or, at the last
 * level, its runs. ``childrenOf`` gives a node's subgroups once loaded (their
 * offsets relative to the node's first run). */
export function layoutTree(
  top: Group[],
  expanded: ReadonlySet<string>,
  byKeys: string[],
  childrenOf: (node: TreeGroup) => Group[] | undefined,
): TreeLayout {
  const segs: Seg[] = [];
  const starts: number[] = [];
  let row = 0;
  const visit = (groups: Group[], depth: number, up: TreeGroup | null, base: number) => {
    groups.forEach((g, index) => {
      const node: TreeGroup = {
        group: { ...g, offset: base + g.offset },
        depth,
        key: `${up?.key ?? ""}/${groupKey(g)}`,
        index,
        values: [...(up?.values ?? []), g.value ?? null],
        topIndex: up?.topIndex ?? index,
        conds: [...(up?.conds ?? []), { [byKeys[depth]]: g.value ?? null }],
      };
      segs.push({ node });
      starts.push(row++);
      if (!expanded.has(node.key)) return;
      if (depth + 1 < byKeys.length) {
        const kids = childrenOf(node);
        if (kids) visit(kids, depth + 1, node, node.group.offset);
      } else if (g.count > 0) {
        segs.push({ offset: node.group.offset, count: g.count, depth });
        starts.push(row);
        row += g.count;
      }
    });
  };
  visit(top, 0, null, 0);
  return { segs, starts, rows: row };
}

export type TreeItem = { node: TreeGroup } | { flat: number; depth: number };

/** What display row ``i`` shows. */
export function treeItemAt(i: number, t: TreeLayout): TreeItem | null {
  if (i < 0 || i >= t.rows) return null;
  let lo = 0;
  let hi = t.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t.starts[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  const s = t.segs[lo];
  if (!s) return null;
  return "node" in s ? { node: s.node } : { flat: s.offset + (i - t.starts[lo]), depth: s.depth };
}

/** The group column ids of a view's ``group`` ("config.opt,config.lr"). */
export function groupLevels(group: string): string[] {
  return group.split(",").filter(Boolean);
}

/** The key a group's eye and colour are remembered by: each level's id and value
 * down to it ("config.opt="sgd"|config.lr=0.1"). A top group's is "config.opt="sgd"",
 * the key from before nesting, so saved eyes and colours keep applying; a leaf's,
 * after "group:", is its chart line's id (and colour). */
export function groupPath(levelIds: readonly string[], values: readonly unknown[]): string {
  return values.map((v, i) => `${levelIds[i]}=${groupKey({ value: v })}`).join("|");
}

/** A group row's own eye: a top group's is on for the first ``maxRuns`` groups, a
 * subgroup's unless switched off (its parent's eye hides it with the parent). */
export function groupEyeOn(
  groupEye: Readonly<Record<string, boolean>>,
  levelIds: readonly string[],
  values: readonly unknown[],
  topIndex: number,
  maxRuns: number,
): boolean {
  return groupEye[groupPath(levelIds, values)] ?? (values.length > 1 || topIndex < maxRuns);
}

/** Whether a group's runs are drawn: its eye and every parent's are on. */
export function groupDrawn(
  groupEye: Readonly<Record<string, boolean>>,
  levelIds: readonly string[],
  values: readonly unknown[],
  topIndex: number,
  maxRuns: number,
): boolean {
  return values.every((_, d) => groupEyeOn(groupEye, levelIds, values.slice(0, d + 1), topIndex, maxRuns));
}
