// The runs table's header: select-all, the eye column, then a sortable cell per
// drawn column (the arrow shows the user's sort; grouped, the order starts with
// the group), with spacers for the columns outside the window.

import type { Column, Header } from "@tanstack/react-table";
import { useState } from "react";
import type { Run } from "../api/endpoints";
import type { PinSide } from "./columnState";
import type { RunColumn } from "./columns";
import "./table.css";
import type { ColumnWindow } from "./RunsTable";
import { EyeIcon } from "./rows";
import "./TableHeader.css";

const DRAG_TYPE = "application/x-runbase-column";

/** The column's menu: pin it to either edge or unpin it. Fixed-positioned, since
 * the header cell clips what overflows it. */
function ColumnMenu({
  id,
  side,
  onPin,
}: {
  id: string;
  side: PinSide | false;
  onPin: (id: string, side: PinSide | null) => void;
}) {
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  const item = (label: string, to: PinSide | null, cls: string) => (
    <button
      className={`col-menu-item ${cls}`}
      onClick={(e) => {
        e.stopPropagation();
        setAt(null);
        onPin(id, to);
      }}
    >
      {label}
    </button>
  );
  return (
    <>
      <button
        className="col-menu-btn"
        title="Column options"
        aria-label="Column options"
        onClick={(e) => {
          e.stopPropagation();
          const r = e.currentTarget.getBoundingClientRect();
          setAt(at ? null : { x: r.left, y: r.bottom });
        }}
      >
        ⋮
      </button>
      {at && (
        <div className="col-menu" style={{ left: at.x, top: at.y }} onMouseLeave={() => setAt(null)}>
          {side !== "left" && item("Pin left", "left", "pin-left")}
          {side !== "right" && item("Pin right", "right", "pin-right")}
          {side && item("Unpin", null, "unpin")}
        </div>
      )}
    </>
  );
}

function HeaderCell({
  h,
  sortKey,
  desc,
  onSort,
  pinStyle,
  onPin,
  onMove,
}: {
  h: Header<Run, unknown>;
  sortKey: string;
  desc: boolean;
  onSort: (key: string) => void;
  pinStyle: (c: Column<Run>) => React.CSSProperties;
  onPin: (id: string, side: PinSide | null) => void;
  onMove: (from: string, to: string) => void;
}) {
  const c = h.column.columnDef as RunColumn;
  const m = c.meta;
  const active = m.sortKey !== null && m.sortKey === sortKey;
  const side = h.column.getIsPinned();
  const pin = side === "left" ? " rt-pin rt-pin-last" : side === "right" ? " rt-pin rt-pin-first" : "";
  const movable = c.id !== "name";
  const cls = `rt-cell rt-h rt-${m.group}${active ? " sorted" : ""}${m.sortKey ? " sortable" : ""}${pin}`;
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
      data-pinned={side || undefined}
      role="columnheader"
      aria-sort={active ? (desc ? "descending" : "ascending") : undefined}
      draggable={movable}
      onDragStart={(e) => e.dataTransfer.setData(DRAG_TYPE, c.id)}
      onDragOver={(e) => movable && e.dataTransfer.types.includes(DRAG_TYPE) && e.preventDefault()}
      onDrop={(e) => {
        const from = e.dataTransfer.getData(DRAG_TYPE);
        if (from) (e.preventDefault(), onMove(from, c.id));
      }}
    >
      {sortBy ? (
        // A button, so Tab reaches every sortable header and Enter or Space sorts.
        <button type="button" className="rt-sort" onClick={() => onSort(sortBy)}>
          {content}
        </button>
      ) : (
        content
      )}
      {movable && <ColumnMenu id={c.id} side={side} onPin={onPin} />}
    </div>
  );
}

const KIND: Record<string, string> = { config: "c", summary: "s", min: "min", max: "max" };

export function TableHeader({
  pinned,
  right,
  onPin,
  onMove,
  center,
  win,
  sort,
  allSelected,
  onSelectAll,
  onSort,
  pinStyle,
}: {
  pinned: Header<Run, unknown>[];
  /** The headers pinned to the right edge. */
  right: Header<Run, unknown>[];
  onPin: (id: string, side: PinSide | null) => void;
  onMove: (from: string, to: string) => void;
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
      onPin={onPin}
      onMove={onMove}
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
      {right.map(cell)}
    </div>
  );
}
