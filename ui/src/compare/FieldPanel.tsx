// The frame of a one-field panel (bar chart, summary value): its title, its
// controls, and what it says instead of drawing (an error, no field, loading, no number).

import type { ReactNode } from "react";
import { ErrorBox } from "../common/PageHeader";
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
