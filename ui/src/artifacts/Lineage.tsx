// A lineage section: the graph around a version or a run, with a depth picker.
// The graph's code loads only when a section is shown.

import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { api, type Lineage } from "../api/endpoints";
import { ErrorBox } from "../common/PageHeader";
import { keys } from "../data/keys";

const LineageGraph = lazy(() => import("./LineageGraph"));

type Root = { entity: string; project: string } & ({ name: string; version: string } | { runId: string });

function lineageQuery(
  root: Root,
  depth: number,
): { queryKey: readonly unknown[]; queryFn: (c: { signal: AbortSignal }) => Promise<Lineage> } {
  const { entity: e, project: p } = root;
  if ("runId" in root)
    return {
      queryKey: keys.runLineage(e, p, root.runId, depth),
      queryFn: ({ signal }: { signal: AbortSignal }) => api.runLineage(e, p, root.runId, depth, { signal }),
    };
  return {
    queryKey: keys.artifactLineage(e, p, root.name, root.version, depth),
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      api.artifactLineage(e, p, root.name, root.version, depth, { signal }),
  };
}

export function LineageSection({ root }: { root: Root }) {
  const [depth, setDepth] = useState(3);
  const q = useQuery(lineageQuery(root, depth));
  let body;
  if (q.error) body = <ErrorBox error={q.error} />;
  else if (!q.data) body = <div className="loading">Loading…</div>;
  else if (q.data.nodes.length <= 1) body = <div className="empty">No lineage: nothing logged or used this.</div>;
  else
    body = (
      <Suspense fallback={<div className="loading">Loading the graph…</div>}>
        <LineageGraph graph={q.data} />
      </Suspense>
    );
  return (
    <section className="lineage">
      <div className="kv-head">
        <h2>Lineage</h2>
        <label className="lineage-depth">
          Depth{" "}
          <select value={depth} onChange={(e) => setDepth(Number(e.target.value))}>
            {[1, 2, 3, 4, 6, 10].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        {q.data?.truncated && <span className="muted">showing the first {q.data.nodes.length} nodes</span>}
      </div>
      {body}
    </section>
  );
}
