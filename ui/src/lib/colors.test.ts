import { describe, expect, it } from "vitest";
import { colorDistance, PALETTE, withAlpha } from "./colors";

describe("palette", () => {
  it("has 20 different colours", () => {
    expect(PALETTE).toHaveLength(20);
    expect(new Set(PALETTE).size).toBe(20);
  });

  it("keeps every pair of colours apart", () => {
    let closest = Infinity;
    for (let i = 0; i < PALETTE.length; i++)
      for (let j = i + 1; j < PALETTE.length; j++) closest = Math.min(closest, colorDistance(PALETTE[i], PALETTE[j]));
    expect(closest).toBeGreaterThan(25);
  });

  it("adds transparency", () => {
    expect(withAlpha("#ff0000", 0.5)).toBe("rgba(255,0,0,0.5)");
  });
});
