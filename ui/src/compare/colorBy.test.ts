import { describe, expect, it } from "vitest";
import { PALETTE } from "../lib/colors";
import { colorScale, gradientAt } from "./colorBy";

describe("colour by a config value", () => {
  it("gives each text value a palette colour, in a stable order", () => {
    const s = colorScale(["sgd", "adam", "sgd", undefined]);
    expect(s.kind).toBe("categories");
    if (s.kind !== "categories") return;
    expect(s.entries.map((e) => e.label)).toEqual(["adam", "sgd"]);
    expect(s.of("adam")).toBe(PALETTE[0]);
    expect(s.of("sgd")).toBe(PALETTE[1]);
    expect(s.of(undefined)).toBeNull();
  });

  it("treats two numbers (a flag) as categories, more as a gradient", () => {
    expect(colorScale([0, 1, 1]).kind).toBe("categories");
    const s = colorScale([1, 2, 3]);
    expect(s.kind).toBe("gradient");
    if (s.kind !== "gradient") return;
    expect([s.min, s.max, s.log]).toEqual([1, 3, false]);
    expect(s.of(1)).toBe(gradientAt(0));
    expect(s.of(2)).toBe(gradientAt(0.5));
    expect(s.of(3)).toBe(gradientAt(1));
    expect(s.of("x")).toBeNull();
  });

  it("uses a log scale for positive numbers spanning decades (learning rates)", () => {
    const s = colorScale([0.1, 0.01, 0.001]);
    expect(s.kind === "gradient" && s.log).toBe(true);
    if (s.kind !== "gradient") return;
    expect(s.of(0.01)).toBe(gradientAt(0.5));
  });

  it("has nothing to colour by when no run has the key", () => {
    expect(colorScale([undefined, null]).kind).toBe("none");
  });

  it("runs the gradient from dark to light", () => {
    expect(gradientAt(0)).toBe("#440154");
    expect(gradientAt(1)).toBe("#fde725");
    expect(gradientAt(-1)).toBe("#440154");
  });
});

describe("colour by in a saved view", () => {
  it("is captured with the view, read back, and applied to the browser's prefs", async () => {
    const { applyToPrefs, captureState, parseState, EMPTY_STATE } = await import("../workspace/savedViews");
    const { DEFAULT_VIEW } = await import("../workspace/viewState");
    const prefs = {
      layout: { order: [], hidden: [] },
      eye: {},
      groupEye: {},
      colors: {},
      picked: {},
      next: 0,
      colorBy: "opt",
    };
    const s = parseState(JSON.parse(JSON.stringify(captureState(DEFAULT_VIEW, prefs))));
    expect(s.colorBy).toBe("opt");
    expect(applyToPrefs({ ...prefs, colorBy: "" }, s).colorBy).toBe("opt");
    expect(parseState({ colorBy: 3 }).colorBy).toBe("");
    expect(applyToPrefs(prefs, EMPTY_STATE).colorBy).toBe("");
  });
});
