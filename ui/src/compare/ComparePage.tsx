// The run comparer (/:entity/:project/compare?runs=a,b,c): the runs' config and
// summary side by side, rows whose values differ highlighted, a toggle to show
// only those, and a baseline run the others' numbers are shown against.

import { useEffect, useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { StateBadge } from "../common/StateBadge";
import { colorOf } from "../data/prefs";
import { fmtNumber, fmtValue } from "../lib/format";
import { projectPath, runPath } from "../lib/paths";
import "./compare.css";
import { compareRows, deltaText, type CompareRow } from "./fields";
import { fieldRun, useRunsById } from "./runsById";

const enc = encodeURIComponent;

/** The comparer's URL for some runs. */
export function comparePath(entity: string, project: string, ids: string[]): string {
  return `${projectPath(entity, project)}/compare?runs=${ids.map(enc).join(",")}`;
}

/** The run ids of ``?runs=a,b,c`` (also repeated ``?runs=a&runs=b``), each once. */
export function parseRunIds(params: URLSearchParams): string[] {
  const ids = params.getAll("runs").flatMap((v) => v.split(","));
  return [...new Set(ids.map((s) => s.trim()).filter(Boolean))];
}

function Cell({ value, base, isBase }: { value: unknown; base: unknown; isBase: boolean }) {
  if (value === undefined) return <td className="cmp-missing">–</td>;
  const delta = isBase ? "" : deltaText(value, base, fmtNumber);
  return (
    <td>
      {fmtValue(value)}
      {delta && <span className={`cmp-delta ${delta.startsWith("+") ? "up" : "down"}`}>{delta}</span>}
    </td>
  );
}

function Rows({ title, rows, baseAt }: { title: string; rows: CompareRow[]; baseAt: number }) {
  if (!rows.length) return null;
  return (
    <>
      <tr className="cmp-section">
        <th colSpan={rows[0].values.length + 1}>{title}</th>
      </tr>
      {rows.map((r) => (
        <tr key={r.field} className={r.differs ? "differs" : undefined} data-field={r.field}>
          <th className="cmp-field">{r.field.replace(/^(config|summary)\./, "")}</th>
          {r.values.map((v, i) => (
            <Cell key={i} value={v} base={baseAt >= 0 ? r.values[baseAt] : undefined} isBase={i === baseAt} />
          ))}
        </tr>
      ))}
    </>
  );
}

export function ComparePage({ entity, project }: { entity: string; project: string }) {
  const [params, setParams] = useSearchParams();
  const ids = useMemo(() => parseRunIds(params), [params]);
  const onlyDiff = params.get("diff") === "1";
  const baseline = params.get("base") ?? "";
  const { byId, error, loading } = useRunsById(entity, project, ids);
  useEffect(() => {
    document.title = `Compare runs · ${project} · runbase`;
  }, [project]);

  const runs = useMemo(() => ids.filter((id) => byId.has(id)).map((id) => byId.get(id)!), [ids, byId]);
  const missing = loading ? [] : ids.filter((id) => !byId.has(id));
  const rows = useMemo(() => compareRows(runs.map(fieldRun)), [runs]);
  const shown = onlyDiff ? rows.filter((r) => r.differs) : rows;
  const baseAt = runs.findIndex((r) => r.id === baseline);

  const set = (patch: Record<string, string | null>) =>
    setParams(
      (p) => {
        const n = new URLSearchParams(p);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null) n.delete(k);
          else n.set(k, v);
        }
        return n;
      },
      { replace: true },
    );
  const remove = (id: string) =>
    set({ runs: ids.filter((x) => x !== id).join(",") || null, base: baseline === id ? null : baseline || null });

  let body;
  if (!ids.length)
    body = (
      <div className="empty cmp-empty">
        No runs to compare. Select runs in the <Link to={projectPath(entity, project)}>runs table</Link> and press
        Compare, or name them in the address: <code>compare?runs=ID1,ID2</code>.
      </div>
    );
  else if (error) body = <ErrorBox error={error} />;
  else if (loading) body = <div className="loading">Loading…</div>;
  else
    body = (
      <div className="cmp-scroll">
        <table className="cmp-table">
          <thead>
            <tr>
              <th className="cmp-field">Field</th>
              {runs.map((r, i) => (
                <th key={r.id} className={`cmp-run${i === baseAt ? " baseline" : ""}`} data-run={r.id}>
                  <span className="swatch" style={{ background: colorOf(entity, project, r.id) }} />
                  <Link to={runPath(entity, project, r.id)}>{r.name || r.id}</Link> <StateBadge state={r.state} />
                  <div className="cmp-run-actions">
                    <button
                      type="button"
                      className="cmp-base-btn"
                      aria-pressed={i === baseAt}
                      title="Show the other runs' numbers as differences from this one"
                      onClick={() => set({ base: i === baseAt ? null : r.id })}
                    >
                      {i === baseAt ? "Baseline" : "Set as baseline"}
                    </button>
                    <button
                      type="button"
                      className="cmp-remove"
                      title="Leave this run out"
                      onClick={() => remove(r.id)}
                    >
                      ×
                    </button>
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <Rows title="Config" rows={shown.filter((r) => r.field.startsWith("config."))} baseAt={baseAt} />
            <Rows title="Summary" rows={shown.filter((r) => r.field.startsWith("summary."))} baseAt={baseAt} />
          </tbody>
        </table>
        {shown.length === 0 && (
          <div className="empty">{onlyDiff ? "These runs have the same config and summary." : "No fields."}</div>
        )}
      </div>
    );

  const differing = rows.filter((r) => r.differs).length;
  return (
    <>
      <PageHeader
        crumbs={[{ label: entity }, { label: project, href: projectPath(entity, project) }, { label: "compare" }]}
      />
      <div className="toolbar cmp-toolbar">
        <label>
          <input
            type="checkbox"
            className="cmp-only-diff"
            checked={onlyDiff}
            onChange={(e) => set({ diff: e.target.checked ? "1" : null })}
          />{" "}
          Only differences
        </label>
        <span className="cmp-count">
          {runs.length ? `${runs.length} runs · ${differing} of ${rows.length} fields differ` : ""}
        </span>
      </div>
      {missing.length > 0 && (
        <div className="cmp-missing-note" role="status">
          Not in this project: {missing.join(", ")} (deleted, or a wrong id).
        </div>
      )}
      {body}
    </>
  );
}

/** The route's element: the page for the URL's project. */
export function CompareRoute() {
  const { entity = "", project = "" } = useParams();
  return <ComparePage key={`${entity}/${project}`} entity={entity} project={project} />;
}
