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
    sig_versions = Signal(str)  # recipe code

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
        self.versions_button = QPushButton(self.tr("Versions"), self)
        self.versions_button.clicked.connect(
            lambda: self._order is not None and self._order.recipe_code
            and self.sig_versions.emit(self._order.recipe_code))
        for b in (self.back_button, self.versions_button, self.download_button,
                  self.validate_button, self.reject_button):
            row.addWidget(b)
        root.addLayout(row)
        self._cells: list[QWidget] = []

        recipes.sig_deviation.connect(self._show_deviations)
        recipes.sig_error.connect(self._alarm)
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

    def _alarm(self, text: str) -> None:  # bound slots: dropped with this screen
        self.message.say(text, "alarm")

    def _show_deviations(self, *_: object) -> None:
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


# --------------------------------------------------------------------------- versions

DIFF_FIELDS = (("value", "Setpoint"), ("min_value", "Min"), ("max_value", "Max"),
               ("unit", "Unit"), ("tolerance", "Tolerance"), ("tag", "Tag"))


class RecipeVersionsView(QWidget):
    """Versions of one recipe, two of them side by side, approve and roll back.

    Tap a version to compare it (B) with the one tapped before (A); the first A is
    the approved version. Changed values are amber, added and removed parameters
    say so. Approving a draft and rolling back to the last known-good version both
    ask for the process engineer's e-signature (badge + PIN).
    """

    sig_back = Signal()

    def __init__(self, recipes: Any, session: Any, tz: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import zoneinfo

        from hmi.widgets.cardlist import CardList
        from hmi.widgets.signature_dialog import SignatureDialog

        self.setObjectName("recipeVersionsScreen")
        self._recipes = recipes
        self._session = session
        self._tz = zoneinfo.ZoneInfo(tz)
        self.dialog_factory: Any = SignatureDialog  # tests replace it
        self.code = ""
        self.infos: list[Any] = []
        self.a: int | None = None
        self.b: int | None = None
        self.diffs: list[Any] = []
        self.views: dict[int, Any] = {}
        self._diff_for: tuple[int, int] | None = None

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel("", self)
        self.title.setObjectName("screenTitle")
        root.addWidget(self.title)
        body = QHBoxLayout()
        self.list = CardList(self.tr("No versions."), self)
        self.list.setFixedWidth(330)
        self.list.sig_selected.connect(lambda key: self.pick(int(key)))
        body.addWidget(self.list)
        right = QVBoxLayout()
        self.compare_title = QLabel("", self)
        self.compare_title.setObjectName("sectionTitle")
        self.compare_title.setWordWrap(True)
        right.addWidget(self.compare_title)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        right.addLayout(self.grid)
        right.addStretch(1)
        body.addLayout(right, 1)
        root.addLayout(body, 1)
        self.message = MessageLabel(self)
        root.addWidget(self.message)
        row = QHBoxLayout()
        self.back_button = QPushButton(self.tr("◀  Recipe"), self)
        self.back_button.clicked.connect(self.sig_back.emit)
        self.approve_button = QPushButton(self.tr("Approve"), self)
        self.approve_button.setProperty("primary", True)
        self.approve_button.clicked.connect(self.do_approve)
        self.rollback_button = QPushButton(self.tr("Roll back to last known-good"), self)
        self.rollback_button.clicked.connect(self.do_rollback)
        for b in (self.back_button, self.approve_button, self.rollback_button):
            row.addWidget(b)
        root.addLayout(row)
        self._cells: list[QWidget] = []
        recipes.sig_changed.connect(self._reload)

    # -- loading -----------------------------------------------------------------
    def _reload(self, *_: object) -> None:
        if self.code:
            self.show_recipe(self.code)

    def show_recipe(self, code: str) -> None:
        self.code = code
        self.title.setText(self.tr("Recipe %1 · versions").replace("%1", code))
        self._recipes.versions(code, on_done=self._got_versions)

    def _got_versions(self, infos: list[Any]) -> None:
        self.infos = sorted(infos, key=lambda i: i.version, reverse=True)
        approved = next((i.version for i in self.infos if i.status == "released"), None)
        known = {i.version for i in self.infos}
        if self.b not in known:
            self.b = self.infos[0].version if self.infos else None
        if self.a not in known or self.a == self.b:
            self.a = approved if approved not in (None, self.b) else next(
                (i.version for i in self.infos if i.version != self.b), None)
        self._cards()
        self._load_diff()

    def _cards(self) -> None:
        from hmi.widgets.cardlist import Card

        cards = []
        for i in self.infos:
            who = ""
            if i.approved_by:
                when = i.approved_at.astimezone(self._tz).strftime("%d.%m. %H:%M") \
                    if i.approved_at else ""
                who = self.tr("by %1 %2").replace("%1", i.approved_by).replace("%2", when)
            detail = " · ".join(x for x in (i.status_text, who,
                                             self.tr("known good") if i.known_good else "") if x)
            badge = "A" if i.version == self.a else "B" if i.version == self.b else ""
            cards.append(Card(key=str(i.version), title=f"v{i.version} · {i.name}",
                              detail=detail, badge=badge,
                              severity="warning" if i.status == "draft" else "normal"))
        self.list.set_cards(cards)
        self.list.select(str(self.b) if self.b is not None else None)
        info_b = self._info(self.b)
        self.approve_button.setEnabled(info_b is not None and info_b.status == "draft")
        self.approve_button.setText(self.tr("Approve v%1").replace("%1", str(self.b or "")))
        self.rollback_button.setEnabled(any(i.known_good for i in self.infos))

    def _info(self, version: int | None) -> Any:
        return next((i for i in self.infos if i.version == version), None)

    def pick(self, version: int) -> None:
        """Tapped: compare the previous B (now A) with this one (B)."""
        if version != self.b:
            self.a, self.b = self.b, version
        self.message.say("", "ok")
        self._cards()
        self._load_diff()

    def _load_diff(self) -> None:
        if self.a is None or self.b is None:
            self._render([])
            return
        a, b = self.a, self.b
        self._diff_for = None
        for v in (a, b):
            self._recipes.load(self.code, v, on_done=lambda view, v=v: self._got_view(v, view))
        self._recipes.diff(self.code, a, b, on_done=lambda diffs: self._got_diff((a, b), diffs))

    def _got_view(self, version: int, view: Any) -> None:
        self.views[version] = view
        self._render(self.diffs)

    def _got_diff(self, pair: tuple[int, int], diffs: list[Any]) -> None:
        if pair != (self.a, self.b):
            return  # an answer for a pair no longer on screen
        self._diff_for = pair
        self._render(diffs)

    # -- the side-by-side table ----------------------------------------------------
    def _clear(self) -> None:
        for w in self._cells:
            self.grid.removeWidget(w)
            w.hide()
            w.deleteLater()
        self._cells = []

    def _cell(self, text: str, row: int, col: int, name: str = "recipeCell",
              severity: str = "normal") -> None:
        lab = QLabel(text, self)
        lab.setObjectName(name)
        lab.setProperty("severity", severity)
        self.grid.addWidget(lab, row, col)
        self._cells.append(lab)

    def _render(self, diffs: list[Any]) -> None:
        self.diffs = list(diffs)
        self._clear()
        va, vb = self.views.get(self.a), self.views.get(self.b)
        if self._diff_for != (self.a, self.b):
            va = vb = None  # never show a comparison before its diff has arrived
        if va is None or vb is None:
            self.compare_title.setText(self.tr("Tap two versions to compare them.")
                                       if len(self.infos) > 1 else "")
            return
        n = len(self.diffs)
        self.compare_title.setText(
            self.tr("v%1 (A) compared with v%2 (B): %3 parameter(s) differ")
            .replace("%1", str(self.a)).replace("%2", str(self.b)).replace("%3", str(n)))
        by_name = {d.parameter: d for d in self.diffs}
        names = [p.name for p in va.parameters]
        names += [p.name for p in vb.parameters if p.name not in names]
        pa = {p.name: p for p in va.parameters}
        pb = {p.name: p for p in vb.parameters}
        self._cell(self.tr("Parameter"), 0, 0, "sectionTitle")
        self._cell(f"v{self.a} (A)", 0, 1, "sectionTitle")
        self._cell(f"v{self.b} (B)", 0, 2, "sectionTitle")
        for r, name in enumerate(names, start=1):
            d = by_name.get(name)
            self._cell(name, r, 0)
            for col, p in ((1, pa.get(name)), (2, pb.get(name))):
                if p is None:
                    text = self.tr("— not in this version —")
                    sev = "warning"
                else:
                    text = _describe(p)
                    sev = "warning" if d is not None and col == 2 else "normal"
                self._cell(text, r, col, "diffCell", sev)

    # -- signed actions ------------------------------------------------------------
    def _sign(self, meaning: str, summary: str, act: Any) -> None:
        def on_sign(badge: str, pin: str) -> str | None:
            try:
                act(badge, pin).result(timeout=20)
            except Exception as exc:  # wrong PIN, not allowed, nothing known-good…
                return getattr(exc, "operator_message", None) or str(exc)
            return None

        dlg = self.dialog_factory(meaning=meaning, summary=summary, on_sign=on_sign, parent=self)
        if dlg.exec():
            self.message.say(self.tr("Signed and recorded."), "ok")

    def do_approve(self) -> None:
        b = self.b
        if b is None:
            return
        actor = self._session.actor
        if actor is None:
            self.message.say(self.tr("Log in first."), "alarm")
            return
        self._sign(self.tr("Approved"),
                   self.tr("Recipe %1 version %2: it may be downloaded to the machine from now "
                           "on; the approved version before it becomes obsolete.")
                   .replace("%1", self.code).replace("%2", str(b)),
                   lambda badge, pin: self._recipes.approve(actor, self.code, b, pin=pin,
                                                            badge=badge))

    def do_rollback(self) -> None:
        actor = self._session.actor
        if actor is None:
            self.message.say(self.tr("Log in first."), "alarm")
            return
        good = max((i.version for i in self.infos if i.known_good), default=None)
        self._sign(self.tr("Approved"),
                   self.tr("Roll recipe %1 back: a new version copied from the last known-good "
                           "version (v%2), approved at once.")
                   .replace("%1", self.code).replace("%2", str(good)),
                   lambda badge, pin: self._recipes.rollback(actor, self.code, pin=pin,
                                                             badge=badge,
                                                             reason="rollback at the station"))


def _describe(p: Any) -> str:
    unit = f" {p.unit}" if p.unit else ""
    text = f"{_v(p.value)}{unit}"
    if p.min_value is not None or p.max_value is not None:
        text += f"  [{_v(p.min_value)} – {_v(p.max_value)}]"
    if p.tolerance is not None:
        text += f"  ±{_v(p.tolerance)}"
    return text + f"\n{p.tag}"
