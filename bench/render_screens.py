"""Render every screen to PNG (offscreen) at the panel sizes, for looking at them.

    .venv/bin/python bench/render_screens.py [OUTDIR]

Screens are fed hand-made machine snapshots covering the normal case and the
abnormal ones (faulted, link lost → stale values) so each look can be checked.
Pictures go to ``out/`` (not committed).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from hmi import config  # noqa: E402
from hmi.app import _load_theme  # noqa: E402
from hmi.devices.base import ConnectionState, Quality, TagValue  # noqa: E402
from hmi.services.permissions import Actor  # noqa: E402
from hmi.services.production import ProductionMonitor  # noqa: E402
from hmi.services.session import StationSession  # noqa: E402
from hmi.services.worker import DbWorker  # noqa: E402
from hmi.views.main_window import MainWindow  # noqa: E402
from hmi.widgets.signature_dialog import SignatureDialog  # noqa: E402


def feed(monitor: ProductionMonitor, state: int, good: int, scrap: int, fault: int = 0) -> None:
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(seconds=300)
    vals = {"state": state, "fault_code": fault, "cycle_time": 1.53}
    monitor.on_connection_state(ConnectionState.CONNECTED)
    for name, v in (("good_count", 1000), ("scrap_count", 40)):
        monitor.on_tag_value(TagValue(name, v, Quality.GOOD, start, start, ConnectionState.CONNECTED))
    for i in range(300):
        t = start + dt.timedelta(seconds=i)
        for name, base in (("temperature", 180), ("pressure", 120), ("speed", 38)):
            import math
            v = base + 3 * math.sin(i / 30 + base) + (0.3 if i % 7 else -0.2)
            monitor.on_tag_value(TagValue(name, v, Quality.GOOD, t, t, ConnectionState.CONNECTED))
    for name, v in vals.items():
        monitor.on_tag_value(TagValue(name, v, Quality.GOOD, now - dt.timedelta(seconds=95), now,
                                      ConnectionState.CONNECTED))
    for name, v in (("good_count", 1000 + good), ("scrap_count", 40 + scrap)):
        monitor.on_tag_value(TagValue(name, v, Quality.GOOD, now, now, ConnectionState.CONNECTED))
    monitor.flush()  # the monitor emits at most max_fps snapshots a second; show this one now


def render_mes_screens(app: QApplication, cfg, out: Path) -> None:
    """Downtime, alarms, andon, KPIs and handover on real services over two simulated hours."""
    import random
    import tempfile

    from hmi.services.alarms import AlarmService
    from hmi.services.andon import AndonService
    from hmi.services.audit import AuditWriter
    from hmi.services.auth import AuthService
    from hmi.services.downtime import DowntimeService
    from hmi.services.masterdata import import_file
    from hmi.services.shiftkpi import ShiftKpiService
    from hmi.store.engine import open_store

    tmp = Path(tempfile.mkdtemp())
    engine, sf = open_store(f"sqlite:///{tmp}/station.sqlite")
    import_file(sf, config.resources_dir() / "masterdata" / "demo.toml", station_id=cfg.station.id)
    # Two hours of the Early shift (06:00-14:00 Berlin), up to 13:20 today, lunch break included.
    import zoneinfo

    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    today = dt.datetime.now(berlin).date()
    while today.isoweekday() > 5:
        today -= dt.timedelta(days=1)
    now = dt.datetime(today.year, today.month, today.day, 13, 20, tzinfo=berlin).astimezone(dt.UTC)
    shift_start = dt.datetime(today.year, today.month, today.day, 6, 0, tzinfo=berlin)
    clock_now = [shift_start.astimezone(dt.UTC)]

    def clock() -> dt.datetime:
        return clock_now[0]

    worker = DbWorker()
    session = StationSession(worker)
    monitor = ProductionMonitor(cfg)
    win = MainWindow(cfg, session, monitor)
    win.show()
    audit = AuditWriter(cfg.station.id, clock)
    auth = AuthService(sf, cfg.station.id)
    downtime = DowntimeService(cfg, worker, sf, audit=audit, clock=clock)
    alarms = AlarmService(cfg, worker, sf, audit=audit, clock=clock)
    andon = AndonService(cfg, worker, sf, auth, audit=audit, clock=clock)
    kpis = ShiftKpiService(cfg, downtime=downtime, clock=clock)
    downtime.start(tick_ms=0)
    alarms.start().result(10)
    andon.start().result(10)
    while not downtime.ready:
        app.processEvents()
    kpis.set_calendar(downtime.calendar)

    def fact(what: str, **fields) -> None:
        downtime.on_fact(what, fields)
        kpis.on_fact(what, fields)

    rng = random.Random(7)
    t = clock_now[0]
    state = "running"
    fact("machine_state", state_code=1, state="running", fault_code=None, source_ts=t)
    script = {1500: ("faulted", 104, 420), 3000: ("starved", None, 200), 3600: ("faulted", 103, 600),
              5200: ("changeover", None, 480)}
    i = 0
    while t < now - dt.timedelta(seconds=30):
        i += 1
        sec = int((t - (now - dt.timedelta(hours=2))).total_seconds())  # script: last 2 h
        hit = next((k for k in script if k <= sec < k + 2), None)
        if hit is not None and state == "running":
            st, code, dur = script[hit]
            clock_now[0] = t
            fact("machine_state", state_code=6, state=st, fault_code=code, source_ts=t)
            if code:
                downtime.on_fault_code(t, code)
            downtime.tick()
            t += dt.timedelta(seconds=dur)
            clock_now[0] = t
            downtime.tick()
            fact("machine_state", state_code=1, state="running", fault_code=None, source_ts=t)
            continue
        if rng.random() < 0.004:  # a micro-stop
            fact("machine_state", state_code=2, state="idle", fault_code=None, source_ts=t)
            t += dt.timedelta(seconds=rng.uniform(3, 9))
            fact("machine_state", state_code=1, state="running", fault_code=None, source_ts=t)
        cycle = rng.uniform(1.5, 2.1)
        t += dt.timedelta(seconds=cycle)
        clock_now[0] = t
        kind = "scrap" if rng.random() < 0.03 else "good"
        fact("production_count", kind=kind, increment=1, raw=i, how="count", source_ts=t)
        kpis.on_cycle_time(t, cycle)
        if i % 500 == 0:
            downtime.tick()
    clock_now[0] = now
    downtime.tick()
    while downtime.busy:
        app.processEvents()
    alarms.on_tag_value(TagValue("fault_code", 103, Quality.GOOD, now - dt.timedelta(minutes=3),
                                 now, ConnectionState.CONNECTED))
    andon.call(None, "maintenance", "Hydraulic oil on the floor").result(10)
    for _ in range(20):
        app.processEvents()
    from types import SimpleNamespace

    win.attach_services(SimpleNamespace(downtime=downtime, alarms=alarms, andon=andon, kpis=kpis,
                                        load_history=None, load_stops=None))
    kpis.recompute()
    feed(monitor, 1, 1234, 17)
    actor = auth.login("1001", "1234")
    session.actor = actor
    session.sig_user_logged_in.emit(actor)
    for _ in range(20):
        app.processEvents()
    kpis.recompute()
    for key in ("live", "downtime", "alarms", "andon", "kpi", "handover"):
        win.show_screen(key)
        if key == "downtime":
            first = next((c for c in win.downtime_view.list.shown), None)
            if first is not None:
                win.downtime_view.select_stop(first.key)
        for _ in range(10):
            app.processEvents()
        win.resize(1280, 800)  # a top-level window grows with a passing minimum, never shrinks
        app.processEvents()
        win.grab().save(str(out / f"mes_{key}_1280x800.png"))
    win.show_screen("downtime")
    win.downtime_view._show_page(1)
    app.processEvents()
    win.grab().save(str(out / "mes_downtime_pareto_1280x800.png"))
    win.close()
    downtime.shutdown()
    worker.shutdown()
    engine.dispose()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    out.mkdir(exist_ok=True)
    app = QApplication([])
    _load_theme(app)
    cfg = config.load(config.demo_config_path())
    for w, h in ((1280, 800), (1920, 1080)):
        cfg2 = cfg.model_copy(update={"ui": cfg.ui.model_copy(update={"width": w, "height": h})})
        worker = DbWorker()
        session = StationSession(worker)
        monitor = ProductionMonitor(cfg2)
        win = MainWindow(cfg2, session, monitor)
        win.show()
        win.build_screens()
        feed(monitor, 1, 1234, 17)
        app.processEvents()
        win.grab().save(str(out / f"login_{w}x{h}.png"))
        session.sig_login_failed.emit("Wrong PIN. 3 attempts left before the badge is locked "
                                      "for 5 minutes.")
        app.processEvents()
        win.grab().save(str(out / f"login_wrong_pin_{w}x{h}.png"))
        actor = Actor("1001", "Olga Operator", ("operator",), frozenset())
        session.actor = actor
        session.sig_user_logged_in.emit(actor)
        app.processEvents()
        win.live_view.trend._refresh()
        win.live_view._render()
        app.processEvents()
        win.grab().save(str(out / f"live_running_{w}x{h}.png"))
        feed(monitor, 6, 1300, 20, fault=104)
        win.live_view._render()
        app.processEvents()
        win.grab().save(str(out / f"live_faulted_{w}x{h}.png"))
        monitor.on_connection_state(ConnectionState.RECONNECTING, "connection refused")
        win.show_error("The machine connection was lost. The station is reconnecting; values "
                       "shown are the last ones received.", "warning")
        win.live_view._render()
        app.processEvents()
        win.grab().save(str(out / f"live_link_lost_{w}x{h}.png"))
        win.close()
        worker.shutdown()
    render_mes_screens(app, cfg, out)
    dlg = SignatureDialog(meaning="Approved", summary="Inspection INS-0042, order WO-1001, "
                          "3 characteristics, all within limits.", on_sign=lambda b, p: "Wrong PIN.")
    dlg.resize(1100, 640)
    dlg.show()
    dlg.badge.setText("2001")
    dlg.pin.setText("12")
    dlg.try_sign()
    app.processEvents()
    dlg.grab().save(str(out / "signature_dialog.png"))
    print("\n".join(sorted(str(p) for p in out.glob("*.png"))))


if __name__ == "__main__":
    main()
