// The one place that turns names into URLs: page paths, and the API's download
// links (which mirror the page paths under /api/v1/projects).

const enc = encodeURIComponent;

export const RUN_TABS = ["overview", "charts", "media", "system", "logs", "files", "artifacts"] as const;
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

/** The project's sweeps page, or one sweep's workspace. */
export function sweepsPath(entity: string, project: string, sweepId?: string): string {
  const base = `${projectPath(entity, project)}/sweeps`;
  return sweepId ? `${base}/${enc(sweepId)}` : base;
}

/** The API URL of a page path: ``apiPath(runPath(e, p, id)) + "/logs.txt"``. */
export function apiPath(pagePath: string): string {
  return `/api/v1/projects${pagePath}`;
}

/** A run file's URL; the path keeps its slashes. */
export function runFilePath(entity: string, project: string, runId: string, file: string): string {
  return `${apiPath(runPath(entity, project, runId))}/files/${file.split("/").map(enc).join("/")}`;
}

/** The project's artifacts page, a collection's versions, or one version (``v3`` or an alias). */
export function artifactsPath(entity: string, project: string, name?: string, version?: string): string {
  let out = `${projectPath(entity, project)}/artifacts`;
  if (name) out += `/${enc(name)}`;
  if (name && version) out += `/${enc(version)}`;
  return out;
}

/** A file of an artifact version (API URL); the path keeps its slashes. */
export function artifactFilePath(entity: string, project: string, name: string, version: string, file: string): string {
  const v = `${apiPath(projectPath(entity, project))}/artifacts/${enc(name)}/versions/${enc(version)}`;
  return `${v}/files/${file.split("/").map(enc).join("/")}`;
}
