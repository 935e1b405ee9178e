// One line-plot panel: a metric drawn for several runs with uPlot.
//
// The server sends min/max buckets plus a representative value per bucket, so a
// million-step run arrives as ~1,000 points and spikes stay visible in the faint
// min-max band. Dragging a range zooms and asks the server for finer data in
// that range; double-click goes back to the full range.

import uPlot from "uplot";
import type { SeriesData } from "../api";
import { withAlpha } from "../colors";
import { h, clear } from "../dom";
import { fmtDuration, fmtNumber, fmtTime } from "../format";
import { aggregate } from "../groupAgg";
import { ema } from "../smoothing";

/** One line of a panel: a run, or a group of runs drawn as their mean. */
export interface PanelRun {
  id: string;
  name: string;
  color: string;
  /** A group line: the runs whose mean it draws (their series come from the fetcher). */
  members?: string[];
}

export interface PanelSettings {
  x: string; // _step | _timestamp | _runtime | any metric key
  smoothing: number; // EMA weight 0..0.99
  logY: boolean;
}

export type Fetcher = (xMin?: number, xMax?: number) => Promise<SeriesData[]>;

export function xLabel(x: string): string {
  if (x === "_step") return "Step";
  if (x === "_timestamp") return "Wall time";
  if (x === "_runtime") return "Relative time";
  return x;
}

function fmtX(x: string, v: number): string {
  if (x === "_timestamp") return fmtTime(v);
  if (x === "_runtime") return fmtDuration(v);
  return fmtNumber(v);
}

/** Axis ticks: 200000 reads better as 200k on a narrow chart. */
function fmtTick(x: string, v: number): string {
  if (x === "_timestamp") return fmtTime(v).slice(11);
  if (x === "_runtime") return fmtDuration(v);
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return fmtNumber(v);
}

/** Three significant digits, for the secondary numbers of a tooltip. */
function fmtShort(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : fmtNumber(v);
}

/** Index of the last element of sorted ``xs`` that is <= v, or -1. */
function floorIndex(xs: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= v) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

export class LinePanel {
  readonly el: HTMLElement;
  private plotBox: HTMLElement;
  private tip: HTMLElement;
  private status: HTMLElement;
  private plot: uPlot | null = null;
  private data: SeriesData[] = [];
  /** What is drawn: ``data`` itself, or one aggregated line per group. */
  private lines: SeriesData[] = [];
  private smoothed = new Map<string, (number | null)[]>();
  private zoom: { min: number; max: number } | null = null;
  private loading = 0;
  private resizer: ResizeObserver;
  loaded = false;

  constructor(
    readonly title: string,
    private runs: PanelRun[],
    private settings: PanelSettings,
    private fetcher: Fetcher,
  ) {
    this.status = h("span", { class: "panel-status" });
    this.plotBox = h("div", { class: "panel-plot" }, h("div", { class: "panel-empty" }, "Loading…"));
    this.tip = h("div", { class: "panel-tip", hidden: true });
    this.el = h(
      "div",
      { class: "panel", dataset: { key: title } },
      h("div", { class: "panel-head" }, h("span", { class: "panel-title", title }, title), this.status),
      this.plotBox,
      this.tip,
    );
    // Panels live in a responsive grid: follow the cell's width.
    this.resizer = new ResizeObserver(() => {
      const w = this.plotBox.clientWidth;
      if (this.plot && w > 0 && Math.abs(w - this.plot.width) > 2) this.plot.setSize({ width: w, height: 220 });
    });
    this.resizer.observe(this.plotBox);
  }

  update(runs: PanelRun[], settings: PanelSettings, fetcher: Fetcher): void {
    const xChanged = settings.x !== this.settings.x;
    this.runs = runs;
    this.settings = settings;
    this.fetcher = fetcher;
    if (xChanged) this.zoom = null;
  }

  /** Fetch (the zoomed range, if any) and redraw. */
  async load(): Promise<void> {
    const ticket = ++this.loading;
    try {
      const z = this.zoom;
      const data = await this.fetcher(z?.min, z?.max);
      if (ticket !== this.loading) return; // a newer load superseded this one
      this.data = data;
      this.loaded = true;
      this.status.textContent = "";
      this.draw();
    } catch (e) {
      if (ticket !== this.loading) return;
      this.status.textContent = String((e as Error).message ?? e);
      this.status.classList.add("error");
    }
  }

  destroy(): void {
    this.resizer.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private grouped(): boolean {
    return this.runs.some((r) => r.members !== undefined);
  }

  private computeLines(): SeriesData[] {
    if (!this.grouped()) return this.data;
    const byRun = new Map(this.data.map((d) => [d.run_id, d]));
    const out: SeriesData[] = [];
    for (const g of this.runs) {
      const parts = (g.members ?? []).map((id) => byRun.get(id)).filter((d): d is SeriesData => !!d);
      const line = aggregate(g.id, parts);
      if (line) out.push(line);
    }
    return out;
  }

  private draw(): void {
    const { smoothing, logY, x } = this.settings;
    this.lines = this.computeLines();
    const byId = new Map(this.lines.map((d) => [d.run_id, d]));
    const runs = this.runs.filter((r) => (byId.get(r.id)?.x.length ?? 0) > 0);
    if (runs.length === 0) {
      this.plot?.destroy();
      this.plot = null;
      clear(this.plotBox);
      this.plotBox.append(h("div", { class: "panel-empty" }, "No data for the visible runs"));
      this.el.dataset.state = "empty";
      this.el.dataset.runs = "0";
      return;
    }
    const clean = (v: number | null): number | null =>
      v === null || !Number.isFinite(v) || (logY && v <= 0) ? null : v;
    // One table per run: x, max, min, raw, smoothed. uPlot.join aligns them on a shared x.
    const tables: uPlot.AlignedData[] = runs.map((r) => {
      const d = byId.get(r.id)!;
      const y = d.y.map(clean);
      const lo = d.min.map(clean);
      const hi = d.max.map(clean);
      const sm = ema(y, smoothing);
      this.smoothed.set(r.id, sm);
      return [d.x, hi, lo, y, sm] as uPlot.AlignedData;
    });
    const joined = uPlot.join(tables);
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    runs.forEach((r, i) => {
      const base = 1 + i * 4;
      series.push(
        { label: `${r.name} max`, stroke: "transparent", points: { show: false }, spanGaps: true },
        { label: `${r.name} min`, stroke: "transparent", points: { show: false }, spanGaps: true },
        {
          label: `${r.name} raw`,
          stroke: smoothing > 0 ? withAlpha(r.color, 0.25) : r.color,
          width: smoothing > 0 ? 1 : 1.5,
          points: { show: false },
          spanGaps: true,
        },
        {
          label: r.name,
          stroke: r.color,
          width: 1.5,
          show: smoothing > 0,
          points: { show: false },
          spanGaps: true,
        },
      );
      bands.push({ series: [base, base + 1], fill: withAlpha(r.color, 0.12) });
    });
    const width = Math.max(200, this.plotBox.clientWidth || 400);
    const opts: uPlot.Options = {
      width,
      height: 220,
      legend: { show: false },
      cursor: {
        // Zoom is ours (setSelect hook): it must also fetch finer data for the range.
        drag: { x: true, y: false, setScale: false },
        points: { show: false },
        bind: {
          dblclick: () => () => {
            this.resetZoom();
            return null;
          },
        },
      },
      scales: {
        x: { time: x === "_timestamp" },
        y: logY ? { distr: 3 } : {},
      },
      axes: [
        {
          values: (_u, splits) => splits.map((v) => fmtTick(x, v)),
          size: 32,
        },
        // uPlot's own log axis labels only the decades; a custom formatter would
        // label every minor tick and pile them up.
        logY ? { size: 56 } : { values: (_u, splits) => splits.map((v) => fmtNumber(v)), size: 56 },
      ],
      series,
      bands,
      hooks: {
        setSelect: [(u) => this.onSelect(u)],
        setCursor: [(u) => this.onCursor(u)],
      },
    };
    this.plot?.destroy();
    clear(this.plotBox);
    this.plot = new uPlot(opts, joined, this.plotBox);
    if (this.zoom) this.plot.setScale("x", this.zoom);
    this.plotBox.addEventListener("mouseleave", () => (this.tip.hidden = true));
    // Tests and the bench wait for this marker: the canvas holds the current data.
    this.el.dataset.state = "drawn";
    this.el.dataset.mode = this.grouped() ? "groups" : "runs";
    this.el.dataset.runs = String(runs.length);
    this.el.dataset.points = String(Math.max(...runs.map((r) => byId.get(r.id)!.x.length)));
  }

  private onSelect(u: uPlot): void {
    const { left, width } = u.select;
    if (width < 3) return;
    const min = u.posToVal(left, "x");
    const max = u.posToVal(left + width, "x");
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    if (!(max > min)) return;
    this.zoom = { min, max };
    // Show the range at once, then replace the data with the finer fetch.
    u.setScale("x", this.zoom);
    void this.load();
  }

  resetZoom(): void {
    this.zoom = null;
    void this.load();
  }

  private onCursor(u: uPlot): void {
    const left = u.cursor.left;
    if (left === undefined || left < 0) {
      this.tip.hidden = true;
      return;
    }
    const xv = u.posToVal(left, "x");
    const byId = new Map(this.lines.map((d) => [d.run_id, d]));
    const grouped = this.grouped();
    const rows: HTMLElement[] = [];
    let shownX = -Infinity; // the data x the values belong to (the cursor sits between points)
    for (const r of this.runs) {
      const d = byId.get(r.id);
      if (!d) continue;
      const i = floorIndex(d.x, xv);
      if (i < 0) continue;
      shownX = Math.max(shownX, d.x[i]);
      const v = this.settings.smoothing > 0 ? (this.smoothed.get(r.id)?.[i] ?? d.y[i]) : d.y[i];
      rows.push(
        h(
          "div",
          { class: "tip-row" },
          h("span", { class: "swatch", style: { background: r.color } }),
          h("span", { class: "tip-name" }, r.name),
          grouped && d.min[i] !== null && d.max[i] !== null && d.min[i] !== d.max[i]
            ? h("span", { class: "tip-range", title: "min–max of the group's runs" }, `${fmtShort(d.min[i]!)}–${fmtShort(d.max[i]!)}`)
            : null,
          h("span", { class: "tip-val" }, v === null || v === undefined ? "–" : fmtNumber(v)),
        ),
      );
    }
    if (rows.length === 0) {
      this.tip.hidden = true;
      return;
    }
    clear(this.tip);
    this.tip.append(h("div", { class: "tip-x" }, `${xLabel(this.settings.x)}: ${fmtX(this.settings.x, Number.isFinite(shownX) ? shownX : xv)}`), ...rows);
    this.tip.hidden = false;
    const boxW = this.el.clientWidth;
    const over = u.over.getBoundingClientRect();
    const base = this.el.getBoundingClientRect();
    const px = over.left - base.left + left;
    this.tip.style.left = px > boxW / 2 ? `${Math.max(0, px - this.tip.offsetWidth - 12)}px` : `${px + 12}px`;
    this.tip.style.top = `${over.top - base.top + 4}px`;
  }
}
