// The table panel: a logged wandb.Table, sorted, searched and paged on the
// server; one tab per visible run that logged it, to compare them.

import { useParams } from "react-router";
import type { PanelProps, PanelSpec } from "../registry";
import { panelRuns, RunTabs, useRunPick, type MediaOptions } from "./RunTabs";
import { RunTable } from "./RunTable";

export type TableSpec = PanelSpec<MediaOptions>;

export function TablePanel({ spec, ctx, visible }: PanelProps<TableSpec>) {
  const { entity = "", project = "" } = useParams();
  const key = spec.keys[0];
  const runs = panelRuns(ctx.lines, spec);
  const [run, pick] = useRunPick(runs);
  return (
    <div className="panel table-panel" data-kind="table" data-key={key}>
      <div className="panel-head">
        <span className="panel-title" title={spec.title ?? key}>
          {spec.title ?? key}
        </span>
      </div>
      <RunTabs runs={runs} current={run?.id} onPick={pick} />
      {run ? (
        <RunTable
          key={run.id}
          entity={entity}
          project={project}
          runId={run.id}
          tableKey={key}
          visible={visible && ctx.linesReady}
        />
      ) : (
        <div className="panel-empty">{ctx.linesReady ? "No visible run logged this table" : "Loading…"}</div>
      )}
    </div>
  );
}
