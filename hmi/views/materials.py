"""The Materials screen: what is loaded for the active order, how much is left, WIP.

One card per BOM line of the active order: the loaded lot and what it still covers —
grey when fine, amber when low, red when empty or not loaded (then the order cannot
start or resume). Scanning a lot label (GS1 or the plant's own format) loads it: the
station checks the material against the BOM, the expiry, holds and what is left, and
a wrong scan is refused in red with the reason (and recorded). A lot of a material
already loaded is a lot change, recorded at the current unit count. On the right: the
order's work in progress — made, good, scrap, suspect — and what it is waiting for.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.services.gs1 import CodeRules, parse_scan
from hmi.services.materials import label_from_scan
from hmi.views.scanning import ScanScreen
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.message import MessageLabel

_SEVERITY = {"ok": "normal", "low": "warning", "empty": "alarm", "missing": "alarm",
             "free": "planned"}


def _q(x: float) -> str:
    return f"{x:,.10g}".replace(",", "\u2009")


class MaterialsView(ScanScreen, QWidget):
    sig_open_labels = Signal()

    def __init__(self, materials: Any, orders: Any, session: Any, timezone: str, *,
                 scans: Any = None, holds: Any = None, code_rules: CodeRules | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("materialsScreen")
        self._svc = materials
        self._orders = orders
        self._holds = holds
        self._session = session
        self._scans = scans
        self._rules = code_rules
        self._tz = zoneinfo.ZoneInfo(timezone)
        self._selected: str | None = None
        self.extra_pages: list[QWidget] = []

        root = QHBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        left = QVBoxLayout()
        self.title = QLabel(self.tr("Materials"), self)
        self.title.setObjectName("screenTitle")
        self.hint = QLabel(self.tr("Scan the lot label of each material to load it."), self)
        self.hint.setObjectName("hint")
        self.list = CardList(self.tr("No order is active: start or select an order."), self)
        self.list.sig_selected.connect(self.select)
        left.addWidget(self.title)
        left.addWidget(self.hint)
        left.addWidget(self.list, 1)
        self.message = MessageLabel(self)
        left.addWidget(self.message)
        row = QHBoxLayout()
        self.code = QLineEdit(self)
        self.code.setPlaceholderText(self.tr("Type a lot label"))
        self.code.returnPressed.connect(self.load_typed)
        self.load_button = QPushButton(self.tr("Load"), self)
        self.load_button.setProperty("primary", True)
        self.load_button.clicked.connect(self.load_typed)
        self.unload_button = QPushButton(self.tr("Unload"), self)
        self.unload_button.clicked.connect(self.unload)
        self.labels_button = QPushButton(self.tr("Labels"), self)
        self.labels_button.clicked.connect(self.sig_open_labels.emit)
        self.labels_button.hide()  # shown when the station prints labels (main window)
        row.addWidget(self.code, 1)
        row.addWidget(self.load_button)
        row.addWidget(self.unload_button)
        row.addWidget(self.labels_button)
        left.addLayout(row)
        root.addLayout(left, 3)

        right = QVBoxLayout()
        wip_title = QLabel(self.tr("Work in progress"), self)
        wip_title.setObjectName("sectionTitle")
        self.wip = QLabel("", self)
        self.wip.setObjectName("holdCounts")
        self.wip.setWordWrap(True)
        self.waiting = QLabel("", self)
        self.waiting.setObjectName("blockers")
        self.waiting.setWordWrap(True)
        right.addWidget(wip_title)
        right.addWidget(self.wip)
        right.addWidget(self.waiting)
        right.addStretch(1)
        self.side = right
        root.addLayout(right, 2)

        materials.sig_changed.connect(self._changed)
        materials.sig_refused.connect(self._refused)
        materials.sig_error.connect(self._refused)
        orders.sig_queue_changed.connect(self._changed)
        self.refresh()

    # -- scans ---------------------------------------------------------------------
    def on_shown(self) -> None:
        self.refresh()

    def is_lot_label(self, scan: Any) -> bool:
        """True when ``scan`` reads as a lot label (GS1 with a lot, or a lot pattern)."""
        try:
            content = parse_scan(getattr(scan, "text", str(scan)),
                                 symbology=getattr(scan, "symbology", None), rules=self._rules)
        except Exception:
            return False
        return bool(content.lot) and not content.serial

    def take_scan(self, scan: Any) -> bool:
        """Every scan on this screen is a lot label (or is refused as one, with the reason)."""
        self.load_text(getattr(scan, "text", str(scan)), getattr(scan, "symbology", None))
        return True

    def load_typed(self) -> None:
        text = self.code.text().strip()
        if text:
            self.load_text(text, None)

    def load_text(self, text: str, symbology: str | None) -> None:
        try:
            content = parse_scan(text, symbology=symbology, rules=self._rules)
            label = label_from_scan(content)
            self._svc.load_lot(self._session.actor, label, on_done=self._loaded)
        except Exception as exc:  # not a lot label, wrong material, expired …: say why
            self.message.say(getattr(exc, "operator_message", None) or str(exc), "alarm")
            return
        self.message.say(self.tr("Checking lot %1 …").replace("%1", label.lot), "ok")

    def _loaded(self, lot: Any) -> None:
        self.code.clear()
        self._selected = lot.material_code
        change = self.tr(" (lot change after unit %1)").replace("%1", str(lot.loaded_at_unit)) \
            if lot.loaded_at_unit else ""
        self.message.say(self.tr("Lot %1 of %2 loaded: %3 %4 left%5.")
                         .replace("%1", lot.lot_code).replace("%2", lot.material_code)
                         .replace("%3", _q(lot.remaining)).replace("%4", lot.unit)
                         .replace("%5", change), "ok")
        self.refresh()

    def _refused(self, text: str) -> None:
        self.message.say(text, "alarm")

    def unload(self) -> None:
        if self._selected is None:
            return
        try:
            self._svc.unload(self._session.actor, self._selected)
        except Exception as exc:
            self.message.say(str(exc), "alarm")

    # -- showing -------------------------------------------------------------------
    def _changed(self, *_: object) -> None:
        self.refresh()

    def select(self, key: str) -> None:
        self._selected = key
        self.list.select(key)
        self.unload_button.setEnabled(any(s.material_code == key and s.lot is not None
                                          for s in self._svc.status()))

    def _row(self) -> Any:
        code = self._svc.order
        if not code or not getattr(self._orders, "ready", True):
            return None
        return next((r for r in self._orders.queue() if r.code == code), None)

    def refresh(self) -> None:
        row = self._row()
        self.title.setText(self.tr("Materials · %1").replace("%1", row.code) if row
                           else self.tr("Materials"))
        cards = [self._card(s) for s in self._svc.status()]
        first_alarm = next((c.key for c in cards if c.severity == "alarm"), None)
        self._selected = self.list.show_keeping(cards, self._selected, first_alarm)
        if self._selected:
            self.select(self._selected)
        else:
            self.unload_button.setEnabled(False)
        self._show_wip(row)

    def _card(self, s: Any) -> Card:
        need = s.need
        title = f"{need.name} ({need.material_code})"
        per = self.tr("%1 %2 per unit").replace("%1", _q(need.per_unit)).replace("%2", need.unit)
        if s.state == "free":
            return Card(s.material_code, title, self.tr("not lot-controlled · ") + per,
                        "planned")
        if s.lot is None:
            return Card(s.material_code, title, self.tr("NOT LOADED — scan a lot · ") + per,
                        "alarm", badge=self.tr("missing"))
        lot = s.lot
        if need.per_lot:
            used = self.tr("lot %1 · in use since %2 · %3 %4, used up whole").replace(
                "%1", lot.lot_code).replace(
                "%2", lot.loaded_at.astimezone(self._tz).strftime("%H:%M")).replace(
                "%3", _q(lot.quantity)).replace("%4", lot.unit or need.unit)
            return Card(s.material_code, title, used, "normal", badge=self.tr("IN USE"))
        left = self.tr("lot %1 · %2 %3 left").replace("%1", lot.lot_code) \
            .replace("%2", _q(lot.remaining)).replace("%3", lot.unit or need.unit)
        if lot.expires_at is not None:
            # an expiry is a date (stored as the end of that day, UTC): shown as that date
            left += self.tr(" · expires %1").replace(
                "%1", lot.expires_at.astimezone(dt.UTC).strftime("%Y-%m-%d"))
        units = self.tr("%1 units").replace("%1", f"{s.units_left:,}".replace(",", "\u2009")) \
            if s.units_left is not None else ""
        badge = {"empty": self.tr("EMPTY"), "low": self.tr("LOW · %1").replace("%1", units)}
        return Card(s.material_code, title, left, _SEVERITY[s.state],
                    badge=badge.get(s.state, units))

    def _show_wip(self, row: Any) -> None:
        if row is None:
            self.wip.setText(self.tr("No order is active."))
            self.waiting.hide()
            return
        good, scrap = self._orders.counted(row.code, row.operation_sequence)
        lines = [self.tr("%1 · %2 %3").replace("%1", row.code).replace("%2", row.product_code)
                 .replace("%3", row.state),
                 self.tr("Made %1 of %2 · good %3 · scrap %4")
                 .replace("%1", str(good + scrap)).replace("%2", f"{row.quantity:g}")
                 .replace("%3", str(good)).replace("%4", str(scrap))]
        if self._holds is not None and getattr(self._holds, "ready", False):
            q = self._holds.quality(row.code)
            if q.suspect:
                lines.append(self.tr("Suspect (on hold): %1").replace("%1", str(q.suspect)))
        lines.append(self.tr("Units recorded with their lots: %1").replace(
            "%1", str(self._svc.units_made(row.code))))
        self.wip.setText("\n".join(lines))
        waiting = []
        if row.state != "running":
            try:
                waiting = [b.reason for b in self._orders.check_start(
                    getattr(self._session, "actor", None), row.code, row.operation_sequence)]
            except Exception:  # an order that left the queue meanwhile
                waiting = []
        low = [s for s in self._svc.status() if s.state in ("low", "empty", "missing")]
        if row.state == "running":
            waiting = [self.tr("%1: %2").replace("%1", s.need.name).replace(
                "%2", {"low": self.tr("running low, prepare the next lot"),
                       "empty": self.tr("EMPTY — units are made without it"),
                       "missing": self.tr("not loaded")}[s.state]) for s in low]
        head = self.tr("Attention:") if row.state == "running" else self.tr("Waiting for:")
        self.waiting.setText(head + "\n• " + "\n• ".join(waiting) if waiting else "")
        self.waiting.setVisible(bool(waiting))

    def add_page(self, widget: QWidget) -> None:
        """Another panel under the WIP column (the label print queue)."""
        self.side.insertWidget(self.side.count() - 1, widget)
        self.extra_pages.append(widget)

