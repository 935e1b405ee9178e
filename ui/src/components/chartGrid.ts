// Panels in sections by key prefix ("train/loss" goes to "train"), as W&B's
// automatic workspace does. Panels load when scrolled into view, so a project
// with hundreds of metrics does not fire hundreds of requests at once.

import { h, clear } from "../dom";
import { LinePanel, type Fetcher, type PanelRun, type PanelSettings } from "./linePanel";

export function sectionOf(key: string): string {
  const i = key.indexOf("/");
  return i > 0 ? key.slice(0, i) : "Charts";
}

export class ChartGrid {
  readonly el: HTMLElement;
  private panels = new Map<string, LinePanel>();
  private observer: IntersectionObserver;
  private inView = new Set<string>();
  private collapsed = new Set<string>();
  private keys: string[] = [];

  constructor(
    private fetcherFor: (key: string) => Fetcher,
    private emptyText = "No metrics logged yet.",
  ) {
    this.el = h("div", { class: "chart-grid" });
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const key = (e.target as HTMLElement).dataset.key!;
          if (e.isIntersecting) {
            this.inView.add(key);
            const p = this.panels.get(key);
            if (p && !p.loaded) void p.load();
          } else this.inView.delete(key);
        }
      },
      { rootMargin: "200px" },
    );
  }

  /** Lay out panels for ``keys`` (rebuilding only when the key set changed), then reload. */
  render(keys: string[], runs: PanelRun[], settings: PanelSettings): void {
    const same = keys.length === this.keys.length && keys.every((k, i) => k === this.keys[i]);
    if (!same) this.rebuild(keys, runs, settings);
    for (const [key, p] of this.panels) {
      p.update(runs, settings, this.fetcherFor(key));
      if (this.inView.has(key)) void p.load();
      else p.loaded = false;
    }
  }

  private rebuild(keys: string[], runs: PanelRun[], settings: PanelSettings): void {
    this.keys = keys.slice();
    for (const p of this.panels.values()) {
      this.observer.unobserve(p.el);
      p.destroy();
    }
    this.panels.clear();
    this.inView.clear();
    clear(this.el);
    if (keys.length === 0) {
      this.el.append(h("div", { class: "empty" }, this.emptyText));
      return;
    }
    const sections = new Map<string, string[]>();
    for (const k of keys) {
      const s = sectionOf(k);
      if (!sections.has(s)) sections.set(s, []);
      sections.get(s)!.push(k);
    }
    const names = [...sections.keys()].sort((a, b) =>
      a === "Charts" ? 1 : b === "Charts" ? -1 : a.localeCompare(b),
    );
    for (const name of names) {
      const body = h("div", { class: "section-body" });
      const head = h(
        "button",
        {
          class: "section-head",
          onclick: () => {
            if (this.collapsed.has(name)) this.collapsed.delete(name);
            else this.collapsed.add(name);
            sec.classList.toggle("collapsed");
          },
        },
        h("span", { class: "caret" }, "▾"),
        name,
        h("span", { class: "count" }, String(sections.get(name)!.length)),
      );
      const sec = h("section", { class: "chart-section", dataset: { section: name } }, head, body);
      if (this.collapsed.has(name)) sec.classList.add("collapsed");
      for (const key of sections.get(name)!) {
        const p = new LinePanel(key, runs, settings, this.fetcherFor(key));
        this.panels.set(key, p);
        body.append(p.el);
        this.observer.observe(p.el);
      }
      this.el.append(sec);
    }
  }

  destroy(): void {
    this.observer.disconnect();
    for (const p of this.panels.values()) p.destroy();
    this.panels.clear();
  }
}
