// The run's console output: the last 10,000 lines, searchable, with a download
// of the whole log. When the run changes, only the new lines are fetched.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useLayoutEffect, useRef, useState } from "react";
import { api } from "../api/endpoints";
import type { LogLine } from "../api/types";
import { ErrorBox } from "../common/PageHeader";
import { keys } from "../data/keys";
import { fmtTime } from "../lib/format";
import { apiPath, runPath } from "../lib/paths";
import { SearchBox } from "../workspace/Toolbars";
import type { RunRef } from "./RunPage";

const KEEP = 10_000;

export interface LogState {
  end: number; // the next line index to read
  matched: number; // matching lines so far
  lines: LogLine[]; // the last KEEP of them
}

/** Add a tail answer to what is shown. */
export function appendTail(
  prev: LogState | undefined,
  tail: { end: number; matched: number; lines: LogLine[] },
): LogState {
  const lines = [...(prev?.lines ?? []), ...tail.lines];
  return { end: tail.end, matched: (prev?.matched ?? 0) + tail.matched, lines: lines.slice(-KEEP) };
}

export function LogsTab({ entity, project, runId }: RunRef) {
  const qc = useQueryClient();
  const [search, setSearch] = useState("");
  const [follow, setFollow] = useState(true);
  const key = keys.logs(entity, project, runId, search);
  const q = useQuery({
    queryKey: key,
    queryFn: async ({ signal }) => {
      const prev = qc.getQueryData<LogState>(key);
      return appendTail(prev, await api.logsTail(entity, project, runId, prev?.end ?? 0, search, { signal }));
    },
  });
  const out = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const el = out.current;
    if (el && follow && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [q.data, follow]);
  const d = q.data;
  const info = !d
    ? ""
    : d.matched > d.lines.length
      ? `last ${d.lines.length} of ${d.matched} lines`
      : `${d.matched} lines`;
  return (
    <>
      <div className="toolbar">
        <SearchBox value={search} onChange={setSearch} className="log-search" placeholder="Search logs" />
        <a
          className="button"
          href={`${apiPath(runPath(entity, project, runId))}/logs.txt`}
          download={`${runId}-output.log`}
        >
          Download
        </a>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <span className="log-info">{info}</span>
      </div>
      <pre
        className="logs"
        ref={out}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 30;
        }}
      >
        {q.error ? (
          <ErrorBox error={q.error} />
        ) : d && d.lines.length === 0 ? (
          <div className="muted">{search ? "No line matches." : "No console output."}</div>
        ) : (
          d?.lines.map((l, i) => (
            <div key={i} className={`log-line${l.stream === "stderr" ? " stderr" : ""}`}>
              <span className="log-time">{fmtTime(l.t ?? null).slice(11)}</span>
              {l.line}
            </div>
          ))
        )}
      </pre>
    </>
  );
}
