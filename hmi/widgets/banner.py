"""Non-fatal error banner: shows what went wrong and what to do, until dismissed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from hmi.widgets.style import set_props


class ErrorBanner(QFrame):
    sig_dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(16, 4, 8, 4)
        self.label = QLabel("", self)
        self.label.setWordWrap(True)
        self.count = 0
        self.dismiss = QPushButton(self.tr("Dismiss"), self)
        self.dismiss.clicked.connect(self.clear)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.dismiss)
        self.hide()

    def show_message(self, text: str, *, severity: str = "alarm") -> None:
        """Show ``text``; repeated messages are counted rather than stacked."""
        self.count = self.count + 1 if self.isVisible() and self.label.text().startswith(text) else 1
        self.label.setText(text if self.count == 1 else f"{text}  (×{self.count})")
        set_props(self, severity=severity)
        self.show()

    def clear(self) -> None:
        self.hide()
        self.count = 0
        self.sig_dismissed.emit()
