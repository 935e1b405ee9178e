// "Stop run" next to a running run's state (W&B's stop button). The server only
// records the request; the run's own process ends the run within seconds, so the
// button shows "Stopping…" and refetches the run until its state changes.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/endpoints";
import { keys } from "../data/keys";
import { runQuery } from "../data/runs";
import "./StopButton.css";

export function StopButton({ entity, project, runId }: { entity: string; project: string; runId: string }) {
  const qc = useQueryClient();
  const [phase, setPhase] = useState<"idle" | "confirm" | "sent">("idle");
  const [error, setError] = useState("");
  // While the process has not acted yet, ask every second rather than waiting for the feed.
  const run = useQuery({ ...runQuery(entity, project, runId), refetchInterval: phase === "sent" ? 1000 : false });
  const state = run.data?.state;
  if (state !== "running") return null;
  const stop = async () => {
    setError("");
    try {
      await api.stopRun(entity, project, runId);
      setPhase("sent");
      void qc.invalidateQueries({ queryKey: keys.runInfo(entity, project, runId) });
    } catch (e) {
      setPhase("idle");
      setError(`Not stopped: ${(e as Error).message}`);
    }
  };
  return (
    <span className="stop-run">
      {phase === "idle" && (
        <button className="stop-run-button danger" onClick={() => setPhase("confirm")}>
          Stop run
        </button>
      )}
      {phase === "confirm" && (
        <>
          <span className="stop-run-ask">Stop this run? Its script is interrupted.</span>
          <button className="stop-run-confirm danger" onClick={stop} autoFocus>
            Stop
          </button>
          <button className="stop-run-cancel" onClick={() => setPhase("idle")}>
            Cancel
          </button>
        </>
      )}
      {phase === "sent" && (
        <span className="stop-run-status" role="status">
          Stopping… the run ends when its process sees the request
        </span>
      )}
      {error && (
        <span className="stop-run-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
