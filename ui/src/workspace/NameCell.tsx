// The Name cell: a link to the run, renamed in place (double-click the cell,
// the pencil, or Enter/F2 while the cell has focus; Enter saves, Escape cancels).

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { api, type Run } from "../api/endpoints";
import { keys } from "../data/keys";
import { runPath } from "../lib/paths";
import "./table.css";

export function NameCell({ run }: { run: Run }) {
  const qc = useQueryClient();
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState("");
  const shown = run.name || run.id;

  const save = async (value: string) => {
    const name = value.trim();
    if (!name) return setError("A run name cannot be empty: type a name, or Escape to keep the old one.");
    if (name === run.name) return setText(null);
    try {
      await api.updateRun(run.entity, run.project, run.id, { name });
      setText(null);
      setError("");
      await qc.invalidateQueries({ queryKey: keys.project(run.entity, run.project) });
    } catch (e) {
      setError(`Could not rename: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  if (text !== null) {
    return (
      <input
        className={`rename-input${error ? " invalid" : ""}`}
        aria-label="Run name"
        title={error || "Enter to save, Escape to cancel"}
        autoFocus
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => (setText(null), setError(""))}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === "Enter") void save(text);
          if (e.key === "Escape") (setText(null), setError(""));
        }}
      />
    );
  }
  return (
    <span
      className="name-cell"
      tabIndex={0}
      title={`${shown} — double-click to rename`}
      onDoubleClick={(e) => (e.preventDefault(), setText(shown))}
      onKeyDown={(e) => {
        if (e.target === e.currentTarget && (e.key === "Enter" || e.key === "F2")) setText(shown);
      }}
    >
      <Link to={runPath(run.entity, run.project, run.id)} className="run-link">
        {shown}
      </Link>
      <button className="rename-btn" title="Rename" aria-label="Rename" onClick={() => setText(shown)}></button>
    </span>
  );
}
