"""Shift summary for the handover: how the shift went and what the next shift takes over.

Open items are the point of a handover: stops still without a reason, andon
calls nobody has closed, alarms not acknowledged or still active, and (with
the quality module) open holds. Each is listed with what to do about it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.services import kpi
from hmi.services.timeline import StopKind
from hmi.views import presenters
from hmi.views.andon import category_label
from hmi.views.dashboard import hours_minutes, pct
from hmi.views.downtime import cause_text
from hmi.widgets.bignumber import BigNumber
from hmi.widgets.cardlist import Card, CardList


class ShiftSummaryView(QWidget):
    """``sig_open_audit``: the "Audit trail" button (shown once the window has the page)."""

    sig_open_audit = Signal()

    def __init__(self, kpis: Any, downtime: Any, alarms: Any, andon: Any, timezone: str, *,
                 clock: Callable[[], dt.datetime] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._tz = zoneinfo.ZoneInfo(timezone)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._kpis, self._downtime, self._alarms, self._andon = kpis, downtime, alarms, andon
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 10)
        self.title = QLabel(self.tr("Shift handover"), self)
        self.title.setObjectName("screenTitle")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        # Who did what on this station (team leads and admins: audit.view).
        self.audit_button = QPushButton(self.tr("Audit trail"), self)
        self.audit_button.clicked.connect(self.sig_open_audit)
        self.audit_button.hide()
        top.addWidget(self.audit_button)
        lay.addLayout(top)
        nums = QGridLayout()
        nums.setSpacing(10)
        self.oee = BigNumber(self.tr("OEE"), "%", self)
        self.good = BigNumber(self.tr("Good"), "", self)
        self.scrap = BigNumber(self.tr("Scrap"), "", self)
        self.down = BigNumber(self.tr("Unplanned stops"), "h:mm", self)
        for i, w in enumerate((self.oee, self.good, self.scrap, self.down)):
            w.setMinimumHeight(120)
            w.value.setStyleSheet("font-size: 52px;")
            nums.addWidget(w, 0, i)
        lay.addLayout(nums)
        body = QHBoxLayout()
        left = QVBoxLayout()
        head = QLabel(self.tr("Open items for the next shift"), self)
        head.setObjectName("sectionTitle")
        left.addWidget(head)
        self.open_items = CardList(self.tr("Nothing open. The shift can be handed over clean."),
                                   self)
        left.addWidget(self.open_items, 1)
        body.addLayout(left, 3)
        right = QVBoxLayout()
        head2 = QLabel(self.tr("Top downtime reasons"), self)
        head2.setObjectName("sectionTitle")
        right.addWidget(head2)
        self.top_reasons = QLabel("", self)
        self.top_reasons.setWordWrap(True)
        self.top_reasons.setObjectName("hint")
        right.addWidget(self.top_reasons)
        right.addStretch(1)
        body.addLayout(right, 2)
        lay.addLayout(body, 1)
        for sig in (kpis.sig_kpis_changed, downtime.sig_stops_changed, alarms.sig_alarms_changed,
                    andon.sig_calls_changed):
            sig.connect(lambda *_: self.refresh())
        self.refresh()

    def items(self) -> list[Card]:
        """What the incoming shift must take over, most urgent first."""
        now = self._clock()
        cards: list[Card] = []
        for a in self._alarms.current():
            if a.needs_ack or a.active:
                state = self.tr("not acknowledged") if a.needs_ack else self.tr("still active")
                cards.append(Card(f"alarm:{a.alarm_id}", f"{self.tr('Alarm')} · {a.text}",
                                  f"{state} · {self.tr('since')} "
                                  f"{a.raised_at.astimezone(self._tz):%H:%M}",
                                  "alarm" if a.needs_ack else "warning"))
        for c in self._andon.open_calls():
            state = (self.tr("nobody has answered") if c.acknowledged_at is None
                     else self.tr("answered by %1, not resolved").replace(
                         "%1", c.acknowledged_by or "?"))
            cards.append(Card(f"andon:{c.call_id}",
                              f"{self.tr('Andon call')} · {category_label(c.category)}",
                              f"{state} · {self.tr('since')} {c.called_at.astimezone(self._tz):%H:%M}",
                              "warning"))
        for s in self._downtime.unclassified():
            if s.kind == StopKind.MICRO:
                continue
            cards.append(Card(f"stop:{s.stop_id}",
                              f"{self.tr('Stop without reason')} · {cause_text(s)}",
                              f"{s.start.astimezone(self._tz):%H:%M} · "
                              f"{presenters.duration_text(s.seconds(now))} · "
                              + self.tr("give it a reason in Downtime"), "warning"))
        cards.append(Card("holds", self.tr("Quality holds"),
                          self.tr("none recorded at this station (holds come with the quality "
                                  "module)"), "normal"))
        return cards

    def refresh(self) -> None:
        k = self._kpis.last
        if k is not None:
            start = k.window.start.astimezone(self._tz)
            self.title.setText(self.tr("Shift handover · %1 · %2–%3")
                               .replace("%1", k.shift_name)
                               .replace("%2", f"{start:%a %H:%M}")
                               .replace("%3", f"{k.window.end.astimezone(self._tz):%H:%M}"))
            r = k.oee
            self.oee.set_value(pct(r.oee))
            self.good.set_value(str(r.good))
            self.scrap.set_value(str(r.scrap), note=pct(r.scrap_rate) and f"{pct(r.scrap_rate)} %")
            self.down.set_value(hours_minutes(r.unplanned_stop_s),
                                note=self.tr("%1 stop(s)").replace("%1", str(r.failures)))
            rows = kpi.pareto(k.stops, k.window, k.now)[:3]
            self.top_reasons.setText("\n".join(
                f"{(r.reason_name or self.tr('No reason yet'))}: {r.count}× · "
                f"{presenters.duration_text(r.seconds)}" for r in rows) or self.tr("No stops."))
        self.open_items.set_cards(self.items())
