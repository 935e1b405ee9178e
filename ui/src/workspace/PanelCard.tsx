// One panel of the arranged workspace: the kind's component under a small bar
// of actions (edit, duplicate, full screen, size, move, delete). The spec it
// draws is the stored one with the workspace's defaults filled in: an empty x
// axis, smoothing or log y follows the chart toolbar, and the zoom is the one
// shared by every panel on the same x axis.

import { memo, useLayoutEffect, useMemo, useState } from "react";
import { useOnScreen } from "../panels/PanelGrid";
import { panelKind, type PanelContext, type PanelSpec } from "../panels/registry";
import { sizeOf, type PanelSize } from "./panelLayout";
import { ResizeHandle } from "./ResizeHandle";
import { useIdleOnce } from "./whenIdle";

export interface Defaults {
  x: string;
  smoothing: number;
  logY: boolean;
}

export type Zoom = Record<string, [number, number] | null>;

export interface PanelActions {
  edit: (id: string) => void;
  duplicate: (id: string) => void;
  remove: (id: string) => void;
  fullScreen: (id: string) => void;
  move: (id: string, by: number) => void;
  moveTo: (id: string, sectionId: string) => void;
  resize: (id: string, size: PanelSize) => void;
  zoom: (x: string, range: [number, number] | null) => void;
  /** Drag and drop: panel ``id`` dropped on panel ``beforeId`` goes before it. */
  place: (id: string, beforeId: string) => void;
  /** A change the panel made itself (other than the zoom): kept in the layout. */
  update: (spec: PanelSpec) => void;
}

/** Sizes offered, in grid units (columns × rows). */
export const SIZES: [string, PanelSize][] = [
  ["Small", { w: 1, h: 1 }],
  ["Wide", { w: 2, h: 1 }],
  ["Full width", { w: 3, h: 1 }],
  ["Tall", { w: 1, h: 2 }],
  ["Large", { w: 2, h: 2 }],
  ["Huge", { w: 3, h: 2 }],
];

/** Plot height of a panel ``h`` rows tall: rows line up with their neighbours' head and legend. */
export const plotHeight = (h: number) => 240 * h + 76 * (h - 1);

/** ``spec`` as drawn: the workspace's defaults where it has none, the shared zoom. */
export function resolveSpec(spec: PanelSpec, d: Defaults, zoom: Zoom): PanelSpec {
  const x = spec.x || d.x;
  const o = spec.options as { smoothing?: number; logY?: boolean };
  const options = spec.kind === "line" ? { ...o, smoothing: o.smoothing ?? d.smoothing, logY: o.logY ?? d.logY } : o;
  return { ...spec, x, options, ranges: { ...spec.ranges, x: zoom[x] ?? null } };
}

function Tool({
  label,
  text,
  onClick,
  disabled,
  danger,
}: {
  label: string;
  text: string;
  onClick: () => void;
  disabled?: boolean;
  danger?: boolean;
}) {
  return (
    <button
      type="button"
      className={danger ? "danger" : undefined}
      title={label}
      aria-label={label}
      disabled={disabled}
      onClick={onClick}
    >
      {text}
    </button>
  );
}

/** The panel's actions, over its top right corner (shown on hover). */
function PanelBar({
  id,
  index,
  count,
  sectionId,
  sections,
  size,
  actions: a,
}: {
  id: string;
  index: number;
  count: number;
  sectionId: string;
  sections: { id: string; name: string }[];
  size: PanelSize;
  actions: PanelActions;
}) {
  const sizeName = SIZES.find(([, s]) => s.w === size.w && s.h === size.h)?.[0] ?? "Small";
  return (
    <div className="ws-panel-bar">
      <span
        className="ws-drag"
        draggable
        title="Drag to move the panel"
        aria-label="Drag panel"
        onDragStart={(e) => {
          e.dataTransfer.setData(DRAG_TYPE, id);
          e.dataTransfer.effectAllowed = "move";
        }}
      >
        ⠿
      </span>
      <Tool label="Edit panel" text="✎" onClick={() => a.edit(id)} />
      <Tool label="Full screen" text="⛶" onClick={() => a.fullScreen(id)} />
      <Tool label="Duplicate panel" text="⧉" onClick={() => a.duplicate(id)} />
      <Tool label="Move left" text="←" disabled={index === 0} onClick={() => a.move(id, -1)} />
      <Tool label="Move right" text="→" disabled={index === count - 1} onClick={() => a.move(id, 1)} />
      <select
        aria-label="Panel size"
        title="Panel size"
        value={sizeName}
        onChange={(e) => a.resize(id, SIZES.find(([n]) => n === e.target.value)![1])}
      >
        {SIZES.map(([n, s]) => (
          <option key={n} value={n}>{`${n} ${s.w}×${s.h}`}</option>
        ))}
      </select>
      <select
        aria-label="Move to section"
        title="Move to section"
        value={sectionId}
        onChange={(e) => a.moveTo(id, e.target.value)}
      >
        {sections.map((s) => (
          <option key={s.id} value={s.id}>{`↪ ${s.name}`}</option>
        ))}
      </select>
      <Tool label="Delete panel" text="✕" danger onClick={() => a.remove(id)} />
    </div>
  );
}

/** The drag's payload type: only panels are dropped on panels. */
export const DRAG_TYPE = "application/x-runbase-panel";

export const PanelCard = memo(function PanelCard({
  spec,
  index,
  count,
  sectionId,
  sections,
  defaults,
  zoom,
  ctx,
  actions,
}: {
  spec: PanelSpec;
  index: number;
  count: number;
  sectionId: string;
  sections: { id: string; name: string }[];
  defaults: Defaults;
  zoom: Zoom;
  ctx: PanelContext;
  actions: PanelActions;
}) {
  const [ref, visible] = useOnScreen();
  // The chart mounts once layout has said whether it is on screen (useOnScreen's
  // layout effect, which runs first), rather than render off screen and again on it.
  const [placed, setPlaced] = useState(false);
  useLayoutEffect(() => setPlaced(true), []);
  // The bar (shown on hover) is built once the browser is idle, or at once when the
  // pointer or the keyboard reaches the panel first: not with the first charts.
  const [reached, setReached] = useState(false);
  const bar = useIdleOnce() || reached;
  const kind = panelKind(spec.kind);
  const x = spec.x || defaults.x;
  const range = zoom[x] ?? null;
  const shown = useMemo(
    () => resolveSpec(spec, defaults, { [x]: range }),
    // eslint-style note: defaults is compared by its fields, not identity.
    [spec, defaults.x, defaults.smoothing, defaults.logY, x, range],
  );
  const myCtx = useMemo(() => ({ ...ctx, syncKey: `ws:${x}` }), [ctx, x]);
  const size = sizeOf(spec);
  const id = spec.id;
  return (
    <div
      ref={ref}
      className="panel-slot ws-slot"
      data-panel={id}
      style={{ gridColumn: `span ${size.w}` }}
      data-w={size.w}
      data-h={size.h}
      onPointerEnter={() => setReached(true)}
      onFocus={() => setReached(true)}
      onDragOver={(e) => e.dataTransfer.types.includes(DRAG_TYPE) && e.preventDefault()}
      onDrop={(e) => {
        const from = e.dataTransfer.getData(DRAG_TYPE);
        if (!from) return;
        e.preventDefault();
        e.stopPropagation();
        actions.place(from, id);
      }}
    >
      {bar && (
        <PanelBar
          id={id}
          index={index}
          count={count}
          sectionId={sectionId}
          sections={sections}
          size={size}
          actions={actions}
        />
      )}
      {!placed ? null : kind ? (
        <kind.component
          spec={shown}
          ctx={myCtx}
          visible={visible}
          height={plotHeight(size.h)}
          onSpecChange={(s) =>
            spec.kind === "line" ? actions.zoom(s.x, s.ranges?.x ?? null) : actions.update({ ...s, x: spec.x })
          }
        />
      ) : (
        <div className="panel">Unknown panel kind {spec.kind}</div>
      )}
      <ResizeHandle size={size} onResize={(s) => actions.resize(id, s)} />
    </div>
  );
});
