"""What every station process runs behind its screens, with a window or without one.

:class:`StationCore` is shared by the windowed station (:class:`hmi.app.Station`) and the
headless one (:class:`hmi.headless.HeadlessStation`) so the two never drift apart in what
matters for the data:

* the one :class:`~hmi.services.worker.DbWorker` and the
  :class:`~hmi.services.production.ProductionMonitor`;
* machine facts (states, counts) group-committed on the worker: everything queued while it
  was busy goes in ONE transaction (``ProductionRecorder.record_many``, rows not ORM
  objects); a group that fails is written fact by fact, so one bad fact cannot take the
  others with it (docs/durability.md);
* facts arriving before the store is open wait, in order, and are written once it is;
  the counter baseline stored before the last shutdown is restored;
* opening the store: migrations, the master-data files of ``[database] masterdata``,
  the audit writer and the PIN service;
* the machine driver (``open_driver``; a ``sim://`` machine through its simulator process,
  trusting the simulator's own certificate on loopback);
* every machine value to the monitor, the order services, alarms, downtime and KPIs;
* store-and-forward to ``[database] central_url`` through :class:`SyncService`.

The subclass provides ``report_error(text, exc)`` (a banner, or a log line) and may
override the hooks ``_mark`` (start-up tracing), ``_store_opened`` (before master data is
imported) and ``_auth_ready``. QtCore only (services layer).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import zoneinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from hmi.config import StationConfig
from hmi.services.production import ProductionMonitor
from hmi.services.worker import DbWorker

log = logging.getLogger(__name__)


def _ignore(_exc: BaseException) -> None:
    """The waiting thread gets the error from the future itself."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


class StationCore:
    """Mixin: the data path of a station (see the module docstring)."""

    def _init_core(self, cfg: StationConfig, data_dir: Path, simulator: Any = None) -> None:
        self.cfg = cfg
        self.data_dir = data_dir
        # For sim://: a SimulatorProcess already spawned by the cli.
        self.simulator = simulator
        self.worker = DbWorker()
        # Counting waits for the baseline stored before the last shutdown.
        self.monitor = ProductionMonitor(cfg, sink=self._record, baseline_known=False)
        self.engine: Any = None
        self.session_factory: Any = None
        self.audit: Any = None
        self.auth: Any = None
        self.recorder: Any = None
        self.driver: Any = None
        self.sync: Any = None
        # MES services that need the store (built once it is open).
        self.downtime: Any = None
        self.alarms: Any = None
        self.kpis: Any = None
        self.order_stack: Any = None
        self._pending_facts: list[tuple[str, dict[str, Any]]] = []
        self._facts: list[tuple[str, dict[str, Any]]] = []
        self._facts_job = False
        self._facts_lock = threading.Lock()

    # -- hooks -----------------------------------------------------------------------------
    def report_error(self, text: str, exc: BaseException | None = None) -> None:
        raise NotImplementedError

    def _mark(self, what: str) -> None:
        """A start-up milestone (the window's start-up trace); nothing by default."""

    def _store_opened(self, session_factory: Any) -> None:
        """(DB worker) the store is open and migrated, master data not imported yet."""

    def _auth_ready(self, auth: Any) -> None:
        """(DB worker) the PIN service exists."""

    # -- facts to the store ----------------------------------------------------------------
    def _record(self, kind: str, fields: dict[str, Any]) -> None:
        if self.downtime is not None:  # stops and shift figures follow the same facts
            self.downtime.on_fact(kind, fields)
        if self.kpis is not None:
            self.kpis.on_fact(kind, fields)
        if self.order_stack is not None:  # the running order, its tools, the drift watch
            self.order_stack.on_fact(kind, fields)
        if self.recorder is None:
            # The store opens after the first machine values; facts that come earlier wait
            # here (in order) rather than being lost.
            self._pending_facts.append((kind, fields))
            return
        with self._facts_lock:
            self._facts.append((kind, fields))
            if self._facts_job:
                return
            self._facts_job = True
        self.worker.submit(self._write_facts, on_error=self._facts_failed)

    def _facts_failed(self, exc: BaseException) -> None:
        self.report_error(_tr("Could not save machine data: %1. Tell maintenance.")
                          .replace("%1", str(exc)), exc)

    def _write_facts(self) -> None:
        """(DB worker) everything queued so far, in one transaction."""
        with self._facts_lock:
            batch, self._facts = self._facts, []
            self._facts_job = False
        try:
            self.recorder.record_many(batch)
        except Exception:  # one bad fact must not take the others with it: one by one
            failed: Exception | None = None
            for kind, fields in batch:
                try:
                    self.recorder.record(kind, fields)
                except Exception as exc:  # noqa: BLE001 - reported below, the rest kept
                    failed = failed or exc
            if failed is not None:
                raise failed from None

    # -- the store -------------------------------------------------------------------------
    def _open_store_sync(self) -> tuple[Any, tuple[int | None, int | None]]:
        """(DB worker) open and migrate the store, import master data, build audit, PINs
        and the recorder; returns (recorder, stored counter baseline)."""
        from hmi.services.audit import AuditWriter
        from hmi.services.auth import AuthService
        from hmi.services.masterdata import import_file
        from hmi.services.recorder import ProductionRecorder
        from hmi.store.engine import open_store

        cfg = self.cfg
        self.engine, self.session_factory = open_store(cfg.local_db_url(self.data_dir))
        self._store_opened(self.session_factory)
        for name in cfg.database.masterdata:
            import_file(self.session_factory, cfg.resolve_path(name, self.data_dir),
                        station_id=cfg.station.id)
        sec = cfg.security
        audit = AuditWriter(cfg.station.id)
        auth = AuthService(self.session_factory, cfg.station.id, audit=audit,
                           max_failures=sec.max_pin_failures,
                           window=dt.timedelta(minutes=sec.failure_window_min),
                           lockout=dt.timedelta(minutes=sec.lockout_min),
                           tz=zoneinfo.ZoneInfo(cfg.station.timezone))
        recorder = ProductionRecorder(self.session_factory, cfg.station.id)
        self._auth_ready(auth)
        self.audit, self.auth = audit, auth
        # Every permission refused inside a service becomes an audit entry (docs/audit.md).
        from hmi.services.audit import RefusalAuditor
        from hmi.services.permissions import set_refusal_recorder

        set_refusal_recorder(RefusalAuditor(self.session_factory, audit, worker=self.worker))
        return recorder, recorder.baseline()

    def _take_store(self, recorder: Any, good: int | None,
                    scrap: int | None) -> list[tuple[str, dict[str, Any]]]:
        """(loop thread) the store is open: write what waited, count from the baseline.
        Returns the facts that waited (the services built next need them too)."""
        self.recorder = recorder
        pending, self._pending_facts = self._pending_facts, []
        for kind, fields in pending:
            self._record(kind, fields)
        self.monitor.restore_baseline(good, scrap)
        return pending

    # -- the machine -----------------------------------------------------------------------
    async def _connect_machine(self) -> None:
        from hmi.devices.base import DeviceError, open_driver

        m = self.cfg.machine
        try:
            url = m.url
            if m.scheme == "sim":
                if self.simulator is None:
                    raise RuntimeError("sim:// needs the simulator process (started by hmi.cli)")
                url = await self.simulator.wait_ready()
                if m.sim_protocol == "modbus":  # the same simulator, read over Modbus TCP
                    url = self.simulator.urls["modbus"]
                self._mark("simulator_ready")
            options: dict[str, Any] = {}
            if url.startswith("opc.tcp://"):  # [machine.opcua]: security, login, trust store
                from hmi.devices.opcua import ADMIN_ERRORS

                security = self.cfg.opcua_security(self.data_dir)
                if m.scheme == "sim":  # our own child process on loopback: trust its certificate
                    from hmi.devices.sim.server import certificate_paths

                    security = security.trusting(certificate_paths()[0])
                options["security"] = security
                # Problems only an administrator can fix (untrusted certificate, login refused)
                # are reported; the driver retries them slowly and reports each once.
                options["on_error"] = lambda exc: (
                    self.report_error(exc.operator_message, exc)
                    if isinstance(exc, ADMIN_ERRORS) else None)
            self.driver = open_driver(url, self.cfg.device_tags(), on_value=self.on_tag_value,
                                      on_state=self._on_connection_state,
                                      wait_connected=False, **options)
            await self.driver.__aenter__()
            self._mark("driver_started")
            log.info("machine driver started for %s", url)
        except DeviceError as exc:
            self.report_error(exc.operator_message, exc)
        except Exception as exc:  # noqa: BLE001
            self.report_error(_tr("The machine connection could not be started: %1")
                              .replace("%1", str(exc)), exc)

    def on_tag_value(self, value: Any) -> None:
        """Every value from the machine driver: monitor, orders, alarms, downtime, KPIs."""
        self.monitor.on_tag_value(value)
        if self.order_stack is not None:
            self.order_stack.on_tag_value(value)
        if self.alarms is not None:
            self.alarms.on_tag_value(value)
            if value.quality == "good":
                if value.tag == "fault_code":
                    self.downtime.on_fault_code(value.source_ts, int(value.value) or None)
                elif value.tag == "cycle_time" and self.kpis is not None:
                    self.kpis.on_cycle_time(value.source_ts, float(value.value))

    def _on_connection_state(self, state: Any, error: str = "") -> None:
        self.monitor.on_connection_state(state, error)
        if self.alarms is not None:
            self.alarms.on_connection_state(state, error)

    def read_tag(self, name: str) -> tuple[Any, bool]:
        """The newest value of a machine tag and whether it is Good and current."""
        last = getattr(self.driver, "last_values", None)
        value = last().get(name) if callable(last) else None
        if value is None:
            return None, False
        return value.value, str(value.quality) == "good"

    # -- order services --------------------------------------------------------------------
    def _service_error(self, text: str) -> None:
        """A service's operator message (the window shows it in the banner)."""
        self.report_error(text)

    def _start_order_stack(self, parent: QObject | None) -> Any:
        """Orders, tooling, instructions, recipes, inspections, holds, quality and material
        (:class:`~hmi.services.orderstack.OrderStack`), started."""
        from hmi.services.orderstack import OrderStack
        from hmi.services.signatures import SignatureService

        cfg, st = self.cfg, self.cfg.station
        self.signatures = SignatureService(self.session_factory, self.auth, self.audit, st.id)
        stack = OrderStack(self.worker, self.session_factory, station_id=st.id,
                           line_code=st.line, audit=self.audit, signatures=self.signatures,
                           tags={t.name: t for t in cfg.device_tags()},
                           read_tag=self.read_tag, serials=self._serial_source(),
                           verify_materials=cfg.traceability.verify_materials,
                           low_parts=cfg.traceability.low_parts,
                           process_tags=[t.name for t in cfg.process_tags()], parent=parent)
        for svc in stack.services():
            svc.sig_error.connect(self._service_error)
        self.order_stack = stack
        stack.start()
        return stack

    def _serial_source(self) -> Any:
        """Serial and lot numbers from the station's scheme ([numbering]), continuing after
        the highest number stored (a small indexed read at start). A template that could
        collide between stations is refused with the reason and the station falls back to
        numbers made of its id and the time (still unique to it)."""
        from hmi.services.serials import SchemeError, SerialAllocator, SerialScheme

        num, st = self.cfg.numbering, self.cfg.station
        tz = zoneinfo.ZoneInfo(num.timezone or st.timezone)
        try:
            schemes = {kind: SerialScheme(template, prefixes=num.prefixes or None,
                                          expected_per_period=num.expected_per_period, tz=tz,
                                          gs1=num.gs1)
                       for kind, template in (("serial", num.serial), ("lot", num.lot))}
            for scheme in schemes.values():
                scheme.check_station(st.id)
        except (SchemeError, ValueError) as exc:
            self.report_error(_tr(
                "[numbering] in the station file: %1. Serial numbers are made from the "
                "station id and the time until it is fixed.").replace("%1", str(exc)), exc)
            return None
        now = dt.datetime.now(dt.UTC)
        with self.session_factory() as s:
            allocators = {kind: SerialAllocator.from_store(s, scheme, st.id, kind=kind, now=now)
                          for kind, scheme in schemes.items()}
        return lambda t, kind: allocators[kind].next(t)

    # -- upkeep (docs/upkeep.md) -------------------------------------------------------------
    def _start_upkeep(self, parent: QObject) -> None:
        """Daily pruning of confirmed old events (off the loop, each batch on the DB worker),
        the device buffers for `hmi diagnostics` every minute, and the audit-storage check
        every hour (said through ``_service_error``)."""
        from PySide6.QtCore import QTimer

        from hmi.services.upkeep import PRUNE_INTERVAL_S

        self._upkeep_timers = []
        for every_s, first_s, job in ((PRUNE_INTERVAL_S, 600, self._prune_soon),
                                      (60, 5, self._write_device_buffers),
                                      (3600, 30, self._check_audit_storage)):
            timer = QTimer(parent)
            timer.setInterval(every_s * 1000)
            timer.timeout.connect(job)
            timer.start()
            QTimer.singleShot(first_s * 1000, timer, job)
            self._upkeep_timers.append(timer)

    def _stop_upkeep(self) -> None:
        """At shutdown, before the devices close: their last buffers for diagnostics."""
        timers = getattr(self, "_upkeep_timers", None)
        if not timers:
            return
        for timer in timers:
            timer.stop()
        self._write_device_buffers()

    def _prune_soon(self) -> None:
        if getattr(self, "_pruning", None) is not None and self._pruning.is_alive():
            return
        self._pruning = threading.Thread(target=self._prune, name="hmi-prune", daemon=True)
        self._pruning.start()

    def _prune(self) -> None:
        from hmi.services.upkeep import prune_for_station

        def on_worker(fn: Any) -> Any:  # one transaction at a time, between the others
            return self.worker.submit(fn, on_error=_ignore).result(600)

        try:
            report = prune_for_station(self.cfg, self.session_factory, runner=on_worker)
            log.info("%s", report.summary())
        except Exception:  # noqa: BLE001 - tried again tomorrow; the store is unchanged
            log.exception("pruning failed")

    def _write_device_buffers(self) -> None:
        from hmi.services.upkeep import write_device_buffers

        buffers: dict[str, Any] = {}
        driver = self.driver
        if driver is not None and hasattr(driver, "recent_events"):
            buffers["machine"] = driver.recent_events()
        if driver is not None and hasattr(driver, "recent_frames"):
            buffers["machine frames"] = driver.recent_frames()
        scanner = getattr(self, "scanner", None)
        if scanner is not None and hasattr(scanner, "recent_events"):
            buffers["scanner"] = scanner.recent_events()
        try:
            write_device_buffers(self.data_dir, buffers)
        except OSError as exc:
            log.warning("device buffers not written: %s", exc)

    def _check_audit_storage(self) -> None:
        from hmi.services.audit import audit_storage_warning

        text = audit_storage_warning(self.cfg, self.data_dir)
        if text:
            self._service_error(text)

    # -- the central database --------------------------------------------------------------
    def _make_sync(self, parent: QObject | None) -> Any:
        """A started-later :class:`SyncService` for ``[database] central_url`` (None when the
        station runs standalone, or when it cannot be set up — said, the station runs on)."""
        db = self.cfg.database
        if not db.central_url:
            return None
        from hmi.services.sync import SyncService

        try:
            return SyncService.for_station(
                self.session_factory, db.central_url, self.cfg.station.id,
                password_file=self._central_password_file(),
                interval_s=db.sync_interval_s, backlog_budget=db.backlog_budget,
                store_dir=str(self.cfg.resolve_path(db.local, self.data_dir).parent),
                parent=parent)
        except Exception as exc:  # noqa: BLE001 - a bad URL or password file: said, station runs
            self.report_error(_tr(
                "Sync with the central database is off: %1. The station keeps everything "
                "and sends it once this is fixed.").replace("%1", str(exc)), exc)
            return None

    def _central_password_file(self) -> Path | None:
        """The systemd credential ``central-password`` (installer/), else ``[database]
        central_password_file`` (a 0600 file), else the file named by
        ``HMI_CENTRAL_PASSWORD_FILE``; without any, libpq's own sources (PGPASSFILE,
        ~/.pgpass) — never the station file."""
        from hmi.secrets import credential_path

        systemd = credential_path("central-password")  # LoadCredential= of the installed unit
        if systemd is not None:
            return systemd
        db = self.cfg.database
        if db.central_password_file:
            return self.cfg.resolve_path(db.central_password_file, self.data_dir)
        env = os.environ.get("HMI_CENTRAL_PASSWORD_FILE")
        return Path(env) if env else None
