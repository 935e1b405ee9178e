// "Compare" over the runs table: opens the run comparer for the selected runs.

import { useNavigate } from "react-router";
import { comparePath } from "./ComparePage";

export function CompareButton({
  entity,
  project,
  selected,
}: {
  entity: string;
  project: string;
  selected: Set<string>;
}) {
  const navigate = useNavigate();
  return (
    <button
      type="button"
      className="compare-runs"
      disabled={selected.size < 2}
      title={selected.size < 2 ? "Select two or more runs to compare" : "Compare the selected runs side by side"}
      onClick={() => navigate(comparePath(entity, project, [...selected]))}
    >
      Compare
    </button>
  );
}
