"""Group commit: many events, one durable transaction, each submitter told after the commit.

With WAL and ``synchronous=FULL`` every commit waits for an fsync of the WAL; one
transaction per event caps a station at a few hundred to a few thousand events a
second, whatever the CPU. :class:`GroupCommitWriter` owns one writer thread that
takes every event submitted while the previous commit was on its way to the disk
(or within ``max_delay_s`` of the first one, up to ``max_batch`` events), numbers
them with one counter update per station (the statement of
:func:`hmi.store.events.append_events`), inserts them with one executemany per table
and commits them in ONE transaction. Only then is each submitter's
:class:`~concurrent.futures.Future` resolved — with its events, ``seq`` set — so a
confirmation the operator sees is never ahead of the disk.

Guarantees (tests/test_groupcommit.py, tests/test_kill.py):

* a resolved future means the events are committed (``synchronous=FULL``: on disk);
* seq stays gap-free per station: a batch that fails is rolled back whole, then
  its submissions are retried one transaction each, so one bad event fails only
  its own future (with the database's reason) and never its neighbours;
* the events of one :meth:`~GroupCommitWriter.submit_many` call get consecutive
  seq numbers and are committed together or not at all;
* order per station is submission order (one queue, one thread);
* :meth:`~GroupCommitWriter.close` writes everything already submitted before it
  returns; a submission after ``close`` is refused (:class:`WriterClosed`).

Qt-free (hmi.store). The writer opens its own sessions from the session factory;
events handed to it must not be touched by the caller until their future resolves.

A second writer thread in the process next to the DbWorker: SQLite serialises the
two (``busy_timeout``); a DbWorker transaction that *reads before it writes* may
then fail with ``SQLITE_BUSY`` (a stale WAL snapshot) when this writer committed in
between — route event writes of such services through the writer (or run both on
one thread) before sharing a store under load. See docs/durability.md.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, sessionmaker

from hmi.store.base import EventMixin
from hmi.store.events import reserve_seqs

log = logging.getLogger(__name__)
E = TypeVar("E", bound=EventMixin)


class WriterClosed(RuntimeError):
    """The writer was closed; nothing submitted now would be written."""


class WriterOverloaded(RuntimeError):
    """More events are waiting than ``max_pending`` allows and none drained in time."""


@dataclass
class _Submission:
    events: list[Any]
    future: Future
    submitted: float = field(default_factory=time.perf_counter)
    single: bool = False


@dataclass
class CommitStats:
    """Running totals of a writer (read them from any thread; values are approximate
    while the writer runs)."""

    commits: int = 0
    events: int = 0
    failed_events: int = 0
    largest_batch: int = 0
    #: Seconds from submit to confirmation of the last ``keep`` submissions.
    latencies: list[float] = field(default_factory=list)
    keep: int = 200_000

    def note_latency(self, seconds: float) -> None:
        if len(self.latencies) < self.keep:
            self.latencies.append(seconds)


_STOP = object()


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
        procs = [table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in order]
        found = (str(compiled), list(zip(order, procs, strict=True)))
        _STATEMENTS[cache_key] = found
    return found


def _insert_rows(session: Session, events: list[Any]) -> None:
    """INSERT the events as rows, one executemany per table, filling the Python-side
    column defaults into the objects too (a confirmed event carries its ``id`` and
    ``recorded_at``). Events have no relationships (checked), so their columns are
    everything to write. About four times faster than the ORM unit of work; on SQLite the
    statement is compiled once and executed through the driver with SQLAlchemy's own
    bind processors (docs/durability.md)."""
    groups: dict[tuple[Any, tuple[str, ...]], list[dict[str, Any]]] = {}
    for e in events:
        table, cols = _plan(type(e))
        state = e.__dict__
        row: dict[str, Any] = {}
        for c in cols:
            if c.attr in state and (state[c.attr] is not None or c.default is None):
                row[c.param] = state[c.attr]
            elif c.default is not None:
                value = c.default.arg(None) if c.default.is_callable else c.default.arg
                # A transient object that is never added to a session: the plain attribute
                # dict is its state (no change tracking needed).
                state[c.attr] = value
                row[c.param] = value
            elif not c.server_default:
                row[c.param] = None
        groups.setdefault((table, tuple(row)), []).append(row)
    conn = session.connection()
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


class GroupCommitWriter:
    """One writer thread committing submitted events in groups.

    ``on_commit(events)`` (optional) runs on the writer thread after each successful
    commit, with the committed events in seq order, after the futures were resolved;
    an exception there is logged and does not affect the writer.
    """

    def __init__(self, session_factory: sessionmaker[Session], *, max_batch: int = 5000,
                 max_delay_s: float = 0.0, max_pending: int = 100_000,
                 on_commit: Callable[[list[Any]], None] | None = None,
                 name: str = "hmi-groupcommit") -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        if max_delay_s < 0:
            raise ValueError("max_delay_s must be >= 0")
        self._sf = session_factory
        self.max_batch = max_batch
        self.max_delay_s = max_delay_s
        # A deque and an Event, not queue.Queue: append is atomic and lock-free, which
        # halves the per-event cost of submitting (measured in bench/event_write.py).
        self._queue: deque[Any] = deque()
        self._wake = threading.Event()
        self.max_pending = max(1, max_pending)
        self._on_commit = on_commit
        self._closed = False
        self._lock = threading.Lock()
        self._carry: _Submission | None = None
        self.stats = CommitStats()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # -- submitting (any thread) ---------------------------------------------------------
    def submit(self, event: E, *, timeout: float | None = 10.0) -> Future[E]:
        """Queue one event; the future resolves to it (``seq`` set) once committed."""
        return self._put(_Submission([event], Future(), single=True), timeout)

    def submit_many(self, events: Sequence[E], *, timeout: float | None = 10.0
                    ) -> Future[list[E]]:
        """Queue events that are committed together with consecutive seq numbers
        (all of one station); the future resolves to the list once committed."""
        events = list(events)
        fut: Future[list[E]] = Future()
        if not events:
            fut.set_result(events)
            return fut
        return self._put(_Submission(events, fut), timeout)

    def write(self, event: E, *, timeout: float | None = 30.0) -> E:
        """Submit one event and wait for its commit (convenience for worker threads)."""
        return self.submit(event).result(timeout)

    def _put(self, sub: _Submission, timeout: float | None) -> Future:
        station = sub.events[0].station_id
        if not station or any(e.station_id != station for e in sub.events):
            raise ValueError("each submission takes events of one station, each with its "
                             "station_id")
        if len(self._queue) >= self.max_pending:
            deadline = None if timeout is None else time.monotonic() + timeout
            while len(self._queue) >= self.max_pending:
                if deadline is not None and time.monotonic() >= deadline:
                    raise WriterOverloaded(
                        f"{self.max_pending} submissions are waiting to be written; the disk "
                        "cannot keep up — the event was not recorded")
                time.sleep(0.001)
        with self._lock:  # never behind the stop mark: its future would never resolve
            if self._closed:
                raise WriterClosed("the event writer is closed; the event was not recorded")
            self._queue.append(sub)
        if not self._wake.is_set():
            self._wake.set()
        return sub.future

    # -- shutting down ------------------------------------------------------------------
    def close(self, timeout: float | None = 30.0) -> None:
        """Write everything submitted so far, then stop the thread (idempotent)."""
        with self._lock:
            if self._closed:
                already = True
            else:
                already = False
                self._closed = True
        if not already:
            self._queue.append(_STOP)
            self._wake.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("event writer did not finish within %s s", timeout)

    def __enter__(self) -> GroupCommitWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pending(self) -> int:
        """Submissions waiting for the writer (approximate)."""
        return len(self._queue)

    # -- the writer thread ----------------------------------------------------------------
    def _run(self) -> None:
        stop = False
        while not stop:
            batch, stop = self._gather()
            if batch:
                self._write(batch)

    def _gather(self) -> tuple[list[_Submission], bool]:
        """Block for the first submission, then take what else is waiting (or arrives
        within ``max_delay_s``) up to ``max_batch`` events."""
        batch: list[_Submission] = []
        n = 0
        first: Any = self._carry
        self._carry = None
        if first is None:
            first = self._next(None)
            if first is _STOP:
                return batch, True
        if first.future.set_running_or_notify_cancel():  # not cancelled while it waited
            batch.append(first)
            n += len(first.events)
        deadline = time.perf_counter() + self.max_delay_s
        while n < self.max_batch:
            left = deadline - time.perf_counter()
            item = self._next(left if left > 0 else 0.0)
            if item is None:
                break
            if item is _STOP:
                return batch, True
            if n + len(item.events) > self.max_batch and batch:
                self._carry = item  # never split a submission; it leads the next batch
                break
            if not item.future.set_running_or_notify_cancel():
                continue
            batch.append(item)
            n += len(item.events)
        return batch, False

    def _next(self, timeout: float | None) -> Any:
        """The oldest waiting submission (or _STOP); None when none came within
        ``timeout`` (None: wait for ever)."""
        q = self._queue
        while True:
            try:
                return q.popleft()
            except IndexError:
                pass
            if timeout is not None and timeout <= 0:
                return None
            self._wake.clear()
            if q:  # appended between popleft and clear: its set() may have been cleared
                continue
            if not self._wake.wait(timeout) and timeout is not None:
                timeout = 0.0  # one last look, then give up

    def _write(self, batch: list[_Submission]) -> None:
        try:
            committed = self._commit(batch)
        except Exception as exc:  # noqa: BLE001 - isolate the bad submission below
            if len(batch) == 1:
                self._fail(batch[0], exc)
                return
            log.warning("group commit of %d submissions failed (%s); writing them one by one",
                        len(batch), exc)
            committed = []
            for sub in batch:
                try:
                    committed.extend(self._commit([sub]))
                except Exception as one_exc:  # noqa: BLE001 - reported to its submitter
                    self._fail(sub, one_exc)
        if committed:
            self._after_commit(committed)

    def _commit(self, batch: list[_Submission]) -> list[Any]:
        """One transaction for the batch; resolves the futures after the commit."""
        by_station: dict[str, list[Any]] = {}
        for sub in batch:
            by_station.setdefault(sub.events[0].station_id, []).extend(sub.events)
        with self._sf() as session:
            with session.begin():
                for station, events in by_station.items():
                    first = reserve_seqs(session, station, len(events))
                    for i, e in enumerate(events):
                        e.__dict__["seq"] = first + i  # transient objects, see _insert_rows
                _insert_rows(session, [e for events in by_station.values() for e in events])
            # Committed (and, with synchronous=FULL, on disk): now tell the submitters.
        now = time.perf_counter()
        stats = self.stats
        n = 0
        for sub in batch:
            sub.future.set_result(sub.events[0] if sub.single else sub.events)
            stats.note_latency(now - sub.submitted)
            n += len(sub.events)
        stats.commits += 1
        stats.events += n
        stats.largest_batch = max(stats.largest_batch, n)
        return [e for events in by_station.values() for e in events]

    def _fail(self, sub: _Submission, exc: BaseException) -> None:
        self.stats.failed_events += len(sub.events)
        log.error("event write failed, %d event(s) not recorded: %s", len(sub.events), exc)
        for e in sub.events:  # a retry must number them afresh
            e.seq = None
        sub.future.set_exception(exc)

    def _after_commit(self, events: list[Any]) -> None:
        if self._on_commit is None:
            return
        try:
            self._on_commit(events)
        except Exception:  # noqa: BLE001 - the events are committed; only the hook failed
            log.exception("on_commit hook failed")
