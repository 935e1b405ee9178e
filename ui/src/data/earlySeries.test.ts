import { describe, expect, it } from "vitest";
import type { PanelLayout } from "../workspace/panelLayout";
import { autoLayout } from "../workspace/panelLayout";
import { firstPanelKeys } from "./earlySeries";

describe("the panels asked for at boot", () => {
  it("takes the first panels in the order shown, less the x axis", () => {
    const l = autoLayout(["train/loss", "_step", "val/acc", "lr"], "_step");
    expect(firstPanelKeys(l, "_step", 10)).toEqual([
      { key: "train/loss", x: "_step" },
      { key: "val/acc", x: "_step" },
      { key: "lr", x: "_step" },
    ]);
    expect(firstPanelKeys(l, "_step", 1)).toEqual([{ key: "train/loss", x: "_step" }]);
  });

  it("follows the user's layout: pinned first, collapsed skipped, a panel's own x and keys", () => {
    const l: PanelLayout = {
      sections: [
        { id: "a", name: "A", panels: [{ id: "1", kind: "line", keys: ["a"], x: "", options: {} }] },
        { id: "b", name: "B", collapsed: true, panels: [{ id: "2", kind: "line", keys: ["b"], x: "", options: {} }] },
        {
          id: "c",
          name: "C",
          pinned: true,
          panels: [
            { id: "3", kind: "line", keys: ["c", "d"], x: "_runtime", options: {} },
            { id: "4", kind: "scatter", keys: ["e"], x: "", options: {} },
          ],
        },
      ],
    };
    expect(firstPanelKeys(l, "_step", 10)).toEqual([
      { key: "c", x: "_runtime" },
      { key: "d", x: "_runtime" },
      { key: "a", x: "_step" },
    ]);
  });
});
