// What the runs table asks about each row: is it drawn (its eye), its colour,
// and the same for group header rows. Eyes and colours live in the browser.

import { useMemo } from "react";
import type { Run } from "../api/endpoints";
import { colorOf, remember, setColor, updatePrefs, type Prefs } from "../data/prefs";
import { groupDrawn, groupEyeOn, groupPath } from "./groupTree";
import type { RowHooks } from "./RunsTable";

export function useRowHooks(
  entity: string,
  project: string,
  prefs: Prefs,
  o: {
    grouped: boolean;
    /** The query's first N runs: drawn unless switched off. */
    first: Set<string>;
    maxRuns: number;
    /** The grouping levels' column ids, top first (group eyes are remembered by them). */
    levelIds: string[];
  },
): RowHooks {
  const { grouped, first, maxRuns, levelIds } = o;
  return useMemo((): RowHooks => {
    // Grouped, every run counts in its group's line unless switched off.
    const isVisible = (r: Run) => prefs.eye[r.id] ?? (grouped || first.has(r.id));
    const path = (g: { values: unknown[] }) => groupPath(levelIds, g.values);
    const isGroupVisible: RowHooks["isGroupVisible"] = (g) =>
      groupEyeOn(prefs.groupEye, levelIds, g.values, g.topIndex, maxRuns);
    return {
      isVisible,
      toggleVisible: (r) => updatePrefs(entity, project, (p) => ({ ...p, eye: remember(p.eye, r.id, !isVisible(r)) })),
      colorOf: (id) => colorOf(entity, project, id),
      setColor: (r, c) => setColor(entity, project, r.id, c),
      isGroupVisible,
      isGroupDrawn: (g) => groupDrawn(prefs.groupEye, levelIds, g.values, g.topIndex, maxRuns),
      toggleGroupVisible: (g) =>
        updatePrefs(entity, project, (p) => ({
          ...p,
          groupEye: remember(p.groupEye, path(g), !isGroupVisible(g)),
        })),
      // A leaf group's key is its chart line's, so the dot has the line's colour.
      groupColor: (g) => colorOf(entity, project, `group:${path(g)}`),
      setGroupColor: (g, c) => setColor(entity, project, `group:${path(g)}`, c),
    };
  }, [entity, project, prefs, grouped, first, maxRuns, levelIds]);
}
