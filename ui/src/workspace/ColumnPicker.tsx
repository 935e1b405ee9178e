// Show, hide and reorder table columns. The layout is kept per project in the
// browser, so it survives reloads like a W&B personal workspace.

import { useEffect, useRef, useState } from "react";
import type { ColumnLayout } from "../data/prefs";
import { orderedColumns, type RunColumn } from "./columns";

export function ColumnPicker({
  all,
  layout,
  onChange,
  onClose,
}: {
  all: RunColumn[];
  layout: ColumnLayout;
  onChange: (l: ColumnLayout) => void;
  onClose: () => void;
}) {
  const [q, setQ] = useState("");
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);
  const hidden = new Set(layout.hidden);
  const ordered = orderedColumns(all, layout);
  const match = (c: RunColumn) => !q || c.id.toLowerCase().includes(q.toLowerCase());

  const setAll = (show: boolean) => {
    const h = new Set(layout.hidden);
    for (const c of all) {
      if (c.id === "name" || !match(c)) continue;
      if (show) h.delete(c.id);
      else h.add(c.id);
    }
    onChange({ ...layout, hidden: [...h] });
  };
  const setShown = (id: string, show: boolean) => {
    const h = new Set(layout.hidden);
    if (show) h.delete(id);
    else h.add(id);
    onChange({ ...layout, hidden: [...h] });
  };
  const move = (id: string, delta: number) => {
    // Name is pinned first in the table; the others move around it.
    const order = ordered.map((c) => c.id).filter((c) => c !== "name");
    const i = order.indexOf(id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j], order[i]];
    onChange({ ...layout, order: ["name", ...order] });
  };

  return (
    <div className="popover column-picker" onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <div className="col-actions">
        <input
          ref={search}
          className="col-search"
          placeholder="Search columns"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button onClick={() => setAll(true)}>Show all</button>
        <button onClick={() => setAll(false)}>Hide all</button>
      </div>
      <div className="col-list">
        {ordered.filter(match).map((c) => (
          <div key={c.id} className="col-item" data-col={c.id}>
            <label>
              <input
                type="checkbox"
                checked={!hidden.has(c.id)}
                disabled={c.id === "name"}
                onChange={(e) => setShown(c.id, e.target.checked)}
              />
              <span className={`col-group g-${c.meta.group}`}>{c.meta.group}</span> {c.meta.label}
            </label>
            {c.id === "name" ? (
              <span className="col-pinned" title="Name is pinned on the left">
                pinned
              </span>
            ) : (
              <>
                <button className="icon up" title="Move left" onClick={() => move(c.id, -1)}>
                  ↑
                </button>
                <button className="icon down" title="Move right" onClick={() => move(c.id, 1)}>
                  ↓
                </button>
              </>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
