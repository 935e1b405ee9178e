// The runs table's header: select-all, the eye column, then a sortable cell per
// column (the arrow shows the user's sort; grouped, the order starts with the group).

import type { Column, Header } from "@tanstack/react-table";
import type { Run } from "../api/endpoints";
import type { RunColumn } from "./columns";
import { EyeIcon } from "./rows";

export function TableHeader({
  headers,
  sort,
  width,
  allSelected,
  onSelectAll,
  onSort,
  pinStyle,
}: {
  headers: Header<Run, unknown>[];
  sort: string;
  width: number;
  allSelected: boolean;
  onSelectAll: (on: boolean) => void;
  onSort: (key: string) => void;
  pinStyle: (c: Column<Run>) => React.CSSProperties;
}) {
  const userSort = sort.split(",").pop() ?? "";
  const sortKey = userSort.replace(/^[-+]/, "");
  return (
    <div className="rt-header" style={{ width }}>
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
      {headers.map((h) => {
        const c = h.column.columnDef as RunColumn;
        const m = c.meta;
        const active = m.sortKey !== null && m.sortKey === sortKey;
        const pin = h.column.getIsPinned() === "left";
        const cls = `rt-cell rt-h rt-${m.group}${active ? " sorted" : ""}${m.sortKey ? " sortable" : ""}${pin ? " rt-pin rt-pin-last" : ""}`;
        return (
          <div
            key={h.id}
            className={cls}
            style={pinStyle(h.column)}
            title={m.sortKey ? `${m.label} — click to sort` : m.label}
            data-col={c.id}
            onClick={() => m.sortKey && onSort(m.sortKey)}
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
  );
}
