import { describe, expect, it } from "vitest";
import type { Prefs } from "../data/prefs";
import { applyToPrefs, captureState, EMPTY_STATE, parseState, sameState, stateParams, stateView } from "./savedViews";
import { DEFAULT_VIEW } from "./viewState";

const prefs: Prefs = {
  layout: { order: ["summary.loss", "name"], hidden: ["state"], pinned: { left: ["config.lr"], right: [] } },
  eye: { r1: false },
  groupEye: {},
  colors: { r1: "#ff0000", r2: "#00ff00" },
  picked: { r1: true },
  next: 2,
};
const view = {
  ...DEFAULT_VIEW,
  sort: "summary.loss",
  group: "config.opt",
  filters: { rows: [{ field: "config.lr", op: ">", value: "0.01" }], any: false },
};

describe("a saved view's state", () => {
  it("round-trips through JSON: view, columns, eye toggles, picked colours", () => {
    const s = captureState(view, prefs);
    const back = parseState(JSON.parse(JSON.stringify(s)));
    expect(back).toEqual(s);
    expect(stateView(back)).toEqual(view);
    expect(back.columns).toEqual({
      order: ["summary.loss", "name"],
      hidden: ["state"],
      pinned: { left: ["config.lr"], right: [] },
    });
    // Only the colour the user picked travels; r2's was assigned by this browser.
    expect(back.colors).toEqual({ r1: "#ff0000" });
  });

  it("applies to another browser's prefs, keeping its own assigned colours", () => {
    const other: Prefs = {
      layout: { order: [], hidden: [] },
      eye: {},
      groupEye: {},
      colors: { r3: "#0000ff" },
      picked: { r3: true },
      next: 1,
    };
    const p = applyToPrefs(other, captureState(view, prefs));
    expect(p.layout.hidden).toEqual(["state"]);
    expect(p.eye).toEqual({ r1: false });
    expect(p.colors).toEqual({ r3: "#0000ff", r1: "#ff0000" });
    expect(p.picked).toEqual({ r1: true });
    expect(p.next).toBe(1);
  });

  it("carries the arranged panels, and none (the automatic layout) by default", () => {
    const panels = {
      sections: [
        {
          id: "s1",
          name: "Mine",
          pinned: true,
          panels: [{ id: "p", kind: "line", keys: ["a", "b"], x: "", options: { logY: true } }],
        },
      ],
    };
    const s = parseState(JSON.parse(JSON.stringify(captureState(view, { ...prefs, panels }))));
    expect(s.panels).toEqual(panels);
    expect(applyToPrefs(prefs, s).panels).toEqual(panels);
    expect(captureState(view, prefs).panels).toBeNull();
    expect(sameState(s, captureState(view, prefs))).toBe(false);
  });

  it("puts the view's id in its URL", () => {
    const p = stateParams(captureState(view, prefs), "abc123");
    expect(p.get("view")).toBe("abc123");
    expect(p.get("sort")).toBe("summary.loss");
    expect(p.get("group")).toBe("config.opt");
  });

  it("reads damaged or older states with defaults instead of failing", () => {
    expect(parseState(null)).toEqual({ ...EMPTY_STATE, params: {} });
    const s = parseState({
      params: { sort: "name", bad: 3 },
      columns: { hidden: ["x", 1] },
      eye: { a: "yes", b: true },
    });
    expect(s.params).toEqual({ sort: "name" });
    expect(s.columns).toEqual({ order: [], hidden: ["x"], pinned: { left: [], right: [] } });
    expect(s.eye).toEqual({ b: true });
    expect(stateView(parseState({ params: { runs: "100000" } })).maxRuns).toBe(100);
  });

  it("tells a changed workspace from the saved one, whatever the key order", () => {
    const s = captureState(view, prefs);
    const reordered = JSON.parse(
      JSON.stringify({
        colors: s.colors,
        v: 1,
        eye: s.eye,
        groupEye: s.groupEye,
        columns: s.columns,
        params: s.params,
      }),
    );
    expect(sameState(s, reordered)).toBe(true);
    expect(sameState(s, captureState({ ...view, sort: "name" }, prefs))).toBe(false);
    expect(sameState(s, captureState(view, { ...prefs, layout: { ...prefs.layout, hidden: [] } }))).toBe(false);
    expect(
      sameState(
        EMPTY_STATE,
        captureState(DEFAULT_VIEW, { ...prefs, layout: { order: [], hidden: [] }, eye: {}, picked: {} }),
      ),
    ).toBe(true);
  });
});
