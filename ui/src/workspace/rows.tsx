// Pieces of the runs table's rows: the eye (drawn on charts or not) with the
// run's colour, and a group's header row.

import type { Group, Run } from "../api/endpoints";
import type { RowHooks } from "./RunsTable";

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

export function RunEye({ run, inGroup, hooks }: { run: Run; inGroup: boolean; hooks: RowHooks }) {
  const on = hooks.isVisible(run);
  const color = hooks.colorOf(run.id);
  const tip = inGroup
    ? on
      ? "Leave out of the group's line"
      : "Count in the group's line"
    : on
      ? "Hide from charts"
      : "Show on charts";
  return (
    <>
      <button className={`eye${on ? " on" : ""}`} title={tip} aria-pressed={on} onClick={() => hooks.toggleVisible(run)}>
        <Dot on={on} color={color} />
      </button>
      <input
        type="color"
        className="color-pick"
        value={color}
        title="Run colour"
        onChange={(e) => hooks.setColor(run, e.target.value)}
      />
    </>
  );
}

export function GroupRow({
  top,
  group,
  index,
  open,
  field,
  label,
  onToggle,
  hooks,
}: {
  top: number;
  group: Group;
  index: number;
  open: boolean;
  field: string;
  label: string;
  onToggle: () => void;
  hooks: RowHooks;
}) {
  const on = hooks.isGroupVisible(group, index);
  const color = hooks.groupColor(group);
  return (
    <div
      className={`rt-row rt-group${open ? " open" : ""}`}
      style={{ top }}
      data-group={JSON.stringify(group.value ?? null)}
      title={open ? "Collapse group" : "Expand group"}
      onClick={onToggle}
    >
      <div className="rt-cell rt-fixed rt-pin" style={{ left: 0 }} />
      <div className="rt-cell rt-eye rt-pin" style={{ left: 28 }}>
        <button
          className={`eye group-eye${on ? " on" : ""}`}
          title={on ? "Hide this group's line from charts" : "Show this group's line on charts"}
          aria-pressed={on}
          onClick={(e) => {
            e.stopPropagation();
            hooks.toggleGroupVisible(group, index);
          }}
        >
          <Dot on={on} color={color} />
        </button>
      </div>
      <div className="rt-cell rt-group-label rt-pin" style={{ left: 64 }}>
        <span className="caret group-caret">{open ? "▾" : "▸"}</span>
        <span className="group-field">{field}:</span>
        <span className="group-value">{label}</span>
        <span className="group-count">{`${group.count} run${group.count === 1 ? "" : "s"}`}</span>
      </div>
    </div>
  );
}
