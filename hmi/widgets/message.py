"""A screen's message line: what happened and what to do, coloured by severity, hidden when empty."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from hmi.widgets.style import set_props


class MessageLabel(QLabel):
    """``say(text, severity)``: severity ``ok``, ``warning`` or ``alarm`` (theme colours)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("message")
        self.setWordWrap(True)
        self.hide()

    def say(self, text: str, severity: str = "warning") -> None:
        self.setText(text)
        set_props(self, severity=severity)
        self.setVisible(bool(text))
