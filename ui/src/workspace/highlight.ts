// The runs another panel points at (the parallel coordinates' brushes): the runs
// table marks them and dims the rest. Null: no panel points at any.

import { createContext } from "react";

export const HighlightContext = createContext<Set<string> | null>(null);
