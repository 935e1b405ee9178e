// The line panel's editor: its metrics (picked, by regex, or as y expressions),
// x axis, y range, log scales, smoothing, outlier-ignoring y scale and legend
// template. Every change is applied at once (the panel redraws behind the drawer).

import { useState, type ReactNode } from "react";
import type { PanelEditorProps } from "../registry";
import type { LineSpec } from "./LinePanel";
import { planLines } from "./multiLine";
import { SMOOTH_KINDS, type SmoothKind } from "./smoothKinds";

const X_AXES: [string, string][] = [
  ["", "Workspace x axis"],
  ["_step", "Step"],
  ["_runtime", "Relative time"],
  ["_timestamp", "Wall time"],
];

const num = (text: string): number | null =>
  text.trim() === "" || !Number.isFinite(Number(text)) ? null : Number(text);

function NumberField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number | null | undefined;
  onChange: (v: number | null) => void;
}) {
  const [text, setText] = useState(value === null || value === undefined ? "" : String(value));
  return (
    <label className="editor-row">
      {label}
      <input
        aria-label={label}
        inputMode="decimal"
        value={text}
        placeholder="auto"
        onChange={(e) => {
          setText(e.target.value);
          onChange(num(e.target.value));
        }}
      />
    </label>
  );
}

/** A checkbox row; its text is the label unless children say more. */
function CheckField({
  label,
  checked,
  onChange,
  children,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  children?: ReactNode;
}) {
  return (
    <label className="editor-check">
      <input type="checkbox" aria-label={label} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {children ?? label}
    </label>
  );
}

/** The metric keys, as a select's options. */
function KeyOptions({ keys }: { keys: string[] }) {
  return keys.map((k) => (
    <option key={k} value={k}>
      {k}
    </option>
  ));
}

type EditorPart = PanelEditorProps<LineSpec> & { set: (patch: Partial<LineSpec["options"]>) => void };

/** What the panel draws: picked metrics, a regex's matches, y expressions. */
function MetricFields({ spec, onChange, keys, set }: EditorPart) {
  const o = spec.options;
  const [exprText, setExprText] = useState((o.exprs ?? []).join("\n"));
  const plan = planLines(spec.keys, o, keys);
  return (
    <>
      <label className="editor-row">
        Metrics (Ctrl/Cmd-click for several)
        <select
          multiple
          aria-label="Metrics"
          size={Math.min(10, Math.max(4, keys.length))}
          value={spec.keys}
          onChange={(e) => onChange({ ...spec, keys: [...e.target.selectedOptions].map((op) => op.value) })}
        >
          <KeyOptions keys={keys} />
        </select>
      </label>
      <label className="editor-row">
        Metrics matching a regex
        <input
          aria-label="Metric regex"
          placeholder="grad_norm/.*"
          value={o.regex ?? ""}
          onChange={(e) => set({ regex: e.target.value || undefined })}
        />
      </label>
      <label className="editor-row">
        Y expressions, one per line (+ - * / ^, abs log exp sqrt min max; `a/b` for names with /)
        <textarea
          aria-label="Y expressions"
          rows={2}
          placeholder="loss * 2"
          value={exprText}
          onChange={(e) => {
            setExprText(e.target.value);
            const exprs = e.target.value.split("\n").filter((t) => t.trim());
            set({ exprs: exprs.length ? exprs : undefined });
          }}
        />
      </label>
      {plan.errors.map((err) => (
        <div className="editor-error" key={err}>
          {err}
        </div>
      ))}
    </>
  );
}

/** The axes: x, y range, log scales, outliers. */
function AxisFields({ spec, onChange, keys, set }: EditorPart) {
  const o = spec.options;
  return (
    <>
      <label className="editor-row">
        X axis
        <select
          aria-label="X axis"
          value={spec.x}
          onChange={(e) => onChange({ ...spec, x: e.target.value, ranges: { x: null } })}
        >
          {X_AXES.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
          <KeyOptions keys={keys} />
        </select>
      </label>
      <div className="editor-pair">
        <NumberField label="Y min" value={o.yMin} onChange={(v) => set({ yMin: v })} />
        <NumberField label="Y max" value={o.yMax} onChange={(v) => set({ yMax: v })} />
      </div>
      <CheckField label="Log x" checked={!!o.logX} onChange={(v) => set({ logX: v })} />
      <CheckField label="Log y" checked={!!o.logY} onChange={(v) => set({ logY: v })} />
      <CheckField label="Ignore outliers" checked={!!o.outliers} onChange={(v) => set({ outliers: v })}>
        Ignore outliers in the y scale (5th–95th percentile)
      </CheckField>
    </>
  );
}

/** How lines look: smoothing and legend names. */
function StyleFields({ spec, set }: EditorPart) {
  const o = spec.options;
  const strength = o.smoothing ?? 0;
  return (
    <>
      <div className="editor-pair">
        <label className="editor-row">
          Smoothing
          <select
            aria-label="Smoothing kind"
            value={o.smoothKind ?? "ema"}
            onChange={(e) => set({ smoothKind: e.target.value as SmoothKind })}
          >
            {SMOOTH_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label className="editor-row">
          {`Strength ${strength.toFixed(2)}`}
          <input
            type="range"
            aria-label="Smoothing strength"
            min={0}
            max={0.99}
            step={0.01}
            value={strength}
            onChange={(e) => set({ smoothing: Number(e.target.value) })}
          />
        </label>
      </div>
      <label className="editor-row">
        Legend
        <input
          aria-label="Legend template"
          placeholder="${run:name} ${config:lr}"
          value={o.legend ?? ""}
          onChange={(e) => set({ legend: e.target.value || undefined })}
        />
      </label>
    </>
  );
}

export function LineEditor(props: PanelEditorProps<LineSpec>) {
  const { spec, onChange } = props;
  const set = (patch: Partial<LineSpec["options"]>) => onChange({ ...spec, options: { ...spec.options, ...patch } });
  return (
    <div className="line-editor">
      <MetricFields {...props} set={set} />
      <AxisFields {...props} set={set} />
      <StyleFields {...props} set={set} />
    </div>
  );
}
