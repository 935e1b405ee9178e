// Which lines the workspace's charts draw, fetched from the server (W&B's rule):
// the first "Runs drawn" runs of the current filter, search and sort, plus every
// run whose eye is on, less every run whose eye is off, whether or not its table
// row is loaded. Grouped: one line per drawn group, the mean of its first runs;
// grouped on several levels, one line per leaf group (config.opt=adam, then
// config.lr=0.01) of the drawn top-level groups, as the table nests them.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import { api, type Group, type Run, type RunQuery } from "../api/endpoints";
import { keys } from "../data/keys";
import type { GroupAgg } from "../lib/groupAgg";
import { colorOf, spreadColors, type Prefs } from "../data/prefs";
import { PAGE, runsPageQuery } from "../data/runs";
import type { PanelLine } from "../panels/registry";
import { groupKey, groupLabel, type RunColumn } from "./columns";
import { groupEyeOn, groupPath } from "./groupTree";
import { firstLines, MAX_LINES } from "./view";

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

/** A leaf group: its value at every level, where its runs start in the query's
 * runs, how many, and the ids of its first runs. */
interface Leaf {
  values: unknown[];
  offset: number;
  count: number;
  members: string[];
}

/** The leaf groups under the drawn top-level groups, in the table's order: each
 * level's subgroups come from /groups over the parent's runs (the query's filter
 * AND the parent's values), their offsets relative to the parent's first run. */
async function leafGroups(e: string, p: string, q: RunQuery, levels: RunColumn[], drawn: Group[]) {
  let leaves = drawn.map((g) => ({ values: [g.value ?? null], offset: g.offset, count: g.count }));
  const byKeys = levels.map((c) => c.meta.sortKey ?? c.id);
  for (let d = 1; d < levels.length; d++) {
    const order = q.order?.split(",").slice(d).join(",");
    const subs = await Promise.all(
      leaves.map((l) => {
        const conds = l.values.map((v, i) => ({ [byKeys[i]]: v }));
        const filters = { $and: q.filters ? [q.filters, ...conds] : conds };
        return api.groups(e, p, byKeys[d], { ...q, order, filters });
      }),
    );
    leaves = leaves
      .flatMap((l, i) =>
        subs[i].groups.map((g) => ({
          values: [...l.values, g.value ?? null],
          offset: l.offset + g.offset,
          count: g.count,
        })),
      )
      .slice(0, MAX_LINES);
  }
  return leaves;
}

async function groupMembers(e: string, p: string, q: RunQuery, levels: RunColumn[], drawn: Group[]): Promise<Leaf[]> {
  const leaves = await leafGroups(e, p, q, levels, drawn);
  const per = Math.max(5, Math.min(MAX_LINES, Math.floor(MAX_GROUP_RUNS / Math.max(1, leaves.length))));
  const pages = await Promise.all(leaves.map((l) => api.runs(e, p, q, l.offset, Math.max(1, Math.min(l.count, per)))));
  // A run logged between the requests can shift offsets: keep only this group's runs.
  return leaves.map((l, j) => ({
    ...l,
    members: pages[j].runs
      .filter((r) =>
        levels.every((c, i) => groupKey({ value: c.meta.value(r) ?? null }) === groupKey({ value: l.values[i] })),
      )
      .map((r) => r.id),
  }));
}

/** The leaf groups whose subgroup eyes (own and intermediate) are on; their top
 * groups are drawn already. */
export function shownLeaves<L extends { values: unknown[] }>(
  leaves: L[],
  levelIds: string[],
  groupEye: Readonly<Record<string, boolean>>,
): L[] {
  const on = (l: L, d: number) => d === 0 || groupEyeOn(groupEye, levelIds, l.values.slice(0, d + 1), 0, 0);
  return leaves.filter((l) => l.values.every((_, d) => on(l, d)));
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
  /** Every grouping level (the first is ``groupBy``): a line per leaf group. */
  levels?: RunColumn[];
  groups: Group[] | null;
  total: number | null;
  agg?: GroupAgg;
}): ChartLines {
  const { entity: e, project: p, query, maxRuns, prefs, groupBy, groups, total, agg } = args;
  const levels = useMemo(() => args.levels ?? (groupBy ? [groupBy] : []), [args.levels, groupBy]);
  const levelIds = levels.map((c) => c.id).join(",");
  const by = groupBy?.id ?? "";
  const eyeOn = useMemo(() => Object.keys(prefs.eye).filter((id) => prefs.eye[id]), [prefs.eye]);
  const drawnGroups = useMemo(() => {
    if (!groupBy || !groups) return [];
    return groups.filter((g, i) => groupEyeOn(prefs.groupEye, [by], [g.value ?? null], i, maxRuns)).slice(0, MAX_LINES);
  }, [groupBy, groups, prefs.groupEye, maxRuns, by]);

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
    queryKey: keys.lines(e, p, { mode: "groups", query, by: levelIds, groups: drawnGroups }),
    queryFn: () => groupMembers(e, p, query, levels, drawnGroups),
    enabled: !!groupBy && groups !== null,
    placeholderData: keepPreviousData,
  });

  const result = useMemo((): ChartLines => {
    if (!groupBy) {
      // While the extra runs load, the first N stay drawn.
      const d = (fetchFlat && flat.data) || (known ? { first: known, extra: [] } : undefined);
      if (!d) return { lines: [], ready: false, firstIds: null, text: "" };
      const runs = [...firstLines(d.first, prefs.eye), ...d.extra].slice(0, MAX_LINES);
      return {
        lines: runs.map((r) => ({ id: r.id, name: r.name || r.id, color: colorOf(e, p, r.id), config: r.config })),
        ready: fetchFlat ? !!flat.data && !flat.isPlaceholderData : !page0.isPlaceholderData,
        firstIds: new Set(d.first.map((r) => r.id)),
        text: `${runs.length} of ${total ?? "?"} visualised`,
      };
    }
    const leaves = grouped.data;
    const all = groups ?? [];
    if (!leaves) return { lines: [], ready: false, firstIds: null, text: `0 of ${all.length} groups visualised` };
    const lines: PanelLine[] = [];
    const ids = levels.map((c) => c.id);
    shownLeaves(leaves, ids, prefs.groupEye).forEach((l) => {
      const shown = l.members.filter((id) => prefs.eye[id] !== false);
      if (shown.length === 0) return;
      const of = shown.length < l.count ? ` of ${l.count}` : "";
      // The key the table's group row takes its dot's colour from.
      const k = `group:${groupPath(ids, l.values)}`;
      const label = l.values.map((v) => groupLabel({ value: v })).join(" · ");
      lines.push({
        id: k,
        name: `${label} (${shown.length}${of} run${l.count === 1 ? "" : "s"})`,
        color: colorOf(e, p, k),
        members: shown,
        agg,
      });
    });
    const s = all.length === 1 ? "" : "s";
    const leafText = levels.length > 1 ? `, ${lines.length} lines` : "";
    const text = `${levels.length > 1 ? drawnGroups.length : lines.length} of ${all.length} group${s} visualised${leafText}`;
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
    levels,
    agg,
  ]);

  // Every panel redraws when the lines change: a recomputation that gives the same
  // lines (prefs or a page refetched with equal runs) keeps the previous object.
  const kept = useRef(result);
  if (!sameChartLines(kept.current, result)) kept.current = result;
  const stable = kept.current;
  // The drawn lines get distinct colours while the palette lasts.
  const ids = stable.lines.map((l) => l.id).join("\n");
  useEffect(() => {
    if (ids) spreadColors(e, p, ids.split("\n"));
  }, [ids, e, p]);
  return stable;
}

const sameList = (a: string[] | undefined, b: string[] | undefined) =>
  a === b || (!!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]));

function sameLine(a: PanelLine, b: PanelLine): boolean {
  const sameAgg = a.agg === b.agg || (a.agg?.y === b.agg?.y && a.agg?.band === b.agg?.band);
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.color === b.color &&
    a.config === b.config &&
    sameAgg &&
    sameList(a.members, b.members)
  );
}

export function sameChartLines(a: ChartLines, b: ChartLines): boolean {
  const ids = (x: Set<string> | null) => (x ? [...x] : undefined);
  const firstIds = a.firstIds === b.firstIds || sameList(ids(a.firstIds), ids(b.firstIds));
  return (
    a.ready === b.ready &&
    a.text === b.text &&
    firstIds &&
    a.lines.length === b.lines.length &&
    a.lines.every((l, i) => sameLine(l, b.lines[i]))
  );
}
