// A table of artifact versions: the project page's collection view, and a run's
// outputs and inputs.

import { Link } from "react-router";
import type { ArtifactVersion } from "../api/endpoints";
import { fmtBytes, fmtTime, fmtValue } from "../lib/format";
import { artifactsPath, runPath } from "../lib/paths";

export function shortDigest(d: string): string {
  return d.length > 12 ? d.slice(0, 12) : d;
}

export function metaText(m: Record<string, unknown>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}: ${fmtValue(v)}`)
    .join(", ");
}

export function Aliases({ aliases }: { aliases: string[] }) {
  return (
    <>
      {aliases.map((a) => (
        <span key={a} className="tag alias" data-alias={a}>
          {a}
        </span>
      ))}
    </>
  );
}

export function VersionsTable({ versions, showName = false }: { versions: ArtifactVersion[]; showName?: boolean }) {
  return (
    <table className="data-table versions-table">
      <thead>
        <tr>
          <th>{showName ? "Artifact" : "Version"}</th>
          {showName && <th>Type</th>}
          <th>Aliases</th>
          <th className="num">Size</th>
          <th className="num">Files</th>
          <th>Digest</th>
          <th>Created</th>
          <th>Created by</th>
          <th>Metadata</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => {
          const run = v.logged_by;
          return (
            <tr key={`${v.entity}/${v.project}/${v.name}:${v.version}`} data-version={`${v.name}:v${v.version}`}>
              <td>
                <Link className="version-link" to={artifactsPath(v.entity, v.project, v.name, `v${v.version}`)}>
                  {showName ? `${v.name}:v${v.version}` : `v${v.version}`}
                </Link>
              </td>
              {showName && <td>{v.type}</td>}
              <td>
                <Aliases aliases={v.aliases} />
              </td>
              <td className="num">{fmtBytes(v.size)}</td>
              <td className="num">{v.file_count}</td>
              <td>
                <code title={v.digest}>{shortDigest(v.digest)}</code>
              </td>
              <td>{fmtTime(v.created_at)}</td>
              <td>
                {run ? (
                  <Link className="run-link" to={runPath(run.entity, run.project, run.run_id)}>
                    {run.name || run.run_id}
                  </Link>
                ) : (
                  <span className="muted">–</span>
                )}
              </td>
              <td className="meta-cell" title={metaText(v.metadata)}>
                {metaText(v.metadata)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
