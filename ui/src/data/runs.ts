// Query options shared by the components that read the same runs data (the
// table, the run count, the charts' first runs), so they share one cache entry.

import { api, type MediaKeys, type RunQuery } from "../api/endpoints";
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

/** How long the media keys asked for at boot wait to be used. */
const EARLY_MS = 10_000;
const early = new Map<string, { at: number; asked: string; answer: Promise<MediaKeys | null> }>();

/** Ask for the media keys of the first ``n`` runs of a workspace's query alongside
 * its runs (the server picks the runs itself), rather than once the page has
 * rendered them; the media section takes the answer if those are the runs it
 * draws (no eye toggle changed them), else asks itself. */
export function askMediaKeysEarly(e: string, p: string, q: RunQuery, n: number): void {
  const asked = JSON.stringify([q, n]);
  const had = early.get(`${e}/${p}`);
  if (had && had.asked === asked && Date.now() - had.at < EARLY_MS) return; // boot, then the router's loader
  const answer = api.mediaKeysFirst(e, p, q, n).catch(() => null); // the section asks again
  early.set(`${e}/${p}`, { at: Date.now(), asked, answer });
}

async function earlyMediaKeys(e: string, p: string, ids: string[]): Promise<MediaKeys | null> {
  const got = early.get(`${e}/${p}`);
  early.delete(`${e}/${p}`);
  if (!got || Date.now() - got.at > EARLY_MS) return null;
  const found = await got.answer;
  const same = found && found.run_ids.length === ids.length && found.run_ids.every((id, i) => id === ids[i]);
  return same ? found : null;
}

/** The media keys the runs logged (the media sections' panels). */
export const mediaKeysQuery = (e: string, p: string, ids: string[]) => ({
  queryKey: keys.mediaKeys(e, p, ids),
  queryFn: async ({ signal }: { signal: AbortSignal }) =>
    (await earlyMediaKeys(e, p, ids)) ?? api.mediaKeys(e, p, ids, { signal }),
});
