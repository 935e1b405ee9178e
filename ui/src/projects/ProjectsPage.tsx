// Projects: each project with its run count and last activity.

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link } from "react-router";
import { api } from "../api/endpoints";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { keys } from "../data/keys";
import { fmtAgo, fmtTime } from "../lib/format";
import { projectPath } from "../lib/paths";

const EXAMPLE = 'import runbase as wandb\nrun = wandb.init(project="my-project")\nrun.log({"loss": 0.5})\nrun.finish()';

export function ProjectsPage() {
  const q = useQuery({ queryKey: keys.projects(), queryFn: ({ signal }) => api.projects({ signal }) });
  useEffect(() => {
    document.title = "runbase";
  }, []);
  let body;
  if (q.error) body = <ErrorBox error={q.error} />;
  else if (!q.data) body = <div className="loading">Loading…</div>;
  else if (q.data.projects.length === 0)
    body = (
      <div className="empty">
        <p>No runs yet. Log one and it shows up here:</p>
        <pre>{EXAMPLE}</pre>
      </div>
    );
  else
    body = (
      <table className="data-table projects-table">
        <thead>
          <tr>
            <th>Project</th>
            <th>Entity</th>
            <th className="num">Runs</th>
            <th>Last activity</th>
          </tr>
        </thead>
        <tbody>
          {q.data.projects.map((p) => (
            <tr key={`${p.entity}/${p.project}`} data-project={`${p.entity}/${p.project}`}>
              <td>
                <Link to={projectPath(p.entity, p.project)} className="project-link">
                  {p.project}
                </Link>
              </td>
              <td>{p.entity}</td>
              <td className="num">{p.run_count}</td>
              <td title={fmtTime(p.last_activity)}>{fmtAgo(p.last_activity)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <>
      <PageHeader crumbs={[{ label: "Projects" }]} />
      <div className="projects">{body}</div>
    </>
  );
}
