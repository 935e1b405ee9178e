// The chart data of a workspace's first screens of panels, asked for at boot as
// soon as the runs page and the columns are known, rather than once the app's
// code has loaded, rendered the table and mounted the panels: the panels find it
// in the query cache (the same query keys), so they draw data the first time
// they draw at all. Only the plain case is asked early (no grouping, no run
// switched on beyond the first N, the view from the URL); any other panel asks
// for itself as before.

import type { QueryClient } from "@tanstack/query-core";
import type { RunQuery } from "../api/endpoints";
import type { PanelSpec } from "../panels/registry";
import { autoLayout, shownSections, withNewMetrics, type PanelLayout } from "../workspace/panelLayout";
import { firstLines, type View } from "../workspace/viewState";
import { getPrefs } from "./prefs";
import { columnsQuery, PAGE, runsPageQuery } from "./runs";
import { LINE_BUCKETS, projectSeries, sendSeriesNow } from "./series";

/** Grid rows of panels a screen of ``height`` px shows (with the panels' look-ahead margin). */
const rowsOnScreen = (height: number) => Math.ceil((height + 200) / 300);

/** The metric keys and x axes of the first ``n`` line panels of ``layout``, in the order shown. */
export function firstPanelKeys(layout: PanelLayout, x: string, n: number): { key: string; x: string }[] {
  const panels: PanelSpec[] = shownSections(layout)
    .filter((s) => !s.collapsed)
    .flatMap((s) => s.panels)
    .slice(0, n);
  return panels.filter((p) => p.kind === "line").flatMap((p) => p.keys.map((key) => ({ key, x: p.x || x })));
}

/** Ask for the series the first screens of a workspace's panels draw (never awaited). */
export async function prefetchPanelSeries(
  qc: QueryClient,
  e: string,
  p: string,
  view: View,
  q: RunQuery,
  screenHeight: number,
): Promise<void> {
  if (view.group || view.maxRuns > PAGE) return;
  const [page, columns] = await Promise.all([
    qc.fetchQuery(runsPageQuery(e, p, q, 0)),
    qc.fetchQuery(columnsQuery(e, p)),
  ]);
  const prefs = getPrefs(e, p);
  const first = page.runs.slice(0, view.maxRuns);
  const firstIds = new Set(first.map((r) => r.id));
  // A run switched on beyond the first N: the lines come from a request of their own.
  if (Object.keys(prefs.eye).some((id) => prefs.eye[id] && !firstIds.has(id))) return;
  const runIds = firstLines(first, prefs.eye).map((r) => r.id);
  if (!runIds.length) return;
  const metrics = columns.metrics;
  const layout = prefs.panels ? withNewMetrics(prefs.panels, metrics, view.x) : autoLayout(metrics, view.x);
  const source = projectSeries(e, p, runIds, LINE_BUCKETS);
  for (const { key, x } of firstPanelKeys(layout, view.x, 3 * rowsOnScreen(screenHeight)))
    void qc.prefetchQuery(source.query(key, x, null));
  sendSeriesNow();
}
