"""Badge + PIN entry, the same everywhere a person identifies (login, lock screen,
signature, leaving kiosk mode): two fields in a grid and the message line under them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget


def _t(text: str) -> str:
    return QCoreApplication.translate("CredentialFields", text)


class CredentialFields(QObject):
    """``badge`` and ``pin`` (masked) line edits laid out in ``grid`` with their labels;
    with :meth:`use_keypad`, the on-screen keypad types into whichever of them has focus."""

    def __init__(self, parent: QWidget, *, spacing: int = 10) -> None:
        super().__init__(parent)
        self.keypad: Any = None
        self.grid = QGridLayout()
        self.grid.setVerticalSpacing(spacing)
        self.badge = QLineEdit(parent)
        self.badge.setObjectName("badgeField")
        self.badge.setMaxLength(16)
        self.badge.setPlaceholderText(_t("Badge"))
        self.pin = QLineEdit(parent)
        self.pin.setObjectName("pinField")
        self.pin.setMaxLength(8)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(_t("PIN"))
        self.grid.addWidget(QLabel(_t("Badge"), parent), 0, 0)
        self.grid.addWidget(self.badge, 0, 1)
        self.grid.addWidget(QLabel(_t("PIN"), parent), 1, 0)
        self.grid.addWidget(self.pin, 1, 1)

    def use_keypad(self, keypad: Any, *, start_on_badge: bool = True) -> None:
        """``keypad`` (a :class:`~hmi.widgets.keypad.Keypad`) follows the focus between the
        two fields; it starts on the badge field unless ``start_on_badge`` is False."""
        self.keypad = keypad
        if start_on_badge:
            keypad.set_target(self.badge)
        for field in (self.badge, self.pin):
            field.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FocusIn and obj in (self.badge, self.pin):
            self.keypad.set_target(obj)
        return False


def message_line(parent: QWidget, text: str = "", *, min_height: int = 90) -> QLabel:
    """The wrapped message under the fields (what went wrong, what to do)."""
    label = QLabel(text, parent)
    label.setObjectName("message")
    label.setWordWrap(True)
    label.setMinimumHeight(min_height)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label
