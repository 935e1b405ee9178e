// "Tag" over the runs table: add a tag to, or remove one from, every selected run.

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/endpoints";
import { keys } from "../data/keys";
import "./table.css";

export function TagAction({ entity, project, selected }: { entity: string; project: string; selected: Set<string> }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [tag, setTag] = useState("");
  const [msg, setMsg] = useState("");
  const n = selected.size;

  const apply = async (add: boolean) => {
    const t = tag.trim();
    if (!t) return setMsg("Type a tag first.");
    try {
      const r = await api.tagRuns(entity, project, [...selected], add ? [t] : [], add ? [] : [t]);
      setMsg(`${add ? "Tagged" : "Untagged"} ${r.updated} run${r.updated === 1 ? "" : "s"}.`);
      await qc.invalidateQueries({ queryKey: keys.project(entity, project) });
    } catch (e) {
      setMsg(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="popover-anchor">
      <button
        className="tag-runs"
        disabled={n === 0}
        title={n ? `Add or remove a tag on the ${n} selected runs` : "Select runs to tag them"}
        onClick={() => (setOpen((v) => !v), setMsg(""))}
      >
        Tag
      </button>
      {open && n > 0 && (
        <div className="popover tag-popover">
          <input
            className="tag-input"
            placeholder="tag"
            aria-label="Tag"
            autoFocus
            value={tag}
            onChange={(e) => setTag(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && void apply(true)}
          />
          <button className="tag-add" onClick={() => void apply(true)}>
            {`Add to ${n}`}
          </button>
          <button className="tag-remove" onClick={() => void apply(false)}>
            {`Remove from ${n}`}
          </button>
          <button onClick={() => setOpen(false)}>Close</button>
          {msg && <div className="tag-msg">{msg}</div>}
        </div>
      )}
    </div>
  );
}
