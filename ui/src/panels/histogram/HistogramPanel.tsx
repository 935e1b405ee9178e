// The histogram panel: a key logged as wandb.Histogram over steps, drawn as a
// heat-map (x = step, y = value, colour = count), and a step slider that draws
// one step's histogram as bars. One tab per visible run that logged it.

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api } from "../../api/endpoints";
import { keys } from "../../data/keys";
import type { PanelProps, PanelSpec } from "../registry";
import { useWidth } from "../useWidth";
import { RunTabsPanel, type MediaOptions } from "../table/RunTabs";
import { HeatmapCanvas, SliceCanvas } from "./HeatmapCanvas";
import { heatGrid } from "./heatmap";

export type HistogramSpec = PanelSpec<MediaOptions>;

const MAX_STEPS = 200;

function RunHistogram({
  entity,
  project,
  runId,
  hkey,
  visible,
}: {
  entity: string;
  project: string;
  runId: string;
  hkey: string;
  visible: boolean;
}) {
  const q = useQuery({
    queryKey: keys.histogram(entity, project, runId, hkey),
    queryFn: ({ signal }) => api.histogram(entity, project, runId, hkey, MAX_STEPS, { signal }),
    enabled: visible,
  });
  const grid = useMemo(() => (q.data ? heatGrid(q.data) : null), [q.data]);
  const [at, setAt] = useState<number | null>(null);
  const [box, width] = useWidth();
  const n = q.data?.steps.length ?? 0;
  const i = at === null ? n - 1 : Math.min(at, n - 1);
  const state = q.error ? "error" : grid ? "drawn" : "loading";
  return (
    <div className="run-histogram" ref={box} data-state={state} data-step={q.data?.steps[i] ?? ""} data-steps={n}>
      {q.error && <div className="panel-status error">{q.error.message}</div>}
      {!q.data && !q.error && <div className="panel-empty">Loading…</div>}
      {q.data && grid && (
        <>
          <HeatmapCanvas grid={grid} width={width} height={180} at={i} />
          <div className="hist-slider">
            <input
              type="range"
              min={0}
              max={n - 1}
              value={i}
              onChange={(e) => setAt(Number(e.target.value))}
              aria-label="step"
            />
            <span className="hist-step">
              step {q.data.steps[i]}
              {q.data.sampled ? ` (${n} of ${q.data.count} steps shown)` : ""}
            </span>
          </div>
          <SliceCanvas bins={q.data.bins[i]} counts={q.data.counts[i]} width={width} height={110} />
        </>
      )}
    </div>
  );
}

export function HistogramPanel({ spec, ctx, visible }: PanelProps<HistogramSpec>) {
  return (
    <RunTabsPanel kind="histogram" noun="histogram" spec={spec} ctx={ctx} visible={visible}>
      {(v) => (
        <RunHistogram
          key={v.run.id}
          entity={v.entity}
          project={v.project}
          runId={v.run.id}
          hkey={spec.keys[0]}
          visible={v.visible}
        />
      )}
    </RunTabsPanel>
  );
}
