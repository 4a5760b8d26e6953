"""Composition root: the only module that knows every layer.

Start-up is ordered for a fast first paint:

1. (cli) the station file is validated and a ``sim://`` machine's simulator
   process is spawned before Qt is imported, so it boots in parallel;
2. Qt, the theme and the login screen are shown (target: painted ≤1 s);
3. after the first paint, on the event loop: the device stack (asyncua) is
   imported and connected (target: first live value ≤3 s); once the first
   value is on screen (or after 2 s) the store is opened, migrated and master
   data imported on the database worker thread (it would otherwise compete
   for the interpreter with the connect); then the screens behind the login
   are built.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import sys
import time
import traceback
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from hmi.config import StationConfig, resources_dir
from hmi.services.scans import ScanHub
from hmi.services.session import StationSession
from hmi.services.station_core import StationCore
from hmi.views.main_window import MainWindow
from hmi.views.wedge import WedgeFilter

log = logging.getLogger(__name__)


class StartupTrace:
    """Milestones of start-up, in seconds since the process was launched."""

    def __init__(self, launched_at: float, echo: bool) -> None:
        self.launched_at = launched_at
        self.echo = echo
        self.marks: dict[str, float] = {}

    def mark(self, name: str) -> None:
        if name in self.marks:
            return
        self.marks[name] = time.time() - self.launched_at
        log.info("start-up: %s after %.3f s", name, self.marks[name])
        if self.echo:
            print(f"STARTUP {name} {self.marks[name]:.3f}", file=sys.stderr, flush=True)


class _FirstPaint(QObject):
    """Calls back once, right after the watched widget has painted."""

    def __init__(self, widget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._cb = callback
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._cb)
        return False


#: Messages the offscreen/minimal platforms print for every window; not errors.
_PLATFORM_NOISE = ("This plugin does not support propagateSizeHints()",
                   "This plugin does not support raise()")
_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


def _qt_message(mode: QtMsgType, context, message: str) -> None:
    """Route Qt's own messages into logging (not bare stderr)."""
    level = logging.DEBUG if message in _PLATFORM_NOISE else _QT_LEVELS.get(mode, logging.WARNING)
    logging.getLogger("qt").log(level, "%s", message)


def _load_theme(app: QApplication) -> None:
    qss = resources_dir() / "theme" / "isa101.qss"
    app.setStyleSheet(qss.read_text(encoding="utf-8"))


class Station(StationCore):
    """Everything a running station holds, wired together."""

    def __init__(self, cfg: StationConfig, data_dir: Path, *, kiosk: bool,
                 trace: StartupTrace, simulator: Any = None) -> None:
        self._init_core(cfg, data_dir, simulator)  # worker, monitor, fact queue (StationCore)
        self.trace = trace
        self._first_value = asyncio.Event()
        self.session = StationSession(self.worker)
        self.scans = ScanHub()
        self.window = MainWindow(cfg, self.session, self.monitor, kiosk=kiosk or cfg.ui.kiosk,
                                 scans=self.scans)
        # The on-screen keyboard and keypad for every text and number field (docs/keyboard.md).
        from hmi.views.osk import OskController

        self.osk = OskController.install(self.window, enabled=cfg.ui.on_screen_keyboard,
                                         language=cfg.ui.language)
        # Keyboard-wedge scanners: fast key bursts become scans, not typing.
        self.wedge = WedgeFilter.from_config(cfg.scanner, parent=self.window)
        self.wedge.scanned.connect(self.scans.deliver)
        self.wedge.install()
        self.scanner: Any = None  # serial scanner, when [scanner] port is set
        # Process values go to the bounded local history (its own file and writer
        # thread); samples arriving before it is open wait here.
        self.history: Any = None
        self._process_tags = {t.name for t in cfg.process_tags()}
        self._history_backlog: collections.deque = collections.deque(maxlen=200_000)
        self.andon: Any = None
        self.store_ready = asyncio.Event()  # set when opened, or when opening failed
        self.store_error = ""
        self._tasks: list[asyncio.Task] = []
        self.monitor.sig_snapshot_changed.connect(self._watch_first_value)

    # -- StationCore hooks -----------------------------------------------------
    def _mark(self, what: str) -> None:
        self.trace.mark(what)

    def _auth_ready(self, auth: Any) -> None:
        self.session.attach(auth, audit=auth.audit, session_factory=self.session_factory)

    def _watch_first_value(self, snap) -> None:
        if snap.has_live_data:
            self.trace.mark("first_live_value")
            self._first_value.set()
            self.monitor.sig_snapshot_changed.disconnect(self._watch_first_value)

    # -- errors ----------------------------------------------------------------
    def report_error(self, text: str, exc: BaseException | None = None) -> None:
        if exc is not None:
            log.error("%s", text, exc_info=exc)
        else:
            log.error("%s", text)
        self.window.show_error(text)

    # -- start-up after the first paint ----------------------------------------------
    def start_background(self) -> None:
        self._tasks.append(asyncio.ensure_future(self._open_store()))
        self._tasks.append(asyncio.ensure_future(self._connect_machine()))
        if self._process_tags:
            self._tasks.append(asyncio.ensure_future(self._open_history()))
        if self.cfg.scanner.port:
            self._tasks.append(asyncio.ensure_future(self._open_scanner()))

    def on_tag_value(self, value: Any) -> None:
        """Every value from the machine driver (StationCore), process values also to history."""
        super().on_tag_value(value)
        if value.tag in self._process_tags:
            if self.history is not None:
                self.history.record(value)
            else:
                self._history_backlog.append(value)

    async def _open_history(self) -> None:
        def open_history() -> Any:
            from hmi.services.history import ProcessHistory  # numpy: off the first-paint path

            return ProcessHistory.from_config(self.cfg.history, self.cfg.history_path(self.data_dir))

        try:
            history = await asyncio.to_thread(open_history)
        except Exception as exc:  # noqa: BLE001 - charts lose their past; the station keeps running
            self._history_backlog.clear()
            self.report_error(QCoreApplication.translate(
                "app", "The process-value history could not be opened: %1. Live values are "
                "still shown; tell maintenance.").replace("%1", str(exc)), exc)
            return
        while self._history_backlog:
            history.record(self._history_backlog.popleft())
        self.history = history
        if self.window.live_view is not None:  # built before the history was open
            self.window.live_view.load_recent_history()

    async def _open_scanner(self) -> None:
        from hmi.devices.base import DeviceError
        from hmi.devices.scanner import SerialScanner

        try:
            self.scanner = SerialScanner(
                **self.cfg.scanner.serial_options(), on_scan=self.scans.deliver,
                on_state=self.scans.set_scanner_state,
                on_error=lambda exc: self.window.show_error(exc.operator_message, "warning"))
            await self.scanner.__aenter__()  # returns at once, even when the port is missing
        except DeviceError as exc:
            self.report_error(exc.operator_message, exc)

    async def _open_store(self) -> None:
        # Let the machine connection go first; SQL and imports hold the GIL.
        try:
            await asyncio.wait_for(self._first_value.wait(), 2.0)
        except TimeoutError:
            pass
        try:
            recorder, (good, scrap) = await self.worker.run(self._open_store_sync)
        except Exception as exc:  # noqa: BLE001 - shown to the person, station keeps running
            self.store_error = str(exc)
            self.report_error(QCoreApplication.translate(
                "app", "The station database could not be opened: %1. Logins and recording "
                "are unavailable; call maintenance.").replace("%1", str(exc)), exc)
            self.store_ready.set()
            return
        # Back on the GUI thread: record what waited, then count from the baseline.
        pending = self._take_store(recorder, good, scrap)
        try:
            self._start_services()
            # The machine's state before the store was open (e.g. already stopped at start)
            # is a fact the stop detector needs too; it queues them until it is ready. The
            # shift KPIs load them from the store (recorded above, before their load).
            for kind, fields in pending:
                self.downtime.on_fact(kind, fields)
        except Exception as exc:  # noqa: BLE001 - live values and logins keep working
            self.report_error(QCoreApplication.translate(
                "app", "Downtime, alarms and KPIs could not be started: %1. Live values are "
                "still shown; call maintenance.").replace("%1", str(exc)), exc)
        self.trace.mark("store_ready")
        self.store_ready.set()
        self.window.build_screens()
        self._start_upkeep(self.window)

    def _start_services(self) -> None:
        """Downtime, alarms, andon and shift KPIs (GUI thread: they own QTimers)."""
        from types import SimpleNamespace

        from hmi.services.alarms import AlarmService
        from hmi.services.andon import AndonService
        from hmi.services.downtime import DowntimeService
        from hmi.services.shiftkpi import ShiftKpiService

        cfg, sf = self.cfg, self.session_factory
        downtime = DowntimeService(cfg, self.worker, sf, audit=self.audit, parent=self.window)
        alarms = AlarmService(cfg, self.worker, sf, audit=self.audit, parent=self.window)
        andon = AndonService(cfg, self.worker, sf, self.auth, audit=self.audit, parent=self.window)
        kpis = ShiftKpiService(cfg, downtime=downtime, parent=self.window)
        kpis.set_loader(self._load_shift_records, self.worker.submit)
        kpis.set_range_loader(self._load_timeline)
        downtime.sig_ready.connect(lambda: kpis.set_calendar(downtime.calendar))
        downtime.sig_error.connect(lambda text: self.window.show_error(text, "warning"))
        self.downtime, self.alarms, self.andon, self.kpis = downtime, alarms, andon, kpis
        downtime.start()
        alarms.start()
        andon.start()
        kpis.start()
        self.alarms.on_connection_state(self.monitor.snapshot.connection)
        stack = self._start_order_services()
        # An SPC rule whose reaction is "andon" calls quality (once: a call already open stands).
        stack.inspections.sig_andon_requested.connect(self._spc_andon)
        self._start_labels(stack)
        from hmi.services.trace import TraceService

        self.trace_service = TraceService(
            self.worker, self.session_factory, self.cfg.station.id,
            self.cfg.resolve_path(self.cfg.traceability.reports_dir, self.data_dir), self.audit,
            tz=zoneinfo.ZoneInfo(self.cfg.station.timezone), parent=self.window)
        # A material running empty: a stop beginning then is suggested "waiting for material".
        stack.materials.sig_empty.connect(
            lambda st: downtime.note_shortage(st.material_code, dt.datetime.now(dt.UTC)))
        stack.materials.sig_changed.connect(self._shortage_over)
        # Shift-start inspections follow the same calendar (set now if it is already known).
        downtime.sig_ready.connect(lambda: stack.set_calendar(downtime.calendar))
        if downtime.ready:
            stack.set_calendar(downtime.calendar)
        self.window.attach_services(SimpleNamespace(
            downtime=downtime, alarms=alarms, andon=andon, kpis=kpis,
            orders=stack.orders, tools=stack.tools, instructions=stack.instructions,
            recipes=stack.recipes, inspections=stack.inspections, holds=stack.holds,
            quality=stack.quality, materials=stack.materials, code_rules=self.code_rules(),
            labels=self.labels, trace=self.trace_service,
            read_tag=self.read_tag, media_root=self.media_root(),
            driver=lambda: self.driver,
            load_history=self.load_history, load_stops=self.load_stops))
        self._start_sync()  # after the screens exist: the andon screen shows the line

    def _start_order_services(self) -> Any:
        """Orders, tooling, work instructions and recipes (issue 5; docs/orders.md)."""
        return self._start_order_stack(parent=self.window)

    def _service_error(self, text: str) -> None:
        self.window.show_error(text, "warning")

    def _start_sync(self) -> None:
        """Store-and-forward to the central database when one is configured (docs/sync.md);
        without ``central_url`` the station runs standalone on its SQLite."""
        self.sync = self._make_sync(parent=self.window)
        db = self.cfg.database
        from hmi.services.quarantine import QuarantineService

        self.quarantine = QuarantineService(
            self.worker, self.session_factory, self.cfg.station.id, audit=self.audit,
            central_url=db.central_url if self.sync is not None else "",
            password_file=self._central_password_file(), parent=self.window)
        self.window.attach_sync_page(self.quarantine, self.sync)
        from hmi.services.audittrail import AuditTrailService

        self.audit_trail = AuditTrailService(self.worker, self.session_factory,
                                             self.cfg.station.id, parent=self.window)
        self.window.attach_audit_page(self.audit_trail)
        if self.sync is None:
            return
        # A bound method of a GUI-thread QObject: Qt queues the sync thread's signal to it.
        self.sync.sig_status.connect(self.window.show_sync)
        self.window.show_sync(self.sync.status)
        self.sync.start()
        # The other stations of the line, read-only, on the andon screen.
        from hmi.services.plant import PlantService

        self.plant = PlantService(db.central_url, self.cfg.station.line, self.cfg.station.id,
                                  password_file=self._central_password_file(),
                                  parent=self.window)
        andon_view = self.window.screens.get("andon")
        if andon_view is not None:
            self.plant.sig_line.connect(andon_view.show_line)
        self.plant.start()

    def _start_labels(self, stack: Any) -> None:
        """Labels for what the station makes, through the durable print queue ([labels])."""
        from hmi.services.label_jobs import LabelService
        from hmi.services.printqueue import PrintQueue
        from hmi.views.labels import make_renderer

        lab = self.cfg.labels
        self.print_queue = PrintQueue(
            self.cfg.resolve_path(lab.spool, self.data_dir),
            out_dir=self.cfg.resolve_path(lab.out_dir, self.data_dir),
            renderer=make_renderer((lab.width_mm, lab.height_mm), lab.dpi), parent=self.window)
        self.labels = LabelService(self.print_queue, lab, self.worker, self.session_factory,
                                   self.audit, tz=zoneinfo.ZoneInfo(self.cfg.station.timezone),
                                   parent=self.window)
        stack.materials.sig_units_written.connect(self.labels.on_units_written)
        self.labels.sig_job_failed.connect(lambda t: self.window.show_error(t, "warning"))
        if lab.print_on == "lot":  # the lot's label when its order completes
            self._open_orders: set[str] = set()
            stack.orders.sig_queue_changed.connect(lambda rows: self._lot_labels(stack, rows))
        self.labels.reload()
        self.print_queue.start()

    def _lot_labels(self, stack: Any, rows: Any) -> None:
        """An order that left the queue completed: its produced lot gets its label."""
        from hmi.services.orders import COMPLETED

        now_open = {r.code for r in rows}
        for code in self._open_orders - now_open:
            lot = stack.materials.lot_of(code)
            done = [r for r in stack.orders.all_rows() if r.code == code and r.state == COMPLETED]
            actor = self.session.actor
            if lot and done and actor is not None:
                try:
                    self.labels.print_lot(actor, code, lot)
                except Exception as exc:  # noqa: BLE001 - said, production goes on
                    self.window.show_error(str(exc), "warning")
        self._open_orders = now_open

    def _shortage_over(self, statuses: Any) -> None:
        now = dt.datetime.now(dt.UTC)
        for st in statuses:
            if st.state not in ("empty", "missing"):
                self.downtime.note_shortage(st.material_code, now, ended=True)

    def code_rules(self) -> Any:
        """The plant's own barcode formats ([[scanner.codes]]), checked at load."""
        from hmi.services.gs1 import CodeRules

        return CodeRules.from_config([c.model_dump() for c in self.cfg.scanner.codes])

    def _spc_andon(self, alarm: Any) -> None:
        from hmi.services.andon import AndonError

        try:
            self.andon.call(None, "quality", alarm.text[:500])
        except AndonError:
            pass  # a quality call is already open: the responder is on the way

    def media_root(self) -> Any:
        """Where work-instruction media paths are relative to (the master-data folder)."""
        files = self.cfg.database.masterdata
        if files:
            return self.cfg.resolve_path(files[0], self.data_dir).parent
        return None

    # -- loaders for the screens (off the GUI thread) ---------------------------------
    def _load_shift_records(self, window: Any) -> tuple[list, list]:
        """(counts, state transitions) stored in ``window`` (database worker thread)."""
        from hmi.services.stops import load_timeline

        with self.session_factory() as s:
            tl = load_timeline(s, self.cfg.station.id, window, now=window.end)
        return tl.counts, [(sp.start, sp.state, sp.fault_code) for sp in tl.states]

    def _load_timeline(self, window: Any) -> Any:
        """States, counts and stops stored in ``window`` (database worker thread)."""
        from hmi.services.stops import load_timeline

        with self.session_factory() as s:
            return load_timeline(s, self.cfg.station.id, window, now=dt.datetime.now(dt.UTC))

    def load_stops(self, window: Any, on_done: Callable[[list], None]) -> None:
        """Stops overlapping ``window`` from the store (Pareto over days), delivered here."""
        self.worker.submit(lambda: self._load_timeline(window).stops, on_done=on_done,
                           on_error=lambda exc: self.report_error(QCoreApplication.translate(
                               "app", "Stored stops could not be loaded: %1").replace(
                                   "%1", str(exc)), exc))

    def load_history(self, names: list[str], t0: float, t1: float,
                     on_done: Callable[[dict[str, Any]], None]) -> None:
        """Process-value history for the trend, read on a thread, delivered on the loop."""
        history = self.history
        if history is None or not names:
            return
        width = 2000

        def query() -> dict[str, Any]:
            start = dt.datetime.fromtimestamp(t0, dt.UTC)
            end = dt.datetime.fromtimestamp(t1, dt.UTC)
            series = history.query(names, start, end, max_points=width)
            return {name: (s.t, s.gapped()) for name, s in series.items()}

        async def run() -> None:
            try:
                result = await asyncio.to_thread(query)
            except Exception:  # noqa: BLE001 - the trend then only shows live samples
                log.exception("process-value history query failed")
                return
            on_done(result)

        self._tasks.append(asyncio.ensure_future(run()))

    async def aclose(self) -> None:
        for t in self._tasks:
            t.cancel()
        if getattr(self, "quarantine", None) is not None:
            self.quarantine.shutdown()
        if getattr(self, "audit_trail", None) is not None:
            self.audit_trail.shutdown()
        if self.downtime is not None:
            self.kpis.stop()
            self.downtime.shutdown()
        self.wedge.uninstall()
        self._stop_upkeep()
        if self.scanner is not None:
            try:
                await self.scanner.aclose()
            except Exception:  # noqa: BLE001
                log.exception("closing the scanner failed")
        if self.driver is not None:
            try:
                await self.driver.__aexit__(None, None, None)
            except Exception:  # noqa: BLE001
                log.exception("closing the machine driver failed")
        if self.history is not None:
            self.history.close()  # after the driver: writes what is queued, the final marks too
        labels = getattr(self, "labels", None)
        if labels is not None:  # before the stack: its last units still get their labels
            labels.shutdown()
        sync = getattr(self, "sync", None)
        if sync is not None:
            sync.stop()  # the sync thread ends its run (SQLite stays the record)
        plant = getattr(self, "plant", None)
        if plant is not None:
            plant.stop()
        trace = getattr(self, "trace_service", None)
        if trace is not None:
            trace.shutdown()  # a recall report being written is finished
        stack = getattr(self, "order_stack", None)
        if stack is not None:
            stack.shutdown()  # produced units still in memory are written (worker FIFO)
        queue = getattr(self, "print_queue", None)
        if queue is not None:
            try:
                await queue.aclose()
            except Exception:  # noqa: BLE001
                log.exception("closing the print queue failed")
        self.worker.shutdown()


def _install_error_hooks(station: Station, loop: asyncio.AbstractEventLoop) -> None:
    def excepthook(exc_type, exc, tb):
        log.error("unhandled error", exc_info=(exc_type, exc, tb))
        station.window.show_error(QCoreApplication.translate(
            "app", "Something went wrong: %1. The station keeps running; if it happens "
            "again, tell maintenance.").replace("%1", f"{exc_type.__name__}: {exc}"))

    def loop_handler(loop, context):
        exc = context.get("exception")
        msg = context.get("message", "")
        if exc is not None:
            excepthook(type(exc), exc, exc.__traceback__)
        else:
            log.error("event loop: %s", msg)

    sys.excepthook = excepthook
    loop.set_exception_handler(loop_handler)


async def _screenshot_when_live(station: Station, path: Path, timeout_s: float) -> int:
    """Wait for live data that has changed at least once, grab the window, write ``path``."""
    deadline = time.monotonic() + timeout_s
    first_good: int | None = None
    while time.monotonic() < deadline:
        snap = station.monitor.snapshot
        if snap.has_live_data:
            gc = snap.values["good_count"].value
            if first_good is None:
                first_good = gc
            elif gc != first_good:
                break
        await asyncio.sleep(0.1)
    else:
        snap = station.monitor.snapshot
        why = snap.last_error or f"connection is {snap.connection}"
        print(f"hmi: no changing live machine data within {timeout_s:.0f} s ({why}); "
              "no screenshot written", file=sys.stderr)
        return 2
    try:  # the picture should show the station fully started (or its store error)
        await asyncio.wait_for(station.store_ready.wait(), max(1.0, deadline - time.monotonic()))
    except TimeoutError:
        print("hmi: the station database did not open in time", file=sys.stderr)
        return 4
    await asyncio.sleep(1.2)  # let the throttled views repaint the latest values
    pixmap = station.window.grab()
    if not pixmap.save(str(path), "PNG"):
        print(f"hmi: could not write {path}", file=sys.stderr)
        return 3
    print(f"hmi: screenshot written to {path}")
    if station.store_error:
        print(f"hmi: the station database could not be opened: {station.store_error}",
              file=sys.stderr)
        return 4
    return 0


def run(cfg: StationConfig, *, data_dir: Path, kiosk: bool = False,
        screenshot: Path | None = None, screenshot_timeout: float = 30.0,
        launched_at: float | None = None, trace: bool = False,
        simulator: Any = None) -> int:
    """Start the station GUI; returns the process exit code."""
    import qasync

    tracer = StartupTrace(launched_at or time.time(), trace)
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("openmes-station")
    _load_theme(app)
    # The station's language; a person's own language while they are logged in.
    from hmi.views.language import LanguageSwitcher

    languages = LanguageSwitcher(cfg.ui.language, app)
    result: dict[str, int] = {"code": 0}

    async def main() -> None:
        loop = asyncio.get_running_loop()
        station = Station(cfg, data_dir, kiosk=kiosk, trace=tracer, simulator=simulator)
        languages.follow(station.session)
        languages.sig_language_changed.connect(station.osk.set_language)
        _install_error_hooks(station, loop)
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        app.lastWindowClosed.connect(closed.set)

        def painted() -> None:
            tracer.mark("login_painted")
            station.start_background()

        _FirstPaint(station.window.login_view, painted)
        if kiosk or cfg.ui.kiosk:
            station.window.enter_kiosk()
        else:
            station.window.show()
        try:
            if screenshot is not None:
                result["code"] = await _screenshot_when_live(station, screenshot, screenshot_timeout)
            else:
                await closed.wait()
        finally:
            await station.aclose()

    try:
        qasync.run(main())
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        return 1
    return result["code"]
