"""The app shell: signature dialog with the real service, error banner, kiosk, idle logout."""

import asyncio
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from hmi import config
from hmi.app import _install_error_hooks
from hmi.services import permissions as P
from hmi.services.audit import AuditWriter
from hmi.services.auth import AuthService
from hmi.services.production import ProductionMonitor
from hmi.services.session import StationSession
from hmi.services.signatures import SignatureService
from hmi.services.worker import DbWorker
from hmi.store.security import Signature
from hmi.views.main_window import MainWindow
from hmi.widgets.signature_dialog import SignatureDialog

RECORD = {"inspection": "INS-0042", "order": "WO-1001", "results": [{"c": "bore", "v": 12.004}]}


@pytest.fixture
def signing(demo_store):
    audit = AuditWriter("ST-10")
    auth = AuthService(demo_store, "ST-10", audit=audit)
    service = SignatureService(demo_store, auth, audit, "ST-10")
    result = {}

    def on_sign(badge, pin):
        try:
            result["sig"] = service.sign(badge=badge, pin=pin, meaning="Approved",
                                         record_type="inspection", record_id="INS-0042",
                                         record=RECORD, required_permission=P.INSPECTION_SIGN)
        except Exception as exc:  # noqa: BLE001 - the dialog shows any refusal
            return getattr(exc, "operator_message", str(exc))
        return None

    return demo_store, service, on_sign, result


def count_signatures(sf):
    with sf() as s:
        return s.scalar(select(func.count()).select_from(Signature))


def fill_and_sign(qtbot, dlg, badge, pin):
    dlg.keypad.set_target(dlg.badge)
    for d in badge:
        qtbot.mouseClick(dlg.keypad.keys[d], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dlg.keypad.keys["enter"], Qt.MouseButton.LeftButton)  # to the PIN
    for d in pin:
        qtbot.mouseClick(dlg.keypad.keys[d], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)


def test_team_lead_signs_through_the_dialog(qtbot, signing):
    sf, service, on_sign, result = signing
    dlg = SignatureDialog(meaning="Approved", summary="Inspection INS-0042", on_sign=on_sign)
    qtbot.addWidget(dlg)
    dlg.show()
    fill_and_sign(qtbot, dlg, "2001", "3456")
    assert dlg.result() == QDialog.DialogCode.Accepted
    sig = result["sig"]
    assert (sig.signer_badge, sig.signer_name, sig.meaning) == ("2001", "Clara Voss", "Approved")
    assert service.verify(sig, RECORD).ok
    changed = {**RECORD, "results": [{"c": "bore", "v": 12.104}]}
    check = service.verify(sig, changed)
    assert not check.ok and "changed after it was signed" in check.reason


def test_operator_cannot_sign_and_dialog_says_why(qtbot, signing):
    sf, _, on_sign, _ = signing
    dlg = SignatureDialog(meaning="Approved", summary="Inspection INS-0042", on_sign=on_sign)
    qtbot.addWidget(dlg)
    dlg.show()
    fill_and_sign(qtbot, dlg, "1001", "1234")
    assert dlg.isVisible() and dlg.result() != QDialog.DialogCode.Accepted
    assert "may not sign off inspection results" in dlg.message.text()
    assert dlg.pin.text() == ""
    fill_and_sign(qtbot, dlg, "", "0000")  # badge kept, wrong PIN
    assert "Wrong PIN" in dlg.message.text()
    assert count_signatures(sf) == 0


@pytest.fixture
def window(qtbot):
    cfg = config.load(config.demo_config_path())
    worker = DbWorker()
    session = StationSession(worker)
    win = MainWindow(cfg, session, ProductionMonitor(cfg), kiosk=True)
    qtbot.addWidget(win)
    win.show()
    yield win, session
    worker.shutdown()


def test_unhandled_error_shows_banner_and_station_keeps_running(qtbot, window):
    win, _ = window

    class Holder:
        pass

    station = Holder()
    station.window = win
    loop = asyncio.new_event_loop()
    old_hook = sys.excepthook
    try:
        _install_error_hooks(station, loop)
        try:
            raise KeyError("order WO-9")
        except KeyError:
            sys.excepthook(*sys.exc_info())
        assert win.banner.isVisible()
        assert "KeyError" in win.banner.label.text() and "keeps running" in win.banner.label.text()
        loop.call_exception_handler({"message": "task failed", "exception": ValueError("boom")})
        assert "ValueError: boom" in win.banner.label.text()
        qtbot.mouseClick(win.banner.dismiss, Qt.MouseButton.LeftButton)
        assert not win.banner.isVisible()
    finally:
        sys.excepthook = old_hook
        loop.close()


def test_kiosk_window_refuses_to_close(qtbot, window):
    win, _ = window
    assert not win.close()
    assert win.isVisible()
    assert "kiosk mode" in win.banner.label.text()


def test_login_shows_live_screen_and_idle_logout_returns_to_login(qtbot, window):
    win, session = window
    actor = P.Actor("1001", "Anna Berg", ("operator",), frozenset({P.PRODUCTION_VIEW}))
    session.actor = actor
    session.sig_user_logged_in.emit(actor)
    assert win.stack.currentWidget() is win.live_view and win.nav.isVisible()
    assert win.header.user.text() == "Anna Berg"
    assert win._idle.isActive()
    win._idle.timeout.emit()  # the idle timer fires
    assert win.stack.currentWidget() is win.login_view and not win.nav.isVisible()
    assert session.actor is None
    assert "without a touch" in win.login_view.message.text()
