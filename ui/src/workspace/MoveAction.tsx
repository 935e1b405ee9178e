// "Move" over the runs table: move the selected runs to another project of the
// same entity (one that exists, or a new name), as W&B's "Move to project".

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { api } from "../api/endpoints";
import { keys } from "../data/keys";
import { projectPath } from "../lib/paths";
import "./table.css";

export function MoveAction({
  entity,
  project,
  selected,
  onMoved,
}: {
  entity: string;
  project: string;
  selected: Set<string>;
  onMoved: () => void;
}) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState("");
  const [msg, setMsg] = useState<{ text: string; to?: string } | null>(null);
  const projects = useQuery({
    queryKey: keys.projects(),
    queryFn: ({ signal }) => api.projects({ signal }),
    enabled: open,
  });
  const others = (projects.data?.projects ?? [])
    .filter((p) => p.entity === entity && p.project !== project)
    .map((p) => p.project);
  const n = selected.size;

  const move = async () => {
    const to = target.trim();
    if (!to) return setMsg({ text: "Choose a project or type a new name." });
    try {
      const r = await api.moveRuns(entity, project, [...selected], to);
      setMsg({ text: `Moved ${r.moved} run${r.moved === 1 ? "" : "s"} to `, to });
      onMoved();
    } catch (e) {
      setMsg({ text: e instanceof Error ? e.message : String(e) });
    } finally {
      await Promise.all([
        qc.invalidateQueries({ queryKey: keys.project(entity, project) }),
        qc.invalidateQueries({ queryKey: keys.projects() }),
      ]);
    }
  };

  return (
    <div className="popover-anchor">
      <button
        className="move-runs"
        disabled={n === 0 && !msg}
        title={n ? `Move the ${n} selected runs to another project` : "Select runs to move them"}
        onClick={() => (setOpen((v) => !v), setMsg(null))}
      >
        Move…
      </button>
      {open && (n > 0 || msg) && (
        <div className="popover tag-popover move-popover">
          {n > 0 && (
            <>
              <label className="move-label">
                {`Move ${n} run${n === 1 ? "" : "s"} to project`}
                <input
                  className="move-target"
                  list="move-projects"
                  placeholder="project (existing or new)"
                  aria-label="Target project"
                  autoFocus
                  value={target}
                  onChange={(e) => setTarget(e.target.value)}
                  onKeyDown={(e) => e.key === "Enter" && n > 0 && void move()}
                />
              </label>
              <datalist id="move-projects">
                {others.map((p) => (
                  <option key={p} value={p} />
                ))}
              </datalist>
              <button className="move-go" disabled={n === 0} onClick={() => void move()}>
                {`Move ${n}`}
              </button>
            </>
          )}
          <button onClick={() => (setOpen(false), setMsg(null))}>Close</button>
          {msg && (
            <div className="tag-msg move-msg">
              {msg.text}
              {msg.to && <Link to={projectPath(entity, msg.to)}>{`${entity}/${msg.to}`}</Link>}
            </div>
          )}
          {n > 0 && others.length > 0 && (
            <div className="move-hint">{`Projects of ${entity}: ${others.join(", ")}`}</div>
          )}
        </div>
      )}
    </div>
  );
}
