// Show, hide and reorder table columns. The chosen layout is kept per project
// in localStorage, so it survives reloads like a W&B personal workspace.

import { h, clear } from "../dom";
import type { Column } from "./runsTable";

export interface ColumnLayout {
  order: string[]; // column ids in display order (ids not listed go last)
  hidden: string[];
}

export function applyLayout(all: Column[], layout: ColumnLayout): Column[] {
  const pos = new Map(layout.order.map((id, i) => [id, i]));
  const hidden = new Set(layout.hidden);
  const indexed = all.map((c, i) => ({ c, i }));
  indexed.sort((a, b) => (pos.get(a.c.id) ?? 1e6 + a.i) - (pos.get(b.c.id) ?? 1e6 + b.i));
  return indexed.map((x) => x.c).filter((c) => !hidden.has(c.id));
}

export class ColumnPicker {
  readonly el: HTMLElement;
  private list: HTMLElement;
  private search: HTMLInputElement;

  constructor(
    private all: () => Column[],
    private layout: ColumnLayout,
    private onChange: (l: ColumnLayout) => void,
  ) {
    this.search = h("input", { class: "col-search", placeholder: "Search columns", oninput: () => this.render() });
    this.list = h("div", { class: "col-list" });
    this.el = h(
      "div",
      { class: "popover column-picker", hidden: true },
      h(
        "div",
        { class: "col-actions" },
        this.search,
        h("button", { onclick: () => this.setAll(true) }, "Show all"),
        h("button", { onclick: () => this.setAll(false) }, "Hide all"),
      ),
      this.list,
    );
  }

  toggle(): void {
    this.el.hidden = !this.el.hidden;
    if (!this.el.hidden) {
      this.render();
      this.search.focus();
    }
  }

  private ordered(): Column[] {
    const all = this.all();
    const pos = new Map(this.layout.order.map((id, i) => [id, i]));
    return all
      .map((c, i) => ({ c, i }))
      .sort((a, b) => (pos.get(a.c.id) ?? 1e6 + a.i) - (pos.get(b.c.id) ?? 1e6 + b.i))
      .map((x) => x.c)
      .sort((a, b) => Number(b.id === "name") - Number(a.id === "name"));
  }

  private setAll(show: boolean): void {
    const q = this.search.value.toLowerCase();
    const hidden = new Set(this.layout.hidden);
    for (const c of this.all()) {
      if (c.id === "name" || (q && !c.id.toLowerCase().includes(q))) continue;
      if (show) hidden.delete(c.id);
      else hidden.add(c.id);
    }
    this.layout.hidden = [...hidden];
    this.onChange(this.layout);
    this.render();
  }

  private move(id: string, delta: number): void {
    // Name is pinned first in the table; the others move around it.
    const order = this.ordered()
      .map((c) => c.id)
      .filter((c) => c !== "name");
    const i = order.indexOf(id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j], order[i]];
    this.layout.order = ["name", ...order];
    this.onChange(this.layout);
    this.render();
  }

  private render(): void {
    clear(this.list);
    const q = this.search.value.toLowerCase();
    const hidden = new Set(this.layout.hidden);
    for (const c of this.ordered()) {
      if (q && !c.id.toLowerCase().includes(q)) continue;
      const box = h("input", {
        type: "checkbox",
        checked: !hidden.has(c.id),
        disabled: c.id === "name",
        onchange: (e: Event) => {
          const on = (e.target as HTMLInputElement).checked;
          const set = new Set(this.layout.hidden);
          if (on) set.delete(c.id);
          else set.add(c.id);
          this.layout.hidden = [...set];
          this.onChange(this.layout);
        },
      });
      this.list.append(
        h(
          "div",
          { class: "col-item", dataset: { col: c.id } },
          h("label", null, box, h("span", { class: `col-group g-${c.group}` }, c.group), " ", c.label),
          c.id === "name"
            ? h("span", { class: "col-pinned", title: "Name is pinned on the left" }, "pinned")
            : [
                h("button", { class: "icon up", title: "Move left", onclick: () => this.move(c.id, -1) }, "↑"),
                h("button", { class: "icon down", title: "Move right", onclick: () => this.move(c.id, 1) }, "↓"),
              ],
        ),
      );
    }
  }
}
