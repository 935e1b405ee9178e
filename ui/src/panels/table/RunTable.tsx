// One run's logged table, a page at a time: the server sorts, searches, filters
// and pages (a 100,000-row table never comes to the browser whole); TanStack
// Table lays out the columns and TanStack Virtual draws only the rows on screen.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { api, type TablePage, type TableQuery } from "../../api/endpoints";
import { keys } from "../../data/keys";
import { Cell, THUMB_H } from "./cells";

export const PAGE_ROWS = 200;
const ROW_H = 28;

type Row = unknown[];
// One empty array for "no page yet": a new [] each render is new data to TanStack
// Table, whose page-index reset then re-renders the table in a loop until the page
// comes, a loop that never yields when a click started it (the page froze).
const NO_ROWS: Row[] = [];

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function Pager({ page, offset, setOffset }: { page?: TablePage; offset: number; setOffset: (o: number) => void }) {
  const total = page?.total ?? 0;
  const last = Math.max(0, Math.floor((total - 1) / PAGE_ROWS) * PAGE_ROWS);
  const shown = total
    ? `${(offset + 1).toLocaleString()}–${Math.min(offset + PAGE_ROWS, total).toLocaleString()}`
    : "0";
  return (
    <div className="table-pager">
      <button data-page="first" disabled={offset === 0} onClick={() => setOffset(0)}>
        «
      </button>
      <button data-page="prev" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_ROWS))}>
        ‹
      </button>
      <span className="pager-text">
        {shown} of {total.toLocaleString()}
        {page && total !== page.nrows ? ` (of ${page.nrows.toLocaleString()} rows)` : ""}
      </span>
      <button data-page="next" disabled={offset >= last} onClick={() => setOffset(offset + PAGE_ROWS)}>
        ›
      </button>
      <button data-page="last" disabled={offset >= last} onClick={() => setOffset(last)}>
        »
      </button>
    </div>
  );
}

function useColumns(page: TablePage | undefined): ColumnDef<Row>[] {
  const names = page?.columns.map((c) => `${c.name}\u0000${c.kind}`).join("\u0001") ?? "";
  return useMemo(
    () =>
      (page?.columns ?? []).map((c, i) => ({
        id: c.name,
        header: c.name,
        accessorFn: (r: Row) => r[i],
        cell: (ctx) => <Cell value={ctx.getValue()} />,
        meta: { kind: c.kind },
      })),
    // The columns change only when their names or kinds do, not with every page.
    [names],
  );
}

export function RunTable({
  entity,
  project,
  runId,
  tableKey,
  visible,
}: {
  entity: string;
  project: string;
  runId: string;
  tableKey: string;
  visible: boolean;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [search, setSearch] = useState("");
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [offset, setOffset] = useState(0);
  const [step, setStep] = useState<number | undefined>(undefined);
  // Each debounced on its own: one object made here would be new every render,
  // and the debounce would re-render the table every 250 ms for ever.
  const typedSearch = useDebounced(search, 250);
  const typedFilters = useDebounced(filters, 250);
  const sort = sorting[0];
  const q: TableQuery = {
    key: tableKey,
    step,
    sort: sort?.id,
    desc: sort?.desc,
    search: typedSearch,
    filters: typedFilters,
    offset,
    limit: PAGE_ROWS,
  };
  const res = useQuery({
    queryKey: keys.table(entity, project, runId, q),
    queryFn: ({ signal }) => api.table(entity, project, runId, q, { signal }),
    enabled: visible,
    placeholderData: keepPreviousData,
  });
  // A new sort, search or step starts at the first page.
  useEffect(() => {
    setOffset(0);
  }, [sort?.id, sort?.desc, typedSearch, typedFilters, step]);
  const page = res.data;
  const columns = useColumns(page);
  const table = useReactTable({
    data: page?.rows ?? NO_ROWS,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    // The server sorts and pages: the table must not reset a page index of its own.
    manualSorting: true,
    manualPagination: true,
    autoResetAll: false,
    enableMultiSort: false,
    sortDescFirst: false,
    getCoreRowModel: getCoreRowModel(),
  });
  const images = page?.columns.some((c) => c.kind === "image") ?? false;
  const rowH = images ? THUMB_H + 8 : ROW_H;
  const scroller = useRef<HTMLDivElement>(null);
  const rows = table.getRowModel().rows;
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowH,
    overscan: 8,
  });
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [page]);
  const items = v.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = v.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  const state = res.error ? "error" : !page || res.isPlaceholderData ? "loading" : "drawn";
  return (
    <div className="run-table" data-state={state} data-total={page?.total ?? ""} data-offset={page?.offset ?? ""}>
      <div className="table-tools">
        <input
          className="table-search"
          type="search"
          placeholder="Search cells…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {page && page.steps.length > 1 && (
          <label>
            Step{" "}
            <select className="table-step" value={step ?? page.step} onChange={(e) => setStep(Number(e.target.value))}>
              {page.steps.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
        <Pager page={page} offset={offset} setOffset={setOffset} />
      </div>
      {res.error && <div className="panel-status error">{res.error.message}</div>}
      <div className="table-scroll" ref={scroller}>
        <table className="logged-table">
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                <th className="row-num">#</th>
                {hg.headers.map((h) => (
                  <th
                    key={h.id}
                    data-col={h.column.id}
                    aria-sort={
                      h.column.getIsSorted() ? (h.column.getIsSorted() === "desc" ? "descending" : "ascending") : "none"
                    }
                  >
                    <button className="th-sort" onClick={h.column.getToggleSortingHandler()}>
                      {h.column.id}
                      <span className="sort-mark">
                        {{ asc: " ▲", desc: " ▼" }[h.column.getIsSorted() as string] ?? ""}
                      </span>
                    </button>
                    <input
                      className="col-filter"
                      placeholder="filter"
                      value={filters[h.column.id] ?? ""}
                      onChange={(e) => setFilters((f) => ({ ...f, [h.column.id]: e.target.value }))}
                    />
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 && <tr style={{ height: padTop }} />}
            {items.map((it) => {
              const row = rows[it.index];
              return (
                <tr key={row.id} style={{ height: rowH }} data-index={page?.index[it.index]}>
                  <td className="row-num">{page?.index[it.index]}</td>
                  {row.getVisibleCells().map((c) => (
                    <td key={c.id}>{c.column.columnDef.cell && <Cell value={c.getValue()} />}</td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 && <tr style={{ height: padBottom }} />}
          </tbody>
        </table>
        {page && page.total === 0 && <div className="panel-empty">No rows match</div>}
      </div>
    </div>
  );
}
