// Run colours. The workspace hands out palette colours in table order and
// remembers them (localStorage), so a run keeps its colour when the sort
// changes and the drawn runs never share one until the palette runs out.

export const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
  "#bcbd22", "#3949ab", "#222222", "#f4511e", "#6d4c41", "#8e24aa", "#039be5", "#7cb342",
  "#c2185b", "#5d4037", "#fbc02d", "#546e7a",
];

function hash(s: string): number {
  let x = 2166136261;
  for (let i = 0; i < s.length; i++) {
    x ^= s.charCodeAt(i);
    x = Math.imul(x, 16777619);
  }
  return x >>> 0;
}

export function defaultColor(runId: string): string {
  return PALETTE[hash(runId) % PALETTE.length];
}

/** The colour the project's workspace gave the run, else one from its id. */
export function savedColor(entity: string, project: string, runId: string): string {
  try {
    const prefs = JSON.parse(localStorage.getItem(`runbase:ws:${entity}/${project}`) ?? "{}");
    const c = prefs?.colors?.[runId];
    if (typeof c === "string") return c;
  } catch {
    /* unreadable prefs: fall through */
  }
  return defaultColor(runId);
}

export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** The first palette colour not in ``used`` (the colours of the runs in view,
 * repeats allowed); when every colour is taken, the least used one. */
export function nextColor(used: Iterable<string>): string {
  const count = new Map<string, number>();
  for (const c of used) count.set(c, (count.get(c) ?? 0) + 1);
  let best = PALETTE[0];
  for (const c of PALETTE) if ((count.get(c) ?? 0) < (count.get(best) ?? 0)) best = c;
  return best;
}
