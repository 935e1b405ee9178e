// The runs with some ids, with their flat config and summary: what the comparer
// and the comparison panels read. Under the project's query keys, so the change
// feed refreshes them as runs log.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, type Run } from "../api/endpoints";
import { keys } from "../data/keys";

/** The API's largest page. */
const LIMIT = 1000;

export function useRunsById(entity: string, project: string, ids: string[]) {
  const wanted = useMemo(() => [...new Set(ids)].slice(0, LIMIT), [ids]);
  const q = useQuery({
    queryKey: [...keys.project(entity, project), "runs-by-id", wanted],
    queryFn: ({ signal }) =>
      api.runs(entity, project, { filters: { id: { $in: wanted } } }, 0, wanted.length, { signal }),
    enabled: wanted.length > 0 && !!entity,
    placeholderData: keepPreviousData,
  });
  const byId = useMemo(() => new Map<string, Run>((q.data?.runs ?? []).map((r) => [r.id, r])), [q.data]);
  return { byId, error: q.error, loading: wanted.length > 0 && !q.data };
}

/** A run as the field functions read it (the API types config and summary loosely). */
export function fieldRun(r: Run) {
  return {
    id: r.id,
    name: r.name,
    config: (r.config ?? {}) as Record<string, unknown>,
    summary: (r.summary ?? {}) as Record<string, unknown>,
  };
}
