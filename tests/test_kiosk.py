"""Kiosk mode through the real main window: no closing, no escape keys, only kiosk.exit leaves.

A real AuthService on a copy of the demo database; badge and PIN are typed on the exit
dialog's keypad.
"""

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from hmi import config
from hmi.services import permissions as P
from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.auth import AuthService
from hmi.services.production import ProductionMonitor
from hmi.services.session import StationSession
from hmi.services.worker import DbWorker
from hmi.store.security import AuditEntry
from hmi.views.kiosk import is_escape_shortcut
from hmi.views.main_window import MainWindow

STATION = "ST-10"
K, M = Qt.Key, Qt.KeyboardModifier
ALT, CTRL, SHIFT, META = M.AltModifier, M.ControlModifier, M.ShiftModifier, M.MetaModifier
NONE = M.NoModifier

ESCAPES = [
    (K.Key_F4, ALT), (K.Key_Q, CTRL), (K.Key_W, CTRL), (K.Key_Escape, NONE), (K.Key_F11, NONE),
    (K.Key_Tab, ALT), (K.Key_Backtab, ALT | SHIFT), (K.Key_Space, ALT), (K.Key_Escape, CTRL),
    (K.Key_F4, CTRL), (K.Key_Super_L, NONE), (K.Key_Meta, META), (K.Key_D, META),
    (K.Key_F2, CTRL | ALT), (K.Key_Backspace, CTRL | ALT), (K.Key_Delete, CTRL | ALT),
    (K.Key_F2, ALT),
]
ORDINARY = [
    (K.Key_5, NONE), (K.Key_A, SHIFT), (K.Key_Return, NONE), (K.Key_Enter, NONE),
    (K.Key_Backspace, NONE), (K.Key_Tab, NONE), (K.Key_F4, NONE), (K.Key_C, CTRL),
    (K.Key_V, CTRL), (K.Key_Q, NONE), (K.Key_Delete, NONE),
]


@pytest.mark.parametrize(("key", "mods"), ESCAPES)
def test_escape_shortcuts_are_recognised(key, mods):
    assert is_escape_shortcut(key, mods)


@pytest.mark.parametrize(("key", "mods"), ORDINARY)
def test_ordinary_keys_are_not_escape_shortcuts(key, mods):
    assert not is_escape_shortcut(key, mods)


@pytest.fixture
def kiosk(qtbot, demo_store):
    cfg = config.load(config.demo_config_path())
    cfg = cfg.model_copy(update={"ui": cfg.ui.model_copy(update={"lock_after_s": 0,
                                                                 "idle_logout_s": 0})})
    worker = DbWorker()
    session = StationSession(worker)
    win = MainWindow(cfg, session, ProductionMonitor(cfg), kiosk=True)
    session.attach(AuthService(demo_store, STATION, audit=AuditWriter(STATION)))
    qtbot.addWidget(win)
    win.enter_kiosk()
    qtbot.waitExposed(win)
    win.clock_hold.timer.setInterval(300)  # 3 s on the panel
    yield win, session, demo_store, worker
    win._kiosk = False  # let the test teardown close it
    worker.shutdown()


# keyClick presses these first to make the modifiers; they are not what is tested
MODIFIER_KEYS = {K.Key_Shift, K.Key_Control, K.Key_Alt}


class KeyProbe(QObject):
    """Records the key presses that reach a widget."""

    def __init__(self, widget):
        super().__init__(widget)
        self.keys = []
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == event.Type.KeyPress and event.key() not in MODIFIER_KEYS:
            self.keys.append((event.key(), event.modifiers()))
        return False


def test_kiosk_window_refuses_to_close_and_swallows_the_escape_keys(qtbot, kiosk):
    win, *_ = kiosk
    flags = win.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert win.isFullScreen()

    assert not win.close()
    assert win.isVisible() and win.isFullScreen()
    assert "kiosk mode" in win.banner.label.text()

    # Shortcuts that would close or leave the window (as a desktop or a toolkit binds them).
    fired = []
    leave = QAction(win)
    leave.setShortcuts([QKeySequence(Qt.Modifier.CTRL | K.Key_Q),
                        QKeySequence(Qt.Modifier.CTRL | K.Key_W),
                        QKeySequence(Qt.Modifier.ALT | K.Key_F4),
                        QKeySequence(K.Key_F11), QKeySequence(K.Key_Escape)])
    leave.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    leave.triggered.connect(lambda: (fired.append(1), win.showNormal(), win.close()))
    win.addAction(leave)

    field = win.login_view.badge
    field.setFocus()
    probe = KeyProbe(field)
    for key, mods in ESCAPES:
        qtbot.keyClick(field, key, mods)
    assert fired == [] and probe.keys == []
    assert win.isVisible() and win.isFullScreen()

    qtbot.keyClick(field, K.Key_5)  # ordinary typing still works
    assert field.text() == "5" and len(probe.keys) == 1

    # the same shortcut outside kiosk mode does fire: the guard is what stops it above
    win._kiosk = False
    qtbot.keyClick(field, K.Key_Q, CTRL)
    assert fired == [1]


def test_kiosk_window_comes_back_to_the_front_and_to_full_screen(qtbot, kiosk):
    win, *_ = kiosk
    other = QWidget()  # another program's window taking the focus
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: other.isActiveWindow() or win.isActiveWindow(), timeout=2_000)
    qtbot.waitUntil(win.isActiveWindow, timeout=3_000)
    win.showNormal()  # un-fullscreened (by a window manager key we could not see)
    qtbot.waitUntil(win.isFullScreen, timeout=3_000)


def audit(sf, worker):
    worker.submit(lambda: None).result(10)
    with sf() as s:
        return [(e.action, e.actor_badge, e.detail) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action.like("kiosk%")).order_by(AuditEntry.seq))]


def hold_clock(qtbot, win):
    qtbot.mousePress(win.header.clock, Qt.MouseButton.LeftButton)
    qtbot.wait(450)
    qtbot.mouseRelease(win.header.clock, Qt.MouseButton.LeftButton)


def try_leave(qtbot, session, dlg, badge, pin, signal):
    for d in badge:
        qtbot.mouseClick(dlg.keypad.keys[d], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dlg.keypad.keys["enter"], Qt.MouseButton.LeftButton)  # on to the PIN
    for d in pin:
        qtbot.mouseClick(dlg.keypad.keys[d], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(signal, timeout=10_000) as blocker:
        qtbot.mouseClick(dlg.leave_button, Qt.MouseButton.LeftButton)
    return blocker.args


def test_a_tap_on_the_clock_does_nothing_and_holding_it_asks_for_badge_and_pin(qtbot, kiosk):
    win, session, *_ = kiosk
    qtbot.mouseClick(win.header.clock, Qt.MouseButton.LeftButton)
    qtbot.wait(450)
    assert win.kiosk_exit_dialog is None
    # even on a locked screen
    session.actor = P.Actor("1001", "Anna Berg", ("operator",), frozenset({P.PRODUCTION_VIEW}))
    session.lock("by user")
    assert win.lock_view.isVisible()
    hold_clock(qtbot, win)
    assert win.kiosk_exit_dialog is not None and win.kiosk_exit_dialog.isVisible()
    qtbot.mouseClick(win.kiosk_exit_dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not win.kiosk_exit_dialog.isVisible() and win.isVisible()


def test_only_a_person_with_kiosk_exit_leaves_and_both_are_audited(qtbot, kiosk):
    win, session, sf, worker = kiosk
    hold_clock(qtbot, win)
    dlg = win.kiosk_exit_dialog

    (msg,) = try_leave(qtbot, session, dlg, "1001", "1234", session.sig_kiosk_exit_refused)
    assert "Anna Berg (badge 1001) may not leave the station application" in msg
    assert dlg.isVisible() and dlg.message.text() == msg and dlg.pin.text() == ""
    assert win.isVisible() and win.kiosk

    dlg.badge.clear()
    dlg.badge.setFocus()
    (msg,) = try_leave(qtbot, session, dlg, "9001", "1111", session.sig_kiosk_exit_refused)
    assert "Wrong PIN" in msg and win.isVisible()

    dlg.badge.clear()
    dlg.badge.setFocus()
    with qtbot.waitSignal(win.sig_kiosk_exit, timeout=10_000) as left:
        try_leave(qtbot, session, dlg, "9001", "9999", session.sig_kiosk_exit_allowed)
    assert left.args[0].badge == "9001"
    assert not dlg.isVisible()
    assert not win.isVisible() and not win.kiosk  # closed: the app ends with exit code 0

    rows = audit(sf, worker)
    assert [(a, b) for a, b, _ in rows] == [
        ("kiosk_exit_refused", "1001"), ("kiosk_exit_refused", "9001"), ("kiosk_exit", "9001")]
    assert "lacks kiosk.exit" in rows[0][2] and "Wrong PIN" in rows[1][2]
    with sf() as s:
        assert verify_chain(s, STATION).ok
