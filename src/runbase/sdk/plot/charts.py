"""``runbase.plot.line / scatter / bar / histogram / line_series`` (W&B's built-in charts)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runbase.sdk.plot.custom_chart import CustomChart, plot_table


def line(
    table: Any,
    x: str,
    y: str,
    stroke: str | None = None,
    title: str = "",
    split_table: bool = False,
) -> CustomChart:
    """A line chart of columns ``x`` and ``y`` (one line per ``stroke`` value)."""
    return plot_table(
        "wandb/line/v0", table, {"x": x, "y": y, "stroke": stroke}, {"title": title}, split_table
    )


def scatter(table: Any, x: str, y: str, title: str = "", split_table: bool = False) -> CustomChart:
    """A scatter plot of columns ``x`` and ``y``."""
    return plot_table("wandb/scatter/v0", table, {"x": x, "y": y}, {"title": title}, split_table)


def bar(
    table: Any, label: str, value: str, title: str = "", split_table: bool = False
) -> CustomChart:
    """A bar chart: one bar per ``label`` of height ``value``."""
    return plot_table(
        "wandb/bar/v0", table, {"label": label, "value": value}, {"title": title}, split_table
    )


def histogram(table: Any, value: str, title: str = "", split_table: bool = False) -> CustomChart:
    """A histogram of the column ``value``."""
    return plot_table("wandb/histogram/v0", table, {"value": value}, {"title": title}, split_table)


def line_series(
    xs: Any,
    ys: Iterable[Iterable[Any]],
    keys: Iterable[str] | None = None,
    title: str = "",
    xname: str = "x",
    split_table: bool = False,
) -> CustomChart:
    """Several lines over shared (or per-line) x values, one table row per point."""
    from runbase.sdk.data_types.table import Table

    ys = [list(y) for y in ys]
    xs = list(xs)
    if not xs or not isinstance(xs[0], Iterable) or isinstance(xs[0], str | bytes):
        xs = [xs] * len(ys)
    if len(xs) != len(ys):
        raise ValueError(f"line_series: {len(xs)} x-series for {len(ys)} y-series; give one each")
    names = [f"line_{i}" for i in range(len(ys))] if keys is None else list(keys)
    if len(names) != len(ys):
        raise ValueError(f"line_series: {len(names)} keys for {len(ys)} y-series; give one each")
    data = [
        [x, names[i], y]
        for i, (xx, yy) in enumerate(zip(xs, ys, strict=False))
        for x, y in zip(xx, yy, strict=False)
    ]
    return plot_table(
        "wandb/lineseries/v0",
        Table(data=data, columns=["step", "lineKey", "lineVal"]),
        {"step": "step", "lineKey": "lineKey", "lineVal": "lineVal"},
        {"title": title, "xname": xname},
        split_table,
    )
