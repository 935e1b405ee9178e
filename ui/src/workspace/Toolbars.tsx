// The workspace's two toolbars: over the table (search, grouping, columns,
// export, delete) and over the charts (x axis, smoothing, log y, runs drawn).

import { useEffect, useRef, useState, type ReactNode } from "react";
import { CompareButton } from "../compare/CompareButton";
import { updatePrefs, usePrefs } from "../data/prefs";
import { ColumnPicker } from "./ColumnPicker";
import { GroupAggControl } from "./GroupAggControl";
import { GroupLevels } from "./GroupLevels";
import { MoveAction } from "./MoveAction";
import { TagAction } from "./TagAction";
import { useServer } from "../team/session";
import { columnTitle, type RunColumn } from "./columns";
import { MAX_LINES, useShownAtOnce, type View } from "./view";
import { ViewsMenu } from "./ViewsMenu";

/** A value that follows ``value`` but commits edits after ``ms`` of quiet. */
function useDebounced<T>(value: T, commit: (v: T) => void, ms: number): [T, (v: T) => void] {
  const [local, setLocal] = useState(value);
  const [pending, setPending] = useState(false);
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => {
    if (!pending) setLocal(value);
  }, [value, pending]);
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => {
      setPending(false);
      commitRef.current(local);
    }, ms);
    return () => clearTimeout(t);
  }, [local, pending, ms]);
  return [local, (v: T) => (setLocal(v), setPending(true))];
}

export function SearchBox({
  value,
  onChange,
  className = "search",
  placeholder = "Search run names (regex)",
}: {
  value: string;
  onChange: (v: string) => void;
  className?: string;
  placeholder?: string;
}) {
  const [text, setText] = useDebounced(value, onChange, 250);
  return (
    <input
      className={className}
      type="search"
      placeholder={placeholder}
      value={text}
      onChange={(e) => setText(e.target.value)}
    />
  );
}

export function GroupSelect({
  all,
  value,
  onChange,
}: {
  all: RunColumn[];
  value: string;
  onChange: (v: string) => void;
}) {
  const opts = all.filter((c) => c.meta.sortKey && c.meta.group !== "min" && c.meta.group !== "max" && c.id !== "name");
  return (
    <select
      className="group-select"
      title="Group rows by a column"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">No grouping</option>
      {opts.map((c) => (
        <option key={c.id} value={c.id}>{`Group: ${columnTitle(c)}`}</option>
      ))}
      {value && !opts.some((c) => c.id === value) && <option value={value}>{`Group: ${value}`}</option>}
    </select>
  );
}

const X_BASE: [string, string][] = [
  ["_step", "Step"],
  ["_timestamp", "Wall time"],
  ["_runtime", "Relative time"],
];

export function XSelect({
  metrics,
  value,
  onChange,
}: {
  metrics: string[];
  value: string;
  onChange: (v: string) => void;
}) {
  const known = X_BASE.some(([v]) => v === value) || metrics.includes(value);
  return (
    <select className="x-select" value={value} onChange={(e) => onChange(e.target.value)}>
      {X_BASE.map(([v, l]) => (
        <option key={v} value={v}>
          {l}
        </option>
      ))}
      {metrics.map((m) => (
        <option key={m} value={m}>
          {m}
        </option>
      ))}
      {!known && <option value={value}>{value}</option>}
    </select>
  );
}

export function SmoothingInput({ value, onChange }: { value: number; onChange: (v: number) => void }) {
  const [v, setV] = useDebounced(value, onChange, 120);
  return (
    <label>
      Smoothing{" "}
      <input
        type="range"
        className="smoothing"
        min="0"
        max="0.99"
        step="0.01"
        value={v}
        onChange={(e) => setV(Number(e.target.value))}
      />
      <span className="smooth-val">{v.toFixed(2)}</span>
    </label>
  );
}

export function ChartToolbar({
  view,
  metrics,
  grouped,
  visText,
  setView,
  children,
}: {
  view: View;
  metrics: string[];
  grouped: boolean;
  visText: string;
  setView: (p: Partial<View>) => void;
  /** More controls (colour by). */
  children?: ReactNode;
}) {
  const [logY, setLogY] = useShownAtOnce(view.logY);
  return (
    <div className="chart-toolbar">
      <label>
        X axis <XSelect metrics={metrics} value={view.x} onChange={(x) => setView({ x })} />
      </label>
      <SmoothingInput value={view.smoothing} onChange={(smoothing) => setView({ smoothing })} />
      <label>
        <input
          type="checkbox"
          className="logy"
          checked={logY}
          onChange={(e) => setLogY(e.target.checked, (on) => setView({ logY: on }))}
        />{" "}
        Log y
      </label>
      <label title="How many runs (grouped: groups), from the top of the table, the charts draw by default">
        {grouped ? "Groups drawn " : "Runs drawn "}
        <input
          type="number"
          className="max-runs"
          min="1"
          max={MAX_LINES}
          value={view.maxRuns}
          onChange={(e) => setView({ maxRuns: Math.max(1, Math.min(MAX_LINES, Number(e.target.value) || 10)) })}
        />
      </label>
      {grouped && <GroupAggControl view={view} setView={setView} />}
      {children}
      <span className="vis-count">{visText}</span>
      <span className="hint">Drag to zoom · double-click to reset</span>
    </div>
  );
}

/** Over the table: search, grouping, columns, CSV export, delete. */
export function TableToolbar({
  entity,
  project,
  view,
  setView,
  all,
  csv,
  selected,
  onDelete,
  onMoved,
  savedViews = false,
}: {
  entity: string;
  project: string;
  view: View;
  setView: (p: Partial<View>) => void;
  all: RunColumn[];
  csv: string;
  selected: Set<string>;
  onDelete: () => void;
  /** After runs moved to another project (the selection is gone). */
  onMoved: () => void;
  /** Offer the saved views menu (the project's workspace, not a sweep's). */
  savedViews?: boolean;
}) {
  const [picker, setPicker] = useState(false);
  const prefs = usePrefs(entity, project);
  // A team server keeps shipped runs as rows, not folders: moving them is `runbase ui`'s.
  const team = useServer()?.team ?? false;
  return (
    <div className="toolbar">
      {savedViews && <ViewsMenu entity={entity} project={project} view={view} />}
      <SearchBox value={view.search} onChange={(search) => setView({ search })} />
      <GroupLevels all={all} value={view.group} onChange={(group) => setView({ group })} />
      <div className="popover-anchor">
        <button className="columns-btn" onClick={() => setPicker((v) => !v)}>
          Columns
        </button>
        {picker && (
          <ColumnPicker
            all={all}
            layout={prefs.layout}
            onChange={(layout) => updatePrefs(entity, project, (p) => ({ ...p, layout }))}
            onClose={() => setPicker(false)}
          />
        )}
      </div>
      <a
        className="button export-csv"
        href={csv}
        download={`${project}-runs.csv`}
        title="Download the matching rows as CSV"
      >
        Export CSV
      </a>
      <CompareButton entity={entity} project={project} selected={selected} />
      <TagAction entity={entity} project={project} selected={selected} />
      {!team && <MoveAction entity={entity} project={project} selected={selected} onMoved={onMoved} />}
      <button className="danger delete-runs" disabled={selected.size === 0} onClick={onDelete}>
        Delete
      </button>
      <span className="sel-count">{selected.size ? `${selected.size} selected` : ""}</span>
      <span className="live" title="Updates as runs log">
        ● live
      </span>
    </div>
  );
}
