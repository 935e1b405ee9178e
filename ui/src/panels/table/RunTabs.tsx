// One tab per visible run, for the panels that show one run's logged object at
// a time (a table, a histogram heat-map, a chart): the same key compared across
// runs by switching tabs. A spec may list the runs that logged the key
// (options.runs, from the media index); other runs are left out.

import { useState, type ReactNode } from "react";
import { useParams } from "react-router";
import type { PanelContext, PanelLine, PanelSpec } from "../registry";

export interface MediaOptions {
  /** The runs that logged the key, when known. */
  runs?: string[];
}

/** The runs a panel offers: the visible lines, only those that logged the key when known. */
export function panelRuns(lines: PanelLine[], spec: PanelSpec<MediaOptions>): PanelLine[] {
  // A group line stands for its runs: a table is one run's, so offer each member.
  const runs = lines.flatMap((l) =>
    l.members
      ? l.members.map((id) => ({ id, name: id, color: l.color }))
      : [{ id: l.id, name: l.name, color: l.color }],
  );
  const known = spec.options?.runs;
  return known ? runs.filter((r) => known.includes(r.id)) : runs;
}

export function useRunPick(runs: PanelLine[]): [PanelLine | undefined, (id: string) => void] {
  const [picked, setPicked] = useState<string | null>(null);
  const run = runs.find((r) => r.id === picked) ?? runs[0];
  return [run, setPicked];
}

export function RunTabs({
  runs,
  current,
  onPick,
}: {
  runs: PanelLine[];
  current?: string;
  onPick: (id: string) => void;
}) {
  if (runs.length < 2) return null;
  return (
    <div className="run-tabs" role="tablist">
      {runs.map((r) => (
        <button
          key={r.id}
          role="tab"
          aria-selected={r.id === current}
          className={`run-tab${r.id === current ? " active" : ""}`}
          data-run={r.id}
          onClick={() => onPick(r.id)}
        >
          <span className="swatch" style={{ background: r.color }} />
          {r.name}
        </button>
      ))}
    </div>
  );
}

/** What a tab's body is drawn for: the run, the page's project, and whether to fetch. */
export interface RunView {
  run: PanelLine;
  entity: string;
  project: string;
  visible: boolean;
}

/** The frame the table, histogram and chart panels share: title, run tabs, and the
 * picked run's view (or why there is none). ``head`` adds controls to the title bar;
 * ``children`` draws the picked run. */
export function RunTabsPanel({
  kind,
  spec,
  ctx,
  visible,
  noun,
  title,
  head,
  children,
}: {
  kind: string;
  spec: PanelSpec<MediaOptions>;
  ctx: PanelContext;
  visible: boolean;
  /** What the key holds, for "No visible run logged this …". */
  noun: string;
  title?: string;
  head?: (run: PanelLine | undefined) => ReactNode;
  children: (view: RunView) => ReactNode;
}) {
  const { entity = "", project = "" } = useParams();
  const key = spec.keys[0];
  const runs = panelRuns(ctx.lines, spec);
  const [run, pick] = useRunPick(runs);
  const shown = title ?? spec.title ?? key;
  return (
    <div className={`panel ${kind}-panel`} data-kind={kind} data-key={key}>
      <div className="panel-head">
        <span className="panel-title" title={shown}>
          {shown}
        </span>
        {head?.(run)}
      </div>
      <RunTabs runs={runs} current={run?.id} onPick={pick} />
      {run ? (
        children({ run, entity, project, visible: visible && ctx.linesReady })
      ) : (
        <div className="panel-empty">{ctx.linesReady ? `No visible run logged this ${noun}` : "Loading…"}</div>
      )}
    </div>
  );
}
