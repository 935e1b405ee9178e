// The runs the analysis panels read: every run of the workspace's query (up to
// MAX_RUNS, newest first), in pages of the API's largest size, with flat config
// and summary keys. Under the project's query keys, so the change feed refreshes it.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type RunQuery } from "../api/endpoints";
import { keys } from "../data/keys";
import type { AnalysisRun } from "./axes";

export const MAX_RUNS = 5000;
const PAGE = 1000;

export interface AnalysisData {
  runs: AnalysisRun[];
  /** Runs the query matches; more than ``runs.length`` when capped at MAX_RUNS. */
  total: number;
}

async function fetchAll(e: string, p: string, q: RunQuery, signal: AbortSignal): Promise<AnalysisData> {
  const runs: AnalysisRun[] = [];
  let total = 0;
  for (let offset = 0; offset < MAX_RUNS; offset += PAGE) {
    const page = await api.runs(e, p, { ...q, order: "-created_at" }, offset, PAGE, { signal });
    total = page.total;
    for (const r of page.runs)
      runs.push({
        id: r.id,
        name: r.name ?? r.id,
        createdAt: r.created_at ?? null,
        config: r.config as Record<string, unknown>,
        summary: r.summary as Record<string, unknown>,
      });
    if (page.runs.length < PAGE || runs.length >= total) break;
  }
  return { runs, total };
}

export function useAnalysisRuns(e: string, p: string, q: RunQuery) {
  const filterOnly = { filters: q.filters, search: q.search };
  return useQuery({
    queryKey: [...keys.runsPages(e, p, filterOnly), "analysis"],
    queryFn: ({ signal }) => fetchAll(e, p, filterOnly, signal),
    placeholderData: keepPreviousData,
  });
}
