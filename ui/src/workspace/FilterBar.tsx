// The filter builder: rows of field · operator · value, combined with AND or OR.
// Values are suggested from the project's data (the /values route); the
// server's complaint about a filter is shown under the rows, where it was made.

import { useEffect, useRef, useState } from "react";
import { useNativeChange } from "../common/useNativeChange";
import { fmtValue } from "../lib/format";
import { NO_VALUE, OPS, type FilterRow, type FilterState } from "./filters";

/** What a value suggestion is typed as: text that parses back to the same value. */
export function valueText(v: unknown): string {
  if (typeof v === "string" && /^(true|false|null|[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)$/.test(v.trim()))
    return `"${v}"`;
  return fmtValue(v);
}

/** A field's datalist id: letters and digits, other characters by code (field names hold any). */
const listId = (field: string) =>
  `fv-${Array.from(field, (c) => (/[A-Za-z0-9]/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}_`)).join("")}`;

function Row({
  row,
  index,
  any,
  focus,
  onRow,
  onAny,
  onRemove,
}: {
  row: FilterRow;
  index: number;
  any: boolean;
  focus: boolean;
  onRow: (r: FilterRow) => void;
  onAny: (any: boolean) => void;
  onRemove: () => void;
}) {
  const field = useNativeChange<HTMLInputElement>((v) => onRow({ ...row, field: v.trim() }));
  const value = useNativeChange<HTMLInputElement>((v) => onRow({ ...row, value: v }));
  useEffect(() => {
    if (focus) value.current?.focus();
  }, [focus, value]);
  const noValue = NO_VALUE.has(row.op);
  return (
    <div className="filter-row">
      {index === 0 ? (
        <span className="f-join">where</span>
      ) : (
        <select className="f-join" value={any ? "or" : "and"} onChange={(e) => onAny(e.target.value === "or")}>
          <option value="and">and</option>
          <option value="or">or</option>
        </select>
      )}
      <input
        ref={field}
        className="f-field"
        list="filter-fields"
        defaultValue={row.field}
        placeholder="field, e.g. config.lr"
      />
      <select className="f-op" value={row.op} onChange={(e) => onRow({ ...row, op: e.target.value })}>
        {OPS.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
      <input
        ref={value}
        className="f-value"
        list={listId(row.field)}
        hidden={noValue}
        defaultValue={row.value}
        placeholder={row.op === "in" || row.op === "not in" ? "a, b, c" : row.op === "regex" ? "pattern" : "value"}
        aria-label="filter value"
      />
      <button className="icon" title="Remove this filter" onClick={onRemove}>
        ×
      </button>
    </div>
  );
}

export function FilterBar({
  state,
  fields,
  values = {},
  error = null,
  onChange,
}: {
  state: FilterState;
  fields: string[];
  /** Suggested values per field (the fields of the rows). */
  values?: Record<string, unknown[]>;
  /** Why the server refused the filter (shown under the rows). */
  error?: string | null;
  onChange: (s: FilterState) => void;
}) {
  // A new row applies once it is edited, so adding one does not empty the table.
  const [draft, setDraft] = useState(state);
  const rows = draft.rows;
  const added = useRef(-1);
  const set = (next: FilterRow[], any = draft.any) => {
    setDraft({ rows: next, any });
    onChange({ rows: next, any });
  };
  return (
    <div className="filter-bar">
      <div className="filter-rows">
        <datalist id="filter-fields">
          {fields.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        {Object.entries(values).map(([f, vs]) => (
          <datalist key={f} id={listId(f)}>
            {vs.map((v) => (
              <option key={JSON.stringify(v)} value={valueText(v)} />
            ))}
          </datalist>
        ))}
        {rows.map((row, i) => (
          <Row
            // A removed row must not hand its inputs to the next one.
            key={`${rows.length}:${i}`}
            row={row}
            index={i}
            any={draft.any}
            focus={added.current === i}
            onRow={(r) => set(rows.map((x, j) => (j === i ? r : x)))}
            onAny={(any) => set(rows, any)}
            onRemove={() => set(rows.filter((_, j) => j !== i))}
          />
        ))}
        <button
          className="add-filter"
          onClick={() => {
            added.current = rows.length;
            setDraft({ ...draft, rows: [...rows, { field: "state", op: "=", value: "" }] });
          }}
        >
          + Filter
        </button>
      </div>
      {error && (
        <div className="filter-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
