import { describe, expect, it } from "vitest";
import { binValues, chartSpec, type ChartInput } from "./chartSpec";

const chart = (
  id: string,
  fields: Record<string, unknown>,
  columns: string[],
  data: unknown[][],
  strings = {},
): ChartInput => ({
  key: "k",
  panel_def_id: id,
  field_settings: fields,
  string_settings: strings,
  columns,
  data,
});

describe("chartSpec", () => {
  it("draws wandb.plot.line as one line sorted by x", () => {
    const s = chartSpec(
      chart(
        "wandb/line/v0",
        { x: "a", y: "b", stroke: null },
        ["a", "b"],
        [
          [2, 20],
          [1, 10],
          [3, "x"],
        ],
        { title: "T" },
      ),
    );
    expect(s).toEqual({
      type: "xy",
      mode: "line",
      title: "T",
      xLabel: "a",
      yLabel: "b",
      series: [{ name: "", x: [1, 2], y: [10, 20] }],
    });
  });

  it("draws scatter as points and line_series as one line per key", () => {
    expect(chartSpec(chart("wandb/scatter/v0", { x: "x", y: "y" }, ["x", "y"], [[1, 2]])).type).toBe("xy");
    const s = chartSpec(
      chart(
        "wandb/lineseries/v0",
        { step: "step", lineKey: "lineKey", lineVal: "lineVal" },
        ["step", "lineKey", "lineVal"],
        [
          [0, "a", 1],
          [0, "b", 2],
          [1, "a", 3],
        ],
        { xname: "epoch" },
      ),
    );
    expect(s.type === "xy" && s.series.map((l) => [l.name, l.y])).toEqual([
      ["a", [1, 3]],
      ["b", [2]],
    ]);
    expect(s.type === "xy" && s.xLabel).toBe("epoch");
  });

  it("draws PR and ROC curves as one line per class with the axis titles", () => {
    const s = chartSpec(
      chart(
        "wandb/area-under-curve/v0",
        { x: "fpr", y: "tpr", class: "class" },
        ["class", "fpr", "tpr"],
        [
          ["cat", 0, 0],
          ["cat", 0, 0.5],
          ["cat", 1, 1],
          ["dog", 0, 1],
        ],
        { "x-axis-title": "False positive rate" },
      ),
    );
    expect(s.type === "xy" && s.series.map((l) => l.name)).toEqual(["cat", "dog"]);
    expect(s.type === "xy" && s.series[0].x).toEqual([0, 0, 1]); // a vertical step survives
    expect(s.type === "xy" && s.xLabel).toBe("False positive rate");
  });

  it("draws bars, a histogram of a column, and a confusion matrix", () => {
    const bars = chartSpec(
      chart(
        "wandb/bar/v0",
        { label: "l", value: "v" },
        ["l", "v"],
        [
          ["a", 3],
          ["b", 5],
        ],
      ),
    );
    expect(bars).toMatchObject({ type: "bars", labels: ["a", "b"], values: [3, 5] });
    const hist = chartSpec(chart("wandb/histogram/v0", { value: "v" }, ["v"], [[0], [1], [1], [2]]));
    expect(hist.type === "bars" && hist.values.reduce((a, b) => a + b)).toBe(4);
    const cm = chartSpec(
      chart(
        "wandb/confusion_matrix/v1",
        { Actual: "Actual", Predicted: "Predicted", nPredictions: "nPredictions" },
        ["Actual", "Predicted", "nPredictions"],
        [
          ["a", "a", 2],
          ["a", "b", 1],
          ["b", "a", 0],
          ["b", "b", 4],
        ],
      ),
    );
    expect(cm).toMatchObject({
      type: "matrix",
      actual: ["a", "b"],
      predicted: ["a", "b"],
      counts: [
        [2, 1],
        [0, 4],
      ],
    });
  });

  it("says why it cannot draw a custom spec or a missing column", () => {
    expect(chartSpec(chart("me/custom/v3", {}, [], []))).toMatchObject({ type: "unsupported" });
    const s = chartSpec(chart("wandb/line/v0", { x: "a", y: "zz" }, ["a"], []));
    expect(s.type === "unsupported" && s.reason).toContain("y");
  });
});

describe("binValues", () => {
  it("counts every value once, the largest in the last bin", () => {
    const { counts, labels } = binValues([0, 0.5, 1, 10], 10);
    expect(counts.reduce((a, b) => a + b)).toBe(4);
    expect(counts[9]).toBe(1);
    expect(labels[0]).toBe("0");
  });
});
