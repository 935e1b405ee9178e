// One artifact version: its fields, aliases, metadata, the runs that made and
// used it, its files with previews, and the lineage graph around it.

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link } from "react-router";
import { api, type ArtifactVersionDetail } from "../api/endpoints";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { keys } from "../data/keys";
import { fmtBytes, fmtTime, fmtValue } from "../lib/format";
import { artifactsPath, projectPath, runPath } from "../lib/paths";
import { ProjectNav } from "./ArtifactsPage";
import { FileBrowser } from "./FileBrowser";
import { LineageSection } from "./Lineage";
import { Aliases } from "./VersionsTable";

type RunLink = NonNullable<ArtifactVersionDetail["logged_by"]>;

function RunA({ run }: { run: RunLink }) {
  return (
    <Link className="run-link" to={runPath(run.entity, run.project, run.run_id)}>
      {run.name || run.run_id}
    </Link>
  );
}

function Fields({ v }: { v: ArtifactVersionDetail }) {
  const rows: [string, React.ReactNode][] = [
    ["Type", v.type],
    ["Aliases", <Aliases aliases={v.aliases} />],
    ["Digest", <code>{v.digest}</code>],
    ["Size", `${fmtBytes(v.size)} in ${v.file_count} file${v.file_count === 1 ? "" : "s"}`],
    ["Created", fmtTime(v.created_at)],
    ["Created by", v.logged_by ? <RunA run={v.logged_by} /> : "–"],
    ["Used by", v.used_by.length ? v.used_by.map((r) => <RunA key={r.run_id} run={r} />) : "–"],
    ["Description", v.description ?? "–"],
    ["Full name", <code>{`${v.entity}/${v.project}/${v.name}:v${v.version}`}</code>],
  ];
  return (
    <dl className="overview-fields version-fields">
      {rows.map(([k, val]) => [
        <dt key={`t:${k}`}>{k}</dt>,
        <dd key={`d:${k}`} data-field={k.toLowerCase().replace(/ /g, "-")}>
          {val}
        </dd>,
      ])}
    </dl>
  );
}

function Metadata({ m }: { m: Record<string, unknown> }) {
  const ks = Object.keys(m).sort();
  return (
    <section className="kv">
      <h2>Metadata</h2>
      <table className="data-table metadata-table">
        <tbody>
          {ks.length ? (
            ks.map((k) => (
              <tr key={k}>
                <td className="kv-key">{k}</td>
                <td className="kv-val">{fmtValue(m[k])}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td className="muted">Empty</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

export function VersionPage({
  entity,
  project,
  name,
  version,
}: {
  entity: string;
  project: string;
  name: string;
  version: string;
}) {
  const q = useQuery({
    queryKey: keys.artifactVersion(entity, project, name, version),
    queryFn: ({ signal }) => api.artifactVersion(entity, project, name, version, { signal }),
  });
  useEffect(() => {
    document.title = `${name}:${version} · ${project} · runbase`;
  }, [name, version, project]);
  const v = q.data;
  // Files and lineage by number: an alias may move while the page is open.
  const tag = v ? `v${v.version}` : version;
  return (
    <>
      <PageHeader
        crumbs={[
          { label: entity },
          { label: project, href: projectPath(entity, project) },
          { label: "artifacts", href: artifactsPath(entity, project) },
          { label: name, href: artifactsPath(entity, project, name) },
        ]}
      >
        <span className="run-title">{v ? `${v.name}:v${v.version}` : `${name}:${version}`}</span>
        <ProjectNav entity={entity} project={project} current="artifacts" />
      </PageHeader>
      {q.error ? (
        <ErrorBox error={q.error} />
      ) : !v ? (
        <div className="loading">Loading…</div>
      ) : (
        <div className="version-page">
          <Fields v={v} />
          <Metadata m={v.metadata} />
          <section className="version-files">
            <h2>Files</h2>
            <FileBrowser entity={entity} project={project} name={name} version={tag} />
          </section>
          <LineageSection root={{ entity, project, name, version: tag }} />
        </div>
      )}
    </>
  );
}
