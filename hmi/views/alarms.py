"""Machine alarms: what is wrong, since when, who acknowledged it, and its return to normal."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hmi.views import presenters
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.message import MessageLabel

#: ISA-18.2 priority -> card colour while the alarm still needs attention
_SEVERITY = {"critical": "alarm", "high": "alarm", "medium": "warning", "low": "warning"}


def alarm_card(a: Any, tz: dt.tzinfo) -> Card:
    raised = a.raised_at.astimezone(tz).strftime("%H:%M:%S")
    parts = [presenters.tr("Raised %1").replace("%1", raised)]
    if a.cleared_at is not None:
        parts.append(presenters.tr("back to normal %1").replace(
            "%1", a.cleared_at.astimezone(tz).strftime("%H:%M:%S")))
    if a.acknowledged_at is not None:
        parts.append(presenters.tr("acknowledged by %1 at %2")
                     .replace("%1", a.acknowledged_by or "?")
                     .replace("%2", a.acknowledged_at.astimezone(tz).strftime("%H:%M:%S")))
    else:
        parts.append(presenters.tr("NOT ACKNOWLEDGED"))
    detail = " · ".join(parts)
    if getattr(a, "help", ""):
        detail += "\n" + a.help
    if a.needs_ack:
        severity = _SEVERITY.get(a.priority, "alarm")
    elif a.active:
        severity = "normal"
    else:
        severity = "normal"
    return Card(key=str(a.alarm_id), title=f"{a.priority.upper()} · {a.text}", detail=detail,
                severity=severity, badge=a.code)


class AlarmsView(QWidget):
    def __init__(self, alarms: Any, session: Any, timezone: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._alarms = alarms
        self._session = session
        self._tz = zoneinfo.ZoneInfo(timezone)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        title = QLabel(self.tr("Machine alarms"), self)
        title.setObjectName("screenTitle")
        top.addWidget(title, 1)
        self.ack_button = QPushButton(self.tr("Acknowledge"), self)
        self.ack_button.setProperty("primary", True)
        self.ack_all_button = QPushButton(self.tr("Acknowledge all"), self)
        self.ack_button.clicked.connect(self._ack_selected)
        self.ack_all_button.clicked.connect(self._ack_all)
        top.addWidget(self.ack_button)
        top.addWidget(self.ack_all_button)
        lay.addLayout(top)
        self.message = MessageLabel(self)
        lay.addWidget(self.message)
        self.list = CardList(self.tr("No alarms. The machine reports nothing abnormal."), self)
        self.list.sig_selected.connect(lambda _k: self._update_buttons())
        lay.addWidget(self.list, 1)
        alarms.sig_alarms_changed.connect(self.show_alarms)
        self.show_alarms(alarms.current())

    def show_alarms(self, records: list) -> None:
        self._records = {str(a.alarm_id): a for a in records}
        self.list.set_cards([alarm_card(a, self._tz) for a in records])
        self._update_buttons()

    def _update_buttons(self) -> None:
        sel = self._records.get(self.list.selected or "")
        self.ack_button.setEnabled(sel is not None and sel.needs_ack)
        self.ack_all_button.setEnabled(any(a.needs_ack for a in self._records.values()))

    def _say(self, text: str, severity: str = "warning") -> None:
        self.message.say(text, severity)

    def _ack_selected(self) -> None:
        key = self.list.selected
        if key is None:
            self._say(self.tr("Tap an alarm first, then Acknowledge."))
            return
        self._run(lambda actor: self._alarms.acknowledge(actor, self._records[key].alarm_id))

    def _ack_all(self) -> None:
        self._run(lambda actor: self._alarms.acknowledge_all(actor))

    def _run(self, action) -> None:
        try:
            action(self._session.actor)
        except Exception as exc:  # noqa: BLE001 - every refusal is shown to the person
            self._say(getattr(exc, "operator_message", None) or str(exc), "alarm")
            return
        self._say("")
