import { describe, expect, it } from "vitest";
import { moveColumn, pinColumn, tablePinning } from "./columnState";

const base = { order: [], hidden: [] };
const ids = ["name", "state", "created_at", "config.lr", "summary.loss"];

describe("column pinning and order", () => {
  it("pins to either side, keeps Name first on the left, and unpins", () => {
    let l = pinColumn(base, "config.lr", "left");
    l = pinColumn(l, "summary.loss", "right");
    l = pinColumn(l, "name", "right");
    expect(tablePinning(l)).toEqual({ left: ["name", "config.lr"], right: ["summary.loss"] });
    l = pinColumn(l, "config.lr", "right");
    expect(tablePinning(l)).toEqual({ left: ["name"], right: ["config.lr", "summary.loss"] });
    l = pinColumn(l, "config.lr", null);
    expect(tablePinning(l)).toEqual({ left: ["name"], right: ["summary.loss"] });
  });

  it("moves a dragged column onto the one it is dropped on", () => {
    expect(moveColumn(base, ids, "summary.loss", "state").order).toEqual([
      "name",
      "summary.loss",
      "state",
      "created_at",
      "config.lr",
    ]);
    expect(moveColumn(base, ids, "state", "config.lr").order).toEqual([
      "name",
      "created_at",
      "config.lr",
      "state",
      "summary.loss",
    ]);
    // Name stays first.
    expect(moveColumn(base, ids, "state", "name")).toBe(base);
    expect(moveColumn(base, ids, "name", "state")).toBe(base);
  });

  it("reorders pinned columns within their side", () => {
    let l = pinColumn(base, "created_at", "left");
    l = pinColumn(l, "config.lr", "left");
    l = moveColumn(l, ids, "config.lr", "created_at");
    expect(tablePinning(l).left).toEqual(["name", "config.lr", "created_at"]);
  });
});
