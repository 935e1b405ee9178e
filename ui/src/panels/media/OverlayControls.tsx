// The controls of image overlays: a toggle per class of each mask and box set,
// the masks' opacity and the boxes' score threshold.

import { useMemo } from "react";
import type { MediaFile } from "../../api/endpoints";
import type { OverlayState } from "./ImageView";
import { boxScore, classColor, classKey, cssColor, toggled } from "./logic";

export interface OverlayClass {
  key: string;
  what: "mask" | "box";
  set: string;
  id: number;
  label: string;
}

/** Every class of the files' masks and boxes, once per (mask|box, set, id), by set then id. */
export function overlayClasses(files: MediaFile[]): OverlayClass[] {
  const out = new Map<string, OverlayClass>();
  const add = (what: "mask" | "box", set: string, labels: Record<string, string>) => {
    for (const [id, label] of Object.entries(labels)) {
      const n = Number(id);
      if (!Number.isInteger(n) || (what === "mask" && n === 0)) continue; // mask class 0: the background
      const key = classKey(what, set, n);
      if (!out.has(key)) out.set(key, { key, what, set, id: n, label });
    }
  };
  for (const f of files) {
    for (const m of f.masks) add("mask", m.name, m.class_labels);
    for (const b of f.boxes) add("box", b.name, b.class_labels);
  }
  return [...out.values()].sort((a, b) => a.what.localeCompare(b.what) || a.set.localeCompare(b.set) || a.id - b.id);
}

export function OverlayControls({
  files,
  state,
  onChange,
}: {
  files: MediaFile[];
  state: OverlayState;
  onChange: (s: OverlayState) => void;
}) {
  const classes = useMemo(() => overlayClasses(files), [files]);
  const hasMasks = files.some((f) => f.masks.length > 0);
  const hasScores = files.some((f) => f.boxes.some((b) => b.box_data.some((d) => boxScore(d) !== null)));
  if (!classes.length && !hasMasks && !hasScores) return null;
  return (
    <div className="media-controls">
      {classes.map((c) => (
        <label key={c.key} className="media-class" data-class={c.key}>
          <input
            type="checkbox"
            checked={!state.hidden.has(c.key)}
            onChange={() => onChange({ ...state, hidden: toggled(state.hidden, c.key) })}
          />
          <span className="swatch" style={{ background: cssColor(classColor(c.id)) }} />
          {`${c.set}: ${c.label}`}
        </label>
      ))}
      {hasMasks && (
        <label className="media-range">
          Opacity
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={state.opacity}
            aria-label="mask opacity"
            onChange={(e) => onChange({ ...state, opacity: Number(e.target.value) })}
          />
        </label>
      )}
      {hasScores && (
        <label className="media-range">
          {`Score ≥ ${state.threshold.toFixed(2)}`}
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={state.threshold}
            aria-label="box score threshold"
            onChange={(e) => onChange({ ...state, threshold: Number(e.target.value) })}
          />
        </label>
      )}
    </div>
  );
}
