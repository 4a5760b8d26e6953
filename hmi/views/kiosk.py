"""Kiosk mode: the keys that would leave the station, and the one way out.

* :func:`is_escape_shortcut` — the key combinations that close, switch away from or
  un-fullscreen a window on a desktop (Alt+F4, Ctrl+Q, Ctrl+W, Escape, F11, Alt+Tab,
  the Super/Windows key, …).
* :class:`KioskGuard` — an event filter on the QApplication that swallows those keys
  (``ShortcutOverride`` and ``KeyPress``/``KeyRelease``) everywhere in the app while the
  window is in kiosk mode. Keys the display server or compositor handles itself
  (Ctrl+Alt+F1…, Ctrl+Alt+Backspace) never reach Qt; the kiosk session the installer
  sets up blocks those (docs/kiosk.md has the table).
* :class:`LongPress` — a press held for a few seconds on a widget (the header clock)
  opens the exit dialog; a tap does nothing.
* :class:`KioskExitDialog` — badge + PIN of someone with ``kiosk.exit``; the check and
  the audit entry are :meth:`StationSession.request_kiosk_exit`'s.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.services.session import StationSession
from hmi.widgets.credentials import CredentialFields, message_line
from hmi.widgets.keypad import Keypad
from hmi.widgets.style import set_props

_K = Qt.Key
_M = Qt.KeyboardModifier
_MODS = _M.ShiftModifier | _M.ControlModifier | _M.AltModifier | _M.MetaModifier


def _codes(*keys: Qt.Key) -> frozenset[int]:
    return frozenset(k.value for k in keys)


#: Keys swallowed whatever the modifiers.
_ALWAYS = _codes(_K.Key_Escape, _K.Key_F11, _K.Key_Meta, _K.Key_Super_L, _K.Key_Super_R,
                 _K.Key_Hyper_L, _K.Key_Hyper_R, _K.Key_Close, _K.Key_Exit,
                 _K.Key_PowerOff, _K.Key_Sleep, _K.Key_Suspend, _K.Key_Hibernate,
                 _K.Key_LaunchMedia, _K.Key_Explorer)
#: Keys swallowed together with Alt (window manager: close, switch, window menu).
_WITH_ALT = _codes(_K.Key_F4, _K.Key_Tab, _K.Key_Backtab, _K.Key_Space, _K.Key_Escape,
                   _K.Key_F2, _K.Key_F3)
#: Keys swallowed together with Ctrl (quit, close window/tab, Ctrl+Esc start menu).
_WITH_CTRL = _codes(_K.Key_Q, _K.Key_W, _K.Key_F4, _K.Key_Escape)
#: Ctrl+Alt+… (virtual-terminal switch, zap, task manager) where Qt sees them at all.
_WITH_CTRL_ALT = _codes(_K.Key_Backspace, _K.Key_Delete, _K.Key_T,
                        *(getattr(_K, f"Key_F{i}") for i in range(1, 13)))


def is_escape_shortcut(key: int | Qt.Key, modifiers: Qt.KeyboardModifier) -> bool:
    """True for a key combination that would take someone out of the station app."""
    key = key.value if isinstance(key, Qt.Key) else int(key)
    mods = modifiers & _MODS
    if key in _ALWAYS:
        return True
    if mods & _M.MetaModifier:
        return True  # Super+anything: the desktop's launcher and window shortcuts
    alt = bool(mods & _M.AltModifier)
    ctrl = bool(mods & _M.ControlModifier)
    if ctrl and alt and key in _WITH_CTRL_ALT:
        return True
    if alt and key in _WITH_ALT:
        return True
    return ctrl and key in _WITH_CTRL


class KioskGuard(QObject):
    """App-wide filter: swallows escape shortcuts while ``active()`` says kiosk mode is on.

    ``swallowed`` counts what it ate (the window shows nothing; an operator pressing
    Alt+F4 on a stray keyboard needs no message).
    """

    def __init__(self, active: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._active = active
        self.swallowed = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress,
                        QEvent.Type.KeyRelease):
            return False
        if not isinstance(event, QKeyEvent) or not self._active():
            return False
        if not is_escape_shortcut(event.key(), event.modifiers()):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # "the widget wants this key": no shortcut fires for it
        elif kind == QEvent.Type.KeyPress:
            self.swallowed += 1
        return True


class LongPress(QObject):
    """``sig_long_pressed`` after a press held ``hold_ms`` on the watched widget."""

    sig_long_pressed = Signal()

    def __init__(self, widget: QWidget, hold_ms: int = 3000) -> None:
        super().__init__(widget)
        self.widget = widget
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(hold_ms)
        self.timer.timeout.connect(self.sig_long_pressed)
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.widget:
            kind = event.type()
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
                self.timer.start()
            elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd,
                          QEvent.Type.TouchCancel, QEvent.Type.Leave, QEvent.Type.Hide):
                self.timer.stop()
        return False


class KioskExitDialog(QDialog):
    """Leave the station application: badge + PIN of someone allowed to (``kiosk.exit``).

    ``sig_allowed(actor)`` once the session accepted and audited it; the dialog then closes.
    A refusal stays in the dialog with its message (and is audited by the session).
    """

    sig_allowed = Signal(object)

    def __init__(self, session: StationSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Leave the station application"))
        self.setModal(True)
        self._session = session
        lay = QHBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 20)
        lay.setSpacing(24)
        left = QVBoxLayout()
        title = QLabel(self.tr("Leave the station application"), self)
        title.setObjectName("dialogTitle")
        hint = QLabel(self.tr(
            "Only a person allowed to leave the station application (an administrator) can do "
            "this. The station stops recording until it is started again."), self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self._fields = CredentialFields(self)
        form, self.badge, self.pin = self._fields.grid, self._fields.badge, self._fields.pin
        self.message = message_line(self, self.tr("Scan the badge, then enter the PIN."))
        set_props(self.message, severity="ok")
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.leave_button = QPushButton(self.tr("Leave"), self)
        self.leave_button.setProperty("severity", "warning")
        buttons.addWidget(self.cancel_button, 2)
        buttons.addWidget(self.leave_button, 1)
        left.addWidget(title)
        left.addWidget(hint)
        left.addLayout(form)
        left.addWidget(self.message)
        left.addStretch(1)
        left.addLayout(buttons)
        self.keypad = Keypad(self)
        self.keypad.setMinimumWidth(340)
        lay.addLayout(left, 3)
        lay.addWidget(self.keypad, 2)
        self._fields.use_keypad(self.keypad)
        self.keypad.sig_enter_pressed.connect(self._enter)
        self.cancel_button.clicked.connect(self.reject)
        self.leave_button.clicked.connect(self.submit)
        session.sig_kiosk_exit_refused.connect(self._refused)
        session.sig_kiosk_exit_allowed.connect(self._allowed)
        self.resize(960, 560)

    def _enter(self) -> None:
        if self.badge.text() and not self.pin.text():
            self.pin.setFocus()
            self.keypad.set_target(self.pin)
            return
        self.submit()

    def submit(self) -> None:
        if not self.badge.text().strip() or not self.pin.text():
            self._show(self.tr("Enter the badge number and the PIN."), "warning")
            return
        self.leave_button.setEnabled(False)
        self._show(self.tr("Checking…"), "ok")
        self._session.request_kiosk_exit(self.badge.text(), self.pin.text())

    def _refused(self, message: str) -> None:
        if not self.isVisible():
            return
        self.leave_button.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus()
        self.keypad.set_target(self.pin)
        self._show(message, "alarm")

    def _allowed(self, actor) -> None:
        if not self.isVisible():
            return
        self.sig_allowed.emit(actor)
        self.accept()

    def _show(self, text: str, severity: str) -> None:
        self.message.setText(text)
        set_props(self.message, severity=severity)
