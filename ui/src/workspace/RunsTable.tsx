// The runs table: TanStack Table for the columns (order, visibility, the pinned
// Name column) and TanStack Virtual for the rows, over server-side paging, so
// 10,000 runs cost the DOM only the rows on screen and sorting and filtering
// happen in SQL. Grouped, each group gets a header row that expands and
// collapses it, and its runs are paged from the group's offset.

import { useQueries, useQueryClient } from "@tanstack/react-query";
import { getCoreRowModel, useReactTable, type Column } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Group, Run, RunQuery, RunsPage } from "../api/endpoints";
import { keys } from "../data/keys";
import type { ColumnLayout } from "../data/prefs";
import { PAGE, runsPageQuery } from "../data/runs";
import { columnTitle, groupKey, groupLabel, orderedColumns, type RunColumn } from "./columns";
import { EyeIcon, GroupRow, RunRow, type RowActions } from "./rows";

export const ROW_H = 30;
/** Checkbox and eye columns: with Name they stay on the left when scrolling sideways. */
const PIN_CHECK = 28;
const PIN_EYE = 36;
const PIN_NAME = PIN_CHECK + PIN_EYE;

export interface RowHooks {
  isVisible: (r: Run) => boolean;
  toggleVisible: (r: Run) => void;
  colorOf: (id: string) => string;
  setColor: (r: Run, color: string) => void;
  isGroupVisible: (g: Group, index: number) => boolean;
  toggleGroupVisible: (g: Group, index: number) => void;
  groupColor: (g: Group) => string;
}

/** A display row: a group's header, or the run at ``flat`` in the query's order. */
type Item = { group: Group; index: number } | { flat: number; inGroup: boolean };

function layoutGroups(groups: Group[], expanded: Set<string>): { starts: number[]; rows: number } {
  let i = 0;
  const starts = groups.map((g) => {
    const s = i;
    i += 1 + (expanded.has(groupKey(g)) ? g.count : 0);
    return s;
  });
  return { starts, rows: i };
}

function itemAt(i: number, groups: Group[] | null, starts: number[]): Item | null {
  if (!groups) return { flat: i, inGroup: false };
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  const g = groups[lo];
  if (!g) return null;
  const j = i - starts[lo];
  return j === 0 ? { group: g, index: lo } : { flat: g.offset + j - 1, inGroup: true };
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
  /** The user's sort (the arrow); grouped, the query's order starts with the group key. */
  sort: string;
  onSort: (key: string) => void;
  groupBy: RunColumn | null;
  groups: Group[] | null;
  total: number | null;
  selected: Set<string>;
  onSelected: (s: Set<string>) => void;
  hooks: RowHooks;
}

export function RunsTable(props: RunsTableProps) {
  const { entity, project, query, groupBy, groups, total, selected, hooks } = props;
  const qc = useQueryClient();
  const scroller = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [userSized, setUserSized] = useState(false);
  const grouped = groupBy !== null;
  const { starts, rows: groupRows } = useMemo(() => layoutGroups(groups ?? [], expanded), [groups, expanded]);
  const count = grouped ? (groups ? groupRows : 0) : (total ?? 0);

  const queryText = JSON.stringify(query);
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [queryText]);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_H,
    overscan: 10,
  });
  const virtual = virtualizer.getVirtualItems();
  const items = virtual.map((v) => ({ v, item: itemAt(v.index, grouped ? groups : null, starts) }));
  const pages = [...new Set(items.flatMap(({ item }) => (item && "flat" in item ? [Math.floor(item.flat / PAGE)] : [])))];
  const results = useQueries({ queries: pages.map((p) => runsPageQuery(entity, project, query, p)) });
  const byPage = new Map<number, RunsPage>();
  pages.forEach((p, i) => results[i].data && byPage.set(p, results[i].data!));
  const runAt = (flat: number) => byPage.get(Math.floor(flat / PAGE))?.runs[flat % PAGE];
  const fresh = items.flatMap(({ item }) => (item && "flat" in item && runAt(item.flat) ? [runAt(item.flat)!] : []));
  // The table's data must keep its identity while the rows stay the same.
  const inView = useStable(fresh);

  const columnOrder = useMemo(() => orderedColumns(props.all, props.layout).map((c) => c.id), [props.all, props.layout]);
  const columnVisibility = useMemo(
    () => Object.fromEntries(props.layout.hidden.filter((id) => id !== "name").map((id) => [id, false])),
    [props.layout],
  );
  const table = useReactTable({
    data: inView,
    columns: props.all,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.id,
    state: { columnOrder, columnVisibility, columnPinning: { left: ["name"] } },
    manualSorting: true,
    manualPagination: true,
    autoResetAll: false,
  });
  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const cols = table.getVisibleLeafColumns();
  // Rows are memoised: their handlers reach the latest state through refs.
  const latest = useRef({ hooks, selected, onSelected: props.onSelected });
  latest.current = { hooks, selected, onSelected: props.onSelected };
  const actions = useMemo(
    (): RowActions => ({
      toggleVisible: (r) => latest.current.hooks.toggleVisible(r),
      setColor: (r, c) => latest.current.hooks.setColor(r, c),
      select: (r, on) => {
        const n = new Set(latest.current.selected);
        if (on) n.add(r.id);
        else n.delete(r.id);
        latest.current.onSelected(n);
      },
    }),
    [],
  );
  const width = headers.reduce((a, h) => a + h.getSize(), 0) + PIN_NAME;

  const userSort = props.sort.split(",").pop() ?? "";
  const sortKey = userSort.replace(/^[-+]/, "");
  const pinStyle = useCallback(
    (c: Column<Run>) =>
      c.getIsPinned() === "left" ? { width: c.getSize(), left: PIN_NAME + c.getStart("left") } : { width: c.getSize() },
    [],
  );

  const loadedRuns = (): Run[] =>
    qc.getQueriesData<RunsPage>({ queryKey: keys.runsPages(entity, project, query) }).flatMap(([, d]) => d?.runs ?? []);
  const loaded = grouped ? groups !== null : total !== null;
  const ready = loaded && items.every(({ item }) => !item || "group" in item || runAt(item.flat) !== undefined);
  const height = Math.max(140, Math.min(360, (count + 1) * ROW_H + 18));

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
        <div className="rt-header" style={{ width }}>
          <div className="rt-cell rt-fixed rt-pin" style={{ left: 0 }}>
            <input
              type="checkbox"
              title="Select all loaded runs"
              checked={selected.size > 0 && selected.size >= loadedRuns().length}
              onChange={(e) => props.onSelected(new Set(e.target.checked ? loadedRuns().map((r) => r.id) : []))}
            />
          </div>
          <div className="rt-cell rt-eye rt-pin" style={{ left: PIN_CHECK }} title="Shown on charts">
            <EyeIcon />
          </div>
          {headers.map((h) => {
            const c = h.column.columnDef as RunColumn;
            const m = c.meta;
            const active = m.sortKey !== null && m.sortKey === sortKey;
            const pin = h.column.getIsPinned() === "left";
            return (
              <div
                key={h.id}
                className={`rt-cell rt-h rt-${m.group}${active ? " sorted" : ""}${m.sortKey ? " sortable" : ""}${pin ? " rt-pin rt-pin-last" : ""}`}
                style={pinStyle(h.column)}
                title={m.sortKey ? `${m.label} — click to sort` : m.label}
                data-col={c.id}
                onClick={() => m.sortKey && props.onSort(m.sortKey)}
              >
                {(m.group === "config" || m.group === "summary") && (
                  <span className="col-kind">{m.group === "config" ? "c" : "s"}</span>
                )}
                <span className="col-label">{m.label}</span>
                {active && <span className="sort-arrow">{userSort.startsWith("-") ? "▼" : "▲"}</span>}
              </div>
            );
          })}
        </div>
        <div className="rt-canvas" style={{ height: count * ROW_H, width }}>
          {loaded && count === 0 && <div className="rt-empty">No runs match.</div>}
          {items.map(({ v, item }) => {
            if (!item) return null;
            const top = v.index * ROW_H;
            if ("group" in item) {
              const label = groupBy ? columnTitle(groupBy) : "";
              const open = expanded.has(groupKey(item.group));
              const toggle = () =>
                setExpanded((s) => {
                  const n = new Set(s);
                  const k = groupKey(item.group);
                  if (n.has(k)) n.delete(k);
                  else n.add(k);
                  return n;
                });
              return (
                <GroupRow key={`g:${groupKey(item.group)}`} top={top} group={item.group} index={item.index} open={open}
                  field={label} label={groupLabel(item.group)} onToggle={toggle} hooks={hooks} />
              );
            }
            const r = runAt(item.flat);
            if (!r) {
              return (
                <div key={`l:${v.index}`} className="rt-row loading" style={{ top }}>
                  <div className="rt-cell">…</div>
                </div>
              );
            }
            return (
              <RunRow
                key={r.id}
                row={table.getRow(r.id)}
                cols={cols}
                top={top}
                inGroup={item.inGroup}
                selected={selected.has(r.id)}
                visible={hooks.isVisible(r)}
                color={hooks.colorOf(r.id)}
                pinStyle={pinStyle}
                actions={actions}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
