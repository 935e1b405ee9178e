// What a group row shows in each column, from the server's aggregate of the
// column over every run of the group (GET groups/aggregates): the chosen
// aggregate (mean by default) of its numbers, the value when every run has the
// same one, else how many distinct values. (No React here, so the tests run it alone.)

import type { ColumnAgg } from "../api/endpoints";
import type { AggMode } from "../lib/groupAgg";
import { fmtDuration, fmtValue } from "../lib/format";
import type { RunColumn } from "./columns";

/** Columns whose aggregate means nothing (times, free text, links). */
const SKIP = new Set(["name", "created_at", "notes", "updated"]);

/** The sort key a group row asks the server to aggregate for a column, or null. */
export function aggKey(col: RunColumn): string | null {
  return SKIP.has(col.id) ? null : col.meta.sortKey;
}

export function groupCell(
  a: ColumnAgg | undefined,
  col: RunColumn,
  agg: AggMode,
): { text: string; title: string } | null {
  if (!a || aggKey(col) === null || a.values === 0) return null;
  const n = a.values;
  const runs = `${n} run${n === 1 ? "" : "s"}`;
  if (a.numeric && typeof a.value === "number") {
    const text = col.id === "runtime" ? fmtDuration(a.value) : fmtValue(a.value);
    return { text, title: a.distinct === 1 ? `${text} in every run` : `${agg} of ${runs}: ${text}` };
  }
  if (a.distinct === 1) return { text: fmtValue(a.value), title: `${fmtValue(a.value)} in every run` };
  const more = a.truncated ? "+" : "";
  return { text: `${a.distinct}${more} values`, title: `${a.distinct}${more} different values among ${runs}` };
}
