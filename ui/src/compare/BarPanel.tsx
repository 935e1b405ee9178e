// Bar chart over runs: one bar per drawn line of a config or summary number (a
// group line: the mean over its runs), in the line's colour, from zero.

import { useMemo } from "react";
import type { PanelProps } from "../panels/registry";
import "./compare.css";
import { BarControls, type BarSpec } from "./controls";
import { FieldPanelBody, LineName, LineValue } from "./FieldPanel";
import { useFieldNumbers } from "./panelData";

export function BarPanel({ spec, ctx, visible, onSpecChange }: PanelProps<BarSpec>) {
  const field = spec.keys[0] ?? "";
  const sort = spec.options.sort ?? "";
  const { fields, error, rows, state } = useFieldNumbers(ctx, visible, field);
  const bars = useMemo(() => {
    const out = [...rows];
    // Lines without a number stay last either way.
    const dir = sort === "desc" ? -1 : 1;
    if (sort) out.sort((a, b) => (!a.v || !b.v ? Number(!a.v) - Number(!b.v) : dir * (a.v.value - b.v.value)));
    return out;
  }, [rows, sort]);
  const nums = bars.flatMap((b) => (b.v ? [b.v.value] : []));
  const lo = Math.min(0, ...nums);
  const hi = Math.max(0, ...nums);
  const span = hi - lo || 1;
  const pct = (v: number) => ((v - lo) / span) * 100;
  return (
    <div className="panel rp-panel" data-kind="bar" data-state={state} data-bars={nums.length}>
      <FieldPanelBody
        title={spec.title ?? (field || "Bar chart")}
        controls={<BarControls spec={spec} fields={fields} onChange={onSpecChange} />}
        error={error}
        state={state}
        field={field}
      >
        <ul className="bar-list">
          {bars.map(({ line, v }) => (
            <li key={line.id} className="bar-row" data-run={line.id}>
              <LineName line={line} className="bar-name" />
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
              <LineValue line={line} v={v} className="bar-value" />
            </li>
          ))}
        </ul>
      </FieldPanelBody>
    </div>
  );
}
