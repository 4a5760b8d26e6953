"""Touch dialog for an electronic signature: meaning, what is signed, badge + PIN."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.widgets.credentials import CredentialFields
from hmi.widgets.keypad import Keypad
from hmi.widgets.style import set_props

#: Called with (badge, pin); returns None when signed, else the message to show.
SignCallback = Callable[[str, str], "str | None"]


class SignatureDialog(QDialog):
    """Re-authenticate and sign. The dialog only closes accepted when ``on_sign`` succeeded."""

    def __init__(self, *, meaning: str, summary: str, on_sign: SignCallback,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Electronic signature"))
        self.setModal(True)
        self._on_sign = on_sign
        lay = QHBoxLayout(self)
        left = QVBoxLayout()
        title = QLabel(self.tr("Sign: %1").replace("%1", meaning), self)
        title.setObjectName("dialogTitle")
        what = QLabel(summary, self)
        what.setWordWrap(True)
        legal = QLabel(self.tr(
            "By entering your badge and PIN you sign this record. Your signature is "
            "bound to its content: any later change invalidates it."), self)
        legal.setObjectName("hint")
        legal.setWordWrap(True)
        self._fields = CredentialFields(self, spacing=6)
        form, self.badge, self.pin = self._fields.grid, self._fields.badge, self._fields.pin
        self.message = QLabel("", self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        self.cancel = QPushButton(self.tr("Cancel"), self)
        self.sign_button = QPushButton(self.tr("Sign"), self)
        self.sign_button.setProperty("primary", True)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.sign_button)
        left.addWidget(title)
        left.addWidget(what)
        left.addWidget(legal)
        left.addLayout(form)
        left.addWidget(self.message)
        left.addStretch(1)
        left.addLayout(buttons)
        self.keypad = Keypad(self)
        self.keypad.setMinimumWidth(360)
        lay.addLayout(left, 3)
        lay.addWidget(self.keypad, 2)
        self._fields.use_keypad(self.keypad)
        self.keypad.sig_enter_pressed.connect(self._enter)
        self.cancel.clicked.connect(self.reject)
        self.sign_button.clicked.connect(self.try_sign)
        self.badge.setFocus(Qt.FocusReason.OtherFocusReason)

    def _enter(self) -> None:
        if not self.pin.text():
            self.pin.setFocus()
            self.keypad.set_target(self.pin)
        else:
            self.try_sign()

    def try_sign(self) -> None:
        if not self.badge.text() or not self.pin.text():
            self._show(self.tr("Enter your badge number and PIN."))
            return
        error = self._on_sign(self.badge.text(), self.pin.text())
        self.pin.clear()
        if error:
            self._show(error)
            return
        self.accept()

    def _show(self, text: str) -> None:
        self.message.setText(text)
        set_props(self.message, severity="alarm")
        self.message.show()
