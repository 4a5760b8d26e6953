"""Events written as rows: one parameter tuple per event, one executemany per table.

The ORM unit of work costs about four times what the rows cost to write; an event is
append-only, single-table and has no relationships, so its columns are everything to
write. :func:`insert_rows` takes events as (class, column values) pairs — the attribute
dict of a transient ORM object or a plain dict — fills in the Python-side defaults
(``id``, ``recorded_at``: taken once per batch, one transaction being one moment), and
runs the INSERT compiled once per class through the driver with SQLAlchemy's own bind
processors (the timestamp one replaced on SQLite by an equivalent single call; checked
against SQLAlchemy's output in tests/test_groupcommit.py).

Used by the group-commit writer (:mod:`hmi.store.groupcommit`) and by
:func:`hmi.store.events.append_rows` (the app's machine facts). Qt-free (hmi.store).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from hmi.store.base import UTCDateTime


@dataclass(frozen=True)
class _ColumnPlan:
    attr: str
    param: str
    default: Any  # sqlalchemy ColumnDefault (Python-side) or None
    server_default: bool


_PLANS: dict[type, tuple[Any, list[_ColumnPlan]]] = {}


def _plan(cls: type) -> tuple[Any, list[_ColumnPlan]]:
    """The table and the columns of an event class, with their Python-side defaults."""
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    mapper = sa_inspect(cls)
    if len(mapper.tables) != 1 or mapper.inherits is not None or mapper.relationships:
        raise ValueError(f"{cls.__name__}: the event writer takes single-table event classes "
                         "without relationships (set foreign keys as columns)")
    cols = []
    for prop in mapper.column_attrs:
        col = prop.columns[0]
        default = col.default if col.default is not None and not col.default.is_sequence else None
        cols.append(_ColumnPlan(prop.key, col.key, default, col.server_default is not None))
    plan = (mapper.local_table, cols)
    _PLANS[cls] = plan
    return plan


_STATEMENTS: dict[tuple[Any, Any, tuple[str, ...]], tuple[str, list[Any]]] = {}


def _fast_processor(dialect: Any, column: Any, proc: Any) -> Any:
    """SQLAlchemy's bind processor, except for the timestamps every event carries on
    SQLite: UTCDateTime then DATETIME make ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC through
    four Python calls; one ``isoformat`` makes the same text (checked against SQLAlchemy's
    own output in tests/test_groupcommit.py)."""
    if dialect.name != "sqlite" or proc is None or not isinstance(column.type, UTCDateTime):
        return proc
    utc = dt.UTC

    def utc_text(value: dt.datetime) -> str:
        if value.tzinfo is None or value.year < 1000:  # refused / unusual: SQLAlchemy's way
            return proc(value)
        return value.astimezone(utc).replace(tzinfo=None).isoformat(" ", "microseconds")

    return utc_text


def _statement(dialect: Any, table: Any, keys: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The INSERT for ``keys`` compiled once for ``dialect`` (qmark), with the bind
    processors SQLAlchemy itself would apply to each value (UTC timestamps, UUIDs, JSON)."""
    cache_key = (dialect, table, keys)
    found = _STATEMENTS.get(cache_key)
    if found is None:
        compiled = table.insert().compile(dialect=dialect, column_keys=list(keys))
        order = list(compiled.positiontup)
        if sorted(order) != sorted(keys):
            raise RuntimeError(f"unexpected INSERT parameters for {table.name}: {order}")
        procs = [_fast_processor(dialect, table.c[k],
                                 table.c[k].type.dialect_impl(dialect).bind_processor(dialect))
                 for k in order]
        found = (str(compiled), list(zip(order, procs, strict=True)))
        _STATEMENTS[cache_key] = found
    return found


#: One event as the writers handle it: its class and its column values. For an ORM event
#: the values are the object's own attribute dict (a transient object, never added to a
#: session: the plain dict is its state), for a row submitted with ``submit_row`` the dict.
Item = tuple[type, dict[str, Any]]


#: Marks a timestamp default taken once per batch (its value and its text reused).
_BATCH_NOW = 2

_FAST: dict[tuple[Any, type], tuple[str, list[tuple[str, bool, Any, Any]]] | None] = {}


def _fast_plan(dialect: Any, cls: type) -> tuple[str, list[tuple[str, bool, Any, Any]]] | None:
    """For SQLite: the INSERT of every column of ``cls`` and, per column, (attribute, is
    the default callable, the default, bind processor) — so an event becomes its parameter
    tuple in one pass. None for a class with server-side defaults (generic path)."""
    key = (dialect, cls)
    if key in _FAST:
        return _FAST[key]
    table, cols = _plan(cls)
    plan = None
    if dialect.paramstyle == "qmark" and not any(c.server_default for c in cols):
        sql, binds = _statement(dialect, table, tuple(c.param for c in cols))
        by_param = {c.param: c for c in cols}
        steps = []
        for param, proc in binds:
            c = by_param[param]
            d = c.default
            if d is not None and d.is_callable and isinstance(table.c[param].type, UTCDateTime):
                # "now" (recorded_at): one transaction, one time — taken once per batch
                steps.append((c.attr, _BATCH_NOW, d.arg, proc))
                continue
            steps.append((c.attr, bool(d is not None and d.is_callable),
                          None if d is None else d.arg, proc))
        plan = (sql, steps)
    _FAST[key] = plan
    return plan


def insert_rows(session: Session, items: list[Item]) -> None:
    """INSERT the events as rows, one executemany per table, filling the Python-side
    column defaults into the values too (a confirmed event carries its ``id`` and
    ``recorded_at``). Events have no relationships (checked), so their columns are
    everything to write. About four times faster than the ORM unit of work; on SQLite the
    statement is compiled once and executed through the driver with SQLAlchemy's bind
    processors (two of them replaced by equivalent faster ones; docs/durability.md)."""
    conn = session.connection()
    dialect = conn.dialect
    fast: dict[str, list[tuple[Any, ...]]] = {}
    slow: list[Item] = []
    now: Any = None
    now_text: Any = None
    for cls, state in items:
        plan = _fast_plan(dialect, cls)
        if plan is None:
            slow.append((cls, state))
            continue
        sql, steps = plan
        values = []
        for attr, dcall, darg, proc in steps:
            v = state.get(attr)
            if v is None and darg is not None:
                if dcall is _BATCH_NOW:
                    if now is None:
                        now = darg(None)
                        now_text = proc(now)
                    state[attr] = now
                    values.append(now_text)
                    continue
                v = darg(None) if dcall else darg
                state[attr] = v
            values.append(v if v is None or proc is None else proc(v))
        params = fast.get(sql)
        if params is None:
            params = fast[sql] = []
        params.append(tuple(values))
    for sql, params in fast.items():
        conn.exec_driver_sql(sql, params)
    if slow:
        _insert_generic(conn, slow)


def _insert_generic(conn: Any, items: list[Item]) -> None:
    """Column-by-column rows (classes with server-side defaults, other dialects)."""
    groups: dict[tuple[Any, tuple[str, ...]], list[dict[str, Any]]] = {}
    for cls, state in items:
        table, cols = _plan(cls)
        row: dict[str, Any] = {}
        for c in cols:
            if c.attr in state and (state[c.attr] is not None or c.default is None):
                row[c.param] = state[c.attr]
            elif c.default is not None:
                value = c.default.arg(None) if c.default.is_callable else c.default.arg
                state[c.attr] = value
                row[c.param] = value
            elif not c.server_default:
                row[c.param] = None
        groups.setdefault((table, tuple(row)), []).append(row)
    dialect = conn.dialect
    for (table, keys), rows in groups.items():
        if dialect.paramstyle != "qmark":
            conn.execute(table.insert(), rows)
            continue
        sql, binds = _statement(dialect, table, keys)
        params = []
        for row in rows:
            values = []
            for k, proc in binds:
                v = row[k]
                values.append(v if proc is None or v is None else proc(v))
            params.append(tuple(values))
        conn.exec_driver_sql(sql, params)
