// The project workspace: the runs table on top, the charts of the visible runs
// below. What the view shows lives in the URL (view.ts); per-user choices
// (columns, eye toggles, colours) live in the browser (data/prefs.ts).

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, type Group, type Run } from "../api/endpoints";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { keys } from "../data/keys";
import { colorOf, remember, setColor, updatePrefs, usePrefs } from "../data/prefs";
import { columnsQuery, groupsQuery, projectQuery, runsPageQuery } from "../data/runs";
import { projectSeries } from "../data/series";
import { apiPath, projectPath } from "../lib/paths";
import "../panels";
import type { LineSpec } from "../panels";
import { PanelGrid } from "../panels/PanelGrid";
import type { PanelContext } from "../panels/registry";
import { useChartLines } from "./chartLines";
import { baseColumns, groupKey, keyColumns } from "./columns";
import { ColumnPicker } from "./ColumnPicker";
import { FilterBar } from "./FilterBar";
import { toMongo } from "./filters";
import { RunsTable, type RowHooks } from "./RunsTable";
import { ChartToolbar, GroupSelect, SearchBox } from "./Toolbars";
import { nextSort, useView } from "./view";
import { runQueryParams } from "../api/endpoints";

const NO_COLUMNS = { config: [], summary: [], metrics: [] };

export function WorkspacePage({ entity, project }: { entity: string; project: string }) {
  const [view, setView] = useView();
  const prefs = usePrefs(entity, project);
  const qc = useQueryClient();
  useEffect(() => {
    document.title = `${project} · runbase`;
  }, [project]);

  const projectQ = useQuery(projectQuery(entity, project));
  const columnsQ = useQuery(columnsQuery(entity, project));
  const columns = columnsQ.data ?? NO_COLUMNS;
  const all = useMemo(
    () => [...baseColumns(), ...keyColumns(columns.config, columns.summary, columns.metrics)],
    [columns],
  );
  const groupBy = useMemo(() => all.find((c) => c.id === view.group && c.meta.sortKey) ?? null, [all, view.group]);

  // Grouping sorts by the group column first, so each group's rows are adjacent.
  const order = useMemo(() => {
    const g = groupBy?.meta.sortKey;
    if (!g) return view.sort;
    return view.sort.replace(/^[-+]/, "") === g ? view.sort : `${g},${view.sort}`;
  }, [groupBy, view.sort]);
  const query = useMemo(
    () => ({ filters: toMongo(view.filters) ?? undefined, search: view.search || undefined, order }),
    [view.filters, view.search, order],
  );

  const page0 = useQuery({ ...runsPageQuery(entity, project, query, 0), enabled: !groupBy, placeholderData: keepPreviousData });
  const groupsQ = useQuery({ ...groupsQuery(entity, project, groupBy?.meta.sortKey ?? "", query), enabled: !!groupBy });
  const total = (groupBy ? groupsQ.data?.total : page0.data?.total) ?? null;
  const groups = groupBy ? (groupsQ.data?.groups ?? null) : null;

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const queryText = JSON.stringify(query);
  useEffect(() => setSelected(new Set()), [queryText]);

  const chart = useChartLines({ entity, project, query, maxRuns: view.maxRuns, prefs, groupBy, groups, total });
  const groupPref = useCallback((g: Group) => `${view.group}=${groupKey(g)}`, [view.group]);

  const hooks = useMemo((): RowHooks => {
    const first = chart.firstIds ?? new Set(page0.data?.runs.slice(0, view.maxRuns).map((r) => r.id));
    const isVisible = (r: Run) => prefs.eye[r.id] ?? (groupBy ? true : first.has(r.id));
    const isGroupVisible = (g: Group, i: number) => prefs.groupEye[groupPref(g)] ?? i < view.maxRuns;
    return {
      isVisible,
      toggleVisible: (r) => updatePrefs(entity, project, (p) => ({ ...p, eye: remember(p.eye, r.id, !isVisible(r)) })),
      colorOf: (id) => colorOf(entity, project, id),
      setColor: (r, c) => setColor(entity, project, r.id, c),
      isGroupVisible,
      toggleGroupVisible: (g, i) =>
        updatePrefs(entity, project, (p) => ({ ...p, groupEye: remember(p.groupEye, groupPref(g), !isGroupVisible(g, i)) })),
      groupColor: (g) => colorOf(entity, project, `group:${groupPref(g)}`),
    };
  }, [chart.firstIds, page0.data, view.maxRuns, prefs, groupBy, groupPref, entity, project]);

  const [picker, setPicker] = useState(false);
  const deleteSelected = async () => {
    const ids = [...selected];
    if (!ids.length || !confirm(`Delete ${ids.length} run${ids.length === 1 ? "" : "s"}? This cannot be undone.`)) return;
    try {
      await api.deleteRuns(entity, project, ids);
      setSelected(new Set());
    } finally {
      await Promise.all([qc.invalidateQueries({ queryKey: keys.project(entity, project) }), qc.invalidateQueries({ queryKey: keys.projects() })]);
    }
  };
  const csv = `${apiPath(projectPath(entity, project))}/runs.csv?${new URLSearchParams(
    Object.entries(runQueryParams(query)).filter((kv): kv is [string, string] => typeof kv[1] === "string"),
  )}`;

  const buckets = groupBy ? 500 : 1000; // group means come from coarser buckets of many runs, as in W&B
  const runIds = useMemo(() => chart.lines.flatMap((l) => l.members ?? [l.id]), [chart.lines]);
  const ctx = useMemo(
    (): PanelContext => ({ lines: chart.lines, linesReady: chart.ready, source: projectSeries(entity, project, runIds, buckets) }),
    [chart.lines, chart.ready, entity, project, runIds, buckets],
  );
  const specs = useMemo(
    (): LineSpec[] =>
      columns.metrics
        .filter((m) => m !== view.x)
        .map((key) => ({ id: key, kind: "line", keys: [key], x: view.x, options: { smoothing: view.smoothing, logY: view.logY } })),
    [columns.metrics, view.x, view.smoothing, view.logY],
  );
  const fields = useMemo(
    () => ["name", "state", "tags", "group", "job_type", "user", ...columns.config.map((k) => `config.${k}`), ...columns.summary.map((k) => `summary.${k}`)],
    [columns],
  );
  const error = projectQ.error ?? columnsQ.error ?? (groupBy ? groupsQ.error : page0.error);

  return (
    <>
      <PageHeader crumbs={[{ label: entity }, { label: project }]}>
        <span className="run-count">{total === null ? "" : `${total} run${total === 1 ? "" : "s"}`}</span>
      </PageHeader>
      <div className="error-slot">{error && <ErrorBox error={error} />}</div>
      <div className="toolbar">
        <SearchBox value={view.search} onChange={(search) => setView({ search })} />
        <GroupSelect all={all} value={view.group} onChange={(group) => setView({ group })} />
        <div className="popover-anchor">
          <button className="columns-btn" onClick={() => setPicker((v) => !v)}>
            Columns
          </button>
          {picker && (
            <ColumnPicker
              all={all}
              layout={prefs.layout}
              onChange={(layout) => updatePrefs(entity, project, (p) => ({ ...p, layout }))}
              onClose={() => setPicker(false)}
            />
          )}
        </div>
        <a className="button export-csv" href={csv} download={`${project}-runs.csv`} title="Download the matching rows as CSV">
          Export CSV
        </a>
        <button className="danger delete-runs" disabled={selected.size === 0} onClick={deleteSelected}>
          Delete
        </button>
        <span className="sel-count">{selected.size ? `${selected.size} selected` : ""}</span>
        <span className="live" title="Updates as runs log">
          ● live
        </span>
      </div>
      <FilterBar state={view.filters} fields={fields} onChange={(filters) => setView({ filters })} />
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
        groups={groups}
        total={total}
        selected={selected}
        onSelected={setSelected}
        hooks={hooks}
      />
      <ChartToolbar view={view} metrics={columns.metrics} grouped={!!groupBy} visText={chart.text} setView={setView} />
      <PanelGrid specs={specs} ctx={ctx} emptyText="No metrics logged in this project yet." />
    </>
  );
}
