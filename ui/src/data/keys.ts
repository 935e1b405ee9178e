// Query keys. Their shape is what the change feed invalidates by: everything
// about a project starts with ["project", e, p], about a run with ["run", e, p, id],
// and chart data with ["series", e, p, {runs, ...}].

import type { RunQuery } from "../api/endpoints";

export interface SeriesParams {
  key: string;
  runs: string[];
  x: string;
  buckets: number;
  xMin?: number;
  xMax?: number;
}

export const keys = {
  projects: () => ["projects"] as const,
  project: (e: string, p: string) => ["project", e, p] as const,
  projectInfo: (e: string, p: string) => ["project", e, p, "info"] as const,
  columns: (e: string, p: string) => ["project", e, p, "columns"] as const,
  values: (e: string, p: string, field: string) => ["project", e, p, "values", field] as const,
  runsPage: (e: string, p: string, q: RunQuery, page: number) => ["project", e, p, "runs", q, page] as const,
  runsPages: (e: string, p: string, q: RunQuery) => ["project", e, p, "runs", q] as const,
  groups: (e: string, p: string, by: string, q: RunQuery) => ["project", e, p, "groups", by, q] as const,
  lines: (e: string, p: string, what: unknown) => ["project", e, p, "lines", what] as const,
  run: (e: string, p: string, id: string) => ["run", e, p, id] as const,
  runInfo: (e: string, p: string, id: string) => ["run", e, p, id, "info"] as const,
  runMetrics: (e: string, p: string, id: string) => ["run", e, p, id, "metrics"] as const,
  system: (e: string, p: string, id: string) => ["run", e, p, id, "system"] as const,
  logs: (e: string, p: string, id: string, search: string) => ["run", e, p, id, "logs", search] as const,
  files: (e: string, p: string, id: string) => ["run", e, p, id, "files"] as const,
  table: (e: string, p: string, id: string, q: unknown) => ["run", e, p, id, "table", q] as const,
  histogram: (e: string, p: string, id: string, key: string) => ["run", e, p, id, "histogram", key] as const,
  chart: (e: string, p: string, id: string, key: string) => ["run", e, p, id, "chart", key] as const,
  // Artifacts change when runs log or use them: under the project's (and run's) keys.
  artifacts: (e: string, p: string) => ["project", e, p, "artifacts"] as const,
  artifactVersions: (e: string, p: string, name: string) => ["project", e, p, "artifacts", name] as const,
  artifactVersion: (e: string, p: string, name: string, v: string) => ["project", e, p, "artifacts", name, v] as const,
  artifactFiles: (e: string, p: string, name: string, v: string, dir: string) =>
    ["project", e, p, "artifacts", name, v, "files", dir] as const,
  artifactLineage: (e: string, p: string, name: string, v: string, depth: number) =>
    ["project", e, p, "artifacts", name, v, "lineage", depth] as const,
  runArtifacts: (e: string, p: string, id: string) => ["run", e, p, id, "artifacts"] as const,
  runLineage: (e: string, p: string, id: string, depth: number) => ["run", e, p, id, "lineage", depth] as const,
  series: (e: string, p: string, s: SeriesParams) => ["series", e, p, s] as const,
  // Media of some runs: the runs always at index 4 (the change feed refetches by them).
  mediaKeys: (e: string, p: string, runs: string[]) => ["media", e, p, "keys", runs] as const,
  mediaSteps: (e: string, p: string, key: string, runs: string[]) =>
    ["media", e, p, "steps", runs, key, "merged"] as const,
  mediaAt: (e: string, p: string, key: string, runs: string[], step: number) =>
    ["media", e, p, "at", runs, key, step] as const,
};
