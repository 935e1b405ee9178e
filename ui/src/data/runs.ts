// Query options shared by the components that read the same runs data (the
// table, the run count, the charts' first runs), so they share one cache entry.

import { api, type RunQuery } from "../api/endpoints";
import { keys } from "./keys";

/** Rows per page of the runs table. */
export const PAGE = 100;

export const runsPageQuery = (e: string, p: string, q: RunQuery, page: number) => ({
  queryKey: keys.runsPage(e, p, q, page),
  queryFn: ({ signal }: { signal: AbortSignal }) => api.runs(e, p, q, page * PAGE, PAGE, { signal }),
});

export const groupsQuery = (e: string, p: string, by: string, q: RunQuery) => ({
  queryKey: keys.groups(e, p, by, q),
  queryFn: ({ signal }: { signal: AbortSignal }) => api.groups(e, p, by, q, { signal }),
});

export const columnsQuery = (e: string, p: string) => ({
  queryKey: keys.columns(e, p),
  queryFn: ({ signal }: { signal: AbortSignal }) => api.columns(e, p, { signal }),
});

export const projectQuery = (e: string, p: string) => ({
  queryKey: keys.projectInfo(e, p),
  queryFn: ({ signal }: { signal: AbortSignal }) => api.project(e, p, { signal }),
});

export const runQuery = (e: string, p: string, id: string) => ({
  queryKey: keys.runInfo(e, p, id),
  queryFn: ({ signal }: { signal: AbortSignal }) => api.run(e, p, id, { signal }),
});

/** The media keys the runs logged (the media sections' panels). */
export const mediaKeysQuery = (e: string, p: string, ids: string[]) => ({
  queryKey: keys.mediaKeys(e, p, ids),
  queryFn: ({ signal }: { signal: AbortSignal }) => api.mediaKeys(e, p, ids, { signal }),
});
