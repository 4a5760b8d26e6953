"""One tap on a reason: the touch dialog behind pause, skip and tool-reset reasons."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class ChoiceDialog(QDialog):
    """Big buttons, one per choice, and Cancel; ``choice`` holds the tapped text."""

    def __init__(self, window_title: str, question: str, choices: Sequence[str], *,
                 columns: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title)
        self.choice = ""
        lay = QVBoxLayout(self)
        title = QLabel(question, self)
        title.setObjectName("dialogTitle")
        title.setWordWrap(True)
        lay.addWidget(title)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for i, text in enumerate(choices):
            btn = QPushButton(text, self)
            btn.clicked.connect(lambda _=False, t=text: self._choose(t))
            grid.addWidget(btn, i // columns, i % columns)
            self.buttons[text] = btn
        lay.addLayout(grid)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        lay.addWidget(cancel)

    @property
    def reason(self) -> str:
        return self.choice

    def _choose(self, text: str) -> None:
        self.choice = text
        self.accept()
