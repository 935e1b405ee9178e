"""From a flattened row holding data types to record values and pending files.

``values.convert`` hands what it does not know to :func:`data_type_value`
(data-type objects, figures, DataFrames); ``Run.log`` then calls
:func:`prepare_row`, on the caller's thread, which checks and copies every
value so that a bad one raises before anything of the call is stored.
"""

from __future__ import annotations

import types
import warnings
from typing import TYPE_CHECKING, Any

from runbase.sdk.data_types.base import Batchable, Media, WBValue, module_of
from runbase.sdk.plot.custom_chart import CustomChart

if TYPE_CHECKING:
    from runbase.sdk.data_types.writer import MediaContext

NOT_A_DATA_TYPE: Any = object()
# (section of config["_wandb"], name, value), e.g. ("visualize", "roc", {...})
ConfigItem = tuple[str, str, Any]


def data_type_value(value: Any, key: str, what: str) -> Any:
    """What ``log()``/``summary`` keep of a value plain conversion refused."""
    if what not in ("log", "summary"):
        return NOT_A_DATA_TYPE
    if isinstance(value, WBValue):
        return value
    module = module_of(value)
    if isinstance(value, types.ModuleType) and value.__name__ == "matplotlib.pyplot":
        module = "matplotlib"
    if module == "matplotlib" or (module == "plotly" and hasattr(value, "to_plotly_json")):
        from runbase.sdk.data_types.plotly import Plotly

        return Plotly.make_plot_media(value)
    if module == "pandas" and hasattr(value, "itertuples"):
        from runbase.sdk.data_types.table import Table

        return Table(dataframe=value)
    return NOT_A_DATA_TYPE


class SeqPending:
    """A list of media under one key (W&B's ``images/separated`` and kin)."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items
        self.nbytes = sum(getattr(i, "nbytes", 0) for i in items)

    def write(self, ctx: MediaContext, key: str, step: int | str) -> dict[str, Any]:
        pointers = [item.write(ctx, key, step) for item in self.items]
        out: dict[str, Any] = type(self.items[0]).seq_json(pointers, self.items)
        return out


def prepare_row(
    data: dict[str, Any], keys: list[str], warned: set[str]
) -> tuple[dict[str, Any], dict[str, Any], list[ConfigItem]]:
    """(row values with inline types resolved, pending writes by key, config items).

    Raises naming the key; then nothing was prepared (tables forget the log).
    """
    data = dict(data)
    pending: dict[str, Any] = {}
    config: list[ConfigItem] = []
    try:
        for key in keys:
            value = data.pop(key)
            if isinstance(value, CustomChart):
                key, value = _chart(key, value, config)
            if isinstance(value, list):
                pending[key] = SeqPending(_media_list(key, value, warned))
                for item in pending[key].items:
                    config.extend(_labels(item, key))
                continue
            prepared = value._prepare(key)
            if isinstance(prepared, dict):
                data[key] = prepared
            else:
                pending[key] = prepared
                config.extend(_labels(value, key))
    except BaseException:
        for p in pending.values():
            if getattr(p, "undo", None) is not None:
                p.undo()
        raise
    return data, pending, config


def _chart(key: str, chart: CustomChart, config: list[ConfigItem]) -> tuple[str, Any]:
    chart.set_key(key)
    config.append(("visualize", key, chart.spec.config_value))
    return chart.spec.table_key, chart.table


def _labels(value: Any, key: str) -> list[ConfigItem]:
    singletons = getattr(value, "class_label_singletons", None)
    if singletons is None:
        return []
    return [
        (kind, name, {"type": kind, "key": name, "value": labels})
        for kind, name, labels in singletons(key)
    ]


def _media_list(key: str, items: list[Any], warned: set[str]) -> list[Any]:
    first = type(items[0])
    if not issubclass(first, Batchable) or any(type(i) is not first for i in items):
        raise TypeError(
            f"log: {key!r} is a list mixing {sorted({type(i).__name__ for i in items})}; "
            "a list under one key must hold media of one type (e.g. only runbase.Image); "
            "log the others under their own keys"
        )
    if len(items) > first.MAX_ITEMS:
        _warn_once(
            warned,
            f"{key} items",
            f"runbase: {key!r} lists {len(items)} {first.__name__}s; the first {first.MAX_ITEMS} "
            f"are kept (W&B's limit; it advises fewer than 50 images per step)",
        )
        items = items[: first.MAX_ITEMS]
    if first.__name__ == "Image" and len({(i.width, i.height) for i in items}) > 1:
        _warn_once(
            warned,
            f"{key} sizes",
            f"runbase: the images of {key!r} differ in size; panels "
            "show them at the size of the first",
        )
    return [i._prepare(key) for i in items]


def _warn_once(warned: set[str], tag: str, text: str) -> None:
    if tag not in warned:
        warned.add(tag)
        warnings.warn(text, RuntimeWarning, stacklevel=5)


def merge_wandb_config(current: Any, items: list[ConfigItem]) -> dict[str, Any]:
    """``config["_wandb"]`` with the given items set (``visualize``, class labels)."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in (current or {}).items()}
    for section, name, value in items:
        part = out.get(section)
        if not isinstance(part, dict):
            part = out[section] = {}
        part[name] = value
    return out


def is_media(value: Any) -> bool:
    """A value with a file (for the summary's synchronous path)."""
    return isinstance(value, Media)
