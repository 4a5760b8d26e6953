"""The order's recipe: parameters, download to the machine, and the operator's check-list.

Top: the approved version and its parameters (setpoint, unit, limits). "Download
to machine" checks, writes and reads every parameter back (the service does the
work, on the event loop); the result is a check-list — setpoint vs read-back, ✓
or ✗ per line, a failed download in red naming exactly which parameters
differ. The operator then validates (or rejects) what the machine holds; only a
validated download lets the order start. Open deviations (a setpoint changed at
the machine panel, an actual value out of tolerance) are listed in red.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hmi.services.permissions import PermissionDenied
from hmi.widgets.message import MessageLabel

log = logging.getLogger(__name__)


def _v(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "1" if x else "0"
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


class RecipePanel(QWidget):
    sig_back = Signal()

    def __init__(self, recipes: Any, orders: Any, session: Any, tz: str, *, driver: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recipeScreen")
        self._recipes = recipes
        self._orders = orders
        self._session = session
        self._driver = driver  # a callable returning the machine driver (it reconnects)
        self._order: Any = None
        self._view: Any = None
        self._download: Any = None  # DownloadInfo / DownloadResult shown
        self.busy = False

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel(self.tr("Recipe"), self)
        self.title.setObjectName("screenTitle")
        self.title.setWordWrap(True)
        root.addWidget(self.title)
        self.status = QLabel("", self)
        self.status.setObjectName("recipeStatus")
        self.status.setWordWrap(True)
        root.addWidget(self.status)
        self.table = QGridLayout()
        self.table.setHorizontalSpacing(24)
        root.addLayout(self.table)
        self.deviations = QLabel("", self)
        self.deviations.setObjectName("blockers")
        self.deviations.setWordWrap(True)
        self.deviations.hide()
        root.addWidget(self.deviations)
        root.addStretch(1)
        self.message = MessageLabel(self)
        root.addWidget(self.message)
        row = QHBoxLayout()
        self.back_button = QPushButton(self.tr("◀  Orders"), self)
        self.back_button.clicked.connect(self.sig_back.emit)
        self.download_button = QPushButton(self.tr("Download to machine"), self)
        self.download_button.setProperty("primary", True)
        self.download_button.clicked.connect(self.do_download)
        self.validate_button = QPushButton(self.tr("Values correct ✓"), self)
        self.validate_button.clicked.connect(lambda: self.do_validate(True))
        self.reject_button = QPushButton(self.tr("Not correct ✗"), self)
        self.reject_button.clicked.connect(lambda: self.do_validate(False))
        for b in (self.back_button, self.download_button, self.validate_button,
                  self.reject_button):
            row.addWidget(b)
        root.addLayout(row)
        self._cells: list[QWidget] = []

        recipes.sig_deviation.connect(lambda _d: self._show_deviations())
        recipes.sig_error.connect(lambda text: self.message.say(text, "alarm"))
        self._show_deviations()
        self._render()

    # -- loading -----------------------------------------------------------------
    def show_order(self, order_code: str) -> None:
        rows = getattr(self._orders, "all_rows", self._orders.queue)()
        self._order = next((r for r in rows if r.code == order_code), None)
        self._view = None
        self._download = None
        self.message.say("", "ok")
        if self._order is None or not self._order.recipe_code:
            self._render()
            return
        code = self._order.recipe_code
        fut = self._recipes.load(code, None, on_done=self._loaded)
        fut.add_done_callback(lambda f: f.exception() and log.info("recipe load: %s",
                                                                   f.exception()))
        self._recipes.last_download(order_code, self._order.operation_sequence,
                                    on_done=self._got_download)
        self._render()

    def _loaded(self, view: Any) -> None:
        self._view = view
        self._render()

    def _got_download(self, info: Any) -> None:
        self._download = info
        self._render()

    # -- rendering ---------------------------------------------------------------
    def _clear_table(self) -> None:
        for w in self._cells:
            self.table.removeWidget(w)
            w.hide()  # at once: deleteLater only runs when the event loop gets to it
            w.deleteLater()
        self._cells = []

    def _cell(self, text: str, row: int, col: int, name: str = "") -> QLabel:
        lab = QLabel(text, self)
        lab.setObjectName(name or "recipeCell")
        self.table.addWidget(lab, row, col)
        self._cells.append(lab)
        return lab

    def _render(self) -> None:
        self._clear_table()
        order, view, dl = self._order, self._view, self._download
        if order is None:
            self.title.setText(self.tr("Recipe"))
            self.status.setText(self.tr("Select an order with a recipe on the Orders screen."))
            for b in (self.download_button, self.validate_button, self.reject_button):
                b.setEnabled(False)
            return
        if view is None:
            self.title.setText(self.tr("Recipe %1 for %2").replace("%1", order.recipe_code or "—")
                               .replace("%2", order.code))
            self.status.setText(self.tr("No approved version of this recipe. A process "
                                        "engineer must approve it before it can be "
                                        "downloaded.") if order.recipe_code else "")
            for b in (self.download_button, self.validate_button, self.reject_button):
                b.setEnabled(False)
            return
        self.title.setText(self.tr("Recipe %1 v%2 · %3 · order %4").replace("%1", view.code)
                           .replace("%2", str(view.version)).replace("%3", view.name)
                           .replace("%4", order.code))
        checks = {c.parameter: c for c in (dl.checklist if dl is not None else ())}
        for col, head in enumerate((self.tr("Parameter"), self.tr("Setpoint"), self.tr("Limits"),
                                    self.tr("Machine"), "")):
            self._cell(head, 0, col, "sectionTitle")
        for i, p in enumerate(view.parameters, start=1):
            unit = f" {p.unit}" if p.unit else ""
            limits = f"{_v(p.min_value)} – {_v(p.max_value)}{unit}" \
                if p.min_value is not None or p.max_value is not None else ""
            self._cell(p.name, i, 0)
            self._cell(f"{_v(p.value)}{unit}", i, 1, "recipeValue")
            self._cell(limits, i, 2)
            c = checks.get(p.name)
            bad = c is not None and not c.ok
            back = self._cell(f"{_v(c.read_back)}{unit}" if c is not None else "—", i, 3,
                              "recipeValue")
            back.setProperty("severity", "alarm" if bad else "normal")
            mark = self._cell("" if c is None else ("✓" if c.ok else "✗"), i, 4, "recipeMark")
            mark.setProperty("severity", "alarm" if bad else "normal")
        if dl is None:
            state = self.tr("Not downloaded for this order yet.")
            severity = "warning"
        elif dl.result != "ok":
            state = self.tr("Download FAILED: %1").replace("%1", dl.message)
            severity = "alarm"
        elif getattr(dl, "validation", None) == "validated":
            state = self.tr("Downloaded and validated: the order may start.")
            severity = "normal"
        elif getattr(dl, "validation", None) == "rejected":
            state = self.tr("The download was rejected. Download again.")
            severity = "warning"
        else:
            state = self.tr("Downloaded and read back. Compare each line with the machine, "
                            "then confirm.")
            severity = "warning"
        self.status.setText(state)
        self.status.setProperty("severity", severity)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.download_button.setEnabled(not self.busy)
        can_validate = dl is not None and dl.result == "ok" and \
            getattr(dl, "validation", None) is None and not self.busy
        self.validate_button.setEnabled(can_validate)
        self.reject_button.setEnabled(can_validate)

    def _show_deviations(self) -> None:
        devs = self._recipes.deviations()
        if not devs:
            self.deviations.hide()
            return
        lines = [self.tr("Deviations from the recipe:")]
        for d in devs:
            lines.append(f"✗ {d.parameter}: {_v(d.actual)} " + self.tr("instead of") +
                         f" {_v(d.setpoint)} ± {_v(d.tolerance)} · " + self.tr("since %1")
                         .replace("%1", d.since.strftime("%H:%M:%S")))
        self.deviations.setText("\n".join(lines))
        self.deviations.show()

    # -- actions -----------------------------------------------------------------
    def do_download(self) -> None:
        if self._view is None or self._order is None:
            return
        driver = self._driver() if callable(self._driver) else self._driver
        if driver is None:
            self.message.say(self.tr("The machine is not connected. Check the link in the "
                                     "header, then try again."), "alarm")
            return
        self.busy = True
        self.message.say(self.tr("Downloading… writing and reading back every parameter."),
                         "ok")
        self._render()
        task = asyncio.ensure_future(self._run_download(driver))
        task.add_done_callback(lambda t: t.cancelled() or t.exception() and log.error(
            "download task failed", exc_info=t.exception()))

    async def _run_download(self, driver: Any) -> None:
        view, order = self._view, self._order
        try:
            result = await self._recipes.download(
                self._session.actor, view.code, view.version, order_code=order.code,
                operation_sequence=order.operation_sequence, driver=driver)
        except PermissionDenied as exc:
            self.message.say(str(exc), "alarm")
            return
        except Exception as exc:  # store errors: say so, nothing is assumed downloaded
            self.message.say(str(exc), "alarm")
            return
        finally:
            self.busy = False
        self._download = result
        # A failure is spelled out in the status line (red) above the table.
        self.message.say(self.tr("Download done.") if result.ok else "", "ok")
        self._render()
        # Pick up the stored form (validation state) for the buttons.
        self._recipes.last_download(order.code, order.operation_sequence,
                                    on_done=self._got_download)

    def do_validate(self, accepted: bool) -> None:
        dl = self._download
        if dl is None:
            return
        try:
            self._recipes.validate(self._session.actor, dl.event_id, accepted).add_done_callback(
                lambda _f: None)
        except PermissionDenied as exc:
            self.message.say(str(exc), "alarm")
            return
        self.message.say(self.tr("Recorded.") if accepted else
                         self.tr("Rejected: download again after the machine is checked."),
                         "ok" if accepted else "warning")
        order = self._order
        self._recipes.last_download(order.code, order.operation_sequence,
                                    on_done=self._got_download)
