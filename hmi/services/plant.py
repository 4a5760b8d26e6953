"""The line at a glance: the other stations' state and open andon calls (read-only).

``PlantService`` reads the central database every ``interval_s`` on its own thread (never
the GUI thread or the DB worker: the central server may be slow or away) and signals
``sig_line(LineView)``. While the central database cannot be reached the last view stays,
marked ``stale`` with the time it was read — a station never shows an old state as current.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineView:
    stations: tuple[Any, ...]
    #: when the stations were read (None: never)
    read_at: dt.datetime | None
    stale: bool
    error: str = ""


class PlantService(QObject):
    sig_line = Signal(object)  # LineView

    def __init__(self, central_url: str, line_code: str, station_id: str, *,
                 password_file: Any = None, interval_s: float = 5.0,
                 connect: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._url = central_url
        self._line = line_code
        self._station = station_id
        self._password_file = password_file
        self.interval_s = interval_s
        self._connect = connect
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.view = LineView((), None, True)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hmi-plant", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def read_once(self) -> LineView:
        """One read (the loop's body); on failure the last stations stay, marked stale."""
        from hmi.sync.plant import line_view

        try:
            pg = self._open()
            try:
                stations = line_view(pg, self._line, self._station)
            finally:
                pg.close()
        except Exception as exc:  # noqa: BLE001 - offline: the last view, stale
            log.info("line view not read: %s", exc)
            self.view = LineView(self.view.stations, self.view.read_at, True,
                                 str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        else:
            self.view = LineView(tuple(stations), dt.datetime.now(dt.UTC), False)
        self.sig_line.emit(self.view)
        return self.view

    def _open(self) -> Any:
        if self._connect is not None:
            return self._connect()
        import psycopg

        from hmi.sync.engine import central_conninfo

        return psycopg.connect(central_conninfo(self._url, self._password_file),
                               autocommit=True, connect_timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.read_once()
            self._stop.wait(self.interval_s)
