// What a page can draw a little later: the panels' hover bars (dozens of buttons and
// menus a workspace of 50 panels would otherwise build, lay out and style before its
// first charts are drawn) wait for the browser's first idle moment after they mount.

import { useEffect, useState } from "react";

let idle = false;
const waiting = new Set<() => void>();

function fire(): void {
  idle = true;
  for (const f of waiting) f();
  waiting.clear();
}

/** False until the browser has been idle once since the page started (then true for good). */
export function useIdleOnce(): boolean {
  const [on, setOn] = useState(idle);
  useEffect(() => {
    if (on) return;
    const set = () => setOn(true);
    waiting.add(set);
    if (waiting.size === 1) {
      if (typeof requestIdleCallback === "function") requestIdleCallback(fire, { timeout: 2000 });
      else setTimeout(fire, 200);
    }
    return () => void waiting.delete(set);
  }, [on]);
  return on;
}
