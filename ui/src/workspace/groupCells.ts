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
  // Tags have no sort key; the server counts each tag over the group's runs.
  if (col.id === "tags") return "tags";
  return SKIP.has(col.id) ? null : col.meta.sortKey;
}

/** The tags every run of the group has, "+N" for those only some have (all of
 * them, with counts, in the title). */
function tagsCell(a: ColumnAgg): { text: string; title: string } | null {
  const pairs = Array.isArray(a.value) ? (a.value as [string, number][]) : [];
  if (!pairs.length) return null;
  const all = pairs.filter(([, n]) => n === a.values).map(([t]) => t);
  const some = pairs.length - all.length;
  const more = a.truncated ? "+" : "";
  const text = all.length
    ? `${all.join(" ")}${some ? ` +${some}${more}` : ""}`
    : `${some}${more} tag${some === 1 ? "" : "s"}`;
  const title = pairs.map(([t, n]) => `${t}: ${n === a.values ? "every run" : `${n} of ${a.values} runs`}`).join("\n");
  return { text, title };
}

export function groupCell(
  a: ColumnAgg | undefined,
  col: RunColumn,
  agg: AggMode,
): { text: string; title: string } | null {
  if (!a || aggKey(col) === null || a.values === 0) return null;
  if (col.id === "tags") return tagsCell(a);
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
