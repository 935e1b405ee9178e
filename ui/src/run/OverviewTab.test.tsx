// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { RunDetail } from "../api/endpoints";
import { OverviewTab } from "./OverviewTab";

afterEach(cleanup);

// A run as the server describes one that has only just started: every field
// its model allows to be null is null, and nothing was recorded about the machine.
const bare: RunDetail = {
  id: "r1",
  entity: "e",
  project: "p",
  name: null,
  state: "running",
  notes: null,
  tags: [],
  group: null,
  job_type: null,
  user: null,
  host: null,
  sweep: null,
  created_at: null,
  heartbeat_at: null,
  runtime: null,
  exit_code: null,
  history_rows: 0,
  last_step: null,
  config: {},
  summary: {},
  metric_min: {},
  metric_max: {},
  metadata: {},
  metric_definitions: [],
};

function overview(run: RunDetail) {
  const { container } = render(
    <QueryClientProvider client={new QueryClient()}>
      <OverviewTab entity="e" project="p" runId={run.id} run={run} />
    </QueryClientProvider>,
  );
  return (field: string) => container.querySelector(`dd[data-field='${field}']`)?.textContent;
}

describe("run overview", () => {
  it("shows a dash for what a new run does not have yet", () => {
    const field = overview(bare);
    for (const f of ["run-name", "start-time", "duration", "author", "system-hardware"]) expect(field(f)).toBe("–");
    expect(field("run-path")).toBe("e/p/r1");
  });

  it("reads the machine from the metadata, whatever the shape of its values", () => {
    const metadata = {
      cpu_count: 8,
      cpu_model: "Xeon",
      memory: { total: 2 ** 30 },
      git: { commit: "0123456789abcdef" },
    };
    const field = overview({ ...bare, name: "warm-river", runtime: 75, metadata });
    expect(field("run-name")).toBe("warm-river");
    expect(field("duration")).toBe("1m 15s");
    expect(field("system-hardware")).toBe("8 CPU (Xeon), 1.0 GB RAM");
    expect(field("git")).toBe("0123456789ab");
  });
});
