// One tab per visible run, for the panels that show one run's logged object at
// a time (a table, a histogram heat-map, a chart): the same key compared across
// runs by switching tabs. A spec may list the runs that logged the key
// (options.runs, from the media index); other runs are left out.

import { useState } from "react";
import type { PanelLine, PanelSpec } from "../registry";

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
