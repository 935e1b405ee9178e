// The project's artifacts: collections grouped by type on the left, the chosen
// collection's versions on the right (aliases, size, digest, the run that made each).

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link } from "react-router";
import { api, type ArtifactTypes } from "../api/endpoints";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { keys } from "../data/keys";
import { fmtBytes } from "../lib/format";
import { artifactsPath, projectPath, sweepsPath } from "../lib/paths";
import { VersionsTable } from "./VersionsTable";

function Collections({
  data,
  entity,
  project,
  current,
}: {
  data: ArtifactTypes;
  entity: string;
  project: string;
  current?: string;
}) {
  return (
    <nav className="artifact-types">
      {data.types.map((t) => (
        <section key={t.type} className="artifact-type" data-type={t.type}>
          <h3>{t.type}</h3>
          {t.collections.map((c) => (
            <Link
              key={c.name}
              to={artifactsPath(entity, project, c.name)}
              className={`collection-link${c.name === current ? " active" : ""}`}
              data-collection={c.name}
            >
              <span>{c.name}</span>
              <span className="muted">{c.version_count}</span>
            </Link>
          ))}
        </section>
      ))}
    </nav>
  );
}

function Versions({ entity, project, name }: { entity: string; project: string; name: string }) {
  const q = useQuery({
    queryKey: keys.artifactVersions(entity, project, name),
    queryFn: ({ signal }) => api.artifactVersions(entity, project, name, { signal }),
  });
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <div className="loading">Loading…</div>;
  const c = q.data.collection;
  return (
    <div className="collection">
      <h2>
        {c.name} <span className="muted">{c.type}</span>
      </h2>
      {c.description && <p className="description">{c.description}</p>}
      <p className="muted">
        {c.version_count} version{c.version_count === 1 ? "" : "s"}, {fmtBytes(c.size)}
      </p>
      <VersionsTable versions={q.data.versions} />
    </div>
  );
}

export function ArtifactsPage({ entity, project, name }: { entity: string; project: string; name?: string }) {
  const q = useQuery({
    queryKey: keys.artifacts(entity, project),
    queryFn: ({ signal }) => api.artifacts(entity, project, { signal }),
  });
  useEffect(() => {
    document.title = `Artifacts · ${project} · runbase`;
  }, [project]);
  const first = q.data?.types[0]?.collections[0]?.name;
  const shown = name ?? first;
  let body;
  if (q.error) body = <ErrorBox error={q.error} />;
  else if (!q.data) body = <div className="loading">Loading…</div>;
  else if (!q.data.types.length)
    body = (
      <div className="empty">
        No artifacts in this project yet: <code>run.log_artifact(wandb.Artifact(name, type))</code> logs one.
      </div>
    );
  else
    body = (
      <div className="artifacts-layout">
        <Collections data={q.data} entity={entity} project={project} current={shown} />
        {shown && <Versions key={shown} entity={entity} project={project} name={shown} />}
      </div>
    );
  return (
    <>
      <PageHeader
        crumbs={[{ label: entity }, { label: project, href: projectPath(entity, project) }, { label: "artifacts" }]}
      >
        <ProjectNav entity={entity} project={project} current="artifacts" />
      </PageHeader>
      {body}
    </>
  );
}

/** Runs | Artifacts | Sweeps | Reports links in a project's page headers. */
export function ProjectNav({
  entity,
  project,
  current,
}: {
  entity: string;
  project: string;
  current: "runs" | "artifacts" | "sweeps" | "reports";
}) {
  return (
    <nav className="project-nav">
      <Link to={projectPath(entity, project)} className={current === "runs" ? "active" : ""} data-nav="runs">
        Runs
      </Link>
      <Link
        to={artifactsPath(entity, project)}
        className={current === "artifacts" ? "active" : ""}
        data-nav="artifacts"
      >
        Artifacts
      </Link>
      <Link to={sweepsPath(entity, project)} className={current === "sweeps" ? "active" : ""} data-nav="sweeps">
        Sweeps
      </Link>
      <Link
        to={`${projectPath(entity, project)}/reports`}
        className={current === "reports" ? "active" : ""}
        data-nav="reports"
      >
        Reports
      </Link>
    </nav>
  );
}
