// Where chart data comes from. A panel asks its source for the query of one
// metric against an x axis (and a zoom range); the source knows the endpoint.

import type { UseQueryOptions } from "@tanstack/react-query";
import { api, type SeriesSet, type SystemData } from "../api/endpoints";
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

/** Buckets a chart line is asked in: a run's own line, and a group's mean (coarser
 * buckets over many runs, as in W&B). */
export const LINE_BUCKETS = 1000;
export const GROUP_BUCKETS = 500;

/** Lines (keys times runs) one /series/batch request carries at most: a few requests
 * for a workspace's panels, which the server answers side by side. */
export const BATCH_LINES = 400;

interface SeriesParams {
  key: string;
  runs: string[];
  x: string;
  buckets: number;
  xMin?: number;
  xMax?: number;
}

interface Waiting {
  entity: string;
  project: string;
  params: SeriesParams;
  asks: { key: string; resolve: (s: SeriesSet) => void; reject: (e: unknown) => void }[];
  timer: ReturnType<typeof setTimeout>;
}

const waiting = new Map<string, Waiting>();

/** ``/series`` for one key, asked together with the other keys the page asks for in
 * the same moment (the panels of a workspace mounting at once): those go to
 * ``/series/batch``, a few requests instead of one per panel. A key asked alone
 * is a plain ``/series`` request. */
export function batchedSeries(entity: string, project: string, params: SeriesParams): Promise<SeriesSet> {
  const { key, ...rest } = params;
  const group = JSON.stringify([entity, project, rest]);
  return new Promise((resolve, reject) => {
    let w = waiting.get(group);
    if (!w) {
      const timer = setTimeout(() => send(group), 0);
      w = { entity, project, params, asks: [], timer };
      waiting.set(group, w);
    }
    w.asks.push({ key, resolve, reject });
  });
}

function send(group: string) {
  const w = waiting.get(group);
  if (!w) return;
  waiting.delete(group);
  clearTimeout(w.timer);
  void sendBatch(w.entity, w.project, w);
}

/** Send the keys asked for so far now, not after the next task: the boot code asks
 * for a workspace's series while the page's first render is queued, and that
 * render would otherwise run first. */
export function sendSeriesNow(): void {
  [...waiting.keys()].forEach(send);
}

async function sendBatch(entity: string, project: string, w: Waiting) {
  const keys = [...new Set(w.asks.map((a) => a.key))];
  const settle = (key: string, ok: SeriesSet | null, err?: unknown) =>
    w.asks.filter((a) => a.key === key).forEach((a) => (ok ? a.resolve(ok) : a.reject(err)));
  if (keys.length === 1) {
    await api.series(entity, project, { ...w.params, key: keys[0] }).then(
      (r) => settle(keys[0], r),
      (e) => settle(keys[0], null, e),
    );
    return;
  }
  const { runs, x, buckets, xMin, xMax } = w.params;
  const per = Math.max(1, Math.floor(BATCH_LINES / Math.max(1, runs.length)));
  const parts: string[][] = [];
  for (let i = 0; i < keys.length; i += per) parts.push(keys.slice(i, i + per));
  await Promise.all(
    parts.map((part) =>
      api.seriesBatch(entity, project, { keys: part, runs, x, buckets, x_min: xMin, x_max: xMax }).then(
        (r) => r.results.forEach((one) => settle(one.key, one)),
        (e) => part.forEach((k) => settle(k, null, e)),
      ),
    ),
  );
}

/** Runs of a project, through /series (chunks of 100 runs in parallel; the keys
 * asked at the same moment share requests, see ``batchedSeries``). */
export function projectSeries(entity: string, project: string, runIds: string[], buckets: number): SeriesSource {
  return {
    query: (key, x, range) => {
      const params = { key, runs: runIds, x, buckets, xMin: range?.[0], xMax: range?.[1] };
      return {
        queryKey: keys.series(entity, project, params),
        enabled: runIds.length > 0,
        queryFn: async () => {
          const chunks: string[][] = [];
          for (let i = 0; i < runIds.length; i += MAX_RUNS_PER_REQUEST)
            chunks.push(runIds.slice(i, i + MAX_RUNS_PER_REQUEST));
          const res = await Promise.all(chunks.map((runs) => batchedSeries(entity, project, { ...params, runs })));
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
