// Where the workspace shows the parameter analysis (analysis/AnalysisSection,
// loaded on first opening: it brings d3): folded in a project's workspace until
// asked for, always open in a sweep's.

import { lazy, Suspense } from "react";
import type { RunQuery } from "../api/endpoints";
import type { AnalysisDefaults } from "../analysis/AnalysisSection";
import type { View } from "./viewState";

const AnalysisSection = lazy(() => import("../analysis/AnalysisSection"));

export function AnalysisSlot(props: {
  entity: string;
  project: string;
  query: RunQuery;
  configKeys: string[];
  summaryKeys: string[];
  view: View;
  setView: (patch: Partial<View>) => void;
  /** A sweep's metric and parameters: the section is always open. */
  defaults?: AnalysisDefaults;
  onBrushed: (ids: Set<string> | null) => void;
}) {
  const { view, setView, defaults } = props;
  const open = view.analysis || !!defaults;
  return (
    <div className="analysis-slot">
      {defaults ? (
        <div className="section-head">Parameter analysis</div>
      ) : (
        <button className="section-head an-toggle" aria-expanded={open} onClick={() => setView({ analysis: !open })}>
          <span className="caret">{open ? "▾" : "▸"}</span>
          Parameter analysis
        </button>
      )}
      {open && (
        <Suspense fallback={<div className="panel-note">loading the analysis panels…</div>}>
          <AnalysisSection {...props} />
        </Suspense>
      )}
    </div>
  );
}
