"""``runbase.Table`` (``wandb.Table``): rows of values and media, logged as one JSON file.

``log_mode`` follows W&B: an ``IMMUTABLE`` table (the default) is stored at its
first log, and logging it again (even after changes, which warn) repeats that
pointer; a ``MUTABLE`` one is stored again after each change; an ``INCREMENTAL``
one stores only the rows added since its previous log, each log an increment.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any, ClassVar

from runbase.sdk.data_types.base import Media, is_array, module_of
from runbase.sdk.data_types.table_json import (
    ReusePending,
    TablePending,
    cell,
    column_types,
    kind_of,
)

LOG_MODES = ("IMMUTABLE", "MUTABLE", "INCREMENTAL")
_warned: set[tuple[str, str]] = set()


def _warn_once(key: str, what: str, text: str) -> None:
    if (key, what) not in _warned:
        _warned.add((key, what))
        warnings.warn(text, RuntimeWarning, stacklevel=5)


class Table(Media):
    """``Table(columns=["a", "b"], data=[[1, "x"]])``, ``Table(dataframe=df)``."""

    MAX_ROWS: ClassVar[int] = 10_000
    MAX_ARTIFACT_ROWS: ClassVar[int] = 200_000
    _log_type: ClassVar[str] = "table"

    def __init__(
        self,
        columns: list[Any] | None = None,
        data: Any = None,
        rows: Any = None,
        dataframe: Any = None,
        dtype: Any = None,
        optional: bool | list[bool] = True,
        allow_mixed_types: bool = False,
        log_mode: str | None = "IMMUTABLE",
    ) -> None:
        if log_mode not in LOG_MODES:
            raise ValueError(
                f"Table: log_mode must be one of {', '.join(LOG_MODES)}, got {log_mode!r}"
            )
        self.log_mode = log_mode
        self._mixed = allow_mixed_types
        self._version = 0  # bumped by every change
        self._logged_version: int | None = None
        self._pointer: dict[str, Any] | None = None  # set by the media thread
        self._last_logged = 0  # INCREMENTAL: rows already stored
        self._increment_num = -1
        self._increment_paths: list[str] = []
        if dataframe is None and module_of(data) == "pandas":
            dataframe, data = data, None
        if dataframe is not None:
            columns = list(dataframe.columns)
            data = [list(r) for r in dataframe.itertuples(index=False, name=None)]
        elif data is None:
            data = rows if rows is not None else []
        self.columns: list[Any] = (
            list(columns) if columns is not None else ["Input", "Output", "Expected"]
        )
        if not all(type(c) in (str, int) for c in self.columns):
            raise TypeError("Table: column names must be strings or ints")
        self._kinds: list[str | None] = [None] * len(self.columns)
        self.data: list[list[Any]] = []
        if is_array(data):
            data = list(data)
        for row in data:
            self._append(row)

    # --- building --------------------------------------------------------------------------

    def _append(self, row: Any) -> None:
        row = list(row)
        if len(row) != len(self.columns):
            raise ValueError(
                f"Table: row {len(self.data)} has {len(row)} values but the table has "
                f"{len(self.columns)} columns {self.columns}; give every row one value per column"
            )
        kinds = [kind_of(v) for v in row]
        if not self._mixed:
            for i, kind in enumerate(kinds):
                self._check_kind(i, kind, row[i])
        for i, kind in enumerate(kinds):
            if kind != "none" and self._kinds[i] is None:
                self._kinds[i] = kind
        self.data.append(row)

    def _check_kind(self, i: int, kind: str, value: Any) -> None:
        have = self._kinds[i]
        if kind != "none" and have is not None and have != kind:
            raise TypeError(
                f"Table: column {self.columns[i]!r} holds {have} values; row {len(self.data)} "
                f"has a {kind} ({value!r:.40}). Use one type per column, or "
                "Table(..., allow_mixed_types=True)"
            )

    def _changed(self) -> None:
        if self.log_mode == "IMMUTABLE" and self._logged_version is not None:
            _warn_once(
                str(id(self)),
                "immutable",
                "runbase: this Table (log_mode='IMMUTABLE') was logged already; later log() "
                "calls repeat what was logged. Use log_mode='MUTABLE' to log its changes",
            )
        self._version += 1

    def add_data(self, *data: Any) -> None:
        """Append one row (one value per column)."""
        self._append(data)
        self._changed()

    def add_row(self, *row: Any) -> None:
        """Deprecated in W&B: ``add_data``."""
        self.add_data(*row)

    def add_column(self, name: str, data: Any, optional: bool = False) -> None:
        """Add a column with one value per row."""
        if self.log_mode == "INCREMENTAL":
            raise ValueError("Table: add_column is not supported with log_mode='INCREMENTAL'")
        if not isinstance(name, str) or name in self.columns:
            raise ValueError(f"Table: column name {name!r} must be a new string")
        values = list(data)
        if self.columns and len(values) != len(self.data):
            raise ValueError(
                f"Table: the column has {len(values)} values; the table has {len(self.data)} rows"
            )
        if not self.columns:
            self.data = [[] for _ in values]
        self.columns.append(name)
        self._kinds.append(None)
        for row, value in zip(self.data, values, strict=True):
            kind = kind_of(value)
            if not self._mixed:
                self._check_kind(len(self.columns) - 1, kind, value)
            if kind != "none" and self._kinds[-1] is None:
                self._kinds[-1] = kind
            row.append(value)
        self._changed()

    # --- reading ---------------------------------------------------------------------------

    def get_column(self, name: Any, convert_to: str | None = None) -> Any:
        """One column as a list (``convert_to="numpy"``: an array)."""
        if name not in self.columns:
            raise KeyError(f"Table has no column {name!r}; it has {self.columns}")
        i = self.columns.index(name)
        col = [row[i] for row in self.data]
        if convert_to == "numpy":
            import numpy

            return numpy.array(col)
        return col

    def get_index(self) -> list[int]:
        """The row indexes (W&B's ``get_index``, as its Keras evaluation callbacks use it)."""
        return list(range(len(self.data)))

    def get_dataframe(self) -> Any:
        """The table as a pandas DataFrame."""
        import pandas

        return pandas.DataFrame.from_records(self.data, columns=self.columns)

    def iterrows(self) -> Iterator[tuple[int, list[Any]]]:
        """(index, row) pairs."""
        yield from enumerate(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Table) and (self.columns, self.data) == (other.columns, other.data)

    __hash__ = None  # type: ignore[assignment]

    # --- logging ---------------------------------------------------------------------------

    def _prepare(self, key: str) -> Any:
        """Snapshot the rows to store (checked cell by cell) on the caller's thread."""
        if self._logged_version is not None and (
            self.log_mode == "IMMUTABLE" or self._logged_version == self._version
        ):
            return ReusePending(self)
        rows = self.data
        start = self._last_logged if self.log_mode == "INCREMENTAL" else 0
        if start >= len(rows) and self._logged_version is not None:
            return ReusePending(self)
        selected = rows[start : start + self.MAX_ROWS]
        if len(rows) - start > self.MAX_ROWS:
            _warn_once(
                key,
                "rows",
                f"runbase: Table {key!r} has {len(rows) - start} rows; the run keeps the first "
                f"{self.MAX_ROWS} (Table.MAX_ROWS). Log a sample, or split it into several tables",
            )
        saved = (self._logged_version, self._increment_num, self._last_logged)
        media: list[Any] = []
        out_rows = []
        for r, row in enumerate(selected):
            out: list[Any] = []
            for c, value in enumerate(row):
                where = f"log: Table {key!r} row {start + r}, column {self.columns[c]!r}"
                out.append(cell(value, where, media, out))
            out_rows.append(out)
        body = {
            "_type": self._log_type,
            "column_types": column_types(self.columns, self._kinds),
            "columns": list(self.columns),
            "data": out_rows,
            "ncols": len(self.columns),
            "nrows": len(out_rows),
            "log_mode": self.log_mode,
        }
        extra: dict[str, Any] = {
            "ncols": len(self.columns),
            "nrows": len(rows),
            "log_mode": self.log_mode,
        }
        if self.log_mode == "INCREMENTAL":
            self._increment_num += 1
            self._last_logged = len(rows)
            extra = {"increment_num": self._increment_num, **extra, "nrows": len(out_rows)}
        self._logged_version = self._version
        pending = TablePending(self, body, media, extra)
        pending.undo = lambda: self._restore(saved)
        return pending

    def _restore(self, saved: tuple[int | None, int, int]) -> None:
        """Forget a log() that failed after this table was prepared."""
        self._logged_version, self._increment_num, self._last_logged = saved
