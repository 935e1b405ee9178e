// "Add panel": a menu of every registered panel kind, by its label. Picking one
// hands the page a new spec of that kind (the kind's ``create``, else a blank one).

import { useEffect, useRef, useState } from "react";
import { newSpec, panelKindList, type PanelSpec } from "./registry";

let seq = 0;
/** An id no other panel of this page has (time plus a counter: unique across reloads). */
export function newPanelId(): string {
  seq += 1;
  return `p${Date.now().toString(36)}${seq.toString(36)}`;
}

export function AddPanelMenu({ keys, onAdd }: { keys: string[]; onAdd: (spec: PanelSpec) => void }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", esc);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", esc);
    };
  }, [open]);
  return (
    <div className="add-panel" ref={box}>
      <button type="button" className="add-panel-button" aria-haspopup="menu" onClick={() => setOpen(!open)}>
        + Add panel
      </button>
      {open && (
        <div className="add-panel-menu" role="menu">
          {panelKindList().map((k) => (
            <button
              key={k.kind}
              type="button"
              role="menuitem"
              data-kind={k.kind}
              onClick={() => {
                setOpen(false);
                onAdd(newSpec(k.kind, newPanelId(), keys));
              }}
            >
              {k.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
