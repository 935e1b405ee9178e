// Grouping over the table: the first level (*Group: ...*) and, once chosen,
// nested levels (*then by ...*), kept in the URL as ``group=config.opt,config.lr``.

import type { RunColumn } from "./columns";
import { columnTitle } from "./columns";
import { groupLevels } from "./groupTree";
import { GroupSelect } from "./Toolbars";
import "./table.css";

const MAX_LEVELS = 3;

export function GroupLevels({
  all,
  value,
  onChange,
}: {
  all: RunColumn[];
  value: string;
  onChange: (v: string) => void;
}) {
  const levels = groupLevels(value);
  const opts = all.filter((c) => c.meta.sortKey && c.meta.group !== "min" && c.meta.group !== "max" && c.id !== "name");
  const set = (i: number, id: string) => onChange([...levels.slice(0, i), ...(id ? [id] : [])].join(","));
  return (
    <>
      <GroupSelect all={all} value={levels[0] ?? ""} onChange={(id) => set(0, id)} />
      {levels.slice(0, MAX_LEVELS - 1).map((_, i) => {
        const used = levels.slice(0, i + 1);
        return (
          <select
            key={i}
            className={`group-select-sub group-level-${i + 2}`}
            title="Group each group's runs again by another column"
            value={levels[i + 1] ?? ""}
            onChange={(e) => set(i + 1, e.target.value)}
          >
            <option value="">{i === 0 ? "then by…" : "…"}</option>
            {opts
              .filter((c) => !used.includes(c.id))
              .map((c) => (
                <option key={c.id} value={c.id}>{`then: ${columnTitle(c)}`}</option>
              ))}
          </select>
        );
      })}
    </>
  );
}
