// The runs table: TanStack Table for the columns (order, visibility, the pinned
// Name column) and TanStack Virtual for the rows, over server-side paging, so
// 10,000 runs cost the DOM only the rows on screen and sorting and filtering
// happen in SQL. Grouped, each group gets a header row that expands and
// collapses it, and its runs are paged from the group's offset.

import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { getCoreRowModel, useReactTable, type Column, type Table } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { api, type ColumnAgg, type Group, type Run, type RunQuery, type RunsPage } from "../api/endpoints";
import type { AggMode } from "../lib/groupAgg";
import { keys } from "../data/keys";
import { updatePrefs, type ColumnLayout } from "../data/prefs";
import { groupsQuery, PAGE, runsPageQuery } from "../data/runs";
import { columnTitle, groupLabel, orderedColumns, type RunColumn } from "./columns";
import { aggKey } from "./groupCells";
import { layoutTree, treeItemAt, type TreeGroup, type TreeItem } from "./groupTree";
import { GroupRow, RunRow, type RowActions } from "./rows";
import { moveColumn, pinColumn, tablePinning, type PinSide } from "./columnState";
import { TableHeader } from "./TableHeader";

export const ROW_H = 30;
/** Checkbox and eye columns: with Name they stay on the left when scrolling sideways. */
const PIN_CHECK = 28;
const PIN_EYE = 36;
const PIN_NAME = PIN_CHECK + PIN_EYE;

export type GroupAt = Pick<TreeGroup, "values" | "topIndex">;

export interface RowHooks {
  isVisible: (r: Run) => boolean;
  toggleVisible: (r: Run) => void;
  colorOf: (id: string) => string;
  setColor: (r: Run, color: string) => void;
  /** A group row's own eye, its runs drawn (its parents' eyes on too) and colour;
   * ``g`` is a tree node: its values down from the top level. */
  isGroupVisible: (g: GroupAt) => boolean;
  isGroupDrawn: (g: GroupAt) => boolean;
  toggleGroupVisible: (g: GroupAt) => void;
  groupColor: (g: GroupAt) => string;
  setGroupColor: (g: GroupAt, color: string) => void;
}

function useStable(runs: Run[]): Run[] {
  const last = useRef(runs);
  const same = last.current.length === runs.length && last.current.every((r, i) => r === runs[i]);
  if (!same) last.current = runs;
  return last.current;
}

export interface RunsTableProps {
  entity: string;
  project: string;
  query: RunQuery;
  all: RunColumn[];
  layout: ColumnLayout;
  /** Whether the user filters or searches (the empty table says so). */
  filtered?: boolean;
  /** The user's sort (the arrow); grouped, the query's order starts with the group key. */
  sort: string;
  onSort: (key: string) => void;
  groupBy: RunColumn | null;
  /** Every grouping level, the first being ``groupBy`` (nested groups below it). */
  levels?: RunColumn[];
  groups: Group[] | null;
  total: number | null;
  selected: Set<string>;
  onSelected: (s: Set<string>) => void;
  hooks: RowHooks;
  /** The aggregate group rows show of their runs' numbers. */
  agg?: AggMode;
  /** The baseline run's id ("": none) and how a row pins or unpins one. */
  base?: string;
  onBase?: (id: string) => void;
}

/** The baseline run, whatever the filter (it stays pinned while filtered out). */
function useBaseRun(entity: string, project: string, base: string): Run | null {
  const q = useQuery({
    queryKey: [...keys.project(entity, project), "baseRun", base],
    queryFn: ({ signal }) => api.runs(entity, project, { filters: { id: base } }, 0, 1, { signal }),
    enabled: !!base,
    staleTime: 5000,
  });
  return (base && q.data?.runs[0]) || null;
}

/** What each group row on screen shows in the drawn columns: the server's
 * aggregate of each over every run of the group. */
function useGroupAggs(
  entity: string,
  project: string,
  query: RunQuery,
  nodes: TreeGroup[],
  columns: string[],
  agg: AggMode,
) {
  const results = useQueries({
    queries: nodes.map((n) => {
      const sub = { ...query, filters: { $and: query.filters ? [query.filters, ...n.conds] : n.conds } };
      return {
        queryKey: [...keys.project(entity, project), "groupAggs", sub, columns, agg],
        queryFn: ({ signal }: { signal: AbortSignal }) => api.groupAggs(entity, project, columns, agg, sub, { signal }),
        enabled: columns.length > 0,
        staleTime: 5000,
      };
    }),
  });
  const byKey = new Map<string, Map<string, ColumnAgg>>();
  nodes.forEach((n, i) => {
    const d = results[i].data;
    if (d) byKey.set(n.key, new Map(d.columns.map((c) => [c.key, c])));
  });
  return byKey;
}

/** The runs of the pages the rows on screen need, fetched a page (100 rows) at a time. */
function useRunPages(entity: string, project: string, query: RunQuery, flats: number[]) {
  const pages = [...new Set(flats.map((f) => Math.floor(f / PAGE)))];
  const results = useQueries({ queries: pages.map((p) => runsPageQuery(entity, project, query, p)) });
  const byPage = new Map<number, RunsPage>();
  pages.forEach((p, i) => results[i].data && byPage.set(p, results[i].data!));
  return (flat: number): Run | undefined => byPage.get(Math.floor(flat / PAGE))?.runs[flat % PAGE];
}

/** TanStack Table over the rows on screen: column order, visibility and the pinned Name. */
function useRunTable(all: RunColumn[], layout: ColumnLayout, rows: Run[]) {
  const columnOrder = useMemo(() => orderedColumns(all, layout).map((c) => c.id), [all, layout]);
  const columnVisibility = useMemo(
    () => Object.fromEntries(layout.hidden.filter((id) => id !== "name").map((id) => [id, false])),
    [layout],
  );
  // Memoised: a new object each render would make the table recompute its columns.
  const columnPinning = useMemo(() => tablePinning(layout), [layout]);
  return useReactTable({
    // The data must keep its identity while the rows stay the same.
    data: useStable(rows),
    columns: all,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.id,
    state: { columnOrder, columnVisibility, columnPinning },
    manualSorting: true,
    manualPagination: true,
    autoResetAll: false,
  });
}

/** The columns drawn: the pinned ones and, of the others, those in view (plus a
 * few either side); spacers stand in for the rest, so a table of hundreds of
 * config columns costs the DOM only the columns on screen. */
export interface ColumnWindow {
  first: number; // index of the first drawn unpinned column
  last: number; // ...and the last (-1: none)
  padLeft: number;
  padRight: number;
  width: number; // of the whole table
}

function useColumnWindow(table: Table<Run>, scroller: React.RefObject<HTMLDivElement | null>): ColumnWindow {
  const left = table.getLeftVisibleLeafColumns();
  const center = table.getCenterVisibleLeafColumns();
  const leftWidth = left.reduce((a, c) => a + c.getSize(), 0);
  const rightWidth = table.getRightVisibleLeafColumns().reduce((a, c) => a + c.getSize(), 0);
  const offsets = useMemo(() => {
    const out = [0];
    for (const c of center) out.push(out[out.length - 1] + c.getSize());
    return out;
  }, [center]);
  const hv = useVirtualizer({
    horizontal: true,
    count: center.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => center[i]?.getSize() ?? 100,
    overscan: 6,
    scrollMargin: PIN_NAME + leftWidth,
    initialRect: { width: typeof window === "undefined" ? 1400 : window.innerWidth, height: 400 },
  });
  useEffect(() => hv.measure(), [offsets, hv]);
  const v = hv.getVirtualItems();
  const first = v.length ? v[0].index : 0;
  const last = v.length ? v[v.length - 1].index : -1;
  const total = offsets[center.length];
  return useMemo(
    () => ({
      first,
      last,
      padLeft: offsets[first] ?? 0,
      padRight: total - (offsets[last + 1] ?? total),
      width: PIN_NAME + leftWidth + total + rightWidth,
    }),
    [first, last, offsets, total, leftWidth, rightWidth],
  );
}

/** Row handlers with a stable identity (rows are memoised) that act on the latest state. */
function useRowActions(
  hooks: RowHooks,
  selected: Set<string>,
  onSelected: (s: Set<string>) => void,
  onBase: (id: string) => void,
): RowActions {
  const latest = useRef({ hooks, selected, onSelected, onBase });
  latest.current = { hooks, selected, onSelected, onBase };
  return useMemo(
    (): RowActions => ({
      toggleVisible: (r) => latest.current.hooks.toggleVisible(r),
      setColor: (r, c) => latest.current.hooks.setColor(r, c),
      select: (r, on) => {
        const n = new Set(latest.current.selected);
        if (on) n.add(r.id);
        else n.delete(r.id);
        latest.current.onSelected(n);
      },
      setBase: (r) => latest.current.onBase(r ? r.id : ""),
    }),
    [],
  );
}

const pinStyle = (c: Column<Run>): React.CSSProperties => {
  const side = c.getIsPinned();
  if (side === "left") return { width: c.getSize(), left: PIN_NAME + c.getStart("left") };
  if (side === "right") return { width: c.getSize(), right: c.getAfter("right") };
  return { width: c.getSize() };
};

/** The subgroups of the expanded groups above the last level, by group key
 * (each over its parent's runs: the query's filter AND the parent's values). */
function useSubgroups(entity: string, project: string, query: RunQuery, levels: RunColumn[], open: TreeGroup[]) {
  const need = open.filter((n) => n.depth + 1 < levels.length);
  const results = useQueries({
    queries: need.map((n) => {
      const conds = query.filters ? [query.filters, ...n.conds] : n.conds;
      const by = levels[n.depth + 1].meta.sortKey ?? "";
      // Inside the parent, the order less the parent levels' keys (the same order there).
      const order = query.order
        ?.split(",")
        .slice(n.depth + 1)
        .join(",");
      return { ...groupsQuery(entity, project, by, { ...query, order, filters: { $and: conds } }), staleTime: 5000 };
    }),
  });
  const byKey = new Map<string, Group[]>();
  need.forEach((n, i) => results[i].data && byKey.set(n.key, results[i].data!.groups));
  return (n: TreeGroup) => byKey.get(n.key);
}

function toggled(set: Set<string>, key: string): Set<string> {
  const n = new Set(set);
  if (n.has(key)) n.delete(key);
  else n.add(key);
  return n;
}

export function RunsTable(props: RunsTableProps) {
  const { entity, project, query, groupBy, groups, total, selected, hooks } = props;
  const qc = useQueryClient();
  const scroller = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  // The expanded groups' nodes (their filters), for fetching their subgroups.
  const [openNodes, setOpenNodes] = useState<Map<string, TreeGroup>>(new Map());
  const [userSized, setUserSized] = useState(false);
  const grouped = groupBy !== null;
  const levels = useMemo(() => props.levels ?? (groupBy ? [groupBy] : []), [props.levels, groupBy]);
  const byKeys = useMemo(() => levels.map((c) => c.meta.sortKey ?? c.id), [levels]);
  const childrenOf = useSubgroups(entity, project, query, levels, [...openNodes.values()]);
  const tree = layoutTree(groups ?? [], expanded, byKeys, childrenOf);
  const count = grouped ? (groups ? tree.rows : 0) : (total ?? 0);
  const toggle = (n: TreeGroup) => {
    setExpanded((s) => toggled(s, n.key));
    setOpenNodes((m) => {
      const next = new Map(m);
      if (next.has(n.key)) next.delete(n.key);
      else next.set(n.key, n);
      return next;
    });
  };

  const queryText = JSON.stringify(query);
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [queryText]);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_H,
    overscan: 10,
    // Rows on the first render, before the table is measured.
    initialRect: { width: 1400, height: 360 },
  });
  const items = virtualizer.getVirtualItems().map((v) => ({
    index: v.index,
    item: grouped ? treeItemAt(v.index, tree) : ({ flat: v.index, depth: -1 } as TreeItem),
  }));
  const flats = items.flatMap(({ item }) => (item && "flat" in item ? [item.flat] : []));
  const runAt = useRunPages(entity, project, query, flats);
  const baseRun = useBaseRun(entity, project, props.base ?? "");
  const shown = flats.map(runAt).filter((r): r is Run => r !== undefined);
  const table = useRunTable(
    props.all,
    props.layout,
    baseRun && !shown.some((r) => r.id === baseRun.id) ? [baseRun, ...shown] : shown,
  );
  const actions = useRowActions(hooks, selected, props.onSelected, props.onBase ?? (() => {}));
  const win = useColumnWindow(table, scroller);
  const aggCols = [
    ...table.getLeftVisibleLeafColumns(),
    ...table.getCenterVisibleLeafColumns().slice(win.first, win.last + 1),
    ...table.getRightVisibleLeafColumns(),
  ]
    .map((c) => aggKey(c.columnDef as RunColumn))
    .filter((k): k is string => k !== null)
    .sort();
  const groupAggs = useGroupAggs(
    entity,
    project,
    query,
    items.flatMap(({ item }) => (item && "node" in item ? [item.node] : [])),
    aggCols,
    props.agg ?? "mean",
  );
  const width = win.width;
  const setLayout = (fn: (l: ColumnLayout) => ColumnLayout) =>
    updatePrefs(entity, project, (p) => ({ ...p, layout: fn(p.layout) }));

  const loadedRuns = (): Run[] =>
    qc.getQueriesData<RunsPage>({ queryKey: keys.runsPages(entity, project, query) }).flatMap(([, d]) => d?.runs ?? []);
  const loaded = grouped ? groups !== null : total !== null;
  const ready = loaded && flats.every((f) => runAt(f) !== undefined);
  const height = Math.max(140, Math.min(360, (count + 1 + (baseRun ? 1 : 0)) * ROW_H + 18));

  return (
    <div className="runs-table" data-ready={ready ? "true" : "false"}>
      <div
        ref={scroller}
        className="rt-scroll"
        style={userSized ? undefined : { height }}
        onMouseDown={(e) => {
          // The table is resizable (CSS resize); once the user drags it, keep their height.
          const r = e.currentTarget.getBoundingClientRect();
          if (e.clientY > r.bottom - 16 && e.clientX > r.right - 16) setUserSized(true);
        }}
      >
        <TableHeader
          pinned={table.getLeftHeaderGroups()[0]?.headers ?? []}
          right={table.getRightHeaderGroups()[0]?.headers ?? []}
          onPin={(id: string, side: PinSide | null) => setLayout((l) => pinColumn(l, id, side))}
          onMove={(from: string, to: string) =>
            setLayout((l) =>
              moveColumn(
                l,
                orderedColumns(props.all, l).map((c) => c.id),
                from,
                to,
              ),
            )
          }
          center={(table.getCenterHeaderGroups()[0]?.headers ?? []).slice(win.first, win.last + 1)}
          win={win}
          sort={props.sort}
          allSelected={selected.size > 0 && selected.size >= loadedRuns().length}
          onSelectAll={(on) => props.onSelected(new Set(on ? loadedRuns().map((r) => r.id) : []))}
          onSort={props.onSort}
          pinStyle={pinStyle}
        />
        {baseRun && (
          <div className="rt-baseline" style={{ width }} data-baseline={baseRun.id}>
            <RunRow
              row={table.getRow(baseRun.id)}
              win={win}
              top={0}
              inGroup={false}
              selected={selected.has(baseRun.id)}
              visible={hooks.isVisible(baseRun)}
              color={hooks.colorOf(baseRun.id)}
              pinStyle={pinStyle}
              actions={actions}
              base={baseRun}
            />
          </div>
        )}
        <div className="rt-canvas" style={{ height: count * ROW_H, width }}>
          {loaded && count === 0 && (
            <div className="rt-empty">
              {props.filtered
                ? "No runs match the filters. Check each value against the suggestions in its box (a number and the same text quoted differ)."
                : "No runs in this project yet."}
            </div>
          )}
          {items.map(({ index, item }) => {
            const top = index * ROW_H;
            if (!item) return null;
            if ("node" in item) {
              const n = item.node;
              return (
                <GroupRow
                  key={`g:${n.key}`}
                  top={top}
                  group={n.group}
                  at={n}
                  depth={n.depth}
                  open={expanded.has(n.key)}
                  field={levels[n.depth] ? columnTitle(levels[n.depth]) : ""}
                  label={groupLabel(n.group)}
                  onToggle={() => toggle(n)}
                  hooks={hooks}
                  cols={{
                    left: table.getLeftVisibleLeafColumns(),
                    center: table.getCenterVisibleLeafColumns(),
                    right: table.getRightVisibleLeafColumns(),
                    win,
                    pinStyle,
                    aggs: groupAggs.get(n.key),
                    agg: props.agg ?? "mean",
                  }}
                />
              );
            }
            const r = runAt(item.flat);
            if (!r) {
              return (
                <div key={`l:${index}`} className="rt-row loading" style={{ top }}>
                  <div className="rt-cell">…</div>
                </div>
              );
            }
            return (
              <RunRow
                key={r.id}
                row={table.getRow(r.id)}
                win={win}
                top={top}
                inGroup={item.depth >= 0}
                selected={selected.has(r.id)}
                visible={hooks.isVisible(r)}
                color={hooks.colorOf(r.id)}
                pinStyle={pinStyle}
                actions={actions}
                base={baseRun}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
