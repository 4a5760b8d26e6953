"""A big-number tile for the dashboard: readable from 3 m (value font >= 72 px).

Caption on top, a huge number, an optional unit; "—" when the value is unknown.
Severity (normal / warning / alarm) is a dynamic property for the QSS, like the
value tiles. The default look ships with the widget (``BIGNUMBER_QSS``) so it
is readable without the theme; the theme can restate these rules.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from hmi.widgets.style import set_props
from hmi.widgets.tiles import FitLabel

UNKNOWN = "\u2014"
SEVERITIES = ("normal", "warning", "alarm")

BIGNUMBER_QSS = """
QFrame#bigNumber { background: #e6e6e6; border: 2px solid #b0b0b0; border-radius: 8px; }
QFrame#bigNumber QLabel#bigCaption { font-size: 26px; color: #3c3c3c; }
QFrame#bigNumber QLabel#bigValue { font-size: 96px; font-weight: bold; color: #1a1a1a; }
QFrame#bigNumber QLabel#bigUnit { font-size: 30px; color: #3c3c3c; }
QFrame#bigNumber QLabel#bigNote { font-size: 20px; color: #3c3c3c; }
QFrame#bigNumber[severity="warning"] { background: #f5a623; border-color: #a86b00; }
QFrame#bigNumber[severity="alarm"] { background: #d0021b; border-color: #8a0010; }
QFrame#bigNumber[severity="alarm"] QLabel#bigCaption,
QFrame#bigNumber[severity="alarm"] QLabel#bigValue,
QFrame#bigNumber[severity="alarm"] QLabel#bigUnit,
QFrame#bigNumber[severity="alarm"] QLabel#bigNote { color: #ffffff; }
QFrame#bigNumber[quality="stale"] { background: #c8c8c8; border: 3px dashed #1a1a1a; }
QFrame#bigNumber[quality="stale"] QLabel#bigValue { color: #6a6a6a; }
"""


class BigNumber(QFrame):
    """Caption, huge value, unit, and a note line (e.g. why a value is missing)."""

    def __init__(self, caption: str, unit: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bigNumber")
        self.setStyleSheet(BIGNUMBER_QSS)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 10, 18, 10)
        lay.setSpacing(0)
        self.caption = QLabel(caption, self)
        self.caption.setObjectName("bigCaption")
        # Shrinks its font to fit rather than cutting "13 140" to "3 140".
        self.value = FitLabel(UNKNOWN, self, min_px=24)
        self.value.setObjectName("bigValue")
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.unit = QLabel(unit, self)
        self.unit.setObjectName("bigUnit")
        self.unit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.note = QLabel("", self)
        self.note.setObjectName("bigNote")
        self.note.setWordWrap(True)
        lay.addWidget(self.caption)
        lay.addWidget(self.value, 1)
        lay.addWidget(self.unit)
        lay.addWidget(self.note)
        set_props(self, severity="normal", quality="good")

    def set_value(self, text: str | float | None, *, unit: str | None = None,
                  severity: str = "normal", stale: bool = False, note: str = "",
                  decimals: int = 1) -> None:
        """Show ``text`` (a number is formatted with ``decimals``; None shows "—")."""
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {severity!r}")
        if text is None:
            shown = UNKNOWN
        elif isinstance(text, (int, float)):
            shown = f"{text:.{decimals}f}" if isinstance(text, float) else str(text)
        else:
            shown = text
        if self.value.text() != shown:
            self.value.setText(shown)
        if unit is not None:
            self.unit.setText(unit)
        self.note.setText(note)
        set_props(self, severity=severity, quality="stale" if stale else "good")

    @property
    def severity(self) -> str:
        return str(self.property("severity"))
