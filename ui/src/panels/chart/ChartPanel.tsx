// The chart panel: a wandb.plot.* chart (config._wandb.visualize[key] plus its
// table) drawn natively by its panelDefId: lines and points with uPlot, bars
// and confusion matrices on a canvas. One tab per visible run that logged it.

import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { api } from "../../api/endpoints";
import { keys } from "../../data/keys";
import type { PanelLine, PanelProps, PanelSpec } from "../registry";
import { useWidth } from "../useWidth";
import { RunTabsPanel, type MediaOptions } from "../table/RunTabs";
import { RunTable } from "../table/RunTable";
import { chartSpec } from "./chartSpec";
import { BarsCanvas, MatrixCanvas } from "./GridCharts";
import { XYChart } from "./XYChart";

export type ChartSpec = PanelSpec<MediaOptions & { tableKey?: string }>;

function RunChart({
  entity,
  project,
  runId,
  ckey,
  visible,
  onTitle,
}: {
  entity: string;
  project: string;
  runId: string;
  ckey: string;
  visible: boolean;
  onTitle: (t: string) => void;
}) {
  const q = useQuery({
    queryKey: keys.chart(entity, project, runId, ckey),
    queryFn: ({ signal }) => api.chart(entity, project, runId, ckey, { signal }),
    enabled: visible,
  });
  const spec = useMemo(() => (q.data ? chartSpec(q.data) : null), [q.data]);
  useEffect(() => {
    if (spec) onTitle(spec.title);
  }, [spec, onTitle]);
  const [box, width] = useWidth();
  let body;
  if (q.error) body = <div className="panel-status error">{q.error.message}</div>;
  else if (!spec) body = <div className="panel-empty">Loading…</div>;
  else if (spec.type === "xy") body = <XYChart spec={spec} />;
  else if (spec.type === "bars") body = <BarsCanvas spec={spec} width={width} />;
  else if (spec.type === "matrix") body = <MatrixCanvas spec={spec} width={width} />;
  else body = <div className="panel-empty">{spec.reason}</div>;
  const state = q.error ? "error" : spec ? (spec.type === "unsupported" ? "unsupported" : "drawn") : "loading";
  return (
    <div
      ref={box}
      className="run-chart"
      data-state={state}
      data-draw={spec?.type ?? ""}
      data-def={q.data?.panel_def_id ?? ""}
    >
      {body}
      {q.data?.truncated && (
        <div className="panel-note">
          The first {q.data.data.length.toLocaleString()} of {q.data.nrows.toLocaleString()} rows
        </div>
      )}
    </div>
  );
}

export function ChartPanel({ spec, ctx, visible }: PanelProps<ChartSpec>) {
  const key = spec.keys[0];
  const [title, setTitle] = useState<string | null>(null);
  const [data, setData] = useState(false);
  const tableKey = spec.options.tableKey;
  const toggle = (run: PanelLine | undefined) =>
    tableKey && run ? (
      <label className="chart-data-toggle" title={`the table ${tableKey} the chart draws`}>
        <input type="checkbox" checked={data} onChange={(e) => setData(e.target.checked)} />
        show data
      </label>
    ) : null;
  return (
    <RunTabsPanel
      kind="chart"
      noun="chart"
      spec={spec}
      ctx={ctx}
      visible={visible}
      title={spec.title ?? title ?? key}
      head={toggle}
    >
      {(v) => (
        <>
          <RunChart
            key={v.run.id}
            entity={v.entity}
            project={v.project}
            runId={v.run.id}
            ckey={key}
            visible={v.visible}
            onTitle={setTitle}
          />
          {data && tableKey && (
            <div className="chart-data" data-key={tableKey}>
              <RunTable
                key={v.run.id}
                entity={v.entity}
                project={v.project}
                runId={v.run.id}
                tableKey={tableKey}
                visible={v.visible}
              />
            </div>
          )}
        </>
      )}
    </RunTabsPanel>
  );
}
