// The project workspace: the runs table on top, the charts of the visible runs
// below. What the view shows (search, filters, sort, group, x axis, smoothing)
// lives in the URL, so a view can be shared; per-user choices (columns, eye
// toggles, colours) live in localStorage.

import { api, type Columns, type Run } from "../api";
import { nextColor } from "../colors";
import { ChartGrid } from "../components/chartGrid";
import { applyLayout, ColumnPicker, type ColumnLayout } from "../components/columnPicker";
import { FilterBar, toMongo, type FilterState } from "../components/filterBar";
import { type PanelRun, type PanelSettings } from "../components/linePanel";
import { baseColumns, keyColumns, RunsTable, type Column } from "../components/runsTable";
import { debounce, h } from "../dom";
import { setQuery } from "../router";
import { errorBox, pageHeader } from "./common";

const POLL_MS = 4000;

interface Prefs {
  layout: ColumnLayout;
  eye: Record<string, boolean>;
  colors: Record<string, string>;
}

function loadPrefs(key: string): Prefs {
  try {
    const p = JSON.parse(localStorage.getItem(key) ?? "{}");
    return { layout: p.layout ?? { order: [], hidden: [] }, eye: p.eye ?? {}, colors: p.colors ?? {} };
  } catch {
    return { layout: { order: [], hidden: [] }, eye: {}, colors: {} };
  }
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

  const isVisible = (r: Run, index?: number): boolean => {
    const explicit = prefs.eye[r.id];
    if (explicit !== undefined) return explicit;
    const i = index ?? table.loadedRuns().findIndex((x) => x.id === r.id);
    return i >= 0 && i < view.maxRuns;
  };
  const colorOf = (r: Run): string => {
    let c = prefs.colors[r.id];
    if (!c) {
      // Unused among the runs on screen, so the drawn runs tell apart.
      const used = new Set(table.loadedRuns().map((x) => prefs.colors[x.id]).filter(Boolean));
      c = nextColor(used);
      prefs.colors[r.id] = c;
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
      void table.reset();
    },
    isVisible: (r) => isVisible(r),
    toggleVisible: (r) => {
      prefs.eye[r.id] = !isVisible(r);
      savePrefs();
      table.paint();
      redrawCharts();
    },
    colorOf,
    setColor: (r, c) => {
      prefs.colors[r.id] = c;
      savePrefs();
      table.paint();
      redrawCharts();
    },
    onSelection: (ids) => {
      selEl.textContent = ids.size ? `${ids.size} selected` : "";
      deleteBtn.disabled = ids.size === 0;
    },
    onLoaded: () => {
      countEl.textContent = `${table.total} run${table.total === 1 ? "" : "s"}`;
      scheduleCharts();
    },
  });

  const renderTable = () => {
    const g = groupColumn();
    let cols = applyLayout(allColumns, prefs.layout);
    // The grouped column leads, so each group's label is in view.
    if (g) cols = [g, ...cols.filter((c) => c.id !== g.id)];
    table.setColumns(cols, order(), g);
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
    void table.reset();
  });

  const searchBox = h("input", {
    class: "search",
    type: "search",
    placeholder: "Search run names (regex)",
    value: view.search,
    oninput: debounce((e: Event) => {
      view.search = (e.target as HTMLInputElement).value;
      saveView();
      void table.reset();
    }, 250),
  });

  const groupSelect = h("select", {
    class: "group-select",
    title: "Group rows by a column",
    onchange: (e: Event) => {
      view.group = (e.target as HTMLSelectElement).value;
      saveView();
      renderTable();
      void table.reset();
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
          await table.reset();
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
      redrawCharts();
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
      redrawChartsSoon(true);
    },
  });
  const logBox = h("input", {
    type: "checkbox",
    class: "logy",
    checked: view.logY,
    onchange: (e: Event) => {
      view.logY = (e.target as HTMLInputElement).checked;
      saveView();
      redrawCharts();
    },
  });
  const maxRunsInput = h("input", {
    type: "number",
    class: "max-runs",
    min: "1",
    max: "100",
    value: String(view.maxRuns),
    title: "How many runs, from the top of the table, the charts draw by default",
    onchange: (e: Event) => {
      view.maxRuns = Math.max(1, Math.min(100, Number((e.target as HTMLInputElement).value) || 10));
      saveView();
      table.paint();
      redrawCharts();
    },
  });

  const grid = new ChartGrid((key) => async (xMin, xMax) => {
    const runs = visibleRuns();
    if (runs.length === 0) return [];
    const res = await api.series(entity, project, key, runs.map((r) => r.id), view.x, 1000, xMin, xMax);
    return res.series;
  }, "No metrics logged in this project yet.");

  const visibleRuns = (): PanelRun[] => {
    const loaded = table.loadedRuns();
    const out: PanelRun[] = [];
    loaded.forEach((r, i) => {
      if (isVisible(r, i)) out.push({ id: r.id, name: r.name || r.id, color: colorOf(r) });
    });
    return out.slice(0, 100);
  };

  const settings = (): PanelSettings => ({ x: view.x, smoothing: view.smoothing, logY: view.logY });
  const chartKeys = () => columns.metrics.filter((m) => m !== view.x);

  let lastDrawn = "";
  const redrawCharts = (force = true) => {
    const runs = visibleRuns();
    visEl.textContent = `${runs.length} of ${table.total} visualised`;
    // Loading more table pages while scrolling must not refetch every chart.
    const sig = JSON.stringify([runs, settings(), chartKeys()]);
    if (!force && sig === lastDrawn) return;
    lastDrawn = sig;
    grid.render(chartKeys(), runs, settings());
  };
  const redrawChartsSoon = debounce(redrawCharts, 120);
  let chartsScheduled = false;
  const scheduleCharts = () => {
    if (chartsScheduled) return;
    chartsScheduled = true;
    requestAnimationFrame(() => {
      chartsScheduled = false;
      redrawCharts(false);
    });
  };

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
      h("label", null, "Runs drawn ", maxRunsInput),
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
    await table.reset();
  };
  void start();

  const poll = window.setInterval(async () => {
    if (stopped || document.hidden) return;
    try {
      await loadColumns();
      await table.refresh();
      redrawCharts();
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
