// A project's sweeps: each one's state, method, metric, best run and run count
// against its run cap, with buttons that pause, resume, stop or cancel it.

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link } from "react-router";
import { sweepsApi, type Sweep } from "../api/sweeps";
import { ProjectNav } from "../artifacts/ArtifactsPage";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { StateBadge } from "../common/StateBadge";
import { fmtTime } from "../lib/format";
import { projectPath, runPath, sweepsPath } from "../lib/paths";
import { fmtTick } from "../panels/line/plotOptions";
import { SweepActions, sweepKeys } from "./SweepActions";

export function metricText(s: Sweep): string {
  if (!s.metric) return "—";
  return `${s.metric.name} (${s.metric.goal === "minimize" ? "min" : "max"})`;
}

export function countText(s: Sweep): string {
  return s.run_cap === null ? String(s.run_count) : `${s.run_count} / ${s.run_cap}`;
}

function SweepRow({ entity, project, s }: { entity: string; project: string; s: Sweep }) {
  return (
    <tr data-sweep-id={s.id}>
      <td>
        <Link to={sweepsPath(entity, project, s.id)} className="sweep-link">
          {s.name ?? s.id}
        </Link>
        {s.name && <span className="muted sweep-id"> {s.id}</span>}
      </td>
      <td className="sweep-state">
        <StateBadge state={s.state} />
      </td>
      <td className="sweep-method">{s.method}</td>
      <td className="sweep-metric">{metricText(s)}</td>
      <td className="sweep-best">
        {s.best_run ? (
          <>
            <Link to={runPath(entity, project, s.best_run.id)}>{s.best_run.name ?? s.best_run.id}</Link>{" "}
            <span className="muted">{fmtTick(s.best_run.value)}</span>
          </>
        ) : (
          "—"
        )}
      </td>
      <td className="sweep-count">{countText(s)}</td>
      <td className="muted">{fmtTime(s.created_at)}</td>
      <td>
        <SweepActions entity={entity} project={project} sweep={s} />
      </td>
    </tr>
  );
}

export function SweepsPage({ entity, project }: { entity: string; project: string }) {
  useEffect(() => {
    document.title = `Sweeps · ${project} · runbase`;
  }, [project]);
  const q = useQuery({
    queryKey: sweepKeys.list(entity, project),
    queryFn: ({ signal }) => sweepsApi.list(entity, project, { signal }),
  });
  const sweeps = q.data?.sweeps ?? [];
  return (
    <>
      <PageHeader
        crumbs={[{ label: entity }, { label: project, href: projectPath(entity, project) }, { label: "Sweeps" }]}
      >
        <ProjectNav entity={entity} project={project} current="sweeps" />
      </PageHeader>
      {q.error && <ErrorBox error={q.error} />}
      {q.data && sweeps.length === 0 && (
        <p className="empty-note">
          No sweeps in this project yet. Start one with <code>runbase sweep config.yaml</code> and run agents with{" "}
          <code>runbase agent SWEEP_ID</code>.
        </p>
      )}
      {sweeps.length > 0 && (
        <table className="data-table sweeps-table">
          <thead>
            <tr>
              <th>Sweep</th>
              <th>State</th>
              <th>Method</th>
              <th>Metric</th>
              <th>Best run</th>
              <th>Runs</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sweeps.map((s) => (
              <SweepRow key={s.id} entity={entity} project={project} s={s} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
