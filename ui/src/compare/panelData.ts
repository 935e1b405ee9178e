// What a comparison panel reads: the config and summary of the runs behind the
// drawn lines (a group line: its runs), and the project's fields for its pickers.

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { columnsQuery } from "../data/runs";
import type { PanelContext } from "../panels/registry";
import { lineNumber, projectFields, type FieldRun } from "./fields";
import { fieldRun, useRunsById } from "./runsById";

export function usePanelRuns(ctx: PanelContext, visible: boolean) {
  const e = ctx.project?.entity ?? "";
  const p = ctx.project?.project ?? "";
  const ids = useMemo(() => (visible ? ctx.lines.flatMap((l) => l.members ?? [l.id]) : []), [ctx.lines, visible]);
  const runs = useRunsById(e, p, ids);
  const byId = useMemo(
    () => new Map<string, FieldRun>([...runs.byId].map(([id, r]) => [id, fieldRun(r)])),
    [runs.byId],
  );
  const cols = useQuery({ ...columnsQuery(e, p), enabled: !!e });
  const fields = useMemo(() => projectFields(cols.data), [cols.data]);
  return {
    byId,
    fields,
    error: runs.error,
    ready: ctx.linesReady && !runs.loading,
  };
}

export type FieldPanelState = "unset" | "loading" | "drawn" | "empty";

/** The data head of a one-field panel (bar chart, summary value): each drawn line's
 * number for ``field`` (a group line: the mean over its runs) and the panel's state,
 * "empty" when no line has one. */
export function useFieldNumbers(ctx: PanelContext, visible: boolean, field: string) {
  const { byId, fields, error, ready } = usePanelRuns(ctx, visible);
  const rows = useMemo(
    () => ctx.lines.map((l) => ({ line: l, v: lineNumber(l, byId, field) })),
    [ctx.lines, byId, field],
  );
  const has = rows.some((r) => r.v);
  const state: FieldPanelState = !field ? "unset" : !ready ? "loading" : has ? "drawn" : "empty";
  return { byId, fields, error, rows, state };
}

/** A default field: the first summary field that looks like the one asked for, else the first. */
export function pickField(fields: string[], like: RegExp, not?: string): string {
  const pool = fields.filter((f) => f !== not);
  return pool.find((f) => like.test(f)) ?? pool[0] ?? "";
}
