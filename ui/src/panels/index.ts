// Every panel kind the app knows. Import this module once to fill the registry.

import { LinePanel, type LineSpec } from "./line/LinePanel";
import { MediaPanel } from "./media/MediaPanel";
import type { MediaSpec } from "./media/logic";
import { registerPanel } from "./registry";

registerPanel<LineSpec>({ kind: "line", label: "Line plot", component: LinePanel });
registerPanel<MediaSpec>({ kind: "media", label: "Media", component: MediaPanel });

export type { LineSpec, MediaSpec };
