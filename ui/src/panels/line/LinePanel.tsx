// The line chart, the first panel kind: its metrics (keys, a regex's matches,
// y expressions) for every line of the page.
//
// The server sends min/max buckets plus a representative value per bucket, so a
// million-step run arrives as ~1,000 points and spikes stay visible in the faint
// min–max band. Dragging a range zooms and fetches finer data for it;
// double-click goes back to the full range.

import { keepPreviousData, useQueries } from "@tanstack/react-query";
import { useCallback, useMemo, useRef, useState } from "react";
import type uPlot from "uplot";
import type { ChartLine } from "../../lib/chartLine";
import { fmtNumber } from "../../lib/format";
import type { PanelProps, PanelSpec } from "../registry";
import { Legend } from "./Legend";
import { hoverRows, plotTable, type Drawn, type HoverRow, type LineSettings } from "./lineData";
import { drawMulti, planLines } from "./multiLine";
import { PlotCanvas } from "./PlotCanvas";
import { fmtX, plotOptions, xLabel } from "./plotOptions";
import { yRange } from "./yRange";

export type LineSpec = PanelSpec<LineSettings>;

interface Hover {
  x: number;
  rows: HoverRow[];
  left: number;
  top: number;
  flip: boolean;
}

const fmtShort = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(3))) : fmtNumber(v));

function Tooltip({ hover, x }: { hover: Hover; x: string }) {
  return (
    <div className={`panel-tip${hover.flip ? " flip" : ""}`} style={{ left: hover.left, top: hover.top }}>
      <div className="tip-x">{`${xLabel(x)}: ${fmtX(x, hover.x)}`}</div>
      {hover.rows.map((r) => (
        <div className="tip-row" key={r.id}>
          <span className="swatch" style={{ background: r.color }} />
          <span className="tip-name">{r.name}</span>
          {r.range && (
            <span className="tip-range" title="min–max of the group's runs">
              {`${fmtShort(r.range[0])}–${fmtShort(r.range[1])}`}
            </span>
          )}
          <span className="tip-val">{r.value === null ? "–" : fmtNumber(r.value)}</span>
        </div>
      ))}
    </div>
  );
}

/** The series of every key a panel fetches, by key (one query per key). While a
 * key's new data (a zoom's finer range) loads, its previous data stays drawn:
 * useQueries makes a new observer for a new query key, so keepPreviousData
 * alone would blank the chart. */
function useSeries(spec: LineSpec, ctx: PanelProps<LineSpec>["ctx"], visible: boolean, fetch: string[]) {
  const range = spec.ranges?.x ?? null;
  const bases = fetch.map((k) => ctx.source.query(k, spec.x, range));
  const enabled = visible && ctx.linesReady && ctx.lines.length > 0;
  const qs = useQueries({
    queries: bases.map((b) => ({ ...b, enabled: enabled && b.enabled !== false, placeholderData: keepPreviousData })),
  });
  const kept = useRef<{ x: string; byKey: Map<string, ChartLine[]> }>({ x: spec.x, byKey: new Map() });
  if (kept.current.x !== spec.x) kept.current = { x: spec.x, byKey: new Map() };
  const datas = qs.map((q, i) => q.data ?? kept.current.byKey.get(fetch[i]));
  qs.forEach((q, i) => q.data && kept.current.byKey.set(fetch[i], q.data));
  const stale = qs.some((q, i) => !q.data && datas[i] !== undefined);
  // A new Map only when some key's data changed (useQueries returns new objects each render).
  const fetched = useMemo(() => new Map(fetch.map((k, i) => [k, datas[i] ?? []])), [fetch.join("\n"), ...datas]);
  return {
    fetched,
    enabled: enabled && bases.length > 0 && bases.every((b) => b.enabled !== false),
    pending: qs.some((q) => q.isPending) && !stale,
    placeholder: stale || qs.some((q) => q.isPlaceholderData),
    success: qs.length > 0 && qs.every((q) => q.isSuccess),
    error: qs.find((q) => q.error)?.error ?? null,
  };
}

export function LinePanel({ spec, ctx, visible, onSpecChange, height }: PanelProps<LineSpec>) {
  const key = spec.keys[0] ?? "";
  const range = spec.ranges?.x ?? null;
  const o = spec.options;
  const { smoothing, logY } = o;
  const plan = useMemo(() => planLines(spec.keys, o, ctx.metricKeys ?? []), [spec.keys, o, ctx.metricKeys]);
  const q = useSeries(spec, ctx, visible, plan.fetch);
  const enabled = q.enabled;
  const drawn = useMemo(() => drawMulti(ctx.lines, q.fetched, plan, o), [ctx.lines, q.fetched, plan, o]);
  const yr = useMemo(
    () => yRange(o.outliers ? drawn.flatMap((d) => (smoothing > 0 ? d.smoothed : d.data.y)) : [], o),
    [drawn, o, smoothing],
  );
  const title = spec.title ?? (plan.shown.map((sh) => sh.label).join(", ") || "Empty panel: edit it to pick metrics");

  const [hover, setHover] = useState<Hover | null>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  // uPlot's hooks are bound once per chart: they read the latest props here.
  const latest = useRef({ spec, onSpecChange, drawn });
  latest.current = { spec, onSpecChange, drawn };

  const onCursor = useCallback((u: uPlot) => {
    const idx = u.cursor.idx;
    const left = u.cursor.left ?? -1;
    if (idx === null || idx === undefined || left < 0) return setHover(null);
    const x = u.data[0][idx];
    const { drawn: d, spec: s } = latest.current;
    const rows = hoverRows(d, x, s.options.smoothing);
    const panel = panelRef.current;
    // Another panel's cursor (synced) moves this one's too: only the hovered panel lists values.
    if (rows.length === 0 || !panel || !panel.matches(":hover")) return setHover(null);
    const over = u.over.getBoundingClientRect();
    const box = panel.getBoundingClientRect();
    const px = over.left - box.left + left;
    const flip = px > box.width / 2;
    setHover({ x, rows, left: flip ? px - 12 : px + 12, top: over.top - box.top + 4, flip });
  }, []);

  const onSelect = useCallback((u: uPlot) => {
    const { left, width } = u.select;
    if (width < 3) return;
    const min = u.posToVal(left, "x");
    const max = u.posToVal(left + width, "x");
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    if (!(max > min)) return;
    // Show the range at once; the finer data replaces the chart when it arrives.
    u.setScale("x", { min, max });
    const { spec: s, onSpecChange: change } = latest.current;
    change({ ...s, ranges: { ...s.ranges, x: [min, max] } });
  }, []);

  const onReset = useCallback(() => {
    const { spec: s, onSpecChange: change } = latest.current;
    change({ ...s, ranges: { ...s.ranges, x: null } });
  }, []);

  const make = useCallback(
    (width: number) => ({
      opts: plotOptions(
        drawn,
        {
          x: spec.x,
          yLabel: plan.shown.length === 1 ? plan.shown[0].label : "",
          smoothing,
          logY,
          logX: o.logX,
          yRange: yr,
          sync: ctx.syncKey,
          height,
        },
        width,
        { onSelect, onCursor, onReset },
      ),
      data: plotTable(drawn, smoothing > 0),
    }),
    [drawn, spec.x, plan, smoothing, logY, o.logX, yr, ctx.syncKey, height, onSelect, onCursor, onReset],
  );

  const waiting = !ctx.linesReady || (enabled && q.pending) || q.placeholder;
  const empty = !waiting && drawn.length === 0 && (ctx.lines.length === 0 || q.success || plan.fetch.length === 0);
  const state = empty ? "empty" : drawn.length && !waiting ? "drawn" : "loading";
  const grouped = ctx.lines.some((l) => l.members !== undefined);
  return (
    <div
      ref={panelRef}
      className="panel"
      data-key={key}
      data-state={state}
      data-mode={grouped ? "groups" : "runs"}
      data-runs={drawn.length}
      data-zoomed={range ? "true" : "false"}
      data-logy={logY ? "true" : "false"}
      data-metrics={plan.shown.map((sh) => sh.label).join("|")}
      data-points={drawn.length ? Math.max(...drawn.map((d: Drawn) => d.data.x.length)) : 0}
      onMouseLeave={() => setHover(null)}
    >
      <div className="panel-head">
        <span className="panel-title" title={title}>
          {title}
        </span>
        {q.error && <span className="panel-status error">{q.error.message}</span>}
      </div>
      {plan.errors.map((e) => (
        <div key={e} className="panel-status error">
          {e}
        </div>
      ))}
      {drawn.length > 0 ? (
        <PlotCanvas make={make} range={range} />
      ) : (
        <div className="panel-empty">
          {plan.shown.length === 0
            ? "No metrics chosen: edit the panel"
            : empty
              ? "No data for the visible runs"
              : "Loading…"}
        </div>
      )}
      {drawn.length > 0 && <Legend lines={drawn.map((d) => ({ ...d.line, dash: d.dash }))} />}
      {hover && <Tooltip hover={hover} x={spec.x} />}
    </div>
  );
}
