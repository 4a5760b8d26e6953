"""On-screen numeric keypad for badge numbers and PINs (no keyboard on a panel)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QSizePolicy, QWidget


class Keypad(QWidget):
    """3×4 keypad that types into whichever target line edit is active.

    ``sig_enter_pressed`` fires on the ✓ key. Keys are at least 104×84 px.
    """

    sig_enter_pressed = Signal()

    def __init__(self, parent: QWidget | None = None, *, decimal: bool = False,
                 compact: bool = False) -> None:
        super().__init__(parent)
        self._target: QLineEdit | None = None
        grid = QGridLayout(self)
        grid.setSpacing(10)
        grid.setContentsMargins(0, 0, 0, 0)
        self.keys: dict[str, QPushButton] = {}
        layout = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "back", "0", "enter"]
        if decimal:  # measured values: a decimal point and a minus sign as well
            layout = ["1", "2", "3", "4", "5", "6", "7", "8", "9", ".", "0", "-", "back", "enter"]
        labels = {"back": "⌫", "enter": "✓", "-": "−"}
        for i, key in enumerate(layout):
            btn = QPushButton(labels.get(key, key), self)
            btn.setObjectName("keypadKey")
            if compact:  # 56-px keys where the keypad shares the screen (still gloved-finger size)
                btn.setProperty("compact", True)
            btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            if key == "enter":
                btn.setProperty("primary", True)
                btn.setAccessibleName(self.tr("Enter"))
            elif key == "back":
                btn.setAccessibleName(self.tr("Delete last digit"))
            btn.clicked.connect(lambda _=False, k=key: self.press(k))
            if decimal and key == "enter":
                grid.addWidget(btn, i // 3, i % 3, 1, 2)  # a wide ✓ under "0" and "−"
            else:
                grid.addWidget(btn, i // 3, i % 3)
            self.keys[key] = btn

    def set_target(self, line_edit: QLineEdit | None) -> None:
        self._target = line_edit

    def target(self) -> QLineEdit | None:
        """The field this keypad types into (the on-screen keyboard leaves that field alone
        while this keypad is visible: hmi.views.osk)."""
        return self._target

    def press(self, key: str) -> None:
        if key == "enter":
            self.sig_enter_pressed.emit()
            return
        if self._target is None:
            return
        if key == "back":
            self._target.backspace()
        elif key == "-":  # toggles the sign wherever the cursor is
            text = self._target.text()
            self._target.setText(text[1:] if text.startswith("-") else "-" + text)
        elif len(self._target.text()) < self._target.maxLength():
            self._target.insert(key)
