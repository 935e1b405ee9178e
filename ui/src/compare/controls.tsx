// The settings of the comparison panels: shown in each panel's head and in the
// panel editor (the workspace's drawer), so a panel can be set up either way.

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useParams } from "react-router";
import { columnsQuery } from "../data/runs";
import type { PanelEditorProps, PanelSpec } from "../panels/registry";
import { projectFields, type Agg } from "./fields";
import { FieldSelect } from "./FieldSelect";

/** ``options.xField``: the field on x (the spec's own ``x`` is the workspace's
 * x axis, which a panel does not own); ``keys[0]``: the field on y. */
export type ScatterSpec = PanelSpec<{ xField?: string; logX?: boolean; logY?: boolean }>;
export type BarSpec = PanelSpec<{ sort?: "" | "asc" | "desc" }>;
export type ScalarSpec = PanelSpec<{ agg?: Agg }>;

interface ControlProps<S extends PanelSpec> {
  spec: S;
  fields: string[];
  onChange: (s: S) => void;
}

function Check({
  label,
  className,
  on,
  set,
}: {
  label: string;
  className: string;
  on: boolean;
  set: (v: boolean) => void;
}) {
  return (
    <label>
      <input type="checkbox" className={className} checked={on} onChange={(e) => set(e.target.checked)} /> {label}
    </label>
  );
}

export function ScatterControls({ spec, fields, onChange }: ControlProps<ScatterSpec>) {
  const opt = (patch: ScatterSpec["options"]) => onChange({ ...spec, options: { ...spec.options, ...patch } });
  return (
    <>
      <FieldSelect
        fields={fields}
        value={spec.options.xField ?? ""}
        label="x"
        className="scatter-x"
        onChange={(xField) => opt({ xField })}
      />
      <FieldSelect
        fields={fields}
        value={spec.keys[0] ?? ""}
        label="y"
        className="scatter-y"
        onChange={(y) => onChange({ ...spec, keys: [y] })}
      />
      <Check label="log x" className="scatter-logx" on={!!spec.options.logX} set={(logX) => opt({ logX })} />
      <Check label="log y" className="scatter-logy" on={!!spec.options.logY} set={(logY) => opt({ logY })} />
    </>
  );
}

export function BarControls({ spec, fields, onChange }: ControlProps<BarSpec>) {
  return (
    <>
      <FieldSelect
        fields={fields}
        value={spec.keys[0] ?? ""}
        label="Value"
        className="bar-field"
        onChange={(v) => onChange({ ...spec, keys: [v] })}
      />
      <label>
        Sort{" "}
        <select
          className="bar-sort"
          value={spec.options.sort ?? ""}
          onChange={(e) => onChange({ ...spec, options: { sort: e.target.value as BarSpec["options"]["sort"] } })}
        >
          <option value="">as the table</option>
          <option value="asc">ascending</option>
          <option value="desc">descending</option>
        </select>
      </label>
    </>
  );
}

const AGGS: [Agg, string][] = [
  ["each", "each run"],
  ["mean", "mean"],
  ["min", "min"],
  ["max", "max"],
];

export function ScalarControls({ spec, fields, onChange }: ControlProps<ScalarSpec>) {
  return (
    <>
      <FieldSelect
        fields={fields}
        value={spec.keys[0] ?? ""}
        label="Value"
        className="scalar-field"
        onChange={(v) => onChange({ ...spec, keys: [v] })}
      />
      <label>
        Show{" "}
        <select
          className="scalar-agg"
          value={spec.options.agg ?? "each"}
          onChange={(e) => onChange({ ...spec, options: { agg: e.target.value as Agg } })}
        >
          {AGGS.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

/** The project's fields, for an editor: it opens inside the workspace's route. */
function useRouteFields(): string[] {
  const { entity = "", project = "" } = useParams();
  const q = useQuery({ ...columnsQuery(entity, project), enabled: !!entity });
  return useMemo(() => projectFields(q.data), [q.data]);
}

function editor<S extends PanelSpec>(Controls: (p: ControlProps<S>) => React.ReactNode) {
  return function Editor({ spec, onChange }: PanelEditorProps<S>) {
    const fields = useRouteFields();
    return (
      <div className="rp-editor">
        <Controls spec={spec} fields={fields} onChange={onChange} />
      </div>
    );
  };
}

export const ScatterEditor = editor(ScatterControls);
export const BarEditor = editor(BarControls);
export const ScalarEditor = editor(ScalarControls);
