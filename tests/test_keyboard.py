"""The on-screen keyboard and keypad in a real main window: typing through real key
events, where the panel appears, and which fields get none."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, QPoint, QRect, QRegularExpression, Qt
from PySide6.QtGui import QIntValidator, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCompleter,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hmi import config
from hmi.services.production import ProductionMonitor
from hmi.services.session import StationSession
from hmi.services.worker import DbWorker
from hmi.views.main_window import MainWindow
from hmi.views.osk import OskController, input_need
from hmi.widgets.keyboard import LAYOUTS, NumericKeypad, OnScreenKeyboard

LEFT = Qt.MouseButton.LeftButton


class Form(QWidget):
    """A screen with the fields a station uses: text, numbers, a note near the bottom."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("screen")
        lay = QFormLayout(self)
        self.name = QLineEdit(self)
        self.qty = QDoubleSpinBox(self)
        self.qty.setRange(0, 10_000)
        self.qty.setDecimals(2)
        self.count = QLineEdit(self)
        self.count.setValidator(QIntValidator(0, 100, self.count))
        self.code = QLineEdit(self)  # upper-case part codes only
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Z0-9-]{0,12}"),
                                                           self.code))
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.opted_out = QLineEdit(self)
        self.opted_out.setProperty("osk", False)
        self.save = QPushButton("Save", self)
        for label, w in (("Name", self.name), ("Quantity", self.qty), ("Count", self.count),
                         ("Code", self.code), ("Password", self.secret),
                         ("Scanner only", self.opted_out)):
            lay.addRow(label, w)
        lay.addRow(self.save)
        self.note = QLineEdit(self)  # the last row, at the bottom of the screen
        lay.addRow("Note", self.note)


@pytest.fixture(scope="module")
def shell(qapp):
    """One real main window with the station theme and its controller for the module
    (each test gets a fresh form in it)."""
    from hmi.app import _load_theme

    before = qapp.styleSheet()
    _load_theme(qapp)
    cfg = config.load(config.demo_config_path())
    worker = DbWorker()
    win = MainWindow(cfg, StationSession(worker), ProductionMonitor(cfg))
    win.nav.show()
    win.resize(1280, 800)
    win.show()
    osk = OskController.install(win, enabled=True, language="en")
    yield win, osk
    win.close()
    win.deleteLater()
    worker.shutdown()
    qapp.setStyleSheet(before)


@pytest.fixture
def station_window(qtbot, shell):
    win, osk = shell
    osk.set_enabled(True)
    osk.set_language("en")
    form = Form()
    win.stack.addWidget(form)
    win.stack.setCurrentWidget(form)
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win, form, osk
    win.stack.setCurrentWidget(win.login_view)  # the focus leaves the form
    osk.hide()
    win.stack.removeWidget(form)
    form.deleteLater()
    qtbot.wait(1)


def focus(qtbot, field: QWidget) -> None:
    """A finger on the field: focus moves there as on the panel."""
    qtbot.mouseClick(field, LEFT, pos=QPoint(20, field.height() // 2))
    assert field.hasFocus() or field.parentWidget().hasFocus()  # (a text box's viewport)


def tap(qtbot, panel, *keys: str) -> None:
    for k in keys:
        btn = panel.key(k) if isinstance(panel, OnScreenKeyboard) else panel.keys[k]
        assert btn.isVisible(), f"key {k!r} is not on screen"
        qtbot.mouseClick(btn, LEFT)


def on_screen(win: QWidget, w: QWidget) -> QRect:
    return QRect(w.mapTo(win, QPoint(0, 0)), w.size())


def test_focusing_a_text_field_shows_the_keyboard_docked_in_the_window(qtbot, station_window):
    win, form, osk = station_window
    assert osk.panel() is None
    focus(qtbot, form.name)
    kb = osk.panel()
    assert kb is osk.keyboard
    assert kb.parentWidget() is win and not kb.isWindow()  # inside the window (kiosk)
    geo = kb.geometry()
    assert (geo.left(), geo.width(), geo.bottom()) == (0, win.width(), win.height() - 1)
    # leaving the inputs (a button takes the focus) puts it away
    qtbot.mouseClick(form.save, LEFT)
    assert osk.panel() is None


def test_hello_with_one_shot_shift(qtbot, station_window):
    win, form, osk = station_window
    edited: list[str] = []
    form.name.textEdited.connect(edited.append)  # only user typing emits textEdited
    focus(qtbot, form.name)
    kb = osk.keyboard
    tap(qtbot, kb, "shift")
    assert kb.key("h").text() == "H"  # the keys show what they will type
    tap(qtbot, kb, "h", "e", "l", "l", "o")
    assert form.name.text() == "Hello"
    assert edited == ["H", "He", "Hel", "Hell", "Hello"]
    assert not kb.shifted() and kb.key("h").text() == "h"
    # Caps stays on; Shift under Caps gives one small letter
    tap(qtbot, kb, "space", "caps", "o", "k", "shift", "x")
    assert form.name.text() == "Hello OKx"
    assert form.name.hasFocus()  # keys never take the focus


def test_numbers_and_symbols_page(qtbot, station_window):
    win, form, osk = station_window
    focus(qtbot, form.name)
    kb = osk.keyboard
    tap(qtbot, kb, "symbols", "4", "2", "-", "/", "(", "&", "°", "€", "letters", "a")
    assert form.name.text() == "42-/(&°€a"
    assert kb.key("a").text() == "a"
    tap(qtbot, kb, "symbols")
    assert kb.key("&").text() == "&&"  # shown as "&", not taken as a mnemonic


def test_german_layout_types_groesse(qtbot, station_window):
    win, form, osk = station_window
    osk.set_language("de")
    focus(qtbot, form.name)
    kb = osk.keyboard
    assert kb.layout_name() == "de"
    assert [k.key for k in LAYOUTS["de"][0][:6]] == list("qwertz")
    tap(qtbot, kb, "shift", "g", "r", "ö", "ß", "e")
    assert form.name.text() == "Größe"
    tap(qtbot, kb, "shift", "ü", "ä")
    assert form.name.text() == "GrößeÜä"


def test_install_takes_the_station_language(qtbot, qapp):
    top = QWidget()
    qtbot.addWidget(top)
    assert OskController.install(top, language="de_AT").keyboard.layout_name() == "de"
    assert OskController.install(top, language="fr").keyboard.layout_name() == "en"


def test_backspace_deletes_and_repeats_while_held(qtbot, station_window):
    win, form, osk = station_window
    focus(qtbot, form.name)
    kb = osk.keyboard
    tap(qtbot, kb, "a", "b", "c", "back")
    assert form.name.text() == "ab"
    form.name.setText("x" * 30)
    back = kb.key("back")
    qtbot.mousePress(back, LEFT)
    qtbot.waitUntil(lambda: len(form.name.text()) <= 25, timeout=3000)  # held: auto-repeat
    qtbot.mouseRelease(back, LEFT)
    left = len(form.name.text())
    qtbot.wait(300)
    assert len(form.name.text()) == left  # released: it stops


def test_enter_emits_return_pressed_and_hides_and_a_tap_brings_it_back(qtbot, station_window):
    win, form, osk = station_window
    focus(qtbot, form.name)
    tap(qtbot, osk.keyboard, "o", "k")
    with qtbot.waitSignal(form.name.returnPressed, timeout=1000), \
            qtbot.waitSignal(form.name.editingFinished, timeout=1000):
        tap(qtbot, osk.keyboard, "enter")
    assert osk.panel() is None
    assert form.name.hasFocus() and form.name.text() == "ok"
    focus(qtbot, form.name)  # tapping the field again
    assert osk.panel() is osk.keyboard


def test_enter_that_moves_to_the_next_field_keeps_a_panel_for_it(qtbot, station_window):
    win, form, osk = station_window
    form.name.returnPressed.connect(form.qty.setFocus)
    focus(qtbot, form.name)
    tap(qtbot, osk.keyboard, "a", "enter")
    assert form.qty.hasFocus()
    assert osk.panel() is osk.keypad


def test_multi_line_field_enter_is_a_line_break(qtbot, station_window):
    win, form, osk = station_window
    text = QPlainTextEdit(form)
    text.setFixedHeight(120)
    form.layout().insertRow(0, "Report", text)
    qtbot.waitUntil(text.isVisible)
    focus(qtbot, text.viewport())
    assert text.hasFocus() and osk.panel() is osk.keyboard
    tap(qtbot, osk.keyboard, "o", "k", "enter", "n", "o")
    assert text.toPlainText() == "ok\nno" and osk.panel() is osk.keyboard
    tap(qtbot, osk.keyboard, "hide")
    assert osk.panel() is None
    focus(qtbot, text.viewport())  # a tap inside the text brings it back
    assert osk.panel() is osk.keyboard


def test_hide_key_puts_it_away(qtbot, station_window):
    win, form, osk = station_window
    focus(qtbot, form.name)
    tap(qtbot, osk.keyboard, "hide")
    assert osk.panel() is None and form.name.hasFocus()


def test_double_spin_box_gets_the_keypad_and_takes_12_5(qtbot, station_window):
    win, form, osk = station_window
    form.qty.setValue(7)
    focus(qtbot, form.qty)
    assert osk.panel() is osk.keypad
    pad = osk.keypad
    assert pad.keys["decimal"].text() == "." and pad.keys["decimal"].isEnabled()
    assert not pad.keys["minus"].isEnabled()  # the range starts at 0
    qtbot.wait(20)  # the old value is selected after the tap: the first digit replaces it
    tap(qtbot, pad, "1", "2", "decimal", "5")
    assert form.qty.value() == 12.5
    tap(qtbot, pad, "enter")
    assert osk.panel() is None and form.qty.value() == 12.5


def test_the_keypad_uses_the_fields_decimal_comma(qtbot, station_window):
    win, form, osk = station_window
    form.qty.setLocale(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    form.qty.setRange(-50, 50)
    focus(qtbot, form.qty)
    pad = osk.keypad
    assert pad.keys["decimal"].text() == ","
    qtbot.wait(20)
    tap(qtbot, pad, "1", "2", "decimal", "5", "minus")
    assert form.qty.value() == -12.5
    assert form.qty.text() == "-12,5"


def test_a_spin_box_of_whole_numbers_has_no_separator(qtbot, station_window):
    win, form, osk = station_window
    spin = QSpinBox(form)
    spin.setRange(0, 500)
    form.layout().addRow("Parts", spin)
    qtbot.waitUntil(spin.isVisible)
    focus(qtbot, spin)
    assert osk.panel() is osk.keypad and not osk.keypad.keys["decimal"].isEnabled()
    qtbot.wait(20)
    tap(qtbot, osk.keypad, "4", "2")
    assert spin.value() == 42


def test_a_validator_still_refuses_through_the_on_screen_keys(qtbot, station_window):
    win, form, osk = station_window
    # upper-case codes: a small letter is refused, exactly as from a keyboard
    focus(qtbot, form.code)
    assert osk.panel() is osk.keyboard
    tap(qtbot, osk.keyboard, "a", "shift", "a", "symbols", "-", "7", "@")
    assert form.code.text() == "A-7"
    # 0…100 on the keypad: a fourth digit is refused, as from a keyboard (Qt lets 123
    # stand as "not finished yet"; Enter then does nothing, see the next test)
    focus(qtbot, form.count)
    assert osk.panel() is osk.keypad
    qtbot.wait(20)
    tap(qtbot, osk.keypad, "1", "2", "3", "4")
    assert form.count.text() == "123" and not form.count.hasAcceptableInput()


def test_enter_keeps_the_panel_while_the_entry_is_not_acceptable(qtbot, station_window):
    win, form, osk = station_window
    form.count.setValidator(QIntValidator(10, 100, form.count))
    returned: list[bool] = []
    form.count.returnPressed.connect(lambda: returned.append(True))
    focus(qtbot, form.count)
    qtbot.wait(20)
    tap(qtbot, osk.keypad, "5", "enter")  # 5 is below 10: not acceptable yet
    assert returned == [] and osk.panel() is osk.keypad
    tap(qtbot, osk.keypad, "5", "enter")
    assert returned == [True] and osk.panel() is None and form.count.text() == "55"


def test_completer_sees_the_typed_keys(qtbot, station_window):
    win, form, osk = station_window
    completer = QCompleter(["Hose", "Hopper", "Seal kit"], form.name)
    form.name.setCompleter(completer)
    focus(qtbot, form.name)
    tap(qtbot, osk.keyboard, "shift", "h", "o")
    assert completer.completionPrefix() == "Ho"
    assert completer.completionCount() == 2


def test_opted_out_and_own_keypad_fields_get_nothing(qtbot, station_window):
    win, form, osk = station_window
    focus(qtbot, form.opted_out)
    assert osk.panel() is None
    # a whole screen can opt out
    form.name.setProperty("osk", None)
    form.setProperty("osk", False)
    focus(qtbot, form.name)
    assert osk.panel() is None
    form.setProperty("osk", None)
    focus(qtbot, form.name)
    assert osk.panel() is osk.keyboard
    # the login screen has its own keypad: neither badge nor PIN gets a second one
    win.stack.setCurrentWidget(win.login_view)
    for field in (win.login_view.badge, win.login_view.pin):
        focus(qtbot, field)
        assert osk.panel() is None, field.objectName()


def test_a_disabled_controller_shows_nothing(qtbot, station_window):
    win, form, osk = station_window
    osk.set_enabled(False)
    focus(qtbot, form.name)
    assert osk.panel() is None
    osk.set_enabled(True)
    focus(qtbot, form.qty)
    assert osk.panel() is osk.keypad


def test_the_panel_never_covers_the_focused_field(qtbot, station_window):
    win, form, osk = station_window
    bottom = form.note
    assert on_screen(win, bottom).bottom() > win.height() - osk.keyboard.sizeHint().height()
    for field in (form.name, form.qty, form.count, form.code, form.secret, form.note):
        focus(qtbot, field)
        panel = osk.panel()
        assert panel is not None
        assert not panel.geometry().intersects(on_screen(win, field)), field
    # the note at the bottom pushed the keyboard to the top
    focus(qtbot, form.note)
    assert osk.keyboard.geometry().top() == 0


def test_a_dialog_makes_room_for_the_keyboard(qtbot, station_window):
    win, form, osk = station_window
    dlg = QDialog(win)
    lay = QVBoxLayout(dlg)
    field = QLineEdit(dlg)
    lay.addWidget(field)
    lay.addWidget(QPushButton("OK", dlg))
    dlg.resize(600, 260)
    before = dlg.size()
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow)
    focus(qtbot, field)
    kb = osk.panel()
    assert kb is osk.keyboard and kb.parentWidget() is dlg
    assert not kb.geometry().intersects(on_screen(dlg, field))
    assert dlg.height() >= before.height() + kb.height() - 1
    tap(qtbot, kb, "shift", "o", "k")
    assert field.text() == "Ok"
    dlg.close()
    assert osk.panel() is None
    assert kb.parentWidget() is win  # not deleted with the dialog
    assert dlg.size() == before


def test_password_fields(qtbot, station_window):
    win, form, osk = station_window
    focus(qtbot, form.secret)
    assert osk.panel() is osk.keyboard and osk.keyboard.property("secret") is True
    tap(qtbot, osk.keyboard, "a", "b")
    assert form.secret.text() == "ab"
    key = osk.keyboard.key("a")

    def pressed_looks_different() -> bool:
        key.setDown(False)
        up = key.grab().toImage()
        key.setDown(True)
        down = key.grab().toImage()
        key.setDown(False)
        return up != down

    assert not pressed_looks_different()  # nothing to read over a shoulder
    focus(qtbot, form.name)
    assert osk.keyboard.property("secret") is False
    assert pressed_looks_different()  # an ordinary field: the key lights up when pressed
    pin = QLineEdit(form)
    pin.setEchoMode(QLineEdit.EchoMode.Password)
    pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), pin))
    assert input_need(pin).panel == "keypad" and input_need(pin).secret
    form.secret.setProperty("keypad", True)
    assert input_need(form.secret).panel == "keypad"


def test_input_kinds():
    text = QPlainTextEdit()
    assert input_need(text).panel == "keyboard"
    text.setReadOnly(True)
    assert input_need(text) is None
    assert input_need(QPushButton()) is None
    assert input_need(QDateEdit()).panel == "keyboard"
    ro = QLineEdit()
    ro.setReadOnly(True)
    assert input_need(ro) is None
    tagged = QLineEdit()
    tagged.setProperty("keypad", True)
    need = input_need(tagged)
    assert (need.panel, need.decimals, need.negative) == ("keypad", True, True)


@pytest.mark.parametrize("language", ["en", "de"])
def test_keys_are_big_enough_for_gloves(qtbot, station_window, language):
    win, form, osk = station_window
    osk.set_language(language)
    focus(qtbot, form.name)
    kb = osk.keyboard
    for page in ("letters", "symbols"):
        if kb.page() != page:
            tap(qtbot, kb, "symbols" if page == "symbols" else "letters")
        for name, btn in kb.keys.items():
            assert btn.height() >= 64 and btn.width() >= 64, (page, name, btn.size())
            assert on_screen(win, btn).right() < win.width(), (page, name)
    focus(qtbot, form.qty)
    for name, btn in osk.keypad.keys.items():
        assert btn.height() >= 64 and btn.width() >= 96, (name, btn.size())
    # the window keeps more than half its height for the screen itself
    assert kb.sizeHint().height() < win.height() // 2


def test_keypad_widget_alone_types_into_a_line_edit(qtbot, qapp):
    pad = NumericKeypad()
    field = QLineEdit()
    qtbot.addWidget(pad)
    qtbot.addWidget(field)
    pad.set_target(field)
    for k in ("3", "decimal", "1", "4", "back", "minus"):
        pad.press(k)
    assert field.text() == "-3.1"
    pad.press("minus")
    assert field.text() == "3.1"
