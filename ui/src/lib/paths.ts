// The one place that turns names into URLs: page paths, and the API's download
// links (which mirror the page paths under /api/v1/projects).

const enc = encodeURIComponent;

export const RUN_TABS = ["overview", "charts", "media", "system", "logs", "files"] as const;
export type RunTab = (typeof RUN_TABS)[number];

export function isRunTab(tab: string): tab is RunTab {
  return (RUN_TABS as readonly string[]).includes(tab);
}

export function projectPath(entity: string, project: string): string {
  return `/${enc(entity)}/${enc(project)}`;
}

export function runPath(entity: string, project: string, runId: string, tab?: RunTab): string {
  const base = `${projectPath(entity, project)}/runs/${enc(runId)}`;
  return tab && tab !== "overview" ? `${base}/${tab}` : base;
}

/** The API URL of a page path: ``apiPath(runPath(e, p, id)) + "/logs.txt"``. */
export function apiPath(pagePath: string): string {
  return `/api/v1/projects${pagePath}`;
}

/** A run file's URL; the path keeps its slashes. */
export function runFilePath(entity: string, project: string, runId: string, file: string): string {
  return `${apiPath(runPath(entity, project, runId))}/files/${file.split("/").map(enc).join("/")}`;
}
