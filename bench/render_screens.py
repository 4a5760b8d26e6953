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
