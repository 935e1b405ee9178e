// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import "./index";
import type { LineSpec } from "./index";
import { Legend } from "./line/Legend";
import { PanelGrid } from "./PanelGrid";
import { newSpec, panelKind, panelKindList, panelKinds, type PanelContext } from "./registry";

afterEach(cleanup);

const spec: LineSpec = {
  id: "loss",
  kind: "line",
  keys: ["train/loss"],
  x: "_step",
  ranges: { x: [10, 20] },
  options: { smoothing: 0.5, logY: false },
};
const noData: PanelContext = {
  lines: [],
  linesReady: true,
  source: { query: (key) => ({ queryKey: ["test", key], queryFn: async () => [] }) },
};

describe("panel registry", () => {
  it("knows the line plot, and a spec survives JSON", () => {
    expect(panelKinds()).toContain("line");
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(panelKind("line")?.label).toBe("Line plot");
  });

  it("lists every kind with its label, and makes new specs of a kind", () => {
    const labels = panelKindList().map((k) => k.label);
    expect(labels).toContain("Line plot");
    expect(labels).toContain("Media");
    expect(newSpec("line", "n1", ["a"])).toMatchObject({ id: "n1", kind: "line", x: "_step" });
    expect(newSpec("table", "n2", [])).toEqual({ id: "n2", kind: "table", keys: [], x: "_step", options: {} });
  });

  it("renders each spec with its kind's component, in sections by prefix", () => {
    const specs = [spec, { ...spec, id: "acc", keys: ["acc"] }, { ...spec, id: "u", kind: "nope", keys: ["zz/u"] }];
    const { container } = render(
      <QueryClientProvider client={new QueryClient()}>
        <PanelGrid specs={specs} ctx={noData} />
      </QueryClientProvider>,
    );
    const sections = [...container.querySelectorAll(".chart-section")].map((s) => (s as HTMLElement).dataset.section);
    expect(sections).toEqual(["train", "zz", "Charts"]);
    expect(container.querySelector(".panel[data-key='train/loss']")?.getAttribute("data-state")).toBe("empty");
    expect(screen.getAllByText("No data for the visible runs")).toHaveLength(2);
    expect(screen.getByText("Unknown panel kind nope")).toBeTruthy();
  });
});

describe("legend", () => {
  const lines = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: `r${i}`, name: `run-${i}`, color: "#1f77b4" }));

  it("lists a few lines in full", () => {
    const { container } = render(<Legend lines={lines(3)} />);
    expect(container.querySelector(".legend")?.classList.contains("compact")).toBe(false);
    expect(screen.getByText("run-2")).toBeTruthy();
  });

  it("turns compact with many lines and counts the rest", () => {
    const { container } = render(<Legend lines={lines(20)} />);
    expect(container.querySelector(".legend.compact")).toBeTruthy();
    expect(container.querySelectorAll(".legend-item")).toHaveLength(11);
    expect(screen.getByText("+9 more").getAttribute("title")).toContain("run-19");
  });
});
