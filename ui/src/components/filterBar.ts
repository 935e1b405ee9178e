// The filter builder: rows of field · operator · value, combined with AND or
// OR, turned into the Mongo-style filter the API takes.

import { h, clear } from "../dom";

export interface FilterRow {
  field: string; // name | state | tags | group | job_type | user | config.<k> | summary.<k>
  op: string; // = != < > <= >=
  value: string;
}

export interface FilterState {
  rows: FilterRow[];
  any: boolean; // OR instead of AND
}

export const OPS: [string, string][] = [
  ["=", "="],
  ["!=", "≠"],
  ["<", "<"],
  [">", ">"],
  ["<=", "≤"],
  [">=", "≥"],
];

const MONGO: Record<string, string> = { "=": "$eq", "!=": "$ne", "<": "$lt", ">": "$gt", "<=": "$lte", ">=": "$gte" };

/** "0.01" → 0.01, "true" → true, "null" → null, quoted or other text stays a string. */
export function parseValue(text: string): unknown {
  const t = text.trim();
  if (/^".*"$/.test(t)) return t.slice(1, -1);
  if (t === "true") return true;
  if (t === "false") return false;
  if (t === "null") return null;
  if (t !== "" && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return t;
}

export function toMongo(state: FilterState): Record<string, unknown> | null {
  const parts: Record<string, unknown>[] = [];
  for (const r of state.rows) {
    if (!r.field) continue;
    const v = parseValue(r.value);
    if (r.field === "tags") {
      // A run matches "tags = x" when x is one of its tags.
      parts.push({ tags: { [r.op === "!=" ? "$nin" : "$in"]: [v] } });
    } else {
      parts.push({ [r.field]: { [MONGO[r.op] ?? "$eq"]: v } });
    }
  }
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0];
  return { [state.any ? "$or" : "$and"]: parts };
}

export class FilterBar {
  readonly el: HTMLElement;
  private list: HTMLElement;

  constructor(
    private state: FilterState,
    private fields: () => string[],
    private onChange: (s: FilterState) => void,
  ) {
    this.list = h("div", { class: "filter-rows" });
    this.el = h("div", { class: "filter-bar" }, this.list);
    this.render();
  }

  setState(s: FilterState): void {
    this.state = s;
    this.render();
  }

  private emit(): void {
    this.onChange({ rows: this.state.rows.map((r) => ({ ...r })), any: this.state.any });
  }

  render(): void {
    clear(this.list);
    const fields = this.fields();
    const datalist = h("datalist", { id: "filter-fields" }, ...fields.map((f) => h("option", { value: f })));
    this.list.append(datalist);
    this.state.rows.forEach((row, i) => {
      const field = h("input", {
        class: "f-field",
        list: "filter-fields",
        value: row.field,
        placeholder: "field, e.g. config.lr",
        onchange: (e: Event) => {
          row.field = (e.target as HTMLInputElement).value.trim();
          this.emit();
        },
      });
      const op = h(
        "select",
        {
          class: "f-op",
          onchange: (e: Event) => {
            row.op = (e.target as HTMLSelectElement).value;
            this.emit();
          },
        },
        ...OPS.map(([v, label]) => h("option", { value: v, selected: v === row.op }, label)),
      );
      const value = h("input", {
        class: "f-value",
        value: row.value,
        placeholder: "value",
        onchange: (e: Event) => {
          row.value = (e.target as HTMLInputElement).value;
          this.emit();
        },
      });
      const remove = h(
        "button",
        {
          class: "icon",
          title: "Remove this filter",
          onclick: () => {
            this.state.rows.splice(i, 1);
            this.render();
            this.emit();
          },
        },
        "×",
      );
      const joiner =
        i === 0
          ? h("span", { class: "f-join" }, "where")
          : h(
              "select",
              {
                class: "f-join",
                onchange: (e: Event) => {
                  this.state.any = (e.target as HTMLSelectElement).value === "or";
                  this.render();
                  this.emit();
                },
              },
              h("option", { value: "and", selected: !this.state.any }, "and"),
              h("option", { value: "or", selected: this.state.any }, "or"),
            );
      this.list.append(h("div", { class: "filter-row" }, joiner, field, op, value, remove));
    });
    this.list.append(
      h(
        "button",
        {
          class: "add-filter",
          onclick: () => {
            this.state.rows.push({ field: "state", op: "=", value: "" });
            this.render();
            (this.list.querySelector(".filter-row:last-of-type .f-value") as HTMLInputElement | null)?.focus();
          },
        },
        "+ Filter",
      ),
    );
  }
}
