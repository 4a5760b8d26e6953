"""The inspection form: what is due, the spec window beside the field, pass/fail at once.

Left: the characteristics of the running order's plan; a due one is amber, an overdue
one red (it blocks the next start and makes parts suspect). Middle: the selected
characteristic's specification (LSL · target · USL, unit, gauge resolution), the gauge
(scanned), one field per value of the subgroup and a decimal keypad. After Save the
verdict shows big — PASS, or FAIL with how far out — and the control chart below marks
the points of any SPC rule that fired, with the rule in words.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.services.permissions import PermissionDenied
from hmi.views.scanning import ScanScreen
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.keypad import Keypad
from hmi.widgets.message import MessageLabel
from hmi.widgets.style import set_props

MAX_FIELDS = 5


def _v(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


class InspectionView(ScanScreen, QWidget):
    def __init__(self, inspections: Any, session: Any, *, scans: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectionScreen")
        self._svc = inspections
        self._session = session
        self._scans = scans
        self._selected: str | None = None
        self.gauge_code = ""
        self.last_outcome: Any = None

        root = QHBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        left = QVBoxLayout()
        self.title = QLabel(self.tr("Inspections"), self)
        self.title.setObjectName("screenTitle")
        self.title.setWordWrap(True)
        left.addWidget(self.title)
        self.list = CardList(self.tr("No inspection plan for the running order."), self)
        self.list.setFixedWidth(330)
        self.list.sig_selected.connect(self.select)
        left.addWidget(self.list, 1)
        root.addLayout(left)

        middle = QVBoxLayout()
        self.name = QLabel("", self)
        self.name.setObjectName("stepTitle")
        self.name.setWordWrap(True)
        self.spec = QLabel("", self)
        self.spec.setObjectName("specWindow")
        self.spec.setWordWrap(True)
        self.gauge = QLabel("", self)
        self.gauge.setObjectName("bigReason")
        self.gauge.setWordWrap(True)
        grid = QGridLayout()
        self.fields: list[QLineEdit] = []
        for i in range(MAX_FIELDS):
            f = QLineEdit(self)
            f.setMaxLength(12)
            f.setPlaceholderText(f"#{i + 1}")
            f.installEventFilter(self)
            grid.addWidget(f, i // 3, i % 3)
            self.fields.append(f)
        self.verdict = QLabel("", self)
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.verdict.hide()
        self.message = MessageLabel(self)
        middle.addWidget(self.name)
        middle.addWidget(self.spec)
        middle.addWidget(self.gauge)
        middle.addLayout(grid)
        middle.addWidget(self.verdict)
        middle.addWidget(self.message)
        middle.addStretch(1)
        row = QHBoxLayout()
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.clicked.connect(self.clear)
        self.save_button = QPushButton(self.tr("Save measurement"), self)
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.clear_button)
        row.addWidget(self.save_button, 2)
        middle.addLayout(row)
        root.addLayout(middle, 1)

        side = QVBoxLayout()
        self.keypad = Keypad(self, decimal=True, compact=True)
        self.keypad.sig_enter_pressed.connect(self._next_field)
        self.keypad.setFixedWidth(330)
        side.addWidget(self.keypad)
        side.addStretch(1)
        root.addLayout(side)

        inspections.sig_changed.connect(self.refresh)
        inspections.sig_due_changed.connect(self._refresh_any)
        inspections.sig_error.connect(self._alarm)
        self.refresh()

    # -- scans: the gauge --------------------------------------------------------
    def on_shown(self) -> None:
        self.refresh()

    def take_scan(self, scan: Any) -> bool:
        code = getattr(scan, "text", str(scan)).strip()
        run, ch = self._svc.run(), self._current()
        if run is None or ch is None or not ch.gauge_kind:
            return False
        try:
            self._svc.check_gauge(ch, code)
        except Exception as exc:  # unknown, wrong kind, calibration overdue: say why
            self.gauge_code = ""
            self.message.say(str(exc), "alarm")
            self._show_gauge(ch)
            return True
        self.gauge_code = code
        self.message.say(self.tr("Gauge %1 accepted.").replace("%1", code), "ok")
        self._show_gauge(ch)
        return True

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FocusIn and obj in self.fields:
            self.keypad.set_target(obj)
        return False

    # -- state ----------------------------------------------------------------------
    def _current(self) -> Any:
        run = self._svc.run()
        if run is None or self._selected is None:
            return None
        return run.characteristics.get(self._selected)

    # Service signals reach bound methods (not lambdas): Qt drops the connection when this
    # screen is destroyed, so a late signal can never reach a deleted widget.
    def _refresh_any(self, *_: object) -> None:
        self.refresh()

    def _alarm(self, text: str) -> None:
        self.message.say(text, "alarm")

    def refresh(self) -> None:
        run = self._svc.run()
        if run is None:
            self.title.setText(self.tr("Inspections"))
            self.list.set_cards([])
            self._show(None)
            return
        self.title.setText(self.tr("Inspect · %1").replace("%1", run.order_code))
        self.title.setToolTip(run.plan_name)
        due = {d.characteristic: d for d in self._svc.due()}
        cards = []
        for code, ch in run.characteristics.items():
            d = due.get(code)
            if d is None:
                detail, severity = self.tr("not due"), "normal"
            elif d.overdue:
                detail = self.tr("OVERDUE · %1 suspect parts").replace("%1",
                                                                       str(d.suspect_parts))
                severity = "alarm"
            else:
                detail = self.tr("DUE (%1) until %2").replace("%1", d.reason.value) \
                    .replace("%2", d.overdue_at.strftime("%H:%M"))
                severity = "warning"
            cards.append(Card(key=code, title=f"{ch.name}", detail=detail, severity=severity))
        self.list.set_cards(cards)
        if self._selected not in run.characteristics:
            first_due = next((c.key for c in cards if c.severity != "normal"), None)
            self._selected = first_due or (cards[0].key if cards else None)
        self.list.select(self._selected)
        self._show(self._current())

    def select(self, code: str) -> None:
        if code != self._selected:
            self._selected = code
            self.gauge_code = ""
            self.clear()
        self.refresh()

    def _show(self, ch: Any) -> None:
        for w in (self.name, self.spec, self.gauge, self.save_button, self.clear_button):
            w.setVisible(ch is not None)
        if ch is None:
            for f in self.fields:
                f.hide()
            return
        self.name.setText(f"{ch.name} ({ch.code})")
        unit = f" {ch.unit}" if ch.unit else ""
        if ch.kind == "variable":
            spec = self.tr("LSL %1   ·   target %2   ·   USL %3").replace("%1", _v(ch.lsl)) \
                .replace("%2", _v(ch.target)).replace("%3", _v(ch.usl)) + unit
            if ch.resolution:
                spec += "\n" + self.tr("resolution %1").replace("%1", f"{ch.resolution:g}{unit}")
            n = ch.subgroup_size
        elif ch.kind == "attribute":
            spec = self.tr("Count the defects (or defective parts).")
            n = 1
        else:
            spec = self.tr("Checklist: enter 1 for OK, 0 for not OK.")
            n = 1
        self.spec.setText(spec)
        for i, f in enumerate(self.fields):
            f.setVisible(i < min(n, MAX_FIELDS))
        self._show_gauge(ch)

    def _show_gauge(self, ch: Any) -> None:
        if not ch.gauge_kind:
            self.gauge.setText(self.tr("No gauge needed."))
            return
        if self.gauge_code:
            self.gauge.setText(self.tr("Gauge: %1").replace("%1", self.gauge_code))
        else:
            self.gauge.setText(self.tr("Scan the %1 you measure with.").replace(
                "%1", ch.gauge_kind.replace("_", " ")))

    def _next_field(self) -> None:
        visible = [f for f in self.fields if f.isVisible()]
        for i, f in enumerate(visible):
            if f.hasFocus() and i + 1 < len(visible):
                visible[i + 1].setFocus()
                return
        self.save()

    def clear(self) -> None:
        for f in self.fields:
            f.clear()
        self.verdict.hide()
        self.message.say("", "ok")
        if self.fields:
            self.fields[0].setFocus()
            self.keypad.set_target(self.fields[0])

    # -- saving -----------------------------------------------------------------------
    def save(self) -> None:
        ch = self._current()
        if ch is None:
            return
        values = [f.text() for f in self.fields if f.isVisible()]
        if ch.kind == "checklist":
            values = ["ok" if v.strip() in ("1", "ok") else "nok" for v in values]
        try:
            self._svc.record(self._session.actor, ch.code, values,
                             gauge_code=self.gauge_code or None, on_done=self._recorded)
        except PermissionDenied as exc:
            self.message.say(str(exc), "alarm")
        except Exception as exc:  # InspectionError: nothing was stored
            self.message.say(str(exc) + " " + self.tr("Nothing was stored."), "alarm")

    def _recorded(self, outcome: Any) -> None:
        self.last_outcome = outcome
        # Only what is wrong is spelled out: five "within the specification" lines would
        # push the form off the panel and hide the one that matters.
        bad = [v for v in outcome.verdicts if "within the specification" not in v]
        n = len(outcome.verdicts)
        lines = [self.tr("PASS · %1 value(s) in spec").replace("%1", str(n)) if outcome.passed
                 else self.tr("FAIL"), *bad]
        if outcome.rule_hits:
            lines.append(self.tr("SPC: %1").replace(
                "%1", "; ".join(h["text"] for h in outcome.rule_hits)))
        self.verdict.setText("\n".join(lines))
        set_props(self.verdict, severity="ok" if outcome.passed and not outcome.rule_hits
                  else "alarm")
        self.verdict.show()
        self.message.say("", "ok")
        for f in self.fields:
            f.clear()
        self.refresh()
