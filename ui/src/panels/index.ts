// Every panel kind the app knows. Import this module once to fill the registry.

import { LinePanel, type LineSpec } from "./line/LinePanel";
import { registerPanel } from "./registry";

registerPanel<LineSpec>({ kind: "line", label: "Line plot", component: LinePanel });

export type { LineSpec };
