// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, waitFor } from "@testing-library/react";
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

function mount(run: RunDetail) {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <OverviewTab entity="e" project="p" runId={run.id} run={run} />
    </QueryClientProvider>,
  );
}

function overview(run: RunDetail) {
  const { container } = mount(run);
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

  it("shows the whole command line, the end time and the exit code with why it stopped", () => {
    const metadata = {
      program: "/src/train.py",
      args: ["--lr", "0.1", "--name", "my run"],
      stop_reason: "stopped from the web app",
    };
    const field = overview({
      ...bare,
      state: "killed",
      created_at: 1000,
      heartbeat_at: 1075,
      exit_code: 255,
      metadata,
    });
    expect(field("command")).toBe("/src/train.py --lr 0.1 --name 'my run'");
    expect(field("exit-code")).toBe("255 (stopped from the web app)");
    expect(field("end-time")).not.toBe("–");
    const running = overview({ ...bare, metadata: { command: "python train.py --epochs 3" } });
    expect(running("command")).toBe("python train.py --epochs 3");
  });

  it("renders the description as Markdown, without raw HTML, images or script links", async () => {
    const notes = [
      "Tuned **by hand**; see [the paper](https://example.org/p).",
      "",
      "<script>window.hacked = 1</script><b onclick=alert(1)>raw</b>",
      "",
      "![pixel](https://tracker.example/p.png) [click](javascript:alert(1))",
    ].join("\n");
    const { container } = mount({ ...bare, notes });
    await waitFor(() => expect(container.querySelector(".markdown strong")?.textContent).toBe("by hand"));
    const md = container.querySelector(".markdown")!;
    expect(md.querySelector("a[href='https://example.org/p']")?.getAttribute("rel")).toContain("noopener");
    expect(md.querySelector("script, b, img")).toBeNull();
    for (const a of md.querySelectorAll("a")) expect(a.getAttribute("href") ?? "").not.toMatch(/^javascript:/i);
  });
});
