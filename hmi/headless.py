"""Headless station: ``hmi --headless --config FILE`` — devices, services and the store
without a window (servers, tests, the SIGKILL loops of tests/test_kill.py).

What runs is what the windowed station runs behind its screens, built from the same
pieces (:mod:`hmi.app` is not imported: it needs QtWidgets, which a server may lack):

* the machine driver (``open_driver``; a ``sim://`` machine's simulator is spawned here
  as the cli does for the window);
* the :class:`~hmi.services.production.ProductionMonitor` and the
  :class:`~hmi.services.recorder.ProductionRecorder` (counts and states as events, on the
  one :class:`~hmi.services.worker.DbWorker`; facts arriving before the store is open
  wait in order, the counter baseline is restored from the store);
* downtime and alarms, and the order services (:class:`~hmi.services.orderstack.OrderStack`);
* with ``[database] central_url``: the sync engine (:mod:`hmi.sync`) on its own thread;
* the event loop: plain asyncio on the main thread, which also pumps Qt's events
  (``QCoreApplication.processEvents``) so QTimers and the worker's queued signals work —
  no QtWidgets, no qasync (it imports QtWidgets).

At start it prints where it writes (``HEADLESS store=… history=… pid=…``); SIGTERM or
SIGINT closes everything in order (driver, services, worker: every queued write is
committed) and exits 0.

Test and bench options (``python -m hmi.headless`` or ``hmi --headless``):

* ``--print-commits``: after every commit of events a line ``COMMIT <first> <last> <n>``
  (their per-station seq range) is written straight to stdout (unbuffered ``os.write``),
  so a line is only ever printed for events already committed, and a line printed is
  not lost when the process is killed;
* ``--load RATE``: additionally writes RATE synthetic events a second through the
  group-commit writer (:mod:`hmi.store.groupcommit`): process snapshots of kind
  ``downsampled`` on equipment ``LOAD-TEST``. Never on a real station's store.
* ``--run-for S``: exit (cleanly, as on SIGTERM) after S seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import signal
import sys
import threading
import time
import zoneinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from hmi.config import StationConfig
from hmi.services.production import ProductionMonitor
from hmi.services.worker import DbWorker

log = logging.getLogger(__name__)

#: Equipment code of the synthetic ``--load`` events (never a real machine's code).
LOAD_EQUIPMENT = "LOAD-TEST"


class CommitPrinter:
    """Writes ``COMMIT <first> <last> <n>`` for every committed group of events.

    Hooked into a session factory (SQLAlchemy ``after_flush`` collects the events a
    transaction inserts, ``after_commit`` prints them once the commit returned) and
    usable as a :class:`~hmi.store.groupcommit.GroupCommitWriter` ``on_commit`` hook.
    ``os.write`` on the raw descriptor: no Python buffer to lose in a SIGKILL.
    """

    def __init__(self, fd: int = 1) -> None:
        self.fd = fd
        self._lock = threading.Lock()

    def attach(self, session_factory: Any) -> None:
        from sqlalchemy import event

        from hmi.store.base import EventMixin
        from hmi.store.events import APPENDED_ROWS

        def after_flush(session, _ctx) -> None:
            seqs = [o.seq for o in session.new if isinstance(o, EventMixin)]
            if seqs:
                session.info.setdefault("hmi_committing", []).extend(seqs)

        def after_commit(session) -> None:
            seqs = session.info.pop("hmi_committing", None) or []
            rows = session.info.pop(APPENDED_ROWS, None)
            if rows:
                seqs.extend(r["seq"] for _, r in rows)
            if seqs:
                self.emit(seqs)

        def after_rollback(session) -> None:
            session.info.pop("hmi_committing", None)
            session.info.pop(APPENDED_ROWS, None)

        event.listen(session_factory, "after_flush", after_flush)
        event.listen(session_factory, "after_commit", after_commit)
        event.listen(session_factory, "after_soft_rollback",
                     lambda session, _tx: after_rollback(session))

    def on_commit(self, events: list[Any]) -> None:
        self.emit([e["seq"] if isinstance(e, dict) else e.seq for e in events])

    def emit(self, seqs: list[int]) -> None:
        line = f"COMMIT {min(seqs)} {max(seqs)} {len(seqs)}\n".encode()
        with self._lock:
            os.write(self.fd, line)


def simulator_for(cfg: StationConfig, data_dir: Path) -> Any:
    """Spawn the simulator of a ``sim://`` machine (what ``hmi.cli`` does for the window);
    None for a real machine. Raises ``ScenarioError`` for a bad scenario file."""
    if cfg.machine.scheme != "sim":
        return None
    from hmi.devices.sim.launcher import SimulatorProcess
    from hmi.devices.sim.scenario import load_scenario

    m = cfg.machine
    scenario = cfg.resolve_path(m.scenario, data_dir) if m.scenario else None
    if scenario is not None:
        load_scenario(scenario)
    explicit = m.model_fields_set
    sim = SimulatorProcess()
    sim.spawn(seed=m.seed if "seed" in explicit or scenario is None else None,
              speed=m.speed if "speed" in explicit or scenario is None else None,
              cycle_time=m.cycle_time_s, scenario=scenario,
              modbus_port=0 if m.sim_protocol == "modbus" else None)
    return sim


class HeadlessStation(QObject):
    """The station's devices, services and store without a window."""

    def __init__(self, cfg: StationConfig, data_dir: Path, *, simulator: Any = None,
                 print_commits: bool = False, load_rate: float = 0.0) -> None:
        super().__init__()
        self.cfg = cfg
        self.data_dir = data_dir
        self.simulator = simulator
        self.worker = DbWorker()
        self.monitor = ProductionMonitor(cfg, sink=self._record, baseline_known=False)
        self.printer = CommitPrinter() if print_commits else None
        self.load_rate = load_rate
        self.recorder: Any = None
        self.session_factory: Any = None
        self.engine: Any = None
        self.driver: Any = None
        self.downtime: Any = None
        self.alarms: Any = None
        self.order_stack: Any = None
        self.writer: Any = None
        self.errors: list[str] = []
        self._pending: list[tuple[str, dict[str, Any]]] = []
        self._tasks: list[asyncio.Task] = []
        self._load_stop = threading.Event()
        self._load_thread: threading.Thread | None = None
        self._sync_stop = threading.Event()
        self._sync_thread: threading.Thread | None = None
        self.store_ready = asyncio.Event()

    # -- where it writes ---------------------------------------------------------------
    def describe(self) -> str:
        return (f"HEADLESS station={self.cfg.station.id} "
                f"store={self.cfg.local_db_url(self.data_dir)} "
                f"history={self.cfg.history_path(self.data_dir)} "
                f"machine={self.cfg.machine.url} pid={os.getpid()}")

    # -- facts ---------------------------------------------------------------------------
    def _record(self, kind: str, fields: dict[str, Any]) -> None:
        if self.downtime is not None:
            self.downtime.on_fact(kind, fields)
        if self.order_stack is not None:
            self.order_stack.on_fact(kind, fields)
        if self.recorder is None:
            self._pending.append((kind, fields))  # the store opens later; nothing is lost
            return
        self.worker.submit(self.recorder.record, kind, fields,
                           on_error=lambda exc: self.report_error(
                               f"could not save machine data: {exc}", exc))

    def on_tag_value(self, value: Any) -> None:
        self.monitor.on_tag_value(value)
        if self.order_stack is not None:
            self.order_stack.on_tag_value(value)
        if self.alarms is not None:
            self.alarms.on_tag_value(value)
            if value.quality == "good" and value.tag == "fault_code":
                self.downtime.on_fault_code(value.source_ts, int(value.value) or None)

    def _on_connection_state(self, state: Any, error: str = "") -> None:
        self.monitor.on_connection_state(state, error)
        if self.alarms is not None:
            self.alarms.on_connection_state(state, error)

    def report_error(self, text: str, exc: BaseException | None = None) -> None:
        self.errors.append(text)
        log.error("%s", text, exc_info=exc)

    def read_tag(self, name: str) -> tuple[Any, bool]:
        last = getattr(self.driver, "last_values", None)
        value = last().get(name) if callable(last) else None
        if value is None:
            return None, False
        return value.value, str(value.quality) == "good"

    # -- start ---------------------------------------------------------------------------
    async def start(self) -> None:
        self._tasks.append(asyncio.ensure_future(self._connect_machine()))
        await self._open_store()

    def _open_store_sync(self) -> tuple[Any, tuple[int | None, int | None]]:
        from hmi.services.audit import AuditWriter
        from hmi.services.auth import AuthService
        from hmi.services.masterdata import import_file
        from hmi.services.recorder import ProductionRecorder
        from hmi.store.engine import open_store

        self.engine, self.session_factory = open_store(self.cfg.local_db_url(self.data_dir))
        if self.printer is not None:
            self.printer.attach(self.session_factory)
        for name in self.cfg.database.masterdata:
            import_file(self.session_factory, self.cfg.resolve_path(name, self.data_dir),
                        station_id=self.cfg.station.id)
        sec = self.cfg.security
        self.audit = AuditWriter(self.cfg.station.id)
        self.auth = AuthService(self.session_factory, self.cfg.station.id, audit=self.audit,
                                max_failures=sec.max_pin_failures,
                                window=dt.timedelta(minutes=sec.failure_window_min),
                                lockout=dt.timedelta(minutes=sec.lockout_min),
                                tz=zoneinfo.ZoneInfo(self.cfg.station.timezone))
        recorder = ProductionRecorder(self.session_factory, self.cfg.station.id)
        return recorder, recorder.baseline()

    async def _open_store(self) -> None:
        try:
            recorder, (good, scrap) = await self.worker.run(self._open_store_sync)
        except Exception as exc:  # noqa: BLE001 - said; the process exits non-zero
            self.report_error(f"the station database could not be opened: {exc}", exc)
            self.store_ready.set()
            raise
        self.recorder = recorder
        pending, self._pending = self._pending, []
        for kind, fields in pending:
            self._record(kind, fields)
        self.monitor.restore_baseline(good, scrap)
        try:
            self._start_services()
            for kind, fields in pending:
                self.downtime.on_fact(kind, fields)
        except Exception as exc:  # noqa: BLE001 - recording goes on without them
            self.report_error(f"downtime, alarms or orders could not be started: {exc}", exc)
        if self.load_rate > 0:
            self._start_load()
        if self.cfg.database.central_url:
            self._start_sync()
        self.store_ready.set()

    def _start_sync(self) -> None:
        """Store-and-forward to ``[database] central_url`` (hmi.sync) on its own thread.
        The password comes from ``HMI_CENTRAL_PASSWORD_FILE`` (a 0600 file) or libpq's
        own sources (PGPASSFILE, ~/.pgpass); never from the station file."""
        try:
            from hmi.sync.engine import SyncEngine
        except ImportError as exc:
            self.report_error(f"central_url is set but sync is not available: {exc}")
            return
        engine = SyncEngine(self.session_factory, self.cfg.database.central_url,
                            self.cfg.station.id,
                            password_file=os.environ.get("HMI_CENTRAL_PASSWORD_FILE") or None)
        self.sync_engine = engine

        def report(rep: Any) -> None:
            for err in getattr(rep, "errors", ()) or ():
                log.warning("sync: %s", err)

        self._sync_thread = threading.Thread(
            target=engine.run_forever, args=(self._sync_stop,),
            kwargs={"interval_s": 1.0, "on_report": report}, name="hmi-sync", daemon=True)
        self._sync_thread.start()
        log.info("syncing to %s", self.cfg.database.central_url)

    def _start_services(self) -> None:
        from hmi.services.alarms import AlarmService
        from hmi.services.downtime import DowntimeService
        from hmi.services.orderstack import OrderStack
        from hmi.services.signatures import SignatureService

        cfg, sf, st = self.cfg, self.session_factory, self.cfg.station
        self.downtime = DowntimeService(cfg, self.worker, sf, audit=self.audit, parent=self)
        self.alarms = AlarmService(cfg, self.worker, sf, audit=self.audit, parent=self)
        self.downtime.sig_error.connect(lambda text: self.report_error(text))
        self.downtime.start()
        self.alarms.start()
        self.alarms.on_connection_state(self.monitor.snapshot.connection)
        self.signatures = SignatureService(sf, self.auth, self.audit, st.id)
        stack = OrderStack(self.worker, sf, station_id=st.id, line_code=st.line,
                           audit=self.audit, signatures=self.signatures,
                           tags={t.name: t for t in cfg.device_tags()}, read_tag=self.read_tag,
                           verify_materials=cfg.traceability.verify_materials,
                           low_parts=cfg.traceability.low_parts,
                           process_tags=[t.name for t in cfg.process_tags()], parent=self)
        for svc in stack.services():
            svc.sig_error.connect(lambda text: self.report_error(text))
        self.downtime.sig_ready.connect(lambda: stack.set_calendar(self.downtime.calendar))
        self.order_stack = stack
        stack.start()

    async def _connect_machine(self) -> None:
        from hmi.devices.base import DeviceError, open_driver

        m = self.cfg.machine
        try:
            url = m.url
            options: dict[str, Any] = {}
            if m.scheme == "sim":
                if self.simulator is None:
                    raise RuntimeError("sim:// needs the simulator process (simulator_for)")
                url = await self.simulator.wait_ready()
                if m.sim_protocol == "modbus":
                    url = self.simulator.urls["modbus"]
            if url.startswith("opc.tcp://"):
                security = self.cfg.opcua_security(self.data_dir)
                if m.scheme == "sim":  # our own child on loopback: trust its certificate
                    from hmi.devices.sim.server import certificate_paths

                    security = security.trusting(certificate_paths()[0])
                options["security"] = security
                options["on_error"] = lambda exc: self.report_error(
                    getattr(exc, "operator_message", str(exc)), exc)
            self.driver = open_driver(url, self.cfg.device_tags(), on_value=self.on_tag_value,
                                      on_state=self._on_connection_state,
                                      wait_connected=False, **options)
            await self.driver.__aenter__()
            log.info("machine driver started for %s", url)
        except DeviceError as exc:
            self.report_error(exc.operator_message, exc)
        except Exception as exc:  # noqa: BLE001
            self.report_error(f"the machine connection could not be started: {exc}", exc)

    # -- synthetic load (tests and benches) --------------------------------------------------
    def _start_load(self) -> None:
        from hmi.store.groupcommit import GroupCommitWriter

        self.writer = GroupCommitWriter(
            self.session_factory, on_commit=self.printer.on_commit if self.printer else None)
        self._load_thread = threading.Thread(target=self._load_loop, name="hmi-load",
                                             daemon=True)
        self._load_thread.start()

    def _load_loop(self) -> None:
        """``load_rate`` events a second, each submitted on its own (as many sources would)."""
        from hmi.store.groupcommit import WriterClosed
        from hmi.store.models import ProcessSnapshotEvent

        station = self.cfg.station.id
        start = time.monotonic()
        sent = 0
        while not self._load_stop.is_set():
            due = int((time.monotonic() - start) * self.load_rate)
            now = dt.datetime.now(dt.UTC)
            try:
                while sent < due:
                    self.writer.submit_row(ProcessSnapshotEvent, {
                        "station_id": station, "kind": "downsampled",
                        "equipment_code": LOAD_EQUIPMENT, "values": {"load": [sent, sent, sent]},
                        "source_ts": now})
                    sent += 1
            except WriterClosed:
                return
            time.sleep(0.005)

    # -- stop ----------------------------------------------------------------------------
    async def aclose(self) -> None:
        self._load_stop.set()
        if self._load_thread is not None:
            self._load_thread.join(5)
        for t in self._tasks:
            t.cancel()
        if self.driver is not None:
            try:
                await self.driver.__aexit__(None, None, None)
            except Exception:  # noqa: BLE001
                log.exception("closing the machine driver failed")
        if self.downtime is not None:
            self.downtime.shutdown()
        if self.order_stack is not None:
            self.order_stack.shutdown()  # produced units in memory are written (worker FIFO)
        if self.writer is not None:
            self.writer.close()  # everything submitted is committed
        self._sync_stop.set()
        if self._sync_thread is not None:
            self._sync_thread.join(15)
        self.worker.shutdown()  # every queued write is committed
        QCoreApplication.processEvents()  # deliver the last results
        if self.engine is not None:
            self.engine.dispose()


async def _pump_qt(app: QCoreApplication, period_s: float = 0.005) -> None:
    """Qt's events on the asyncio thread: QTimers and the DB worker's queued signals."""
    while True:
        app.processEvents()
        await asyncio.sleep(period_s)


async def serve(cfg: StationConfig, data_dir: Path, *, simulator: Any = None,
                print_commits: bool = False, load_rate: float = 0.0,
                run_for: float | None = None) -> int:
    """Run a headless station until SIGTERM/SIGINT (or ``run_for`` seconds); exit code."""
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    pump = asyncio.ensure_future(_pump_qt(app))
    station = HeadlessStation(cfg, data_dir, simulator=simulator, print_commits=print_commits,
                              load_rate=load_rate)
    print(station.describe(), flush=True)
    code = 0
    try:
        try:
            await station.start()
        except Exception:  # noqa: BLE001 - reported in start
            return 2
        print(f"READY store={cfg.local_db_url(data_dir)}", flush=True)
        try:
            await asyncio.wait_for(stop.wait(), run_for)
        except TimeoutError:
            pass
        log.info("stopping")
    finally:
        await station.aclose()
        pump.cancel()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    print("STOPPED", flush=True)
    return code


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmi --headless",
        description="Run the station without a window: machine driver, production "
                    "monitor, recorder, downtime, alarms and order services. Stops on "
                    "SIGTERM/SIGINT after committing what is queued.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--demo", action="store_true", help="the demo station (simulator)")
    src.add_argument("--config", type=Path, metavar="PATH", help="station file (TOML)")
    p.add_argument("--data-dir", type=Path, help="data directory")
    p.add_argument("--print-commits", action="store_true",
                   help="print 'COMMIT first last n' after every commit of events")
    p.add_argument("--load", type=float, default=0.0, metavar="RATE",
                   help="tests/benches: also write RATE synthetic events/s (group commit)")
    p.add_argument("--run-for", type=float, metavar="S", help="stop after S seconds")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return p


def main(argv: list[str] | None = None) -> int:
    from hmi.cli import _load_config, data_dir
    from hmi.config import ConfigError
    from hmi.devices.sim.scenario import ScenarioError

    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    logging.getLogger("asyncua").setLevel(logging.WARNING)
    try:
        cfg = _load_config(args)
    except ConfigError as exc:
        print(f"hmi: the station cannot start, its station file is invalid:\n{exc}",
              file=sys.stderr)
        return 2
    if args.load < 0:
        print("hmi: --load must be 0 or more events per second", file=sys.stderr)
        return 2
    ddir = args.data_dir or data_dir()
    try:
        simulator = simulator_for(cfg, ddir)
    except ScenarioError as exc:
        print(f"hmi: the simulator scenario cannot be used:\n{exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(serve(cfg, ddir, simulator=simulator,
                                 print_commits=args.print_commits, load_rate=args.load,
                                 run_for=args.run_for))
    finally:
        if simulator is not None:
            simulator.stop_blocking()


if __name__ == "__main__":
    sys.exit(main())
