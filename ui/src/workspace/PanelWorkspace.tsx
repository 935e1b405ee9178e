// The workspace's charts, arranged by the user (W&B's workspace): sections to
// add, rename, pin, collapse, reorder and delete; panels to add (any registered
// kind), edit, duplicate, resize, move, view full screen and delete; a search
// over panel titles and keys. The layout lives with the per-project prefs, so
// a saved view keeps it; until the first edit it is the automatic one.

import { useCallback, useMemo, useState } from "react";
import { AddPanelMenu, newPanelId } from "../panels/AddPanelMenu";
import type { PanelContext, PanelSpec } from "../panels/registry";
import { SearchBox } from "./Toolbars";
import { DRAG_TYPE, PanelCard, resolveSpec, type Defaults, type PanelActions, type Zoom } from "./PanelCard";
import { FullScreenPanel, PanelEditorDrawer } from "./PanelDialogs";
import * as L from "./panelLayout";
import { usePanelLayout } from "./usePanelLayout";
import "./panelWorkspace.css";

function SectionHead({
  section,
  shown,
  first,
  last,
  edit,
}: {
  section: L.LayoutSection;
  shown: number;
  first: boolean;
  last: boolean;
  edit: (fn: (l: L.PanelLayout) => L.PanelLayout) => void;
}) {
  const { id, name, pinned, collapsed } = section;
  const rename = () => {
    const n = prompt("Section name", name)?.trim();
    if (n) edit((l) => L.patchSection(l, id, { name: n }));
  };
  const remove = () => {
    const n = section.panels.length;
    if (n && !confirm(`Delete section "${name}" and its ${n} panel${n === 1 ? "" : "s"}?`)) return;
    edit((l) => L.deleteSection(l, id));
  };
  return (
    <div className="ws-section-head">
      <button
        type="button"
        className="section-head"
        aria-expanded={!collapsed}
        onClick={() => edit((l) => L.patchSection(l, id, { collapsed: !collapsed }))}
      >
        <span className="caret">▾</span>
        {pinned && <span className="ws-pin">pinned</span>}
        <span className="ws-section-name">{name}</span>
        <span className="count">{shown}</span>
      </button>
      <span className="ws-section-tools">
        <button type="button" title="Rename section" aria-label="Rename section" onClick={rename}>
          Rename
        </button>
        <button
          type="button"
          title={pinned ? "Unpin section" : "Pin section (shown first)"}
          aria-label={pinned ? "Unpin section" : "Pin section"}
          onClick={() => edit((l) => L.patchSection(l, id, { pinned: !pinned }))}
        >
          {pinned ? "Unpin" : "Pin"}
        </button>
        <button
          type="button"
          title="Move section up"
          aria-label="Move section up"
          disabled={first}
          onClick={() => edit((l) => L.moveSection(l, id, -1))}
        >
          ↑
        </button>
        <button
          type="button"
          title="Move section down"
          aria-label="Move section down"
          disabled={last}
          onClick={() => edit((l) => L.moveSection(l, id, 1))}
        >
          ↓
        </button>
        <button type="button" className="danger" title="Delete section" aria-label="Delete section" onClick={remove}>
          ✕
        </button>
      </span>
    </div>
  );
}

type CardProps = Pick<Parameters<typeof PanelCard>[0], "sections" | "defaults" | "zoom" | "ctx" | "actions">;

/** A section: its head and its panels (those the search matches), a drop target for dragged panels. */
function SectionView({
  section: s,
  panels,
  searching,
  first,
  last,
  edit,
  card,
}: {
  section: L.LayoutSection;
  panels: L.LayoutSection["panels"];
  searching: boolean;
  first: boolean;
  last: boolean;
  edit: (fn: (l: L.PanelLayout) => L.PanelLayout) => void;
  card: CardProps;
}) {
  if (searching && panels.length === 0) return null;
  return (
    <section className={`chart-section ws-section${s.collapsed ? " collapsed" : ""}`} data-section={s.name}>
      <SectionHead section={s} shown={panels.length} first={first} last={last} edit={edit} />
      {!s.collapsed && (
        <div
          className="ws-section-body"
          onDragOver={(e) => e.dataTransfer.types.includes(DRAG_TYPE) && e.preventDefault()}
          onDrop={(e) => {
            // Dropped on the section, not on a panel: to its end.
            const from = e.dataTransfer.getData(DRAG_TYPE);
            if (from) edit((l) => L.movePanelTo(l, from, s.id));
          }}
        >
          {panels.length === 0 && <div className="ws-section-empty">No panels: add one, or move one here.</div>}
          {panels.map((p, j) => (
            <PanelCard key={p.id} spec={p} index={j} count={panels.length} sectionId={s.id} {...card} />
          ))}
        </div>
      )}
    </section>
  );
}

export function PanelWorkspace({
  entity,
  project,
  metrics,
  defaults,
  ctx,
  emptyText,
}: {
  entity: string;
  project: string;
  metrics: string[];
  defaults: Defaults;
  ctx: PanelContext;
  emptyText: string;
}) {
  const st = usePanelLayout(entity, project, metrics, defaults.x);
  const { layout, edit } = st;
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  const [full, setFull] = useState<string | null>(null);
  const [zoom, setZoom] = useState<Zoom>({});
  const match = useMemo(() => L.panelMatcher(search), [search]);
  const panelCtx = useMemo(() => ({ ...ctx, metricKeys: metrics }), [ctx, metrics]);
  const shown = L.shownSections(layout);
  const sectionKey = shown.map((s) => `${s.id}\n${s.name}`).join("\n");
  const sectionOpts = useMemo(() => shown.map((s) => ({ id: s.id, name: s.name })), [sectionKey]);

  const actions = useMemo(
    (): PanelActions => ({
      edit: setEditing,
      fullScreen: setFull,
      duplicate: (id) => edit((l) => L.duplicatePanel(l, id, newPanelId())),
      remove: (id) => edit((l) => L.deletePanel(l, id)),
      move: (id, by) => edit((l) => L.movePanel(l, id, by)),
      moveTo: (id, s) => edit((l) => L.movePanelTo(l, id, s)),
      place: (id, before) => edit((l) => L.placePanel(l, id, before)),
      resize: (id, size) => edit((l) => L.resizePanel(l, id, size)),
      update: (spec) => edit((l) => L.updatePanel(l, spec)),
      zoom: (x, range) => setZoom((z) => ({ ...z, [x]: range })),
    }),
    [edit],
  );
  const addSection = useCallback(() => {
    const name = prompt("Name of the new section")?.trim();
    if (name) edit((l) => L.addSection(l, `s${newPanelId()}`, name));
  }, [edit]);

  const addPanel = (spec: PanelSpec) => {
    edit((l) => L.addPanel(l, spec));
    setEditing(spec.id);
  };
  const card = { sections: sectionOpts, defaults, zoom, ctx: panelCtx, actions };
  const editingSpec = editing ? L.findPanel(layout, editing) : undefined;
  const fullSpec = full ? L.findPanel(layout, full) : undefined;
  const total = shown.reduce((n, s) => n + s.panels.length, 0);
  return (
    <div className="ws-panels" data-layout={st.custom ? "custom" : "auto"}>
      <div className="ws-panels-bar">
        <SearchBox value={search} onChange={setSearch} className="panel-search" placeholder="Search panels (regex)" />
        <AddPanelMenu keys={metrics} onAdd={addPanel} />
        <button type="button" onClick={addSection}>
          + Add section
        </button>
        {st.custom && (
          <button type="button" title="Back to a panel per metric, in sections by prefix" onClick={st.reset}>
            Reset layout
          </button>
        )}
      </div>
      <div className="chart-grid">
        {total === 0 && shown.length === 0 && <div className="empty">{emptyText}</div>}
        {shown.map((s, i) => (
          <SectionView
            key={s.id}
            section={s}
            panels={s.panels.filter(match)}
            searching={!!search.trim()}
            first={i === 0}
            last={i === shown.length - 1}
            edit={edit}
            card={card}
          />
        ))}
      </div>
      {editingSpec && (
        <PanelEditorDrawer
          spec={editingSpec}
          keys={metrics}
          onChange={(s) => edit((l) => L.updatePanel(l, s))}
          onClose={() => setEditing(null)}
        />
      )}
      {fullSpec && (
        <FullScreenPanel
          spec={resolveSpec(fullSpec, defaults, zoom)}
          ctx={{ ...panelCtx, syncKey: undefined }}
          onSpecChange={(s: PanelSpec) => fullSpec.kind === "line" && actions.zoom(s.x, s.ranges?.x ?? null)}
          onClose={() => setFull(null)}
        />
      )}
    </div>
  );
}
