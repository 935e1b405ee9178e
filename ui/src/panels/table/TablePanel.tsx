// The table panel: a logged wandb.Table, sorted, searched and paged on the
// server; one tab per visible run that logged it, to compare them.

import type { PanelProps, PanelSpec } from "../registry";
import { RunTabsPanel, type MediaOptions } from "./RunTabs";
import { RunTable } from "./RunTable";

export type TableSpec = PanelSpec<MediaOptions>;

export function TablePanel({ spec, ctx, visible }: PanelProps<TableSpec>) {
  return (
    <RunTabsPanel kind="table" noun="table" spec={spec} ctx={ctx} visible={visible}>
      {(v) => (
        <RunTable
          key={v.run.id}
          entity={v.entity}
          project={v.project}
          runId={v.run.id}
          tableKey={spec.keys[0]}
          visible={v.visible}
        />
      )}
    </RunTabsPanel>
  );
}
