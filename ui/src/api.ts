// The HTTP API under /api/v1 (see docs/web.md). Every call throws ApiError with
// the server's message, which the pages show instead of a blank screen.

export interface Project {
  entity: string;
  project: string;
  run_count: number;
  last_activity: number | null;
}

export interface Run {
  id: string;
  entity: string;
  project: string;
  name: string;
  state: string;
  created_at: number | null;
  runtime: number | null;
  user: string | null;
  host: string | null;
  tags: string[];
  group: string | null;
  job_type: string | null;
  notes: string | null;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
  metric_min: Record<string, number>;
  metric_max: Record<string, number>;
  metadata?: Record<string, unknown>;
  url?: string;
}

export interface Columns {
  config: string[];
  summary: string[];
  metrics: string[];
}

export interface SeriesData {
  run_id: string;
  x: number[];
  y: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface SeriesResponse {
  key: string;
  x_key: string;
  series: SeriesData[];
}

export interface GroupInfo {
  value: unknown;
  count: number;
  offset: number; // where the group's first run sits in /runs with the same query
}

export interface GroupsResponse {
  by: string;
  order: string;
  total: number;
  truncated: boolean;
  groups: GroupInfo[];
}

export interface LogLine {
  t: number;
  stream: string;
  line: string;
}

export interface FileInfo {
  path: string;
  size: number;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, `cannot reach the runbase server (${String(e)})`);
  }
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const j = await res.json();
      if (typeof j.detail === "string") msg = j.detail;
      else if (j.detail) msg = JSON.stringify(j.detail);
    } catch {
      /* not JSON: keep the status line */
    }
    throw new ApiError(res.status, msg);
  }
  return (await res.json()) as T;
}

const enc = encodeURIComponent;
export const API = "/api/v1";

export function projectApi(entity: string, project: string): string {
  return `${API}/projects/${enc(entity)}/${enc(project)}`;
}

export function runApi(entity: string, project: string, runId: string): string {
  return `${projectApi(entity, project)}/runs/${enc(runId)}`;
}

export interface RunQuery {
  filters?: unknown;
  search?: string;
  order?: string;
  limit?: number;
  offset?: number;
}

export function runQueryParams(q: RunQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.filters) p.set("filters", JSON.stringify(q.filters));
  if (q.search) p.set("search", q.search);
  if (q.order) p.set("order", q.order);
  if (q.limit !== undefined) p.set("limit", String(q.limit));
  if (q.offset !== undefined) p.set("offset", String(q.offset));
  return p;
}

export const api = {
  projects: () => call<{ projects: Project[] }>("GET", `${API}/projects`),
  project: (e: string, p: string) => call<Project>("GET", projectApi(e, p)),
  columns: (e: string, p: string) => call<Columns>("GET", `${projectApi(e, p)}/columns`),
  runs: (e: string, p: string, q: RunQuery) =>
    call<{ total: number; runs: Run[] }>("GET", `${projectApi(e, p)}/runs?${runQueryParams(q)}`),
  groups: (e: string, p: string, by: string, q: RunQuery) => {
    const params = runQueryParams(q);
    params.set("by", by);
    return call<GroupsResponse>("GET", `${projectApi(e, p)}/groups?${params}`);
  },
  csvUrl: (e: string, p: string, q: RunQuery) =>
    `${projectApi(e, p)}/runs.csv?${runQueryParams(q)}`,
  deleteRuns: (e: string, p: string, ids: string[]) =>
    call<{ deleted: number }>("POST", `${projectApi(e, p)}/runs/delete`, { ids }),
  run: (e: string, p: string, id: string) => call<Run>("GET", runApi(e, p, id)),
  updateRun: (e: string, p: string, id: string, patch: Partial<Pick<Run, "name" | "notes" | "tags">>) =>
    call<Run>("PATCH", runApi(e, p, id), patch),
  series: (
    e: string,
    p: string,
    key: string,
    runs: string[],
    x: string,
    buckets: number,
    xMin?: number,
    xMax?: number,
  ) => {
    const q = new URLSearchParams({ key, runs: runs.join(","), x, buckets: String(buckets) });
    if (xMin !== undefined) q.set("x_min", String(xMin));
    if (xMax !== undefined) q.set("x_max", String(xMax));
    return call<SeriesResponse>("GET", `${projectApi(e, p)}/series?${q}`);
  },
  runMetrics: (e: string, p: string, id: string) =>
    call<{ metrics: string[] }>("GET", `${runApi(e, p, id)}/metrics`),
  system: (e: string, p: string, id: string) =>
    call<{ keys: string[]; series: Record<string, { t: number[]; v: (number | null)[] }> }>(
      "GET",
      `${runApi(e, p, id)}/system`,
    ),
  logs: (e: string, p: string, id: string, search: string, limit: number) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (search) q.set("search", search);
    return call<{ total: number; lines: LogLine[] }>("GET", `${runApi(e, p, id)}/logs?${q}`);
  },
  files: (e: string, p: string, id: string) =>
    call<{ files: FileInfo[] }>("GET", `${runApi(e, p, id)}/files`),
};
