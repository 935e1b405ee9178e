// Pause / resume / stop / cancel buttons of a sweep (POST .../state), and the
// sweeps' query keys (under the project's, so the change feed refreshes them).

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { actionsFor, sweepsApi, type Sweep, type SweepAction } from "../api/sweeps";
import { keys } from "../data/keys";

export const sweepKeys = {
  list: (e: string, p: string) => [...keys.project(e, p), "sweeps"] as const,
  one: (e: string, p: string, id: string) => [...keys.project(e, p), "sweeps", id] as const,
};

const LABELS: Record<SweepAction, [string, string]> = {
  pause: ["Pause", "Agents finish their runs and get no new ones until it resumes"],
  resume: ["Resume", "Agents get new runs again"],
  stop: ["Stop", "No new runs; the running ones finish"],
  cancel: ["Cancel", "No new runs, and the running ones are stopped"],
};

export function SweepActions({ entity, project, sweep }: { entity: string; project: string; sweep: Sweep }) {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (action: SweepAction) => sweepsApi.setState(entity, project, sweep.id, action),
    onSettled: () => qc.invalidateQueries({ queryKey: sweepKeys.list(entity, project) }),
  });
  const ask = (a: SweepAction) => {
    if (a === "cancel" && !confirm(`Cancel sweep ${sweep.name ?? sweep.id}? Its running runs are stopped.`)) return;
    m.mutate(a);
  };
  return (
    <span className="sweep-actions">
      {actionsFor(sweep.state).map((a) => (
        <button
          key={a}
          className={`sweep-${a}${a === "cancel" ? " danger" : ""}`}
          data-action={a}
          title={LABELS[a][1]}
          disabled={m.isPending}
          onClick={() => ask(a)}
        >
          {LABELS[a][0]}
        </button>
      ))}
      {m.error && <span className="panel-status error">{m.error.message}</span>}
    </span>
  );
}
