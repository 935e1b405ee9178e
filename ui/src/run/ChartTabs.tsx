// The run's Charts (its metrics), Media (its logged media) and System (system
// metric samples over the run's time) tabs: the same panels as the workspace,
// for one run.

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, type Run } from "../api/endpoints";
import { ErrorBox } from "../common/PageHeader";
import { keys } from "../data/keys";
import { colorOf } from "../data/prefs";
import { projectSeries, systemSeries } from "../data/series";
import "../panels";
import type { LineSpec } from "../panels";
import { MediaSection } from "../panels/media/MediaSection";
import { PanelGrid } from "../panels/PanelGrid";
import type { PanelContext } from "../panels/registry";
import { SmoothingInput, XSelect } from "../workspace/Toolbars";
import type { RunRef } from "./RunPage";

const specsFor = (metrics: string[], x: string, smoothing: number): LineSpec[] =>
  metrics
    .filter((m) => m !== x)
    .map((key) => ({ id: key, kind: "line", keys: [key], x, options: { smoothing, logY: false } }));

export function ChartsTab({ entity, project, runId, run }: RunRef & { run: Run }) {
  const [x, setX] = useState("_step");
  const [smoothing, setSmoothing] = useState(0);
  const q = useQuery({
    queryKey: keys.runMetrics(entity, project, runId),
    queryFn: ({ signal }) => api.runMetrics(entity, project, runId, { signal }),
  });
  const metrics = q.data?.metrics ?? [];
  const color = colorOf(entity, project, runId);
  const ctx = useMemo(
    (): PanelContext => ({
      lines: [{ id: runId, name: run.name || runId, color }],
      linesReady: true,
      source: projectSeries(entity, project, [runId], 1000),
    }),
    [entity, project, runId, run.name, color],
  );
  const specs = useMemo(() => specsFor(metrics, x, smoothing), [metrics, x, smoothing]);
  if (q.error) return <ErrorBox error={q.error} />;
  return (
    <>
      <div className="chart-toolbar">
        <label>
          X axis <XSelect metrics={metrics} value={x} onChange={setX} />
        </label>
        <SmoothingInput value={smoothing} onChange={setSmoothing} />
      </div>
      {q.data && <PanelGrid specs={specs} ctx={ctx} />}
    </>
  );
}

export function MediaTab({ entity, project, runId, run }: RunRef & { run: Run }) {
  const color = colorOf(entity, project, runId);
  const ctx = useMemo(
    (): PanelContext => ({
      lines: [{ id: runId, name: run.name || runId, color }],
      linesReady: true,
      source: projectSeries(entity, project, [runId], 1000),
    }),
    [entity, project, runId, run.name, color],
  );
  return <MediaSection entity={entity} project={project} ctx={ctx} emptyText="This run logged no media." />;
}

export function SystemTab({ entity, project, runId, run }: RunRef & { run: Run }) {
  const q = useQuery({
    queryKey: keys.system(entity, project, runId),
    queryFn: ({ signal }) => api.system(entity, project, runId, { signal }),
  });
  const color = colorOf(entity, project, runId);
  const ctx = useMemo(
    (): PanelContext => ({
      lines: [{ id: runId, name: run.name || runId, color }],
      linesReady: true,
      source: systemSeries(entity, project, runId, run.created_at),
    }),
    [entity, project, runId, run.name, run.created_at, color],
  );
  const specs = useMemo(() => specsFor(q.data?.keys ?? [], "_runtime", 0), [q.data]);
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <div className="loading">Loading…</div>;
  return (
    <PanelGrid
      specs={specs}
      ctx={ctx}
      className="system-grid"
      section={() => "System"}
      emptyText="No system metrics were recorded for this run."
    />
  );
}
