// The project workspace: the runs table on top, the charts of the visible runs
// below. What the view shows (search, filters, sort, group, x axis, smoothing)
// lives in the URL, so a view can be shared; per-user choices (columns, eye
// toggles, colours) live in localStorage.

import { api, type Columns, type GroupInfo, type Run } from "../api";
import { nextColor, PALETTE } from "../colors";
import { ChartGrid } from "../components/chartGrid";
import { applyLayout, ColumnPicker, type ColumnLayout } from "../components/columnPicker";
import { FilterBar, toMongo, type FilterState } from "../components/filterBar";
import { type PanelRun, type PanelSettings } from "../components/linePanel";
import { baseColumns, groupKey, groupLabel, keyColumns, RunsTable, type Column } from "../components/runsTable";
import { debounce, h } from "../dom";
import { setQuery } from "../router";
import { errorBox, pageHeader } from "./common";

const POLL_MS = 4000;
/** Lines one chart draws at most (the server's limit of runs per series request). */
const MAX_LINES = 100;
/** Runs fetched for all group lines together; each group's mean covers its first runs. */
const MAX_GROUP_RUNS = 200;
/** Eye toggles remembered per project (the most recent win). */
const MAX_EYE_PREFS = 500;

interface Prefs {
  layout: ColumnLayout;
  eye: Record<string, boolean>;
  groupEye: Record<string, boolean>;
  colors: Record<string, string>;
}

function loadPrefs(key: string): Prefs {
  try {
    const p = JSON.parse(localStorage.getItem(key) ?? "{}");
    return {
      layout: p.layout ?? { order: [], hidden: [] },
      eye: p.eye ?? {},
      groupEye: p.groupEye ?? {},
      colors: p.colors ?? {},
    };
  } catch {
    return { layout: { order: [], hidden: [] }, eye: {}, groupEye: {}, colors: {} };
  }
}

/** Set ``key`` last in insertion order, dropping the oldest entries beyond ``max``. */
function remember(rec: Record<string, boolean>, key: string, value: boolean, max: number): void {
  delete rec[key];
  rec[key] = value;
  const keys = Object.keys(rec);
  for (let i = 0; i < keys.length - max; i++) delete rec[keys[i]];
}

function parseFilterParam(text: string | null): FilterState {
  if (!text) return { rows: [], any: false };
  try {
    const v = JSON.parse(text);
    if (Array.isArray(v.rows)) return { rows: v.rows, any: !!v.any };
  } catch {
    /* a hand-edited URL: start without filters */
  }
  return { rows: [], any: false };
}

export function workspacePage(root: HTMLElement, entity: string, project: string): () => void {
  const params = new URLSearchParams(location.search);
  const view = {
    search: params.get("q") ?? "",
    filters: parseFilterParam(params.get("f")),
    sort: params.get("sort") ?? "-created_at",
    group: params.get("group") ?? "",
    x: params.get("x") ?? "_step",
    smoothing: Number(params.get("smooth") ?? "0") || 0,
    logY: params.get("logy") === "1",
    maxRuns: Number(params.get("runs") ?? "10") || 10,
  };
  const prefsKey = `runbase:ws:${entity}/${project}`;
  const prefs = loadPrefs(prefsKey);
  const savePrefs = () => localStorage.setItem(prefsKey, JSON.stringify(prefs));
  const savePrefsSoon = debounce(savePrefs, 300);
  let columns: Columns = { config: [], summary: [], metrics: [] };
  let allColumns: Column[] = baseColumns();
  let stopped = false;

  const saveView = () => {
    const p = new URLSearchParams();
    if (view.search) p.set("q", view.search);
    if (view.filters.rows.length) p.set("f", JSON.stringify(view.filters));
    if (view.sort !== "-created_at") p.set("sort", view.sort);
    if (view.group) p.set("group", view.group);
    if (view.x !== "_step") p.set("x", view.x);
    if (view.smoothing) p.set("smooth", String(view.smoothing));
    if (view.logY) p.set("logy", "1");
    if (view.maxRuns !== 10) p.set("runs", String(view.maxRuns));
    setQuery(p);
  };

  const groupColumn = (): Column | null => allColumns.find((c) => c.id === view.group) ?? null;

  const order = (): string => {
    // Grouping sorts by the group column first, so each group's rows are adjacent.
    const g = groupColumn();
    if (g?.sortKey) {
      const inner = view.sort.replace(/^[-+]/, "");
      return inner === g.sortKey ? view.sort : `${g.sortKey},${view.sort}`;
    }
    return view.sort;
  };

  const query = () => ({ filters: toMongo(view.filters), search: view.search || undefined, order: order() });

  const errorSlot = h("div", { class: "error-slot" });
  const showError = (e: unknown) => {
    errorSlot.replaceChildren(errorBox(e));
  };
  const countEl = h("span", { class: "run-count" });
  const selEl = h("span", { class: "sel-count" });
  const visEl = h("span", { class: "vis-count" });

  // What the charts draw: the first "Runs drawn" runs of the query plus the runs
  // whose eye is on, less those whose eye is off, whether or not their table row
  // is loaded (W&B's rule); grouped, one line per group. Fetched from the server.
  let chartLines: PanelRun[] = [];
  let chartRuns: Run[] = [];
  let firstIds: Set<string> | null = null; // the query's first N runs, once known
  let visText = "";

  /** Drawn by default: among the first N runs of the query (grouped: every run of a drawn group). */
  const isVisible = (r: Run): boolean => {
    const explicit = prefs.eye[r.id];
    if (explicit !== undefined) return explicit;
    if (table.grouped) return true;
    if (firstIds) return firstIds.has(r.id);
    const i = table.loadedRuns().findIndex((x) => x.id === r.id);
    return i >= 0 && i < view.maxRuns;
  };
  const groupPrefKey = (g: GroupInfo) => `${view.group}=${groupKey(g)}`;
  const isGroupVisible = (g: GroupInfo, index: number): boolean =>
    prefs.groupEye[groupPrefKey(g)] ?? index < view.maxRuns;
  const colorOf = (r: Run): string => {
    let c = prefs.colors[r.id];
    if (!c) {
      // Unused among the runs on screen and on the charts, so the drawn runs tell apart.
      const seen = new Set<string>();
      const used: string[] = [];
      for (const x of [...chartRuns, ...table.loadedRuns()]) {
        if (seen.has(x.id) || !prefs.colors[x.id]) continue;
        seen.add(x.id);
        used.push(prefs.colors[x.id]);
      }
      c = nextColor(used);
      prefs.colors[r.id] = c;
      savePrefsSoon();
    }
    return c;
  };
  const groupColor = (g: GroupInfo): string => {
    const key = `group:${groupPrefKey(g)}`;
    let c = prefs.colors[key];
    if (!c) {
      const used = (table.groups ?? []).map((x) => prefs.colors[`group:${groupPrefKey(x)}`]).filter(Boolean);
      c = nextColor(used);
      prefs.colors[key] = c;
      savePrefsSoon();
    }
    return c;
  };

  const table: RunsTable = new RunsTable({
    fetchPage: async (offset, limit) => {
      try {
        const res = await api.runs(entity, project, { ...query(), offset, limit });
        errorSlot.replaceChildren();
        return res;
      } catch (e) {
        showError(e);
        return { total: 0, runs: [] };
      }
    },
    onSort: (key) => {
      const cur = view.sort.replace(/^[-+]/, "");
      view.sort = cur === key ? (view.sort.startsWith("-") ? key : `-${key}`) : `-${key}`;
      if (key === "name") view.sort = cur === key && !view.sort.startsWith("-") ? `-${key}` : key;
      saveView();
      renderTable();
      void requery();
    },
    fetchGroups: async () => {
      const g = groupColumn();
      try {
        const res = await api.groups(entity, project, g?.sortKey ?? "", query());
        errorSlot.replaceChildren();
        return res;
      } catch (e) {
        showError(e);
        return { total: 0, groups: [] };
      }
    },
    isVisible: (r) => isVisible(r),
    toggleVisible: (r) => {
      const on = !isVisible(r);
      remember(prefs.eye, r.id, on, MAX_EYE_PREFS);
      // A run switched on far down the table may share a colour with a drawn run
      // (20 colours, many rows): give it one the drawn runs do not use, if any is left.
      const drawn = chartRuns.filter((x) => x.id !== r.id).map((x) => prefs.colors[x.id]);
      if (on && !table.grouped && drawn.includes(colorOf(r)) && new Set(drawn).size < PALETTE.length) {
        prefs.colors[r.id] = nextColor(drawn);
      }
      savePrefs();
      table.paint();
      void refreshChartRuns();
    },
    colorOf,
    setColor: (r, c) => {
      prefs.colors[r.id] = c;
      savePrefs();
      table.paint();
      void refreshChartRuns();
    },
    isGroupVisible,
    toggleGroupVisible: (g, index) => {
      remember(prefs.groupEye, groupPrefKey(g), !isGroupVisible(g, index), MAX_EYE_PREFS);
      savePrefs();
      table.paint();
      void refreshChartRuns();
    },
    groupColor,
    onSelection: (ids) => {
      selEl.textContent = ids.size ? `${ids.size} selected` : "";
      deleteBtn.disabled = ids.size === 0;
    },
    onLoaded: () => {
      countEl.textContent = `${table.total} run${table.total === 1 ? "" : "s"}`;
    },
  });

  /** The query changed: reload the table, then what the charts draw. */
  const requery = async () => {
    firstIds = null;
    await table.reset();
    await refreshChartRuns();
  };

  const renderTable = () => {
    const g = groupColumn();
    let cols = applyLayout(allColumns, prefs.layout);
    // Name leads and stays pinned on the left (as in W&B), so a row is always identifiable.
    const name = cols.find((c) => c.id === "name");
    if (name) cols = [name, ...cols.filter((c) => c !== name)];
    table.setColumns(cols, order(), g);
    maxRunsLabel.textContent = g ? "Groups drawn " : "Runs drawn ";
  };

  const picker = new ColumnPicker(
    () => allColumns,
    prefs.layout,
    (l) => {
      prefs.layout = l;
      savePrefs();
      renderTable();
    },
  );

  const filterFields = () => [
    "name",
    "state",
    "tags",
    "group",
    "job_type",
    "user",
    ...columns.config.map((k) => `config.${k}`),
    ...columns.summary.map((k) => `summary.${k}`),
  ];
  const filterBar = new FilterBar(view.filters, filterFields, (s) => {
    view.filters = s;
    saveView();
    void requery();
  });

  const searchBox = h("input", {
    class: "search",
    type: "search",
    placeholder: "Search run names (regex)",
    value: view.search,
    oninput: debounce((e: Event) => {
      view.search = (e.target as HTMLInputElement).value;
      saveView();
      void requery();
    }, 250),
  });

  const groupSelect = h("select", {
    class: "group-select",
    title: "Group rows by a column",
    onchange: (e: Event) => {
      view.group = (e.target as HTMLSelectElement).value;
      saveView();
      renderTable();
      void requery();
    },
  });
  const fillGroupSelect = () => {
    const opts = allColumns.filter((c) => c.sortKey && c.group !== "min" && c.group !== "max" && c.id !== "name");
    groupSelect.replaceChildren(
      h("option", { value: "" }, "No grouping"),
      ...opts.map((c) => h("option", { value: c.id, selected: c.id === view.group }, `Group: ${c.group === "run" ? "" : c.group + "."}${c.label}`)),
    );
  };

  const deleteBtn = h(
    "button",
    {
      class: "danger delete-runs",
      disabled: true,
      onclick: async () => {
        const ids = [...table.selected];
        if (!ids.length || !confirm(`Delete ${ids.length} run${ids.length === 1 ? "" : "s"}? This cannot be undone.`)) return;
        try {
          await api.deleteRuns(entity, project, ids);
          await requery();
        } catch (e) {
          showError(e);
        }
      },
    },
    "Delete",
  );

  const csvBtn = h(
    "button",
    {
      class: "export-csv",
      title: "Download the matching rows as CSV",
      onclick: () => {
        const a = h("a", { href: api.csvUrl(entity, project, query()), download: `${project}-runs.csv` });
        document.body.append(a);
        a.click();
        a.remove();
      },
    },
    "Export CSV",
  );

  // Chart controls.
  const xSelect = h("select", {
    class: "x-select",
    onchange: (e: Event) => {
      view.x = (e.target as HTMLSelectElement).value;
      saveView();
      drawCharts();
    },
  });
  const fillXSelect = () => {
    const base: [string, string][] = [
      ["_step", "Step"],
      ["_timestamp", "Wall time"],
      ["_runtime", "Relative time"],
    ];
    xSelect.replaceChildren(
      ...base.map(([v, l]) => h("option", { value: v, selected: v === view.x }, l)),
      ...columns.metrics.map((m) => h("option", { value: m, selected: m === view.x }, m)),
    );
  };
  const smoothVal = h("span", { class: "smooth-val" }, view.smoothing.toFixed(2));
  const smoothInput = h("input", {
    type: "range",
    class: "smoothing",
    min: "0",
    max: "0.99",
    step: "0.01",
    value: String(view.smoothing),
    oninput: (e: Event) => {
      view.smoothing = Number((e.target as HTMLInputElement).value);
      smoothVal.textContent = view.smoothing.toFixed(2);
      saveView();
      drawChartsSoon();
    },
  });
  const logBox = h("input", {
    type: "checkbox",
    class: "logy",
    checked: view.logY,
    onchange: (e: Event) => {
      view.logY = (e.target as HTMLInputElement).checked;
      saveView();
      drawCharts();
    },
  });
  const maxRunsInput = h("input", {
    type: "number",
    class: "max-runs",
    min: "1",
    max: "100",
    value: String(view.maxRuns),
    title: "How many runs (grouped: groups), from the top of the table, the charts draw by default",
    onchange: (e: Event) => {
      view.maxRuns = Math.max(1, Math.min(MAX_LINES, Number((e.target as HTMLInputElement).value) || 10));
      saveView();
      table.paint();
      void refreshChartRuns();
    },
  });
  const maxRunsLabel = h("span", null, "Runs drawn ");

  const grid = new ChartGrid((key) => async (xMin, xMax) => {
    const grouped = chartLines.some((l) => l.members);
    const ids = chartLines.flatMap((l) => l.members ?? [l.id]);
    if (ids.length === 0) return [];
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += MAX_LINES) chunks.push(ids.slice(i, i + MAX_LINES));
    // Group means are drawn from coarser buckets of many runs, as W&B's grouped plots are.
    const buckets = grouped ? 500 : 1000;
    const res = await Promise.all(chunks.map((c) => api.series(entity, project, key, c, view.x, buckets, xMin, xMax)));
    return res.flatMap((r) => r.series);
  }, "No metrics logged in this project yet.");

  /** Flat: the first N runs of the query plus the runs toggled on, less those toggled off. */
  const runLines = async (): Promise<PanelRun[]> => {
    const n = view.maxRuns;
    const q = query();
    const first = table.firstRuns(n) ?? (await api.runs(entity, project, { ...q, offset: 0, limit: n })).runs;
    const firstSet = new Set(first.map((r) => r.id));
    const extraIds = Object.keys(prefs.eye)
      .filter((id) => prefs.eye[id] && !firstSet.has(id))
      .slice(-MAX_LINES);
    let extra: Run[] = [];
    if (extraIds.length) {
      // Only those the current filter and search still match, in the table's order.
      const byId = { id: { $in: extraIds } };
      const filters = q.filters ? { $and: [q.filters, byId] } : byId;
      extra = (await api.runs(entity, project, { ...q, filters, offset: 0, limit: extraIds.length })).runs;
    }
    const runs = [...first.filter((r) => prefs.eye[r.id] !== false), ...extra].slice(0, MAX_LINES);
    firstIds = firstSet;
    chartRuns = runs;
    visText = `${runs.length} of ${table.total} visualised`;
    return runs.map((r) => ({ id: r.id, name: r.name || r.id, color: colorOf(r) }));
  };

  /** Grouped: one line per drawn group, the mean of its first runs (less those toggled off). */
  const groupLines = async (): Promise<PanelRun[]> => {
    const col = groupColumn();
    const groups = table.groups ?? [];
    const drawn = groups.map((g, i) => ({ g, i })).filter(({ g, i }) => isGroupVisible(g, i)).slice(0, MAX_LINES);
    if (!col || drawn.length === 0) {
      chartRuns = [];
      visText = `0 of ${groups.length} groups visualised`;
      return [];
    }
    const per = Math.max(5, Math.min(MAX_LINES, Math.floor(MAX_GROUP_RUNS / drawn.length)));
    const q = query();
    const pages = await Promise.all(
      drawn.map(({ g }) => api.runs(entity, project, { ...q, offset: g.offset, limit: Math.max(1, Math.min(g.count, per)) })),
    );
    const lines: PanelRun[] = [];
    chartRuns = [];
    drawn.forEach(({ g }, j) => {
      const k = groupKey(g);
      // A run logged between the two requests can shift offsets: keep only this group's runs.
      const members = pages[j].runs.filter((r) => groupKey({ value: col.value(r) ?? null, count: 0, offset: 0 }) === k);
      const shown = members.filter((r) => prefs.eye[r.id] !== false);
      if (shown.length === 0) return;
      chartRuns.push(...shown);
      const of = shown.length < g.count ? ` of ${g.count}` : "";
      lines.push({
        id: `group:${k}`,
        name: `${groupLabel(g)} (${shown.length}${of} run${g.count === 1 ? "" : "s"})`,
        color: groupColor(g),
        members: shown.map((r) => r.id),
      });
    });
    visText = `${lines.length} of ${groups.length} group${groups.length === 1 ? "" : "s"} visualised`;
    return lines;
  };

  let chartTicket = 0;
  /** Work out what the charts draw (from the server), then draw. */
  const refreshChartRuns = async (): Promise<void> => {
    const ticket = ++chartTicket;
    let lines: PanelRun[];
    try {
      lines = table.grouped ? await groupLines() : await runLines();
    } catch (e) {
      if (ticket === chartTicket) showError(e);
      return;
    }
    if (ticket !== chartTicket) return;
    chartLines = lines;
    table.paint(); // the default eyes follow the first N runs just fetched
    drawCharts();
  };

  const settings = (): PanelSettings => ({ x: view.x, smoothing: view.smoothing, logY: view.logY });
  const chartKeys = () => columns.metrics.filter((m) => m !== view.x);

  const drawCharts = () => {
    visEl.textContent = visText;
    grid.render(chartKeys(), chartLines, settings());
  };
  const drawChartsSoon = debounce(drawCharts, 120);

  const loadColumns = async () => {
    const next = await api.columns(entity, project);
    const changed = JSON.stringify(next) !== JSON.stringify(columns);
    columns = next;
    if (changed) {
      allColumns = [...baseColumns(), ...keyColumns(columns.config, columns.summary, columns.metrics)];
      fillGroupSelect();
      fillXSelect();
      renderTable();
    }
    return changed;
  };

  root.append(
    pageHeader([{ label: entity }, { label: project }], countEl),
    errorSlot,
    h(
      "div",
      { class: "toolbar" },
      searchBox,
      groupSelect,
      h("div", { class: "popover-anchor" }, h("button", { class: "columns-btn", onclick: () => picker.toggle() }, "Columns"), picker.el),
      csvBtn,
      deleteBtn,
      selEl,
      h("span", { class: "live", title: `Refreshes every ${POLL_MS / 1000} s` }, "● live"),
    ),
    filterBar.el,
    table.el,
    h(
      "div",
      { class: "chart-toolbar" },
      h("label", null, "X axis ", xSelect),
      h("label", null, "Smoothing ", smoothInput, smoothVal),
      h("label", null, logBox, " Log y"),
      h("label", null, maxRunsLabel, maxRunsInput),
      visEl,
      h("span", { class: "hint" }, "Drag to zoom · double-click to reset"),
    ),
    grid.el,
  );

  const start = async () => {
    try {
      await api.project(entity, project);
      await loadColumns();
    } catch (e) {
      showError(e);
      return;
    }
    fillXSelect();
    fillGroupSelect();
    renderTable();
    await requery();
  };
  void start();

  const poll = window.setInterval(async () => {
    if (stopped || document.hidden) return;
    try {
      await loadColumns();
      await table.refresh();
      await refreshChartRuns();
    } catch {
      /* keep the last good view; the next tick retries */
    }
  }, POLL_MS);

  return () => {
    stopped = true;
    window.clearInterval(poll);
    grid.destroy();
  };
}
