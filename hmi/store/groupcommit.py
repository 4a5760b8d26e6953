"""Group commit: many events, one durable transaction, each submitter told after the commit.

With WAL and ``synchronous=FULL`` every commit waits for an fsync of the WAL; one
transaction per event caps a station at a few hundred to a few thousand events a
second, whatever the CPU. :class:`GroupCommitWriter` owns one writer thread that
takes every event submitted while the previous commit was on its way to the disk
(or within ``max_delay_s`` of the first one, up to ``max_batch`` events), numbers
them with one counter update per station (the statement of
:func:`hmi.store.events.append_events`), inserts them with one executemany per table
and commits them in ONE transaction. Only then is each submitter's
:class:`Receipt` resolved — with its events, ``seq`` set — so a
confirmation the operator sees is never ahead of the disk.

Guarantees (tests/test_groupcommit.py, tests/test_kill.py):

* a resolved receipt means the events are committed (``synchronous=FULL``: on disk);
* seq stays gap-free per station: a batch that fails is rolled back whole, then
  its submissions are retried one transaction each, so one bad event fails only
  its own receipt (with the database's reason) and never its neighbours;
* the events of one :meth:`~GroupCommitWriter.submit_many` call get consecutive
  seq numbers and are committed together or not at all;
* order per station is submission order (one queue, one thread);
* :meth:`~GroupCommitWriter.close` writes everything already submitted before it
  returns; a submission after ``close`` is refused (:class:`WriterClosed`).

Qt-free (hmi.store). The writer opens its own sessions from the session factory;
events handed to it must not be touched by the caller until their receipt resolves.

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
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from hmi.store.base import EventMixin
from hmi.store.events import reserve_seqs
from hmi.store.rows import Item, insert_rows

log = logging.getLogger(__name__)
E = TypeVar("E", bound=EventMixin)


class WriterClosed(RuntimeError):
    """The writer was closed; nothing submitted now would be written."""


class WriterOverloaded(RuntimeError):
    """More events are waiting than ``max_pending`` allows and none drained in time."""


class Receipt:
    """The confirmation of one submission: resolves once its events are committed.

    A small stand-in for :class:`concurrent.futures.Future` (``result``, ``exception``,
    ``done``, ``add_done_callback``) without a lock and a condition of its own per
    submission: the writer wakes every waiter with one shared condition after each commit.
    That is a third of the per-event cost of the old futures (bench/event_write.py)."""

    __slots__ = ("_writer", "items", "single", "submitted", "_done", "_value", "_exc",
                 "_callbacks")

    def __init__(self, writer: GroupCommitWriter, items: list[tuple[type, dict]],
                 single: bool, value: Any) -> None:
        self._writer = writer
        self.items = items
        self.single = single
        self.submitted = time.perf_counter()
        self._done = False
        self._value = value  # what result() returns: the event, the row or the list
        self._exc: BaseException | None = None
        self._callbacks: list[Callable[[Receipt], None]] | None = None

    def done(self) -> bool:
        return self._done

    def result(self, timeout: float | None = None) -> Any:
        """The committed event(s) (``seq`` set); raises what made the write fail, or
        :class:`TimeoutError` when it was not committed within ``timeout`` seconds."""
        if not self._done:
            self._writer._wait(self, timeout)
        if self._exc is not None:
            raise self._exc
        return self._value

    def exception(self, timeout: float | None = None) -> BaseException | None:
        if not self._done:
            self._writer._wait(self, timeout)
        return self._exc

    def add_done_callback(self, fn: Callable[[Receipt], None]) -> None:
        """``fn(receipt)`` on the writer thread once resolved (now, if it already is)."""
        with self._writer._cond:
            if not self._done:
                if self._callbacks is None:
                    self._callbacks = []
                self._callbacks.append(fn)
                return
        fn(self)


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


class GroupCommitWriter:
    """One writer thread committing submitted events in groups.

    ``on_commit(events)`` (optional) runs on the writer thread after each successful
    commit, with the committed events (ORM objects and row dicts as submitted) in seq
    order, after the receipts were resolved; an exception there is logged and does not
    affect the writer.
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
        #: Every waiter sleeps on this one condition; the writer notifies it per commit.
        self._cond = threading.Condition(threading.Lock())
        self._carry: Receipt | None = None
        self.stats = CommitStats()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # -- submitting (any thread) ---------------------------------------------------------
    def submit(self, event: E, *, timeout: float | None = 10.0) -> Receipt:
        """Queue one ORM event; the receipt resolves to it (``seq`` set) once committed."""
        return self._put(Receipt(self, [(type(event), event.__dict__)], True, event), timeout)

    def submit_row(self, cls: type[E], values: dict[str, Any], *,
                   timeout: float | None = 10.0) -> Receipt:
        """Queue one event of ``cls`` given as its column values (attribute names) without
        building the ORM object — the fast path for machine data (an ORM object costs
        about 30 µs to build, more than writing it). The receipt resolves to ``values``
        with ``seq``, ``id`` and ``recorded_at`` filled in once committed. The dict is the
        writer's until then."""
        return self._put(Receipt(self, [(cls, values)], True, values), timeout)

    def submit_many(self, events: Sequence[E], *, timeout: float | None = 10.0) -> Receipt:
        """Queue events that are committed together with consecutive seq numbers
        (all of one station); the receipt resolves to the list once committed."""
        events = list(events)
        receipt = Receipt(self, [(type(e), e.__dict__) for e in events], False, events)
        if not events:
            receipt._done = True
            return receipt
        return self._put(receipt, timeout)

    def write(self, event: E, *, timeout: float | None = 30.0) -> E:
        """Submit one event and wait for its commit (convenience for worker threads)."""
        return self.submit(event).result(timeout)

    def _put(self, sub: Receipt, timeout: float | None) -> Receipt:
        items = sub.items
        station = items[0][1].get("station_id")
        if not station or (len(items) > 1
                           and any(v.get("station_id") != station for _, v in items)):
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
        with self._lock:  # never behind the stop mark: it would never resolve
            if self._closed:
                raise WriterClosed("the event writer is closed; the event was not recorded")
            self._queue.append(sub)
        if not self._wake.is_set():
            self._wake.set()
        return sub

    def _wait(self, receipt: Receipt, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not receipt._done:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError("the event was not committed in time")
                self._cond.wait(left)

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

    def _gather(self) -> tuple[list[Receipt], bool]:
        """Block for the first submission, then take what else is waiting (or arrives
        within ``max_delay_s``) up to ``max_batch`` events."""
        batch: list[Receipt] = []
        first: Any = self._carry
        self._carry = None
        if first is None:
            first = self._next(None)
            if first is _STOP:
                return batch, True
        batch.append(first)
        n = len(first.items)
        deadline = time.perf_counter() + self.max_delay_s
        while n < self.max_batch:
            left = deadline - time.perf_counter()
            item = self._next(left if left > 0 else 0.0)
            if item is None:
                break
            if item is _STOP:
                return batch, True
            if n + len(item.items) > self.max_batch:
                self._carry = item  # never split a submission; it leads the next batch
                break
            batch.append(item)
            n += len(item.items)
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

    def _write(self, batch: list[Receipt]) -> None:
        try:
            committed = self._commit(batch)
        except Exception as exc:  # noqa: BLE001 - isolate the bad submission below
            if len(batch) == 1:
                self._fail(batch[0], exc)
                self._resolved(batch)
                return
            log.warning("group commit of %d submissions failed (%s); writing them one by one",
                        len(batch), exc)
            committed = []
            for sub in batch:
                try:
                    committed.extend(self._commit([sub]))
                except Exception as one_exc:  # noqa: BLE001 - reported to its submitter
                    self._fail(sub, one_exc)
                    self._resolved([sub])
        if committed:
            self._after_commit(committed)

    def _commit(self, batch: list[Receipt]) -> list[Any]:
        """One transaction for the batch; resolves the receipts after the commit."""
        by_station: dict[str, list[Item]] = {}
        for sub in batch:
            by_station.setdefault(sub.items[0][1]["station_id"], []).extend(sub.items)
        with self._sf() as session:
            with session.begin():
                for station, items in by_station.items():
                    first = reserve_seqs(session, station, len(items))
                    for i, (_, state) in enumerate(items):
                        state["seq"] = first + i
                insert_rows(session, [it for items in by_station.values() for it in items])
            # Committed (and, with synchronous=FULL, on disk): now tell the submitters.
        now = time.perf_counter()
        stats = self.stats
        n = 0
        for sub in batch:
            sub._done = True
            stats.note_latency(now - sub.submitted)
            n += len(sub.items)
        self._resolved(batch)
        stats.commits += 1
        stats.events += n
        stats.largest_batch = max(stats.largest_batch, n)
        committed: list[Any] = []
        for sub in batch:
            if sub.single:
                committed.append(sub._value)
            else:
                committed.extend(sub._value)
        return committed

    def _resolved(self, batch: list[Receipt]) -> None:
        """Wake the waiters, then run the done-callbacks of the batch (writer thread)."""
        with self._cond:
            self._cond.notify_all()
            callbacks = [(sub, sub._callbacks) for sub in batch if sub._callbacks]
            for sub, _ in callbacks:
                sub._callbacks = None
        for sub, fns in callbacks:
            for fn in fns:
                try:
                    fn(sub)
                except Exception:  # noqa: BLE001 - a callback must not stop the writer
                    log.exception("event receipt callback failed")

    def _fail(self, sub: Receipt, exc: BaseException) -> None:
        self.stats.failed_events += len(sub.items)
        log.error("event write failed, %d event(s) not recorded: %s", len(sub.items), exc)
        for _, state in sub.items:  # a retry must number them afresh
            state["seq"] = None
        sub._exc = exc
        sub._done = True

    def _after_commit(self, events: list[Any]) -> None:
        if self._on_commit is None:
            return
        try:
            self._on_commit(events)
        except Exception:  # noqa: BLE001 - the events are committed; only the hook failed
            log.exception("on_commit hook failed")
