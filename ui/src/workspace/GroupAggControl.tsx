// Grouped charts: which aggregate of its runs a group line shows, and the band
// drawn around it (W&B's "Group" options in the chart settings).

import type { AggMode, BandMode } from "../lib/groupAgg";
import type { View } from "./view";

const AGG_LABEL: Record<AggMode, string> = { mean: "Mean", median: "Median", min: "Min", max: "Max" };
const BAND_LABEL: Record<BandMode, string> = {
  minmax: "Min–max",
  std: "Std dev",
  stderr: "Std error",
  none: "No band",
};

export function GroupAggControl({ view, setView }: { view: View; setView: (p: Partial<View>) => void }) {
  return (
    <>
      <label title="What each group's line shows of its runs at each x">
        Group line{" "}
        <select className="group-agg" value={view.agg} onChange={(e) => setView({ agg: e.target.value as AggMode })}>
          {Object.entries(AGG_LABEL).map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <label title="The shaded band around each group's line">
        Band{" "}
        <select
          className="group-band"
          value={view.band}
          onChange={(e) => setView({ band: e.target.value as BandMode })}
        >
          {Object.entries(BAND_LABEL).map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
