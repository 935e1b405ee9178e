// The API's types, generated from the server's OpenAPI schema by `make ui`
// (schema.gen.d.ts; never edit it). A route whose schema has no response model
// yet gets the hand-written fallback below; `Typed` switches to the generated
// type by itself once the route declares one.

import type { components, paths } from "./schema.gen";

export type Schemas = components["schemas"];

/** The JSON body of a route's 200 answer, as the schema says. */
export type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer R } } };
}
  ? R
  : unknown;

/** The query parameters of a GET route. */
export type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;

/** The generated type when the schema has one; else the fallback. */
export type Typed<G, Fallback> = unknown extends G ? Fallback : string extends keyof G ? Fallback : G;

export type Changes = Schemas["Changes"];
export type LogTail = Schemas["LogTail"];
export type LogLine = Schemas["LogLine"];
export type RunPatch = Schemas["RunPatch"];

// ---------------------------------------------------------------------------
// TODO(api types): hand-written while these routes return untyped dicts. Each
// is used only through `Typed<Ok<...>, ...>` in endpoints.ts, so a response
// model added on the server replaces it at the next `make ui`; then delete it.
// ---------------------------------------------------------------------------
export namespace Fallback {
  export interface Project {
    entity: string;
    project: string;
    run_count: number;
    last_activity: number | null;
  }
  export interface Projects {
    total: number;
    projects: Project[];
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
  }
  export interface RunsPage {
    total: number;
    runs: Run[];
  }
  export interface Columns {
    config: string[];
    summary: string[];
    metrics: string[];
  }
  export interface Group {
    value: unknown;
    count: number;
    offset: number; // where the group's first run sits in /runs with the same query
  }
  export interface Groups {
    by: string;
    order: string;
    total: number;
    truncated: boolean;
    groups: Group[];
  }
  export interface Series {
    run_id: string;
    x: number[];
    y: (number | null)[];
    min: (number | null)[];
    max: (number | null)[];
  }
  export interface SeriesSet {
    key: string;
    x_key: string;
    series: Series[];
  }
  export interface Metrics {
    metrics: string[];
  }
  export interface System {
    keys: string[];
    series: Record<string, { t: number[]; v: (number | null)[] }>;
  }
  export interface FileInfo {
    path: string;
    size: number;
  }
  export interface Files {
    files: FileInfo[];
  }
  export interface Deleted {
    deleted: number;
  }
}
