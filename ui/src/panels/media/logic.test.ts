import { describe, expect, it } from "vitest";
import type { MediaBoxes } from "../../api/endpoints";
import {
  boxLabel,
  boxRect,
  classKey,
  maskClassIds,
  mediaRuns,
  mediaSpecs,
  nearestStep,
  paintMask,
  snapIndex,
  toggled,
  unionSteps,
  visibleBoxes,
} from "./logic";
import { panelRuns } from "../table/RunTabs";

describe("steps", () => {
  it("takes the nearest logged step at or before, else the first after", () => {
    expect(nearestStep([0, 10, 20], 12)).toBe(10);
    expect(nearestStep([0, 10, 20], 10)).toBe(10);
    expect(nearestStep([5, 15], 3)).toBe(5);
    expect(nearestStep([5, 15], 99)).toBe(15);
    expect(nearestStep([], 3)).toBeNull();
  });
  it("stops the slider at every step any run logged, and snaps to the nearest", () => {
    const stops = unionSteps([{ steps: [0, 10, 20] }, { steps: [5, 10, 15] }]);
    expect(stops).toEqual([0, 5, 10, 15, 20]);
    expect(snapIndex(stops, 11)).toBe(2);
    expect(snapIndex(stops, 13)).toBe(3);
    expect(snapIndex(stops, 1000)).toBe(4);
    expect(snapIndex([], 3)).toBe(0);
  });
});

describe("panel specs from media keys", () => {
  it("makes one panel per key, media files in media panels, the rest in their own kinds", () => {
    const specs = mediaSpecs([
      { key: "seg", kind: "image", runs: 2, run_ids: ["a", "b"] },
      { key: "page", kind: "html", runs: 1, run_ids: ["a"] },
      { key: "roc", kind: "chart", runs: 1, run_ids: ["b"] },
      { key: "roc_table", kind: "table", runs: 1, run_ids: ["b"] },
      { key: "preds", kind: "table", runs: 1, run_ids: ["a"] },
      { key: "w", kind: "histogram", runs: 1, run_ids: ["b"] },
      { key: "odd", kind: "bokeh", runs: 1, run_ids: ["a"] },
    ]);
    expect(specs.map((s) => [s.kind, s.keys[0], s.options.mediaKind])).toEqual([
      ["media", "seg", "image"],
      ["media", "page", "html"],
      ["chart", "roc", "chart"],
      ["table", "preds", "table"],
      ["histogram", "w", "histogram"],
    ]);
    expect(new Set(specs.map((s) => s.id)).size).toBe(specs.length);
    expect(JSON.parse(JSON.stringify(specs))).toEqual(specs);
  });
  it("hides a chart's table behind the chart, which shows it on demand", () => {
    const [chart] = mediaSpecs([
      { key: "roc", kind: "chart", runs: 1, run_ids: ["b"] },
      { key: "roc_table", kind: "table", runs: 1, run_ids: ["b"] },
    ]);
    expect(chart.options.tableKey).toBe("roc_table");
    // The chart's own title (from its answer) wins over the key.
    expect(chart.title).toBeUndefined();
    // A table named like a chart's, without the chart, is a panel of its own.
    expect(mediaSpecs([{ key: "roc_table", kind: "table", runs: 1, run_ids: ["b"] }])[0].title).toBe("roc_table");
  });
  it("passes the runs that logged each key, so run tabs offer only those", () => {
    const specs = mediaSpecs([
      { key: "w", kind: "histogram", runs: 1, run_ids: ["b"] },
      { key: "t", kind: "table", runs: 2, run_ids: ["a", "c"] },
    ]);
    expect(specs.map((s) => s.options.runs)).toEqual([["b"], ["a", "c"]]);
    const lines = [
      { id: "a", name: "A", color: "red" },
      { id: "b", name: "B", color: "blue" },
      { id: "g", name: "G", color: "green", members: ["c", "d"] },
    ];
    expect(panelRuns(lines, specs[0]).map((r) => r.id)).toEqual(["b"]);
    expect(panelRuns(lines, specs[1]).map((r) => r.id)).toEqual(["a", "c"]);
  });
  it("shows each member of a group line as a run of its own, in the group's colour", () => {
    const runs = mediaRuns([
      { id: "a", name: "run a", color: "red" },
      { id: "g", name: "group", color: "blue", members: ["b", "c"] },
    ]);
    expect(runs.map((r) => [r.id, r.color])).toEqual([
      ["a", "red"],
      ["b", "blue"],
      ["c", "blue"],
    ]);
  });
});

describe("overlays", () => {
  // Four mask pixels (RGBA): classes 0, 1, 2, 1.
  const mask = new Uint8ClampedArray([0, 0, 0, 255, 1, 1, 1, 255, 2, 2, 2, 255, 1, 1, 1, 255]);
  it("paints each class its colour at the opacity, background and hidden classes clear", () => {
    const all = paintMask(mask, "truth", new Set(), 0.5);
    expect(all[3]).toBe(0);
    expect(all[7]).toBe(128);
    expect([...all.slice(4, 7)]).toEqual([...all.slice(12, 15)]);
    expect([...all.slice(4, 7)]).not.toEqual([...all.slice(8, 11)]);
    const hidden = toggled(new Set(), classKey("mask", "truth", 1));
    const some = paintMask(mask, "truth", hidden, 1);
    expect([some[7], some[11], some[15]]).toEqual([0, 255, 0]);
    expect(toggled(hidden, classKey("mask", "truth", 1)).size).toBe(0);
    expect(maskClassIds(mask)).toEqual([1, 2]);
  });
  const boxes: MediaBoxes = {
    name: "pred",
    path: "b.json",
    url: "/b.json",
    class_labels: { "1": "cat", "2": "dog" },
    box_data: [
      { position: { minX: 0.1, maxX: 0.5, minY: 0.2, maxY: 0.6 }, class_id: 1, scores: { score: 0.9 } },
      { position: { middle: [32, 24], width: 16, height: 8 }, domain: "pixel", class_id: 2, scores: { p: 0.3 } },
      { position: { minX: 0, maxX: 1, minY: 0, maxY: 1 }, class_id: 2, box_caption: "whole" },
    ],
  };
  it("places boxes given as fractions or in pixels", () => {
    expect(boxRect(boxes.box_data[0], 64, 48)).toEqual({ x: 0.1, y: 0.2, w: 0.4, h: expect.closeTo(0.4) });
    expect(boxRect(boxes.box_data[1], 64, 48)).toEqual({ x: 0.375, y: 0.4166666666666667, w: 0.25, h: 1 / 6 });
    expect(boxRect({ position: { minX: "a" } }, 1, 1)).toBeNull();
  });
  it("keeps boxes above the score threshold and of shown classes", () => {
    expect(visibleBoxes(boxes, new Set(), 0.5).length).toBe(2);
    expect(visibleBoxes(boxes, new Set(), 0).length).toBe(3);
    expect(visibleBoxes(boxes, new Set([classKey("box", "pred", 2)]), 0).length).toBe(1);
    expect(boxLabel(boxes.box_data[0], boxes.class_labels)).toBe("cat 0.90");
    expect(boxLabel(boxes.box_data[2], boxes.class_labels)).toBe("whole");
  });
});

describe("overlay classes", () => {
  it("lists each class of each mask and box set once, mask backgrounds left out", async () => {
    const { overlayClasses } = await import("./OverlayControls");
    const file = {
      path: "a.png",
      url: "/a.png",
      masks: [{ name: "truth", path: "m.png", url: "/m.png", class_labels: { "0": "bg", "1": "cat", "2": "dog" } }],
      boxes: [{ name: "pred", path: "b.json", url: "/b.json", box_data: [], class_labels: { "1": "cat" } }],
    };
    const classes = overlayClasses([file, { ...file, url: "/b.png" }]);
    expect(classes.map((c) => c.key)).toEqual(["box:pred:1", "mask:truth:1", "mask:truth:2"]);
    expect(classes[2].label).toBe("dog");
  });
});
