// One function per route the app uses. Types come from the generated schema
// (types.ts); the request shapes are checked against it by the compiler.

import { client, unwrap } from "./client";
import type { Fallback, LogTail, Ok, QueryOf, RunPatch, Typed, Changes } from "./types";

type P = "/api/v1/projects/{entity}/{project}";
type R = "/api/v1/projects/{entity}/{project}/runs/{run_id}";

export type Project = Typed<Ok<P, "get">, Fallback.Project>;
// TODO(api types): the UI still reads these four through its hand types; the server
// now declares their models (RunDetail, RunsPage, SeriesLines, SystemOut): align and switch.
export type Run = Fallback.Run;
export type RunsPage = Fallback.RunsPage;
export type Columns = Typed<Ok<`${P}/columns`, "get">, Fallback.Columns>;
export type Groups = Typed<Ok<`${P}/groups`, "get">, Fallback.Groups>;
export type Group = Groups["groups"][number];
export type SeriesSet = Fallback.SeriesSet;
export type Series = SeriesSet["series"][number];
export type FileInfo = Typed<Ok<`${R}/files`, "get">, Fallback.Files>["files"][number];
export type SystemData = Fallback.System;

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

export const api = {
  changes: (since: number | null, o: Opt = {}) =>
    unwrap<Changes>(client.GET("/api/v1/changes", { params: { query: { since: since ?? undefined } }, ...o })),
  projects: (o: Opt = {}) =>
    unwrap<Typed<Ok<"/api/v1/projects", "get">, Fallback.Projects>>(client.GET("/api/v1/projects", o)),
  project: (e: string, p: string, o: Opt = {}) =>
    unwrap<Project>(client.GET("/api/v1/projects/{entity}/{project}", { params: { path: path(e, p) }, ...o })),
  columns: (e: string, p: string, o: Opt = {}) =>
    unwrap<Columns>(client.GET("/api/v1/projects/{entity}/{project}/columns", { params: { path: path(e, p) }, ...o })),
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
  deleteRuns: (e: string, p: string, ids: string[]) =>
    unwrap<Typed<Ok<`${P}/runs/delete`, "post">, Fallback.Deleted>>(
      client.POST("/api/v1/projects/{entity}/{project}/runs/delete", { params: { path: path(e, p) }, body: { ids } }),
    ),
  run: (e: string, p: string, id: string, o: Opt = {}) =>
    unwrap<Run>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}", { params: { path: runP(e, p, id) }, ...o }),
    ),
  updateRun: (e: string, p: string, id: string, patch: RunPatch) =>
    unwrap<Run>(
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
  runMetrics: (e: string, p: string, id: string, o: Opt = {}) =>
    unwrap<Typed<Ok<`${R}/metrics`, "get">, Fallback.Metrics>>(
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
  logsTail: (e: string, p: string, id: string, start: number, search: string, o: Opt = {}) =>
    unwrap<LogTail>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/logs/tail", {
        params: { path: runP(e, p, id), query: { start, search: search || undefined, limit: 10_000 } },
        ...o,
      }),
    ),
  files: (e: string, p: string, id: string, o: Opt = {}) =>
    unwrap<Typed<Ok<`${R}/files`, "get">, Fallback.Files>>(
      client.GET("/api/v1/projects/{entity}/{project}/runs/{run_id}/files", { params: { path: runP(e, p, id) }, ...o }),
    ),
};
