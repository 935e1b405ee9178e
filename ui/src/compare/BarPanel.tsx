// Bar chart over runs: one bar per drawn line of a config or summary number (a
// group line: the mean over its runs), in the line's colour, from zero.

import { useMemo } from "react";
import { ErrorBox } from "../common/PageHeader";
import { fmtNumber } from "../lib/format";
import type { PanelProps } from "../panels/registry";
import "./compare.css";
import { lineNumber } from "./fields";
import { BarControls, type BarSpec } from "./controls";
import { usePanelRuns } from "./panelData";

export function BarPanel({ spec, ctx, visible, onSpecChange }: PanelProps<BarSpec>) {
  const { byId, fields, error, ready } = usePanelRuns(ctx, visible);
  const field = spec.keys[0] ?? "";
  const sort = spec.options.sort ?? "";
  const bars = useMemo(() => {
    const out = ctx.lines.map((l) => ({ line: l, v: lineNumber(l, byId, field) }));
    // Lines without a number stay last either way.
    const dir = sort === "desc" ? -1 : 1;
    if (sort) out.sort((a, b) => (!a.v || !b.v ? Number(!a.v) - Number(!b.v) : dir * (a.v.value - b.v.value)));
    return out;
  }, [ctx.lines, byId, field, sort]);
  const nums = bars.flatMap((b) => (b.v ? [b.v.value] : []));
  const lo = Math.min(0, ...nums);
  const hi = Math.max(0, ...nums);
  const span = hi - lo || 1;
  const pct = (v: number) => ((v - lo) / span) * 100;
  const state = !field ? "unset" : !ready ? "loading" : nums.length ? "drawn" : "empty";
  return (
    <div className="panel rp-panel" data-kind="bar" data-state={state} data-bars={nums.length}>
      <div className="panel-head">
        <span className="panel-title">{spec.title ?? (field || "Bar chart")}</span>
      </div>
      <div className="rp-head-controls">
        <BarControls spec={spec} fields={fields} onChange={onSpecChange} />
      </div>
      {error ? (
        <ErrorBox error={error} />
      ) : state !== "drawn" ? (
        <div className="panel-empty">
          {state === "unset"
            ? "Pick a field."
            : state === "loading"
              ? "Loading…"
              : `No visible run has a number for ${field}.`}
        </div>
      ) : (
        <ul className="bar-list">
          {bars.map(({ line, v }) => (
            <li key={line.id} className="bar-row" data-run={line.id}>
              <span className="bar-name" title={line.name}>
                <span className="swatch" style={{ background: line.color }} />
                {line.name}
              </span>
              <span className="bar-track">
                {v && (
                  <span
                    className="bar-fill"
                    style={{
                      left: `${pct(Math.min(0, v.value))}%`,
                      width: `${Math.max(0.5, Math.abs(pct(v.value) - pct(0)))}%`,
                      background: line.color,
                    }}
                  />
                )}
                {lo < 0 && <span className="bar-zero" style={{ left: `${pct(0)}%` }} />}
              </span>
              <span className="bar-value" title={line.members ? `mean of ${v?.n ?? 0} runs` : undefined}>
                {v ? fmtNumber(v.value) : "–"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
