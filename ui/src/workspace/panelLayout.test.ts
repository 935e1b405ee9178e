import { describe, expect, it } from "vitest";
import * as L from "./panelLayout";

const auto = () => L.autoLayout(["train/loss", "train/acc", "lr", "eval/acc", "_step"], "_step");
const names = (l: L.PanelLayout) => L.shownSections(l).map((s) => s.name);
const ids = (l: L.PanelLayout, name: string) => l.sections.find((s) => s.name === name)!.panels.map((p) => p.id);

describe("the automatic layout", () => {
  it("is a line panel per metric (not the x axis), named sections sorted, Charts last", () => {
    const l = auto();
    expect(names(l)).toEqual(["eval", "train", "Charts"]);
    expect(ids(l, "train")).toEqual(["train/loss", "train/acc"]);
    expect(l.sections[2].panels[0]).toMatchObject({ kind: "line", keys: ["lr"], x: "" });
  });
});

describe("metrics logged after the layout was edited", () => {
  it("get automatic panels; deleted ones stay deleted; a script's layout gets none", () => {
    let l = L.deletePanel(auto(), "lr");
    l = L.withNewMetrics(l, ["train/loss", "train/acc", "lr", "eval/acc", "train/f1", "sys/gpu"], "_step");
    expect(ids(l, "train")).toEqual(["train/loss", "train/acc", "train/f1"]);
    expect(ids(l, "sys")).toEqual(["sys/gpu"]);
    expect(ids(l, "Charts")).toEqual([]);
    expect(L.withNewMetrics(l, ["train/f1"], "_step")).toBe(l);
    const script = { sections: [{ id: "a", name: "A", panels: [] }] };
    expect(L.withNewMetrics(script, ["x"], "_step")).toBe(script);
  });
});

describe("panel operations", () => {
  it("add, duplicate, delete, resize", () => {
    let l = L.addPanel(auto(), { id: "n", kind: "line", keys: ["lr"], x: "_step", options: {} }, "s:train");
    expect(ids(l, "train")).toEqual(["train/loss", "train/acc", "n"]);
    l = L.duplicatePanel(l, "train/loss", "c");
    expect(ids(l, "train")).toEqual(["train/loss", "c", "train/acc", "n"]);
    expect(L.findPanel(l, "c")?.keys).toEqual(["train/loss"]);
    l = L.deletePanel(l, "train/acc");
    expect(ids(l, "train")).toEqual(["train/loss", "c", "n"]);
    l = L.resizePanel(l, "n", { w: 9, h: 2 });
    expect(L.sizeOf(L.findPanel(l, "n")!)).toEqual({ w: 3, h: 2 });
    expect(L.sizeOf(L.findPanel(l, "c")!)).toEqual({ w: 1, h: 1 });
  });

  it("drag and drop: before another panel, in its section", () => {
    let l = L.placePanel(auto(), "lr", "train/acc");
    expect(ids(l, "train")).toEqual(["train/loss", "lr", "train/acc"]);
    expect(ids(l, "Charts")).toEqual([]);
    l = L.placePanel(l, "train/acc", "train/loss");
    expect(ids(l, "train")).toEqual(["train/acc", "train/loss", "lr"]);
    expect(L.placePanel(l, "lr", "lr")).toBe(l);
  });

  it("adding to a layout with no sections makes one", () => {
    const l = L.addPanel({ sections: [] }, { id: "n", kind: "line", keys: [], x: "", options: {} });
    expect(names(l)).toEqual(["Charts"]);
  });

  it("moves within a section (not past its ends) and to another section", () => {
    let l = L.movePanel(auto(), "train/acc", -1);
    expect(ids(l, "train")).toEqual(["train/acc", "train/loss"]);
    expect(L.movePanel(l, "train/acc", -1)).toEqual(l);
    l = L.movePanelTo(l, "lr", "s:eval");
    expect(ids(l, "eval")).toEqual(["eval/acc", "lr"]);
    expect(ids(l, "Charts")).toEqual([]);
  });
});

describe("section operations", () => {
  it("add (first of the unpinned), rename, pin (pinned first), reorder, collapse, delete", () => {
    let l = L.addSection(auto(), "mine", "Mine");
    expect(names(l)).toEqual(["Mine", "eval", "train", "Charts"]);
    l = L.patchSection(l, "mine", { name: "Favourites" });
    l = L.patchSection(l, "s:Charts", { pinned: true });
    expect(names(l)).toEqual(["Charts", "Favourites", "eval", "train"]);
    // A pinned section stays among the pinned; others move among themselves.
    expect(names(L.moveSection(l, "mine", -1))).toEqual(names(l));
    l = L.moveSection(l, "s:train", -1);
    expect(names(l)).toEqual(["Charts", "Favourites", "train", "eval"]);
    l = L.patchSection(l, "s:eval", { collapsed: true });
    expect(l.sections.find((s) => s.id === "s:eval")?.collapsed).toBe(true);
    l = L.deleteSection(l, "mine");
    expect(names(l)).toEqual(["Charts", "train", "eval"]);
  });
});

describe("panel search and stored layouts", () => {
  it("matches title or keys as a case-insensitive regex, or as text when not one", () => {
    const p = { id: "1", kind: "line", keys: ["grad_norm/layer1"], x: "", options: {}, title: "Gradients" };
    expect(L.panelMatcher("grad_norm/.*")(p)).toBe(true);
    expect(L.panelMatcher("^gradients$")(p)).toBe(true);
    expect(L.panelMatcher("loss")(p)).toBe(false);
    expect(L.panelMatcher("layer1(")(p)).toBe(false);
    expect(L.panelMatcher("")(p)).toBe(true);
  });

  it("survives JSON and reads a damaged one tolerantly", () => {
    const l = L.patchSection(auto(), "s:train", { pinned: true, collapsed: true });
    expect(L.parseLayout(JSON.parse(JSON.stringify(l)))).toEqual(l);
    expect(L.parseLayout(null)).toBeNull();
    expect(L.parseLayout({ sections: "x" })).toBeNull();
    const bad = { sections: [{ id: "a", panels: [{ id: 3 }, { id: "p", kind: "line" }] }, { id: "a" }, 7] };
    expect(L.parseLayout(bad)).toEqual({
      sections: [{ id: "a", name: "Section", panels: [{ id: "p", kind: "line", keys: [], x: "", options: {} }] }],
    });
  });
});
