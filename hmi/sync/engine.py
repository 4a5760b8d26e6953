"""The sync engine: one run (push, pull, checks) and the loop around it (Qt-free).

``SyncEngine.run_once()`` connects to the central PostgreSQL if it is not connected, pushes
the backlog (for at most ``push_budget_s`` per run, so a long backlog still reports
progress), pulls master data, looks for orders started at another station too, measures
the clock skew, and returns a :class:`SyncReport`. When the central database is away the
report says so ("central database unreachable: …") and nothing local changes: the station
goes on writing its own store. ``run_forever`` repeats runs, at once while a backlog
remains, every ``interval_s`` when all is sent, and with a growing pause (``backoff``)
while the central database is away.

The password never lives in the station file: give ``password_file`` (mode 0600, one line)
or use libpq's own ``PGPASSFILE`` / ``~/.pgpass`` / ``PGPASSWORD`` (docs/sync.md).
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hmi.store.base import utcnow
from hmi.sync.models import SyncQuarantine
from hmi.sync.pull import Puller
from hmi.sync.push import DEFAULT_BATCH, Pusher, SyncError

log = logging.getLogger(__name__)

#: Clock difference to the central server beyond which the report warns.
CLOCK_SKEW_WARN_S = 5.0


def backoff(attempt: int, *, first: float = 1.0, cap: float = 60.0) -> float:
    """Pause before retry ``attempt`` (1, 2, 4 … seconds, at most ``cap``)."""
    return min(cap, first * (2 ** max(0, attempt - 1)))


@dataclass
class SyncReport:
    """What one run did and where sync stands afterwards."""

    online: bool = False
    pushed: dict[str, int] = field(default_factory=dict)     # new central rows per table
    pulled: dict[str, int] = field(default_factory=dict)     # versions copied in per table
    status_changed: dict[str, int] = field(default_factory=dict)
    pins_pulled: int = 0
    quarantined_new: int = 0                                 # refused in this run
    quarantined: int = 0                                     # unresolved entries in all
    backlog: int = 0                                         # events not yet confirmed
    oldest_unsent_s: float | None = None                     # age of the oldest of them
    cursor: int = 0
    last_seq: int = 0
    clock_skew_s: float | None = None                        # central clock minus ours
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)        # conflicts, skew, two starts
    duration_s: float = 0.0

    @property
    def pushed_total(self) -> int:
        return sum(self.pushed.values())


def central_conninfo(central_url: str, password_file: str | os.PathLike | None = None) -> str:
    """libpq conninfo for a SQLAlchemy (``postgresql+psycopg://``) or libpq URL.

    A password in the URL is refused (it would sit in the station file); it comes from
    ``password_file`` (which must not be readable by group or others) or from libpq's
    environment / passfile."""
    from psycopg.conninfo import make_conninfo
    from sqlalchemy.engine import make_url

    url = make_url(central_url)
    if url.get_backend_name() != "postgresql":
        raise SyncError(f"central_url must be a PostgreSQL URL, not {url.get_backend_name()}")
    if url.password:
        raise SyncError("central_url holds a password: remove it and give it in a 0600 "
                        "password file or libpq's PGPASSFILE instead (docs/sync.md)")
    params: dict[str, object] = {k: v for k, v in url.query.items()}
    if url.host:
        params["host"] = url.host
    if url.port:
        params["port"] = url.port
    if url.username:
        params["user"] = url.username
    if url.database:
        params["dbname"] = url.database
    if password_file:
        p = Path(password_file)
        try:
            mode = p.stat().st_mode
        except OSError as exc:
            raise SyncError(f"cannot read the central password file {p}: {exc}") from exc
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SyncError(f"the central password file {p} is readable by others: "
                            f"`chmod 600 {p}`")
        params["password"] = p.read_text().strip()
    return make_conninfo("", **params)


class SyncEngine:
    """Store-and-forward sync of one station with one central PostgreSQL."""

    def __init__(
        self,
        sqlite_session_factory: sessionmaker[Session],
        central_url: str,
        station_id: str,
        *,
        peer: str = "central",
        batch_size: int = DEFAULT_BATCH,
        password_file: str | os.PathLike | None = None,
        connect_timeout_s: int = 5,
        push_budget_s: float = 10.0,
        pull_every_s: float = 30.0,
        clock_skew_warn_s: float = CLOCK_SKEW_WARN_S,
    ) -> None:
        self._sf = sqlite_session_factory
        self.central_url = central_url
        self.station_id = station_id
        self.peer = peer
        self._password_file = password_file
        self._connect_timeout = connect_timeout_s
        self.push_budget_s = push_budget_s
        self.pull_every_s = pull_every_s
        self.clock_skew_warn_s = clock_skew_warn_s
        self.pusher = Pusher(sqlite_session_factory, station_id, peer, batch_size=batch_size)
        self.puller = Puller(sqlite_session_factory, station_id, peer)
        self._pg = None
        self._last_pull = -1e18
        self.last_report: SyncReport | None = None

    # ------------------------------------------------------------------ connection

    def _connect(self):
        if self._pg is not None and not self._pg.closed:
            return self._pg
        import psycopg

        conninfo = central_conninfo(self.central_url, self._password_file)
        self._pg = psycopg.connect(conninfo, autocommit=True,
                                   connect_timeout=self._connect_timeout,
                                   application_name=f"hmi-sync {self.station_id}"[:63])
        self._pg.execute("SET TIME ZONE 'UTC'")
        # The cursor moves when the central commit returns: it must be on disk by then,
        # whatever the server's default (a lost "committed" batch would never be resent).
        self._pg.execute("SET synchronous_commit TO on")
        return self._pg

    def close(self) -> None:
        if self._pg is not None:
            try:
                self._pg.close()
            finally:
                self._pg = None

    # ------------------------------------------------------------------ local status

    def local_status(self, report: SyncReport | None = None) -> SyncReport:
        """Backlog, oldest unsent age and quarantine count from the station's store alone."""
        r = report or SyncReport()
        r.cursor, r.last_seq = self.pusher.cursor_and_last()
        r.backlog = max(0, r.last_seq - r.cursor)
        oldest = self.pusher.oldest_unsent() if r.backlog else None
        r.oldest_unsent_s = (max(0.0, (utcnow() - oldest).total_seconds())
                             if oldest is not None else None)
        with self._sf() as s:
            r.quarantined = int(s.scalar(select(func.count()).select_from(SyncQuarantine).where(
                SyncQuarantine.peer == self.peer, SyncQuarantine.resolved_at.is_(None))) or 0)
        return r

    # ------------------------------------------------------------------ one run

    def run_once(self, *, push_budget_s: float | None = None) -> SyncReport:
        import psycopg

        started = time.monotonic()
        report = SyncReport()
        budget = self.push_budget_s if push_budget_s is None else push_budget_s
        try:
            pg = self._connect()
            report.online = True
            report.clock_skew_s = self._clock_skew(pg)
            if report.clock_skew_s is not None and abs(report.clock_skew_s) > \
                    self.clock_skew_warn_s:
                report.warnings.append(
                    f"the station clock is {report.clock_skew_s:+.1f} s off the central "
                    "server's: set the station's time source (NTP)")
            deadline = started + budget
            pushed = self.pusher.push(pg, until=lambda: time.monotonic() >= deadline)
            report.pushed = {k: v for k, v in pushed.pushed.items() if v}
            report.quarantined_new = len(pushed.quarantined)
            now = time.monotonic()
            if now - self._last_pull >= self.pull_every_s:
                pulled = self.puller.pull(pg)
                self._last_pull = now
                report.pulled = pulled.pulled
                report.status_changed = pulled.status_changed
                report.pins_pulled = pulled.pins
                report.quarantined_new += len(pulled.conflicts)
                report.warnings.extend(str(c) for c in pulled.conflicts)
                report.warnings.extend(self._orders_started_elsewhere(pg))
        except psycopg.OperationalError as exc:
            self.close()
            report.online = False
            report.errors.append(f"central database unreachable: {_first_line(exc)}")
        except SyncError as exc:
            report.errors.append(str(exc))
        except psycopg.Error as exc:
            # e.g. a permission the station's role lacks: the link is up, the run failed
            report.errors.append(f"central database refused the sync: {_first_line(exc)}")
            self.close()
        if report.errors:
            log.warning("sync with %s: %s", self.peer, "; ".join(report.errors))
        self.local_status(report)
        report.duration_s = time.monotonic() - started
        self.last_report = report
        return report

    def _clock_skew(self, pg) -> float | None:
        t0 = utcnow()
        central = pg.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
        t1 = utcnow()
        mid = t0 + (t1 - t0) / 2
        return (central - mid).total_seconds()

    def _orders_started_elsewhere(self, pg) -> list[str]:
        """Orders running here that another station started too (docs/sync.md)."""
        from hmi.store.models.orders import WorkOrderEvent

        with self._sf() as s:
            last = (select(WorkOrderEvent.order_code, func.max(WorkOrderEvent.seq).label("m"))
                    .where(WorkOrderEvent.station_id == self.station_id)
                    .group_by(WorkOrderEvent.order_code).subquery())
            running = list(s.scalars(
                select(WorkOrderEvent.order_code).join(
                    last, (WorkOrderEvent.order_code == last.c.order_code)
                    & (WorkOrderEvent.seq == last.c.m))
                .where(WorkOrderEvent.station_id == self.station_id,
                       WorkOrderEvent.kind.in_(("started", "resumed", "paused", "reported")))))
        if not running:
            return []
        rows = pg.execute(
            "SELECT order_code, string_agg(DISTINCT station_id, ', ') FROM work_order_event "
            "WHERE kind = 'started' AND station_id <> %s AND order_code = ANY(%s) "
            "GROUP BY order_code ORDER BY order_code", (self.station_id, running)).fetchall()
        return [f"order {code} was started at {who} too: both stations' counts go to the "
                "order; the planner decides which station finishes it" for code, who in rows]

    # ------------------------------------------------------------------ the loop

    def run_forever(
        self,
        stop: threading.Event,
        *,
        interval_s: float = 2.0,
        on_report: Callable[[SyncReport], None] | None = None,
        wake: threading.Event | None = None,
    ) -> None:
        """Run until ``stop`` is set; ``wake`` (if given) cuts a pause short."""
        failures = 0
        while not stop.is_set():
            try:
                report = self.run_once()
            except Exception as exc:  # a bug must not end sync for good: report, retry
                log.exception("sync run failed")
                report = self.local_status(SyncReport(errors=[f"sync failed: {exc}"]))
            if on_report is not None:
                on_report(report)
            if report.errors:
                failures += 1
                pause = backoff(failures)
            else:
                failures = 0
                pause = 0.0 if report.backlog else interval_s
            if pause:
                waiter = wake or stop
                waiter.wait(pause)
                if wake is not None:
                    wake.clear()
        self.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
