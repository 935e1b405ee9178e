// The "Media" section of a page: one panel per media key the runs logged (the
// workspace's visible runs, or the run of a run page). Kinds without a
// registered panel (a table panel not built yet) are left out.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { ErrorBox } from "../../common/PageHeader";
import { mediaKeysQuery } from "../../data/runs";
import { PanelGrid } from "../PanelGrid";
import { panelKind, type PanelContext } from "../registry";
import { mediaRuns, mediaSpecs } from "./logic";

const MAX_RUNS = 100;

export function useMediaSpecs(entity: string, project: string, ctx: PanelContext) {
  const ids = useMemo(
    () =>
      mediaRuns(ctx.lines)
        .slice(0, MAX_RUNS)
        .map((r) => r.id),
    [ctx.lines],
  );
  // While the keys of a new set of runs load (an eye toggled, a run started), the
  // panels stay as they are: dropping them would reset every slider and toggle.
  const q = useQuery({
    ...mediaKeysQuery(entity, project, ids),
    enabled: ctx.linesReady && ids.length > 0,
    placeholderData: keepPreviousData,
  });
  const specs = useMemo(() => mediaSpecs(q.data?.keys ?? []).filter((s) => panelKind(s.kind)), [q.data]);
  return { specs, error: q.error, ready: q.isSuccess || ids.length === 0 };
}

export function MediaSection({
  entity,
  project,
  ctx,
  emptyText,
}: {
  entity: string;
  project: string;
  ctx: PanelContext;
  /** Shown when there is no media; nothing at all when not given. */
  emptyText?: string;
}) {
  const mctx = useMemo((): PanelContext => ({ ...ctx, project: { entity, project } }), [ctx, entity, project]);
  const { specs, error, ready } = useMediaSpecs(entity, project, mctx);
  if (error) return <ErrorBox error={error} />;
  if (!specs.length && (!emptyText || !ready)) return null;
  return <PanelGrid specs={specs} ctx={mctx} className="media-grid" section={() => "Media"} emptyText={emptyText} />;
}
