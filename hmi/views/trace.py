"""The trace page (genealogy at the panel): what went into a unit or lot, and where a lot went.

A page of the Quality screen (its "Trace" tab), 1120 × 560 under the tab row:

* a code field — a label scanned while the page is shown fills it (a GS1 label gives its
  serial or lot, a plant code pattern its code; a faulty label is refused with the
  reason) and runs the trace at once; a typed code runs on Enter or a button;
* **What went in** — the backward tree (unit → lots → lots …): kind, code, material,
  quantity consumed, supplier and expiry of raw lots; red rows are on hold or scrapped,
  amber rows a lot made at another station (its contents are not known here), a loop or
  a level cut off. Beside it the birth record of the traced item: order, time, operators,
  recipe version, inspections pass/fail, holds, defects;
* **Where it went** — "N units and M lots reached", big, and one page of them with
  previous/next page buttons;
* **Recall report** — CSV and PDF written by the service, the folder and file names shown.

The scope (this station only, unless the database is central) is always under the result;
an incomplete backward trace (too deep, too many links, a loop) says so in amber above it.
A scan runs the trace of the button pressed last ("What went in" at first); a serial
number always runs "What went in" (a finished unit goes nowhere the station knows).
Only the newest request's answer is shown: a slow answer to an older tap never replaces it.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QScroller,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hmi.services.gs1 import CodeRules, parse_scan
from hmi.views.scanning import ScanScreen
from hmi.widgets.message import MessageLabel

# Theme colours for tree rows: the QSS cannot select an item by its data (isa101.qss).
ALARM, ALARM_INK = "#d0021b", "#ffffff"
WARNING, WARNING_INK = "#f5a623", "#1a1a1a"

BACKWARD, FORWARD = "backward", "forward"


def _t(text: str) -> str:
    return QCoreApplication.translate("TracePage", text)


def _kind_word(kind: str) -> str:
    return _t("unit") if kind == "serial" else _t("lot")


def _units(n: int) -> str:
    return _t("1 unit") if n == 1 else _t("%1 units").replace("%1", str(n))


def _lots(n: int) -> str:
    return _t("1 lot") if n == 1 else _t("%1 lots").replace("%1", str(n))


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _touch(view: QAbstractItemView) -> None:
    """Scroll by dragging the rows (a gloved finger misses a thin scroll bar)."""
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    QScroller.grabGesture(view.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)


def _paint(item: QTreeWidgetItem, columns: int, severity: str) -> None:
    if severity == "normal":
        return
    bg, ink = (ALARM, ALARM_INK) if severity == "alarm" else (WARNING, WARNING_INK)
    for c in range(columns):
        item.setBackground(c, QBrush(QColor(bg)))
        item.setForeground(c, QBrush(QColor(ink)))
    font = item.font(0)
    font.setBold(True)
    for c in range(columns):
        item.setFont(c, font)


class _WrapLastColumn(QStyledItemDelegate):
    """Rows grow to show the last column's text on more lines (a hold's reason, a supplier
    and expiry) instead of cutting it; QTreeView does not size wrapped rows by itself."""

    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self._view = view
        view.setWordWrap(True)
        view.setTextElideMode(Qt.TextElideMode.ElideNone)
        view.header().sectionResized.connect(self._resized)

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if column == self._view.columnCount() - 1:
            self._view.doItemsLayout()

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802 - Qt
        size = super().sizeHint(option, index)
        if index.column() != self._view.columnCount() - 1:
            return size
        text = str(index.data() or "")
        width = self._view.header().sectionSize(index.column()) - 12
        if not text or width <= 0:
            return size
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        need = QFontMetrics(opt.font).boundingRect(
            QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text).height()
        return QSize(size.width(), max(size.height(), need + 16))


class TracePage(ScanScreen, QWidget):
    """The page widget; the Quality screen puts it under its "Trace" tab."""

    def __init__(self, trace: Any, session: Any, *, scans: Any = None,
                 code_rules: CodeRules | None = None, tz: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tracePage")
        self._svc = trace
        self._session = session
        self._scans = scans
        self._rules = code_rules
        self._tz = tz
        self._request = 0
        self.mode = BACKWARD
        #: (identifier, kind or None) of the code in the field, as read.
        self._code: tuple[str, str | None] | None = None
        self.last_backward: Any = None
        self.last_forward: Any = None
        self.last_recall: Any = None

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 4, 0, 0)
        root.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.code = QLineEdit(self)
        self.code.setObjectName("traceCode")
        self.code.setMaxLength(120)
        self.code.setPlaceholderText(_t("Scan or type a serial or lot"))
        self.code.returnPressed.connect(self._enter)
        self.code.textEdited.connect(self._typed)
        self.backward_button = QPushButton(_t("What went in"), self)
        self.forward_button = QPushButton(_t("Where it went"), self)
        self.recall_button = QPushButton(_t("Recall report"), self)
        for b in (self.backward_button, self.forward_button, self.recall_button):
            b.setObjectName("traceAction")
        self.backward_button.clicked.connect(self.run_backward)
        self.forward_button.clicked.connect(self.run_forward)
        self.recall_button.clicked.connect(self.run_recall)
        top.addWidget(self.code, 1)
        top.addWidget(self.backward_button)
        top.addWidget(self.forward_button)
        top.addWidget(self.recall_button)
        root.addLayout(top)

        self.message = MessageLabel(self)
        root.addWidget(self.message)
        self.warning = QLabel("", self)
        self.warning.setObjectName("traceWarning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        root.addWidget(self.warning)

        self.pages = QStackedWidget(self)
        self.hint = QLabel(_t("Scan the label of a unit or lot: its trace shows at once. "
                              "Or type its number and choose:\n• What went in: every lot "
                              "inside it, down to the raw materials, and how it was made."
                              "\n• Where it went: every lot and unit it reached.\n• Recall "
                              "report: all of them as CSV and PDF."), self.pages)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.pages.addWidget(self.hint)

        # backward: the tree and the birth record beside it
        back = QWidget(self.pages)
        bl = QHBoxLayout(back)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.setSpacing(8)
        self.tree = QTreeWidget(back)
        self.tree.setObjectName("traceTree")
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels([_t("Unit / lot"), _t("Kind"), _t("Material"), _t("Qty"),
                                   _t("Details")])
        self.tree.setIndentation(22)
        self.tree.setItemDelegate(_WrapLastColumn(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tree.header().setStretchLastSection(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        _touch(self.tree)
        bl.addWidget(self.tree, 1)
        self.birth_scroll = QScrollArea(back)
        self.birth_scroll.setObjectName("traceBirthArea")
        self.birth_scroll.setWidgetResizable(True)
        self.birth_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.birth_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.birth_scroll.setFixedWidth(340)
        self.birth = QLabel("", self.birth_scroll)
        self.birth.setObjectName("traceBirth")
        self.birth.setWordWrap(True)
        self.birth.setTextFormat(Qt.TextFormat.RichText)
        self.birth.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.birth_scroll.setWidget(self.birth)
        QScroller.grabGesture(self.birth_scroll.viewport(),
                              QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        bl.addWidget(self.birth_scroll)
        self.pages.addWidget(back)
        self._back_page = back

        # forward: the totals, big, with the paging beside; the page's items below
        fwd = QWidget(self.pages)
        fl = QVBoxLayout(fwd)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.setSpacing(6)
        head = QHBoxLayout()
        totals = QVBoxLayout()
        totals.setSpacing(0)
        self.total = QLabel("", fwd)
        self.total.setObjectName("traceTotal")
        self.facts = QLabel("", fwd)
        self.facts.setObjectName("traceFacts")
        self.facts.setWordWrap(True)
        totals.addWidget(self.total)
        totals.addWidget(self.facts)
        head.addLayout(totals, 1)
        self.prev_button = QPushButton(_t("◀ Previous"), fwd)
        self.page_label = QLabel("", fwd)
        self.page_label.setObjectName("tracePageNo")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = QPushButton(_t("Next ▶"), fwd)
        for b in (self.prev_button, self.next_button):
            b.setObjectName("traceAction")
        self.prev_button.clicked.connect(lambda: self._page(-1))
        self.next_button.clicked.connect(lambda: self._page(+1))
        head.addWidget(self.prev_button)
        head.addWidget(self.page_label)
        head.addWidget(self.next_button)
        fl.addLayout(head)
        self.list = QTreeWidget(fwd)
        self.list.setObjectName("traceList")
        self.list.setColumnCount(6)
        self.list.setHeaderLabels([_t("Unit / lot"), _t("Kind"), _t("Product"), _t("Order"),
                                   _t("Made"), _t("State · went into")])
        self.list.setItemDelegate(_WrapLastColumn(self.list))
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.header().setStretchLastSection(True)
        _touch(self.list)
        fl.addWidget(self.list, 1)
        self.pages.addWidget(fwd)
        self._fwd_page = fwd
        root.addWidget(self.pages, 1)

        self.scope = QLabel("", self)
        self.scope.setObjectName("traceScope")
        self.scope.setWordWrap(True)
        root.addWidget(self.scope)
        self._show_empty()

    # -- scans ---------------------------------------------------------------------
    def take_scan(self, scan: Any) -> bool:
        """Every scan on this page is a code to trace (or is refused, with the reason)."""
        code = self._read(getattr(scan, "text", str(scan)), getattr(scan, "symbology", None))
        if code is None:
            return True
        self.code.setText(code[0])
        self._code = code
        if code[1] == "serial" or self.mode == BACKWARD:
            self.run_backward()
        else:
            self.run_forward()
        return True

    def _read(self, text: str, symbology: str | None) -> tuple[str, str | None] | None:
        """(identifier, kind or None) of a scanned or typed code; None after saying why not."""
        try:
            content = parse_scan(text, symbology=symbology, rules=self._rules, strict=False)
        except Exception as exc:  # a faulty GS1 label: what was read and why it is refused
            self.message.say(getattr(exc, "operator_message", None) or str(exc), "alarm")
            return None
        if content.serial:
            return content.serial.strip(), "serial"
        if content.lot:
            return content.lot.strip(), "lot"
        if content.kind == "unknown":
            raw = content.raw.strip()
            return (raw, None) if raw else None
        if content.kind == "internal":
            what = content.code_kind or "?"
            self.message.say(_t("“%1” is a %2 code, not a unit or lot: scan the label of the "
                               "unit or lot to trace.").replace("%1", content.shown)
                             .replace("%2", what), "alarm")
            return None
        self.message.say(_t("This label carries no serial or lot number (only %1): scan the "
                           "label of the unit or lot itself, or type its number.")
                         .replace("%1", content.hri() or content.shown), "alarm")
        return None

    def _typed(self, _text: str) -> None:
        self._code = None  # typed over: read again when a button is pressed

    def _current(self) -> tuple[str, str | None] | None:
        if self._code is not None and self._code[0] == self.code.text().strip():
            return self._code
        text = self.code.text().strip()
        if not text:
            self.message.say(_t("Scan the label of a unit or lot, or type its number."),
                             "warning")
            return None
        code = self._read(text, None)
        self._code = code
        return code

    def _enter(self) -> None:
        if self.mode == FORWARD:
            self.run_forward()
        else:
            self.run_backward()

    # -- actions -------------------------------------------------------------------
    def _next_request(self) -> int:
        self._request += 1
        return self._request

    def _fresh(self, n: int) -> bool:
        return n == self._request

    def _failed(self, n: int, *, clear: bool = True):
        def failed(text: str) -> None:
            if self._fresh(n):
                if clear:  # the result of another code must not stand under the refusal
                    self._show_empty()
                self.message.say(text, "alarm")
        return failed

    def run_backward(self) -> None:
        self.mode = BACKWARD
        code = self._current()
        if code is None:
            return
        n = self._next_request()
        self.message.say(_t("Tracing %1 …").replace("%1", code[0]), "ok")
        self._svc.backward(code[0], lambda tree: self._got_backward(n, tree), kind=code[1],
                           on_error=self._failed(n))

    def run_forward(self) -> None:
        self.mode = FORWARD
        code = self._current()
        if code is None:
            return
        self._forward(code[0], code[1], 0)

    def _forward(self, identifier: str, kind: str | None, page: int) -> None:
        n = self._next_request()
        self.message.say(_t("Tracing where %1 went …").replace("%1", identifier), "ok")
        self._svc.forward(identifier, page, lambda res: self._got_forward(n, res), kind=kind,
                          on_error=self._failed(n))

    def _page(self, step: int) -> None:
        res = self.last_forward
        if res is None:
            return
        page = min(max(res.page + step, 0), res.pages - 1)
        if page != res.page:
            self._forward(res.identifier, res.kind, page)

    def run_recall(self) -> None:
        code = self._current()
        if code is None:
            return
        n = self._next_request()
        self.message.say(_t("Writing the recall report of %1 …").replace("%1", code[0]),
                         "ok")
        actor = getattr(self._session, "actor", None)
        # what the report lists shows meanwhile (the DB worker answers this first)
        self._svc.forward(code[0], 0, lambda res: self._got_forward(n, res, keep_message=True),
                          kind=code[1], on_error=self._failed(n))
        self._svc.recall(code[0], actor, lambda files: self._got_recall(n, files),
                         kind=code[1], on_error=self._failed(n, clear=False))

    # -- showing -------------------------------------------------------------------
    def _when(self, t: dt.datetime | None) -> str:
        if t is None:
            return ""
        if self._tz is not None:
            return t.astimezone(self._tz).strftime("%Y-%m-%d %H:%M")
        return t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")

    def _date(self, t: dt.datetime | None) -> str:
        if t is None:
            return ""
        return t.astimezone(self._tz or dt.UTC).strftime("%Y-%m-%d")

    def _show_empty(self) -> None:
        self.pages.setCurrentWidget(self.hint)
        self.warning.hide()
        self.scope.setText("")
        self.scope.hide()

    def _set_scope(self, text: str) -> None:
        self.scope.setText(_t("Scope: %1").replace("%1", text))
        self.scope.show()

    def _warn(self, text: str) -> None:
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def _got_backward(self, n: int, tree: Any) -> None:
        if not self._fresh(n):
            return
        self.last_backward = tree
        self.message.say("", "ok")
        self.tree.clear()
        self.tree.addTopLevelItem(self._item(tree.root))
        self.tree.expandAll()
        self._fit_columns(self.tree, (190, 56, 140, 64))
        warnings = []
        if tree.truncated:
            warnings.append(tree.truncation)
        if tree.cycles:
            warnings.append(_t("A loop in the records: %1 is listed inside itself; "
                                     "that path stops there. Tell quality.")
                            .replace("%1", ", ".join(tree.cycles)))
        if warnings:
            self._warn(_t("Trace incomplete: ") + " ".join(warnings))
        else:
            self._warn("")
        self.birth.setText(self._birth_html(tree))
        self._set_scope(tree.scope)
        self.pages.setCurrentWidget(self._back_page)

    def _item(self, node: Any) -> QTreeWidgetItem:
        notes: list[str] = []
        severity = "normal"
        open_holds = [h for h in node.holds if h.open]
        if open_holds:
            notes.append(_t("ON HOLD: %1").replace("%1", open_holds[-1].reason))
            severity = "alarm"
        disposition = node.dispositions[-1].disposition if node.dispositions else (
            node.produced.disposition if node.produced else None)
        if disposition == "scrap":
            reason = (node.produced.scrap_reason if node.produced else None) or (
                node.dispositions[-1].defect_code if node.dispositions else None)
            notes.append(_t("SCRAPPED") + (f" ({reason})" if reason else ""))
            severity = "alarm"
        if node.made_elsewhere:
            notes.append(_t("made at another station"))
        if node.cycle:
            notes.append(_t("LOOP: already above, not followed"))
        if node.truncated:
            notes.append(_t("deeper levels not shown"))
        if severity == "normal" and (node.made_elsewhere or node.cycle or node.truncated):
            severity = "warning"
        lot = node.lot
        facts = []
        if lot is not None and lot.origin != "produced":
            if lot.supplier:
                facts.append(lot.supplier)
            if lot.expires_at:
                facts.append(_t("exp %1").replace("%1", self._date(lot.expires_at)))
        qty = _num(node.quantity)
        if qty and lot is not None and lot.unit:
            qty = f"{qty} {lot.unit}"
        item = QTreeWidgetItem([node.identifier, _kind_word(node.kind), node.material_code or "",
                                qty, " · ".join(facts + notes)])
        item.setData(0, Qt.ItemDataRole.UserRole, (node.kind, node.identifier))
        item.setData(0, Qt.ItemDataRole.UserRole + 1, severity)
        item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        _paint(item, 5, severity)
        for child in node.children:
            item.addChild(self._item(child))
        return item

    @staticmethod
    def _fit_columns(view: QTreeWidget, minimum: tuple[int, ...]) -> None:
        for c, w in enumerate(minimum):
            view.resizeColumnToContents(c)
            view.setColumnWidth(c, max(w, min(view.columnWidth(c) + 12, 320)))

    def _birth_html(self, tree: Any) -> str:
        b = tree.birth
        root = tree.root
        red = f'<span style="color:{ALARM}; font-weight:bold">%s</span>'
        lines: list[str] = []

        def line(label: str, value: str) -> None:
            lines.append(f"<b>{escape(label)}</b> {value}")

        head = f"<span style='font-size:24px; font-weight:bold'>{escape(root.identifier)}</span>"
        if b is None:
            lot = root.lot
            material = lot.material_code if lot else root.material_code
            lines.append(head + " · " + escape(
                _t("lot of %1").replace("%1", material) if material else
                _t("lot (no record of it at this station)")))
            if lot is not None:
                verb = _t("Received") if lot.origin == "received" else _t("Known since")
                line(verb, escape(f"{self._when(lot.recorded_at)} · {lot.station_id}"))
                if lot.supplier or lot.supplier_lot:
                    sup = lot.supplier or ""
                    if lot.supplier_lot:
                        sup += " " + _t("(their lot %1)").replace("%1", lot.supplier_lot)
                    line(_t("Supplier"), escape(sup.strip()))
                line(_t("Expires"), escape(self._date(lot.expires_at) or "—"))
                line(_t("Quantity"), escape(f"{_num(lot.quantity)} {lot.unit}"))
                if lot.origin == "produced":
                    lines.append(escape(_t("Made at another station (order %1): how it was made "
                                          "is known at the central database.")
                                        .replace("%1", lot.order_code or "—")))
            holds = [h for h in root.holds if h.open]
            line(_t("Holds"), red % escape(", ".join(h.reason for h in holds)) if holds
                 else escape(_t("none open")))
            return "<br>".join(lines)

        p = b.produced
        lines.append(head + " · " + escape(p.product_code))
        line(_t("Order"), escape(f"{p.order_code or '—'} · {p.station_id}"))
        own = [d for d in b.dispositions
               if (d.subject_kind, d.subject_identifier) == (p.kind, p.identifier)]
        state = own[-1].disposition if own else p.disposition  # not the order's ones
        state_html = red % escape(state.upper()) if state == "scrap" else escape(state)
        line(_t("Made"), escape(self._when(p.recorded_at)) + " · " + state_html)
        ops = ", ".join(f"{o.name} ({o.badge})" if o.name else o.badge for o in b.operators)
        line(_t("Operators"), escape(ops or "—"))
        if b.recipe is not None:
            line(_t("Recipe"), escape(f"{b.recipe.recipe_code} v{b.recipe.recipe_version}"))
        else:
            line(_t("Recipe"), escape(_t("none downloaded for the order")))
        passed = sum(1 for i in b.inspections if i.passed)
        failed = len(b.inspections) - passed
        of = {"unit": _t("of this unit"), "order": _t("of the order")}.get(b.inspections_of or "",
                                                                          "")
        insp = _t("%1 pass").replace("%1", str(passed)) + ", "
        fail_text = _t("%1 fail").replace("%1", str(failed))
        insp_html = escape(insp) + (red % escape(fail_text) if failed else escape(fail_text))
        if of:
            insp_html += " " + escape(of)
        line(_t("Inspections"), insp_html if b.inspections else escape(_t("none recorded")))
        open_holds = [h for h in b.holds if h.open]
        if open_holds:
            line(_t("Holds"), red % escape("; ".join(
                (_t("ORDER ON HOLD: %1") if h.subject_kind == "order" else
                 _t("ON HOLD: %1")).replace("%1", h.reason) for h in open_holds)))
        else:
            released = len(b.holds)
            line(_t("Holds"), escape(_t("none open") if not released else
                                    _t("none open (%1 released)").replace("%1", str(released))))
        if b.defect_codes:
            line(_t("Defects"), red % escape(", ".join(b.defect_codes)))
        if b.snapshot is not None and b.snapshot.values:
            vals = ", ".join(f"{k} {v}" for k, v in list(b.snapshot.values.items())[:4])
            line(_t("Process"), escape(vals))
        return "<br>".join(lines)

    def _got_forward(self, n: int, res: Any, *, keep_message: bool = False) -> None:
        if not self._fresh(n):
            return
        self.last_forward = res
        if not keep_message:
            self.message.say("", "ok")
        self._warn("")
        self.total.setText(_t("%1 and %2 reached").replace("%1", _units(res.total_units))
                           .replace("%2", _lots(res.total_lots)))
        facts = [_t("from %1 %2").replace("%1", _kind_word(res.kind)).replace(
            "%2", res.identifier)]
        if res.lot is not None:
            facts.append(res.lot.material_code)
            if res.lot.supplier:
                facts.append(res.lot.supplier)
        self.facts.setText(" · ".join(facts))
        self.page_label.setText(_t("Page %1 of %2").replace("%1", str(res.page + 1))
                                .replace("%2", str(res.pages)))
        self.prev_button.setEnabled(res.page > 0)
        self.next_button.setEnabled(res.page + 1 < res.pages)
        self.list.clear()
        for it in res.items:
            state = []
            if it.on_hold:
                state.append(_t("ON HOLD"))
            if it.disposition == "scrap":
                reason = it.scrap_reason or it.defect_code
                state.append(_t("SCRAPPED") + (f" ({reason})" if reason else ""))
            elif it.disposition and not it.on_hold:
                state.append(it.disposition)
            if it.went_into:
                into = ", ".join(it.went_into[:2]) + (" …" if len(it.went_into) > 2 else "")
                state.append(_t("into %1").replace("%1", into))
            row = QTreeWidgetItem([it.identifier, _kind_word(it.kind), it.product_code or "",
                                   it.order_code or "", self._when(it.produced_at),
                                   " · ".join(state)])
            row.setData(0, Qt.ItemDataRole.UserRole, (it.kind, it.identifier))
            sev = "alarm" if it.on_hold or it.disposition == "scrap" else "normal"
            row.setData(0, Qt.ItemDataRole.UserRole + 1, sev)
            _paint(row, 6, sev)
            self.list.addTopLevelItem(row)
        if not res.items:
            self.list.addTopLevelItem(QTreeWidgetItem([_t("Nothing: it went into no unit or "
                                                         "lot this station knows.")]))
        self._fit_columns(self.list, (170, 64, 120, 120, 150))
        self.list.scrollToTop()
        self._set_scope(res.scope)
        self.pages.setCurrentWidget(self._fwd_page)

    def _got_recall(self, n: int, files: Any) -> None:
        self.last_recall = files
        if not self._fresh(n):
            return
        orders = _t("1 order") if files.orders == 1 else _t("%1 orders").replace(
            "%1", str(files.orders))
        # a zero-width space after each "/" lets a long folder wrap instead of widening
        # the page
        folder = str(files.folder).replace("/", "/\u200b")
        self.message.say(
            _t("Recall report of %1 %2 written: %3, %4, %5.\nFolder: %6\n%7  ·  %8")
            .replace("%1", _kind_word(files.kind)).replace("%2", files.identifier)
            .replace("%3", _units(files.units)).replace("%4", _lots(files.lots))
            .replace("%5", orders).replace("%6", folder).replace("%7", files.csv.name)
            .replace("%8", files.pdf.name), "ok")

    # -- for tests and the screen --------------------------------------------------
    def tree_rows(self) -> list[tuple[int, str, str, str, str, str]]:
        """The backward tree as shown: (depth, kind, code, material, qty, note/severity)."""
        out: list[tuple[int, str, str, str, str, str]] = []

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            out.append((depth, item.text(1), item.text(0), item.text(2), item.text(3),
                        str(item.data(0, Qt.ItemDataRole.UserRole + 1))))
            for i in range(item.childCount()):
                walk(item.child(i), depth + 1)

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i), 0)
        return out

    def list_codes(self) -> list[str]:
        """The identifiers of the forward page as shown."""
        return [self.list.topLevelItem(i).text(0) for i in range(self.list.topLevelItemCount())]
