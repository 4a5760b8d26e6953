"""Downtime: give stops their reasons, split them, log repairs, and see the Pareto.

The list shows the shift's stops newest first; stops without a reason are
amber (red while the machine is still down) and stay at the top until they
have one. Tapping a stop opens the reason picker beside it, pre-selected from
the PLC's fault code when the reason tree maps it. Micro-stops are not listed
one by one (they are performance losses, never prompted): a line counts them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hmi.services import kpi
from hmi.services.timeline import Interval, StopKind, StopRecord
from hmi.views import presenters
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.charts import ParetoChart
from hmi.widgets.message import MessageLabel
from hmi.widgets.reason_picker import ReasonNode, ReasonTreePicker

_CAUSE = {"no_count": "NO PARTS COUNTED"}


def cause_text(stop: StopRecord) -> str:
    text = _CAUSE.get(stop.cause) or presenters.state_label(stop.cause or "unknown")
    if stop.fault_code:
        text = f"{text} {stop.fault_code}"
    return text


def stop_card(stop: StopRecord, now: dt.datetime, tz: dt.tzinfo, suggestion: str = "") -> Card:
    start = stop.start.astimezone(tz).strftime("%H:%M")
    end = stop.end.astimezone(tz).strftime("%H:%M") if stop.end else presenters.tr("now")
    title = f"{start}–{end} · {cause_text(stop)}"
    if stop.reason_code is None:
        detail = presenters.tr("NO REASON YET · tap to give one")
        if suggestion:
            detail += f" · {suggestion}"
        severity = "alarm" if stop.end is None else "warning"
    else:
        who = {"auto": presenters.tr("automatic"), "operator": presenters.tr("operator"),
               "team_lead": presenters.tr("team lead")}.get(stop.classified_by or "", "")
        detail = f"{stop.reason_name or stop.reason_code}" + (f" ({who})" if who else "")
        severity = "planned" if stop.kind == StopKind.PLANNED else "normal"
    if stop.repaired_at is not None:
        detail += " · " + presenters.tr("repaired")
    elif stop.acknowledged_at is not None:
        detail += " · " + presenters.tr("maintenance on it")
    return Card(key=stop.stop_id, title=title, detail=detail, severity=severity,
                badge=presenters.duration_text(stop.seconds(now)))


class RepairDialog(QDialog):
    """What maintenance did: action, parts used ("part x qty, part x qty"), notes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Log repair"))
        lay = QVBoxLayout(self)
        title = QLabel(self.tr("Log the repair"), self)
        title.setObjectName("dialogTitle")
        lay.addWidget(title)
        self.action = QLineEdit(self)
        self.action.setPlaceholderText(self.tr("What was done (required)"))
        self.parts = QLineEdit(self)
        self.parts.setPlaceholderText(self.tr("Parts used, e.g. seal kit x 1, hose x 2"))
        self.notes = QLineEdit(self)
        self.notes.setPlaceholderText(self.tr("Notes"))
        self.message = MessageLabel(self)
        for w in (self.action, self.parts, self.notes, self.message):
            lay.addWidget(w)
        row = QHBoxLayout()
        self.save = QPushButton(self.tr("Save repair"), self)
        self.save.setProperty("primary", True)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        row.addWidget(cancel)
        row.addWidget(self.save)
        lay.addLayout(row)
        self.resize(760, 420)

    def parsed_parts(self) -> list[tuple[str, float]]:
        """``"seal kit x 1, hose x 2"`` -> [("seal kit", 1), ("hose", 2)]; ValueError says which."""
        out: list[tuple[str, float]] = []
        for i, item in enumerate(p.strip() for p in self.parts.text().split(",")):
            if not item:
                continue
            name, sep, qty = item.rpartition(" x ")
            if not sep:
                name, qty = item, "1"
            try:
                q = float(qty.replace(",", "."))
            except ValueError:
                raise ValueError(self.tr("Part %1: \"%2\" is not a quantity. Write e.g. "
                                         "\"hose x 2\".").replace("%1", str(i + 1))
                                 .replace("%2", qty)) from None
            out.append((name.strip(), q))
        return out

    def say(self, text: str) -> None:
        self.message.say(text, "alarm")


class DowntimeView(QWidget):
    """``sig_unclassified_changed(count)`` lets the shell nag on every screen."""

    sig_unclassified_changed = Signal(int)

    def __init__(self, downtime: Any, session: Any, timezone: str, *,
                 load_stops: Callable[[Interval, Callable[[list], None]], None] | None = None,
                 clock: Callable[[], dt.datetime] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._dt = downtime
        self._session = session
        self._tz = zoneinfo.ZoneInfo(timezone)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._load_stops = load_stops
        self._stops: dict[str, StopRecord] = {}
        self._pareto_range = "shift"
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 10)
        top = QHBoxLayout()
        title = QLabel(self.tr("Downtime"), self)
        title.setObjectName("screenTitle")
        top.addWidget(title, 1)
        self._pages = QButtonGroup(self)
        self.stops_tab = QPushButton(self.tr("Stops"), self)
        self.pareto_tab = QPushButton(self.tr("Pareto"), self)
        for i, b in enumerate((self.stops_tab, self.pareto_tab)):
            b.setCheckable(True)
            self._pages.addButton(b, i)
            top.addWidget(b)
        self.stops_tab.setChecked(True)
        lay.addLayout(top)
        self.message = MessageLabel(self)
        lay.addWidget(self.message)
        self.stack = QStackedWidget(self)
        lay.addWidget(self.stack, 1)
        self._pages.idClicked.connect(self._show_page)

        # -- page 0: stops + picker
        page = QWidget(self)
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.list = CardList(self.tr("No stops in this shift so far."), page)
        self.list.sig_selected.connect(self._select)
        left.addWidget(self.list, 1)
        self.micro_label = QLabel("", page)
        self.micro_label.setObjectName("hint")
        self.micro_label.setWordWrap(True)
        left.addWidget(self.micro_label)
        row.addLayout(left, 2)
        right = QVBoxLayout()
        self.selected_label = QLabel(self.tr("Tap a stop to give its reason."), page)
        self.selected_label.setObjectName("bigReason")
        self.selected_label.setWordWrap(True)
        right.addWidget(self.selected_label)
        self.picker = ReasonTreePicker(parent=page, columns=2)
        self.picker.sig_chosen.connect(self._chosen)
        right.addWidget(self.picker, 1)
        # split controls
        self.split_panel = QWidget(page)
        sp = QHBoxLayout(self.split_panel)
        sp.setContentsMargins(0, 0, 0, 0)
        self.split_slider = QSlider(Qt.Orientation.Horizontal, self.split_panel)
        self.split_slider.setMinimumHeight(64)
        self.split_slider.setStyleSheet(
            "QSlider::handle:horizontal { width: 56px; margin: -20px 0; background: #3c3c3c;"
            " border-radius: 8px; } QSlider::groove:horizontal { height: 16px; background: #9a9a9a; }")
        self.split_slider.valueChanged.connect(self._split_moved)
        self.split_time = QLabel("", self.split_panel)
        self.split_time.setObjectName("sectionTitle")
        self.split_do = QPushButton(self.tr("Split here"), self.split_panel)
        self.split_do.setProperty("primary", True)
        self.split_do.clicked.connect(self._do_split)
        self.split_cancel = QPushButton(self.tr("Cancel"), self.split_panel)
        self.split_cancel.clicked.connect(lambda: self.split_panel.hide())
        sp.addWidget(self.split_slider, 1)
        sp.addWidget(self.split_time)
        sp.addWidget(self.split_cancel)
        sp.addWidget(self.split_do)
        self.split_panel.hide()
        right.addWidget(self.split_panel)
        actions = QHBoxLayout()
        self.split_button = QPushButton(self.tr("Split…"), page)
        self.split_button.clicked.connect(self._open_split)
        self.ack_button = QPushButton(self.tr("Maint. on it"), page)
        self.ack_button.clicked.connect(lambda: self._act("acknowledge"))
        self.repair_button = QPushButton(self.tr("Repair…"), page)
        self.repair_button.clicked.connect(self._log_repair)
        self.close_button = QPushButton(self.tr("Close stop"), page)
        self.close_button.clicked.connect(lambda: self._act("close"))
        for b in (self.split_button, self.ack_button, self.repair_button, self.close_button):
            b.setStyleSheet("font-size: 18px; padding: 0 6px;")
            actions.addWidget(b)
        right.addLayout(actions)
        row.addLayout(right, 3)
        self.stack.addWidget(page)

        # -- page 1: Pareto
        ppage = QWidget(self)
        pl = QVBoxLayout(ppage)
        pl.setContentsMargins(0, 0, 0, 0)
        ranges = QHBoxLayout()
        self._range_group = QButtonGroup(self)
        self.range_buttons: dict[str, QPushButton] = {}
        for key, text in (("shift", self.tr("This shift")), ("day", self.tr("Today")),
                          ("week", self.tr("Last 7 days"))):
            b = QPushButton(text, ppage)
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, k=key: self.set_pareto_range(k))
            self._range_group.addButton(b)
            ranges.addWidget(b)
            self.range_buttons[key] = b
        self.range_buttons["shift"].setChecked(True)
        ranges.addStretch(1)
        self.pareto_note = QLabel("", ppage)
        self.pareto_note.setObjectName("hint")
        ranges.addWidget(self.pareto_note)
        pl.addLayout(ranges)
        self.pareto = ParetoChart(ppage)
        pl.addWidget(self.pareto, 1)
        self.stack.addWidget(ppage)

        self.picker.set_nodes([ReasonNode(n.code, n.name, n.parent_code, n.category, n.color,
                                          n.requires_comment) for n in downtime.reason_tree()])
        downtime.sig_stops_changed.connect(self.show_stops)
        downtime.sig_error.connect(lambda text: self._say(text, "alarm"))
        if hasattr(downtime, "sig_ready"):
            downtime.sig_ready.connect(self._reload_tree)
        self.show_stops(downtime.stops())
        self._update_buttons()

    # -- data in -----------------------------------------------------------------
    def _reload_tree(self) -> None:
        self.picker.set_nodes([ReasonNode(n.code, n.name, n.parent_code, n.category, n.color,
                                          n.requires_comment) for n in self._dt.reason_tree()])
        self.show_stops(self._dt.stops())

    def show_stops(self, stops: list[StopRecord]) -> None:
        now = self._clock()
        # The shift's stops, and older ones still without a reason (they nag until given one).
        shown_ids = {s.stop_id for s in stops}
        stops = list(stops) + [s for s in self._dt.unclassified() if s.stop_id not in shown_ids]
        listed = [s for s in stops if s.kind != StopKind.MICRO]
        # Stops needing a reason first (newest first), then the rest (newest first).
        listed.sort(key=lambda s: (s.classified, -s.start.timestamp()))
        micro = [s for s in stops if s.kind == StopKind.MICRO]
        self._stops = {s.stop_id: s for s in stops}
        cards = []
        for s in listed:
            sug = self._dt.suggested_reason(s) if s.reason_code is None else None
            cards.append(stop_card(s, now, self._tz, f"{sug[1]}: {sug[0].name}" if sug else ""))
        self.list.set_cards(cards)
        if micro:
            total = sum(s.seconds(now) for s in micro)
            self.micro_label.setText(self.tr("%1 micro-stops (%2 in all) are counted as "
                                             "performance loss and need no reason.")
                                     .replace("%1", str(len(micro)))
                                     .replace("%2", presenters.duration_text(total)))
        else:
            self.micro_label.setText("")
        self.sig_unclassified_changed.emit(sum(1 for s in listed if not s.classified))
        if self.list.selected in self._stops:
            self._show_selected(self._stops[self.list.selected], keep_picker=True)
        if self.stack.currentIndex() == 1 and self._pareto_range == "shift":
            self._pareto_from(stops, self._dt.current_window())
        self._update_buttons()

    # -- selection and classification ------------------------------------------------
    def select_stop(self, stop_id: str) -> None:
        """Open ``stop_id`` (e.g. from the 'machine stopped: why?' prompt)."""
        self._show_page(0)
        self.list.select(stop_id)
        self._select(stop_id)

    def _select(self, stop_id: str) -> None:
        stop = self._stops.get(stop_id)
        if stop is not None:
            self._show_selected(stop, keep_picker=False)
        self.split_panel.hide()
        self._update_buttons()

    def _show_selected(self, stop: StopRecord, *, keep_picker: bool) -> None:
        now = self._clock()
        reason = stop.reason_name or stop.reason_code or self.tr("no reason yet")
        self.selected_label.setText(
            f"{cause_text(stop)} · {presenters.duration_text(stop.seconds(now))} · {reason}")
        if keep_picker:
            return
        self.picker.reset()
        self.picker.set_recent([n.code for n in self._dt.recent_reasons()])
        sug = self._dt.suggested_reason(stop)
        self.picker.preselect(sug[0].code if sug else None, sug[1] if sug else "")

    def _selected(self) -> StopRecord | None:
        return self._stops.get(self.list.selected or "")

    def _chosen(self, code: str, comment: str) -> None:
        stop = self._selected()
        if stop is None:
            self._say(self.tr("Tap the stop first, then its reason."))
            return
        if self._run(lambda actor: self._dt.classify(actor, stop.stop_id, code, comment)):
            node = self._dt.reason(code)
            self._say(self.tr("Saved: %1.").replace("%1", node.name if node else code), "ok")

    def _run(self, action: Callable[[Any], Any]) -> bool:
        try:
            action(self._session.actor)
        except Exception as exc:  # noqa: BLE001 - every refusal is shown to the person
            self._say(getattr(exc, "operator_message", None) or str(exc), "alarm")
            return False
        self._say("")
        return True

    def _say(self, text: str, severity: str = "warning") -> None:
        self.message.say(text, severity)

    def _update_buttons(self) -> None:
        s = self._selected()
        self.split_button.setEnabled(s is not None)
        self.ack_button.setEnabled(s is not None and s.acknowledged_at is None
                                   and s.kind == StopKind.UNPLANNED)
        self.repair_button.setEnabled(s is not None and s.acknowledged_at is not None
                                      and s.repaired_at is None)
        self.close_button.setEnabled(s is not None and s.repaired_at is not None)

    # -- split -------------------------------------------------------------------------
    def _open_split(self) -> None:
        s = self._selected()
        if s is None:
            return
        length = int(s.seconds(self._clock()))
        if length < 2:
            self._say(self.tr("This stop is too short to split."))
            return
        self.split_slider.setRange(1, length - 1)
        self.split_slider.setValue(length // 2)
        self._split_moved(self.split_slider.value())
        self.split_panel.show()

    def split_at(self) -> dt.datetime | None:
        s = self._selected()
        if s is None:
            return None
        return s.start + dt.timedelta(seconds=self.split_slider.value())

    def _split_moved(self, _value: int) -> None:
        at = self.split_at()
        if at is not None:
            self.split_time.setText(at.astimezone(self._tz).strftime("%H:%M:%S"))

    def _do_split(self) -> None:
        s, at = self._selected(), self.split_at()
        if s is None or at is None:
            return
        if self._run(lambda actor: self._dt.split(actor, s.stop_id, at)):
            self.split_panel.hide()
            self._say(self.tr("Stop split at %1: give each part its reason.")
                      .replace("%1", at.astimezone(self._tz).strftime("%H:%M:%S")), "ok")

    # -- maintenance ---------------------------------------------------------------------
    def _act(self, what: str) -> None:
        s = self._selected()
        if s is None:
            return
        self._run(lambda actor: getattr(self._dt, what)(actor, s.stop_id))

    def _log_repair(self) -> None:
        s = self._selected()
        if s is None:
            return
        dlg = RepairDialog(self)
        self.repair_dialog = dlg

        def save() -> None:
            try:
                parts = dlg.parsed_parts()
                self._dt.log_repair(self._session.actor, s.stop_id, dlg.action.text(), parts,
                                    dlg.notes.text())
            except Exception as exc:  # noqa: BLE001 - shown in the dialog, nothing saved
                dlg.say(getattr(exc, "operator_message", None) or str(exc))
                return
            dlg.accept()

        dlg.save.clicked.connect(save)
        dlg.open()

    # -- Pareto --------------------------------------------------------------------------
    def _show_page(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        (self.stops_tab if index == 0 else self.pareto_tab).setChecked(True)
        if index == 1:
            self.set_pareto_range(self._pareto_range)

    def set_pareto_range(self, key: str) -> None:
        self._pareto_range = key
        self.range_buttons[key].setChecked(True)
        now = self._clock()
        if key == "shift":
            self._pareto_from(self._dt.stops(), self._dt.current_window())
            return
        from hmi.services import shiftcal

        today = now.astimezone(self._tz).date()
        if key == "day":
            window = shiftcal.day_interval(today, self._tz)
        else:
            window = Interval(shiftcal.day_interval(today - dt.timedelta(days=6), self._tz).start,
                              shiftcal.day_interval(today, self._tz).end)
        if self._load_stops is None:
            self._pareto_from(self._dt.all_stops(), window)
            return
        self.pareto_note.setText(self.tr("Loading…"))
        self._load_stops(window, lambda stops: self._pareto_from(stops, window))

    def _pareto_from(self, stops: list[StopRecord], window: Interval) -> None:
        now = self._clock()
        rows = kpi.pareto(stops, window, now)
        self.pareto.set_rows([(r.reason_name or r.reason_code or self.tr("No reason yet"),
                               r.count, r.seconds) for r in rows])
        start = window.start.astimezone(self._tz).strftime("%d.%m. %H:%M")
        self.pareto_note.setText(self.tr("%1 stops since %2").replace(
            "%1", str(sum(r.count for r in rows))).replace("%2", start))
