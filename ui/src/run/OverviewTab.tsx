// The run's Overview: editable description and tags, its fields, and the
// config and summary as searchable tables.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { Link } from "react-router";
import { api, type RunDetail } from "../api/endpoints";
import { ErrorBox } from "../common/PageHeader";
import { StateBadge } from "../common/StateBadge";
import { keys } from "../data/keys";
import { fmtBytes, fmtDuration, fmtTime, fmtValue } from "../lib/format";
import { artifactsPath } from "../lib/paths";
import { Privacy } from "../team/Privacy";
import { runArtifactsQuery } from "./ArtifactsTab";
import { commandLine, endTime, exitText } from "./overviewFields";
import "./Overview.css";
import type { RunRef } from "./RunPage";

// The Markdown renderer is its own chunk: only a run page with a description needs it.
const Markdown = lazy(() => import("./Markdown"));

function meta(run: RunDetail, ...names: string[]): unknown {
  const m = run.metadata;
  for (const k of names) if (m[k] !== undefined && m[k] !== null && m[k] !== "") return m[k];
  return undefined;
}

function gitText(git: unknown): string {
  if (!git || typeof git !== "object") return fmtValue(git);
  const g = git as Record<string, unknown>;
  const parts = [g.commit ? String(g.commit).slice(0, 12) : ""];
  if (g.branch) parts.push(`on ${g.branch}`);
  if (g.dirty) parts.push("(uncommitted changes)");
  if (g.remote) parts.push(`· ${g.remote}`);
  return parts.filter(Boolean).join(" ");
}

function hardware(run: RunDetail): string {
  const parts: string[] = [];
  const cpu = meta(run, "cpu_count_logical", "cpu_count");
  const cpuName = meta(run, "cpu_model", "cpu");
  if (cpu !== undefined) parts.push(`${cpu} CPU${cpuName ? ` (${fmtValue(cpuName)})` : ""}`);
  const gpuCount = meta(run, "gpu_count");
  if (gpuCount) parts.push(`${gpuCount} × ${fmtValue(meta(run, "gpu") ?? "GPU")}`);
  const mem = meta(run, "memory");
  const total = typeof mem === "object" && mem ? (mem as Record<string, unknown>).total : meta(run, "memory_total");
  if (typeof total === "number") parts.push(`${fmtBytes(total)} RAM`);
  return parts.join(", ");
}

/** The versions the run logged or used, each a link to its page. */
function ArtifactLinks({ run, which }: { run: RunDetail; which: "logged" | "used" }) {
  const q = useQuery(runArtifactsQuery(run.entity, run.project, run.id));
  const list = q.data?.[which];
  if (!list) return <span className="muted">{q.error ? "–" : "…"}</span>;
  if (!list.length) return <span className="muted">None</span>;
  return (
    <span className="artifact-links">
      {list.map((v) => (
        <Link key={`${v.name}:${v.version}`} to={artifactsPath(v.entity, v.project, v.name, `v${v.version}`)}>
          {v.name}:v{v.version}
        </Link>
      ))}
    </span>
  );
}

function Fields({ run }: { run: RunDetail }) {
  const rows: [string, React.ReactNode][] = [
    ["Run name", run.name ?? ""],
    ["Privacy", <Privacy entity={run.entity} project={run.project} />],
    ["Author", run.user ?? ""],
    ["State", <StateBadge state={run.state} />],
    ["Start time", fmtTime(run.created_at)],
    ["End time", endTime(run)],
    ["Duration", fmtDuration(run.runtime)],
    ["Exit code", exitText(run)],
    ["Run path", <code className="run-path">{`${run.entity}/${run.project}/${run.id}`}</code>],
    ["Host name", run.host ?? fmtValue(meta(run, "host"))],
    ["OS", fmtValue(meta(run, "os", "platform"))],
    ["Python version", fmtValue(meta(run, "python"))],
    ["Python executable", fmtValue(meta(run, "executable"))],
    ["Command", commandLine(run) ? <code className="command-line">{commandLine(run)}</code> : ""],
    ["Git", gitText(meta(run, "git"))],
    ["System hardware", hardware(run)],
    ["CLI version", fmtValue(meta(run, "runbase_version", "cli_version"))],
    ["Group", run.group ?? ""],
    ["Job type", run.job_type ?? ""],
    ["Artifact outputs", <ArtifactLinks run={run} which="logged" />],
    ["Artifact inputs", <ArtifactLinks run={run} which="used" />],
  ];
  return (
    <dl className="overview-fields">
      {rows.map(([k, v]) => [
        <dt key={`t:${k}`}>{k}</dt>,
        <dd key={`d:${k}`} data-field={k.toLowerCase().replace(/ /g, "-")}>
          {v === "" ? <span className="muted">–</span> : v}
        </dd>,
      ])}
    </dl>
  );
}

function KvTable({ title, values }: { title: string; values: Record<string, unknown> }) {
  const [search, setSearch] = useState("");
  let re: RegExp | null = null;
  try {
    re = search ? new RegExp(search, "i") : null;
  } catch {
    re = null;
  }
  const all = Object.keys(values).sort();
  const shown = all.filter((k) => !re || re.test(k) || re.test(fmtValue(values[k])));
  return (
    <section className={`kv kv-${title.toLowerCase()}`}>
      <div className="kv-head">
        <h2>{title}</h2>
        <input
          type="search"
          className="kv-search"
          placeholder={`Search ${title.toLowerCase()}`}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <table className="data-table">
        <thead>
          <tr>
            <th>Key</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {shown.length ? (
            shown.map((k) => (
              <tr key={k}>
                <td className="kv-key">{k}</td>
                <td className="kv-val">{fmtValue(values[k])}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={2} className="muted">
                {all.length ? "No match" : "Empty"}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

export function OverviewTab({ entity, project, runId, run }: RunRef & { run: RunDetail }) {
  const qc = useQueryClient();
  // The text being edited is the user's: a refetched run does not overwrite it.
  const [notes, setNotes] = useState(run.notes ?? "");
  const [status, setStatus] = useState("");
  const [tagError, setTagError] = useState<unknown>(null);
  const [tag, setTag] = useState("");
  const save = async (patch: { notes?: string; tags?: string[] }) => {
    const fresh = await api.updateRun(entity, project, runId, patch);
    qc.setQueryData(keys.runInfo(entity, project, runId), fresh);
    void qc.invalidateQueries({ queryKey: keys.project(entity, project) });
    return fresh;
  };
  const saveNotes = async () => {
    try {
      await save({ notes });
      setStatus("Saved");
    } catch (e) {
      setStatus(`Not saved: ${(e as Error).message}`);
    }
  };
  const saveTags = async (tags: string[]) => {
    try {
      setTagError(null);
      await save({ tags });
    } catch (e) {
      setTagError(e);
    }
  };
  return (
    <div className="overview">
      <div className="overview-edit">
        <label className="field-label" htmlFor="run-notes">
          Description
        </label>
        {run.notes ? (
          <Suspense fallback={<div className="markdown">{run.notes}</div>}>
            <Markdown text={run.notes} />
          </Suspense>
        ) : null}
        <textarea
          id="run-notes"
          className="notes-input"
          rows={3}
          placeholder="Add a description of this run (Markdown)"
          value={notes}
          onChange={(e) => (setNotes(e.target.value), setStatus("Unsaved"))}
        />
        <div>
          <button className="save-notes" onClick={saveNotes}>
            Save
          </button>
          <span className="save-status">{status}</span>
        </div>
        <label className="field-label">Tags</label>
        <div className="tags-edit">
          {run.tags.map((t) => (
            <span key={t} className="tag editable" data-tag={t}>
              {t}
              <button className="tag-x" title={`Remove ${t}`} onClick={() => saveTags(run.tags.filter((x) => x !== t))}>
                ×
              </button>
            </span>
          ))}
          <input
            className="tag-input"
            placeholder="Add tag"
            value={tag}
            onChange={(e) => setTag(e.target.value)}
            onKeyDown={(e) => {
              const v = tag.trim();
              if (e.key === "Enter" && v && !run.tags.includes(v)) {
                setTag("");
                void saveTags([...run.tags, v]);
              }
            }}
          />
          {tagError !== null && <ErrorBox error={tagError} />}
        </div>
      </div>
      <Fields run={run} />
      <KvTable title="Config" values={run.config} />
      <KvTable title="Summary" values={run.summary} />
    </div>
  );
}
