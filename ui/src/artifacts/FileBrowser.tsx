// A version's files, one folder at a time (paged by the server), and a preview
// of the chosen file: text, an image, or a logged table.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, type ArtifactEntry } from "../api/endpoints";
import { ErrorBox } from "../common/PageHeader";
import { keys } from "../data/keys";
import { fmtBytes, fmtValue } from "../lib/format";
import { artifactFilePath } from "../lib/paths";
import { dirCrumbs, parseTable, previewKind } from "./preview";

interface Where {
  entity: string;
  project: string;
  name: string;
  version: string;
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  return res.text();
}

function Preview({ url, entry }: { url: string; entry: ArtifactEntry }) {
  const kind = previewKind(entry.name, entry.size);
  const q = useQuery({
    queryKey: ["artifact-file", url],
    queryFn: () => fetchText(url),
    enabled: kind === "text" || kind === "table",
    staleTime: Infinity, // a version's files never change
  });
  if (entry.ref) return <div className="muted">A reference to {entry.ref}: not stored here.</div>;
  if (kind === "image") return <img className="artifact-image" src={url} alt={entry.path} />;
  if (kind === "none") return <div className="muted">No preview for this file; download it.</div>;
  if (q.error) return <ErrorBox error={q.error} />;
  if (q.data === undefined) return <div className="loading">Loading…</div>;
  if (kind === "text") return <pre className="file-text">{q.data}</pre>;
  let t;
  try {
    t = parseTable(q.data);
  } catch (e) {
    return <ErrorBox error={e} />;
  }
  return (
    <div className="table-preview">
      <table className="data-table">
        <thead>
          <tr>
            {t.columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {t.rows.map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => (
                <td key={j}>{fmtValue(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="muted">
        {t.rows.length} of {t.total} rows
      </div>
    </div>
  );
}

export function FileBrowser(w: Where) {
  const [dir, setDir] = useState("");
  const [offset, setOffset] = useState(0);
  const [shown, setShown] = useState<ArtifactEntry | null>(null);
  const q = useQuery({
    queryKey: [...keys.artifactFiles(w.entity, w.project, w.name, w.version, dir), offset],
    queryFn: ({ signal }) => api.artifactFiles(w.entity, w.project, w.name, w.version, dir, offset, { signal }),
  });
  const url = (p: string) => artifactFilePath(w.entity, w.project, w.name, w.version, p);
  const go = (d: string) => (setDir(d), setOffset(0));
  const rows = q.data?.entries ?? [];
  return (
    <div className="files-layout artifact-files">
      <div className="files">
        <div className="dir-crumbs">
          {dirCrumbs(dir).map(([d, label]) => (
            <button key={d} className="link" onClick={() => go(d)}>
              {label}
            </button>
          ))}
        </div>
        {q.error && <ErrorBox error={q.error} />}
        <table className="data-table files-table">
          <tbody>
            {rows.map((f) => (
              <tr key={f.path} data-path={f.path} data-kind={f.kind}>
                <td>
                  <button className="link file-open" onClick={() => (f.kind === "dir" ? go(f.path) : setShown(f))}>
                    {f.kind === "dir" ? `${f.name}/` : f.name}
                  </button>
                </td>
                <td className="num">{f.kind === "dir" ? `${f.count} files` : ""}</td>
                <td className="num">{fmtBytes(f.size)}</td>
                <td>{f.kind === "file" && !f.ref && <a href={`${url(f.path)}?download=1`}>Download</a>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {q.data && q.data.total > rows.length && (
          <div className="pager">
            <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 200))}>
              Previous
            </button>
            <span className="muted">
              {offset + 1}–{offset + rows.length} of {q.data.total}
            </span>
            <button disabled={offset + rows.length >= q.data.total} onClick={() => setOffset(offset + 200)}>
              Next
            </button>
          </div>
        )}
      </div>
      <div className="file-view">
        {shown && <h3>{shown.path}</h3>}
        {shown && <Preview key={shown.path} url={url(shown.path)} entry={shown} />}
      </div>
    </div>
  );
}
