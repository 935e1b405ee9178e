"""A chart W&B draws from a logged table: the table plus a Vega spec id in the config.

Logging ``{"roc": chart}`` stores the table under ``roc_table`` and sets
``config["_wandb"]["visualize"]["roc"]`` to the panel config below, as W&B does.
"""

from __future__ import annotations

from typing import Any

from runbase.sdk.data_types.base import WBValue


class CustomChartSpec:
    """Which built-in (or custom) Vega spec draws the table, and with which fields."""

    def __init__(
        self,
        spec_name: str,
        fields: dict[str, Any],
        string_fields: dict[str, Any],
        key: str = "",
        panel_type: str = "Vega2",
        split_table: bool = False,
    ) -> None:
        self.spec_name = spec_name
        self.fields = fields
        self.string_fields = string_fields
        self.key = key
        self.panel_type = panel_type
        self.split_table = split_table

    @property
    def table_key(self) -> str:
        """The history key the chart's table is logged under."""
        if not self.key:
            raise ValueError("the chart has no key yet: log it with run.log({key: chart})")
        if self.split_table:
            return f"Custom Chart Tables/{self.key}_table"
        return f"{self.key}_table"

    @property
    def config_value(self) -> dict[str, Any]:
        """``config._wandb.visualize.<key>``, field for field as W&B writes it."""
        summary_table = {
            "name": "summaryTable",
            "args": [{"name": "tableKey", "value": self.table_key}],
            "fields": [],
        }
        run_sets = {
            "name": "runSets",
            "args": [{"name": "runSets", "value": "${runSets}"}],
            "fields": [
                {"name": "id", "fields": []},
                {"name": "name", "fields": []},
                {"name": "_defaultColorIndex", "fields": []},
                summary_table,
            ],
        }
        return {
            "panel_type": self.panel_type,
            "panel_config": {
                "panelDefId": self.spec_name,
                "fieldSettings": self.fields,
                "stringSettings": self.string_fields,
                "transform": {"name": "tableWithLeafColNames"},
                "userQuery": {"queryFields": [run_sets]},
            },
        }


class CustomChart(WBValue):
    """What ``runbase.plot.*`` return; log it like any value."""

    def __init__(self, table: Any, spec: CustomChartSpec) -> None:
        self.table = table
        self.spec = spec

    def set_key(self, key: str) -> None:
        """The key it was logged under (names its table and its config entry)."""
        self.spec.key = key


def plot_table(
    vega_spec_name: str,
    data_table: Any,
    fields: dict[str, Any],
    string_fields: dict[str, Any] | None = None,
    split_table: bool = False,
) -> CustomChart:
    """A chart of ``data_table`` drawn by the Vega spec ``vega_spec_name``."""
    from runbase.sdk.data_types.table import Table

    if not isinstance(data_table, Table):
        raise TypeError(
            f"plot: expected a runbase.Table, got {type(data_table).__name__}; "
            "make one with runbase.Table(columns=[...], data=[...])"
        )
    spec = CustomChartSpec(vega_spec_name, fields, string_fields or {}, split_table=split_table)
    return CustomChart(table=data_table, spec=spec)
