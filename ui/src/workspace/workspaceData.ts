// The workspace's data: the project, its columns, the query the view makes
// (grouping sorts by the group first), the first page or the groups, and the
// chart panels over the drawn lines.

import { keepPreviousData, useQueries, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { ApiError } from "../api/client";
import { api } from "../api/endpoints";
import { keys } from "../data/keys";
import { columnsQuery, groupsQuery, projectQuery, runsPageQuery } from "../data/runs";
import { GROUP_BUCKETS, LINE_BUCKETS, projectSeries } from "../data/series";
import "../panels";
import type { LineSpec } from "../panels";
import type { PanelContext } from "../panels/registry";
import type { ChartLines } from "./chartLines";
import { baseColumns, keyColumns, type RunColumn } from "./columns";
import { groupLevels } from "./groupTree";
import { toMongo } from "./filters";
import type { View } from "./view";

const NO_COLUMNS = { config: [], summary: [], metrics: [] };

/** The user's filters, within ``scope`` (a sweep's runs) when there is one. */
export function scoped(user: Record<string, unknown> | null, scope?: Record<string, unknown>) {
  if (!scope) return user ?? undefined;
  return user ? { $and: [scope, user] } : scope;
}

export function useWorkspaceData(entity: string, project: string, view: View, scope?: Record<string, unknown>) {
  const projectQ = useQuery(projectQuery(entity, project));
  const columnsQ = useQuery(columnsQuery(entity, project));
  const columns = columnsQ.data ?? NO_COLUMNS;
  const all = useMemo(
    () => [...baseColumns(), ...keyColumns(columns.config, columns.summary, columns.metrics)],
    [columns],
  );
  // Every grouping level (nested groups: "config.opt,config.lr"); the charts group by the first.
  const levels = useMemo(
    () =>
      groupLevels(view.group)
        .map((id) => all.find((c) => c.id === id && c.meta.sortKey))
        .filter((c): c is RunColumn => !!c),
    [all, view.group],
  );
  const groupBy = levels[0] ?? null;
  // Grouping sorts by the group columns first, so each group's rows are adjacent.
  const order = useMemo(() => {
    const ks = levels.map((c) => c.meta.sortKey!);
    if (!ks.length) return view.sort;
    const user = view.sort.replace(/^[-+]/, "");
    // The user's sort on a level's key sets that level's direction.
    const out = ks.map((k) => (k === user ? view.sort : k));
    return (ks.includes(user) ? out : [...out, view.sort]).join(",");
  }, [levels, view.sort]);
  const query = useMemo(
    () => ({ filters: scoped(toMongo(view.filters), scope), search: view.search || undefined, order }),
    [view.filters, view.search, order, scope],
  );
  const page0 = useQuery({
    ...runsPageQuery(entity, project, query, 0),
    enabled: !groupBy,
    placeholderData: keepPreviousData,
  });
  const groupsQ = useQuery({ ...groupsQuery(entity, project, groupBy?.meta.sortKey ?? "", query), enabled: !!groupBy });
  const runsError = groupBy ? groupsQ.error : page0.error;
  return {
    columns,
    all,
    groupBy,
    levels,
    order,
    query,
    page0,
    total: (groupBy ? groupsQ.data?.total : page0.data?.total) ?? null,
    groups: groupBy ? (groupsQ.data?.groups ?? null) : null,
    error: projectQ.error ?? columnsQ.error ?? (filterError(runsError) ? null : runsError),
    /** Why the server refused the filters or search (shown by the filter builder). */
    filterError: filterError(runsError) ? (runsError as Error).message : null,
  };
}

/** One line panel per metric (less the x axis), over the drawn lines. */
export function usePanels(
  entity: string,
  project: string,
  view: View,
  chart: ChartLines,
  metrics: string[],
  grouped: boolean,
) {
  const buckets = grouped ? GROUP_BUCKETS : LINE_BUCKETS;
  const runIds = useMemo(() => chart.lines.flatMap((l) => l.members ?? [l.id]), [chart.lines]);
  const ctx = useMemo(
    (): PanelContext => ({
      lines: chart.lines,
      linesReady: chart.ready,
      source: projectSeries(entity, project, runIds, buckets),
      project: { entity, project },
    }),
    [chart.lines, chart.ready, entity, project, runIds, buckets],
  );
  const { x, smoothing, logY } = view;
  const specs = useMemo(
    (): LineSpec[] =>
      metrics
        .filter((m) => m !== x)
        .map((key) => ({ id: key, kind: "line", keys: [key], x, options: { smoothing, logY } })),
    [metrics, x, smoothing, logY],
  );
  return { ctx, specs };
}

/** A 400 from the runs or groups query: the server saying what is wrong with the filter. */
function filterError(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 400 || e.status === 422);
}

/** Values to suggest for the fields of the filter rows, from the project's data. */
export function useFieldValues(entity: string, project: string, fields: string[]): Record<string, unknown[]> {
  const wanted = [...new Set(fields.filter((f) => f))];
  const results = useQueries({
    queries: wanted.map((f) => ({
      queryKey: keys.values(entity, project, f),
      queryFn: ({ signal }: { signal: AbortSignal }) => api.values(entity, project, f, { signal }),
      staleTime: 30_000,
      retry: false,
    })),
  });
  const out: Record<string, unknown[]> = {};
  wanted.forEach((f, i) => {
    const vs = results[i]?.data?.values;
    if (vs) out[f] = vs;
  });
  return out;
}
