// Every panel kind the app knows. Import this module once to fill the registry.

import { ChartPanel, type ChartSpec } from "./chart/ChartPanel";
import { HistogramPanel, type HistogramSpec } from "./histogram/HistogramPanel";
import { LineEditor } from "./line/LineEditor";
import { LinePanel, type LineSpec } from "./line/LinePanel";
import { MediaPanel } from "./media/MediaPanel";
import type { MediaSpec } from "./media/logic";
import { registerPanel } from "./registry";
import { TablePanel, type TableSpec } from "./table/TablePanel";

registerPanel<LineSpec>({
  kind: "line",
  label: "Line plot",
  component: LinePanel,
  editor: LineEditor,
  create: (id) => ({ id, kind: "line", keys: [], x: "_step", options: { smoothing: 0, logY: false } }),
});
registerPanel<MediaSpec>({ kind: "media", label: "Media", component: MediaPanel });
registerPanel<TableSpec>({ kind: "table", label: "Table", component: TablePanel });
registerPanel<HistogramSpec>({ kind: "histogram", label: "Histogram", component: HistogramPanel });
registerPanel<ChartSpec>({ kind: "chart", label: "Chart", component: ChartPanel });
import "../compare/register"; // scatter, bar, summary value

export type { ChartSpec, HistogramSpec, LineSpec, MediaSpec, TableSpec };
