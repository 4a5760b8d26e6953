"""The station's main window: header, error banner, navigation and screens."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hmi.config import StationConfig
from hmi.services.production import MachineSnapshot, ProductionMonitor
from hmi.services.scans import ScanHub
from hmi.services.session import StationSession
from hmi.views import presenters
from hmi.views.login import LoginView
from hmi.widgets.banner import ErrorBanner
from hmi.widgets.header import HeaderBar


class MainWindow(QMainWindow):
    def __init__(self, cfg: StationConfig, session: StationSession,
                 monitor: ProductionMonitor, *, kiosk: bool = False,
                 scans: ScanHub | None = None) -> None:
        super().__init__()
        self._cfg = cfg
        self._session = session
        self._kiosk = kiosk
        st = cfg.station
        self._tz = zoneinfo.ZoneInfo(st.timezone)
        self.setWindowTitle(self.tr("%1 – operator station").replace("%1", st.name))
        central = QWidget(self)
        central.setObjectName("screen")
        root = QVBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.header = HeaderBar(f"{st.name}  ·  {st.line}/{st.id}", st.timezone, central)
        self.banner = ErrorBanner(central)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)

        self.nav = QFrame(central)
        self.nav.setObjectName("nav")
        nav_lay = QVBoxLayout(self.nav)
        nav_lay.setContentsMargins(4, 8, 4, 8)
        self._nav_group = QButtonGroup(self)
        self.stack = QStackedWidget(central)
        self.scans = scans or ScanHub(self)
        self.login_view = LoginView(session, st.timezone, self.stack, scans=self.scans)
        self.live_view = None
        self._monitor = monitor
        self.stack.addWidget(self.login_view)
        self.nav_buttons: dict[str, QPushButton] = {}
        self._add_nav("live", self.tr("Live"), nav_lay)
        nav_lay.addStretch(1)
        self.logout_button = QPushButton(self.tr("Log out"), self.nav)
        self.logout_button.clicked.connect(lambda: session.logout("by user"))
        nav_lay.addWidget(self.logout_button)
        self.nav.hide()

        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        root.addWidget(self.header)
        root.addWidget(self.banner)
        root.addLayout(body, 1)
        self.setCentralWidget(central)

        monitor.sig_snapshot_changed.connect(self.show_snapshot)
        session.sig_user_logged_in.connect(self._on_login)
        session.sig_user_logged_out.connect(self._on_logout)
        self.scans.sig_unhandled.connect(self._on_unhandled_scan)
        self.scans.sig_scanner_state.connect(
            lambda state: self.header.set_scanner(*presenters.scanner_link(state)))
        self.show_snapshot(monitor.snapshot)

        # Log the person out after a while without a touch.
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(lambda: session.logout("idle"))
        QApplication.instance().installEventFilter(self)
        self.resize(cfg.ui.width, cfg.ui.height)

    def _add_nav(self, key: str, text: str, layout: QVBoxLayout) -> None:
        btn = QPushButton(text, self.nav)
        btn.setCheckable(True)
        btn.clicked.connect(lambda: self.show_screen(key))
        self._nav_group.addButton(btn)
        self.nav_buttons[key] = btn
        layout.addWidget(btn)

    # -- screens ------------------------------------------------------------
    def build_screens(self) -> None:
        """Build the screens behind the login; called after the first paint.

        pyqtgraph is not needed to paint the login screen, so it is imported
        here; the live trend then collects samples while nobody is logged in.
        """
        if self.live_view is None:
            from hmi.views.live import LiveView

            self.live_view = LiveView(self._cfg, self._monitor, self.stack)
            self.stack.addWidget(self.live_view)

    def show_screen(self, key: str) -> None:
        if key == "live":
            self.build_screens()
            self.stack.setCurrentWidget(self.live_view)
        self.nav_buttons[key].setChecked(True)

    def _on_login(self, actor) -> None:
        self.header.set_user(actor.name)
        self.nav.show()
        self.show_screen("live")
        if self._cfg.ui.idle_logout_s:
            self._idle.start(self._cfg.ui.idle_logout_s * 1000)

    def _on_logout(self, reason: str) -> None:
        self._idle.stop()
        self.header.set_user(self.tr("Nobody logged in"))
        self.nav.hide()
        self.stack.setCurrentWidget(self.login_view)
        self.login_view.reset()
        if reason == "idle":
            self.login_view.show_message(
                self.tr("You were logged out after %1 minutes without a touch.").replace(
                    "%1", str(max(1, self._cfg.ui.idle_logout_s // 60))), "warning")

    def show_snapshot(self, snap: MachineSnapshot) -> None:
        shown = presenters.machine_state(snap, dt.datetime.now(dt.UTC), self._tz)
        # The pill has no room for a note: a value that is not current shows purple.
        self.header.set_machine_state(shown.text, "unknown" if shown.stale else shown.severity)
        self.header.set_link(*presenters.link_text(snap))
        self.login_view.show_snapshot(snap)

    def _on_unhandled_scan(self, scan) -> None:
        self.show_error(self.tr("Scanned %1, but nothing on this screen expects a scan. "
                                "Nothing was changed.").replace("%1", presenters.scan_text(scan)),
                        "warning")

    # -- errors -------------------------------------------------------------
    def show_error(self, text: str, severity: str = "alarm") -> None:
        self.banner.show_message(text, severity=severity)

    # -- activity / kiosk ---------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
                            QEvent.Type.KeyPress) and self._session.actor is not None:
            if self._cfg.ui.idle_logout_s:
                self._idle.start(self._cfg.ui.idle_logout_s * 1000)
        return False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._kiosk:
            event.ignore()
            self.show_error(self.tr("This station runs in kiosk mode and cannot be closed here."),
                            "warning")
            return
        super().closeEvent(event)

    def enter_kiosk(self) -> None:
        self.setWindowFlags(self.windowFlags() | Qt.WindowType.FramelessWindowHint
                            | Qt.WindowType.WindowStaysOnTopHint)
        self.showFullScreen()

