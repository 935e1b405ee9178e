// What runs before the app's code has loaded: the query client, and the first
// requests of the page in the address bar, so they are on the wire while the
// browser still downloads and compiles React and the pages (main.tsx).

import { QueryClient } from "@tanstack/query-core";
import { ApiError } from "../api/client";
import { toMongo } from "../workspace/filters";
import { parseView } from "../workspace/viewState";
import { askMediaKeysEarly, columnsQuery, mediaKeysQuery, PAGE, projectQuery, runQuery, runsPageQuery } from "./runs";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Fresh until the change feed says otherwise: no query polls on its own.
      staleTime: Infinity,
      refetchOnWindowFocus: false,
      // A 4xx answer will not change by asking again.
      retry: (n, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && n < 2,
    },
  },
});

/** Start a workspace's first requests (never awaited: the page shows loading and errors). */
export function prefetchWorkspace(entity: string, project: string, search: URLSearchParams): void {
  void queryClient.prefetchQuery(projectQuery(entity, project));
  void queryClient.prefetchQuery(columnsQuery(entity, project));
  const view = parseView(search);
  if (view.group) return; // the order depends on the group column, known with the columns
  const q = { filters: toMongo(view.filters) ?? undefined, search: view.search || undefined, order: view.sort };
  void queryClient.prefetchQuery(runsPageQuery(entity, project, q, 0));
  if (view.maxRuns <= PAGE) askMediaKeysEarly(entity, project, q, view.maxRuns);
}

export function prefetchRun(entity: string, project: string, runId: string, tab?: string): void {
  void queryClient.prefetchQuery(runQuery(entity, project, runId));
  if (tab === "media") void queryClient.prefetchQuery(mediaKeysQuery(entity, project, [runId]));
}

/** The requests of the page at ``url`` (the same paths as the router's). */
export function prefetchUrl(url: URL): void {
  const parts = url.pathname
    .split("/")
    .filter((p) => p !== "")
    .map((p) => decodeURIComponent(p));
  if (parts.length === 2) prefetchWorkspace(parts[0], parts[1], url.searchParams);
  else if ((parts.length === 4 || parts.length === 5) && parts[2] === "runs")
    prefetchRun(parts[0], parts[1], parts[3], parts[4]);
}
