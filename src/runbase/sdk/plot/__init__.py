"""``runbase.plot`` (``wandb.plot``): charts W&B draws from a logged table."""

from runbase.sdk.plot.charts import bar, histogram, line, line_series, scatter
from runbase.sdk.plot.curves import confusion_matrix, pr_curve, roc_curve
from runbase.sdk.plot.custom_chart import CustomChart, CustomChartSpec, plot_table

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
