// The run page (the URL runbase.init() prints): Overview, Charts, System, Logs,
// Files and Artifacts tabs, each with its own URL.

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link } from "react-router";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { StateBadge } from "../common/StateBadge";
import { runQuery } from "../data/runs";
import { projectPath, RUN_TABS, runPath, type RunTab } from "../lib/paths";
import { ArtifactsTab } from "./ArtifactsTab";
import { ChartsTab, MediaTab, SystemTab } from "./ChartTabs";
import { FilesTab } from "./FilesTab";
import { LogsTab } from "./LogsTab";
import { OverviewTab } from "./OverviewTab";
import { StopButton } from "./StopButton";

const TAB_LABELS: Record<RunTab, string> = {
  overview: "Overview",
  charts: "Charts",
  media: "Media",
  system: "System",
  logs: "Logs",
  files: "Files",
  artifacts: "Artifacts",
};

export interface RunRef {
  entity: string;
  project: string;
  runId: string;
}

export function RunPage({ entity, project, runId, tab }: RunRef & { tab: RunTab }) {
  const ref = { entity, project, runId };
  const q = useQuery(runQuery(entity, project, runId));
  const run = q.data;
  useEffect(() => {
    if (run) document.title = `${run.name || run.id} · ${project} · runbase`;
  }, [run, project]);
  let body;
  if (q.error) body = <ErrorBox error={q.error} />;
  else if (!run) body = <div className="loading">Loading…</div>;
  else if (tab === "overview") body = <OverviewTab {...ref} run={run} />;
  else if (tab === "charts") body = <ChartsTab {...ref} run={run} />;
  else if (tab === "media") body = <MediaTab {...ref} run={run} />;
  else if (tab === "system") body = <SystemTab {...ref} run={run} />;
  else if (tab === "logs") body = <LogsTab {...ref} />;
  else if (tab === "files") body = <FilesTab {...ref} />;
  else body = <ArtifactsTab {...ref} />;
  return (
    <>
      <PageHeader
        crumbs={[{ label: entity }, { label: project, href: projectPath(entity, project) }, { label: "runs" }]}
      >
        <span className="run-title">{run ? run.name || run.id : ""}</span>
        <span className="run-state">{run && <StateBadge state={run.state} />}</span>
        <StopButton {...ref} />
      </PageHeader>
      <nav className="tabs">
        {RUN_TABS.map((t) => (
          <Link
            key={t}
            to={runPath(entity, project, runId, t)}
            className={`tab${t === tab ? " active" : ""}`}
            data-tab={t}
          >
            {TAB_LABELS[t]}
          </Link>
        ))}
      </nav>
      <div className="run-body">{body}</div>
    </>
  );
}
