// Files saved with the run, to view (text or image) or download.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../api/client";
import { api } from "../api/endpoints";
import { ErrorBox } from "../common/PageHeader";
import { keys } from "../data/keys";
import { fmtBytes } from "../lib/format";
import { runFilePath } from "../lib/paths";
import type { RunRef } from "./RunPage";

type Shown = { path: string; image: true } | { path: string; text: string } | { path: string; error: unknown };

async function openFile(url: string, path: string): Promise<Shown> {
  const res = await fetch(url);
  if (!res.ok) {
    let msg = res.statusText;
    try {
      msg = (await res.json()).detail ?? msg;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, msg);
  }
  if ((res.headers.get("content-type") ?? "").startsWith("image/")) return { path, image: true };
  return { path, text: (await res.text()).slice(0, 500_000) };
}

export function FilesTab({ entity, project, runId }: RunRef) {
  const q = useQuery({
    queryKey: keys.files(entity, project, runId),
    queryFn: ({ signal }) => api.files(entity, project, runId, { signal }),
  });
  const [shown, setShown] = useState<Shown | null>(null);
  const url = (p: string) => runFilePath(entity, project, runId, p);
  const view = async (path: string) => {
    try {
      setShown(await openFile(url(path), path));
    } catch (e) {
      setShown({ path, error: e });
    }
  };
  let list;
  if (q.error) list = <ErrorBox error={q.error} />;
  else if (!q.data) list = <div className="loading">Loading…</div>;
  else if (q.data.files.length === 0) list = <div className="empty">No files saved with this run.</div>;
  else
    list = (
      <table className="data-table files-table">
        <thead>
          <tr>
            <th>File</th>
            <th className="num">Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {q.data.files.map((f) => (
            <tr key={f.path} data-path={f.path}>
              <td>
                <button className="link file-open" onClick={() => view(f.path)}>
                  {f.path}
                </button>
              </td>
              <td className="num">{fmtBytes(f.size)}</td>
              <td>
                <a href={`${url(f.path)}?download=1`} download={f.path.split("/").pop()}>
                  Download
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <div className="files-layout">
      <div className="files">{list}</div>
      <div className="file-view">
        {shown && <h3>{shown.path}</h3>}
        {shown && "error" in shown && <ErrorBox error={shown.error} />}
        {shown && "image" in shown && <img src={url(shown.path)} alt={shown.path} />}
        {shown && "text" in shown && <pre className="file-text">{shown.text}</pre>}
      </div>
    </div>
  );
}
