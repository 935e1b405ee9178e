import { describe, expect, it } from "vitest";
import { evalExpr, exprVars, parseExpr } from "./expr";
import { legendName } from "./legendTemplate";
import { drawMulti, exprLine, planLines } from "./multiLine";
import { smooth } from "./smoothKinds";
import { yRange } from "./yRange";

const ev = (text: string, vars: Record<string, number | null> = {}) => evalExpr(parseExpr(text), vars);

describe("y expressions", () => {
  it("computes with precedence, unary minus, powers and functions", () => {
    expect(ev("loss * 2", { loss: 1.5 })).toBe(3);
    expect(ev("acc / val_acc", { acc: 0.9, val_acc: 0.6 })).toBeCloseTo(1.5);
    expect(ev("1 + 2 * 3 - -4")).toBe(11);
    expect(ev("2 ^ 3 ^ 2")).toBe(512);
    expect(ev("(1 + 2) * 3")).toBe(9);
    expect(ev("max(a, 3) + abs(-2) + log(1)", { a: 5 })).toBe(7);
    expect(ev("`train/loss` / 2", { "train/loss": 4 })).toBe(2);
    expect(ev("1.5e2 + .5")).toBe(150.5);
  });

  it("gives no value for a missing variable or a non-finite result", () => {
    expect(ev("a + 1", { a: null })).toBeNull();
    expect(ev("a / b", { a: 1, b: 0 })).toBeNull();
    expect(exprVars(parseExpr("a * b + a / `x/y`"))).toEqual(["a", "b", "x/y"]);
  });

  it("refuses anything else with a message saying where", () => {
    expect(() => parseExpr("loss *")).toThrow(/ends too early/);
    expect(() => parseExpr("alert(1)")).toThrow(/Unknown function alert: use abs/);
    expect(() => parseExpr("a; b")).toThrow(/Unexpected ";" at 2/);
    expect(() => parseExpr("(a + 1")).toThrow(/Expected "\)"/);
    expect(() => parseExpr("")).toThrow(/Empty expression/);
    expect(() => parseExpr("constructor.constructor('x')")).toThrow();
  });
});

describe("smoothing kinds", () => {
  const ys = [0, 10, 0, 10, 0, 10, null, 10];
  it("leaves values alone at strength 0 and keeps gaps", () => {
    expect(smooth(ys, "gaussian", 0)).toEqual(ys);
    expect(smooth(ys, "average", 0.5)[6]).toBeNull();
  });
  it("running average: the mean of the window so far", () => {
    // strength 0.04 -> a window of 2 points.
    expect(smooth([0, 10, 20, 30], "average", 0.04)).toEqual([0, 5, 15, 25]);
  });
  it("gaussian: symmetric, flattens a zig-zag towards its mean", () => {
    const g = smooth([0, 10, 0, 10, 0, 10, 0, 10, 0], "gaussian", 0.3) as number[];
    expect(g[4]).toBeGreaterThan(3);
    expect(g[4]).toBeLessThan(7);
    expect(g[3]).toBeCloseTo(g[5]);
  });
  it("EMA by default (debiased: starts at the first value)", () => {
    expect(smooth([4, 4, 4], undefined, 0.9)).toEqual([4, 4, 4].map(() => expect.closeTo(4, 9)));
  });
});

describe("legend templates", () => {
  const f = { run: { id: "r1", name: "brave-cat" }, config: { lr: 0.01, opt: { value: "adam" } }, metric: "loss" };
  it("fills run, config (W&B's {value} too) and metric fields", () => {
    expect(legendName("${run:name} ${config:lr}", f, false)).toBe("brave-cat 0.01");
    expect(legendName("${config:opt} / ${metric} (${run:id})", f, false)).toBe("adam / loss (r1)");
  });
  it("an unknown field shows as nothing; no template: run name, plus metric when several", () => {
    expect(legendName("${config:nope} ${run:name}", f, false)).toBe("brave-cat");
    expect(legendName("", f, false)).toBe("brave-cat");
    expect(legendName("", f, true)).toBe("brave-cat loss");
  });
});

describe("y range", () => {
  it("fixed ends, or none", () => {
    expect(yRange([1, 2], {})).toBeNull();
    expect(yRange([1, 2], { yMin: 0 })).toEqual([0, null]);
  });
  it("ignoring outliers: the 5th to 95th percentile with a little room", () => {
    const vals = [...Array.from({ length: 100 }, (_, i) => i / 100), 1e6];
    const [lo, hi] = yRange(vals, { outliers: true })!;
    expect(lo!).toBeLessThan(0.06);
    expect(hi!).toBeLessThan(2);
    expect(hi!).toBeGreaterThan(0.9);
  });
});

describe("a panel of several metrics", () => {
  const lines = [{ id: "r1", name: "one", color: "#000", config: { lr: 0.1 } }];
  const series = (k: number) => [{ run_id: "r1", x: [0, 1, 2], y: [k, k * 2, k * 3], min: [k, k, k], max: [k, k, k] }];

  it("plans keys, regex matches and expression variables", () => {
    const p = planLines(["loss"], { smoothing: 0, logY: false, regex: "grad/.*", exprs: ["acc / val_acc"] }, [
      "loss",
      "grad/a",
      "grad/b",
      "acc",
      "other",
    ]);
    expect(p.shown.map((s) => s.label)).toEqual(["loss", "grad/a", "grad/b", "acc / val_acc"]);
    expect(p.fetch).toEqual(["loss", "grad/a", "grad/b", "acc", "val_acc"]);
    expect(planLines([], { smoothing: 0, logY: false, regex: "(" }, []).errors[0]).toMatch(/Bad pattern/);
  });

  it("draws each metric per run, named by the template, with expressions aligned on x", () => {
    const plan = planLines(["a"], { smoothing: 0, logY: false, exprs: ["a + b"] }, []);
    const fetched = new Map([
      ["a", series(1)],
      ["b", series(10)],
    ]);
    const d = drawMulti(lines, fetched, plan, { smoothing: 0, logY: false, legend: "${metric} lr=${config:lr}" });
    expect(d.map((x) => x.line.name)).toEqual(["a lr=0.1", "a + b lr=0.1"]);
    expect(d[1].data.y).toEqual([11, 22, 33]);
    expect(d[0].dash).toBeUndefined();
    expect(d[1].dash).toBeDefined();
    expect(new Set(d.map((x) => x.line.id)).size).toBe(2);
  });

  it("log x drops x <= 0; an expression's missing variable leaves no line", () => {
    const plan = planLines(["a"], { smoothing: 0, logY: false, logX: true }, []);
    const d = drawMulti(lines, new Map([["a", series(1)]]), plan, { smoothing: 0, logY: false, logX: true });
    expect(d[0].data.x).toEqual([1, 2]);
    expect(exprLine(parseExpr("zz * 2"), new Map(), "r1")).toBeNull();
  });
});
