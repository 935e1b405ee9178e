// The runs table: virtualised rows over server-side paging, so 10,000 runs cost
// the DOM only the ~30 rows on screen, and sorting/filtering happen in SQL.

import type { Run } from "../api";
import { h, clear } from "../dom";
import { fmtDuration, fmtTime, fmtValue } from "../format";
import { runUrl } from "../router";

export const ROW_H = 30;
const PAGE = 100;

export interface Column {
  id: string;
  label: string;
  group: "run" | "config" | "summary" | "min" | "max";
  sortKey: string | null;
  width: number;
  value: (r: Run) => unknown;
  cell?: (r: Run) => Node | string;
}

function eyeIcon(): SVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "eye-icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute(
    "d",
    "M12 5C6.5 5 2.7 9.2 1.5 12c1.2 2.8 5 7 10.5 7s9.3-4.2 10.5-7C21.3 9.2 17.5 5 12 5zm0 11.5A4.5 4.5 0 1 1 12 7.5a4.5 4.5 0 0 1 0 9zm0-7a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z",
  );
  svg.append(path);
  return svg;
}

export function stateBadge(state: string): HTMLElement {
  return h("span", { class: `state state-${state}` }, state);
}

export function baseColumns(): Column[] {
  return [
    {
      id: "name",
      label: "Name",
      group: "run",
      sortKey: "name",
      width: 200,
      value: (r) => r.name,
      cell: (r) => h("a", { href: runUrl(r.entity, r.project, r.id), class: "run-link" }, r.name || r.id),
    },
    { id: "state", label: "State", group: "run", sortKey: "state", width: 90, value: (r) => r.state, cell: (r) => stateBadge(r.state) },
    { id: "created_at", label: "Created", group: "run", sortKey: "created_at", width: 165, value: (r) => r.created_at, cell: (r) => fmtTime(r.created_at) },
    { id: "runtime", label: "Runtime", group: "run", sortKey: "runtime", width: 90, value: (r) => r.runtime, cell: (r) => fmtDuration(r.runtime) },
    { id: "user", label: "User", group: "run", sortKey: "user", width: 90, value: (r) => r.user },
    {
      id: "tags",
      label: "Tags",
      group: "run",
      sortKey: null,
      width: 140,
      value: (r) => r.tags.join(" "),
      cell: (r) => h("span", null, ...r.tags.map((t) => h("span", { class: "tag" }, t))),
    },
    { id: "group", label: "Group", group: "run", sortKey: "group", width: 100, value: (r) => r.group },
    { id: "job_type", label: "Job type", group: "run", sortKey: "job_type", width: 90, value: (r) => r.job_type },
    { id: "notes", label: "Notes", group: "run", sortKey: null, width: 140, value: (r) => r.notes },
  ];
}

export function keyColumns(config: string[], summary: string[], metrics: string[]): Column[] {
  const cols: Column[] = [];
  for (const k of config) {
    cols.push({ id: `config.${k}`, label: k, group: "config", sortKey: `config.${k}`, width: 100, value: (r) => r.config[k] });
  }
  for (const k of summary) {
    cols.push({ id: `summary.${k}`, label: k, group: "summary", sortKey: `summary.${k}`, width: 100, value: (r) => r.summary[k] });
  }
  for (const k of metrics) {
    cols.push({ id: `min.${k}`, label: `${k} (min)`, group: "min", sortKey: `min:${k}`, width: 110, value: (r) => r.metric_min?.[k] });
    cols.push({ id: `max.${k}`, label: `${k} (max)`, group: "max", sortKey: `max:${k}`, width: 110, value: (r) => r.metric_max?.[k] });
  }
  return cols;
}

export interface TableHooks {
  fetchPage: (offset: number, limit: number) => Promise<{ total: number; runs: Run[] }>;
  onSort: (sortKey: string) => void;
  isVisible: (r: Run) => boolean;
  toggleVisible: (r: Run) => void;
  colorOf: (r: Run) => string;
  setColor: (r: Run, color: string) => void;
  onSelection: (ids: Set<string>) => void;
  onLoaded: () => void;
}

export class RunsTable {
  readonly el: HTMLElement;
  private scroller: HTMLElement;
  private header: HTMLElement;
  private body: HTMLElement;
  private spacer: HTMLElement;
  private pages = new Map<number, Run[]>();
  private pending = new Set<number>();
  total = 0;
  private generation = 0;
  selected = new Set<string>();
  private columns: Column[] = [];
  private sort = "";
  private groupBy: Column | null = null;
  private userSized = false;

  constructor(private hooks: TableHooks) {
    this.header = h("div", { class: "rt-header" });
    this.spacer = h("div", { class: "rt-spacer" });
    this.body = h("div", { class: "rt-body" });
    this.scroller = h("div", { class: "rt-scroll" }, this.header, h("div", { class: "rt-canvas" }, this.spacer, this.body));
    this.scroller.addEventListener("scroll", () => this.paint(), { passive: true });
    // The table is resizable (CSS resize); once the user drags it, keep their height.
    this.scroller.addEventListener("mousedown", (e) => {
      const r = this.scroller.getBoundingClientRect();
      if (e.clientY > r.bottom - 16 && e.clientX > r.right - 16) this.userSized = true;
    });
    this.el = h("div", { class: "runs-table" }, this.scroller);
  }

  setColumns(cols: Column[], sort: string, groupBy: Column | null): void {
    this.columns = cols;
    this.sort = sort;
    this.groupBy = groupBy;
    this.renderHeader();
    this.paint();
  }

  /** Drop cached pages (the query changed) and load the first page again. */
  async reset(): Promise<void> {
    this.generation++;
    this.pages.clear();
    this.pending.clear();
    this.selected.clear();
    this.hooks.onSelection(this.selected);
    this.scroller.scrollTop = 0;
    await this.loadPage(0);
  }

  /** Re-fetch the pages on screen (polling), keeping scroll and selection. */
  async refresh(): Promise<void> {
    const [first, last] = this.visiblePages();
    this.generation++;
    const keep = new Map<number, Run[]>();
    for (let p = first; p <= last; p++) if (this.pages.has(p)) keep.set(p, this.pages.get(p)!);
    this.pages = keep;
    this.pending.clear();
    await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => this.loadPage(first + i)));
  }

  /** Runs loaded so far, in table order (the charts draw from these). */
  loadedRuns(): Run[] {
    const out: Run[] = [];
    const idx = [...this.pages.keys()].sort((a, b) => a - b);
    for (const p of idx) out.push(...this.pages.get(p)!);
    return out;
  }

  private visiblePages(): [number, number] {
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight || 400;
    const first = Math.floor(top / ROW_H / PAGE);
    const last = Math.floor((top + height) / ROW_H / PAGE);
    return [first, Math.max(first, last)];
  }

  private async loadPage(p: number): Promise<void> {
    if (this.pending.has(p)) return;
    this.pending.add(p);
    const gen = this.generation;
    try {
      const res = await this.hooks.fetchPage(p * PAGE, PAGE);
      if (gen !== this.generation) return;
      this.total = res.total;
      this.pages.set(p, res.runs);
      this.paint();
      this.hooks.onLoaded();
    } finally {
      if (gen === this.generation) this.pending.delete(p);
    }
  }

  private rowAt(i: number): Run | undefined {
    return this.pages.get(Math.floor(i / PAGE))?.[i % PAGE];
  }

  private renderHeader(): void {
    clear(this.header);
    const all = h("input", {
      type: "checkbox",
      title: "Select all loaded runs",
      onchange: (e: Event) => {
        const on = (e.target as HTMLInputElement).checked;
        this.selected.clear();
        if (on) for (const r of this.loadedRuns()) this.selected.add(r.id);
        this.hooks.onSelection(this.selected);
        this.paint();
      },
    });
    this.header.append(h("div", { class: "rt-cell rt-fixed" }, all), h("div", { class: "rt-cell rt-eye", title: "Shown on charts" }, eyeIcon()));
    const desc = this.sort.startsWith("-");
    const sortKey = this.sort.replace(/^[-+]/, "");
    for (const c of this.columns) {
      const active = c.sortKey !== null && c.sortKey === sortKey;
      const cell = h(
        "div",
        {
          class: `rt-cell rt-h rt-${c.group}${active ? " sorted" : ""}${c.sortKey ? " sortable" : ""}`,
          style: { width: `${c.width}px` },
          title: c.sortKey ? `${c.label} — click to sort` : c.label,
          dataset: { col: c.id },
          onclick: () => c.sortKey && this.hooks.onSort(c.sortKey),
        },
        c.group === "config" || c.group === "summary" ? h("span", { class: "col-kind" }, c.group === "config" ? "c" : "s") : null,
        h("span", { class: "col-label" }, c.label),
        active ? h("span", { class: "sort-arrow" }, desc ? "▼" : "▲") : null,
      );
      this.header.append(cell);
    }
    const width = this.columns.reduce((a, c) => a + c.width, 0) + 64;
    this.header.style.width = `${width}px`;
    this.body.style.width = `${width}px`;
  }

  /** Draw the rows in view; ask for pages that are not loaded yet. */
  paint(): void {
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_H) - 10);
    const last = Math.min(this.total, Math.ceil((top + height) / ROW_H) + 10);
    this.spacer.style.height = `${this.total * ROW_H}px`;
    if (!this.userSized) {
      // Short lists get a short table; long ones scroll inside a fixed height.
      const want = Math.max(140, Math.min(360, (this.total + 1) * ROW_H + 18));
      this.scroller.style.height = `${want}px`;
    }
    clear(this.body);
    if (this.total === 0 && this.pages.size > 0) {
      this.body.append(h("div", { class: "rt-empty" }, "No runs match."));
      return;
    }
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      const r = this.rowAt(i);
      if (!r) {
        void this.loadPage(Math.floor(i / PAGE));
        frag.append(h("div", { class: "rt-row loading", style: { top: `${i * ROW_H}px` } }, h("div", { class: "rt-cell" }, "…")));
        continue;
      }
      frag.append(this.row(r, i));
    }
    this.body.append(frag);
  }

  private row(r: Run, i: number): HTMLElement {
    const prev = i > 0 ? this.rowAt(i - 1) : undefined;
    let groupStart = false;
    if (this.groupBy) {
      groupStart = !prev || fmtValue(this.groupBy.value(prev)) !== fmtValue(this.groupBy.value(r));
    }
    const color = this.hooks.colorOf(r);
    const visible = this.hooks.isVisible(r);
    const check = h("input", {
      type: "checkbox",
      checked: this.selected.has(r.id),
      onchange: (e: Event) => {
        if ((e.target as HTMLInputElement).checked) this.selected.add(r.id);
        else this.selected.delete(r.id);
        this.hooks.onSelection(this.selected);
      },
    });
    const picker = h("input", {
      type: "color",
      class: "color-pick",
      value: color,
      title: "Run colour",
      onchange: (e: Event) => this.hooks.setColor(r, (e.target as HTMLInputElement).value),
    });
    const eye = h(
      "button",
      {
        class: `eye${visible ? " on" : ""}`,
        title: visible ? "Hide from charts" : "Show on charts",
        "aria-pressed": visible ? "true" : "false",
        onclick: () => this.hooks.toggleVisible(r),
      },
      h("span", { class: "dot", style: { background: visible ? color : "transparent", borderColor: color } }),
    );
    const cells: HTMLElement[] = [
      h("div", { class: "rt-cell rt-fixed" }, check),
      h("div", { class: "rt-cell rt-eye" }, eye, picker),
    ];
    for (const c of this.columns) {
      const v = c.cell ? c.cell(r) : fmtValue(c.value(r));
      const text = typeof v === "string" ? v : "";
      let content: Node | string = v;
      if (this.groupBy && c.id === this.groupBy.id && !groupStart) content = "";
      cells.push(h("div", { class: `rt-cell rt-${c.group}`, style: { width: `${c.width}px` }, title: text || undefined }, content));
    }
    return h(
      "div",
      {
        class: `rt-row${groupStart ? " group-start" : ""}${this.selected.has(r.id) ? " selected" : ""}`,
        style: { top: `${i * ROW_H}px` },
        dataset: { runId: r.id },
      },
      cells,
    );
  }
}
