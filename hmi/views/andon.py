"""Andon: one touch calls help; the responder acknowledges at the station by badge + PIN."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.views import presenters
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.keypad import Keypad
from hmi.widgets.message import MessageLabel
from hmi.widgets.style import set_props
from hmi.widgets.tiles import FitLabel


def category_label(category: str) -> str:
    return {
        "maintenance": presenters.tr("Maintenance"),
        "quality": presenters.tr("Quality"),
        "material": presenters.tr("Material"),
        "supervisor": presenters.tr("Team lead"),
        "safety": presenters.tr("Safety"),
    }.get(category, category)


def call_card(c: Any, now: dt.datetime, tz: dt.tzinfo) -> Card:
    called = c.called_at.astimezone(tz).strftime("%H:%M")
    waited = presenters.duration_text((now - c.called_at).total_seconds())
    if c.acknowledged_at is None:
        detail = presenters.tr("Called %1 by %2 · waiting %3 · nobody has answered yet") \
            .replace("%1", called).replace("%2", c.called_by or "?").replace("%3", waited)
        severity = "warning"
    else:
        detail = presenters.tr("Called %1 · answered by %2 after %3 · not resolved yet") \
            .replace("%1", called).replace("%2", c.acknowledged_by or "?") \
            .replace("%3", presenters.duration_text(c.response_s or 0))
        severity = "normal"
    if c.message:
        detail = f"{c.message}\n{detail}"
    return Card(key=str(c.call_id), title=category_label(c.category), detail=detail,
                severity=severity, badge=waited)


class AndonView(QWidget):
    CATEGORIES = ("maintenance", "quality", "material", "supervisor")

    def __init__(self, andon: Any, session: Any, timezone: str,
                 clock: Callable[[], dt.datetime] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._andon = andon
        self._session = session
        self._tz = zoneinfo.ZoneInfo(timezone)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._calls: dict[str, Any] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 8, 16, 8)
        lay.setSpacing(6)
        title = QLabel(self.tr("Call for help (andon)"), self)
        title.setObjectName("screenTitle")
        self._top = QHBoxLayout()
        self._top.addWidget(title)
        self._top.addStretch(1)
        lay.addLayout(self._top)
        grid = QGridLayout()
        self.call_buttons: dict[str, QPushButton] = {}
        for i, cat in enumerate(self.CATEGORIES):
            b = QPushButton(self.tr("Call %1").replace("%1", category_label(cat)), self)
            b.setObjectName(f"andon:{cat}")
            b.setMinimumHeight(84)
            b.clicked.connect(lambda _=False, c=cat: self._call(c))
            grid.addWidget(b, 0, i)
            self.call_buttons[cat] = b
        lay.addLayout(grid)
        self.message = MessageLabel(self)
        lay.addWidget(self.message)
        # The other stations of the line (central database, read-only): hidden standalone.
        self.line = QWidget(self)
        self.line_row = QHBoxLayout(self.line)
        self.line_row.setContentsMargins(0, 0, 0, 0)
        self.line.hide()
        self.line_cells: list[QLabel] = []
        self._top.addWidget(self.line)  # beside the title: the screen keeps its height

        body = QHBoxLayout()
        self.list = CardList(self.tr("No open calls."), self)
        self.list.sig_selected.connect(lambda _k: self._update_buttons())
        body.addWidget(self.list, 3)
        side = QVBoxLayout()
        hint = QLabel(self.tr("Responder: tap the call, then badge + PIN."), self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        side.addWidget(hint)
        self.badge = QLineEdit(self)
        self.badge.setPlaceholderText(self.tr("Badge"))
        self.pin = QLineEdit(self)
        self.pin.setPlaceholderText(self.tr("PIN"))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        fields = QHBoxLayout()
        fields.addWidget(self.badge)
        fields.addWidget(self.pin)
        side.addLayout(fields)
        self.keypad = Keypad(self, compact=True)  # the screen also fits a two-line banner
        self.keypad.set_target(self.badge)
        self.badge.returnPressed.connect(self.pin.setFocus)
        side.addWidget(self.keypad)
        row = QHBoxLayout()
        self.ack_button = QPushButton(self.tr("Acknowledge"), self)
        self.ack_button.setProperty("primary", True)
        self.ack_button.clicked.connect(self._acknowledge)
        self.resolve_button = QPushButton(self.tr("Resolve"), self)
        self.resolve_button.clicked.connect(self._resolve)
        row.addWidget(self.ack_button)
        row.addWidget(self.resolve_button)
        side.addLayout(row)
        body.addLayout(side, 2)
        lay.addLayout(body, 1)
        self.badge.installEventFilter(self)
        self.pin.installEventFilter(self)
        andon.sig_calls_changed.connect(self.show_calls)
        if hasattr(andon, "sig_error"):
            andon.sig_error.connect(lambda text: self._say(text, "alarm"))
        self.show_calls(andon.open_calls())

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.FocusIn and obj in (self.badge, self.pin):
            self.keypad.set_target(obj)
        return False

    def show_calls(self, calls: list) -> None:
        self._calls = {str(c.call_id): c for c in calls}
        now = self._clock()
        self.list.set_cards([call_card(c, now, self._tz) for c in calls])
        open_cats = {c.category for c in calls}
        for cat, b in self.call_buttons.items():
            set_props(b, severity="warning" if cat in open_cats else "normal")
        self._update_buttons()

    def _selected(self) -> Any:
        return self._calls.get(self.list.selected or "")

    def _update_buttons(self) -> None:
        sel = self._selected()
        self.ack_button.setEnabled(sel is not None and sel.acknowledged_at is None)
        self.resolve_button.setEnabled(sel is not None and sel.acknowledged_at is not None)

    def _say(self, text: str, severity: str = "warning") -> None:
        self.message.say(text, severity)

    def _call(self, category: str) -> None:
        try:
            self._andon.call(self._session.actor, category)
        except Exception as exc:  # noqa: BLE001 - shown to the person
            self._say(getattr(exc, "operator_message", None) or str(exc))
            return
        self._say(self.tr("%1 has been called. The call stays here until someone answers it.")
                  .replace("%1", category_label(category)), "ok")

    def _acknowledge(self) -> None:
        sel = self._selected()
        if sel is None:
            self._say(self.tr("Tap the call you are answering first."))
            return
        badge, pin = self.badge.text().strip(), self.pin.text()
        if not badge or not pin:
            self._say(self.tr("Enter your badge and PIN to acknowledge the call."))
            return
        self.pin.clear()
        try:
            self._andon.acknowledge(sel.call_id, badge, pin)
        except Exception as exc:  # noqa: BLE001 - shown to the person
            self._say(getattr(exc, "operator_message", None) or str(exc), "alarm")
            return
        self._say("")

    def _resolve(self) -> None:
        sel = self._selected()
        if sel is None:
            return
        badge, pin = self.badge.text().strip(), self.pin.text()
        if not badge:
            self._say(self.tr("Enter your badge (and PIN if you did not answer the call) to "
                              "resolve it."))
            return
        self.pin.clear()
        try:
            self._andon.resolve(sel.call_id, badge, "", pin=pin or None)
        except Exception as exc:  # noqa: BLE001 - shown to the person
            self._say(getattr(exc, "operator_message", None) or str(exc), "alarm")
            return
        self._say("")

    def show_line(self, view: Any) -> None:
        """The line at a glance: each other station's state and open calls; grey and dated
        when the central database cannot be reached (never an old state shown as current)."""
        while self.line_row.count():
            item = self.line_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.line_cells = []
        stations = list(getattr(view, "stations", ()))
        self.line.setVisible(bool(stations) or bool(getattr(view, "error", "")))
        stale = bool(getattr(view, "stale", False))
        for st in stations:
            state = (st.state or "?").upper()
            text = f"{st.name} · {state}"
            severity = "alarm" if st.state == "faulted" else "normal"
            if st.calls:
                waiting = [c for c in st.calls if not c.acknowledged]
                text += " · " + self.tr("ANDON %1").replace(
                    "%1", ", ".join(c.category for c in st.calls))
                severity = "alarm" if severity == "alarm" else (
                    "warning" if waiting else "normal")
            cell = FitLabel(text, self.line, min_px=13)  # many stations: smaller, never cut
            cell.setObjectName("lineCell")
            set_props(cell, severity="stale" if stale else severity)
            self.line_row.addWidget(cell)
            self.line_cells.append(cell)
        if stale:
            at = getattr(view, "read_at", None)
            note = FitLabel(self.tr("Line view offline since %1").replace(
                "%1", at.astimezone(self._tz).strftime("%H:%M") if at else "—"), self.line)
            note.setObjectName("hint")
            self.line_row.addWidget(note)
            self.line_cells.append(note)

