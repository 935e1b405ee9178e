// What the runs table asks about each row: is it drawn (its eye), its colour,
// and the same for group header rows. Eyes and colours live in the browser.

import { useMemo } from "react";
import type { Group, Run } from "../api/endpoints";
import { colorOf, remember, setColor, updatePrefs, type Prefs } from "../data/prefs";
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
    /** The key a group's eye is remembered by. */
    groupPref: (g: Group) => string;
  },
): RowHooks {
  const { grouped, first, maxRuns, groupPref } = o;
  return useMemo((): RowHooks => {
    // Grouped, every run counts in its group's line unless switched off.
    const isVisible = (r: Run) => prefs.eye[r.id] ?? (grouped || first.has(r.id));
    const isGroupVisible = (g: Group, i: number) => prefs.groupEye[groupPref(g)] ?? i < maxRuns;
    return {
      isVisible,
      toggleVisible: (r) => updatePrefs(entity, project, (p) => ({ ...p, eye: remember(p.eye, r.id, !isVisible(r)) })),
      colorOf: (id) => colorOf(entity, project, id),
      setColor: (r, c) => setColor(entity, project, r.id, c),
      isGroupVisible,
      toggleGroupVisible: (g, i) =>
        updatePrefs(entity, project, (p) => ({
          ...p,
          groupEye: remember(p.groupEye, groupPref(g), !isGroupVisible(g, i)),
        })),
      groupColor: (g) => colorOf(entity, project, `group:${groupPref(g)}`),
    };
  }, [entity, project, prefs, grouped, first, maxRuns, groupPref]);
}
