// The runs the analysis panels read: every run of the workspace's query (up to
// MAX_RUNS, newest first), in pages of the API's largest size, with flat config
// and summary keys. Under the project's query keys, so the change feed refreshes it.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type Run, type RunQuery } from "../api/endpoints";
import { keys } from "../data/keys";
import type { AnalysisRun } from "./axes";

export const MAX_RUNS = 5000;
const PAGE = 1000;

export interface AnalysisData {
  runs: AnalysisRun[];
  /** Runs the query matches; more than ``runs.length`` when capped at MAX_RUNS. */
  total: number;
}

function toAnalysisRun(r: Run): AnalysisRun {
  return {
    id: r.id,
    name: r.name ?? r.id,
    createdAt: r.created_at ?? null,
    config: r.config as Record<string, unknown>,
    summary: r.summary as Record<string, unknown>,
  };
}

/** The first page says how many runs match; the rest are asked for at once. */
async function fetchAll(e: string, p: string, q: RunQuery, signal: AbortSignal): Promise<AnalysisData> {
  const query = { ...q, order: "-created_at" };
  const first = await api.runs(e, p, query, 0, PAGE, { signal });
  const offsets: number[] = [];
  for (let o = PAGE; o < Math.min(first.total, MAX_RUNS); o += PAGE) offsets.push(o);
  const rest = await Promise.all(offsets.map((o) => api.runs(e, p, query, o, PAGE, { signal })));
  const runs = [first, ...rest].flatMap((page) => page.runs.map(toAnalysisRun));
  return { runs, total: first.total };
}

export function useAnalysisRuns(e: string, p: string, q: RunQuery) {
  const filterOnly = { filters: q.filters, search: q.search };
  return useQuery({
    queryKey: [...keys.project(e, p), "analysis-runs", filterOnly],
    queryFn: ({ signal }) => fetchAll(e, p, filterOnly, signal),
    placeholderData: keepPreviousData,
  });
}
