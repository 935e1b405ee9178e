"""runbase.plot: a table under ``<key>_table`` plus ``config._wandb.visualize.<key>``."""

from __future__ import annotations

import json

import pytest

SCRIPT = """
tab = wandb.Table(columns=["x", "y"], data=[[i, i * i] for i in range(5)])
run.log({"line": wandb.plot.line(tab, "x", "y", title="Squares")})
run.log({"scatter": wandb.plot.scatter(tab, "x", "y"),
         "bar": wandb.plot.bar(tab, "x", "y", title="B"),
         "hist": wandb.plot.histogram(tab, "y")})
run.log({"series": wandb.plot.line_series(xs=[0, 1, 2], ys=[[1, 2, 3], [3, 2, 1]],
                                          keys=["up", "down"], xname="epoch")})
y_true = [0, 0, 1, 1]
score = [0.1, 0.4, 0.35, 0.8]
probas = [[1 - s, s] for s in score]
run.log({"pr": wandb.plot.pr_curve(y_true, probas, labels=["neg", "pos"]),
         "roc": wandb.plot.roc_curve(y_true, probas, labels=["neg", "pos"])})
run.log({"cm": wandb.plot.confusion_matrix(y_true=[0, 1, 1, 2], preds=[0, 1, 2, 2],
                                           class_names=["a", "b", "c"])})
"""


def table(logged, key):
    ptr = logged.value(key)
    assert ptr["_type"] == "table-file"
    return json.loads(logged.file_bytes(ptr["path"]))


def rows_of(body, cls):
    return [r[1:] for r in body["data"] if r[0] == cls]


def test_line_writes_the_table_and_the_vega_spec_as_wandb(logged):
    body = table(logged, "line_table")
    assert body["columns"] == ["x", "y"] and body["data"][4] == [4, 16]
    spec = logged.run.config["_wandb"]["visualize"]["line"]
    assert spec["panel_type"] == "Vega2"
    cfg = spec["panel_config"]
    assert cfg["panelDefId"] == "wandb/line/v0"
    assert cfg["fieldSettings"] == {"x": "x", "y": "y", "stroke": None}
    assert cfg["stringSettings"] == {"title": "Squares"}
    (query,) = cfg["userQuery"]["queryFields"]
    summary_table = query["fields"][-1]
    assert summary_table["name"] == "summaryTable"
    assert summary_table["args"] == [{"name": "tableKey", "value": "line_table"}]
    assert "line" not in logged.rows[0]


@pytest.mark.parametrize(
    ("key", "spec", "fields"),
    [
        ("scatter", "wandb/scatter/v0", {"x": "x", "y": "y"}),
        ("bar", "wandb/bar/v0", {"label": "x", "value": "y"}),
        ("hist", "wandb/histogram/v0", {"value": "y"}),
        (
            "series",
            "wandb/lineseries/v0",
            {"step": "step", "lineKey": "lineKey", "lineVal": "lineVal"},
        ),
        ("pr", "wandb/area-under-curve/v0", {"x": "recall", "y": "precision", "class": "class"}),
        ("roc", "wandb/area-under-curve/v0", {"x": "fpr", "y": "tpr", "class": "class"}),
        (
            "cm",
            "wandb/confusion_matrix/v1",
            {"Actual": "Actual", "Predicted": "Predicted", "nPredictions": "nPredictions"},
        ),
    ],
)
def test_each_chart_names_its_spec_and_fields(logged, key, spec, fields):
    cfg = logged.run.config["_wandb"]["visualize"][key]["panel_config"]
    assert cfg["panelDefId"] == spec and cfg["fieldSettings"] == fields
    assert logged.value(f"{key}_table")["_type"] == "table-file"


def test_line_series_rows(logged):
    body = table(logged, "series_table")
    assert body["columns"] == ["step", "lineKey", "lineVal"]
    assert body["data"][:3] == [[0, "up", 1], [1, "up", 2], [2, "up", 3]]
    assert body["data"][3] == [0, "down", 3]


def test_roc_curve_matches_scikit_learns_example(logged):
    body = table(logged, "roc_table")
    assert body["columns"] == ["class", "fpr", "tpr"]
    # scikit-learn's roc_curve docs: y=[1,1,2,2], scores=[.1,.4,.35,.8], pos_label=2
    assert rows_of(body, "pos") == [[0.0, 0.0], [0.0, 0.5], [0.5, 0.5], [0.5, 1.0], [1.0, 1.0]]


def test_pr_curve_matches_wandb_interpolation(logged):
    body = table(logged, "pr_table")
    assert body["columns"] == ["class", "precision", "recall"]
    pos = rows_of(body, "pos")
    assert len(pos) == 21  # interp_size
    by_recall = {recall: precision for precision, recall in pos}
    # precision_recall_curve gives P=[.5,.667,.5,1,1] at R=[1,1,.5,.5,0]; W&B takes the
    # running max from full recall down and reads it at 21 evenly spaced recalls.
    assert by_recall[1.0] == 0.667 and by_recall[0.55] == 0.667
    assert by_recall[0.5] == 1.0 and by_recall[0.0] == 1.0


def test_confusion_matrix_counts(logged):
    body = table(logged, "cm_table")
    assert body["columns"] == ["Actual", "Predicted", "nPredictions"]
    counts = {(a, p): n for a, p, n in body["data"]}
    assert len(counts) == 9
    assert counts[("a", "a")] == 1 and counts[("b", "b")] == 1
    assert counts[("b", "c")] == 1 and counts[("c", "c")] == 1 and counts[("a", "b")] == 0
