// Panels in sections by key prefix ("train/loss" goes to "train"), as W&B's
// automatic workspace does. A panel fetches only while it is on screen (or
// near it), so a project with hundreds of metrics does not fire hundreds of
// requests at once.

import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { panelKind, type PanelContext, type PanelSpec } from "./registry";

export function sectionOf(key: string): string {
  const i = key.indexOf("/");
  return i > 0 ? key.slice(0, i) : "Charts";
}

/** Specs grouped into sections, named sections first (sorted), then "Charts". */
export function sections(specs: PanelSpec[], section = sectionOf): [string, PanelSpec[]][] {
  const out = new Map<string, PanelSpec[]>();
  for (const s of specs) {
    const name = section(s.keys[0] ?? "");
    if (!out.has(name)) out.set(name, []);
    out.get(name)!.push(s);
  }
  return [...out.entries()].sort(([a], [b]) => (a === "Charts" ? 1 : b === "Charts" ? -1 : a.localeCompare(b)));
}

export function useOnScreen(margin = "200px"): [React.RefObject<HTMLDivElement | null>, boolean] {
  const ref = useRef<HTMLDivElement>(null);
  const [on, setOn] = useState(false);
  useLayoutEffect(() => {
    // On screen at once when it is: no frame lost waiting for the first observation.
    const r = ref.current?.getBoundingClientRect();
    if (r && r.top < innerHeight + 200 && r.bottom > -200 && r.width > 0) setOn(true);
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const io = new IntersectionObserver((es) => setOn(es[es.length - 1].isIntersecting), { rootMargin: margin });
    io.observe(el);
    return () => io.disconnect();
  }, [margin]);
  return [ref, on];
}

const PanelSlot = memo(function PanelSlot({
  spec,
  ctx,
  onChange,
}: {
  spec: PanelSpec;
  ctx: PanelContext;
  onChange: (id: string, s: PanelSpec) => void;
}) {
  const [ref, visible] = useOnScreen();
  const kind = panelKind(spec.kind);
  const onSpecChange = useCallback((s: PanelSpec) => onChange(spec.id, s), [onChange, spec.id]);
  return (
    <div ref={ref} className="panel-slot">
      {kind ? (
        <kind.component spec={spec} ctx={ctx} visible={visible} onSpecChange={onSpecChange} />
      ) : (
        <div className="panel">Unknown panel kind {spec.kind}</div>
      )}
    </div>
  );
});

export const PanelGrid = memo(function PanelGrid({
  specs,
  ctx,
  emptyText = "No metrics logged yet.",
  className = "",
  section = sectionOf,
}: {
  specs: PanelSpec[];
  ctx: PanelContext;
  emptyText?: string;
  className?: string;
  /** The section a panel's first key belongs to. */
  section?: (key: string) => string;
}) {
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  // Per-panel changes (zoom) made by the user, by panel id; a new x axis starts over.
  const [changed, setChanged] = useState<{ x?: string; map: Record<string, PanelSpec> }>({ map: {} });
  const x = specs[0]?.x;
  const mineById = changed.x === x ? changed.map : {};
  const xRef = useRef(x);
  xRef.current = x;
  const change = useCallback(
    (id: string, n: PanelSpec) =>
      setChanged((c) => ({ x: xRef.current, map: { ...(c.x === xRef.current ? c.map : {}), [id]: n } })),
    [],
  );
  if (specs.length === 0)
    return (
      <div className={`chart-grid ${className}`}>
        <div className="empty">{emptyText}</div>
      </div>
    );
  const toggle = (name: string) =>
    setCollapsed((c) => {
      const n = new Set(c);
      if (n.has(name)) n.delete(name);
      else n.add(name);
      return n;
    });
  return (
    <div className={`chart-grid ${className}`}>
      {sections(specs, section).map(([name, list]) => (
        <section key={name} className={`chart-section${collapsed.has(name) ? " collapsed" : ""}`} data-section={name}>
          <button className="section-head" onClick={() => toggle(name)}>
            <span className="caret">▾</span>
            {name}
            <span className="count">{list.length}</span>
          </button>
          {!collapsed.has(name) && (
            <div className="section-body">
              {list.map((s) => {
                const mine = mineById[s.id];
                const spec = mine ? { ...s, ranges: mine.ranges } : s;
                return <PanelSlot key={s.id} spec={spec} ctx={ctx} onChange={change} />;
              })}
            </div>
          )}
        </section>
      ))}
    </div>
  );
});
