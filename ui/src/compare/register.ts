// The comparison panel kinds: over runs' config and summary, not their history.

import { registerPanel } from "../panels/registry";
import { BarPanel } from "./BarPanel";
import type { BarSpec, ScalarSpec, ScatterSpec } from "./controls";
import { ScalarPanel } from "./ScalarPanel";
import { ScatterPanel } from "./ScatterPanel";

registerPanel<ScatterSpec>({ kind: "scatter", label: "Scatter plot", component: ScatterPanel });
registerPanel<BarSpec>({ kind: "bar", label: "Bar chart", component: BarPanel });
registerPanel<ScalarSpec>({ kind: "scalar", label: "Summary value", component: ScalarPanel });

export type { BarSpec, ScalarSpec, ScatterSpec };
