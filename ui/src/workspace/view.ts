// The workspace's view as React state: read from and written to the URL.

import { startTransition, useCallback, useEffect, useMemo, useOptimistic, useRef } from "react";
import { useSearchParams } from "react-router";
import { parseView, viewParams, type View } from "./viewState";

export { DEFAULT_VIEW, firstLines, MAX_LINES, nextSort, parseView, viewParams, type View } from "./viewState";

export function useView(): [View, (patch: Partial<View>) => void] {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => parseView(params), [params]);
  // react-router's functional update reads the URL as of the last render, so two
  // patches in one tick (a click while a loading section sets its defaults) would
  // keep only the second. Patches build on the newest URL written here instead.
  const latest = useRef(params);
  useEffect(() => {
    latest.current = params;
  }, [params]);
  const setView = useCallback(
    (patch: Partial<View>) => {
      const old = latest.current;
      const p = viewParams({ ...parseView(old), ...patch });
      // The open saved view stays open while its state changes (the menu shows it unsaved).
      const id = old.get("view");
      if (id) p.set("view", id);
      latest.current = p;
      setParams(p, { replace: true, preventScrollReset: true });
    },
    [setParams],
  );
  return [view, setView];
}

/** A control's value as the user last set it, shown at once. A view change is a
 * router navigation, which React renders as a transition: until the workspace behind
 * it has re-rendered, a controlled checkbox would flip back to the old value (seen on
 * a loaded machine as a click that "did not change its state"). */
export function useShownAtOnce<T>(value: T): [T, (next: T, commit: (next: T) => void) => void] {
  const [shown, show] = useOptimistic(value);
  const set = useCallback(
    (next: T, commit: (next: T) => void) =>
      startTransition(() => {
        show(next);
        commit(next);
      }),
    [show],
  );
  return [shown, set];
}
