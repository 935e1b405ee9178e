// Parameter importance, as W&B shows it: for each parameter its importance for
// the metric (a random forest's, computed by the server) and its correlation
// with it (Pearson's r; green when the metric rises with the parameter).

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, type ImportanceData, type RunQuery } from "../api/endpoints";
import { ErrorBox } from "../common/PageHeader";
import { keys } from "../data/keys";
import { pressable } from "../lib/keyboard";

type Row = ImportanceData["params"][number];
type SortBy = "name" | "importance" | "correlation";

/** Most important first (the server's order), by the size of the correlation, or by name. */
export function sortRows(rows: Row[], by: SortBy): Row[] {
  if (by === "importance") return rows;
  if (by === "name") return [...rows].sort((a, b) => a.name.localeCompare(b.name));
  const size = (r: Row) => (r.correlation === null ? -1 : Math.abs(r.correlation)); // none comes last
  return [...rows].sort((a, b) => size(b) - size(a));
}

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
  const [by, setBy] = useState<SortBy>("importance");
  const rows = useMemo(() => sortRows(data?.params ?? [], by), [data, by]);
  const head = (key: SortBy, label: string, title: string) => (
    <th
      title={title}
      className={`sortable${by === key ? " sorted" : ""}`}
      data-sort={key}
      onClick={() => setBy(key)}
      {...pressable(() => setBy(key))}
    >
      {label}
      {by === key ? " ▼" : ""}
    </th>
  );
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
                  {head("name", "Parameter", "sort by name")}
                  {head("importance", "Importance", "share of a random forest's importance (sums to 1)")}
                  {head("correlation", "Correlation", "Pearson's r with the metric; sorts by its size")}
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
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
