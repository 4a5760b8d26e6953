"""Headless station: ``hmi --headless --config FILE`` — devices, services and the store
without a window (servers, tests, the SIGKILL loops of tests/test_kill.py).

What runs is what the windowed station runs behind its screens, built from the same
pieces (:mod:`hmi.app` is not imported: it needs QtWidgets, which a server may lack):

* the data path shared with the window, :class:`~hmi.services.station_core.StationCore`:
  the machine driver (a ``sim://`` machine's simulator is spawned here as the cli does
  for the window), the production monitor, machine facts group-committed on the one DB
  worker (facts arriving before the store is open wait in order; the counter baseline is
  restored), master data, audit and PINs, and with ``[database] central_url`` the
  :class:`~hmi.services.sync.SyncService` on its own thread;
* downtime and alarms, and the order services (:class:`~hmi.services.orderstack.OrderStack`);
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
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from hmi.config import StationConfig
from hmi.services.station_core import StationCore

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


class HeadlessStation(QObject, StationCore):
    """The station's devices, services and store without a window (the data path is
    :class:`~hmi.services.station_core.StationCore`, shared with the windowed station)."""

    def __init__(self, cfg: StationConfig, data_dir: Path, *, simulator: Any = None,
                 print_commits: bool = False, load_rate: float = 0.0) -> None:
        QObject.__init__(self)
        self._init_core(cfg, data_dir, simulator)
        self.printer = CommitPrinter() if print_commits else None
        self.load_rate = load_rate
        self.writer: Any = None
        self.errors: list[str] = []
        self._tasks: list[asyncio.Task] = []
        self._load_stop = threading.Event()
        self._load_thread: threading.Thread | None = None
        self.store_ready = asyncio.Event()

    # -- where it writes ---------------------------------------------------------------
    def describe(self) -> str:
        return (f"HEADLESS station={self.cfg.station.id} "
                f"store={self.cfg.local_db_url(self.data_dir)} "
                f"history={self.cfg.history_path(self.data_dir)} "
                f"machine={self.cfg.machine.url} pid={os.getpid()}")

    # -- StationCore hooks ---------------------------------------------------------------
    def report_error(self, text: str, exc: BaseException | None = None) -> None:
        self.errors.append(text)
        log.error("%s", text, exc_info=exc)

    def _store_opened(self, session_factory: Any) -> None:
        if self.printer is not None:  # before master data: its events are printed too
            self.printer.attach(session_factory)

    # -- start ---------------------------------------------------------------------------
    async def start(self) -> None:
        self._tasks.append(asyncio.ensure_future(self._connect_machine()))
        await self._open_store()

    async def _open_store(self) -> None:
        try:
            recorder, (good, scrap) = await self.worker.run(self._open_store_sync)
        except Exception as exc:  # noqa: BLE001 - said; the process exits non-zero
            self.report_error(f"the station database could not be opened: {exc}", exc)
            self.store_ready.set()
            raise
        pending = self._take_store(recorder, good, scrap)
        try:
            self._start_services()
            for kind, fields in pending:
                self.downtime.on_fact(kind, fields)
        except Exception as exc:  # noqa: BLE001 - recording goes on without them
            self.report_error(f"downtime, alarms or orders could not be started: {exc}", exc)
        if self.load_rate > 0:
            self._start_load()
        self._start_upkeep(self)
        self.sync = self._make_sync(parent=self)
        if self.sync is not None:
            self.sync.sig_status.connect(self._sync_status)
            self.sync.start()
            log.info("syncing to %s", self.cfg.database.central_url)
        self.store_ready.set()

    def _sync_status(self, status: Any) -> None:
        """(loop thread, queued from the sync thread) errors to the log."""
        if status.last_error:
            log.warning("sync: %s", status.last_error)

    def _start_services(self) -> None:
        from hmi.services.alarms import AlarmService
        from hmi.services.downtime import DowntimeService

        cfg, sf = self.cfg, self.session_factory
        self.downtime = DowntimeService(cfg, self.worker, sf, audit=self.audit, parent=self)
        self.alarms = AlarmService(cfg, self.worker, sf, audit=self.audit, parent=self)
        self.downtime.sig_error.connect(self._service_error)
        self.downtime.start()
        self.alarms.start()
        self.alarms.on_connection_state(self.monitor.snapshot.connection)
        stack = self._start_order_stack(parent=self)
        self.downtime.sig_ready.connect(lambda: stack.set_calendar(self.downtime.calendar))

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
        self._stop_upkeep()
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
        if self.sync is not None:
            self.sync.stop(15)
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
    from hmi.cli import data_dir, prepare_station
    from hmi.devices.sim.scenario import ScenarioError
    from hmi.services.upkeep import StationLocked, hold_station_lock

    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    cfg = prepare_station(args)
    if cfg is None:
        return 2
    if args.load < 0:
        print("hmi: --load must be 0 or more events per second", file=sys.stderr)
        return 2
    ddir = args.data_dir or data_dir()
    try:
        lock = hold_station_lock(ddir)  # one station per data directory
    except StationLocked as exc:
        print(f"hmi: {exc}", file=sys.stderr)
        return 2
    try:
        simulator = simulator_for(cfg, ddir)
    except ScenarioError as exc:
        lock.release()
        print(f"hmi: the simulator scenario cannot be used:\n{exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(serve(cfg, ddir, simulator=simulator,
                                 print_commits=args.print_commits, load_rate=args.load,
                                 run_for=args.run_for))
    finally:
        lock.release()
        if simulator is not None:
            simulator.stop_blocking()


if __name__ == "__main__":
    sys.exit(main())
