// The parameter analysis of a workspace's runs (every run its filters select):
// parallel coordinates, parameter importance and the metric over time. Which
// metric, goal and parameters live in the URL (the view); a sweep's workspace
// starts from the sweep's. Loaded on demand (it brings d3), so the project
// workspace's first load does not carry it.

import { useCallback, useDeferredValue, useEffect, useMemo, useState } from "react";
import type { RunQuery } from "../api/endpoints";
import { colorOf } from "../data/prefs";
import { useShownAtOnce } from "../workspace/view";
import type { View } from "../workspace/viewState";
import { brushedIds, buildAxes, defaultParams, type Brushes, type ParamHint } from "./axes";
import { MAX_RUNS, useAnalysisRuns } from "./data";
import { ImportancePanel } from "./ImportancePanel";
import { MetricScatter } from "./MetricScatter";
import { guessGoal, type Goal } from "./overTime";
import { ParallelCoords } from "./ParallelCoords";

export interface AnalysisDefaults {
  metric?: string;
  goal?: Goal;
  params?: ParamHint[];
}

export interface AnalysisProps {
  entity: string;
  project: string;
  query: RunQuery;
  configKeys: string[];
  summaryKeys: string[];
  view: View;
  setView: (patch: Partial<View>) => void;
  defaults?: AnalysisDefaults;
  /** Called with the runs inside the brushes (null: no brush), for the runs table. */
  onBrushed: (ids: Set<string> | null) => void;
}

function ParamPicker({
  keys,
  chosen,
  onChange,
}: {
  keys: string[];
  chosen: string[];
  onChange: (p: string[]) => void;
}) {
  const [shown, setShown] = useShownAtOnce(chosen);
  const on = new Set(shown);
  return (
    <details className="an-params">
      <summary>Parameters ({shown.length})</summary>
      <div className="an-param-list">
        {keys.map((k) => (
          <label key={k}>
            <input
              type="checkbox"
              data-param={k}
              checked={on.has(k)}
              onChange={(e) => setShown(e.target.checked ? [...shown, k] : shown.filter((c) => c !== k), onChange)}
            />
            {k}
          </label>
        ))}
      </div>
    </details>
  );
}

export default function AnalysisSection(props: AnalysisProps) {
  const { entity, project, query, configKeys, summaryKeys, view, setView, defaults, onBrushed } = props;
  const data = useAnalysisRuns(entity, project, query);
  const runs = useMemo(() => data.data?.runs ?? [], [data.data]);
  const metrics = useMemo(() => summaryKeys.filter((k) => !k.startsWith("_")), [summaryKeys]);
  const metric = view.aMetric || defaults?.metric || metrics.find((k) => /loss/i.test(k)) || metrics[0] || "";
  const goal: Goal = view.aGoal || (defaults?.metric === metric ? defaults.goal : undefined) || guessGoal(metric);
  const params = useMemo(
    () =>
      view.aParams ?? (defaults?.params?.length ? defaults.params.map((p) => p.name) : defaultParams(runs, configKeys)),
    [view.aParams, defaults, runs, configKeys],
  );
  const axes = useMemo(() => buildAxes(runs, params, metric, defaults?.params), [runs, params, metric, defaults]);
  const [brushes, setBrushes] = useState<Brushes>({});
  const onBrush = useCallback(
    (id: string, r: [number, number] | null) =>
      setBrushes((b) => {
        const next = { ...b };
        if (r) next[id] = r;
        else delete next[id];
        return next;
      }),
    [],
  );
  const kept = useMemo(() => brushedIds(runs, axes, brushes), [runs, axes, brushes]);
  // The brushed axis redraws at once; the runs table and the scatter follow when React has time.
  const later = useDeferredValue(kept);
  useEffect(() => onBrushed(later), [later, onBrushed]);
  useEffect(() => () => onBrushed(null), [onBrushed]);
  const colors = useMemo(() => runs.map((r) => colorOf(entity, project, r.id)), [runs, entity, project]);
  const color = useCallback((id: string) => colorOf(entity, project, id), [entity, project]);

  return (
    <section className="analysis" data-runs={runs.length}>
      <div className="an-controls toolbar">
        <label>
          Metric{" "}
          <select className="an-metric" value={metric} onChange={(e) => setView({ aMetric: e.target.value })}>
            {!metrics.includes(metric) && metric && <option value={metric}>{metric}</option>}
            {metrics.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <select className="an-goal" value={goal} onChange={(e) => setView({ aGoal: e.target.value as Goal })}>
          <option value="minimize">minimize</option>
          <option value="maximize">maximize</option>
        </select>
        <ParamPicker keys={configKeys} chosen={params} onChange={(p) => setView({ aParams: p })} />
        {data.data && data.data.total > runs.length && (
          <span className="panel-note">
            the newest {MAX_RUNS} of {data.data.total} runs
          </span>
        )}
        {data.isFetching && !data.data && <span className="panel-note">loading runs…</span>}
      </div>
      <div className="an-grid">
        <ParallelCoords
          runs={runs}
          axes={params.length || metric ? axes : []}
          colors={colors}
          brushes={brushes}
          onBrush={onBrush}
          shown={kept ? kept.size : runs.length}
        />
        <ImportancePanel entity={entity} project={project} query={query} metric={metric} params={params} />
        <MetricScatter runs={runs} metric={metric} goal={goal} colorOf={color} keep={later} />
      </div>
    </section>
  );
}
