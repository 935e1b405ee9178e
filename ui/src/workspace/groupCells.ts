// What a group row shows in each column: the chosen aggregate (mean by default)
// of its runs' numbers, the value when every run has the same one, else how many
// distinct values. (No React here, so the tests run it alone.)

import type { Run } from "../api/endpoints";
import { combine, type AggMode } from "../lib/groupAgg";
import { fmtDuration, fmtValue } from "../lib/format";
import type { RunColumn } from "./columns";

/** Columns whose aggregate means nothing (times, free text, links). */
const SKIP = new Set(["name", "created_at", "notes", "updated"]);

export function groupCell(runs: Run[], col: RunColumn, agg: AggMode): { text: string; title: string } | null {
  if (SKIP.has(col.id) || runs.length === 0) return null;
  const values = runs.map((r) => col.meta.value(r)).filter((v) => v !== null && v !== undefined && v !== "");
  if (values.length === 0) return null;
  const nums = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (nums.length === values.length) {
    const c = combine(nums, { y: agg, band: "none" })!;
    const same = nums.every((v) => v === nums[0]);
    const v = same ? nums[0] : c.y;
    const text = col.id === "runtime" ? fmtDuration(v) : fmtValue(v);
    return { text, title: same ? `${text} in every run` : `${agg} of ${nums.length} runs: ${text}` };
  }
  const distinct = new Set(values.map((v) => JSON.stringify(v)));
  if (distinct.size === 1) return { text: fmtValue(values[0]), title: `${fmtValue(values[0])} in every run` };
  return { text: `${distinct.size} values`, title: `${distinct.size} different values among ${values.length} runs` };
}
