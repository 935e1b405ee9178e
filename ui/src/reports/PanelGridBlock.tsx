// A report's panel grid: the runs its source names (a saved view's, or a filter of
// the project's runs), drawn by the registry's panels as the workspace draws them.

import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { api, type RunQuery } from "../api/endpoints";
import { viewsApi } from "../api/views";
import { projectSeries } from "../data/series";
import { PALETTE } from "../lib/colors";
import "../panels";
import { panelKind, type PanelContext, type PanelLine, type PanelSpec } from "../panels/registry";
import { toMongo } from "../workspace/filters";
import { parseState, stateView } from "../workspace/savedViews";
import type { PanelsBlock, RunSource } from "./api";
import { describeRuns, filterState, panelSpecs } from "./blocks";

/** The runs query a source makes, and the colours a saved view picked. */
function useSourceQuery(entity: string, project: string, runs: RunSource) {
  const viewQ = useQuery({
    queryKey: ["project", entity, project, "views", runs.view ?? ""],
    queryFn: () => viewsApi.get(entity, project, runs.view ?? ""),
    enabled: !!runs.view,
    retry: false,
  });
  return useMemo(() => {
    if (runs.view) {
      if (!viewQ.data) return { query: null, colors: {} as Record<string, string>, viewName: null, error: viewQ.error };
      const state = parseState(viewQ.data.state);
      const v = stateView(state);
      const query: RunQuery = {
        filters: toMongo(v.filters) ?? undefined,
        search: v.search || undefined,
        order: v.sort,
      };
      return { query, colors: state.colors, viewName: viewQ.data.name, error: null };
    }
    const filters = toMongo(filterState(runs.filters)) ?? undefined;
    const query: RunQuery = { filters, search: runs.search || undefined, order: "-created_at" };
    return { query, colors: {} as Record<string, string>, viewName: null, error: null };
  }, [runs, viewQ.data, viewQ.error]);
}

export function PanelGridBlock({ entity, project, block }: { entity: string; project: string; block: PanelsBlock }) {
  const runs = block.runs ?? { view: null, filters: null, search: "", max_runs: 10 };
  const max = runs.max_runs ?? 10;
  const src = useSourceQuery(entity, project, runs);
  const runsQ = useQuery({
    queryKey: ["project", entity, project, "runs", src.query, "report", max],
    queryFn: ({ signal }) => api.runs(entity, project, src.query ?? {}, 0, max, { signal }),
    enabled: src.query !== null,
  });
  const lines = useMemo(
    (): PanelLine[] =>
      (runsQ.data?.runs ?? []).map((r, i) => ({
        id: r.id,
        name: r.name ?? r.id,
        color: src.colors[r.id] ?? PALETTE[i % PALETTE.length],
      })),
    [runsQ.data, src.colors],
  );
  const ctx = useMemo(
    (): PanelContext => ({
      lines,
      linesReady: runsQ.isSuccess,
      source: projectSeries(
        entity,
        project,
        lines.map((l) => l.id),
        1000,
      ),
      project: { entity, project },
    }),
    [lines, runsQ.isSuccess, entity, project],
  );
  // Zooms are the reader's, not saved with the report.
  const [zoomed, setZoomed] = useState<Record<string, PanelSpec>>({});
  const onSpecChange = useCallback((s: PanelSpec) => setZoomed((z) => ({ ...z, [s.id]: s })), []);
  const specs = panelSpecs(block);
  const error = src.error ?? runsQ.error;
  return (
    <div className="report-grid" data-runs={lines.length}>
      <p className="report-grid-caption muted">
        {describeRuns(runs, src.viewName)}
        {runsQ.isSuccess && ` (${lines.length} drawn)`}
      </p>
      {error && <p className="report-error">{error.message}</p>}
      {specs.length === 0 && <p className="muted">No panels yet: edit this grid to add one.</p>}
      <div className="section-body">
        {specs.map((s) => {
          const kind = panelKind(s.kind);
          const spec = zoomed[s.id] ? { ...s, ranges: zoomed[s.id].ranges } : s;
          return (
            <div key={s.id} className="panel-slot">
              {kind ? (
                <kind.component spec={spec} ctx={ctx} visible onSpecChange={onSpecChange} />
              ) : (
                <div className="panel">Unknown panel kind {s.kind}</div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
