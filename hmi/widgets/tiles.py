"""Value tiles: a title, a big value, its unit, and a note that says when it is not current."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hmi.widgets.style import set_props


class ShrinkLabel(QLabel):
    """A label that asks for its text's width but accepts less (tiles share the width)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(0, super().minimumSizeHint().height())


class FitLabel(ShrinkLabel):
    """A one-line label that shrinks its font to fit its width instead of cutting the text.

    A big number that does not fit ("12 345" in a narrow tile) is drawn smaller, down
    to ``min_px``, never clipped to "2 34" (which reads as a different number).
    The style sheet's font stays the reference size.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None, *, min_px: int = 14) -> None:
        super().__init__(text, parent)
        self.min_px = min_px
        self.shown_px = 0.0

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        text = self.text()
        font = self.font()
        rect = QRectF(self.contentsRect())
        need = QFontMetricsF(font).horizontalAdvance(text)
        px = float(font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF() * 96 / 72)
        if need > rect.width() > 0:
            px = max(float(self.min_px), px * rect.width() / need * 0.98)
            font.setPixelSize(int(px))
        self.shown_px = px
        painter = QPainter(self)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(rect, int(self.alignment()) | int(Qt.TextFlag.TextSingleLine), text)
        painter.end()


class ValueTile(QFrame):
    """A big-number tile. It never lies: a stale value is greyed, dashed and labelled."""

    def __init__(self, title: str, unit: str = "", *, large: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        if large:
            self.setProperty("size", "large")
        self.setMinimumHeight(120)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 8, 14, 8)
        lay.setSpacing(0)
        self.title = FitLabel(title, self, min_px=12)
        self.title.setObjectName("tileTitle")
        row = QHBoxLayout()
        self.value = FitLabel("—", self)
        self.value.setObjectName("tileValue")
        self.unit = QLabel(unit, self)
        self.unit.setObjectName("tileUnit")
        self.unit.setAlignment(Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft)
        row.addWidget(self.value)
        row.addWidget(self.unit, 1)
        self.note = ShrinkLabel("", self)
        self.note.setObjectName("tileNote")
        lay.addWidget(self.title)
        lay.addLayout(row)
        lay.addWidget(self.note)
        set_props(self, severity="normal", quality="good")

    def show_value(self, text: str, *, severity: str = "normal", stale: bool = False,
                   note: str = "") -> None:
        if self.value.text() != text:
            self.value.setText(text)
        if self.note.text() != note:
            self.note.setText(note)
        set_props(self, severity=severity, quality="stale" if stale else "good")

    @property
    def is_stale(self) -> bool:
        return self.property("quality") == "stale"
