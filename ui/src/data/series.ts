// Where chart data comes from. A panel asks its source for the query of one
// metric against an x axis (and a zoom range); the source knows the endpoint.

import type { UseQueryOptions } from "@tanstack/react-query";
import { api, type SystemData } from "../api/endpoints";
import { chartLine, systemLine, type ChartLine } from "../lib/chartLine";
import { keys } from "./keys";

/** Lines one series request carries at most (the server's limit). */
export const MAX_RUNS_PER_REQUEST = 100;

export interface SeriesSource {
  query(
    key: string,
    x: string,
    range: [number, number] | null,
  ): UseQueryOptions<unknown, Error, ChartLine[], readonly unknown[]>;
}

/** Runs of a project, through /series (chunks of 100 runs in parallel). */
export function projectSeries(entity: string, project: string, runIds: string[], buckets: number): SeriesSource {
  return {
    query: (key, x, range) => {
      const params = { key, runs: runIds, x, buckets, xMin: range?.[0], xMax: range?.[1] };
      return {
        queryKey: keys.series(entity, project, params),
        enabled: runIds.length > 0,
        queryFn: async ({ signal }) => {
          const chunks: string[][] = [];
          for (let i = 0; i < runIds.length; i += MAX_RUNS_PER_REQUEST)
            chunks.push(runIds.slice(i, i + MAX_RUNS_PER_REQUEST));
          const res = await Promise.all(
            chunks.map((runs) => api.series(entity, project, { ...params, runs }, { signal })),
          );
          return res.flatMap((r) => r.series.map(chartLine));
        },
      };
    },
  };
}

/** A run's system samples (x: seconds since the run started, or since its first
 * sample when the start is unknown), one request for every key. */
export function systemSeries(entity: string, project: string, runId: string, t0: number | null): SeriesSource {
  return {
    query: (key) => ({
      queryKey: keys.system(entity, project, runId),
      queryFn: ({ signal }) => api.system(entity, project, runId, { signal }),
      // The sources share one query type, so the body arrives as unknown.
      select: (d: unknown): ChartLine[] => {
        const s = (d as SystemData).series[key];
        return s ? [systemLine(runId, s, t0)] : [];
      },
    }),
  };
}
