// The comparison panel kinds: over runs' config and summary, not their history.

import { registerPanel } from "../panels/registry";
import { BarPanel, type BarSpec } from "./BarPanel";
import { ScalarPanel, type ScalarSpec } from "./ScalarPanel";
import { ScatterPanel, type ScatterSpec } from "./ScatterPanel";

registerPanel<ScatterSpec>({ kind: "scatter", label: "Scatter plot", component: ScatterPanel });
registerPanel<BarSpec>({ kind: "bar", label: "Bar chart", component: BarPanel });
registerPanel<ScalarSpec>({ kind: "scalar", label: "Summary value", component: ScalarPanel });

export type { BarSpec, ScalarSpec, ScatterSpec };
