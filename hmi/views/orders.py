"""The station's order queue: what runs, what is next, and the buttons that move it.

Left: the queue in dispatch order (the running or paused order first, then the
next one highlighted). Right: the selected order — product, quantity, due, made
so far, time worked — and big Start / Pause / Resume / Report / Complete
buttons. When something blocks a start (recipe not downloaded and validated,
tools not verified, …) every blocker is listed with what to do, in amber.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hmi.services.permissions import PermissionDenied
from hmi.views import presenters
from hmi.views.scanning import ScanScreen
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.choice_dialog import ChoiceDialog
from hmi.widgets.keypad import Keypad
from hmi.widgets.message import MessageLabel

PAUSE_REASONS = (QT_TRANSLATE_NOOP("PauseDialog", "Break"),
                 QT_TRANSLATE_NOOP("PauseDialog", "Waiting for material"),
                 QT_TRANSLATE_NOOP("PauseDialog", "Quality hold"),
                 QT_TRANSLATE_NOOP("PauseDialog", "Changeover"),
                 QT_TRANSLATE_NOOP("PauseDialog", "Shift end"),
                 QT_TRANSLATE_NOOP("PauseDialog", "Other"))


class PauseDialog(ChoiceDialog):
    """Why the order is paused: one tap on a reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        def t(text: str) -> str:
            return QCoreApplication.translate("PauseDialog", text)

        super().__init__(t("Pause order"), t("Why is the order paused?"),
                         [t(r) for r in PAUSE_REASONS], columns=2, parent=parent)


class ReportDialog(QDialog):
    """Report a partial quantity: good and scrap on a keypad."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Report quantity"))
        lay = QHBoxLayout(self)
        left = QVBoxLayout()
        title = QLabel(self.tr("Report quantity"), self)
        title.setObjectName("dialogTitle")
        left.addWidget(title)
        self.good = QLineEdit(self)
        self.good.setPlaceholderText(self.tr("Good"))
        self.good.setMaxLength(7)
        self.scrap = QLineEdit(self)
        self.scrap.setPlaceholderText(self.tr("Scrap"))
        self.scrap.setMaxLength(7)
        left.addWidget(QLabel(self.tr("Good"), self))
        left.addWidget(self.good)
        left.addWidget(QLabel(self.tr("Scrap"), self))
        left.addWidget(self.scrap)
        self.message = MessageLabel(self)
        left.addWidget(self.message)
        row = QHBoxLayout()
        ok = QPushButton(self.tr("Report"), self)
        ok.setProperty("primary", True)
        ok.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        row.addWidget(cancel)
        row.addWidget(ok)
        left.addLayout(row)
        lay.addLayout(left)
        self.keypad = Keypad(self)
        self.keypad.set_target(self.good)
        self.keypad.sig_enter_pressed.connect(self.accept)
        lay.addWidget(self.keypad)
        self.good.installEventFilter(self)
        self.scrap.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.FocusIn and obj in (self.good, self.scrap):
            self.keypad.set_target(obj)
        return False

    def values(self) -> tuple[str, str]:
        return self.good.text(), self.scrap.text()


class CodeDialog(QDialog):
    """Type a code from a label that does not scan (checked like a scan)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Type tool code"))
        lay = QVBoxLayout(self)
        title = QLabel(self.tr("Type the code on the tool's label"), self)
        title.setObjectName("dialogTitle")
        self.field = QLineEdit(self)
        self.field.setMaxLength(64)
        lay.addWidget(title)
        lay.addWidget(self.field)
        row = QHBoxLayout()
        ok = QPushButton(self.tr("Check code"), self)
        ok.setProperty("primary", True)
        ok.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        row.addWidget(cancel)
        row.addWidget(ok)
        lay.addLayout(row)
        self.field.returnPressed.connect(self.accept)

    def code(self) -> str:
        return self.field.text().strip()


class OrdersView(ScanScreen, QWidget):
    sig_open_instructions = Signal(str)  # order code
    sig_open_recipe = Signal(str)  # order code
    sig_open_tools = Signal()
    sig_open_inspections = Signal(str)  # order code
    sig_open_materials = Signal(str)  # order code

    def __init__(self, orders: Any, session: Any, tz: str, *, tools: Any = None,
                 scans: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ordersScreen")
        self._orders = orders
        self._tools = tools
        self._scans = scans
        self._session = session
        self._tz = zoneinfo.ZoneInfo(tz)
        self._selected: str | None = None
        self.pause_dialog_factory: Callable[..., Any] = PauseDialog  # tests replace them
        self.report_dialog_factory: Callable[..., Any] = ReportDialog
        self.code_dialog_factory: Callable[..., Any] = CodeDialog

        root = QHBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        left = QVBoxLayout()
        title = QLabel(self.tr("Orders"), self)
        title.setObjectName("screenTitle")
        left.addWidget(title)
        self.queue = CardList(self.tr("No orders for this station. New orders arrive from "
                                      "planning."), self)
        self.queue.setFixedWidth(400)
        self.queue.sig_selected.connect(self.select)
        left.addWidget(self.queue, 1)
        root.addLayout(left)

        right = QVBoxLayout()
        # The order's facts, tools and blockers scroll if they ever exceed the screen;
        # the message and the buttons stay put at the bottom.
        info = QWidget(self)
        info.setObjectName("orderInfo")
        info_lay = QVBoxLayout(info)
        info_lay.setContentsMargins(0, 0, 8, 0)
        self.heading = QLabel("", info)
        self.heading.setObjectName("screenTitle")
        self.heading.setWordWrap(True)
        self.facts = QLabel("", info)
        self.facts.setObjectName("bigReason")
        self.facts.setWordWrap(True)
        self.details = QLabel("", info)
        self.details.setObjectName("hint")
        self.details.setWordWrap(True)
        self.tool_state = QLabel("", info)
        self.tool_state.setObjectName("toolState")
        self.tool_state.setWordWrap(True)
        self.blockers = QLabel("", info)
        self.blockers.setObjectName("blockers")
        self.blockers.setWordWrap(True)
        for w in (self.heading, self.facts, self.details, self.tool_state, self.blockers):
            info_lay.addWidget(w)
        info_lay.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("orderInfoScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(info)
        self.info_scroll = scroll
        right.addWidget(scroll, 1)
        self.message = MessageLabel(self)
        right.addWidget(self.message)
        links = QHBoxLayout()
        self.instructions_button = QPushButton(self.tr("Steps"), self)
        self.instructions_button.clicked.connect(
            lambda: self._selected and self.sig_open_instructions.emit(self._selected))
        self.recipe_button = QPushButton(self.tr("Recipe"), self)
        self.recipe_button.clicked.connect(
            lambda: self._selected and self.sig_open_recipe.emit(self._selected))
        self.tools_button = QPushButton(self.tr("Tools"), self)
        self.tools_button.clicked.connect(self.sig_open_tools.emit)
        self.inspect_button = QPushButton(self.tr("Inspect"), self)
        self.inspect_button.clicked.connect(
            lambda: self._selected and self.sig_open_inspections.emit(self._selected))
        self.materials_button = QPushButton(self.tr("Material"), self)
        self.materials_button.clicked.connect(
            lambda: self._selected and self.sig_open_materials.emit(self._selected))
        self.type_code_button = QPushButton(self.tr("Type code"), self)
        self.type_code_button.clicked.connect(self.do_type_code)
        for b in (self.instructions_button, self.recipe_button, self.materials_button,
                  self.tools_button, self.inspect_button, self.type_code_button):
            b.setObjectName("orderAction")
            links.addWidget(b)
        right.addLayout(links)
        buttons = QHBoxLayout()
        self.start_button = QPushButton(self.tr("Start"), self)
        self.start_button.setProperty("primary", True)
        self.pause_button = QPushButton(self.tr("Pause"), self)
        self.resume_button = QPushButton(self.tr("Resume"), self)
        self.report_button = QPushButton(self.tr("Report qty"), self)
        self.complete_button = QPushButton(self.tr("Complete"), self)
        for b in (self.start_button, self.pause_button, self.resume_button, self.report_button,
                  self.complete_button):
            b.setObjectName("orderAction")
            buttons.addWidget(b)
        self.start_button.clicked.connect(self.do_start)
        self.pause_button.clicked.connect(self.do_pause)
        self.resume_button.clicked.connect(self.do_resume)
        self.report_button.clicked.connect(self.do_report)
        self.complete_button.clicked.connect(self.do_complete)
        right.addLayout(buttons)
        root.addLayout(right, 1)

        orders.sig_queue_changed.connect(self._refresh_any)
        orders.sig_error.connect(self._alarm)
        if tools is not None:
            tools.sig_tools_changed.connect(self._refresh_any)
            tools.sig_error.connect(self._alarm)
        self.blockers.hide()
        self.refresh()

    # -- tool scans (while shown) ------------------------------------------------
    def on_shown(self) -> None:
        self.refresh()  # back from the recipe or tools screen: blockers may have changed

    def take_scan(self, scan: Any) -> bool:
        """A tool or fixture label scanned here mounts it for the selected order."""
        if self._tools is None or not self._selected:
            return False
        code = getattr(scan, "text", str(scan)).strip()
        try:
            result = self._tools.scan(self._session.actor, code, self._selected)
        except PermissionDenied as exc:
            self.message.say(str(exc), "alarm")
            return True
        except Exception as exc:  # ToolRefused / ToolError: already recorded when refused
            self.message.say(str(exc), "alarm")
            return True
        if result.warning:
            self.message.say(result.warning, "warning")
        else:
            self.message.say(result.message, "ok")
        self.refresh()
        return True

    # -- data --------------------------------------------------------------------
    # Service signals reach bound methods (not lambdas): Qt drops the connection when this
    # screen is destroyed, so a late signal can never reach a deleted widget.
    def _refresh_any(self, *_: object) -> None:
        self.refresh()

    def _alarm(self, text: str) -> None:
        self.message.say(text, "alarm")

    def refresh(self) -> None:
        rows = list(self._orders.queue())  # projected once per refresh
        by_code = {r.code: r for r in rows}
        cards = []
        for r in rows:
            severity = {"running": "normal", "paused": "warning"}.get(r.state, "normal")
            state = {"running": self.tr("RUNNING"), "paused": self.tr("PAUSED"),
                     "planned": self.tr("▶ NEXT") if r.is_next else self.tr("planned")
                     }.get(r.state, r.state)
            due = r.due.astimezone(self._tz).strftime("%d.%m. %H:%M") if r.due else "—"
            cards.append(Card(
                key=r.code, title=f"{r.code} · {r.product_code}",
                detail=f"{state} · {_qty(r.good)}/{_qty(r.quantity)} {r.unit} · "
                       + self.tr("due %1").replace("%1", due) + f" · P{r.priority}",
                severity=severity,
                badge=presenters.duration_text(r.worked_s) if r.worked_s else ""))
        self.queue.set_cards(cards)
        if self._selected not in by_code:
            active = next((r for r in rows if r.state in ("running", "paused")), None)
            nxt = next((r for r in rows if r.is_next), None)
            pick = active or nxt or (rows[0] if rows else None)
            self._selected = pick.code if pick is not None else None
        self.queue.select(self._selected)
        row = by_code.get(self._selected) if self._selected is not None else None
        self._show(row)
        if self.blockers.isVisibleTo(self):
            # Blockers on screen must be current: a tool just scanned may have cleared one.
            blockers: list[Any] = []
            if row is not None and row.state in ("planned", "paused"):
                try:
                    blockers = self._orders.check_start(self._session.actor, row.code,
                                                        row.operation_sequence)
                except Exception:  # the order vanished or cannot be checked: say nothing stale
                    blockers = []
            self.show_blockers(blockers)

    def select(self, code: str) -> None:
        self._selected = code
        self.blockers.setText("")
        self.blockers.hide()
        self.message.say("", "ok")
        self.refresh()

    def _show(self, r: Any) -> None:
        buttons = (self.start_button, self.pause_button, self.resume_button, self.report_button,
                   self.complete_button, self.instructions_button, self.recipe_button)
        if r is None:
            self.heading.setText(self.tr("No order selected"))
            self.facts.setText("")
            self.details.setText("")
            for b in buttons:
                b.setEnabled(False)
            return
        self.heading.setText(f"{r.code} · {r.product_code} {getattr(r, 'product_name', '')}")
        state = {"running": self.tr("Running"), "paused": self.tr("Paused"),
                 "planned": self.tr("Planned")}.get(r.state, r.state)
        facts = (f"{state} · {_qty(r.good)} / {_qty(r.quantity)} {r.unit} "
                 + self.tr("good") + f" · {_qty(r.scrap)} " + self.tr("scrap"))
        if r.worked_s:
            facts += " · " + self.tr("worked %1").replace("%1",
                                                          presenters.duration_text(r.worked_s))
        if r.state == "paused" and r.pause_reason:
            facts += "\n" + self.tr("Paused: %1").replace("%1", r.pause_reason)
        self.facts.setText(facts)
        parts = [self.tr("Operation %1 %2").replace("%1", str(r.operation_sequence or ""))
                 .replace("%2", r.operation_name or "")]
        if r.recipe_code:
            parts.append(self.tr("Recipe %1").replace("%1", r.recipe_code))
        if r.instruction_code:
            parts.append(self.tr("Instruction %1").replace("%1", r.instruction_code))
        if r.tool_list_code:
            parts.append(self.tr("Tools %1").replace("%1", r.tool_list_code))
        if r.due:
            parts.append(self.tr("Due %1").replace(
                "%1", r.due.astimezone(self._tz).strftime("%d.%m.%Y %H:%M")))
        self.details.setText(" · ".join(parts))
        self._show_tools(r)
        self.start_button.setEnabled(r.state == "planned")
        self.pause_button.setEnabled(r.state == "running")
        self.resume_button.setEnabled(r.state == "paused")
        self.report_button.setEnabled(r.state in ("running", "paused"))
        self.complete_button.setEnabled(r.state in ("running", "paused"))
        self.instructions_button.setEnabled(bool(r.instruction_code))
        self.recipe_button.setEnabled(bool(r.recipe_code))

    def do_type_code(self) -> None:
        """A damaged label: the tool's code typed in is checked exactly like a scan."""
        dlg = self.code_dialog_factory(self)
        if dlg.exec() and dlg.code():
            self.take_scan(SimpleNamespace(text=dlg.code()))

    def _show_tools(self, r: Any) -> None:
        if self._tools is None or not r.tool_list_code:
            self.tool_state.hide()
            return
        try:
            required = self._tools.required(r.code, r.operation_sequence)
        except Exception:  # tools not loaded yet
            required = []
        if not required:
            self.tool_state.hide()
            return
        lines = []
        for item in required:
            mounted = ", ".join(
                f"{t.code} ({t.cycles:,}/{t.limit:,})" if t.limit else t.code
                for t in item.mounted) or self.tr("none mounted")
            mark = "✓" if item.ready else "✗"
            lines.append(f"{mark} {item.tool_type}: {mounted}")
        if not all(i.ready for i in required):
            lines.append(self.tr("Scan each tool's label here."))
        self.tool_state.setText("\n".join(lines))
        self.tool_state.show()

    def show_blockers(self, blockers: list[Any]) -> None:
        if not blockers:
            self.blockers.hide()
            return
        lines = [self.tr("Cannot start yet:")]
        for b in blockers:
            lines.append(f"⚠ {b.reason}\n    → {b.what_to_do}")
        self.blockers.setText("\n".join(lines))
        self.blockers.show()

    # -- actions -----------------------------------------------------------------
    def _act(self, fn: Callable[[], Any], ok_text: str) -> bool:
        try:
            fn()
        except PermissionDenied as exc:
            self.message.say(str(exc), "alarm")
            return False
        except Exception as exc:
            blockers = getattr(exc, "blockers", None)
            if blockers:
                self.show_blockers(blockers)
                self.message.say(self.tr("The order cannot start: see the list above."),
                                 "warning")
            else:
                self.message.say(str(exc), "alarm")
            return False
        self.show_blockers([])
        self.message.say(ok_text, "ok")
        return True

    def do_start(self) -> None:
        code = self._selected
        if code:
            self._act(lambda: self._orders.start(self._session.actor, code),
                      self.tr("Order %1 started.").replace("%1", code))

    def do_pause(self) -> None:
        code = self._selected
        if not code:
            return
        dlg = self.pause_dialog_factory(self)
        if dlg.exec():
            self._act(lambda: self._orders.pause(self._session.actor, code, dlg.reason),
                      self.tr("Order %1 paused.").replace("%1", code))

    def do_resume(self) -> None:
        code = self._selected
        if code:
            self._act(lambda: self._orders.resume(self._session.actor, code),
                      self.tr("Order %1 resumed.").replace("%1", code))

    def do_report(self) -> None:
        code = self._selected
        if not code:
            return
        dlg = self.report_dialog_factory(self)
        if not dlg.exec():
            return
        good_text, scrap_text = dlg.values()
        try:
            good = int(good_text or 0)
            scrap = int(scrap_text or 0)
        except ValueError:
            self.message.say(self.tr("Quantities are whole numbers. Nothing was reported."),
                             "alarm")
            return
        self._act(lambda: self._orders.report(self._session.actor, code, good, scrap),
                  self.tr("Reported %1 good, %2 scrap.").replace("%1", str(good))
                  .replace("%2", str(scrap)))

    def do_complete(self) -> None:
        code = self._selected
        if code:
            self._act(lambda: self._orders.complete(self._session.actor, code),
                      self.tr("Order %1 completed.").replace("%1", code))


def _qty(x: float | None) -> str:
    if x is None:
        return "0"
    return f"{x:g}"



