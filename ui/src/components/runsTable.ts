// The runs table: virtualised rows over server-side paging, so 10,000 runs cost
// the DOM only the ~30 rows on screen, and sorting/filtering happen in SQL.

import type { GroupInfo, Run } from "../api";
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
  /** The groups of the current query (called only while the table is grouped). */
  fetchGroups: () => Promise<{ total: number; groups: GroupInfo[] }>;
  onSort: (sortKey: string) => void;
  isVisible: (r: Run) => boolean;
  toggleVisible: (r: Run) => void;
  colorOf: (r: Run) => string;
  setColor: (r: Run, color: string) => void;
  isGroupVisible: (g: GroupInfo, index: number) => boolean;
  toggleGroupVisible: (g: GroupInfo, index: number) => void;
  groupColor: (g: GroupInfo) => string;
  onSelection: (ids: Set<string>) => void;
  onLoaded: () => void;
}

/** A display row: a group's header, or the run at ``flat`` in the query's order. */
type Item = { group: GroupInfo; index: number } | { flat: number; inGroup: boolean };

export function groupKey(g: GroupInfo): string {
  return JSON.stringify(g.value ?? null);
}

export function groupLabel(g: GroupInfo): string {
  return g.value === null || g.value === undefined || g.value === "" ? "(none)" : fmtValue(g.value);
}

/** Pinned on the left: checkbox, eye and the Name column stay put when scrolling right. */
const PIN_CHECK = 28;
const PIN_EYE = 36;

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
  /** The groups of the query while grouped (null: flat), in table order. */
  groups: GroupInfo[] | null = null;
  private expanded = new Set<string>();
  private starts: number[] = []; // display row of each group's header
  private rows = 0; // display rows while grouped
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
    if ((groupBy?.id ?? null) !== (this.groupBy?.id ?? null)) {
      // W&B starts groups collapsed; a different grouping starts over.
      this.expanded.clear();
      this.groups = null;
    }
    this.columns = cols;
    this.sort = sort;
    this.groupBy = groupBy;
    this.renderHeader();
    this.paint();
  }

  get grouped(): boolean {
    return this.groupBy !== null;
  }

  /** Drop cached pages (the query changed) and load the first page again. */
  async reset(): Promise<void> {
    this.generation++;
    const gen = this.generation;
    this.pages.clear();
    this.pending.clear();
    this.selected.clear();
    this.hooks.onSelection(this.selected);
    this.scroller.scrollTop = 0;
    if (this.groupBy) {
      await this.loadGroups(gen);
      this.paint();
    } else {
      this.groups = null;
      await this.loadPage(0);
    }
  }

  /** Re-fetch the groups and the pages on screen (polling), keeping scroll and selection. */
  async refresh(): Promise<void> {
    this.generation++;
    const gen = this.generation;
    if (this.groupBy) await this.loadGroups(gen);
    if (gen !== this.generation) return;
    const want = this.pagesInView();
    const keep = new Map<number, Run[]>();
    for (const p of want) if (this.pages.has(p)) keep.set(p, this.pages.get(p)!);
    this.pages = keep;
    this.pending.clear();
    if (want.size === 0) {
      this.paint();
      return;
    }
    await Promise.all([...want].map((p) => this.loadPage(p)));
  }

  toggleGroup(g: GroupInfo): void {
    const k = groupKey(g);
    if (this.expanded.has(k)) this.expanded.delete(k);
    else this.expanded.add(k);
    this.relayout();
    this.paint();
  }

  isExpanded(g: GroupInfo): boolean {
    return this.expanded.has(groupKey(g));
  }

  /** Runs loaded so far, in table order. */
  loadedRuns(): Run[] {
    const out: Run[] = [];
    const idx = [...this.pages.keys()].sort((a, b) => a - b);
    for (const p of idx) out.push(...this.pages.get(p)!);
    return out;
  }

  /** The first ``n`` runs of the query when they are loaded (else null). */
  firstRuns(n: number): Run[] | null {
    if (n > PAGE || this.groupBy) return null;
    const p = this.pages.get(0);
    if (!p) return null;
    return p.length >= Math.min(n, this.total) ? p.slice(0, n) : null;
  }

  private async loadGroups(gen: number): Promise<void> {
    const res = await this.hooks.fetchGroups();
    if (gen !== this.generation) return;
    this.groups = res.groups;
    this.total = res.total;
    this.relayout();
    this.hooks.onLoaded();
  }

  private relayout(): void {
    let i = 0;
    this.starts = (this.groups ?? []).map((g) => {
      const s = i;
      i += 1 + (this.expanded.has(groupKey(g)) ? g.count : 0);
      return s;
    });
    this.rows = i;
  }

  private displayRows(): number {
    return this.groupBy ? (this.groups ? this.rows : 0) : this.total;
  }

  private itemAt(i: number): Item | null {
    if (!this.groupBy) return { flat: i, inGroup: false };
    if (!this.groups) return null;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    const g = this.groups[lo];
    if (!g) return null;
    const j = i - this.starts[lo];
    return j === 0 ? { group: g, index: lo } : { flat: g.offset + j - 1, inGroup: true };
  }

  private viewRange(): [number, number] {
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_H) - 10);
    const last = Math.min(this.displayRows(), Math.ceil((top + height) / ROW_H) + 10);
    return [first, last];
  }

  private pagesInView(): Set<number> {
    const out = new Set<number>();
    if (!this.groupBy) {
      // Flat: the pages under the viewport, whatever the last known total (it may have grown).
      const top = this.scroller.scrollTop;
      const height = this.scroller.clientHeight || 400;
      const lastPage = Math.floor((top + height) / ROW_H / PAGE);
      for (let p = Math.floor(top / ROW_H / PAGE); p <= lastPage; p++) out.add(p);
      return out;
    }
    const [first, last] = this.viewRange();
    for (let i = first; i < last; i++) {
      const it = this.itemAt(i);
      if (it && "flat" in it) out.add(Math.floor(it.flat / PAGE));
    }
    return out;
  }

  private async loadPage(p: number): Promise<void> {
    if (this.pending.has(p)) return;
    this.pending.add(p);
    const gen = this.generation;
    try {
      const res = await this.hooks.fetchPage(p * PAGE, PAGE);
      if (gen !== this.generation) return;
      if (!this.groupBy) this.total = res.total;
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

  private pinned(c: Column, i: number): boolean {
    return i === 0 && c.id === "name";
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
    this.header.append(
      h("div", { class: "rt-cell rt-fixed rt-pin", style: { left: "0px" } }, all),
      h("div", { class: "rt-cell rt-eye rt-pin", style: { left: `${PIN_CHECK}px` }, title: "Shown on charts" }, eyeIcon()),
    );
    // Grouped, the order starts with the group key; the arrow shows the user's sort.
    const keys = this.sort.split(",");
    const userSort = keys[keys.length - 1];
    const sortKey = userSort.replace(/^[-+]/, "");
    const userDesc = userSort.startsWith("-");
    this.columns.forEach((c, i) => {
      const active = c.sortKey !== null && c.sortKey === sortKey;
      const pin = this.pinned(c, i);
      const cell = h(
        "div",
        {
          class: `rt-cell rt-h rt-${c.group}${active ? " sorted" : ""}${c.sortKey ? " sortable" : ""}${pin ? " rt-pin rt-pin-last" : ""}`,
          style: { width: `${c.width}px`, left: pin ? `${PIN_CHECK + PIN_EYE}px` : undefined },
          title: c.sortKey ? `${c.label} — click to sort` : c.label,
          dataset: { col: c.id },
          onclick: () => c.sortKey && this.hooks.onSort(c.sortKey),
        },
        c.group === "config" || c.group === "summary" ? h("span", { class: "col-kind" }, c.group === "config" ? "c" : "s") : null,
        h("span", { class: "col-label" }, c.label),
        active ? h("span", { class: "sort-arrow" }, userDesc ? "▼" : "▲") : null,
      );
      this.header.append(cell);
    });
    const width = this.columns.reduce((a, c) => a + c.width, 0) + PIN_CHECK + PIN_EYE;
    this.header.style.width = `${width}px`;
    this.body.style.width = `${width}px`;
  }

  /** Draw the rows in view; ask for pages that are not loaded yet. */
  paint(): void {
    const n = this.displayRows();
    const [first, last] = this.viewRange();
    this.spacer.style.height = `${n * ROW_H}px`;
    if (!this.userSized) {
      // Short lists get a short table; long ones scroll inside a fixed height.
      const want = Math.max(140, Math.min(360, (n + 1) * ROW_H + 18));
      this.scroller.style.height = `${want}px`;
    }
    clear(this.body);
    const loaded = this.groupBy ? this.groups !== null : this.pages.size > 0;
    if (this.total === 0 && loaded) {
      this.body.append(h("div", { class: "rt-empty" }, "No runs match."));
      return;
    }
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      const it = this.itemAt(i);
      if (!it) continue;
      if ("group" in it) {
        frag.append(this.groupRow(it.group, it.index, i));
        continue;
      }
      const r = this.rowAt(it.flat);
      if (!r) {
        void this.loadPage(Math.floor(it.flat / PAGE));
        frag.append(h("div", { class: "rt-row loading", style: { top: `${i * ROW_H}px` } }, h("div", { class: "rt-cell" }, "…")));
        continue;
      }
      frag.append(this.row(r, i, it.inGroup));
    }
    this.body.append(frag);
  }

  private groupRow(g: GroupInfo, index: number, i: number): HTMLElement {
    const open = this.isExpanded(g);
    const visible = this.hooks.isGroupVisible(g, index);
    const color = this.hooks.groupColor(g);
    const eye = h(
      "button",
      {
        class: `eye group-eye${visible ? " on" : ""}`,
        title: visible ? "Hide this group's line from charts" : "Show this group's line on charts",
        "aria-pressed": visible ? "true" : "false",
        onclick: (e: Event) => {
          e.stopPropagation();
          this.hooks.toggleGroupVisible(g, index);
        },
      },
      h("span", { class: "dot", style: { background: visible ? color : "transparent", borderColor: color } }),
    );
    const label = this.groupBy ? `${this.groupBy.group === "run" ? "" : this.groupBy.group + "."}${this.groupBy.label}` : "";
    return h(
      "div",
      {
        class: `rt-row rt-group${open ? " open" : ""}`,
        style: { top: `${i * ROW_H}px` },
        dataset: { group: groupKey(g) },
        title: open ? "Collapse group" : "Expand group",
        onclick: () => this.toggleGroup(g),
      },
      h("div", { class: "rt-cell rt-fixed rt-pin", style: { left: "0px" } }),
      h("div", { class: "rt-cell rt-eye rt-pin", style: { left: `${PIN_CHECK}px` } }, eye),
      h(
        "div",
        { class: "rt-cell rt-group-label rt-pin", style: { left: `${PIN_CHECK + PIN_EYE}px` } },
        h("span", { class: "caret group-caret" }, open ? "▾" : "▸"),
        h("span", { class: "group-field" }, `${label}:`),
        h("span", { class: "group-value" }, groupLabel(g)),
        h("span", { class: "group-count" }, `${g.count} run${g.count === 1 ? "" : "s"}`),
      ),
    );
  }

  private row(r: Run, i: number, inGroup: boolean): HTMLElement {
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
    const tip = inGroup
      ? visible
        ? "Leave out of the group's line"
        : "Count in the group's line"
      : visible
        ? "Hide from charts"
        : "Show on charts";
    const eye = h(
      "button",
      {
        class: `eye${visible ? " on" : ""}`,
        title: tip,
        "aria-pressed": visible ? "true" : "false",
        onclick: () => this.hooks.toggleVisible(r),
      },
      h("span", { class: "dot", style: { background: visible ? color : "transparent", borderColor: color } }),
    );
    const cells: HTMLElement[] = [
      h("div", { class: "rt-cell rt-fixed rt-pin", style: { left: "0px" } }, check),
      h("div", { class: "rt-cell rt-eye rt-pin", style: { left: `${PIN_CHECK}px` } }, eye, picker),
    ];
    this.columns.forEach((c, ci) => {
      const v = c.cell ? c.cell(r) : fmtValue(c.value(r));
      const text = typeof v === "string" ? v : "";
      const pin = this.pinned(c, ci);
      cells.push(
        h(
          "div",
          {
            class: `rt-cell rt-${c.group}${pin ? " rt-pin rt-pin-last" : ""}`,
            style: { width: `${c.width}px`, left: pin ? `${PIN_CHECK + PIN_EYE}px` : undefined },
            title: text || undefined,
          },
          v,
        ),
      );
    });
    return h(
      "div",
      {
        class: `rt-row${inGroup ? " in-group" : ""}${this.selected.has(r.id) ? " selected" : ""}`,
        style: { top: `${i * ROW_H}px` },
        dataset: { runId: r.id },
      },
      cells,
    );
  }
}
