// The runs table's rows: a run (checkbox, eye with the run's colour, cells) and a
// group's header.

import { flexRender, type Cell, type Column, type Row } from "@tanstack/react-table";
import { memo, useContext } from "react";
import type { ColumnAgg, Group, Run } from "../api/endpoints";
import { fmtValue } from "../lib/format";
import type { AggMode } from "../lib/groupAgg";
import { pressable } from "../lib/keyboard";
import { baseDelta } from "./baseline";
import type { RunColumn } from "./columns";
import { aggKey, groupCell } from "./groupCells";
import { HighlightContext } from "./highlight";
import type { ColumnWindow, GroupAt, RowHooks } from "./RunsTable";

export function EyeIcon() {
  return (
    <svg viewBox="0 0 24 24" className="eye-icon">
      <path
        fill="currentColor"
        d="M12 5C6.5 5 2.7 9.2 1.5 12c1.2 2.8 5 7 10.5 7s9.3-4.2 10.5-7C21.3 9.2 17.5 5 12 5zm0 11.5A4.5 4.5 0 1 1 12 7.5a4.5 4.5 0 0 1 0 9zm0-7a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z"
      />
    </svg>
  );
}

function Dot({ on, color }: { on: boolean; color: string }) {
  return <span className="dot" style={{ background: on ? color : "transparent", borderColor: color }} />;
}

/** What a run row does; stable across renders (it reads the page's latest state). */
export interface RowActions {
  toggleVisible: (r: Run) => void;
  setColor: (r: Run, color: string) => void;
  select: (r: Run, on: boolean) => void;
  /** Pin the run as the baseline (null: unpin). */
  setBase: (r: Run | null) => void;
}

interface RunRowProps {
  row: Row<Run>;
  /** Which columns are drawn. */
  win: ColumnWindow;
  top: number;
  inGroup: boolean;
  selected: boolean;
  visible: boolean;
  color: string;
  pinStyle: (c: Column<Run>) => React.CSSProperties;
  actions: RowActions;
  /** The baseline run (its numbers are what this row's deltas are from). */
  base: Run | null;
}

/** One run: checkbox, eye and colour, then its drawn cells. Re-rendered only when
 * what it shows changes, so a workspace update does not redraw every cell. */
export const RunRow = memo(
  function RunRow({ row, win, top, inGroup, selected, visible, color, pinStyle, actions, base }: RunRowProps) {
    const r = row.original;
    const isBase = base?.id === r.id;
    const marked = useContext(HighlightContext);
    const mark = marked ? (marked.has(r.id) ? " brushed" : " dimmed") : "";
    const tip = inGroup
      ? visible
        ? "Leave out of the group's line"
        : "Count in the group's line"
      : visible
        ? "Hide from charts"
        : "Show on charts";
    const cell = (c: Cell<Run, unknown>) => {
      const m = (c.column.columnDef as RunColumn).meta;
      const side = c.column.getIsPinned();
      const pin = side === "left" ? " rt-pin rt-pin-last" : side === "right" ? " rt-pin rt-pin-first" : "";
      const raw = m.value(r);
      const baseValue = base && base.id !== r.id && m.group !== "run" ? m.value(base) : undefined;
      const delta = base && baseValue !== undefined ? baseDelta(raw, baseValue) : null;
      const text = typeof raw === "object" && raw !== null ? undefined : fmtValue(raw) || undefined;
      return (
        <div
          key={c.id}
          className={`rt-cell rt-${m.group}${pin}${c.column.id === "name" ? " rt-name" : ""}`}
          style={pinStyle(c.column)}
          title={delta ? `${text}: ${delta.title} the baseline's ${fmtValue(baseValue)}` : text}
        >
          {c.column.id === "name" && (
            <button
              className={`pin-base${isBase ? " on" : ""}`}
              title={isBase ? "Unpin the baseline" : "Pin as the baseline: other rows show their difference from it"}
              aria-pressed={isBase}
              onClick={() => actions.setBase(isBase ? null : r)}
            >
              {isBase ? "★" : "☆"}
            </button>
          )}
          {flexRender(c.column.columnDef.cell, c.getContext())}
          {delta && <span className={`delta ${delta.dir}`}>{delta.text}</span>}
        </div>
      );
    };
    return (
      <div
        className={`rt-row${inGroup ? " in-group" : ""}${selected ? " selected" : ""}${isBase ? " rt-base" : ""}${mark}`}
        style={{ top }}
        data-run-id={r.id}
      >
        <div className="rt-cell rt-fixed rt-pin" style={{ left: 0 }}>
          <input type="checkbox" checked={selected} onChange={(e) => actions.select(r, e.target.checked)} />
        </div>
        <div className="rt-cell rt-eye rt-pin" style={{ left: 28 }}>
          <button
            className={`eye${visible ? " on" : ""}`}
            title={tip}
            aria-pressed={visible}
            onClick={() => actions.toggleVisible(r)}
          >
            <Dot on={visible} color={color} />
          </button>
          <input
            type="color"
            className="color-pick"
            value={color}
            title="Run colour"
            onChange={(e) => actions.setColor(r, e.target.value)}
          />
        </div>
        {row.getLeftVisibleCells().map(cell)}
        <div className="rt-pad" style={{ width: win.padLeft }} />
        {row
          .getCenterVisibleCells()
          .slice(win.first, win.last + 1)
          .map(cell)}
        <div className="rt-pad" style={{ width: win.padRight }} />
        {row.getRightVisibleCells().map(cell)}
      </div>
    );
  },
  (a, b) =>
    a.row.original === b.row.original &&
    a.win === b.win &&
    a.top === b.top &&
    a.inGroup === b.inGroup &&
    a.selected === b.selected &&
    a.visible === b.visible &&
    a.color === b.color &&
    a.base === b.base,
);

/** The columns a group row draws aggregates in (as a run row draws its cells). */
export interface GroupColumns {
  left: Column<Run>[];
  center: Column<Run>[];
  right: Column<Run>[];
  win: ColumnWindow;
  pinStyle: (c: Column<Run>) => React.CSSProperties;
  /** The server's aggregates of the group's runs by column sort key, once loaded. */
  aggs: Map<string, ColumnAgg> | undefined;
  agg: AggMode;
}

function aggCell(c: Column<Run>, g: GroupColumns) {
  const col = c.columnDef as RunColumn;
  const side = c.getIsPinned();
  const pin = side === "left" ? " rt-pin rt-pin-last" : side === "right" ? " rt-pin rt-pin-first" : "";
  const key = aggKey(col);
  const v = key && g.aggs ? groupCell(g.aggs.get(key), col, g.agg) : null;
  return (
    <div
      key={c.id}
      className={`rt-cell rt-group-agg rt-${col.meta.group}${pin}`}
      style={g.pinStyle(c)}
      title={v?.title}
      data-col={c.id}
    >
      {v?.text ?? ""}
    </div>
  );
}

export function GroupRow({
  top,
  cols,
  group,
  at,
  depth = 0,
  open,
  field,
  label,
  onToggle,
  hooks,
}: {
  top: number;
  group: Group;
  /** Where it is in the tree (its eye and colour are remembered by its values). */
  at: GroupAt;
  /** 0: a top group; more: a nested subgroup (a line of its own when a leaf). */
  depth?: number;
  open: boolean;
  field: string;
  label: string;
  onToggle: () => void;
  hooks: RowHooks;
  cols: GroupColumns;
}) {
  const on = hooks.isGroupVisible(at);
  // A subgroup whose parent is hidden keeps its own eye, drawn faint.
  const under = on && !hooks.isGroupDrawn(at);
  const color = hooks.groupColor(at);
  const what = depth ? "subgroup's line(s)" : "group's line";
  return (
    <div
      className={`rt-row rt-group${open ? " open" : ""}${depth ? " rt-subgroup" : ""}`}
      style={{ top }}
      data-depth={depth}
      data-group={JSON.stringify(group.value ?? null)}
      title={open ? "Collapse group" : "Expand group"}
      onClick={onToggle}
      {...pressable(onToggle)}
      aria-expanded={open}
    >
      <div className="rt-cell rt-fixed rt-pin" style={{ left: 0 }} />
      <div className="rt-cell rt-eye rt-pin" style={{ left: 28 }} onClick={(e) => e.stopPropagation()}>
        <button
          className={`eye group-eye${on ? " on" : ""}${under ? " under-hidden" : ""}`}
          title={
            under
              ? "Hidden with its parent group"
              : on
                ? `Hide this ${what} from charts`
                : `Show this ${what} on charts`
          }
          aria-pressed={on}
          onClick={() => hooks.toggleGroupVisible(at)}
        >
          <Dot on={on} color={color} />
        </button>
        <input
          type="color"
          className="color-pick"
          value={color}
          title="Group colour"
          onChange={(e) => hooks.setGroupColor(at, e.target.value)}
        />
      </div>
      <div
        className="rt-cell rt-group-label rt-pin rt-pin-last"
        style={{ ...cols.pinStyle(cols.left[0]), paddingLeft: 8 + 18 * depth }}
        title={`${field}: ${label} (${group.count} run${group.count === 1 ? "" : "s"})`}
      >
        <span className="caret group-caret">{open ? "▾" : "▸"}</span>
        <span className="group-field">{field}:</span>
        <span className="group-value">{label}</span>
        <span className="group-count">{`${group.count} run${group.count === 1 ? "" : "s"}`}</span>
      </div>
      {cols.left.slice(1).map((c) => aggCell(c, cols))}
      <div className="rt-pad" style={{ width: cols.win.padLeft }} />
      {cols.center.slice(cols.win.first, cols.win.last + 1).map((c) => aggCell(c, cols))}
      <div className="rt-pad" style={{ width: cols.win.padRight }} />
      {cols.right.map((c) => aggCell(c, cols))}
    </div>
  );
}
