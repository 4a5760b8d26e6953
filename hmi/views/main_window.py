"""The station's main window: header, error banner, navigation and screens."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hmi.config import StationConfig
from hmi.services.production import MachineSnapshot, ProductionMonitor
from hmi.services.scans import ScanHub
from hmi.services.session import REASON_IDLE, REASON_USER, StationSession
from hmi.views import presenters
from hmi.views.kiosk import KioskExitDialog, KioskGuard, LongPress
from hmi.views.lock import LockOverlay
from hmi.views.login import LoginView
from hmi.widgets.banner import ErrorBanner
from hmi.widgets.header import HeaderBar

#: Screens that need the station database's services (built by attach_services).
SERVICE_SCREENS = ("orders", "quality", "downtime", "alarms", "andon", "kpi", "handover")


#: How long the header clock must be held to offer leaving kiosk mode (an operator
#: tapping the clock by accident gets nothing).
KIOSK_EXIT_HOLD_MS = 3000

#: Input events that count as someone at the panel, and that a locked screen keeps
#: away from everything but the lock overlay.
_INPUT_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TouchEnd, QEvent.Type.KeyPress, QEvent.Type.KeyRelease,
    QEvent.Type.ShortcutOverride, QEvent.Type.Wheel, QEvent.Type.ContextMenu,
})
_ACTIVITY_EVENTS = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
                              QEvent.Type.KeyPress})


class MainWindow(QMainWindow):
    """``sig_kiosk_exit(actor)``: someone with ``kiosk.exit`` left kiosk mode (audited); the
    window closes right after, which ends the app with exit code 0."""

    sig_kiosk_exit = Signal(object)

    def __init__(self, cfg: StationConfig, session: StationSession,
                 monitor: ProductionMonitor, *, kiosk: bool = False,
                 scans: ScanHub | None = None) -> None:
        super().__init__()
        self._cfg = cfg
        self._session = session
        session.configure(multi_operator=cfg.ui.multi_operator)
        self._kiosk = kiosk
        self._kiosk_guard: KioskGuard | None = None
        self.kiosk_exit_dialog: KioskExitDialog | None = None
        st = cfg.station
        self._tz = zoneinfo.ZoneInfo(st.timezone)
        self.setWindowTitle(self.tr("%1 – operator station").replace("%1", st.name))
        central = QWidget(self)
        central.setObjectName("screen")
        root = QVBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.header = HeaderBar(f"{st.name} · {st.id}", st.timezone, central)
        self.banner = ErrorBanner(central)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)

        self.nav = QFrame(central)
        self.nav.setObjectName("nav")
        nav_lay = QVBoxLayout(self.nav)
        nav_lay.setContentsMargins(4, 4, 4, 4)
        nav_lay.setSpacing(0)  # eight 64-px targets, Log out and a two-line banner fit in 800 px
        self._nav_group = QButtonGroup(self)
        self.stack = QStackedWidget(central)
        self.scans = scans or ScanHub(self)
        self.login_view = LoginView(session, st.timezone, self.stack, scans=self.scans)
        self.live_view = None
        self._monitor = monitor
        self.stack.addWidget(self.login_view)
        self.nav_buttons: dict[str, QPushButton] = {}
        self.screens: dict[str, QWidget] = {}
        self._services: Any = None
        self._sync_warned: set[str] = set()
        for key, text in (("live", self.tr("Live")), ("orders", self.tr("Orders")),
                          ("quality", self.tr("Quality")), ("downtime", self.tr("Downtime")),
                          ("alarms", self.tr("Alarms")), ("andon", self.tr("Andon")),
                          ("kpi", self.tr("KPIs")), ("handover", self.tr("Handover"))):
            self._add_nav(key, text, nav_lay)
        for key in SERVICE_SCREENS:
            self.nav_buttons[key].setEnabled(False)  # until the station database is open
        nav_lay.addStretch(1)
        # Lock (leave the panel for a moment; also how the next person takes over) and
        # Log out share one row: eight screens, this row and a two-line banner fit 800 px.
        # Lock is a padlock (no text to clip in any language); Log out gets the width.
        self.lock_button = QPushButton(self.nav)
        self.lock_button.setObjectName("lockButton")
        self.lock_button.setIcon(_padlock_icon(30))
        self.lock_button.setIconSize(QSize(30, 30))
        self.lock_button.setToolTip(self.tr("Lock"))
        self.lock_button.setAccessibleName(self.tr("Lock"))
        self.lock_button.setFixedWidth(56)
        self.lock_button.clicked.connect(lambda: session.lock(REASON_USER))
        self.logout_button = QPushButton(self.tr("Log out"), self.nav)
        self.logout_button.clicked.connect(lambda: session.logout(REASON_USER))
        for b in (self.lock_button, self.logout_button):
            b.setStyleSheet("font-size: 17px; padding: 0 2px; min-width: 0;")
        session_row = QHBoxLayout()
        session_row.setSpacing(0)
        session_row.addWidget(self.lock_button)
        session_row.addWidget(self.logout_button, 1)
        nav_lay.addLayout(session_row)
        self.nav.hide()

        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        root.addWidget(self.header)
        root.addWidget(self.banner)
        root.addLayout(body, 1)
        self.setCentralWidget(central)
        # The lock screen covers the navigation and the page (not the header); it follows
        # the page's geometry when the banner comes and goes.
        self.lock_view = LockOverlay(session, st.timezone, central, scans=self.scans)
        self.stack.installEventFilter(self)

        self.header.sig_alarms_tapped.connect(lambda: self._go_if_logged_in("alarms"))
        self.header.sig_sync_tapped.connect(lambda: self._go_if_logged_in("sync"))
        self.header.sig_andon_tapped.connect(lambda: self._go_if_logged_in("andon"))
        monitor.sig_snapshot_changed.connect(self.show_snapshot)
        session.sig_user_logged_in.connect(self._on_login)
        session.sig_user_logged_out.connect(self._on_logout)
        session.sig_locked.connect(self._on_locked)
        session.sig_unlocked.connect(self._on_unlocked)
        session.sig_actors_changed.connect(lambda _a: self._show_people())
        session.sig_active_changed.connect(lambda _a: self._show_people())
        session.sig_kiosk_exit_allowed.connect(self._leave_kiosk)
        self.scans.sig_unhandled.connect(self._on_unhandled_scan)
        self.scans.sig_scanner_state.connect(
            lambda state: self.header.set_scanner(*presenters.scanner_link(state)))
        self.show_snapshot(monitor.snapshot)

        # Lock the screen after [ui] lock_after_s without a touch, log everybody out after
        # [ui] idle_logout_s (counted from the same last touch; the lock screen's own
        # touches do not postpone it).
        self._lock_timer = QTimer(self)
        self._lock_timer.setSingleShot(True)
        self._lock_timer.timeout.connect(lambda: session.lock(REASON_IDLE))
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(lambda: session.logout_all(REASON_IDLE))
        # Hold the header clock to leave kiosk mode (only in kiosk mode).
        self.clock_hold = LongPress(self.header.clock, KIOSK_EXIT_HOLD_MS)
        self.clock_hold.sig_long_pressed.connect(self.ask_kiosk_exit)
        QApplication.instance().installEventFilter(self)
        self.resize(cfg.ui.width, cfg.ui.height)

    def _add_nav(self, key: str, text: str, layout: QVBoxLayout) -> None:
        btn = QPushButton(text, self.nav)
        btn.setObjectName(f"nav:{key}")
        btn.setCheckable(True)
        btn.clicked.connect(lambda: self.show_screen(key))
        self._nav_group.addButton(btn)
        self.nav_buttons[key] = btn
        layout.addWidget(btn)

    # -- screens ------------------------------------------------------------
    def build_screens(self) -> None:
        """Build the live screen; called after the first paint.

        pyqtgraph is not needed to paint the login screen, so it is imported
        here; the live trend then collects samples while nobody is logged in.
        """
        if self.live_view is None:
            from hmi.views.live import LiveView

            svc = self._services
            self.live_view = LiveView(self._cfg, self._monitor, self.stack,
                                      load_history=getattr(svc, "load_history", None))
            self.stack.addWidget(self.live_view)
            self.screens["live"] = self.live_view

    def attach_services(self, svc: Any) -> None:
        """The station database is open: build the screens that need its services.

        ``svc`` has ``downtime``, ``alarms``, ``andon``, ``kpis`` and the loaders
        ``load_history`` / ``load_stops`` (see :class:`hmi.app.Station`).
        """
        from hmi.views.alarms import AlarmsView
        from hmi.views.andon import AndonView
        from hmi.views.dashboard import DashboardView
        from hmi.views.downtime import DowntimeView
        from hmi.views.summary import ShiftSummaryView

        self._services = svc
        self.build_screens()
        self.live_view.attach_kpis(svc.kpis)
        tz = self._cfg.station.timezone
        views = {
            "downtime": DowntimeView(svc.downtime, self._session, tz, load_stops=svc.load_stops,
                                     parent=self.stack),
            "alarms": AlarmsView(svc.alarms, self._session, tz, self.stack),
            "andon": AndonView(svc.andon, self._session, tz, parent=self.stack),
            "kpi": DashboardView(svc.kpis, tz, self.stack,
                                 fpy=getattr(getattr(svc, "quality", None), "fpy", None)),
            "handover": ShiftSummaryView(svc.kpis, svc.downtime, svc.alarms, svc.andon, tz,
                                         parent=self.stack),
        }
        for key, view in views.items():
            self.stack.addWidget(view)
            self.screens[key] = view
            self.nav_buttons[key].setEnabled(True)
        self._attach_order_screens(svc)
        self.downtime_view = views["downtime"]
        self.downtime_view.sig_unclassified_changed.connect(self._show_unclassified)
        self._show_unclassified(len([s for s in svc.downtime.unclassified()
                                     if s.kind != "micro"]))
        svc.downtime.sig_stop_needs_reason.connect(self._stop_needs_reason)
        svc.alarms.sig_unacknowledged.connect(
            lambda n, _prio: self.header.set_alarms(n, self._active_alarms()))
        svc.alarms.sig_alarms_changed.connect(
            lambda _recs: self.header.set_alarms(svc.alarms.unacknowledged()[0],
                                                 self._active_alarms()))
        svc.andon.sig_calls_changed.connect(self._show_andon)
        self.header.set_alarms(svc.alarms.unacknowledged()[0], self._active_alarms())
        self._show_andon(svc.andon.open_calls())

    def _attach_order_screens(self, svc: Any) -> None:
        """Orders (queue, tools), the instruction runner and the recipe panel (issue 5)."""
        if getattr(svc, "orders", None) is None:
            return
        from hmi.views.instructions import InstructionView
        from hmi.views.orders import OrdersView

        tz = self._cfg.station.timezone
        self.orders_view = OrdersView(svc.orders, self._session, tz, tools=svc.tools,
                                      scans=self.scans, parent=self.stack)
        self.instructions_view = InstructionView(svc.instructions, self._session,
                                                 media_root=svc.media_root, scans=self.scans,
                                                 read_tag=svc.read_tag, parent=self.stack)
        for key, view in (("orders", self.orders_view), ("instructions", self.instructions_view)):
            self.stack.addWidget(view)
            self.screens[key] = view
        self.nav_buttons["orders"].setEnabled(True)
        self.orders_view.sig_open_instructions.connect(self.open_instructions)
        from hmi.views.tools import ToolsView

        self.tools_view = ToolsView(svc.tools, self._session, parent=self.stack)
        self.stack.addWidget(self.tools_view)
        self.screens["tools"] = self.tools_view
        self.orders_view.sig_open_tools.connect(self.open_tools)
        if getattr(svc, "inspections", None) is not None:
            from hmi.views.inspection import InspectionView

            self.inspection_view = InspectionView(svc.inspections, self._session,
                                                  scans=self.scans, parent=self.stack)
            self.stack.addWidget(self.inspection_view)
            self.screens["inspection"] = self.inspection_view
            self.orders_view.sig_open_inspections.connect(self.open_inspections)
        if getattr(svc, "materials", None) is not None:
            from hmi.views.materials import MaterialsView

            self.materials_view = MaterialsView(
                svc.materials, svc.orders, self._session, tz, scans=self.scans,
                holds=getattr(svc, "holds", None), code_rules=getattr(svc, "code_rules", None),
                parent=self.stack)
            self.stack.addWidget(self.materials_view)
            self.screens["materials"] = self.materials_view
            self.orders_view.sig_open_materials.connect(self.open_materials)
            svc.materials.sig_empty.connect(self._material_empty)
            svc.materials.sig_low.connect(self._material_low)
            if getattr(svc, "labels", None) is not None:
                from hmi.views.labels import LabelsPanel

                self.labels_view = _BackScreen(
                    self.tr("Labels and printer"),
                    LabelsPanel(svc.labels, self._session, scans=self.scans), self.stack)
                self.stack.addWidget(self.labels_view)
                self.screens["labels"] = self.labels_view
                self.materials_view.labels_button.show()
                self.materials_view.sig_open_labels.connect(
                    lambda: self.stack.setCurrentWidget(self.labels_view))
                self.labels_view.sig_back.connect(
                    lambda: self.stack.setCurrentWidget(self.materials_view))
                svc.labels.sig_job_failed.connect(
                    lambda text: self.show_error(text, "warning"))
        if getattr(svc, "holds", None) is not None:
            svc.holds.sig_holds_changed.connect(self._show_holds)
        if getattr(svc, "quality", None) is not None and getattr(svc, "holds", None) is not None:
            from hmi.views.quality import QualityView

            self.quality_view = QualityView(svc.quality, svc.holds, svc.inspections,
                                            self._session,
                                            running_order=svc.orders.running_operation,
                                            timezone=self._cfg.station.timezone,
                                            trace=getattr(svc, "trace", None),
                                            scans=self.scans,
                                            code_rules=getattr(svc, "code_rules", None),
                                            parent=self.stack)
            self.stack.addWidget(self.quality_view)
            self.screens["quality"] = self.quality_view
            self.nav_buttons["quality"].setEnabled(True)
            svc.inspections.sig_rule_fired.connect(self._spc_alarm)
        self.tools_view.sig_back.connect(lambda: self.show_screen("orders"))
        # A tool at its warning level or limit is news for whoever is at the panel.
        svc.tools.sig_tool_warning.connect(lambda t: self.banner.show_message(
            self.tr("Tool %1 is near its life limit (%2 of %3). Plan maintenance.")
            .replace("%1", t.code).replace("%2", f"{t.cycles:,}")
            .replace("%3", f"{t.limit:,}" if t.limit else "?"), severity="warning"))
        svc.tools.sig_tool_limit.connect(lambda t: self.banner.show_message(
            self.tr("Tool %1 reached its life limit (%2). No order using it can start or "
                    "resume until maintenance resets it.").replace("%1", t.code)
            .replace("%2", f"{t.cycles:,}"), severity="alarm"))
        if getattr(svc, "recipes", None) is not None:
            from hmi.views.recipes import RecipePanel

            self.recipe_view = RecipePanel(svc.recipes, svc.orders, self._session, tz,
                                           driver=svc.driver, parent=self.stack)
            self.stack.addWidget(self.recipe_view)
            self.screens["recipe"] = self.recipe_view
            self.orders_view.sig_open_recipe.connect(self.open_recipe)
            self.recipe_view.sig_back.connect(lambda: self.show_screen("orders"))
            from hmi.views.recipes import RecipeVersionsView

            self.recipe_versions_view = RecipeVersionsView(svc.recipes, self._session, tz,
                                                           parent=self.stack)
            self.stack.addWidget(self.recipe_versions_view)
            self.screens["recipe_versions"] = self.recipe_versions_view
            self.recipe_view.sig_versions.connect(self.open_recipe_versions)
            svc.recipes.sig_deviation.connect(self._recipe_deviation)
            self.recipe_versions_view.sig_back.connect(
                lambda: self.stack.setCurrentWidget(self.recipe_view))

    def open_instructions(self, order_code: str) -> None:
        svc = self._services
        svc.instructions.open(order_code)
        self.stack.setCurrentWidget(self.instructions_view)
        self.nav_buttons["orders"].setChecked(True)

    def open_recipe(self, order_code: str) -> None:
        self.recipe_view.show_order(order_code)
        self.stack.setCurrentWidget(self.recipe_view)
        self.nav_buttons["orders"].setChecked(True)

    def _recipe_deviation(self, dev: Any) -> None:
        """A value left the recipe (a setpoint changed at the panel): everyone sees it."""
        if getattr(dev, "kind", "started") != "started":
            return
        actual = f"{dev.actual:g}" if isinstance(dev.actual, float) else str(dev.actual)
        self.banner.show_message(
            self.tr("Recipe deviation on order %1: %2 is %3, the recipe says %4 ± %5. Set it "
                    "back at the machine or download the recipe again.")
            .replace("%1", dev.order_code or "").replace("%2", dev.parameter)
            .replace("%3", actual).replace("%4", f"{dev.setpoint:g}")
            .replace("%5", f"{dev.tolerance:g}"), severity="alarm")

    def open_inspections(self, order_code: str) -> None:
        svc = self._services
        run = svc.inspections.run()
        if run is None or run.order_code != order_code:
            svc.inspections.open(order_code)
        self.stack.setCurrentWidget(self.inspection_view)
        self.nav_buttons["orders"].setChecked(True)

    def _show_holds(self, holds: list) -> None:
        """An open quality hold is news on every screen until a team lead releases it."""
        if not holds:
            return
        h = holds[0]
        more = f" (+{len(holds) - 1})" if len(holds) > 1 else ""
        self.banner.show_message(
            self.tr("ON HOLD: %1 — %2 (placed by %3). Parts made now are suspect; a team lead "
                    "must release the hold.").replace("%1", h.subject).replace("%2", h.reason)
            .replace("%3", h.placed_by_label) + more, severity="alarm")

    def open_materials(self, order_code: str = "") -> None:
        """Materials for the active order; with none active, for the order selected (its lots
        are loaded before it can start)."""
        svc = self._services
        if order_code and svc.orders.active() is None:
            svc.materials.set_order(order_code)
        self.materials_view.refresh()
        self.stack.setCurrentWidget(self.materials_view)
        self.nav_buttons["orders"].setChecked(True)

    def _material_low(self, st: Any) -> None:
        self.banner.show_message(
            self.tr("%1 is running low: lot %2 covers %3 more units. Bring the next lot.")
            .replace("%1", st.need.name).replace("%2", st.lot.lot_code if st.lot else "?")
            .replace("%3", str(st.units_left)), severity="warning")

    def _material_empty(self, st: Any) -> None:
        self.banner.show_message(
            self.tr("%1 is EMPTY (lot %2). Units made now have no lot of it; the order "
                    "cannot start or resume until a new lot is scanned. If the machine "
                    "stops, the reason is waiting for material.")
            .replace("%1", st.need.name).replace("%2", st.lot.lot_code if st.lot else "?"),
            severity="alarm")

    def _spc_alarm(self, alarm: Any) -> None:
        """An SPC rule fired on entry: news on every screen, the chart one tap away."""
        reaction = {"hold": self.tr("The order is on hold."),
                    "reinspect": self.tr("Measure again now."),
                    "andon": self.tr("Quality was called."),
                    }.get(alarm.reaction, "")
        self.banner.show_message(
            (alarm.text + ". " + reaction + " " +
             self.tr("Quality → SPC charts shows the points.")).replace("..", "."),
            severity="alarm")

    def open_tools(self) -> None:
        self.tools_view.refresh()
        self.stack.setCurrentWidget(self.tools_view)
        self.nav_buttons["orders"].setChecked(True)

    def open_recipe_versions(self, code: str) -> None:
        self.recipe_versions_view.show_recipe(code)
        self.stack.setCurrentWidget(self.recipe_versions_view)
        self.nav_buttons["orders"].setChecked(True)

    def _active_alarms(self) -> int:
        return sum(1 for a in self._services.alarms.current() if a.active)

    def _show_andon(self, calls: list) -> None:
        open_calls = [c for c in calls if c.open]
        self.header.set_andon(len(open_calls),
                              sum(1 for c in open_calls if c.acknowledged_at is None))

    def _show_unclassified(self, count: int) -> None:
        """Stops without a reason nag on the navigation until they have one."""
        btn = self.nav_buttons["downtime"]
        btn.setText(self.tr("Downtime") + (f"\n⚠ {count}" if count else ""))
        btn.setProperty("severity", "warning" if count else "normal")
        btn.style().unpolish(btn)
        btn.style().polish(btn)

    def _stop_needs_reason(self, stop) -> None:
        """A real stop with no reason: tell whoever is here, with one tap to answer."""
        self.banner.show_message(
            self.tr("The machine stopped at %1. Why? Tap Downtime and choose the reason.")
            .replace("%1", stop.start.astimezone(self._tz).strftime("%H:%M")), severity="warning")
        if self._session.actor is not None and self.stack.currentWidget() is self.live_view:
            self.show_screen("downtime")
            self.downtime_view.select_stop(stop.stop_id)

    def _go_if_logged_in(self, key: str) -> None:
        if self._session.locked:
            return  # the lock screen stays until someone enters their PIN
        if self._session.actor is None:
            self.login_view.show_message(self.tr("Log in to see and acknowledge alarms and "
                                                 "andon calls."), "warning")
            return
        if key in self.screens:
            self.show_screen(key)

    def show_screen(self, key: str) -> None:
        if key == "live":
            self.build_screens()
        screen = self.screens.get(key)
        if screen is None:
            return
        self.stack.setCurrentWidget(screen)
        button = self.nav_buttons.get(key)
        if button is not None:
            button.setChecked(True)
        else:  # a screen reached from the header (sync): no navigation button is "here"
            self._nav_group.setExclusive(False)
            for b in self.nav_buttons.values():
                b.setChecked(False)
            self._nav_group.setExclusive(True)

    def attach_audit_page(self, trail: Any) -> None:
        """The Audit trail screen (docs/audit.md), opened from the Handover screen; the page
        itself refuses someone without audit.view (and that refusal is audited)."""
        from hmi.views.audittrail import AuditTrailPage

        page = AuditTrailPage(trail, self._session, self._cfg.station.timezone, parent=self.stack)
        self.audit_page = page
        self.stack.addWidget(page)
        self.screens["audit"] = page
        handover = self.screens.get("handover")
        if handover is not None and hasattr(handover, "sig_open_audit"):
            handover.audit_button.show()
            handover.sig_open_audit.connect(self._open_audit)

    def _open_audit(self) -> None:
        self.show_screen("audit")

    def attach_sync_page(self, quarantine: Any, sync: Any) -> None:
        """The Sync screen (health and refused rows; docs/sync.md), opened from the header's
        sync indicator. ``sync`` None: a standalone station (the page says sync is off)."""
        from hmi.views.syncpage import SyncPage

        page = SyncPage(quarantine, self._session, self._cfg.station.timezone, parent=self.stack)
        self.sync_page = page
        self.stack.addWidget(page)
        self.screens["sync"] = page
        if sync is not None:
            sync.sig_status.connect(page.show_status)  # queued from the sync thread
            page.sig_sync_now.connect(sync.sync_now)
            page.show_status(sync.status)

    def _on_login(self, actor) -> None:
        self._show_people()
        self.nav.show()
        self.show_screen("live")
        self._touched()

    def _show_people(self) -> None:
        """The header names the active person and, with several signed in, how many."""
        actors = self._session.actors
        active = self._session.actor
        if not actors:
            self.header.set_user(self.tr("Nobody logged in"))
            return
        name = active.name if active is not None else self.tr("Locked")
        if len(actors) > 1:
            name = self.tr("%1 · %2 signed in").replace("%1", name).replace(
                "%2", str(len(actors)))
        self.header.set_user(name)

    def _on_logout(self, reason: str) -> None:
        self._idle.stop()
        self._lock_timer.stop()
        self.lock_view.hide_locked()
        self._show_people()
        self.nav.hide()
        self.stack.setCurrentWidget(self.login_view)
        self.login_view.reset()
        if reason == REASON_IDLE:
            secs = self._cfg.ui.idle_logout_s
            text = (self.tr("You were logged out after %1 minutes without a touch.")
                    .replace("%1", str(secs // 60)) if secs >= 120 else
                    self.tr("You were logged out after %1 seconds without a touch.")
                    .replace("%1", str(secs)))
            self.login_view.show_message(text, "warning")

    def show_snapshot(self, snap: MachineSnapshot) -> None:
        shown = presenters.machine_state(snap, dt.datetime.now(dt.UTC), self._tz)
        # The pill has no room for a note: a value that is not current shows purple.
        self.header.set_machine_state(shown.text, "unknown" if shown.stale else shown.severity)
        self.header.set_link(*presenters.link_text(snap))
        self.login_view.show_snapshot(snap)
        self.lock_view.show_snapshot(snap)

    def _on_unhandled_scan(self, scan) -> None:
        view = getattr(self, "materials_view", None)
        if view is not None and self._session.actor is not None and view.is_lot_label(scan):
            # a lot label scanned anywhere: the Materials screen takes it and says what it did
            self.open_materials("")
            view.take_scan(scan)
            return
        self.show_error(self.tr("Scanned %1, but nothing on this screen expects a scan. "
                                "Nothing was changed.").replace("%1", presenters.scan_text(scan)),
                        "warning")

    # -- errors -------------------------------------------------------------
    def show_sync(self, status: Any) -> None:
        """Sync with the central database: the header indicator, and its warnings (clock
        skew, an order started at two stations …) in the banner, once each."""
        self.header.set_sync(*presenters.sync_status(status))
        for text in getattr(status, "warnings", ()):
            if text not in self._sync_warned:
                self._sync_warned.add(text)
                self.show_error(text, "warning")

    def show_error(self, text: str, severity: str = "alarm") -> None:
        self.banner.show_message(text, severity=severity)

    # -- activity, lock, kiosk ------------------------------------------------------
    def _touched(self) -> None:
        """Someone used the panel: the lock and logout countdowns start again."""
        if self._session.actor is None or self._session.locked:
            return
        ui = self._cfg.ui
        # A lock that would come with (or after) the logout is pointless: log out instead.
        if ui.lock_after_s and not (ui.idle_logout_s and ui.idle_logout_s <= ui.lock_after_s):
            self._lock_timer.start(ui.lock_after_s * 1000)
        if ui.idle_logout_s:
            self._idle.start(ui.idle_logout_s * 1000)

    def _on_locked(self, _actor) -> None:
        self._lock_timer.stop()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()  # an open drop-down of the page would stay operable
        self._place_lock_view()
        self.lock_view.show_locked()
        self._show_people()

    def _on_unlocked(self, _actor) -> None:
        self.lock_view.hide_locked()
        self._show_people()
        self._touched()

    def _place_lock_view(self) -> None:
        """Over the navigation and the page, under the header and the banner."""
        top = self.stack.geometry().top()
        central = self.centralWidget()
        self.lock_view.setGeometry(0, top, central.width(), central.height() - top)

    def _allowed_while_locked(self, obj: QObject) -> bool:
        if not isinstance(obj, QWidget):
            return True  # the window-level copy of an event; its widget copy is checked
        if obj is self.lock_view or self.lock_view.isAncestorOf(obj):
            return True
        if obj is self.header.clock:
            return True  # holding the clock still leaves kiosk mode
        return obj.window() is not self  # dialogs (leaving kiosk mode, a signature)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if obj is self.stack and kind in (QEvent.Type.Move, QEvent.Type.Resize):
            if self.lock_view.isVisible():
                self._place_lock_view()
            return False
        if kind not in _INPUT_EVENTS:
            return False
        if self._session.locked:
            # Nothing under the lock screen can be touched or typed into.
            if self._allowed_while_locked(obj):
                return False
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # no shortcut of the page fires either
            return True
        if kind in _ACTIVITY_EVENTS:
            self._touched()
        return False

    @property
    def kiosk(self) -> bool:
        return self._kiosk

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._kiosk:
            event.ignore()
            self.show_error(self.tr("This station runs in kiosk mode and cannot be closed here."),
                            "warning")
            return
        super().closeEvent(event)

    def enter_kiosk(self) -> None:
        """Full screen, frameless, on top; escape keys swallowed; only ``kiosk.exit`` leaves."""
        self._kiosk = True
        if self._kiosk_guard is None:
            self._kiosk_guard = KioskGuard(lambda: self._kiosk, self)
            QApplication.instance().installEventFilter(self._kiosk_guard)
        self.setWindowFlags(self.windowFlags() | Qt.WindowType.FramelessWindowHint
                            | Qt.WindowType.WindowStaysOnTopHint)
        self.showFullScreen()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if not self._kiosk:
            return
        if event.type() == QEvent.Type.ActivationChange and not self.isActiveWindow():
            QTimer.singleShot(250, self, self._keep_on_top)
        elif event.type() == QEvent.Type.WindowStateChange and not self.isFullScreen():
            QTimer.singleShot(0, self, self._keep_on_top)  # minimised or un-fullscreened

    def _keep_on_top(self) -> None:
        """In kiosk mode: back to full screen, and in front of any window that is not ours."""
        if not self._kiosk:
            return
        if not self.isFullScreen():
            self.showFullScreen()
        active = QApplication.activeWindow()
        ours = active is not None and (active is self or self._owns(active))
        if not ours:
            self.raise_()
            self.activateWindow()

    def _owns(self, widget: QWidget) -> bool:
        w: QWidget | None = widget
        while w is not None:
            if w is self:
                return True
            w = w.parentWidget()
        return False

    def ask_kiosk_exit(self) -> None:
        """The header clock was held: badge + PIN of someone allowed to leave kiosk mode."""
        if not self._kiosk:
            return
        if self.kiosk_exit_dialog is not None:
            if self.kiosk_exit_dialog.isVisible():
                return
            self.kiosk_exit_dialog.deleteLater()  # a fresh dialog: nothing typed is left
        self.kiosk_exit_dialog = KioskExitDialog(self._session, self)
        self.kiosk_exit_dialog.open()

    def _leave_kiosk(self, actor) -> None:
        """``kiosk.exit`` granted and audited: the window closes; the app ends with code 0."""
        if not self._kiosk:
            return
        self._kiosk = False
        self.sig_kiosk_exit.emit(actor)
        self.close()


def _padlock_icon(px: int) -> QIcon:
    """A padlock drawn with QPainter (the panel's fonts have no lock glyph)."""
    pm = QPixmap(px, px)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor("#1a1a1a"), max(2, px // 9))
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    w = px * 0.5
    p.drawArc(QRectF((px - w) / 2, px * 0.08, w, px * 0.62), 0, 180 * 16)
    p.drawLine(QPointF((px - w) / 2, px * 0.39), QPointF((px - w) / 2, px * 0.5))
    p.drawLine(QPointF((px + w) / 2, px * 0.39), QPointF((px + w) / 2, px * 0.5))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#1a1a1a"))
    p.drawRoundedRect(QRectF(px * 0.16, px * 0.45, px * 0.68, px * 0.5), 3, 3)
    p.end()
    return QIcon(pm)


class _BackScreen(QWidget):
    """A sub-screen: a title, a Back button, and one panel."""

    sig_back = Signal()

    def __init__(self, title: str, panel: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        top = QHBoxLayout()
        label = QLabel(title, self)
        label.setObjectName("screenTitle")
        back = QPushButton(self.tr("Back"), self)
        back.clicked.connect(self.sig_back.emit)
        top.addWidget(label, 1)
        top.addWidget(back)
        lay.addLayout(top)
        panel.setParent(self)
        lay.addWidget(panel, 1)
        self.panel = panel
