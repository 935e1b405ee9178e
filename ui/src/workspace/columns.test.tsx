// @vitest-environment jsdom
// The runs table's Sweep column: the run's sweep id, linking to that sweep's workspace.
import { cleanup, render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import type { Run } from "../api/endpoints";
import { baseColumns, columnTitle, type RunColumn } from "./columns";

afterEach(cleanup);

const run: Run = {
  id: "r1",
  entity: "ana",
  project: "bert tuning",
  name: "kind-mist-1",
  state: "finished",
  notes: null,
  tags: [],
  group: null,
  job_type: null,
  user: "ana",
  host: null,
  sweep: "sw7",
  created_at: 1_700_000_000,
  heartbeat_at: null,
  runtime: 12,
  exit_code: 0,
  history_rows: 3,
  last_step: 2,
  config: {},
  summary: {},
  metric_min: {},
  metric_max: {},
};

function sweepColumn(): RunColumn {
  const c = baseColumns().find((x) => x.id === "sweep");
  if (!c) throw new Error("no sweep column");
  return c;
}

function renderCell(r: Run): HTMLElement {
  const c = sweepColumn();
  const cell = c.cell as (ctx: unknown) => React.ReactNode;
  const ctx = { row: { original: r }, getValue: () => c.meta.value(r) };
  const router = createMemoryRouter([{ path: "*", element: <div data-testid="cell">{cell(ctx)}</div> }]);
  return render(<RouterProvider router={router} />).getByTestId("cell");
}

describe("sweep column", () => {
  it("is a sortable run field titled Sweep, after Job type", () => {
    const ids = baseColumns().map((c) => c.id);
    const c = sweepColumn();
    expect(columnTitle(c)).toBe("Sweep");
    expect(c.meta.sortKey).toBe("sweep");
    expect(ids.indexOf("sweep")).toBe(ids.indexOf("job_type") + 1);
  });

  it("links a sweep run to its sweep's workspace", () => {
    const link = renderCell(run).querySelector("a")!;
    expect(link.textContent).toBe("sw7");
    expect(link.getAttribute("href")).toBe("/ana/bert%20tuning/sweeps/sw7");
  });

  it("is empty for a run no sweep started", () => {
    const cell = renderCell({ ...run, sweep: null });
    expect(cell.querySelector("a")).toBeNull();
    expect(cell.textContent).toBe("");
  });
});
