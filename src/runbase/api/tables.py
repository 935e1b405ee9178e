"""Reading a logged ``wandb.Table`` back: ``run.table(key)`` gives a
``runbase.Table``, ``run.use_table(key)`` a pandas DataFrame.

Cells hold what was logged; an image (or other media) cell is W&B's pointer
dict (``_type``, ``path``, ``width``, ``height``, ...), whose file
``run.file(cell["path"]).download()`` fetches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runbase.store import queries

if TYPE_CHECKING:
    from runbase.api.run import Run
    from runbase.sdk.data_types.table import Table

PANDAS_MISSING = (
    "run.use_table() returns a pandas DataFrame, and pandas is not installed: "
    "pip install 'runbase[pandas]', or use run.table(key), which needs no pandas"
)


def logged_table(run: Run, key: str, step: int | None = None) -> Table:
    """The table ``run`` logged under ``key`` at ``step`` (None: the latest)."""
    from runbase.sdk.data_types.table import Table

    if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 0):
        raise ValueError(f"step must be a logged step (an int >= 0) or None, got {step!r}")
    try:
        at, body = run._api.backend.logged_table(run._key, key, step)
    except KeyError as e:
        raise KeyError(f"run {'/'.join(run.path)}: {e.args[0]}") from None
    except queries.LoggedValueError as e:
        raise ValueError(f"run {'/'.join(run.path)}: {e}") from None
    table = Table(columns=body.columns, data=body.data, allow_mixed_types=True)
    table.step = at  # type: ignore[attr-defined]
    return table


def use_table(run: Run, key: str, step: int | None = None) -> Any:
    """The table as a pandas DataFrame (needs ``runbase[pandas]``)."""
    try:
        import pandas
    except ImportError:
        raise ImportError(PANDAS_MISSING) from None
    table = logged_table(run, key, step)
    return pandas.DataFrame.from_records(table.data, columns=table.columns)
