// The runs table's columns (TanStack Table column definitions): run fields,
// then one per config and summary key, then the min and max of every metric.

import type { ColumnDef } from "@tanstack/react-table";
import { Link } from "react-router";
import type { Group, Run } from "../api/endpoints";
import { StateBadge } from "../common/StateBadge";
import type { ColumnLayout } from "../data/prefs";
import { fmtDuration, fmtTime, fmtValue } from "../lib/format";
import { sweepsPath } from "../lib/paths";
import { NameCell } from "./NameCell";

export type ColGroup = "run" | "config" | "summary" | "min" | "max";

export interface ColMeta {
  label: string;
  group: ColGroup;
  /** The API's sort key (null: not sortable). */
  sortKey: string | null;
  value: (r: Run) => unknown;
}

export type RunColumn = ColumnDef<Run> & { id: string; meta: ColMeta };

function col(
  id: string,
  label: string,
  group: ColGroup,
  sortKey: string | null,
  size: number,
  value: (r: Run) => unknown,
  cell?: (r: Run) => React.ReactNode,
): RunColumn {
  return {
    id,
    size,
    accessorFn: value,
    meta: { label, group, sortKey, value },
    cell: cell ? (c) => cell(c.row.original) : (c) => fmtValue(c.getValue()),
  };
}

export function baseColumns(): RunColumn[] {
  return [
    col(
      "name",
      "Name",
      "run",
      "name",
      200,
      (r) => r.name,
      (r) => <NameCell run={r} />,
    ),
    col(
      "state",
      "State",
      "run",
      "state",
      90,
      (r) => r.state,
      (r) => <StateBadge state={r.state} />,
    ),
    col(
      "created_at",
      "Created",
      "run",
      "created_at",
      165,
      (r) => r.created_at,
      (r) => fmtTime(r.created_at),
    ),
    col(
      "runtime",
      "Runtime",
      "run",
      "runtime",
      90,
      (r) => r.runtime,
      (r) => fmtDuration(r.runtime),
    ),
    col("user", "User", "run", "user", 90, (r) => r.user),
    col(
      "tags",
      "Tags",
      "run",
      null,
      140,
      (r) => r.tags.join(" "),
      (r) => (
        <span>
          {r.tags.map((t) => (
            <span key={t} className="tag">
              {t}
            </span>
          ))}
        </span>
      ),
    ),
    col("group", "Group", "run", "group", 100, (r) => r.group),
    col("job_type", "Job type", "run", "job_type", 90, (r) => r.job_type),
    col(
      "sweep",
      "Sweep",
      "run",
      "sweep",
      90,
      (r) => r.sweep,
      (r) =>
        r.sweep ? (
          <Link to={sweepsPath(r.entity, r.project, r.sweep)} className="run-link">
            {r.sweep}
          </Link>
        ) : null,
    ),
    col("notes", "Notes", "run", null, 140, (r) => r.notes),
  ];
}

export function keyColumns(config: string[], summary: string[], metrics: string[]): RunColumn[] {
  return [
    ...config.map((k) => col(`config.${k}`, k, "config", `config.${k}`, 100, (r) => r.config[k])),
    ...summary.map((k) => col(`summary.${k}`, k, "summary", `summary.${k}`, 100, (r) => r.summary[k])),
    // The internal summary fields, readable (_runtime is the Runtime column).
    col("step", "Step", "run", "summary._step", 70, (r) => r.summary._step ?? r.last_step),
    col(
      "updated",
      "Last logged",
      "run",
      "summary._timestamp",
      165,
      (r) => r.summary._timestamp,
      (r) => fmtTime(r.summary._timestamp as number | undefined),
    ),
    ...metrics.flatMap((k) => [
      col(`min.${k}`, `${k} (min)`, "min", `min:${k}`, 110, (r) => r.metric_min?.[k]),
      col(`max.${k}`, `${k} (max)`, "max", `max:${k}`, 110, (r) => r.metric_max?.[k]),
    ]),
  ];
}

/** Columns in the user's order (unlisted ones keep their place after), Name first. */
export function orderedColumns(all: RunColumn[], layout: ColumnLayout): RunColumn[] {
  const pos = new Map(layout.order.map((id, i) => [id, i]));
  return all
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (pos.get(a.c.id) ?? 1e6 + a.i) - (pos.get(b.c.id) ?? 1e6 + b.i))
    .map((x) => x.c)
    .sort((a, b) => Number(b.id === "name") - Number(a.id === "name"));
}

export function groupKey(g: Pick<Group, "value">): string {
  return JSON.stringify(g.value ?? null);
}

export function groupLabel(g: Pick<Group, "value">): string {
  return g.value === null || g.value === undefined || g.value === "" ? "(none)" : fmtValue(g.value);
}

export function columnTitle(c: RunColumn): string {
  return `${c.meta.group === "run" ? "" : `${c.meta.group}.`}${c.meta.label}`;
}
