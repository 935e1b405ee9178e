// Summary value ("scalar chart"): a config or summary field of the drawn lines,
// as a list of one number per line, or one number over all their runs (mean,
// min or max).

import { useMemo } from "react";
import { fmtNumber } from "../lib/format";
import type { PanelProps } from "../panels/registry";
import "./compare.css";
import { aggregate, type Agg } from "./fields";
import { ScalarControls, type ScalarSpec } from "./controls";
import { FieldPanelBody, LineName, LineValue } from "./FieldPanel";
import { useFieldNumbers } from "./panelData";

export function ScalarPanel({ spec, ctx, visible, onSpecChange }: PanelProps<ScalarSpec>) {
  const field = spec.keys[0] ?? "";
  const agg: Agg = spec.options.agg ?? "each";
  const { byId, fields, error, rows, state } = useFieldNumbers(ctx, visible, field);
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
  return (
    <div className="panel rp-panel" data-kind="scalar" data-state={state}>
      <FieldPanelBody
        title={spec.title ?? (field || "Summary value")}
        controls={<ScalarControls spec={spec} fields={fields} onChange={onSpecChange} />}
        error={error}
        state={state}
        field={field}
      >
        {agg !== "each" && total ? (
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
                <LineName line={line} className="scalar-name" />
                <LineValue line={line} v={v} className="scalar-value" />
              </li>
            ))}
          </ul>
        )}
      </FieldPanelBody>
    </div>
  );
}
