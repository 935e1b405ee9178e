// Which lines the workspace's charts draw, fetched from the server (W&B's rule):
// the first "Runs drawn" runs of the current filter, search and sort, plus every
// run whose eye is on, less every run whose eye is off, whether or not its table
// row is loaded. Grouped: one line per drawn group, the mean of its first runs.

import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { api, type Group, type Run, type RunQuery } from "../api/endpoints";
import { keys } from "../data/keys";
import { colorOf, spreadColors, type Prefs } from "../data/prefs";
import { PAGE, runsPageQuery } from "../data/runs";
import type { PanelLine } from "../panels/registry";
import { groupKey, groupLabel, type RunColumn } from "./columns";
import { MAX_LINES } from "./view";

/** Runs fetched for all group lines together; each group's mean covers its first runs. */
const MAX_GROUP_RUNS = 200;

type Slim = Pick<Run, "id" | "name">;

async function firstRuns(qc: QueryClient, e: string, p: string, q: RunQuery, n: number): Promise<Slim[]> {
  // The table's first page when it holds them: one request serves both.
  if (n <= PAGE) return (await qc.fetchQuery(runsPageQuery(e, p, q, 0))).runs.slice(0, n);
  return (await api.runs(e, p, q, 0, n)).runs;
}

async function flatLines(qc: QueryClient, e: string, p: string, q: RunQuery, n: number, eyeOn: string[]) {
  const first = await firstRuns(qc, e, p, q, n);
  const firstIds = new Set(first.map((r) => r.id));
  const extraIds = eyeOn.filter((id) => !firstIds.has(id)).slice(-MAX_LINES);
  let extra: Slim[] = [];
  if (extraIds.length) {
    // Only those the current filter and search still match, in the table's order.
    const byId = { id: { $in: extraIds } };
    const filters = q.filters ? { $and: [q.filters, byId] } : byId;
    extra = (await api.runs(e, p, { ...q, filters }, 0, extraIds.length)).runs;
  }
  const slim = (r: Slim) => ({ id: r.id, name: r.name });
  return { first: first.map(slim), extra: extra.map(slim) };
}

async function groupMembers(e: string, p: string, q: RunQuery, col: RunColumn, drawn: Group[]) {
  const per = Math.max(5, Math.min(MAX_LINES, Math.floor(MAX_GROUP_RUNS / Math.max(1, drawn.length))));
  const pages = await Promise.all(
    drawn.map((g) => api.runs(e, p, q, g.offset, Math.max(1, Math.min(g.count, per)))),
  );
  // A run logged between the two requests can shift offsets: keep only this group's runs.
  const out: Record<string, string[]> = {};
  drawn.forEach((g, j) => {
    const k = groupKey(g);
    out[k] = pages[j].runs.filter((r) => groupKey({ value: col.meta.value(r) ?? null }) === k).map((r) => r.id);
  });
  return out;
}

export interface ChartLines {
  lines: PanelLine[];
  ready: boolean;
  /** The query's first N runs (drawn by default), once known. */
  firstIds: Set<string> | null;
  text: string;
}

export function useChartLines(args: {
  entity: string;
  project: string;
  query: RunQuery;
  maxRuns: number;
  prefs: Prefs;
  groupBy: RunColumn | null;
  groups: Group[] | null;
  total: number | null;
}): ChartLines {
  const { entity: e, project: p, query, maxRuns, prefs, groupBy, groups, total } = args;
  const qc = useQueryClient();
  const by = groupBy?.id ?? "";
  const groupPref = useMemo(() => (g: Group) => `${by}=${groupKey(g)}`, [by]);
  const eyeOn = useMemo(() => Object.keys(prefs.eye).filter((id) => prefs.eye[id]), [prefs.eye]);
  const drawnGroups = useMemo(() => {
    if (!groupBy || !groups) return [];
    return groups.filter((g, i) => prefs.groupEye[groupPref(g)] ?? i < maxRuns).slice(0, MAX_LINES);
  }, [groupBy, groups, prefs.groupEye, maxRuns, groupPref]);

  const flat = useQuery({
    queryKey: keys.lines(e, p, { mode: "runs", query, maxRuns, eyeOn }),
    queryFn: () => flatLines(qc, e, p, query, maxRuns, eyeOn),
    enabled: !groupBy,
    placeholderData: keepPreviousData,
  });
  const grouped = useQuery({
    queryKey: keys.lines(e, p, { mode: "groups", query, by: groupBy?.id, groups: drawnGroups }),
    queryFn: () => groupMembers(e, p, query, groupBy!, drawnGroups),
    enabled: !!groupBy && groups !== null,
    placeholderData: keepPreviousData,
  });

  const result = useMemo((): ChartLines => {
    if (!groupBy) {
      const d = flat.data;
      if (!d) return { lines: [], ready: false, firstIds: null, text: "" };
      const runs = [...d.first.filter((r) => prefs.eye[r.id] !== false), ...d.extra].slice(0, MAX_LINES);
      return {
        lines: runs.map((r) => ({ id: r.id, name: r.name || r.id, color: colorOf(e, p, r.id) })),
        ready: !flat.isPlaceholderData,
        firstIds: new Set(d.first.map((r) => r.id)),
        text: `${runs.length} of ${total ?? "?"} visualised`,
      };
    }
    const members = grouped.data;
    const all = groups ?? [];
    if (!members) return { lines: [], ready: false, firstIds: null, text: `0 of ${all.length} groups visualised` };
    const lines: PanelLine[] = [];
    drawnGroups.forEach((g) => {
      const shown = (members[groupKey(g)] ?? []).filter((id) => prefs.eye[id] !== false);
      if (shown.length === 0) return;
      const of = shown.length < g.count ? ` of ${g.count}` : "";
      const k = `group:${groupPref(g)}`;
      lines.push({
        id: k,
        name: `${groupLabel(g)} (${shown.length}${of} run${g.count === 1 ? "" : "s"})`,
        color: colorOf(e, p, k),
        members: shown,
      });
    });
    const s = all.length === 1 ? "" : "s";
    const text = `${lines.length} of ${all.length} group${s} visualised`;
    return { lines, ready: !grouped.isPlaceholderData, firstIds: null, text };
  }, [groupBy, flat.data, flat.isPlaceholderData, grouped.data, grouped.isPlaceholderData, prefs, groups, drawnGroups, total, e, p, groupPref]);

  // The drawn lines get distinct colours while the palette lasts.
  const ids = result.lines.map((l) => l.id).join("\n");
  useEffect(() => {
    if (ids) spreadColors(e, p, ids.split("\n"));
  }, [ids, e, p]);
  return result;
}
