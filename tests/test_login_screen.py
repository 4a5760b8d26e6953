"""Login through the real screen: keypad taps, messages, lockout."""

import pytest
from PySide6.QtCore import Qt

from hmi.services.auth import AuthService
from hmi.services.session import StationSession
from hmi.services.worker import DbWorker
from hmi.views.login import LoginView

OPERATOR = ("1001", "1234")  # from resources/masterdata/demo.toml (docs/masterdata.md)


@pytest.fixture
def login(qtbot, demo_store):
    worker = DbWorker()
    session = StationSession(worker)
    session.attach(AuthService(demo_store, "ST-10", max_failures=3))
    view = LoginView(session, "Europe/Berlin")
    qtbot.addWidget(view)
    view.resize(1280, 728)
    view.show()
    yield view, session
    worker.shutdown()


def tap(qtbot, view, digits):
    for d in digits:
        qtbot.mouseClick(view.keypad.keys[d], Qt.MouseButton.LeftButton)


def enter(qtbot, view):
    qtbot.mouseClick(view.keypad.keys["enter"], Qt.MouseButton.LeftButton)


def attempt(qtbot, view, session, badge, pin, signal):
    tap(qtbot, view, badge)
    enter(qtbot, view)  # moves on to the PIN field
    assert "PIN" in view.message.text()
    tap(qtbot, view, pin)
    with qtbot.waitSignal(signal, timeout=10_000) as blocker:
        enter(qtbot, view)
    return blocker.args


def test_operator_logs_in_with_badge_and_pin(qtbot, login):
    view, session = login
    (actor,) = attempt(qtbot, view, session, *OPERATOR, session.sig_user_logged_in)
    assert actor.badge == "1001" and "operator" in actor.roles
    assert session.actor is actor
    assert view.badge.text() == "" and view.pin.text() == ""  # nothing left for the next person


def test_pin_is_masked_and_backspace_works(qtbot, login):
    view, _ = login
    tap(qtbot, view, "1001")
    enter(qtbot, view)
    tap(qtbot, view, "129")
    qtbot.mouseClick(view.keypad.keys["back"], Qt.MouseButton.LeftButton)
    assert view.pin.text() == "12"
    assert view.pin.displayText() != "12"


def test_wrong_pin_says_so_and_counts_down_then_locks(qtbot, login):
    view, session = login
    (msg,) = attempt(qtbot, view, session, "1001", "9999", session.sig_login_failed)
    assert "Wrong PIN" in msg and "2 attempts left" in msg
    assert view.message.text() == msg and view.message.property("severity") == "alarm"
    assert view.pin.text() == "" and view.badge.text() == "1001"
    view.reset()
    attempt(qtbot, view, session, "1001", "9999", session.sig_login_failed)
    view.reset()
    (msg,) = attempt(qtbot, view, session, "1001", "9999", session.sig_login_failed)
    assert "locked" in msg
    # Even the right PIN is refused while the badge is locked.
    view.reset()
    (msg,) = attempt(qtbot, view, session, *OPERATOR, session.sig_login_failed)
    assert "locked" in msg
    assert session.actor is None


def test_unknown_badge(qtbot, login):
    view, session = login
    (msg,) = attempt(qtbot, view, session, "4242", "1234", session.sig_login_failed)
    assert "4242" in msg and "not known" in msg


def test_login_before_store_is_ready_explains(qtbot):
    worker = DbWorker()
    session = StationSession(worker)
    view = LoginView(session, "UTC")
    qtbot.addWidget(view)
    tap(qtbot, view, "1001")
    enter(qtbot, view)
    tap(qtbot, view, "1234")
    with qtbot.waitSignal(session.sig_login_failed) as blocker:
        enter(qtbot, view)
    assert "still starting" in blocker.args[0]
    worker.shutdown()
