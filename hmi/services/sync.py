"""Sync with the central database, run on its own thread, reported to the screen.

``SyncService`` owns one Python thread that runs :class:`hmi.sync.engine.SyncEngine`'s loop
— never the GUI thread and not the database worker, so neither a slow central server nor a
million-event backlog holds up a screen or a confirmed write (SQLite WAL: the sync reads
never wait for the station's writes; only the cursor update is a short write). After every
run it emits ``sig_status(SyncStatus)``; Qt queues the signal to the receivers' thread.

``SyncStatus`` carries what the header shows (``hmi.views.presenters.sync_status``): online,
backlog, age of the oldest unsent event, refused (quarantined) rows, the backlog budget, the
last error in words for a person.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from hmi.services.i18n import tr

log = logging.getLogger(__name__)
CTX = "SyncService"
#: below this much free space next to the station's store the header turns red
MIN_FREE_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class SyncStatus:
    online: bool = False
    backlog: int = 0                       # events the central side has not confirmed
    oldest_unsent_s: float | None = None   # age of the oldest of them
    quarantined: int = 0                   # refused rows waiting for an administrator
    last_error: str = ""                   # for a person: what happened and what to do
    warnings: tuple[str, ...] = ()         # conflicts, clock skew, orders started twice
    clock_skew_s: float | None = None
    # the backlog has passed ``warn_fraction`` of the configured budget (events)
    disk_warning: bool = False
    backlog_budget: int | None = None
    last_run_at: dt.datetime | None = None
    pushed_total: int = 0                  # new central rows since the service started
    pulled_total: int = 0
    extra: dict = field(default_factory=dict, compare=False)


class SyncService(QObject):
    """Runs the sync engine in the background and signals its status."""

    sig_status = Signal(object)  # SyncStatus

    def __init__(self, engine, *, interval_s: float = 2.0, backlog_budget: int | None = None,
                 warn_fraction: float = 0.8, store_dir: str | None = None,
                 min_free_bytes: int = MIN_FREE_BYTES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.interval_s = interval_s
        self.backlog_budget = backlog_budget
        self.warn_fraction = warn_fraction
        #: where the station's SQLite lives: its free space is watched with the backlog
        self.store_dir = store_dir
        self.min_free_bytes = min_free_bytes
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pushed = self._pulled = 0
        self.status = SyncStatus()

    @classmethod
    def for_station(cls, session_factory, central_url: str, station_id: str, **kw) -> SyncService:
        from hmi.sync.engine import SyncEngine

        engine_kw = {k: kw.pop(k) for k in list(kw) if k in (
            "peer", "batch_size", "password_file", "connect_timeout_s", "push_budget_s",
            "pull_every_s", "clock_skew_warn_s")}
        return cls(SyncEngine(session_factory, central_url, station_id, **engine_kw), **kw)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hmi-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to end after the current run and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("sync thread still busy after %.0f s; it ends with the process",
                            timeout)
            self._thread = None

    def sync_now(self) -> None:
        """Cut the current pause short (e.g. the network came back, an admin asked)."""
        self._wake.set()

    # ------------------------------------------------------------------ the thread

    def _run(self) -> None:
        try:
            self.engine.run_forever(self._stop, interval_s=self.interval_s,
                                    on_report=self._on_report, wake=self._wake)
        except Exception:  # never silently: the status says sync stopped
            log.exception("sync loop ended")
            self._publish(SyncStatus(last_error=tr(CTX, "sync stopped: see the log")))

    def _on_report(self, report) -> None:
        self._pushed += report.pushed_total
        self._pulled += sum(report.pulled.values())
        budget = self.backlog_budget
        error = _for_a_person(report.errors[0]) if report.errors else ""
        status = SyncStatus(
            online=report.online,
            backlog=report.backlog,
            oldest_unsent_s=report.oldest_unsent_s,
            quarantined=report.quarantined,
            last_error=error,
            warnings=tuple(report.warnings),
            clock_skew_s=report.clock_skew_s,
            disk_warning=(bool(budget) and report.backlog >= self.warn_fraction * budget)
            or self.disk_low(),
            backlog_budget=budget,
            last_run_at=dt.datetime.now(dt.UTC),
            pushed_total=self._pushed,
            pulled_total=self._pulled,
        )
        self._publish(status)

    def disk_low(self) -> bool:
        """The disk holding the station's store has less than ``min_free_bytes`` free: warn
        long before a write could be refused (the backlog waits there while offline)."""
        if not self.store_dir:
            return False
        import shutil

        try:
            return shutil.disk_usage(self.store_dir).free < self.min_free_bytes
        except OSError:
            return False

    def _publish(self, status: SyncStatus) -> None:
        self.status = status
        self.sig_status.emit(status)


_UNREACHABLE = "central database unreachable: "


def _for_a_person(error: str) -> str:
    """The engine's error in the screen's language (the detail is the server's own words)."""
    if error.startswith(_UNREACHABLE):
        return tr(CTX, "central database unreachable: %1", error[len(_UNREACHABLE):])
    return error
