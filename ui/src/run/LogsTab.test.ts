import { describe, expect, it } from "vitest";
import { appendTail } from "./LogsTab";

const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ t: 0, stream: "stdout", line: `l${from + i}` }));

describe("log tail", () => {
  it("appends new lines and moves the cursor", () => {
    let s = appendTail(undefined, { end: 3, matched: 3, lines: lines(0, 3) });
    s = appendTail(s, { end: 5, matched: 2, lines: lines(3, 2) });
    expect(s.end).toBe(5);
    expect(s.matched).toBe(5);
    expect(s.lines.map((l) => l.line)).toEqual(["l0", "l1", "l2", "l3", "l4"]);
  });

  it("keeps only the last 10,000 lines but counts all", () => {
    let s = appendTail(undefined, { end: 9000, matched: 9000, lines: lines(0, 9000) });
    s = appendTail(s, { end: 12000, matched: 3000, lines: lines(9000, 3000) });
    expect(s.lines).toHaveLength(10000);
    expect(s.lines[0].line).toBe("l2000");
    expect(s.matched).toBe(12000);
  });
});
