"""A touch list: one big card per row (alarms, stops, andon calls).

A QListView with tiny rows is hard to hit with a gloved finger and scrolls
by a thin bar; here every row is a card at least 80 px tall that is tapped
to select, the list scrolls by dragging (QScroller), and a card's colour comes
from the theme through its ``severity`` property (ISA-101: grey unless
something needs attention).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from hmi.widgets.style import set_props


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    detail: str = ""
    #: normal / warning / alarm / planned / unknown (theme colours)
    severity: str = "normal"
    #: right-aligned short text (a duration, a time, a count)
    badge: str = ""


class _CardWidget(QFrame):
    clicked = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setMinimumHeight(84)
        self.key = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 8, 14, 8)
        lay.setSpacing(2)
        self.title = QLabel(self)
        self.title.setObjectName("cardTitle")
        self.title.setWordWrap(True)
        self.detail = QLabel(self)
        self.detail.setObjectName("cardDetail")
        self.detail.setWordWrap(True)
        self.badge = QLabel(self.title)
        lay.addWidget(self.title)
        lay.addWidget(self.detail)

    def show_card(self, card: Card, selected: bool) -> None:
        self.key = card.key
        self.setObjectName("card")
        title = f"{card.title}    {card.badge}" if card.badge else card.title
        if self.title.text() != title:
            self.title.setText(title)
        if self.detail.text() != card.detail:
            self.detail.setText(card.detail)
        self.detail.setVisible(bool(card.detail))
        set_props(self, severity=card.severity, selected=selected)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.key)
        super().mouseReleaseEvent(event)


class CardList(QScrollArea):
    """Rows of cards; ``sig_selected(key)`` when one is tapped. Widgets are reused on update."""

    sig_selected = Signal(str)

    def __init__(self, empty_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardList")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(self)
        body.setObjectName("cardListBody")
        self._lay = QVBoxLayout(body)
        self._lay.setContentsMargins(0, 0, 6, 0)
        self._lay.setSpacing(8)
        self.empty = QLabel(empty_text, body)
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self._lay.addWidget(self.empty)
        self._lay.addStretch(1)
        self.setWidget(body)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        self._cards: list[_CardWidget] = []
        self.selected: str | None = None
        self.shown: list[Card] = []

    def set_cards(self, cards: list[Card]) -> None:
        self.shown = list(cards)
        while len(self._cards) < len(cards):
            w = _CardWidget(self.widget())
            w.clicked.connect(self._tapped)
            self._lay.insertWidget(self._lay.count() - 1, w)
            self._cards.append(w)
        keys = {c.key for c in cards}
        if self.selected not in keys:
            self.selected = None
        for w, card in zip(self._cards, cards, strict=False):
            w.show_card(card, card.key == self.selected)
            w.show()
        for w in self._cards[len(cards):]:
            w.hide()
        self.empty.setVisible(not cards)

    def show_keeping(self, cards: list[Card], selected: str | None,
                     default: str | None = None) -> str | None:
        """Show ``cards`` with ``selected`` still selected when it is among them; else
        ``default`` (a key), else the first card. Returns the key now selected (None:
        no cards) — a refreshed list never loses the person's place without reason."""
        keys = [c.key for c in cards]
        if selected not in keys:
            selected = default if default in keys else (keys[0] if keys else None)
        self.selected = selected
        self.set_cards(cards)
        return selected

    def card_widget(self, key: str) -> QFrame | None:
        """The card showing ``key`` (for tests and for scrolling to it)."""
        return next((w for w in self._cards if w.isVisible() and w.key == key), None)

    def select(self, key: str | None) -> None:
        self.selected = key
        self.set_cards(self.shown)

    def _tapped(self, key: str) -> None:
        self.select(key)
        self.sig_selected.emit(key)
