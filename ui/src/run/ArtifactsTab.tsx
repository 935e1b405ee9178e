// The run's artifacts: the versions it logged (outputs) and used (inputs), and
// the lineage graph around it.

import { useQuery } from "@tanstack/react-query";
import { api } from "../api/endpoints";
import { LineageSection } from "../artifacts/Lineage";
import { VersionsTable } from "../artifacts/VersionsTable";
import { ErrorBox } from "../common/PageHeader";
import { keys } from "../data/keys";
import type { RunRef } from "./RunPage";

export function runArtifactsQuery(entity: string, project: string, runId: string) {
  return {
    queryKey: keys.runArtifacts(entity, project, runId),
    queryFn: ({ signal }: { signal: AbortSignal }) => api.runArtifacts(entity, project, runId, { signal }),
  };
}

export function ArtifactsTab({ entity, project, runId }: RunRef) {
  const q = useQuery(runArtifactsQuery(entity, project, runId));
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <div className="loading">Loading…</div>;
  const { logged, used } = q.data;
  return (
    <div className="run-artifacts">
      <section className="artifact-outputs">
        <h2>Outputs</h2>
        {logged.length ? (
          <VersionsTable versions={logged} showName />
        ) : (
          <div className="empty">This run logged no artifacts.</div>
        )}
      </section>
      <section className="artifact-inputs">
        <h2>Inputs</h2>
        {used.length ? (
          <VersionsTable versions={used} showName />
        ) : (
          <div className="empty">This run used no artifacts.</div>
        )}
      </section>
      {(logged.length > 0 || used.length > 0) && <LineageSection root={{ entity, project, runId }} />}
    </div>
  );
}
