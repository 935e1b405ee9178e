"""``runbase.plot``, as ``wandb.plot``: see ``runbase.sdk.plot``."""

from runbase.sdk.plot import (
    CustomChart,
    CustomChartSpec,
    bar,
    confusion_matrix,
    histogram,
    line,
    line_series,
    plot_table,
    pr_curve,
    roc_curve,
    scatter,
)

__all__ = [
    "CustomChart",
    "CustomChartSpec",
    "bar",
    "confusion_matrix",
    "histogram",
    "line",
    "line_series",
    "plot_table",
    "pr_curve",
    "roc_curve",
    "scatter",
]
