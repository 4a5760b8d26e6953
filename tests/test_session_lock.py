"""Inactivity lock, unlock, hand-over and several operators, through the real main window.

A real AuthService (argon2 PINs, lockout, audit) on a copy of the demo database; every
PIN is typed on the real keypads and every button is clicked.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from hmi import config
from hmi.devices.base import ConnectionState, Quality, TagValue
from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.auth import AuthService
from hmi.services.production import ProductionMonitor
from hmi.services.session import StationSession
from hmi.services.worker import DbWorker
from hmi.store.security import AuditEntry
from hmi.views.main_window import MainWindow

STATION = "ST-10"
ANNA, BEN = ("1001", "1234"), ("1002", "2345")  # operators (resources/masterdata/demo.toml)


def station_cfg(**ui):
    cfg = config.load(config.demo_config_path())
    return cfg.model_copy(update={"ui": cfg.ui.model_copy(update=ui)})


@pytest.fixture
def make_station(qtbot, demo_store):
    workers = []

    def make(**ui):
        cfg = station_cfg(**ui)
        worker = DbWorker()
        workers.append(worker)
        session = StationSession(worker)
        monitor = ProductionMonitor(cfg)
        win = MainWindow(cfg, session, monitor)
        # as the app does once the store is open: the auth service writes the audit trail
        session.attach(AuthService(demo_store, STATION, audit=AuditWriter(STATION)))
        qtbot.addWidget(win)
        win.show()
        # a second page to try to reach (the service pages need the whole station)
        page = QLabel("KPI page", win.stack)
        win.stack.addWidget(page)
        win.screens["kpi"] = page
        win.nav_buttons["kpi"].setEnabled(True)
        return SimpleNamespace(win=win, session=session, monitor=monitor, sf=demo_store,
                               kpi_page=page, worker=worker)

    yield make
    for w in workers:
        w.shutdown()


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tap_digits(qtbot, keypad, digits):
    for d in digits:
        click(qtbot, keypad.keys[d])


def log_in(qtbot, st, badge, pin):
    view = st.win.login_view
    tap_digits(qtbot, view.keypad, badge)
    click(qtbot, view.keypad.keys["enter"])
    tap_digits(qtbot, view.keypad, pin)
    with qtbot.waitSignal(st.session.sig_user_logged_in, timeout=10_000):
        click(qtbot, view.keypad.keys["enter"])


def unlock_with(qtbot, st, pin, signal, badge=None):
    """Type on the lock screen's keypad: a new badge (if given), then the PIN."""
    lock = st.win.lock_view
    if badge is not None:
        click(qtbot, lock.other_button)
        tap_digits(qtbot, lock.keypad, badge)
        click(qtbot, lock.keypad.keys["enter"])  # on to the PIN
    tap_digits(qtbot, lock.keypad, pin)
    with qtbot.waitSignal(signal, timeout=10_000) as blocker:
        click(qtbot, lock.keypad.keys["enter"])
    return blocker.args


def audit_rows(st):
    st.worker.submit(lambda: None).result(10)  # audit writes queued before this are done
    with st.sf() as s:
        return [(e.action, e.actor_badge, e.detail) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "session").order_by(AuditEntry.seq))]


def feed(monitor, **values):
    now = dt.datetime.now(dt.UTC)
    for tag, v in values.items():
        monitor.on_tag_value(TagValue(tag, v, Quality.GOOD, now, now, ConnectionState.CONNECTED))
    monitor.flush()


def test_inactivity_locks_the_screen_and_nothing_under_it_can_be_operated(qtbot, make_station):
    st = make_station(lock_after_s=1, idle_logout_s=0)
    win, session = st.win, st.session
    st.monitor.on_connection_state(ConnectionState.CONNECTED)
    feed(st.monitor, state=1, good_count=500, scrap_count=3)
    log_in(qtbot, st, *ANNA)
    assert win.stack.currentWidget() is win.live_view and not win.lock_view.isVisible()
    # unlocked, the navigation works (so the refusal below is the lock's doing)
    click(qtbot, win.nav_buttons["kpi"])
    assert win.stack.currentWidget() is st.kpi_page
    click(qtbot, win.nav_buttons["live"])
    assert win.stack.currentWidget() is win.live_view

    # touches keep it unlocked ...
    for _ in range(4):
        qtbot.wait(400)
        click(qtbot, win.nav_buttons["live"])
    assert not session.locked
    # ... a second without one locks it
    qtbot.waitUntil(lambda: win.lock_view.isVisible(), timeout=3_000)
    lock = win.lock_view
    assert session.locked and session.actor.badge == "1001"  # still signed in, still acting
    assert lock.title.text() == "Locked — Anna Berg"
    assert "Scan your badge or enter your PIN to continue" in lock.hint.text()
    assert lock.badge.text() == "1001" and lock.pin.hasFocus()
    assert lock.geometry().contains(win.stack.geometry())
    assert lock.geometry().contains(win.nav.geometry())

    # a tap on the navigation, a header indicator or the Log out button under it does nothing
    click(qtbot, win.nav_buttons["kpi"])
    click(qtbot, win.header.alarms)
    click(qtbot, win.logout_button)
    qtbot.keyClick(win.nav_buttons["kpi"], Qt.Key.Key_Space)
    assert win.stack.currentWidget() is win.live_view
    assert session.locked and session.actor is not None and lock.isVisible()

    # a banner arriving while locked stays readable above the lock screen
    win.show_error("The machine stopped at 05:02. Why? Tap Downtime and choose the reason.",
                   "warning")
    qtbot.waitUntil(lambda: lock.geometry().top() >= win.banner.geometry().bottom(),
                    timeout=2_000)
    assert lock.geometry().contains(win.stack.geometry())

    # the machine status stays live on the lock screen
    assert lock.machine.state_tile.value.text() == "RUNNING"
    feed(st.monitor, good_count=512, state=6)
    qtbot.waitUntil(lambda: lock.machine.good_tile.value.text() == "12", timeout=3_000)
    assert lock.machine.state_tile.property("severity") == "alarm"  # faulted shows red

    assert [(a, b) for a, b, _ in audit_rows(st)] == [("session_lock", "1001")]
    assert audit_rows(st)[0][2] == "idle"


def test_wrong_pin_keeps_it_locked_and_the_right_pin_unlocks_on_the_same_page(qtbot, make_station):
    st = make_station(lock_after_s=60, idle_logout_s=0)
    win, session = st.win, st.session
    log_in(qtbot, st, *ANNA)
    click(qtbot, win.nav_buttons["kpi"])
    click(qtbot, win.lock_button)
    lock = win.lock_view
    assert lock.isVisible() and session.locked

    (msg,) = unlock_with(qtbot, st, "9999", session.sig_unlock_failed)
    assert "Wrong PIN" in msg and lock.message.text() == msg
    assert lock.message.property("severity") == "alarm"
    assert lock.isVisible() and session.locked and lock.pin.text() == ""
    assert lock.badge.text() == "1001"  # kept for the next try

    (actor,) = unlock_with(qtbot, st, ANNA[1], session.sig_unlocked)
    assert actor.badge == "1001" and session.actor.badge == "1001"
    assert not lock.isVisible() and not session.locked
    assert win.stack.currentWidget() is st.kpi_page  # back where she was
    click(qtbot, win.nav_buttons["live"])
    assert win.stack.currentWidget() is win.live_view  # the navigation works again

    rows = audit_rows(st)
    assert [(a, b) for a, b, _ in rows] == [("session_lock", "1001"), ("session_unlock", "1001")]
    assert rows[0][2] == "by user" and rows[1][2] == "unlocked by the same person"
    with st.sf() as s:
        assert verify_chain(s, STATION).ok


def test_a_badge_scanned_on_the_lock_screen_fills_the_badge_not_the_page(qtbot, make_station):
    from hmi.devices.scanner import make_scan

    st = make_station(lock_after_s=60, idle_logout_s=0)
    log_in(qtbot, st, *ANNA)
    click(qtbot, st.win.lock_button)
    taken = st.win.scans.deliver(make_scan(b"1002", "test"))
    lock = st.win.lock_view
    assert taken and lock.badge.text() == "1002" and lock.pin.hasFocus()
    assert "take over from Anna Berg" in lock.message.text()


def test_idle_logout_still_logs_everyone_out_after_the_lock(qtbot, make_station):
    st = make_station(lock_after_s=1, idle_logout_s=2)
    win, session = st.win, st.session
    log_in(qtbot, st, *ANNA)
    qtbot.waitUntil(lambda: win.lock_view.isVisible(), timeout=3_000)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.login_view, timeout=4_000)
    assert session.actor is None and session.actors == () and not session.locked
    assert not win.lock_view.isVisible() and not win.nav.isVisible()
    assert "logged out after 2 seconds without a touch" in win.login_view.message.text()
    assert [(a, b, d) for a, b, d in audit_rows(st)] == [
        ("session_lock", "1001", "idle"), ("logout", "1001", "idle")]


def test_hand_over_logs_the_outgoing_operator_out(qtbot, make_station):
    st = make_station(lock_after_s=60, idle_logout_s=0, multi_operator=False)
    win, session = st.win, st.session
    log_in(qtbot, st, *ANNA)
    click(qtbot, win.nav_buttons["kpi"])
    click(qtbot, win.lock_button)
    (actor,) = unlock_with(qtbot, st, BEN[1], session.sig_unlocked, badge=BEN[0])
    assert actor.badge == "1002"
    assert session.actor.badge == "1002" and [a.badge for a in session.actors] == ["1002"]
    assert win.header.user.text() == "Ben Kraus"
    assert win.stack.currentWidget() is win.live_view  # the new shift starts on Live
    assert not win.lock_view.isVisible() and win.nav.isVisible()
    rows = audit_rows(st)
    assert [(a, b) for a, b, _ in rows] == [
        ("session_lock", "1001"), ("logout", "1001"), ("session_unlock", "1002")]
    assert rows[1][2] == "hand-over to Ben Kraus"
    assert rows[2][2] == "hand-over from Anna Berg (badge 1001)"


def test_several_operators_stay_signed_in_and_switching_needs_the_pin(qtbot, make_station):
    st = make_station(lock_after_s=60, idle_logout_s=0, multi_operator=True)
    win, session = st.win, st.session
    lock = win.lock_view
    log_in(qtbot, st, *ANNA)
    click(qtbot, win.lock_button)
    unlock_with(qtbot, st, BEN[1], session.sig_unlocked, badge=BEN[0])
    assert [a.badge for a in session.actors] == ["1001", "1002"]
    assert session.actor.badge == "1002"
    assert win.header.user.text() == "Ben Kraus · 2 signed in"

    # quick switch back to Anna: her button, then HER PIN (Ben's does not do)
    click(qtbot, win.lock_button)
    assert set(lock.people_buttons) == {"1001", "1002"} and lock.people.isVisible()
    click(qtbot, lock.people_buttons["1001"])
    assert lock.badge.text() == "1001" and lock.pin.hasFocus()
    (msg,) = unlock_with(qtbot, st, BEN[1], session.sig_unlock_failed)
    assert "Wrong PIN" in msg and session.locked and session.actor.badge == "1002"
    unlock_with(qtbot, st, ANNA[1], session.sig_unlocked)
    assert session.actor.badge == "1001" and len(session.actors) == 2
    assert win.header.user.text() == "Anna Berg · 2 signed in"

    # Anna logs out: Ben is still signed in, so the screen locks until he enters his PIN
    click(qtbot, win.logout_button)
    assert session.locked and session.actor is None
    assert [a.badge for a in session.actors] == ["1002"]
    assert lock.isVisible() and lock.title.text() == "Locked"
    assert set(lock.people_buttons) == {"1002"}
    assert win.stack.currentWidget() is not win.login_view
    click(qtbot, lock.people_buttons["1002"])
    unlock_with(qtbot, st, BEN[1], session.sig_unlocked)
    assert session.actor.badge == "1002" and win.header.user.text() == "Ben Kraus"

    rows = audit_rows(st)
    assert [(a, b) for a, b, _ in rows] == [
        ("session_lock", "1001"), ("session_unlock", "1002"),
        ("session_lock", "1002"), ("session_unlock", "1001"),
        ("logout", "1001"), ("session_lock", "1001"), ("session_unlock", "1002")]
    assert "logout" not in [a for a, b, _ in rows if b == "1002"]  # Ben never left
