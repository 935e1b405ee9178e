// The workspace's panel layout as React state: the user's (kept with the other
// per-project prefs, so a saved view captures it) or, until the first edit, the
// automatic one over the project's metrics.

import { useCallback, useMemo } from "react";
import { updatePrefs, usePrefs } from "../data/prefs";
import { autoLayout, withNewMetrics, type PanelLayout } from "./panelLayout";

export interface LayoutState {
  layout: PanelLayout;
  /** The user arranged the panels (false: the automatic layout). */
  custom: boolean;
  /** Apply an edit; the first one turns the automatic layout into the user's. */
  edit: (fn: (l: PanelLayout) => PanelLayout) => void;
  /** Back to the automatic layout. */
  reset: () => void;
}

export function usePanelLayout(entity: string, project: string, metrics: string[], x: string): LayoutState {
  const prefs = usePrefs(entity, project);
  const auto = useMemo(() => autoLayout(metrics, x), [metrics, x]);
  const mine = prefs.panels;
  const layout = useMemo(() => (mine ? withNewMetrics(mine, metrics, x) : auto), [mine, metrics, x, auto]);
  const edit = useCallback(
    (fn: (l: PanelLayout) => PanelLayout) =>
      updatePrefs(entity, project, (p) => ({
        ...p,
        panels: fn(p.panels ? withNewMetrics(p.panels, metrics, x) : auto),
      })),
    [entity, project, auto, metrics, x],
  );
  const reset = useCallback(() => updatePrefs(entity, project, (p) => ({ ...p, panels: null })), [entity, project]);
  return { layout, custom: !!prefs.panels, edit, reset };
}
