"""Sync health in the header: quiet when all is sent, amber/red when someone must know."""

from __future__ import annotations

from types import SimpleNamespace

from hmi.views.presenters import sync_status
from hmi.widgets.header import HeaderBar as Header


def status(**kw):
    base = dict(online=True, backlog=0, oldest_unsent_s=None, quarantined=0, disk_warning=False)
    return SimpleNamespace(**{**base, **kw})


def test_sync_texts_and_severities():
    assert sync_status(status()) == ("⇅ ✓", "normal")
    assert sync_status(status(backlog=12, oldest_unsent_s=4)) == ("⇅ 12 · 0:04", "normal")
    assert sync_status(status(backlog=1234, oldest_unsent_s=900)) == (
        "⇅ behind · 1\u2009234 · 15:00", "warning")
    assert sync_status(status(online=False)) == ("⇅ OFFLINE", "warning")
    assert sync_status(status(online=False, backlog=1234567, oldest_unsent_s=3 * 3600)) == (
        "⇅ OFFLINE 1.2 M · 3:00:00", "warning")
    assert sync_status(status(quarantined=2, backlog=5, oldest_unsent_s=1)) == (
        "⇅ 2 REFUSED", "alarm")
    assert sync_status(status(disk_warning=True, online=False, backlog=9, oldest_unsent_s=60))[1] \
        == "alarm"


def test_a_full_header_still_fits_the_panel_and_names_stay_readable(qtbot, themed):
    header = Header("Press 10 · ST-10", "Europe/Berlin")
    qtbot.addWidget(header)
    header.resize(1280, 72)
    header.set_machine_state("RUNNING", "normal")
    header.set_link("Link OK", "normal")
    header.set_alarms(1, 1)
    header.set_andon(1, 1)
    header.set_sync(*sync_status(status(online=False, backlog=1234, oldest_unsent_s=720)))
    header.set_user("Anna Berg")
    header.show()
    header.grab().save("/tmp/header-full.png")
    assert header.minimumSizeHint().width() <= 1280
    assert not header.link.isVisible()  # the link is fine: not said
    # the station and the person stay readable: shrunk a little at most, never cut
    header.station.repaint()
    header.user.repaint()
    assert header.station.shown_px >= 17 and header.user.shown_px >= 15
    assert header.sync.isVisible() and header.sync.property("severity") == "warning"


def test_low_disk_next_to_the_store_turns_the_sync_indicator_red(tmp_path):
    from hmi.services.sync import SyncService

    roomy = SyncService(None, store_dir=str(tmp_path), min_free_bytes=1)
    full = SyncService(None, store_dir=str(tmp_path), min_free_bytes=2**62)
    assert not roomy.disk_low() and full.disk_low()
    text, severity = sync_status(status(disk_warning=full.disk_low(), backlog=10,
                                        oldest_unsent_s=30))
    assert severity == "alarm" and text.startswith("⇅ DISK FULL SOON")


def test_the_window_takes_sync_status_from_the_sync_thread(qtbot, qapp):
    """The sync service emits on its own thread; the window shows it (queued to the GUI
    thread) in the header, and each warning once in the banner."""
    import threading

    from PySide6.QtCore import QObject, Signal

    from hmi import config
    from hmi.services.production import ProductionMonitor
    from hmi.services.session import StationSession
    from hmi.services.worker import DbWorker
    from hmi.views.main_window import MainWindow

    cfg = config.load(config.demo_config_path())
    worker = DbWorker()
    win = MainWindow(cfg, StationSession(worker), ProductionMonitor(cfg))
    qtbot.addWidget(win)

    class Sync(QObject):
        sig_status = Signal(object)

    sync = Sync()
    sync.sig_status.connect(win.show_sync)
    seen_in: list[bool] = []
    orig = win.header.set_sync

    def spy(text, severity):
        seen_in.append(threading.current_thread() is threading.main_thread())
        orig(text, severity)

    win.header.set_sync = spy
    skew = "the clock differs from the central server by 42 s"
    st = status(online=False, backlog=7, oldest_unsent_s=65)
    st.warnings = (skew,)
    for _ in range(2):
        t = threading.Thread(target=sync.sig_status.emit, args=(st,))
        t.start()
        t.join()
    qtbot.waitUntil(lambda: len(seen_in) == 2, timeout=5_000)
    assert seen_in == [True, True]  # never painted from the sync thread
    assert win.header.sync.text() == "⇅ OFFLINE 7 · 1:05"
    assert win.banner.label.text() == skew and win.banner.count == 1  # once, not twice
    worker.shutdown()
