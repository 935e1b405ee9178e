// The project workspace: the runs table on top, the charts of the visible runs
// below. What the view shows lives in the URL (view.ts); per-user choices
// (columns, eye toggles, colours) live in the browser (data/prefs.ts).

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import type { AnalysisDefaults } from "../analysis/AnalysisSection";
import { api, runQueryParams } from "../api/endpoints";
import { ProjectNav } from "../artifacts/ArtifactsPage";
import { ErrorBox, PageHeader, type Crumb } from "../common/PageHeader";
import { ColorByControl, useColorBy, useColorByField } from "../compare/ColorBy";
import { SystemSection } from "../compare/SystemSection";
import { keys } from "../data/keys";
import { usePrefs } from "../data/prefs";
import { apiPath, projectPath } from "../lib/paths";
import { MediaSection } from "../panels/media/MediaSection";
import { useChartLines } from "./chartLines";
import { AnalysisSlot } from "./AnalysisSlot";
import { FilterBar } from "./FilterBar";
import { HighlightContext } from "./highlight";
import { PanelWorkspace } from "./PanelWorkspace";
import { useRowHooks } from "./rowHooks";
import { useFieldValues, usePanels, useWorkspaceData } from "./workspaceData";
import { RunsTable } from "./RunsTable";
import { ChartToolbar, TableToolbar } from "./Toolbars";
import { nextSort, useView } from "./view";

/** A workspace over part of a project: a sweep's runs. */
export interface WorkspaceScope {
  /** The runs (a filter ANDed with the user's). */
  filter: Record<string, unknown>;
  crumbs: Crumb[];
  nav: "sweeps";
  /** Shown under the header (the sweep's state and its buttons). */
  banner: ReactNode;
  analysis: AnalysisDefaults;
}

export function WorkspacePage({ entity, project, scope }: { entity: string; project: string; scope?: WorkspaceScope }) {
  const [view, setView] = useView();
  const prefs = usePrefs(entity, project);
  const qc = useQueryClient();
  useEffect(() => {
    document.title = `${scope ? `${scope.crumbs[scope.crumbs.length - 1].label} · ` : ""}${project} · runbase`;
  }, [project, scope]);

  const { columns, all, groupBy, levels, order, query, page0, total, groups, error, filterError } = useWorkspaceData(
    entity,
    project,
    view,
    scope?.filter,
  );
  const [brushed, setBrushed] = useState<Set<string> | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const queryText = JSON.stringify(query);
  useEffect(() => setSelected(new Set()), [queryText]);

  const [colorBy, setColorBy] = useColorByField(entity, project);
  const agg = useMemo(() => ({ y: view.agg, band: view.band }), [view.agg, view.band]);
  const lines = useChartLines({
    entity,
    project,
    query,
    maxRuns: view.maxRuns,
    prefs,
    groupBy,
    levels,
    groups,
    total,
    agg,
  });
  const { chart, scale } = useColorBy(entity, project, lines, colorBy);
  const levelKey = levels.map((c) => c.id).join("\n");
  const levelIds = useMemo(() => (levelKey ? levelKey.split("\n") : []), [levelKey]);

  const first = useMemo(
    () => chart.firstIds ?? new Set(page0.data?.runs.slice(0, view.maxRuns).map((r) => r.id)),
    [chart.firstIds, page0.data, view.maxRuns],
  );
  const hooks = useRowHooks(entity, project, prefs, { grouped: !!groupBy, first, maxRuns: view.maxRuns, levelIds });

  const deleteSelected = async () => {
    const ids = [...selected];
    if (!ids.length || !confirm(`Delete ${ids.length} run${ids.length === 1 ? "" : "s"}? This cannot be undone.`))
      return;
    try {
      await api.deleteRuns(entity, project, ids);
      setSelected(new Set());
    } finally {
      await Promise.all([
        qc.invalidateQueries({ queryKey: keys.project(entity, project) }),
        qc.invalidateQueries({ queryKey: keys.projects() }),
      ]);
    }
  };
  const csv = `${apiPath(projectPath(entity, project))}/runs.csv?${new URLSearchParams(
    Object.entries(runQueryParams(query)).filter((kv): kv is [string, string] => typeof kv[1] === "string"),
  )}`;

  const { ctx } = usePanels(entity, project, view, chart, columns.metrics, !!groupBy);
  const panelDefaults = useMemo(
    () => ({ x: view.x, smoothing: view.smoothing, logY: view.logY }),
    [view.x, view.smoothing, view.logY],
  );
  const fields = useMemo(
    () => [
      "name",
      "state",
      "tags",
      "group",
      "job_type",
      "user",
      "host",
      "notes",
      "id",
      "sweep",
      "created_at",
      "heartbeat_at",
      "runtime",
      ...columns.config.map((k) => `config.${k}`),
      ...columns.summary.map((k) => `summary.${k}`),
      "summary._step",
      ...columns.metrics.flatMap((k) => [`min:${k}`, `max:${k}`, `last:${k}`]),
    ],
    [columns],
  );
  const suggested = useFieldValues(
    entity,
    project,
    view.filters.rows
      .filter((r) => !/^(min|max|last|count):|^(created_at|heartbeat_at|runtime)$/.test(r.field))
      .map((r) => r.field),
  );

  return (
    <>
      <PageHeader crumbs={scope?.crumbs ?? [{ label: entity }, { label: project }]}>
        <span className="run-count">{total === null ? "" : `${total} run${total === 1 ? "" : "s"}`}</span>
        <ProjectNav entity={entity} project={project} current={scope?.nav ?? "runs"} />
      </PageHeader>
      {scope?.banner}
      <div className="error-slot">{error && <ErrorBox error={error} />}</div>
      <TableToolbar
        entity={entity}
        project={project}
        view={view}
        setView={setView}
        all={all}
        csv={csv}
        selected={selected}
        onDelete={deleteSelected}
        onMoved={() => setSelected(new Set())}
        savedViews={!scope}
      />
      <FilterBar
        state={view.filters}
        fields={fields}
        values={suggested}
        error={filterError}
        onChange={(filters) => setView({ filters })}
      />
      <HighlightContext.Provider value={brushed}>
        <RunsTable
          key={view.group}
          entity={entity}
          project={project}
          query={query}
          all={all}
          layout={prefs.layout}
          sort={order}
          onSort={(k) => setView({ sort: nextSort(view.sort, k) })}
          groupBy={groupBy}
          levels={levels}
          agg={view.agg}
          base={view.base}
          onBase={(base) => setView({ base })}
          groups={groups}
          total={total}
          selected={selected}
          onSelected={setSelected}
          hooks={hooks}
          filtered={view.filters.rows.some((r) => r.field) || !!view.search}
        />
      </HighlightContext.Provider>
      <AnalysisSlot
        entity={entity}
        project={project}
        query={query}
        configKeys={columns.config}
        summaryKeys={columns.summary}
        view={view}
        setView={setView}
        defaults={scope?.analysis}
        onBrushed={setBrushed}
      />
      <ChartToolbar view={view} metrics={columns.metrics} grouped={!!groupBy} visText={chart.text} setView={setView}>
        <ColorByControl keys={columns.config} field={colorBy} onChange={setColorBy} scale={scale} />
      </ChartToolbar>
      <PanelWorkspace
        entity={entity}
        project={project}
        metrics={columns.metrics}
        defaults={panelDefaults}
        ctx={ctx}
        emptyText="No metrics logged in this project yet."
      />
      <MediaSection entity={entity} project={project} ctx={ctx} />
      <SystemSection entity={entity} project={project} ctx={ctx} />
    </>
  );
}
