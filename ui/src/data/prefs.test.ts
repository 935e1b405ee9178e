// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from "vitest";
import { PALETTE } from "../lib/colors";
import { colorOf, getPrefs, remember, setColor, spreadColors } from "./prefs";

let n = 0;
let project = "";
beforeEach(() => {
  localStorage.clear();
  project = `p${n++}`;
});

describe("run colours", () => {
  it("gives 20 runs in a row 20 different colours", () => {
    const colors = Array.from({ length: 20 }, (_, i) => colorOf("e", project, `r${i}`));
    expect(new Set(colors).size).toBe(20);
  });

  it("gives a run the same colour wherever it is asked for", () => {
    const first = colorOf("e", project, "a");
    colorOf("e", project, "b");
    expect(colorOf("e", project, "a")).toBe(first);
  });

  it("spreads drawn runs that share a colour, keeping the user's pick", () => {
    for (let i = 0; i < 21; i++) colorOf("e", project, `r${i}`);
    // r0 and r20 share the first colour; r1 is picked by hand to the third.
    setColor("e", project, "r1", PALETTE[2]);
    spreadColors("e", project, ["r0", "r1", "r2", "r20"]);
    const p = getPrefs("e", project);
    const drawn = ["r0", "r1", "r2", "r20"].map((id) => p.colors[id]);
    expect(new Set(drawn).size).toBe(4);
    expect(p.colors.r1).toBe(PALETTE[2]);
    expect(p.colors.r0).toBe(PALETTE[0]);
  });

  it("survives a reload (localStorage)", () => {
    const c = colorOf("e", project, "x");
    setColor("e", project, "y", "#123456");
    const stored = JSON.parse(localStorage.getItem(`runbase:ws:e/${project}`)!);
    expect(stored.colors.x).toBe(c);
    expect(stored.colors.y).toBe("#123456");
  });
});

describe("eye toggles", () => {
  it("remembers the latest and forgets the oldest past 500", () => {
    let rec: Record<string, boolean> = {};
    for (let i = 0; i < 501; i++) rec = remember(rec, `r${i}`, true);
    expect(Object.keys(rec)).toHaveLength(500);
    expect(rec.r0).toBeUndefined();
    rec = remember(rec, "r1", false);
    expect(Object.keys(rec).at(-1)).toBe("r1");
  });
});
