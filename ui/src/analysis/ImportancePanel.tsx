// Parameter importance, as W&B shows it: for each parameter its importance for
// the metric (a random forest's, computed by the server) and its correlation
// with it (Pearson's r; green when the metric rises with the parameter).

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type RunQuery } from "../api/endpoints";
import { ErrorBox } from "../common/PageHeader";
import { keys } from "../data/keys";

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "—" : v.toFixed(3));

function CorrelationBar({ r }: { r: number | null }) {
  if (r === null)
    return (
      <span className="imp-none" title="no correlation: a categorical or constant parameter">
        —
      </span>
    );
  const w = Math.min(50, Math.abs(r) * 50);
  return (
    <span className="imp-cell">
      <span className="imp-track corr">
        <span
          className={`imp-bar ${r >= 0 ? "pos" : "neg"}`}
          style={{ width: `${w}%`, left: r >= 0 ? "50%" : `${50 - w}%` }}
        />
      </span>
      <span className="imp-num">{fmt(r)}</span>
    </span>
  );
}

export function ImportancePanel({
  entity,
  project,
  query,
  metric,
  params,
}: {
  entity: string;
  project: string;
  query: RunQuery;
  metric: string;
  params: string[];
}) {
  const body = {
    metric,
    params,
    filters: (query.filters as Record<string, unknown> | undefined) ?? null,
    search: query.search ?? null,
  };
  const q = useQuery({
    queryKey: [...keys.project(entity, project), "importance", body],
    queryFn: ({ signal }) => api.importance(entity, project, body, { signal }),
    enabled: !!metric && params.length > 0,
    placeholderData: keepPreviousData,
  });
  const data = q.data;
  return (
    <div
      className="panel imp-panel"
      data-kind="importance"
      data-state={q.isFetching ? "loading" : q.error ? "error" : q.data ? "drawn" : "empty"}
    >
      <div className="panel-head">
        <span className="panel-title">Parameter importance with respect to {metric || "…"}</span>
        {data && <span className="panel-note">{data.runs} runs</span>}
      </div>
      {q.error && <ErrorBox error={q.error} />}
      {!metric || !params.length ? (
        <div className="panel-empty">Pick parameters and a metric above.</div>
      ) : (
        data && (
          <>
            {data.message && <p className="imp-message">{data.message}</p>}
            <table className="imp-table">
              <thead>
                <tr>
                  <th>Parameter</th>
                  <th title="share of a random forest's importance (sums to 1)">Importance</th>
                  <th title="Pearson's r with the metric">Correlation</th>
                </tr>
              </thead>
              <tbody>
                {data.params.map((p) => (
                  <tr
                    key={p.name}
                    data-param={p.name}
                    data-importance={p.importance ?? ""}
                    data-correlation={p.correlation ?? ""}
                  >
                    <td className="imp-name" title={`${p.name} (${p.kind}, ${p.runs} runs have it)`}>
                      {p.name}
                    </td>
                    <td>
                      {p.importance === null ? (
                        <span className="imp-none">—</span>
                      ) : (
                        <span className="imp-cell">
                          <span className="imp-track">
                            <span className="imp-bar imp" style={{ width: `${p.importance * 100}%` }} />
                          </span>
                          <span className="imp-num">{fmt(p.importance)}</span>
                        </span>
                      )}
                    </td>
                    <td>
                      <CorrelationBar r={p.correlation} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      )}
    </div>
  );
}
