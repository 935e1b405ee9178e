// The panel editor (a drawer with the kind's editor, changes applied as they
// are made) and the full-screen view of a panel. Both are <dialog>s, so Esc
// closes them and focus stays inside while open.

import { useEffect, useRef, type ReactNode } from "react";
import { panelKind, type PanelContext, type PanelSpec } from "../panels/registry";

function Modal({
  className,
  label,
  onClose,
  children,
}: {
  className: string;
  label: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal?.();
    return () => d.close?.();
  }, []);
  return (
    <dialog
      ref={ref}
      className={className}
      aria-label={label}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => e.target === ref.current && onClose()}
    >
      {children}
    </dialog>
  );
}

export function PanelEditorDrawer({
  spec,
  keys,
  onChange,
  onClose,
}: {
  spec: PanelSpec;
  keys: string[];
  onChange: (s: PanelSpec) => void;
  onClose: () => void;
}) {
  const kind = panelKind(spec.kind);
  const Editor = kind?.editor;
  return (
    <Modal className="panel-drawer" label="Edit panel" onClose={onClose}>
      <div className="drawer-head">
        <strong>{`Edit ${kind?.label ?? spec.kind}`}</strong>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
      <label className="editor-row">
        Title
        <input
          aria-label="Panel title"
          value={spec.title ?? ""}
          placeholder="(the metrics' names)"
          onChange={(e) => onChange({ ...spec, title: e.target.value || undefined })}
        />
      </label>
      {Editor ? (
        <Editor spec={spec} onChange={onChange} keys={keys} />
      ) : (
        <p className="muted">This panel has no other options.</p>
      )}
    </Modal>
  );
}

export function FullScreenPanel({
  spec,
  ctx,
  onSpecChange,
  onClose,
}: {
  spec: PanelSpec;
  ctx: PanelContext;
  /** A zoom here zooms the workspace's panels too. */
  onSpecChange: (s: PanelSpec) => void;
  onClose: () => void;
}) {
  const kind = panelKind(spec.kind);
  const height = Math.max(300, window.innerHeight - 260);
  return (
    <Modal className="panel-full" label="Full screen panel" onClose={onClose}>
      <div className="drawer-head">
        <strong>{spec.title ?? spec.keys.join(", ")}</strong>
        <button type="button" onClick={onClose} title="Close (Esc)">
          Close
        </button>
      </div>
      {kind && <kind.component spec={spec} ctx={ctx} visible height={height} onSpecChange={onSpecChange} />}
    </Modal>
  );
}
