// The editors of a report's blocks: markdown text with a live preview, and a panel
// grid's runs (a saved view, or a search of the project's runs) and metrics.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { viewsApi } from "../api/views";
import { columnsQuery } from "../data/runs";
import { FilterBar } from "../workspace/FilterBar";
import type { FilterState } from "../workspace/filters";
import type { MarkdownBlock, PanelsBlock } from "./api";
import { addPanel, filterState, panelSpecs, removePanel } from "./blocks";
import { Markdown } from "./Markdown";

interface EditorProps<B> {
  block: B;
  onDone: (b: B) => void;
  onCancel: () => void;
}

export function MarkdownEditor({ block, onDone, onCancel }: EditorProps<MarkdownBlock>) {
  const [text, setText] = useState(block.text ?? "");
  return (
    <div className="md-editor">
      <textarea
        aria-label="Markdown"
        value={text}
        rows={Math.min(24, Math.max(6, text.split("\n").length + 1))}
        onChange={(e) => setText(e.target.value)}
        placeholder="# Heading, **bold**, lists, links, `code`…"
        autoFocus
      />
      <div className="md-preview">
        <Markdown text={text} />
      </div>
      <div className="block-edit-actions">
        <button className="primary block-done" onClick={() => onDone({ ...block, text })}>
          Done
        </button>
        <button onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}

export function PanelsEditor({
  entity,
  project,
  block,
  onDone,
  onCancel,
}: EditorProps<PanelsBlock> & { entity: string; project: string }) {
  const [draft, setDraft] = useState(block);
  const [key, setKey] = useState("");
  const views = useQuery({
    queryKey: ["project", entity, project, "views"],
    queryFn: () => viewsApi.list(entity, project),
  });
  const columns = useQuery(columnsQuery(entity, project));
  const runs = draft.runs ?? { view: null, filters: null, search: "", max_runs: 10 };
  const setRuns = (r: Partial<typeof runs>) => setDraft({ ...draft, runs: { ...runs, ...r } });
  const add = () => {
    setDraft(addPanel(draft, key));
    setKey("");
  };
  const listId = `metrics-${block.id}`;
  const cols = columns.data;
  const fields = [
    "name",
    "state",
    "tags",
    "group",
    "job_type",
    ...(cols?.config ?? []).map((k) => `config.${k}`),
    ...(cols?.summary ?? []).map((k) => `summary.${k}`),
  ];
  return (
    <div className="panels-editor">
      <div className="grid-source">
        <label>
          Runs{" "}
          <select aria-label="Runs" value={runs.view ?? ""} onChange={(e) => setRuns({ view: e.target.value || null })}>
            <option value="">The project's runs</option>
            {(views.data?.views ?? []).map((v) => (
              <option key={v.id} value={v.id}>
                Saved view: {v.name}
              </option>
            ))}
          </select>
        </label>
        {!runs.view && (
          <label>
            Search{" "}
            <input
              aria-label="Search runs"
              value={runs.search ?? ""}
              placeholder="name contains…"
              onChange={(e) => setRuns({ search: e.target.value })}
            />
          </label>
        )}
        <label>
          At most{" "}
          <input
            aria-label="Most runs"
            type="number"
            min={1}
            max={100}
            value={runs.max_runs ?? 10}
            onChange={(e) => setRuns({ max_runs: Math.min(100, Math.max(1, Number(e.target.value) || 1)) })}
          />{" "}
          runs
        </label>
      </div>
      {!runs.view && (
        <FilterBar
          state={filterState(runs.filters)}
          fields={fields}
          onChange={(f: FilterState) => setRuns({ filters: f.rows.length ? { ...f } : null })}
        />
      )}
      <ul className="grid-panels">
        {panelSpecs(draft).map((p) => (
          <li key={p.id} data-panel={p.keys[0]}>
            Line plot of <code>{p.keys[0]}</code>{" "}
            <button
              className="link-btn"
              aria-label={`Remove ${p.keys[0]}`}
              onClick={() => setDraft(removePanel(draft, p.id))}
            >
              remove
            </button>
          </li>
        ))}
      </ul>
      <form
        className="grid-add"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <input
          aria-label="Metric"
          list={listId}
          value={key}
          placeholder="metric, e.g. loss"
          onChange={(e) => setKey(e.target.value)}
        />
        <datalist id={listId}>
          {(columns.data?.metrics ?? []).map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        <button type="submit" disabled={!key.trim()}>
          Add panel
        </button>
      </form>
      <div className="block-edit-actions">
        <button className="primary block-done" onClick={() => onDone(addPanel(draft, key))}>
          Done
        </button>
        <button onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
