// The runs table's header: select-all, the eye column, then a sortable cell per
// drawn column (the arrow shows the user's sort; grouped, the order starts with
// the group), with spacers for the columns outside the window.

import type { Column, Header } from "@tanstack/react-table";
import type { Run } from "../api/endpoints";
import type { RunColumn } from "./columns";
import type { ColumnWindow } from "./RunsTable";
import { EyeIcon } from "./rows";
import "./TableHeader.css";

function HeaderCell({
  h,
  sortKey,
  desc,
  onSort,
  pinStyle,
}: {
  h: Header<Run, unknown>;
  sortKey: string;
  desc: boolean;
  onSort: (key: string) => void;
  pinStyle: (c: Column<Run>) => React.CSSProperties;
}) {
  const c = h.column.columnDef as RunColumn;
  const m = c.meta;
  const active = m.sortKey !== null && m.sortKey === sortKey;
  const pin = h.column.getIsPinned() === "left";
  const cls = `rt-cell rt-h rt-${m.group}${active ? " sorted" : ""}${m.sortKey ? " sortable" : ""}${pin ? " rt-pin rt-pin-last" : ""}`;
  const content = (
    <>
      {m.group !== "run" && <span className={`col-kind k-${m.group}`}>{KIND[m.group]}</span>}
      {/* A min/max column's badge says which; its label is the metric's name alone. */}
      <span className="col-label">{m.group === "min" || m.group === "max" ? c.id.slice(4) : m.label}</span>
      {active && <span className="sort-arrow">{desc ? "▼" : "▲"}</span>}
    </>
  );
  const sortBy = m.sortKey;
  return (
    <div
      className={cls}
      style={pinStyle(h.column)}
      title={sortBy ? `${m.label} — click to sort` : m.label}
      data-col={c.id}
      role="columnheader"
      aria-sort={active ? (desc ? "descending" : "ascending") : undefined}
    >
      {sortBy ? (
        // A button, so Tab reaches every sortable header and Enter or Space sorts.
        <button type="button" className="rt-sort" onClick={() => onSort(sortBy)}>
          {content}
        </button>
      ) : (
        content
      )}
    </div>
  );
}

const KIND: Record<string, string> = { config: "c", summary: "s", min: "min", max: "max" };

export function TableHeader({
  pinned,
  center,
  win,
  sort,
  allSelected,
  onSelectAll,
  onSort,
  pinStyle,
}: {
  pinned: Header<Run, unknown>[];
  /** The unpinned headers in the window. */
  center: Header<Run, unknown>[];
  win: ColumnWindow;
  sort: string;
  allSelected: boolean;
  onSelectAll: (on: boolean) => void;
  onSort: (key: string) => void;
  pinStyle: (c: Column<Run>) => React.CSSProperties;
}) {
  const userSort = sort.split(",").pop() ?? "";
  const cell = (h: Header<Run, unknown>) => (
    <HeaderCell
      key={h.id}
      h={h}
      sortKey={userSort.replace(/^[-+]/, "")}
      desc={userSort.startsWith("-")}
      onSort={onSort}
      pinStyle={pinStyle}
    />
  );
  return (
    <div className="rt-header" style={{ width: win.width }}>
      <div className="rt-cell rt-fixed rt-pin" style={{ left: 0 }}>
        <input
          type="checkbox"
          title="Select all loaded runs"
          checked={allSelected}
          onChange={(e) => onSelectAll(e.target.checked)}
        />
      </div>
      <div className="rt-cell rt-eye rt-pin" style={{ left: 28 }} title="Shown on charts">
        <EyeIcon />
      </div>
      {pinned.map(cell)}
      <div className="rt-pad" style={{ width: win.padLeft }} />
      {center.map(cell)}
      <div className="rt-pad" style={{ width: win.padRight }} />
    </div>
  );
}
