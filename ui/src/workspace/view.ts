// The workspace's view as React state: read from and written to the URL.

import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";
import { parseView, viewParams, type View } from "./viewState";

export { DEFAULT_VIEW, MAX_LINES, nextSort, parseView, viewParams, type View } from "./viewState";

export function useView(): [View, (patch: Partial<View>) => void] {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => parseView(params), [params]);
  const setView = useCallback(
    (patch: Partial<View>) =>
      setParams(
        (old) => {
          const p = viewParams({ ...parseView(old), ...patch });
          // The open saved view stays open while its state changes (the menu shows it unsaved).
          const id = old.get("view");
          if (id) p.set("view", id);
          return p;
        },
        { replace: true, preventScrollReset: true },
      ),
    [setParams],
  );
  return [view, setView];
}
