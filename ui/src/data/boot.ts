// What runs before the app's code has loaded: the query client, and the first
// requests of the page in the address bar, so they are on the wire while the
// browser still downloads and compiles React and the pages (main.tsx).

import { notifyManager, QueryClient } from "@tanstack/query-core";
import { ApiError } from "../api/client";
import { viewsApi, type SavedView } from "../api/views";
import { toMongo } from "../workspace/filters";
import { parseState, stateParams, VIEW_PARAM } from "../workspace/savedViews";
import { parseView } from "../workspace/viewState";
import { prefetchPanelSeries } from "./earlySeries";
import { coalescing } from "./notify";
import { askMediaKeysEarly, columnsQuery, mediaKeysQuery, PAGE, projectQuery, runQuery, runsPageQuery } from "./runs";

notifyManager.setScheduler(coalescing());

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

/** How long a saved view asked for at boot waits to be used. */
const EARLY_VIEW_MS = 10_000;
const earlyViews = new Map<string, { at: number; answer: Promise<SavedView | null> }>();
const viewKey = (e: string, p: string, id: string | null) => JSON.stringify([e, p, id]);

/** The saved view (``id``, or the project's default) asked for at boot, if it was. */
export function takeEarlyView(e: string, p: string, id: string | null): Promise<SavedView | null> | null {
  const got = earlyViews.get(viewKey(e, p, id));
  earlyViews.delete(viewKey(e, p, id));
  return got && Date.now() - got.at < EARLY_VIEW_MS ? got.answer : null;
}

/** Start a workspace's first requests (never awaited: the page shows loading and errors).
 * A URL that a saved view decides (a view's link, or the bare project URL, which shows
 * the default view) asks for the view at once and then for the runs it shows, rather
 * than after the app's code has loaded and asked (SavedViewGate). */
export function prefetchWorkspace(entity: string, project: string, search: URLSearchParams): void {
  void queryClient.prefetchQuery(projectQuery(entity, project));
  void queryClient.prefetchQuery(columnsQuery(entity, project));
  const id = search.get(VIEW_PARAM);
  if ([...search.keys()].length === (id ? 1 : 0)) {
    const k = viewKey(entity, project, id);
    const had = earlyViews.get(k);
    if (!had || Date.now() - had.at >= EARLY_VIEW_MS) {
      const answer = id ? viewsApi.get(entity, project, id) : viewsApi.getDefault(entity, project);
      earlyViews.set(k, { at: Date.now(), answer });
      answer
        .then((v) => v && prefetchRuns(entity, project, stateParams(parseState(v.state), null), false))
        .catch(() => undefined); // the gate asks again and shows what went wrong
    }
    if (id) return; // the view's runs, not the app's defaults
  }
  prefetchRuns(entity, project, search);
}

/** The runs page a view shows, and (``media``) its first runs' media keys. A view's
 * runs go alone: the server would sort the project twice at once, and the media
 * section asks for the keys of the page's runs by id anyway. */
function prefetchRuns(entity: string, project: string, search: URLSearchParams, media = true): void {
  const view = parseView(search);
  if (view.group) return; // the order depends on the group column, known with the columns
  const q = { filters: toMongo(view.filters) ?? undefined, search: view.search || undefined, order: view.sort };
  void queryClient.prefetchQuery(runsPageQuery(entity, project, q, 0));
  if (media && view.maxRuns <= PAGE) askMediaKeysEarly(entity, project, q, view.maxRuns);
  // A view's panels and eye toggles come with it, not from this browser's prefs.
  if (media) void prefetchPanelSeries(queryClient, entity, project, view, q, innerHeight).catch(() => undefined);
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
