import { projectPath } from "../lib/paths";

/** The project's reports page, or one report's page (its shareable URL). */
export function reportsPath(entity: string, project: string, reportId?: string): string {
  const base = `${projectPath(entity, project)}/reports`;
  return reportId ? `${base}/${encodeURIComponent(reportId)}` : base;
}
