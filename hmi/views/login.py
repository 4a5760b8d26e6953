"""Login screen: badge + PIN on an on-screen keypad, and the machine at a glance."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.services.production import MachineSnapshot
from hmi.services.scans import ScanHub
from hmi.services.session import StationSession
from hmi.views import presenters
from hmi.widgets.credentials import CredentialFields, message_line
from hmi.widgets.keypad import Keypad
from hmi.widgets.style import set_props
from hmi.widgets.tiles import ValueTile


class LoginView(QWidget):
    def __init__(self, session: StationSession, timezone: str,
                 parent: QWidget | None = None, *, scans: ScanHub | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._session = session

        outer = QHBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 20)
        outer.setSpacing(24)

        # -- credentials ------------------------------------------------
        form_box = QVBoxLayout()
        title = QLabel(self.tr("Log in"), self)
        title.setObjectName("screenTitle")
        hint = QLabel(self.tr("Scan or type your badge number, then your PIN."), self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self._fields = CredentialFields(self, spacing=14)
        grid, self.badge, self.pin = self._fields.grid, self._fields.badge, self._fields.pin
        self.message = message_line(self)
        self.login_button = QPushButton(self.tr("Log in"), self)
        self.login_button.setProperty("primary", True)
        self.clear_button = QPushButton(self.tr("Clear"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.login_button, 2)
        form_box.addWidget(title)
        form_box.addWidget(hint)
        form_box.addSpacing(8)
        form_box.addLayout(grid)
        form_box.addWidget(self.message)
        form_box.addStretch(1)
        form_box.addLayout(buttons)

        self.keypad = Keypad(self)
        self.keypad.setMinimumWidth(340)

        # -- machine at a glance -------------------------------------------
        panel = MachinePanel(timezone, self)
        self.machine = panel
        self.state_tile, self.good_tile, self.scrap_tile = (
            panel.state_tile, panel.good_tile, panel.scrap_tile)

        outer.addLayout(form_box, 4)
        outer.addWidget(self.keypad, 3)
        outer.addWidget(panel, 3)

        self._fields.use_keypad(self.keypad)
        self.badge.returnPressed.connect(self._enter)
        self.pin.returnPressed.connect(self._enter)
        self.keypad.sig_enter_pressed.connect(self._enter)
        self.login_button.clicked.connect(self.submit)
        self.clear_button.clicked.connect(self.reset)
        session.sig_login_failed.connect(self._on_failed)
        session.sig_user_logged_in.connect(lambda _actor: self.reset())

        # A badge scan (serial or wedge scanner) fills the badge field while nobody
        # is logged in; the wedge keeps the scanned keys out of whatever field has focus.
        if scans is not None:
            scans.add_handler(self.take_badge_scan)

        self.show_message(self.tr("Enter your badge number."), "ok")

    # -- input ----------------------------------------------------------
    def take_badge_scan(self, scan) -> bool:
        if self._session.actor is not None or not self.isVisible():
            return False
        badge = "".join(ch for ch in scan.text if ch.isprintable()).strip()
        if not badge or len(badge) > self.badge.maxLength():
            self.show_message(self.tr("That code is not a badge (%1). Scan your badge or type "
                                      "its number.").replace("%1", badge[:24] or "?"), "warning")
            return True
        self.badge.setText(badge)
        self.pin.clear()
        self.pin.setFocus()
        self.keypad.set_target(self.pin)
        self.show_message(self.tr("Badge %1 scanned. Now enter your PIN.").replace("%1", badge), "ok")
        return True

    def _enter(self) -> None:
        if self.badge.text() and not self.pin.text():
            self.pin.setFocus()
            self.keypad.set_target(self.pin)
            self.show_message(self.tr("Now enter your PIN."), "ok")
            return
        self.submit()

    def submit(self) -> None:
        badge, pin = self.badge.text().strip(), self.pin.text()
        if not badge:
            self.show_message(self.tr("Enter your badge number first."), "warning")
            self.badge.setFocus()
            return
        if not pin:
            self.show_message(self.tr("Enter your PIN."), "warning")
            self.pin.setFocus()
            return
        self.login_button.setEnabled(False)
        self.show_message(self.tr("Checking…"), "ok")
        self._session.login(badge, pin)

    def _on_failed(self, message: str) -> None:
        self.login_button.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus()
        self.keypad.set_target(self.pin)
        self.show_message(message, "alarm")

    def reset(self) -> None:
        self.badge.clear()
        self.pin.clear()
        self.login_button.setEnabled(True)
        self.badge.setFocus()
        self.keypad.set_target(self.badge)
        self.show_message(self.tr("Enter your badge number."), "ok")

    def show_message(self, text: str, severity: str) -> None:
        self.message.setText(text)
        set_props(self.message, severity=severity)

    # -- machine panel ------------------------------------------------------
    def show_snapshot(self, snap: MachineSnapshot) -> None:
        self.machine.show_snapshot(snap)


class MachinePanel(QFrame):
    """"Machine now": state, good and scrap counts, read-only (login and lock screens).

    Re-rendered every second as well, so a value that stops arriving turns stale.
    """

    def __init__(self, timezone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._tz = zoneinfo.ZoneInfo(timezone)
        self._snapshot: MachineSnapshot | None = None
        pl = QVBoxLayout(self)
        pl.setContentsMargins(12, 12, 12, 12)
        ptitle = QLabel(self.tr("Machine now"), self)
        ptitle.setObjectName("screenTitle")
        self.state_tile = ValueTile(self.tr("State"), parent=self)
        self.good_tile = ValueTile(self.tr("Good"), self.tr("parts"), parent=self)
        self.scrap_tile = ValueTile(self.tr("Scrap"), self.tr("parts"), parent=self)
        pl.addWidget(ptitle)
        pl.addWidget(self.state_tile)
        pl.addWidget(self.good_tile)
        pl.addWidget(self.scrap_tile)
        pl.addStretch(1)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._render)
        self._tick.start(1000)
        self._render()

    def show_snapshot(self, snap: MachineSnapshot) -> None:
        self._snapshot = snap
        self._render()

    def _render(self) -> None:
        snap = self._snapshot
        if snap is None:
            self.state_tile.show_value(presenters.tr("NO DATA"), severity="unknown", stale=True,
                                       note=presenters.tr("Connecting to machine…"))
            return
        now = dt.datetime.now(dt.UTC)
        for tile, shown in (
            (self.state_tile, presenters.machine_state(snap, now, self._tz)),
            (self.good_tile, presenters.count(snap, "good", self._tz)),
            (self.scrap_tile, presenters.count(snap, "scrap", self._tz)),
        ):
            tile.show_value(shown.text, severity=shown.severity, stale=shown.stale, note=shown.note)
