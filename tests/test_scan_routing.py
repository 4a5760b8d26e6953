"""Scans reach the screen that expects them, from either scanner, and never the focused field.

The station's real parts: the keyboard-wedge filter on the application, a
serial scanner on a pseudo-terminal, the ScanHub and the main window's login
screen. A badge scanned while the PIN field has focus must land in the badge
field (typing would have put it into the PIN field); a scan nobody expects
says so on the banner and changes nothing.
"""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from hmi import config
from hmi.devices.scanner import SerialScanner, make_scan
from hmi.services import permissions as P
from hmi.services.production import ProductionMonitor
from hmi.services.scans import ScanHub
from hmi.services.session import StationSession
from hmi.services.worker import DbWorker
from hmi.views.main_window import MainWindow
from hmi.views.wedge import WedgeFilter


@pytest.fixture
def station(qtbot, qapp):
    cfg = config.load(config.demo_config_path())
    worker = DbWorker()
    session = StationSession(worker)
    hub = ScanHub()
    win = MainWindow(cfg, session, ProductionMonitor(cfg), scans=hub)
    wedge = WedgeFilter.from_config(cfg.scanner, parent=win)
    wedge.scanned.connect(hub.deliver)
    wedge.install(qapp)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win, session, hub
    wedge.uninstall()
    worker.shutdown()


def wedge_type(qtbot, text: str, interval_ms: int = 5) -> None:
    """Type like a keyboard-wedge scanner: fast, ending with Enter, stamped keyboard times."""
    ts = 5_000_000
    for ch in [*text, "\r"]:
        target = QApplication.focusWidget()
        key = Qt.Key.Key_Return if ch == "\r" else Qt.Key(ord(ch.upper()))
        for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            ev = QKeyEvent(etype, key, Qt.KeyboardModifier.NoModifier, ch)
            ev.setTimestamp(ts)
            QApplication.sendEvent(target, ev)
        ts += interval_ms
        qtbot.wait(interval_ms)


def test_wedge_badge_scan_fills_badge_even_when_pin_field_has_focus(qtbot, station):
    win, _session, hub = station
    login = win.login_view
    login.pin.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is login.pin, timeout=2000)
    wedge_type(qtbot, "1001")
    qtbot.waitUntil(lambda: login.badge.text() == "1001", timeout=3000)
    assert login.pin.text() == ""  # the keys never reached the focused PIN field
    assert QApplication.focusWidget() is login.pin
    assert "Badge 1001 scanned" in login.message.text()
    assert [s.source for s in hub.recent()] == ["wedge"]
    assert not win.banner.isVisible()


def test_scan_nobody_expects_is_reported_and_changes_nothing(qtbot, station):
    win, session, hub = station
    actor = P.Actor("1001", "Anna Berg", ("operator",), frozenset({P.PRODUCTION_VIEW}))
    session.actor = actor
    session.sig_user_logged_in.emit(actor)
    assert not hub.deliver(make_scan(b"]C1\x1d0104012345678901", "wedge"))
    assert win.banner.isVisible()
    text = win.banner.label.text()
    assert "nothing on this screen expects a scan" in text and "Nothing was changed" in text
    assert "⟨GS⟩0104012345678901" in text and "GS1-128" in text
    assert win.login_view.badge.text() == ""


def test_serial_scanner_badge_reaches_login_and_header_shows_unplug(qtbot, station, pty_port):
    win, _session, hub = station
    login = win.login_view
    loop = asyncio.new_event_loop()
    scanner = SerialScanner(pty_port.path, on_scan=hub.deliver, on_state=hub.set_scanner_state,
                            suffix=b"\r", frame_timeout=0.2)

    def run_until(predicate, timeout: float = 5.0) -> None:
        async def wait() -> None:
            while not predicate():
                await asyncio.sleep(0.02)
        loop.run_until_complete(asyncio.wait_for(wait(), timeout))

    try:
        loop.run_until_complete(scanner.__aenter__())
        run_until(lambda: hub.scanner_state == "connected")
        assert win.header.scanner.isVisibleTo(win) and win.header.scanner.text() == "Scanner OK"
        pty_port.send(b"2001\r")
        run_until(lambda: login.badge.text() == "2001")
        assert hub.recent()[-1].source == f"serial:{pty_port.path}"
        pty_port.unplug()
        run_until(lambda: hub.scanner_state == "reconnecting")
        assert win.header.scanner.text() == "Scanner unplugged"
        assert win.header.scanner.property("severity") == "alarm"
    finally:
        loop.run_until_complete(scanner.aclose())
        loop.close()


def test_header_with_every_indicator_fits_the_panel_width(qtbot, station):
    win, _session, hub = station
    hub.set_scanner_state("reconnecting")
    win.header.set_link("Link lost – reconnecting", "alarm")
    win.header.set_machine_state("CHANGEOVER", "planned")
    win.header.set_user("Maximilian Mustermann-Oberhuber")
    assert win.minimumSizeHint().width() <= 1280
    assert win.header.scanner.text() == "Scanner unplugged"
