// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { keys } from "../data/keys";
import "../panels";
import { panelKind, type PanelContext, type PanelSpec } from "../panels/registry";

afterEach(cleanup);

const run = (id: string, name: string, config: object, summary: object) => ({ id, name, config, summary });
const RUNS = [
  run("a", "alpha", { lr: 0.1, opt: "adam" }, { acc: 0.5 }),
  run("b", "beta", { lr: 0.01, opt: "adam" }, { acc: -0.25 }),
  run("c", "gamma", { lr: 0.001, opt: "sgd" }, {}),
];

/** A client that already holds the project's columns and the runs (no server in jsdom). */
function client(ids: string[]) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  qc.setQueryData(keys.columns("me", "p"), { config: ["lr", "opt"], summary: ["acc"], metrics: [] });
  qc.setQueryData([...keys.project("me", "p"), "runs-by-id", ids], {
    runs: RUNS.filter((r) => ids.includes(r.id)),
    total: ids.length,
  });
  return qc;
}

function show(spec: PanelSpec, lines: PanelContext["lines"]) {
  const ctx: PanelContext = {
    lines,
    linesReady: true,
    source: { query: (k) => ({ queryKey: ["none", k], queryFn: async () => [] }) },
    project: { entity: "me", project: "p" },
  };
  const ids = lines.flatMap((l) => l.members ?? [l.id]);
  const seen: PanelSpec[] = [];
  const Kind = panelKind(spec.kind)!.component;
  const out = render(
    <QueryClientProvider client={client(ids)}>
      <Kind spec={spec} ctx={ctx} visible onSpecChange={(s) => seen.push(s)} />
    </QueryClientProvider>,
  );
  return { ...out, seen };
}

const lines = [
  { id: "a", name: "alpha", color: "#ff0000" },
  { id: "b", name: "beta", color: "#00ff00" },
  { id: "c", name: "gamma", color: "#0000ff" },
];

describe("comparison panels", () => {
  it("are registered with their labels", () => {
    expect(panelKind("scatter")?.label).toBe("Scatter plot");
    expect(panelKind("bar")?.label).toBe("Bar chart");
    expect(panelKind("scalar")?.label).toBe("Summary value");
  });

  it("bar chart: a bar per run in its colour, a dash for a run without the value", () => {
    const { container } = show({ id: "b1", kind: "bar", keys: ["summary.acc"], x: "", options: {} }, lines);
    const rows = [...container.querySelectorAll(".bar-row")];
    expect(rows.map((r) => r.querySelector(".bar-value")!.textContent)).toEqual(["0.5", "-0.25", "–"]);
    const fill = rows[0].querySelector<HTMLElement>(".bar-fill")!;
    expect(fill.style.background).toBe("rgb(255, 0, 0)");
    // From zero: the negative bar ends where the positive one starts.
    expect(rows[1].querySelector<HTMLElement>(".bar-fill")!.style.left).toBe("0%");
    expect(fill.style.left).toBe(`${(0.25 / 0.75) * 100}%`);
    expect(container.querySelector(".panel")!.getAttribute("data-bars")).toBe("2");
  });

  it("bar chart: sorting and picking a field change the spec", () => {
    const spec = { id: "b1", kind: "bar", keys: ["summary.acc"], x: "", options: { sort: "asc" as const } };
    const { container, seen } = show(spec, lines);
    const names = [...container.querySelectorAll(".bar-name")].map((n) => n.textContent);
    expect(names).toEqual(["beta", "alpha", "gamma"]);
    const options = [...container.querySelectorAll(".bar-field option")].map((o) => o.getAttribute("value"));
    expect(options).toEqual(["config.lr", "config.opt", "summary.acc"]);
    fireEvent.change(container.querySelector(".bar-field")!, { target: { value: "config.lr" } });
    expect(seen[0].keys).toEqual(["config.lr"]);
  });

  it("summary value: one number per run, or the mean over runs; a group is its runs' mean", () => {
    const spec = { id: "s1", kind: "scalar", keys: ["config.lr"], x: "", options: {} };
    const grouped = [
      { id: "g1", name: "adam", color: "#111111", members: ["a", "b"] },
      { id: "g2", name: "sgd", color: "#222222", members: ["c"] },
    ];
    const { container } = show(spec, grouped);
    const vals = [...container.querySelectorAll(".scalar-row")].map((r) => r.textContent);
    expect(vals).toEqual(["adam0.055", "sgd0.001"]);
    cleanup();
    const mean = show({ ...spec, options: { agg: "mean" } }, lines);
    expect(mean.container.querySelector(".scalar-big")!.textContent).toBe("0.037");
    expect(mean.container.querySelector(".scalar-of")!.textContent).toBe("mean of 3 runs");
  });

  it("scatter plot without fields asks for them, and says when no run has both numbers", () => {
    const unset = show({ id: "x1", kind: "scatter", keys: [], x: "", options: {} }, lines);
    expect(unset.container.querySelector(".panel-empty")!.textContent).toBe("Pick a field for each axis.");
    cleanup();
    const none = show(
      { id: "x1", kind: "scatter", keys: ["config.opt"], x: "", options: { xField: "config.lr" } },
      lines,
    );
    expect(none.container.querySelector(".panel")!.getAttribute("data-state")).toBe("empty");
  });
});
