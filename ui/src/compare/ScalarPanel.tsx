// Summary value ("scalar chart"): a config or summary field of the drawn lines,
// as a list of one number per line, or one number over all their runs (mean,
// min or max).

import { useMemo } from "react";
import { ErrorBox } from "../common/PageHeader";
import { fmtNumber } from "../lib/format";
import type { PanelProps } from "../panels/registry";
import "./compare.css";
import { aggregate, lineNumber, type Agg } from "./fields";
import { ScalarControls, type ScalarSpec } from "./controls";
import { usePanelRuns } from "./panelData";

export function ScalarPanel({ spec, ctx, visible, onSpecChange }: PanelProps<ScalarSpec>) {
  const { byId, fields, error, ready } = usePanelRuns(ctx, visible);
  const field = spec.keys[0] ?? "";
  const agg: Agg = spec.options.agg ?? "each";
  const rows = useMemo(
    () => ctx.lines.map((l) => ({ line: l, v: lineNumber(l, byId, field) })),
    [ctx.lines, byId, field],
  );
  const total = useMemo(
    () =>
      aggregate(
        ctx.lines.flatMap((l) => l.members ?? [l.id]),
        byId,
        field,
        agg,
      ),
    [ctx.lines, byId, field, agg],
  );
  const has = rows.some((r) => r.v);
  const state = !field ? "unset" : !ready ? "loading" : has ? "drawn" : "empty";
  return (
    <div className="panel rp-panel" data-kind="scalar" data-state={state}>
      <div className="panel-head">
        <span className="panel-title">{spec.title ?? (field || "Summary value")}</span>
      </div>
      <div className="rp-head-controls">
        <ScalarControls spec={spec} fields={fields} onChange={onSpecChange} />
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
      ) : agg !== "each" && total ? (
        <>
          <div className="scalar-big" data-value={total.value}>
            {fmtNumber(total.value)}
          </div>
          <div className="scalar-of">
            {agg} of {total.n} run{total.n === 1 ? "" : "s"}
          </div>
        </>
      ) : (
        <ul className="scalar-list">
          {rows.map(({ line, v }) => (
            <li key={line.id} className="scalar-row" data-run={line.id}>
              <span className="scalar-name" title={line.name}>
                <span className="swatch" style={{ background: line.color }} />
                {line.name}
              </span>
              <span className="scalar-value" title={line.members ? `mean of ${v?.n ?? 0} runs` : undefined}>
                {v ? fmtNumber(v.value) : "–"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
