// The comparison panel kinds: over runs' config and summary, not their history.

import { registerPanel } from "../panels/registry";
import { BarPanel } from "./BarPanel";
import { BarEditor, ScalarEditor, ScatterEditor, type BarSpec, type ScalarSpec, type ScatterSpec } from "./controls";
import { ScalarPanel } from "./ScalarPanel";
import { ScatterPanel } from "./ScatterPanel";

// A new panel has no fields yet: the editor, which opens on "Add panel", picks them.
const blank =
  <O extends object>(kind: string, options: O) =>
  (id: string) => ({ id, kind, keys: [], x: "", options });

registerPanel<ScatterSpec>({
  kind: "scatter",
  label: "Scatter plot",
  component: ScatterPanel,
  editor: ScatterEditor,
  create: blank("scatter", {}),
});
registerPanel<BarSpec>({
  kind: "bar",
  label: "Bar chart",
  component: BarPanel,
  editor: BarEditor,
  create: blank("bar", {}),
});
registerPanel<ScalarSpec>({
  kind: "scalar",
  label: "Summary value",
  component: ScalarPanel,
  editor: ScalarEditor,
  create: blank("scalar", { agg: "each" as const }),
});

export type { BarSpec, ScalarSpec, ScatterSpec };
