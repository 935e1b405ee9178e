import { describe, expect, it } from "vitest";
import { baseDelta } from "./baseline";
import { parseView, viewParams, DEFAULT_VIEW } from "./viewState";

describe("baseline deltas", () => {
  it("shows the difference from the baseline, coloured by direction", () => {
    expect(baseDelta(0.512, 0.5)).toEqual({ text: "+0.012", dir: "up", title: "+0.012 (+2.4%) against" });
    expect(baseDelta(97, 100)).toMatchObject({ text: "−3", dir: "down" });
    expect(baseDelta(97, 100)!.title).toContain("(−3%)");
  });
  it("shows nothing for equal values, text or a baseline of zero's percentage", () => {
    expect(baseDelta(1, 1)).toBeNull();
    expect(baseDelta("adam", 1)).toBeNull();
    expect(baseDelta(1, undefined)).toBeNull();
    expect(baseDelta(2, 0)!.title).toBe("+2 against");
  });
  it("keeps the baseline in the URL", () => {
    const p = viewParams({ ...DEFAULT_VIEW, base: "r7" });
    expect(p.get("base")).toBe("r7");
    expect(parseView(p).base).toBe("r7");
    expect(viewParams(DEFAULT_VIEW).has("base")).toBe(false);
  });
});
