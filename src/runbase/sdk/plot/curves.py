"""``runbase.plot.pr_curve / roc_curve / confusion_matrix``, computed as W&B does.

W&B computes the curves with scikit-learn; runbase does the same arithmetic
with numpy (scikit-learn's ``precision_recall_curve`` and ``roc_curve`` with
their current defaults), so no extra dependency is needed. One difference: a
curve table over ``Table.MAX_ROWS`` rows is cut down by an even, per-class
sample instead of scikit-learn's random stratified one.
"""

from __future__ import annotations

from typing import Any

from runbase.sdk.plot.custom_chart import CustomChart, plot_table


def _binary_curve(y_true: Any, score: Any, pos_label: Any) -> tuple[Any, Any, Any]:
    """(false positives, true positives, thresholds) at each distinct score, high to low."""
    import numpy as np

    y = y_true == pos_label
    order = np.argsort(score, kind="mergesort")[::-1]
    score, y = score[order], y[order]
    distinct = np.where(np.diff(score))[0]
    idx = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y, dtype=np.float64)[idx]
    fps = 1 + idx - tps
    return fps, tps, score[idx]


def precision_recall(y_true: Any, score: Any, pos_label: Any) -> tuple[Any, Any]:
    """scikit-learn's ``precision_recall_curve`` (precision, recall), recall falling to 0."""
    import numpy as np

    fps, tps, _ = _binary_curve(y_true, score, pos_label)
    ps = tps + fps
    precision = np.divide(tps, ps, out=np.zeros_like(tps), where=ps != 0)
    recall = np.ones_like(tps) if tps[-1] == 0 else tps / tps[-1]
    return np.hstack((precision[::-1], 1)), np.hstack((recall[::-1], 0))


def roc(y_true: Any, score: Any, pos_label: Any) -> tuple[Any, Any]:
    """scikit-learn's ``roc_curve`` (fpr, tpr) with ``drop_intermediate=True``."""
    import numpy as np

    fps, tps, _ = _binary_curve(y_true, score, pos_label)
    if len(fps) > 2:
        keep = np.where(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])[0]
        fps, tps = fps[keep], tps[keep]
    fps, tps = np.r_[0, fps], np.r_[0, tps]
    with np.errstate(divide="ignore", invalid="ignore"):
        fpr = fps / fps[-1] if fps[-1] > 0 else np.full(fps.shape, np.nan)
        tpr = tps / tps[-1] if tps[-1] > 0 else np.full(tps.shape, np.nan)
    return fpr, tpr


def _inputs(y_true: Any, y_probas: Any, what: str) -> tuple[Any, Any, Any]:
    import numpy as np

    if y_true is None or y_probas is None:
        raise ValueError(f"{what}: pass both y_true and y_probas")
    y_true, y_probas = np.asarray(y_true), np.asarray(y_probas, dtype=float)
    if y_probas.ndim != 2 or len(y_probas) != len(y_true):
        raise ValueError(
            f"{what}: y_probas must be n_samples x n_classes ({len(y_true)} samples), "
            f"got shape {y_probas.shape}"
        )
    classes = np.unique(y_true)
    if len(classes) > y_probas.shape[1]:
        raise ValueError(
            f"{what}: {len(classes)} classes in y_true but {y_probas.shape[1]} columns"
        )
    return y_true, y_probas, classes


def _label(classes: Any, i: int, labels: list[str] | None) -> Any:
    import numpy as np

    if labels is not None and isinstance(classes[i], int | np.integer):
        return labels[int(classes[i])]
    return classes[i].item() if hasattr(classes[i], "item") else classes[i]


def _curve_table(columns: list[str], curves: dict[Any, tuple[Any, Any]], what: str) -> Any:
    import warnings

    from runbase.sdk.data_types.table import Table

    rows = [
        [label, round(float(a), 3), round(float(b), 3)]
        for label, (xs, ys) in curves.items()
        for a, b in zip(xs, ys, strict=True)
    ]
    if len(rows) > Table.MAX_ROWS:
        warnings.warn(
            f"{what}: {len(rows)} points; runbase keeps {Table.MAX_ROWS} (Table.MAX_ROWS)",
            RuntimeWarning,
            stacklevel=3,
        )
        step = len(rows) / Table.MAX_ROWS
        rows = sorted(
            (rows[int(i * step)] for i in range(Table.MAX_ROWS)),
            key=lambda r: (r[1], r[2], str(r[0])),
        )
    return Table(columns=columns, data=rows)


def pr_curve(
    y_true: Any = None,
    y_probas: Any = None,
    labels: list[str] | None = None,
    classes_to_plot: list[Any] | None = None,
    interp_size: int = 21,
    title: str = "Precision-Recall Curve",
    split_table: bool = False,
) -> CustomChart:
    """Precision against recall per class, interpolated at ``interp_size`` recalls."""
    import numpy as np

    y_true, y_probas, classes = _inputs(y_true, y_probas, "pr_curve")
    wanted = classes if classes_to_plot is None else classes_to_plot
    interp_recall = np.linspace(0, 1, interp_size)[::-1]
    curves: dict[Any, tuple[Any, Any]] = {}
    for i in np.where(np.isin(classes, wanted))[0]:
        precision, recall = precision_recall(y_true, y_probas[:, i], classes[i])
        precision = np.maximum.accumulate(precision)[::-1]
        indices = np.searchsorted(recall[::-1], interp_recall, side="left")
        curves[_label(classes, i, labels)] = (precision[indices], interp_recall)
    table = _curve_table(["class", "precision", "recall"], curves, "pr_curve")
    return plot_table(
        "wandb/area-under-curve/v0",
        table,
        {"x": "recall", "y": "precision", "class": "class"},
        {"title": title, "x-axis-title": "Recall", "y-axis-title": "Precision"},
        split_table,
    )


def roc_curve(
    y_true: Any = None,
    y_probas: Any = None,
    labels: list[str] | None = None,
    classes_to_plot: list[Any] | None = None,
    title: str = "ROC Curve",
    split_table: bool = False,
) -> CustomChart:
    """True positive rate against false positive rate, per class."""
    import numpy as np

    y_true, y_probas, classes = _inputs(y_true, y_probas, "roc_curve")
    wanted = classes if classes_to_plot is None else classes_to_plot
    curves = {
        _label(classes, i, labels): roc(y_true, y_probas[..., i], classes[i])
        for i in np.where(np.isin(classes, wanted))[0]
    }
    table = _curve_table(["class", "fpr", "tpr"], curves, "roc_curve")
    return plot_table(
        "wandb/area-under-curve/v0",
        table,
        {"x": "fpr", "y": "tpr", "class": "class"},
        {
            "title": title,
            "x-axis-title": "False positive rate",
            "y-axis-title": "True positive rate",
        },
        split_table,
    )


def confusion_matrix(
    probs: Any = None,
    y_true: Any = None,
    preds: Any = None,
    class_names: list[str] | None = None,
    title: str = "Confusion Matrix Curve",
    split_table: bool = False,
) -> CustomChart:
    """Counts of (actual, predicted) class pairs, one table row per pair."""
    import numpy as np

    from runbase.sdk.data_types.table import Table

    if probs is not None and preds is not None:
        raise ValueError("confusion_matrix: pass probs or preds, not both")
    if probs is not None:
        preds = np.argmax(np.asarray(probs), axis=1).tolist()
    if preds is None or y_true is None:
        raise ValueError("confusion_matrix: pass y_true and preds (or probs)")
    preds, y_true = _plain(preds), _plain(y_true)
    if len(preds) != len(y_true):
        raise ValueError("confusion_matrix: as many predictions as true labels are needed")
    if class_names is not None:
        n = len(class_names)
        index = {i: i for i in range(n)}
        stray = (set(preds) | set(y_true)) - set(index)
        if stray:
            raise ValueError(
                f"confusion_matrix: labels {sorted(stray, key=str)[:5]} are not class indices "
                f"0..{n - 1} of class_names"
            )
    else:
        ordered = sorted(set(preds) | set(y_true))
        n = len(ordered)
        index = {v: i for i, v in enumerate(ordered)}
        class_names = [f"Class_{i + 1}" for i in range(n)]
    counts = np.zeros((n, n))
    for t, p in zip(y_true, preds, strict=True):
        counts[index[t], index[p]] += 1
    data = [[class_names[i], class_names[j], counts[i, j]] for i in range(n) for j in range(n)]
    return plot_table(
        "wandb/confusion_matrix/v1",
        Table(columns=["Actual", "Predicted", "nPredictions"], data=data),
        {"Actual": "Actual", "Predicted": "Predicted", "nPredictions": "nPredictions"},
        {"title": title},
        split_table,
    )


def _plain(values: Any) -> list[Any]:
    return [v.item() if hasattr(v, "item") else v for v in values]
