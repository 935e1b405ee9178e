// "Colour by" over the workspace's charts: a config key recolours the drawn
// lines by their runs' value of it (colorBy.ts), with a legend of the values.
// The choice is kept with the project's other browser preferences, so a saved
// view keeps it too.

import { useCallback, useMemo } from "react";
import { updatePrefs, usePrefs } from "../data/prefs";
import { fmtNumber } from "../lib/format";
import type { ChartLines } from "../workspace/chartLines";
import { colorScale, gradientAt, type ColorScale } from "./colorBy";
import "./compare.css";
import { fieldValue, sameValue } from "./fields";
import { fieldRun, useRunsById } from "./runsById";

/** A run without the key (or a group whose runs disagree) when colouring by it. */
const NO_VALUE = "#b0b0b0";

/** The chosen config key ("": the runs' own colours), in the project's prefs. */
export function useColorByField(entity: string, project: string): [string, (f: string) => void] {
  const field = usePrefs(entity, project).colorBy ?? "";
  const set = useCallback(
    (colorBy: string) => updatePrefs(entity, project, (p) => ({ ...p, colorBy })),
    [entity, project],
  );
  return [field, set];
}

/** ``chart`` with each line in its value's colour (``field`` "": unchanged). */
export function useColorBy(
  entity: string,
  project: string,
  chart: ChartLines,
  field: string,
): { chart: ChartLines; scale: ColorScale } {
  const ids = useMemo(() => (field ? chart.lines.flatMap((l) => l.members ?? [l.id]) : []), [chart.lines, field]);
  const { byId, loading } = useRunsById(entity, project, ids);
  return useMemo(() => {
    if (!field) return { chart, scale: { kind: "none" } as ColorScale };
    const valueOf = (id: string) => {
      const r = byId.get(id);
      return r ? fieldValue(fieldRun(r), `config.${field}`) : undefined;
    };
    const lineValue = (members: string[]) => {
      const vs = members.map(valueOf);
      return vs.every((v) => sameValue(v, vs[0])) ? vs[0] : undefined;
    };
    const values = chart.lines.map((l) => lineValue(l.members ?? [l.id]));
    const scale = colorScale(values);
    if (scale.kind === "none") return { chart, scale };
    const lines = chart.lines.map((l, i) => ({ ...l, color: scale.of(values[i]) ?? NO_VALUE }));
    return { chart: { ...chart, lines, ready: chart.ready && !loading }, scale };
  }, [chart, field, byId, loading]);
}

function Legend({ scale }: { scale: ColorScale }) {
  if (scale.kind === "categories")
    return (
      <span className="colorby-legend">
        {scale.entries.map((e) => (
          <span key={e.label} className="colorby-entry" data-value={e.label}>
            <span className="swatch" style={{ background: e.color }} />
            {e.label}
          </span>
        ))}
      </span>
    );
  if (scale.kind === "gradient") {
    const stops = Array.from({ length: 9 }, (_, i) => gradientAt(i / 8)).join(", ");
    return (
      <span className="colorby-legend" data-min={scale.min} data-max={scale.max}>
        {fmtNumber(scale.min)}
        <span className="colorby-gradient" style={{ background: `linear-gradient(to right, ${stops})` }} />
        {fmtNumber(scale.max)}
        {scale.log && <span className="panel-note"> (log)</span>}
      </span>
    );
  }
  return null;
}

export function ColorByControl({
  keys,
  field,
  onChange,
  scale,
}: {
  /** The project's config keys. */
  keys: string[];
  field: string;
  onChange: (f: string) => void;
  scale: ColorScale;
}) {
  return (
    <div className="colorby-bar">
      <label>
        Colour by{" "}
        <select className="colorby-select" value={field} onChange={(e) => onChange(e.target.value)}>
          <option value="">run colours</option>
          {keys.map((k) => (
            <option key={k} value={k}>
              {`config.${k}`}
            </option>
          ))}
          {field && !keys.includes(field) && <option value={field}>{`config.${field}`}</option>}
        </select>
      </label>
      <Legend scale={scale} />
    </div>
  );
}
