// Which lines the workspace's charts draw, fetched from the server (W&B's rule):
// the first "Runs drawn" runs of the current filter, search and sort, plus every
// run whose eye is on, less every run whose eye is off, whether or not its table
// row is loaded. Grouped: one line per drawn group, the mean of its first runs.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { api, type Group, type Run, type RunQuery } from "../api/endpoints";
import { keys } from "../data/keys";
import type { GroupAgg } from "../lib/groupAgg";
import { colorOf, spreadColors, type Prefs } from "../data/prefs";
import { PAGE, runsPageQuery } from "../data/runs";
import type { PanelLine } from "../panels/registry";
import { groupKey, groupLabel, type RunColumn } from "./columns";
import { MAX_LINES } from "./view";

/** Runs fetched for all group lines together; each group's mean covers its first runs. */
const MAX_GROUP_RUNS = 200;

type Slim = Pick<Run, "id" | "name"> & { config?: Record<string, unknown> };

// The config rides along for the panels' legend templates (${config:lr}).
const slim = (r: Slim): Slim => ({ id: r.id, name: r.name, config: r.config });

/** The runs switched on beyond the first N (``known``, or fetched when N is more
 * than the table's first page holds). */
async function flatLines(e: string, p: string, q: RunQuery, n: number, known: Slim[] | null, eyeOn: string[]) {
  const first = known ?? (await api.runs(e, p, q, 0, n)).runs;
  const firstIds = new Set(first.map((r) => r.id));
  const extraIds = eyeOn.filter((id) => !firstIds.has(id)).slice(-MAX_LINES);
  let extra: Slim[] = [];
  if (extraIds.length) {
    // Only those the current filter and search still match, in the table's order.
    const byId = { id: { $in: extraIds } };
    const filters = q.filters ? { $and: [q.filters, byId] } : byId;
    extra = (await api.runs(e, p, { ...q, filters }, 0, extraIds.length)).runs;
  }
  return { first: first.map(slim), extra: extra.map(slim) };
}

async function groupMembers(e: string, p: string, q: RunQuery, col: RunColumn, drawn: Group[]) {
  const per = Math.max(5, Math.min(MAX_LINES, Math.floor(MAX_GROUP_RUNS / Math.max(1, drawn.length))));
  const pages = await Promise.all(drawn.map((g) => api.runs(e, p, q, g.offset, Math.max(1, Math.min(g.count, per)))));
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
  agg?: GroupAgg;
}): ChartLines {
  const { entity: e, project: p, query, maxRuns, prefs, groupBy, groups, total, agg } = args;
  const by = groupBy?.id ?? "";
  const groupPref = useMemo(() => (g: Group) => `${by}=${groupKey(g)}`, [by]);
  const eyeOn = useMemo(() => Object.keys(prefs.eye).filter((id) => prefs.eye[id]), [prefs.eye]);
  const drawnGroups = useMemo(() => {
    if (!groupBy || !groups) return [];
    return groups.filter((g, i) => prefs.groupEye[groupPref(g)] ?? i < maxRuns).slice(0, MAX_LINES);
  }, [groupBy, groups, prefs.groupEye, maxRuns, groupPref]);

  // Usually the first N runs are the table's first page (one request serves both),
  // and only runs switched on beyond them need a request of their own.
  const page0 = useQuery({ ...runsPageQuery(e, p, query, 0), enabled: !groupBy, placeholderData: keepPreviousData });
  const known = useMemo(
    () => (maxRuns <= PAGE && page0.data ? page0.data.runs.slice(0, maxRuns).map(slim) : null),
    [maxRuns, page0.data],
  );
  const extraOn = useMemo(() => {
    const firstIds = new Set((known ?? []).map((r) => r.id));
    return eyeOn.filter((id) => !firstIds.has(id));
  }, [known, eyeOn]);
  const fetchFlat = !groupBy && (maxRuns > PAGE || extraOn.length > 0);
  const flat = useQuery({
    queryKey: keys.lines(e, p, { mode: "runs", query, maxRuns, eyeOn: extraOn, known: known?.map((r) => r.id) }),
    queryFn: () => flatLines(e, p, query, maxRuns, maxRuns > PAGE ? null : known, extraOn),
    enabled: fetchFlat && (maxRuns > PAGE || known !== null),
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
      // While the extra runs load, the first N stay drawn.
      const d = (fetchFlat && flat.data) || (known ? { first: known, extra: [] } : undefined);
      if (!d) return { lines: [], ready: false, firstIds: null, text: "" };
      const runs = [...d.first.filter((r) => prefs.eye[r.id] !== false), ...d.extra].slice(0, MAX_LINES);
      return {
        lines: runs.map((r) => ({ id: r.id, name: r.name || r.id, color: colorOf(e, p, r.id), config: r.config })),
        ready: fetchFlat ? !!flat.data && !flat.isPlaceholderData : !page0.isPlaceholderData,
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
        agg,
      });
    });
    const s = all.length === 1 ? "" : "s";
    const text = `${lines.length} of ${all.length} group${s} visualised`;
    return { lines, ready: !grouped.isPlaceholderData, firstIds: null, text };
  }, [
    groupBy,
    fetchFlat,
    known,
    page0.isPlaceholderData,
    flat.data,
    flat.isPlaceholderData,
    grouped.data,
    grouped.isPlaceholderData,
    prefs,
    groups,
    drawnGroups,
    total,
    e,
    p,
    groupPref,
    agg,
  ]);

  // The drawn lines get distinct colours while the palette lasts.
  const ids = result.lines.map((l) => l.id).join("\n");
  useEffect(() => {
    if (ids) spreadColors(e, p, ids.split("\n"));
  }, [ids, e, p]);
  return result;
}
