"""Mongo-style run filters and sort keys, translated to SQL.

Fields: ``id name state tags group job_type user host sweep notes created_at
heartbeat_at runtime``, ``config.<key>`` and ``summary.<key>`` (nested keys
joined with dots), and the statistics of a history key: ``min:<key>``,
``max:<key>``, ``last:<key>``, ``count:<key>``. W&B's spellings are accepted too
(``display_name``, ``createdAt``, ``jobType``, ``username``, ``duration``,
``summary_metrics.<key>``, ``config.<key>.value``).

Operators: ``$and $or $nor`` over lists of filters; ``$eq $ne $gt $gte $lt $lte
$in $nin $exists $regex`` on a field. A bare value means ``$eq``. As in MongoDB,
``$ne`` and ``$nin`` also match runs that lack the field, ``{"tags": "x"}``
matches runs tagged x, and ``{"field": None}`` matches a null or missing field.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from runbase.store.db.regex import compile_pattern
from runbase.store.db.schema import run_keys, run_tags, run_values, runs
from runbase.store.db.values import leaf, safe

_json_decode = msgspec.json.decode

_COLUMNS = {
    "id": "run_id",
    "name": "name",
    "display_name": "name",
    "displayName": "name",
    "state": "state",
    "group": "run_group",
    "job_type": "job_type",
    "jobType": "job_type",
    "user": "user",
    "username": "user",
    "host": "host",
    "sweep": "sweep_id",
    "notes": "notes",
    "created_at": "created_at",
    "createdAt": "created_at",
    "heartbeat_at": "heartbeat_at",
    "heartbeatAt": "heartbeat_at",
    "runtime": "runtime",
    "duration": "runtime",
}
_TIMES = {"created_at", "heartbeat_at"}
_STATS = {"min": "vmin", "max": "vmax", "last": "last_num", "count": "count"}
_COMPARE = {"$gt": "__gt__", "$gte": "__ge__", "$lt": "__lt__", "$lte": "__le__"}
_FIELD_OPS = {"$eq", "$ne", "$in", "$nin", "$exists", "$regex", *_COMPARE}
# Leaf types that share vnum/vstr with another type ("b" with "n", "f" with "z" and
# missing, "j" with "s"): a config/summary sort key adds the type for these.
TIE_TYPES = ("b", "f", "j")


def where(filters: dict[str, Any] | None, per_run: bool = False) -> ColumnElement[bool]:
    """The SQL condition on ``runs`` for a filter document (None: everything).

    By default a config/summary or tags term reads its rows once for all the runs
    (``_passing_runs``); ``per_run`` looks each run's value up instead, for a few
    runs only (the candidates of ``sort_walk``).
    """
    if filters is None:
        return sa.true()
    if not isinstance(filters, dict):
        raise ValueError(f"filters must be a dict, got {type(filters).__name__}")
    return _doc(filters, per_run)


def _doc(doc: dict[str, Any], per_run: bool) -> ColumnElement[bool]:
    parts = []
    for key, value in doc.items():
        if not isinstance(key, str):
            raise ValueError(f"filter keys must be strings, got {key!r}")
        if key in ("$and", "$or", "$nor"):
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise ValueError(f"{key} needs a list of filters, got {value!r}")
            subs = [_doc(v, per_run) for v in value]
            if key == "$and":
                parts.append(sa.and_(sa.true(), *subs))
            elif key == "$or":
                parts.append(sa.or_(sa.false(), *subs))
            else:
                parts.append(sa.not_(sa.or_(sa.false(), *subs)))
        elif key.startswith("$"):
            raise ValueError(
                f"unknown operator {key!r} at the top of a filter (use $and, $or, $nor "
                "or a field name)"
            )
        else:
            parts.append(_field(key, value, per_run))
    return sa.and_(sa.true(), *parts)


def _field(name: str, value: Any, per_run: bool) -> ColumnElement[bool]:
    target = _target(name, per_run)
    if isinstance(value, dict) and any(isinstance(k, str) and k.startswith("$") for k in value):
        conds = []
        for op, arg in value.items():
            if op not in _FIELD_OPS:
                raise ValueError(
                    f"unknown operator {op!r} in the filter on {name!r}; use one of "
                    + " ".join(sorted(_FIELD_OPS))
                )
            conds.append(target.op(op, arg))
        return sa.and_(*conds)
    if isinstance(value, dict):
        raise ValueError(
            f"the filter on {name!r} is a dict without operators; compare nested keys "
            f"with dotted names such as {name}.<key>, or use an operator like $eq"
        )
    return target.op("$eq", value)


def order_by(order: str | list[str] | None) -> list[tuple[str, bool]]:
    """Parse ``"-summary.loss"``-style sort keys into (field, descending) pairs."""
    if order is None or order == "":
        return [("created_at", True)]
    items = order.split(",") if isinstance(order, str) else list(order)
    out = []
    for item in items:
        item = item.strip()
        desc = item.startswith("-")
        name = item.lstrip("+-")
        if not name:
            raise ValueError(f"empty sort key in order {order!r}")
        _target(name)  # validates the name
        out.append((name, desc))
    return out


def sort_columns(name: str) -> tuple[list[ColumnElement[Any]], Any]:
    """Column expressions to sort by for a field, and the outer join they need (or None)."""
    target = _target(name)
    return target.sort()


def sort_values(name: str, rows: list[tuple[Any, ...]], exact: bool = False) -> list[Any]:
    """The field's values back from rows of its ``sort_columns``, as a run dict
    shows them (JSON-safe unless ``exact``)."""
    target = _target(name)
    return [target.value(parts, exact) for parts in rows]


class Walk(NamedTuple):
    """The runs holding a non-null value of a field, in an index's order: select
    ``value`` from ``source`` where ``conds``, ordered by ``value`` (``conds`` alone
    name the index rows, of every project for a config/summary key). Read backwards,
    equal values come by ``rid`` descending, as a descending sort has them, except
    at the values in ``mixed`` (where runs of another type can tie)."""

    source: Any
    value: Any
    rid: Any
    conds: list[Any]
    mixed: tuple[Any, ...]


def sort_walk(name: str, entity: str, project: str) -> Walk | None:
    """A ``Walk`` for a field whose value an index keeps in sort order, else None.

    The value is the first of the field's ``sort_columns``: when the n-th run that
    passes a filter has value v, a page within the first n runs holds only runs
    whose value is v or before it (``query_runs`` bounds a page so).
    """
    return _target(name).walk(entity, project)


class _Target:
    """One filterable field: builds conditions for each operator."""

    name: str

    def op(self, op: str, arg: Any) -> ColumnElement[bool]:
        if op == "$exists":
            if not isinstance(arg, bool):
                raise ValueError(f"$exists on {self.name!r} needs true or false, got {arg!r}")
            return self.exists() if arg else sa.not_(self.exists())
        if op == "$eq":
            return self.eq(arg)
        if op == "$ne":
            return sa.not_(self.eq(arg))
        if op in ("$in", "$nin"):
            if not isinstance(arg, list | tuple):
                raise ValueError(f"{op} on {self.name!r} needs a list, got {arg!r}")
            cond = self.eq_any(list(arg))
            return cond if op == "$in" else sa.not_(cond)
        if op == "$regex":
            compile_pattern(arg, f"$regex on {self.name!r}")  # RE2 syntax, checked up front
            return self.regex(arg)
        if isinstance(arg, bool) or not isinstance(arg, int | float | str) or _nan(arg):
            raise ValueError(f"{op} on {self.name!r} needs a number or a string, got {arg!r}")
        return self.compare(_COMPARE[op], _int64(arg))

    def exists(self) -> ColumnElement[bool]:
        raise NotImplementedError

    def eq(self, arg: Any) -> ColumnElement[bool]:
        raise NotImplementedError

    def eq_any(self, args: list[Any]) -> ColumnElement[bool]:
        """Equal to one of ``args`` (``$in``)."""
        return sa.or_(sa.false(), *[self.eq(v) for v in args])

    def compare(self, method: str, arg: Any) -> ColumnElement[bool]:
        raise NotImplementedError

    def regex(self, pattern: str) -> ColumnElement[bool]:
        raise NotImplementedError

    def sort(self) -> tuple[list[ColumnElement[Any]], Any]:
        raise NotImplementedError

    def walk(self, entity: str, project: str) -> Walk | None:
        return None

    def value(self, parts: tuple[Any, ...], exact: bool) -> Any:
        return parts[0]


def _nan(v: Any) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _int64(v: Any) -> Any:
    # A database integer parameter is 64-bit (SQLite raises OverflowError past it):
    # a bigger int compares as the float it rounds to, like the stored numbers do.
    if isinstance(v, int) and not isinstance(v, bool) and not -(2**63) <= v < 2**63:
        return float(v)
    return v


class _Column(_Target):
    def __init__(self, name: str, column: Any, convert: Callable[[Any], Any] | None) -> None:
        self.name = name
        self.col = column
        self.convert = convert or (lambda v: v)

    def exists(self) -> ColumnElement[bool]:
        return self.col.is_not(None)

    def eq(self, arg: Any) -> ColumnElement[bool]:
        if arg is None:
            return self.col.is_(None)
        if isinstance(arg, list | dict):
            raise ValueError(f"{self.name!r} cannot equal a list or dict ({arg!r})")
        return sa.and_(self.col.is_not(None), self.col == _int64(self.convert(arg)))

    def compare(self, method: str, arg: Any) -> ColumnElement[bool]:
        return sa.and_(self.col.is_not(None), getattr(self.col, method)(self.convert(arg)))

    def regex(self, pattern: str) -> ColumnElement[bool]:
        return sa.and_(self.col.is_not(None), self.col.regexp_match(pattern))

    def sort(self) -> tuple[list[ColumnElement[Any]], Any]:
        return [self.col], None

    def walk(self, entity: str, project: str) -> Walk | None:
        if self.col is not runs.c.name:
            return None  # of the run fields only the name has an index in that order
        listed = [runs.c.entity == entity, runs.c.project == project, runs.c.started == sa.true()]
        return Walk(runs, self.col, runs.c.rid, [*listed, self.col.is_not(None)], ())


def _time(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} is not a time (use ISO 8601 or Unix seconds)") from None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.timestamp()
    raise ValueError(f"{value!r} is not a time (use ISO 8601 or Unix seconds)")


class _Tags(_Target):
    name = "tags"

    def __init__(self, per_run: bool) -> None:
        self.per_run = per_run

    def _has(self, cond: ColumnElement[bool]) -> ColumnElement[bool]:
        return _runs_with(run_tags, self.per_run, cond)

    def exists(self) -> ColumnElement[bool]:
        return self._has(sa.true())

    def eq(self, arg: Any) -> ColumnElement[bool]:
        if isinstance(arg, list | tuple):
            return sa.and_(sa.true(), *[self.eq(v) for v in arg])
        if not isinstance(arg, str):
            raise ValueError(f"tags are strings; cannot compare them with {arg!r}")
        return self._has(run_tags.c.tag == arg)

    def compare(self, method: str, arg: Any) -> ColumnElement[bool]:
        raise ValueError("tags support $eq $ne $in $nin $exists $regex, not $gt/$lt")

    def regex(self, pattern: str) -> ColumnElement[bool]:
        return self._has(run_tags.c.tag.regexp_match(pattern))

    def sort(self) -> tuple[list[ColumnElement[Any]], Any]:
        first = (
            sa.select(sa.func.min(run_tags.c.tag))
            .where(run_tags.c.rid == runs.c.rid)
            .scalar_subquery()
        )
        return [first], None


class _Value(_Target):
    """A config or summary leaf, in ``run_values``."""

    def __init__(self, name: str, section: str, keys: list[str], per_run: bool) -> None:
        self.name = name
        self.section = section
        self.keys = keys
        self.per_run = per_run

    def _has(self, cond: ColumnElement[bool]) -> ColumnElement[bool]:
        key = (
            run_values.c.key.in_(self.keys)
            if len(self.keys) > 1
            else run_values.c.key == self.keys[0]
        )
        return _runs_with(run_values, self.per_run, run_values.c.section == self.section, key, cond)

    def exists(self) -> ColumnElement[bool]:
        return self._has(sa.true())

    def eq(self, arg: Any) -> ColumnElement[bool]:
        if arg is None:
            return sa.or_(self._has(run_values.c.vtype == "z"), sa.not_(self.exists()))
        return self._has(self._leaf_is(arg))

    def eq_any(self, args: list[Any]) -> ColumnElement[bool]:
        # One lookup of the run's leaf for all the values, not one per value.
        values = [v for v in args if v is not None]
        conds = [self.eq(None)] if len(values) < len(args) else []
        if values:
            conds.append(self._has(sa.or_(*[self._leaf_is(v) for v in values])))
        return sa.or_(sa.false(), *conds)

    def _leaf_is(self, arg: Any) -> ColumnElement[bool]:
        vtype, vnum, vstr = leaf(arg)
        if vtype in ("n", "b"):
            return sa.and_(run_values.c.vtype == vtype, run_values.c.vnum == vnum)
        if vtype == "f":
            return run_values.c.vtype == "f"
        return sa.and_(run_values.c.vtype == vtype, run_values.c.vstr == vstr)

    def compare(self, method: str, arg: Any) -> ColumnElement[bool]:
        if isinstance(arg, str):
            col, vtype = run_values.c.vstr, "s"
        else:
            # A range reads the key's rows along the primary key, where vtype is at
            # hand: along ix_run_values_num each row in range would cost a seek into
            # the table for its vtype, and a range often holds most of the runs.
            col, vtype = _unindexed(run_values.c.vnum), "n"
        return self._has(sa.and_(run_values.c.vtype == vtype, getattr(col, method)(arg)))

    def regex(self, pattern: str) -> ColumnElement[bool]:
        return self._has(
            sa.and_(run_values.c.vtype == "s", run_values.c.vstr.regexp_match(pattern))
        )

    def sort(self) -> tuple[list[ColumnElement[Any]], Any]:
        rv = run_values.alias()
        on = sa.and_(
            rv.c.rid == runs.c.rid, rv.c.section == self.section, rv.c.key == self.keys[-1]
        )
        # Numbers sort before strings; bools with numbers (as 0/1). The third key
        # only breaks ties between leaves that differ in type but not in vnum/vstr
        # (true and 1, NaN and null/missing, a JSON list and the same text), so
        # equal values sit together (``group_counts`` relies on it).
        kind = sa.case((rv.c.vtype.in_(TIE_TYPES), rv.c.vtype), else_=sa.null())
        return [rv.c.vnum, rv.c.vstr, kind], (rv, on)

    def walk(self, entity: str, project: str) -> Walk | None:
        # Along ix_run_values_num (section, key, vnum); strings have no vnum. An alias,
        # so that the filter's own lookups in run_values stay correlated to the run.
        rv = run_values.alias("walk")
        conds = [rv.c.section == self.section, rv.c.key == self.keys[-1], rv.c.vnum.is_not(None)]
        # A bool ties with the number 0 or 1, and sorts before it (its kind).
        return Walk(rv.join(runs, runs.c.rid == rv.c.rid), rv.c.vnum, rv.c.rid, conds, (0, 1))

    def value(self, parts: tuple[Any, ...], exact: bool) -> Any:
        vnum, vstr, kind = parts
        if kind == "b":
            return bool(vnum)
        if kind == "f":
            return math.nan if exact else "NaN"
        if kind == "j":  # JSON text of a list, an empty dict or an int beyond 64 bits
            try:
                return _json_decode(vstr)
            except (msgspec.DecodeError, TypeError):
                return vstr
        if vnum is not None:
            # An integral float came from an int (or a float such as 1.0: the
            # column keeps no difference, and JSON readers see none either).
            num = int(vnum) if vnum.is_integer() and abs(vnum) < 2**53 else vnum
            return num if exact else safe(num)
        return vstr  # a string, or None for null and missing


class _Stat(_Target):
    """min/max/last/count of a history key, from ``run_keys``."""

    def __init__(self, name: str, key: str, column: str) -> None:
        self.name = name
        self.key = key
        self.column = column

    def _value(self) -> Any:
        return (
            sa.select(run_keys.c[self.column])
            .where(run_keys.c.rid == runs.c.rid, run_keys.c.key == self.key)
            .scalar_subquery()
        )

    def exists(self) -> ColumnElement[bool]:
        return self._value().is_not(None)

    def eq(self, arg: Any) -> ColumnElement[bool]:
        if arg is None:
            return self._value().is_(None)
        if isinstance(arg, bool) or not isinstance(arg, int | float):
            raise ValueError(f"{self.name!r} is a number; cannot compare it with {arg!r}")
        return self._value() == _int64(arg)

    def compare(self, method: str, arg: Any) -> ColumnElement[bool]:
        if isinstance(arg, str):
            raise ValueError(f"{self.name!r} is a number; cannot compare it with {arg!r}")
        return getattr(self._value(), method)(arg)

    def regex(self, pattern: str) -> ColumnElement[bool]:
        raise ValueError(f"{self.name!r} is a number; $regex does not apply")

    def sort(self) -> tuple[list[ColumnElement[Any]], Any]:
        rk = run_keys.alias()
        on = sa.and_(rk.c.rid == runs.c.rid, rk.c.key == self.key)
        return [rk.c[self.column]], (rk, on)

    def value(self, parts: tuple[Any, ...], exact: bool) -> Any:
        return parts[0] if exact else safe(parts[0])


def _runs_with(table: sa.Table, per_run: bool, *conds: Any) -> ColumnElement[bool]:
    """The run has a row in ``table`` (run_values or run_tags) meeting ``conds``.

    SQLite reads the term's rows once (one range of the table) into a set and checks
    each run of a runs index against it: a correlated EXISTS seeks into the large
    table once per run and term, most of a filtered page's time at 100,000 runs
    (issue 15); ``per_run`` is that EXISTS, for a few runs. ``rid`` is kept off its
    index so that SQLite walks a narrow runs index instead of fetching each run's
    wide row by rid. PostgreSQL makes a semi-join of either form.
    """
    if per_run:
        return sa.exists().where(table.c.rid == runs.c.rid, *conds)
    return _unindexed(runs.c.rid).in_(sa.select(table.c.rid).where(*conds))


class _Unindexed(FunctionElement[Any]):
    """The column's value, which SQLite is to read without an index (a unary plus,
    SQLite's way to say so); PostgreSQL gets the plain column, since its planner
    makes a hash or merge join of the term and needs the column as it is."""

    inherit_cache = True

    def __init__(self, col: Any) -> None:
        super().__init__(col)
        self.type = col.type


@compiles(_Unindexed)
def _plain_column(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(_Unindexed, "sqlite")
def _plus_column(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


def _unindexed(col: Any) -> Any:
    return _Unindexed(col)


def _target(name: str, per_run: bool = False) -> _Target:
    if not isinstance(name, str) or not name:
        raise ValueError(f"bad filter field {name!r}")
    if name in _COLUMNS:
        column = runs.c[_COLUMNS[name]]
        return _Column(name, column, _time if _COLUMNS[name] in _TIMES else None)
    if name == "tags":
        return _Tags(per_run)
    for prefix, section in (("config.", "c"), ("summary.", "s"), ("summary_metrics.", "s")):
        if name.startswith(prefix) and len(name) > len(prefix):
            key = name[len(prefix) :]
            keys = [key]
            if section == "c" and key.endswith(".value") and len(key) > 6:
                # W&B addresses config values as config.<key>.value.
                keys = [key, key[:-6]]
            return _Value(name, section, keys, per_run)
    stat, sep, key = name.partition(":")
    if sep and stat in _STATS and key:
        return _Stat(name, key, _STATS[stat])
    raise ValueError(
        f"unknown filter field {name!r}; use id, name, state, tags, group, job_type, user, "
        "host, sweep, notes, created_at, heartbeat_at, runtime, config.<key>, summary.<key>, "
        "or min:/max:/last:/count:<history key>"
    )
