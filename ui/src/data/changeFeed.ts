// The one timer of the app: it asks the server what changed since the last
// answer (GET /api/v1/changes) and invalidates only the queries a change
// touches; pages never poll. A change to a run refetches its run page and the
// chart series and media that show it; a change to a project refetches its runs table,
// groups, columns and the list of projects. A change to a project's artifacts (an
// alias moved, `artifact gc`: no run record says so) refetches its artifact pages.

import type { Query, QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api } from "../api/endpoints";
import type { Changes } from "../api/types";
import type { SeriesParams } from "./keys";

export const FEED_INTERVAL_MS = 2000;

/** Does ``change`` make ``query`` stale? (exported for the component tests) */
export function affects(changes: Changes, queryKey: readonly unknown[]): boolean {
  if (changes.reset) return true;
  const [kind, e, p] = queryKey as [string, string, string];
  if (showsArtifacts(queryKey) && changes.artifacts.some((a) => a.entity === e && a.project === p)) {
    return true;
  }
  if (kind === "projects") return changes.projects.length > 0;
  for (const c of changes.projects) {
    if (c.entity !== e || c.project !== p) continue;
    if (kind === "project" || c.all_runs) return true;
  }
  if (kind === "run") {
    return changes.runs.some((r) => r.entity === e && r.project === p && r.id === queryKey[3]);
  }
  if (kind === "series" || kind === "media") {
    const runs = kind === "series" ? (queryKey[3] as SeriesParams).runs : (queryKey[4] as string[]);
    // A key of another shape here must not stop the feed: it is simply stale.
    if (!Array.isArray(runs)) return true;
    return changes.runs.some((r) => r.entity === e && r.project === p && runs.includes(r.id));
  }
  return false;
}

/** A project's artifact pages and a run's artifacts tab and lineage (keys.ts). */
function showsArtifacts(queryKey: readonly unknown[]): boolean {
  if (queryKey[0] === "project") return queryKey[3] === "artifacts";
  return queryKey[0] === "run" && (queryKey[4] === "artifacts" || queryKey[4] === "lineage");
}

export async function applyChanges(qc: QueryClient, changes: Changes): Promise<void> {
  const quiet = changes.projects.length === 0 && changes.runs.length === 0;
  if (!changes.reset && quiet && changes.artifacts.length === 0) return;
  await qc.invalidateQueries({ predicate: (q: Query) => affects(changes, q.queryKey) });
}

/** Poll the change feed while the page is visible; resume at once when it shows again. */
export function useChangeFeed(qc: QueryClient, interval = FEED_INTERVAL_MS): void {
  useEffect(() => {
    let cursor: number | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let busy = false;
    const tick = async () => {
      timer = undefined;
      if (stopped || busy || document.hidden) return;
      busy = true;
      try {
        const res = await api.changes(cursor);
        if (cursor !== null) await applyChanges(qc, res);
        cursor = res.cursor;
      } catch {
        /* the server may be restarting: keep the cursor, try again */
      }
      busy = false;
      if (!stopped && !document.hidden) timer = setTimeout(tick, interval);
    };
    const onVisible = () => {
      if (!document.hidden && timer === undefined && !busy) void tick();
    };
    document.addEventListener("visibilitychange", onVisible);
    void tick();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [qc, interval]);
}
