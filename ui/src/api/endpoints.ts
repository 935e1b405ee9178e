// One function per route the app uses. Request and answer types come from the
// generated schema (types.ts), so the compiler checks both against the server.

import { client, unwrap } from "./client";
import type { LogTail, Ok, QueryOf, RunPatch, Changes, Schemas } from "./types";

type P = "/api/v1/projects/{entity}/{project}";
type R = "/api/v1/projects/{entity}/{project}/runs/{run_id}";

export type Projects = Ok<"/api/v1/projects", "get">;
export type GroupAggs = Ok<`${P}/groups/aggregates`, "get">;
export type ColumnAgg = GroupAggs["columns"][number];
export type Project = Ok<P, "get">;
export type RunsPage = Ok<`${P}/runs`, "get">;
type A = "/api/v1/projects/{entity}/{project}/artifacts/{name}/versions/{version}";
export type ArtifactTypes = Ok<`${P}/artifacts`, "get">;
export type ArtifactCollection = ArtifactTypes["types"][number]["collections"][number];
export type ArtifactVersions = Ok<`${P}/artifacts/{name}/versions`, "get">;
export type ArtifactVersion = ArtifactVersions["versions"][number];
export type ArtifactVersionDetail = Ok<A, "get">;
export type ArtifactFiles = Ok<`${A}/files`, "get">;
export type ArtifactEntry = ArtifactFiles["entries"][number];
export type Lineage = Ok<`${A}/lineage`, "get">;
export type LineageNode = Lineage["nodes"][number];
export type RunArtifacts = Ok<`${R}/artifacts`, "get">;
/** A run as the runs table (and a chart's line names) sees it. */
export type Run = RunsPage["runs"][number];
/** One run's page: a table row plus its metadata and metric definitions. */
export type RunDetail = Ok<R, "get">;
export type Columns = Ok<`${P}/columns`, "get">;
export type FieldValues = Ok<`${P}/values`, "get">;
export type Groups = Ok<`${P}/groups`, "get">;
export type Group = Groups["groups"][number];
export type SeriesSet = Ok<`${P}/series`, "get">;
/** One line as the server sends it; charts draw it through `chartLine` (lib/chartLine.ts). */
export type SeriesLine = SeriesSet["series"][number];
export type SeriesBatch = Ok<`${P}/series/batch`, "post">;
export type SeriesBatchQuery = Schemas["SeriesBatchQuery"];
export type Files = Ok<`${R}/files`, "get">;
export type FileInfo = Files["files"][number];
export type SystemData = Ok<`${R}/system`, "get">;
export type SystemLine = SystemData["series"][string];
/** One run's system samples with its start, as the workspace's System section asks for them. */
export type RunSystem = Ok<`${P}/system/batch`, "post">["runs"][number];
export type TablePage = Ok<`${R}/table`, "get">;
export type ImportanceData = Ok<`${P}/importance`, "post">;
export type ImportanceQuery = Schemas["ImportanceQuery"];
export type HistogramData = Ok<`${R}/histogram`, "get">;
export type ChartData = Ok<`${R}/chart`, "get">;

/** What a table page asks for: sorting, search, per-column filters, paging. */
export interface TableQuery {
  key: string;
  step?: number;
  sort?: string;
  desc?: boolean;
  search?: string;
  filters?: Record<string, string>;
  offset: number;
  limit: number;
}

export type MediaKeys = Ok<`${P}/media/keys`, "get">;
export type MediaKeyInfo = MediaKeys["keys"][number];
export type MediaSteps = Ok<`${P}/media/steps`, "get">;
export type MediaFirst = Ok<`${P}/media/first`, "get">;
export type MediaFirstKey = MediaFirst["keys"][number];
export type MediaAtStep = Ok<`${P}/media`, "get">;
export type MediaItem = MediaAtStep["items"][number];
export type MediaFile = MediaItem["files"][number];
export type MediaBoxes = MediaFile["boxes"][number];

/** What selects and orders runs: the query string of /runs, /groups and runs.csv. */
export interface RunQuery {
  filters?: unknown;
  search?: string;
  order?: string;
}

export function runQueryParams(q: RunQuery): QueryOf<`${P}/runs`> {
  return {
    filters: q.filters ? JSON.stringify(q.filters) : undefined,
    search: q.search || undefined,
    order: q.order,
  };
}

type Opt = { signal?: AbortSignal };
const path = (entity: string, project: string) => ({ entity, project });
const runP = (entity: string, project: string, run_id: string) => ({ entity, project, run_id });
const artP = (entity: string, project: string, name: string, version: string) => ({ entity, project, name, version });

export const api = {
  changes: (since: number | null, o: Opt = {}) =>
    unwrap<Changes>(client.GET("/api/v1/changes", { params: { query: { since: since ?? undefined } }, ...o })),
  projects: (o: Opt = {}) => unwrap<Projects>(client.GET("/api/v1/projects", o)),
  project: (e: string, p: string, o: Opt = {}) =>
    unwrap<Project>(client.GET("/api/v1/projects/{entity}/{project}", { params: { path: path(e, p) }, ...o })),
  columns: (e: string, p: string, o: Opt = {}) =>
    unwrap<Columns>(client.GET("/api/v1/projects/{entity}/{project}/columns", { params: { path: path(e, p) }, ...o })),
  values: (e: string, p: string, field: string, o: Opt = {}) =>
    unwrap<FieldValues>(
      client.GET("/api/v1/projects/{entity}/{project}/values", {
        params: { path: path(e, p), query: { field, limit: 100 } },
        ...o,
      }),
    ),
  runs: (e: string, p: string, q: RunQuery, offset: number, limit: number, o: Opt = {}) =>
    unwrap<RunsPage>(
      client.GET("/api/v1/projects/{entity}/{project}/runs", {
        params: { path: path(e, p), query: { ...runQueryParams(q), offset, limit } },
        ...o,
      }),
    ),
  groups: (e: string, p: string, by: string, q: RunQuery, o: Opt = {}) =>
    unwrap<Groups>(
      client.GET("/api/v1/projects/{entity}/{project}/groups", {
        params: { path: path(e, p), query: { ...runQueryParams(q), by } },
        ...o,
      }),
    ),
  groupAggs: (e: string, p: string, columns: string[], agg: string, q: RunQuery, o: Opt = {}) =>
    unwrap<GroupAggs>(
      client.GET("/api/v1/projects/{entity}/{project}/groups/aggregates", {
        params: {
          path: path(e, p),
          query: { filters: runQueryParams(q).filters, search: q.search, columns: columns.join(","), agg },
        },
        ...o,
      }),
    ),
  deleteRuns: (e: string, p: string, ids: string[]) =>
    unwrap<Ok<`${P}/runs/delete`, "post">>(
      client.POST("/api/v1/projects/{entity}/{project}/runs/delete", { params: { path: path(e, p) }, body: { ids } }),
    ),
  tagRuns: (e: string, p: string, ids: string[], add: string[], remove: string[]) =>
    unwrap<Ok<`${P}/runs/tags`, "post">>(
      client.POST("/api/v1/projects/{entity}/{project}/runs/tags", {
        params: { path: path(e, p) },
        body: { ids, add, remove },
      }),
    ),
  moveRuns: (e: string, p: string, ids: string[], project: string) =>
    unwrap<Ok<`${P}/runs/move`, "post">>(
      client.POST("/api/v1/projects/{entity}/{project}/runs/move", {
        params: { path: path(e, p) },
        body: { ids, project },
      }),
    ),
  importance: (e: string, p: string, body: ImportanceQuery, o: Opt = {}) =>
    unwrap<ImportanceData>(
      client.POST("/api/v1/projects/{entity}/{project}/importance", { params: { path: path(e, p) }, body, ...o }),
    ),
  run: (e: string, p: string, id: string, o: Opt = {}) =>
    unwrap<RunDetail>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}", { params: { path: runP(e, p, id) }, ...o }),
    ),
  stopRun: (e: string, p: string, id: string) =>
    unwrap<Ok<`${R}/stop`, "post">>(
      client.POST("/api/v1/projects/{entity}/{project}/runs/{run_id}/stop", { params: { path: runP(e, p, id) } }),
    ),
  updateRun: (e: string, p: string, id: string, patch: RunPatch) =>
    unwrap<Ok<R, "patch">>(
      client.PATCH("/api/v1/projects/{entity}/{project}/runs/{run_id}", {
        params: { path: runP(e, p, id) },
        body: patch,
      }),
    ),
  series: (
    e: string,
    p: string,
    q: { key: string; runs: string[]; x: string; buckets: number; xMin?: number; xMax?: number },
    o: Opt = {},
  ) =>
    unwrap<SeriesSet>(
      client.GET("/api/v1/projects/{entity}/{project}/series", {
        params: {
          path: path(e, p),
          query: { key: q.key, runs: q.runs.join(","), x: q.x, buckets: q.buckets, x_min: q.xMin, x_max: q.xMax },
        },
        ...o,
      }),
    ),
  seriesBatch: (e: string, p: string, body: SeriesBatchQuery, o: Opt = {}) =>
    unwrap<SeriesBatch>(
      client.POST("/api/v1/projects/{entity}/{project}/series/batch", { params: { path: path(e, p) }, body, ...o }),
    ),
  runMetrics: (e: string, p: string, id: string, o: Opt = {}) =>
    unwrap<Ok<`${R}/metrics`, "get">>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/metrics", {
        params: { path: runP(e, p, id) },
        ...o,
      }),
    ),
  system: (e: string, p: string, id: string, o: Opt = {}) =>
    unwrap<SystemData>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/system", {
        params: { path: runP(e, p, id) },
        ...o,
      }),
    ),
  systemBatch: (e: string, p: string, runs: string[], o: Opt = {}) =>
    unwrap<Ok<`${P}/system/batch`, "post">>(
      client.POST("/api/v1/projects/{entity}/{project}/system/batch", {
        params: { path: path(e, p) },
        body: { runs },
        ...o,
      }),
    ),
  logsTail: (e: string, p: string, id: string, start: number, search: string, o: Opt = {}) =>
    unwrap<LogTail>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/logs/tail", {
        params: { path: runP(e, p, id), query: { start, search: search || undefined, limit: 10_000 } },
        ...o,
      }),
    ),
  mediaKeys: (e: string, p: string, runs: string[], o: Opt = {}) =>
    unwrap<MediaKeys>(
      client.GET("/api/v1/projects/{entity}/{project}/media/keys", {
        params: { path: path(e, p), query: { runs: runs.join(",") } },
        ...o,
      }),
    ),
  /** The media keys of the first ``n`` runs of a query (and which runs those are). */
  mediaKeysFirst: (e: string, p: string, q: RunQuery, n: number, o: Opt = {}) =>
    unwrap<MediaKeys>(
      client.GET("/api/v1/projects/{entity}/{project}/media/keys", {
        params: { path: path(e, p), query: { ...runQueryParams(q), first: n } },
        ...o,
      }),
    ),
  mediaFirst: (e: string, p: string, keys: string[], runs: string[], o: Opt = {}) =>
    unwrap<MediaFirst>(
      client.GET("/api/v1/projects/{entity}/{project}/media/first", {
        params: { path: path(e, p), query: { key: keys, runs: runs.join(",") } },
        ...o,
      }),
    ),
  mediaSteps: (e: string, p: string, key: string, runs: string[], o: Opt = {}) =>
    unwrap<MediaSteps>(
      client.GET("/api/v1/projects/{entity}/{project}/media/steps", {
        params: { path: path(e, p), query: { key, runs: runs.join(","), merged: true } },
        ...o,
      }),
    ),
  mediaAt: (e: string, p: string, key: string, runs: string[], step: number, o: Opt = {}) =>
    unwrap<MediaAtStep>(
      client.GET("/api/v1/projects/{entity}/{project}/media", {
        params: { path: path(e, p), query: { key, runs: runs.join(","), step } },
        ...o,
      }),
    ),
  files: (e: string, p: string, id: string, o: Opt = {}) =>
    unwrap<Files>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/files", { params: { path: runP(e, p, id) }, ...o }),
    ),
  table: (e: string, p: string, id: string, q: TableQuery, o: Opt = {}) =>
    unwrap<TablePage>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/table", {
        params: {
          path: runP(e, p, id),
          query: {
            key: q.key,
            step: q.step,
            sort: q.sort,
            desc: q.desc || undefined,
            search: q.search || undefined,
            filters: q.filters && Object.keys(q.filters).length ? JSON.stringify(q.filters) : undefined,
            offset: q.offset,
            limit: q.limit,
          },
        },
        ...o,
      }),
    ),
  histogram: (e: string, p: string, id: string, key: string, maxSteps: number, o: Opt = {}) =>
    unwrap<HistogramData>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/histogram", {
        params: { path: runP(e, p, id), query: { key, max_steps: maxSteps } },
        ...o,
      }),
    ),
  chart: (e: string, p: string, id: string, key: string, o: Opt = {}) =>
    unwrap<ChartData>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/chart", {
        params: { path: runP(e, p, id), query: { key } },
        ...o,
      }),
    ),
  artifacts: (e: string, p: string, o: Opt = {}) =>
    unwrap<ArtifactTypes>(
      client.GET("/api/v1/projects/{entity}/{project}/artifacts", { params: { path: path(e, p) }, ...o }),
    ),
  artifactVersions: (e: string, p: string, name: string, o: Opt = {}) =>
    unwrap<ArtifactVersions>(
      client.GET("/api/v1/projects/{entity}/{project}/artifacts/{name}/versions", {
        params: { path: { entity: e, project: p, name }, query: { limit: 1000 } },
        ...o,
      }),
    ),
  artifactVersion: (e: string, p: string, name: string, v: string, o: Opt = {}) =>
    unwrap<ArtifactVersionDetail>(
      client.GET("/api/v1/projects/{entity}/{project}/artifacts/{name}/versions/{version}", {
        params: { path: artP(e, p, name, v) },
        ...o,
      }),
    ),
  artifactFiles: (e: string, p: string, name: string, v: string, dir: string, offset: number, o: Opt = {}) =>
    unwrap<ArtifactFiles>(
      client.GET("/api/v1/projects/{entity}/{project}/artifacts/{name}/versions/{version}/files", {
        params: { path: artP(e, p, name, v), query: { dir, offset, limit: 200 } },
        ...o,
      }),
    ),
  artifactLineage: (e: string, p: string, name: string, v: string, depth: number, o: Opt = {}) =>
    unwrap<Lineage>(
      client.GET("/api/v1/projects/{entity}/{project}/artifacts/{name}/versions/{version}/lineage", {
        params: { path: artP(e, p, name, v), query: { depth } },
        ...o,
      }),
    ),
  runArtifacts: (e: string, p: string, id: string, o: Opt = {}) =>
    unwrap<RunArtifacts>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/artifacts", {
        params: { path: runP(e, p, id) },
        ...o,
      }),
    ),
  runLineage: (e: string, p: string, id: string, depth: number, o: Opt = {}) =>
    unwrap<Lineage>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/lineage", {
        params: { path: runP(e, p, id), query: { depth } },
        ...o,
      }),
    ),
};
