// The run page (the URL runbase.init() prints): Overview, Charts, System,
// Logs and Files tabs, each with its own URL.

import { api, runApi, type Run, type SeriesData } from "../api";
import { savedColor } from "../colors";
import { ChartGrid } from "../components/chartGrid";
import { LinePanel } from "../components/linePanel";
import { stateBadge } from "../components/runsTable";
import { clear, debounce, h } from "../dom";
import { fmtBytes, fmtDuration, fmtTime, fmtValue } from "../format";
import { projectUrl, RUN_TABS, runUrl } from "../router";
import { errorBox, pageHeader } from "./common";

const POLL_MS = 4000;
const TAB_LABELS: Record<string, string> = {
  overview: "Overview",
  charts: "Charts",
  system: "System",
  logs: "Logs",
  files: "Files",
};

type Cleanup = () => void;

export function runPage(root: HTMLElement, entity: string, project: string, runId: string, tab: string): Cleanup {
  const body = h("div", { class: "run-body" }, h("div", { class: "loading" }, "Loading…"));
  const title = h("span", { class: "run-title" });
  const badge = h("span", { class: "run-state" });
  root.append(
    pageHeader([{ label: entity }, { label: project, href: projectUrl(entity, project) }, { label: "runs" }], title, badge),
    h(
      "nav",
      { class: "tabs" },
      ...RUN_TABS.map((t) =>
        h("a", { href: runUrl(entity, project, runId, t), class: `tab${t === tab ? " active" : ""}`, dataset: { tab: t } }, TAB_LABELS[t]),
      ),
    ),
    body,
  );
  let cleanup: Cleanup = () => {};
  let stopped = false;
  const start = async () => {
    let run: Run;
    try {
      run = await api.run(entity, project, runId);
    } catch (e) {
      body.replaceChildren(errorBox(e));
      return;
    }
    if (stopped) return;
    title.textContent = run.name || run.id;
    badge.replaceChildren(stateBadge(run.state));
    document.title = `${run.name || run.id} · ${project} · runbase`;
    clear(body);
    const ctx = { entity, project, runId, run, body };
    if (tab === "overview") cleanup = overviewTab(ctx, (r) => badge.replaceChildren(stateBadge(r.state)));
    else if (tab === "charts") cleanup = chartsTab(ctx);
    else if (tab === "system") cleanup = systemTab(ctx);
    else if (tab === "logs") cleanup = logsTab(ctx);
    else cleanup = filesTab(ctx);
  };
  void start();
  return () => {
    stopped = true;
    cleanup();
  };
}

interface Ctx {
  entity: string;
  project: string;
  runId: string;
  run: Run;
  body: HTMLElement;
}

function meta(run: Run, ...keys: string[]): unknown {
  const m = run.metadata ?? {};
  for (const k of keys) {
    if (m[k] !== undefined && m[k] !== null && m[k] !== "") return m[k];
  }
  return undefined;
}

function gitText(git: unknown): string {
  if (!git || typeof git !== "object") return fmtValue(git);
  const g = git as Record<string, unknown>;
  const parts = [g.commit ? String(g.commit).slice(0, 12) : ""];
  if (g.branch) parts.push(`on ${g.branch}`);
  if (g.dirty) parts.push("(uncommitted changes)");
  if (g.remote) parts.push(`· ${g.remote}`);
  return parts.filter(Boolean).join(" ");
}

function hardware(run: Run): string {
  const parts: string[] = [];
  const cpu = meta(run, "cpu_count_logical", "cpu_count");
  const cpuName = meta(run, "cpu_model", "cpu");
  if (cpu !== undefined) parts.push(`${cpu} CPU${cpuName ? ` (${fmtValue(cpuName)})` : ""}`);
  const gpuCount = meta(run, "gpu_count");
  const gpu = meta(run, "gpu");
  if (gpuCount) parts.push(`${gpuCount} × ${fmtValue(gpu ?? "GPU")}`);
  const mem = meta(run, "memory");
  const total = typeof mem === "object" && mem ? (mem as Record<string, unknown>).total : meta(run, "memory_total");
  if (typeof total === "number") parts.push(`${fmtBytes(total)} RAM`);
  return parts.join(", ");
}

function overviewTab(ctx: Ctx, onState: (r: Run) => void): Cleanup {
  const { entity, project, runId } = ctx;
  let run = ctx.run;
  const fields = h("dl", { class: "overview-fields" });
  const notes = h("textarea", { class: "notes-input", rows: 3, placeholder: "Add a description of this run" });
  const notesStatus = h("span", { class: "save-status" });
  const tagsBox = h("div", { class: "tags-edit" });
  const saveNotes = async () => {
    try {
      run = await api.updateRun(entity, project, runId, { notes: notes.value });
      notesStatus.textContent = "Saved";
    } catch (e) {
      notesStatus.textContent = `Not saved: ${(e as Error).message}`;
    }
  };
  const saveTags = async (tags: string[]) => {
    try {
      run = await api.updateRun(entity, project, runId, { tags });
      renderTags();
    } catch (e) {
      tagsBox.append(errorBox(e));
    }
  };
  const renderTags = () => {
    const input = h("input", {
      class: "tag-input",
      placeholder: "Add tag",
      onkeydown: (e: KeyboardEvent) => {
        const v = (e.target as HTMLInputElement).value.trim();
        if (e.key === "Enter" && v && !run.tags.includes(v)) void saveTags([...run.tags, v]);
      },
    });
    tagsBox.replaceChildren(
      ...run.tags.map((t) =>
        h(
          "span",
          { class: "tag editable", dataset: { tag: t } },
          t,
          h("button", { class: "tag-x", title: `Remove ${t}`, onclick: () => saveTags(run.tags.filter((x) => x !== t)) }, "×"),
        ),
      ),
      input,
    );
  };
  const renderFields = () => {
    const duration = run.runtime;
    const python = meta(run, "python");
    const rows: [string, Node | string][] = [
      ["Run name", run.name],
      ["Privacy", "Private (local store)"],
      ["Author", run.user ?? ""],
      ["State", stateBadge(run.state)],
      ["Start time", fmtTime(run.created_at)],
      ["Duration", fmtDuration(duration)],
      ["Run path", h("code", { class: "run-path" }, `${run.entity}/${run.project}/${run.id}`)],
      ["Host name", run.host ?? fmtValue(meta(run, "host"))],
      ["OS", fmtValue(meta(run, "os", "platform"))],
      ["Python version", fmtValue(python)],
      ["Python executable", fmtValue(meta(run, "executable"))],
      ["Command", fmtValue(meta(run, "program", "codePath", "command"))],
      ["Git", gitText(meta(run, "git"))],
      ["System hardware", hardware(run)],
      ["CLI version", fmtValue(meta(run, "runbase_version", "cli_version"))],
      ["Group", run.group ?? ""],
      ["Job type", run.job_type ?? ""],
      ["Artifact outputs", fmtValue(meta(run, "artifact_outputs")) || "None"],
    ];
    fields.replaceChildren(
      ...rows.flatMap(([k, v]) => [
        h("dt", null, k),
        h("dd", { dataset: { field: k.toLowerCase().replace(/ /g, "-") } }, v === "" ? h("span", { class: "muted" }, "–") : v),
      ]),
    );
  };
  notes.value = run.notes ?? "";
  notes.addEventListener("input", () => (notesStatus.textContent = "Unsaved"));
  renderFields();
  renderTags();
  const config = kvTable("Config", run.config);
  const summary = kvTable("Summary", run.summary);
  ctx.body.append(
    h(
      "div",
      { class: "overview" },
      h(
        "div",
        { class: "overview-edit" },
        h("label", { class: "field-label" }, "Description"),
        notes,
        h("div", null, h("button", { class: "save-notes", onclick: saveNotes }, "Save"), notesStatus),
        h("label", { class: "field-label" }, "Tags"),
        tagsBox,
      ),
      fields,
      config.el,
      summary.el,
    ),
  );
  const poll = window.setInterval(async () => {
    if (document.hidden) return;
    try {
      const fresh = await api.run(entity, project, runId);
      run = { ...fresh, notes: run.notes, tags: run.tags };
      renderFields();
      onState(fresh);
      summary.update(fresh.summary);
    } catch {
      /* keep showing what we have */
    }
  }, POLL_MS);
  return () => window.clearInterval(poll);
}

function kvTable(title: string, values: Record<string, unknown>): { el: HTMLElement; update: (v: Record<string, unknown>) => void } {
  let data = values;
  const tbody = h("tbody");
  const search = h("input", { type: "search", class: "kv-search", placeholder: `Search ${title.toLowerCase()}`, oninput: () => render() });
  const render = () => {
    let re: RegExp | null = null;
    try {
      re = search.value ? new RegExp(search.value, "i") : null;
    } catch {
      re = null;
    }
    const keys = Object.keys(data).sort();
    const rows = keys
      .filter((k) => !re || re.test(k) || re.test(fmtValue(data[k])))
      .map((k) => h("tr", null, h("td", { class: "kv-key" }, k), h("td", { class: "kv-val" }, fmtValue(data[k]))));
    tbody.replaceChildren(...(rows.length ? rows : [h("tr", null, h("td", { colspan: 2, class: "muted" }, keys.length ? "No match" : "Empty"))]));
  };
  render();
  const el = h(
    "section",
    { class: `kv kv-${title.toLowerCase()}` },
    h("div", { class: "kv-head" }, h("h2", null, title), search),
    h("table", { class: "data-table" }, h("thead", null, h("tr", null, h("th", null, "Key"), h("th", null, "Value"))), tbody),
  );
  return {
    el,
    update: (v) => {
      data = v;
      render();
    },
  };
}

function chartsTab(ctx: Ctx): Cleanup {
  const { entity, project, runId, run } = ctx;
  const params = new URLSearchParams(location.search);
  let x = params.get("x") ?? "_step";
  let smoothing = Number(params.get("smooth") ?? "0") || 0;
  const color = savedColor(entity, project, run.id);
  const grid = new ChartGrid((key) => async (xMin, xMax) => {
    const res = await api.series(entity, project, key, [runId], x, 1000, xMin, xMax);
    return res.series;
  });
  let metrics: string[] = [];
  const xSelect = h("select", { class: "x-select", onchange: (e: Event) => ((x = (e.target as HTMLSelectElement).value), draw()) });
  const smoothVal = h("span", { class: "smooth-val" }, smoothing.toFixed(2));
  const draw = () => {
    xSelect.replaceChildren(
      ...[
        ["_step", "Step"],
        ["_timestamp", "Wall time"],
        ["_runtime", "Relative time"],
        ...metrics.map((m) => [m, m]),
      ].map(([v, l]) => h("option", { value: v, selected: v === x }, l)),
    );
    grid.render(metrics.filter((m) => m !== x), [{ id: run.id, name: run.name || run.id, color }], { x, smoothing, logY: false });
  };
  const drawSoon = debounce(draw, 120);
  ctx.body.append(
    h(
      "div",
      { class: "chart-toolbar" },
      h("label", null, "X axis ", xSelect),
      h(
        "label",
        null,
        "Smoothing ",
        h("input", {
          type: "range",
          class: "smoothing",
          min: "0",
          max: "0.99",
          step: "0.01",
          value: String(smoothing),
          oninput: (e: Event) => {
            smoothing = Number((e.target as HTMLInputElement).value);
            smoothVal.textContent = smoothing.toFixed(2);
            drawSoon();
          },
        }),
        smoothVal,
      ),
    ),
    grid.el,
  );
  const load = async () => {
    try {
      metrics = (await api.runMetrics(entity, project, runId)).metrics;
      draw();
    } catch (e) {
      ctx.body.append(errorBox(e));
    }
  };
  void load();
  const poll = window.setInterval(() => !document.hidden && void load(), POLL_MS);
  return () => {
    window.clearInterval(poll);
    grid.destroy();
  };
}

function systemTab(ctx: Ctx): Cleanup {
  const { entity, project, runId, run } = ctx;
  const wrap = h("div", { class: "chart-grid system-grid" });
  ctx.body.append(wrap);
  const panels = new Map<string, LinePanel>();
  let data: Record<string, SeriesData> = {};
  const load = async () => {
    try {
      const res = await api.system(entity, project, runId);
      const t0 = run.created_at ?? 0;
      data = {};
      for (const k of res.keys) {
        const s = res.series[k];
        data[k] = { run_id: run.id, x: s.t.map((t) => t - t0), y: s.v, min: s.v, max: s.v };
      }
      if (res.keys.length === 0) {
        wrap.replaceChildren(h("div", { class: "empty" }, "No system metrics were recorded for this run."));
        return;
      }
      const body = wrap.querySelector(".section-body") ?? h("div", { class: "section-body" });
      if (!body.parentElement) wrap.replaceChildren(h("section", { class: "chart-section" }, body));
      for (const k of res.keys) {
        let p = panels.get(k);
        if (!p) {
          p = new LinePanel(k, [], { x: "_runtime", smoothing: 0, logY: false }, async () => []);
          panels.set(k, p);
          body.append(p.el);
        }
        p.update([{ id: run.id, name: run.name || run.id, color: savedColor(entity, project, run.id) }], { x: "_runtime", smoothing: 0, logY: false }, async () => [data[k]]);
        void p.load();
      }
    } catch (e) {
      wrap.replaceChildren(errorBox(e));
    }
  };
  void load();
  const poll = window.setInterval(() => !document.hidden && void load(), POLL_MS * 2);
  return () => {
    window.clearInterval(poll);
    for (const p of panels.values()) p.destroy();
  };
}

function logsTab(ctx: Ctx): Cleanup {
  const { entity, project, runId } = ctx;
  const out = h("pre", { class: "logs" });
  const info = h("span", { class: "log-info" });
  let search = "";
  let follow = true;
  const load = async () => {
    try {
      const res = await api.logs(entity, project, runId, search, 10000);
      const atBottom = out.scrollTop + out.clientHeight >= out.scrollHeight - 30;
      out.replaceChildren(
        ...res.lines.map((l) =>
          h(
            "div",
            { class: `log-line ${l.stream === "stderr" ? "stderr" : ""}` },
            h("span", { class: "log-time" }, fmtTime(l.t).slice(11)),
            l.line,
          ),
        ),
      );
      if (res.lines.length === 0) out.append(h("div", { class: "muted" }, search ? "No line matches." : "No console output."));
      info.textContent = res.total > res.lines.length ? `last ${res.lines.length} of ${res.total} lines` : `${res.total} lines`;
      if (follow && atBottom) out.scrollTop = out.scrollHeight;
    } catch (e) {
      out.replaceChildren(errorBox(e));
    }
  };
  ctx.body.append(
    h(
      "div",
      { class: "toolbar" },
      h("input", {
        type: "search",
        class: "log-search",
        placeholder: "Search logs",
        oninput: debounce((e: Event) => {
          search = (e.target as HTMLInputElement).value;
          void load();
        }, 250),
      }),
      h("a", { class: "button", href: `${runApi(entity, project, runId)}/logs.txt`, download: `${runId}-output.log` }, "Download"),
      h("label", null, h("input", { type: "checkbox", checked: true, onchange: (e: Event) => (follow = (e.target as HTMLInputElement).checked) }), " Follow"),
      info,
    ),
    out,
  );
  void load().then(() => (out.scrollTop = out.scrollHeight));
  const poll = window.setInterval(() => !document.hidden && void load(), POLL_MS);
  return () => window.clearInterval(poll);
}

function filesTab(ctx: Ctx): Cleanup {
  const { entity, project, runId } = ctx;
  const list = h("div", { class: "files" });
  const viewer = h("div", { class: "file-view" });
  const fileUrl = (p: string) => `${runApi(entity, project, runId)}/files/${p.split("/").map(encodeURIComponent).join("/")}`;
  const view = async (path: string) => {
    try {
      const res = await fetch(fileUrl(path));
      if (!res.ok) throw new Error((await res.json()).detail ?? res.statusText);
      const type = res.headers.get("content-type") ?? "";
      if (type.startsWith("image/")) {
        viewer.replaceChildren(h("h3", null, path), h("img", { src: fileUrl(path), alt: path }));
      } else {
        const text = await res.text();
        viewer.replaceChildren(h("h3", null, path), h("pre", { class: "file-text" }, text.slice(0, 500_000)));
      }
    } catch (e) {
      viewer.replaceChildren(errorBox(e));
    }
  };
  const load = async () => {
    try {
      const { files } = await api.files(entity, project, runId);
      if (files.length === 0) {
        list.replaceChildren(h("div", { class: "empty" }, "No files saved with this run."));
        return;
      }
      list.replaceChildren(
        h(
          "table",
          { class: "data-table files-table" },
          h("thead", null, h("tr", null, h("th", null, "File"), h("th", { class: "num" }, "Size"), h("th", null, ""))),
          h(
            "tbody",
            null,
            ...files.map((f) =>
              h(
                "tr",
                { dataset: { path: f.path } },
                h("td", null, h("button", { class: "link file-open", onclick: () => view(f.path) }, f.path)),
                h("td", { class: "num" }, fmtBytes(f.size)),
                h("td", null, h("a", { href: `${fileUrl(f.path)}?download=1`, download: f.path.split("/").pop() }, "Download")),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      list.replaceChildren(errorBox(e));
    }
  };
  ctx.body.append(h("div", { class: "files-layout" }, list, viewer));
  void load();
  return () => {};
}
