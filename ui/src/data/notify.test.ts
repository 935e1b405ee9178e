import { describe, expect, it } from "vitest";
import { coalescing } from "./notify";

describe("coalescing scheduler", () => {
  it("runs every callback scheduled before the tick in one tick, in order", () => {
    const ticks: (() => void)[] = [];
    const schedule = coalescing((run) => ticks.push(run));
    const ran: number[] = [];
    schedule(() => ran.push(1));
    schedule(() => ran.push(2));
    schedule(() => ran.push(3));
    expect(ticks).toHaveLength(1);
    expect(ran).toEqual([]);
    ticks[0]();
    expect(ran).toEqual([1, 2, 3]);
    // A callback scheduled after the tick ran waits for a tick of its own.
    schedule(() => ran.push(4));
    expect(ticks).toHaveLength(2);
    ticks[1]();
    expect(ran).toEqual([1, 2, 3, 4]);
  });

  it("keeps a callback scheduled while the tick runs for the next tick", () => {
    const ticks: (() => void)[] = [];
    const schedule = coalescing((run) => ticks.push(run));
    const ran: string[] = [];
    schedule(() => {
      ran.push("a");
      schedule(() => ran.push("b"));
    });
    ticks[0]();
    expect(ran).toEqual(["a"]);
    ticks[1]();
    expect(ran).toEqual(["a", "b"]);
  });
});
