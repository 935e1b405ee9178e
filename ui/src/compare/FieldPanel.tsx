// The frame of a one-field panel (bar chart, summary value): its title, its
// controls, and what it says instead of drawing (an error, no field, loading, no number).

import type { ReactNode } from "react";
import { ErrorBox } from "../common/PageHeader";
import { fmtNumber } from "../lib/format";
import type { PanelLine } from "../panels/registry";
import type { FieldPanelState } from "./panelData";

interface Props {
  title: string;
  controls: ReactNode;
  error: unknown;
  state: FieldPanelState;
  field: string;
  /** What the panel draws once ``state`` is "drawn". */
  children: ReactNode;
}

export function FieldPanelBody({ title, controls, error, state, field, children }: Props) {
  return (
    <>
      <div className="panel-head">
        <span className="panel-title">{title}</span>
      </div>
      <div className="rp-head-controls">{controls}</div>
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
        children
      )}
    </>
  );
}

/** A row's line: its colour swatch and name. */
export function LineName({ line, className }: { line: PanelLine; className: string }) {
  return (
    <span className={className} title={line.name}>
      <span className="swatch" style={{ background: line.color }} />
      {line.name}
    </span>
  );
}

/** A row's number (a group line's: the mean over its runs that have one, said on hover). */
export function LineValue({
  line,
  v,
  className,
}: {
  line: PanelLine;
  v: { value: number; n: number } | null;
  className: string;
}) {
  return (
    <span className={className} title={line.members ? `mean of ${v?.n ?? 0} runs` : undefined}>
      {v ? fmtNumber(v.value) : "–"}
    </span>
  );
}
