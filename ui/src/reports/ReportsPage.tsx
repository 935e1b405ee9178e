// A project's reports: the list, most recently edited first, and a new report.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { ProjectNav } from "../artifacts/ArtifactsPage";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { fmtTime } from "../lib/format";
import { projectPath } from "../lib/paths";
import { reportKeys, reportsApi } from "./api";
import { markdownBlock } from "./blocks";
import { reportsPath } from "./paths";
import "./reports.css";

export function ReportsPage({ entity, project }: { entity: string; project: string }) {
  useEffect(() => {
    document.title = `Reports · ${project} · runbase`;
  }, [project]);
  const qc = useQueryClient();
  const nav = useNavigate();
  const [title, setTitle] = useState("");
  const q = useQuery({ queryKey: reportKeys.list(entity, project), queryFn: () => reportsApi.list(entity, project) });
  const create = useMutation({
    mutationFn: (t: string) => reportsApi.create(entity, project, t, [markdownBlock([], "")]),
    onSuccess: (r) => {
      qc.setQueryData(reportKeys.one(entity, project, r.id), r);
      void qc.invalidateQueries({ queryKey: reportKeys.list(entity, project) });
      nav(`${reportsPath(entity, project, r.id)}?edit=${r.blocks[0]?.id ?? ""}`);
    },
  });
  const reports = q.data?.reports ?? [];
  return (
    <>
      <PageHeader
        crumbs={[{ label: entity }, { label: project, href: projectPath(entity, project) }, { label: "Reports" }]}
      >
        <ProjectNav entity={entity} project={project} current="reports" />
      </PageHeader>
      <form
        className="report-new"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(title.trim() || "Untitled report");
        }}
      >
        <input
          aria-label="New report title"
          placeholder="Title of a new report"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <button type="submit" className="primary" disabled={create.isPending}>
          New report
        </button>
      </form>
      {create.error && <ErrorBox error={create.error} />}
      {q.error && <ErrorBox error={q.error} />}
      {q.data && reports.length === 0 && (
        <p className="empty-note">
          No reports yet. A report mixes notes in markdown with live charts of your runs; share it by its link or export
          it as one HTML file.
        </p>
      )}
      {reports.length > 0 && (
        <table className="data-table reports-table">
          <thead>
            <tr>
              <th>Report</th>
              <th>Blocks</th>
              <th>Updated</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((r) => (
              <tr key={r.id} data-report={r.id}>
                <td>
                  <Link to={reportsPath(entity, project, r.id)}>{r.title}</Link>
                </td>
                <td>{r.blocks}</td>
                <td>{fmtTime(r.updated_at)}</td>
                <td>{fmtTime(r.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
