// The corner a panel is resized by, W&B style: drag it and the panel snaps to
// whole grid cells (columns × rows), shown by an outline while dragging and kept
// in the layout on release. The size menu in the panel's bar stays the keyboard's
// way to do the same.

import { useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import { MAX_H, MAX_W, type PanelSize } from "./panelLayout";

interface Drag {
  x: number;
  y: number;
  cellW: number;
  cellH: number;
  gap: number;
}

/** Size in cells of a box ``px`` pixels wide/tall, one cell being ``cell`` pixels. */
export function snap(px: number, cell: number, max: number): number {
  return Math.max(1, Math.min(max, Math.round(px / cell)));
}

export function ResizeHandle({ size, onResize }: { size: PanelSize; onResize: (s: PanelSize) => void }) {
  const drag = useRef<Drag | null>(null);
  const [ghost, setGhost] = useState<PanelSize | null>(null);

  const target = (e: ReactPointerEvent): PanelSize | null => {
    const d = drag.current;
    if (!d) return null;
    const w = snap(d.cellW * size.w + e.clientX - d.x, d.cellW, MAX_W);
    const h = snap(d.cellH * size.h + e.clientY - d.y, d.cellH, MAX_H);
    return { w, h };
  };

  const down = (e: ReactPointerEvent<HTMLSpanElement>) => {
    const slot = e.currentTarget.parentElement;
    if (!slot || e.button !== 0) return;
    const box = slot.getBoundingClientRect();
    // A cell's width includes the grid's gap: the panel's own width spans (w - 1) of them.
    const gap = parseFloat(getComputedStyle(slot.parentElement ?? slot).columnGap) || 0;
    drag.current = {
      x: e.clientX,
      y: e.clientY,
      cellW: (box.width + gap) / size.w,
      cellH: (box.height + gap) / size.h,
      gap,
    };
    e.currentTarget.setPointerCapture(e.pointerId);
    e.preventDefault();
    setGhost(size);
  };

  const up = (e: ReactPointerEvent) => {
    const t = target(e);
    drag.current = null;
    setGhost(null);
    if (t && (t.w !== size.w || t.h !== size.h)) onResize(t);
  };

  const d = drag.current;
  return (
    <>
      {ghost && d && (
        <div
          className="ws-resize-ghost"
          data-w={ghost.w}
          data-h={ghost.h}
          style={{ width: ghost.w * d.cellW - d.gap, height: ghost.h * d.cellH - d.gap }}
        />
      )}
      <span
        className="ws-resize"
        title="Drag to resize the panel"
        aria-hidden="true"
        onPointerDown={down}
        onPointerMove={(e) => {
          const t = target(e);
          if (t && (t.w !== ghost?.w || t.h !== ghost?.h)) setGhost(t);
        }}
        onPointerUp={up}
        onPointerCancel={() => {
          drag.current = null;
          setGhost(null);
        }}
      />
    </>
  );
}
