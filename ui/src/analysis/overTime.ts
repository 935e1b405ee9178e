// The metric over run creation time: each run's point and the best value so far
// (the lowest for a metric to minimize, the highest to maximize).

import type { AnalysisRun } from "./axes";

export type Goal = "minimize" | "maximize";

export interface TimePoints {
  /** Creation times (s), ascending; one per run that has the metric. */
  x: number[];
  y: number[];
  best: number[];
  ids: string[];
  /** Index of the best run (the last point where ``best`` changed), or -1. */
  bestAt: number;
}

export function overTime(runs: AnalysisRun[], metric: string, goal: Goal): TimePoints {
  const pts = runs
    .map((r) => ({ id: r.id, t: r.createdAt, v: r.summary[metric] }))
    .filter(
      (p): p is { id: string; t: number; v: number } => p.t !== null && typeof p.v === "number" && Number.isFinite(p.v),
    )
    .sort((a, b) => a.t - b.t);
  const better = goal === "minimize" ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
  const best: number[] = [];
  let bestAt = -1;
  pts.forEach((p, i) => {
    if (bestAt < 0 || better(p.v, pts[bestAt].v)) bestAt = i;
    best.push(pts[bestAt].v);
  });
  return { x: pts.map((p) => p.t), y: pts.map((p) => p.v), best, ids: pts.map((p) => p.id), bestAt };
}

/** A goal for a metric the user gave none for: losses and errors go down. */
export function guessGoal(metric: string): Goal {
  return /loss|err|mse|mae|rmse|perplex|wer|cer|time|latency/i.test(metric) ? "minimize" : "maximize";
}
