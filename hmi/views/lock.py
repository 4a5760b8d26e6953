"""The lock screen: over the pages while nobody is at the panel, machine status still live.

Shown by the main window when the session locks (inactivity, the Lock button, or the
active person logged out while others stay signed in). It covers the navigation and the
page; the header above it keeps showing the machine state, alarms and the clock. The
main window's event filter sends every touch and key that is not aimed at this overlay
(or at a dialog) nowhere, so nothing under it can be operated.

Unlock: the locked person's badge is filled in, so they only type their PIN. Another
person scans their badge (or taps "Other person" and types it) and enters their PIN:
that is a hand-over, or with several operators signed in, a switch (docs/kiosk.md).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.services.production import MachineSnapshot
from hmi.services.scans import ScanHub
from hmi.services.session import StationSession
from hmi.views.login import MachinePanel
from hmi.widgets.credentials import CredentialFields, message_line
from hmi.widgets.keypad import Keypad
from hmi.widgets.style import set_props


class LockOverlay(QFrame):
    """Badge + PIN on a keypad, the signed-in people (several operators), "Machine now"."""

    def __init__(self, session: StationSession, timezone: str, parent: QWidget | None = None,
                 *, scans: ScanHub | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self._session = session
        self._scans = scans

        outer = QHBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(24)

        form = QVBoxLayout()
        form.setSpacing(10)
        self.title = QLabel(self.tr("Locked"), self)
        self.title.setObjectName("screenTitle")
        self.title.setWordWrap(True)
        self.hint = QLabel(self.tr("Scan your badge or enter your PIN to continue."), self)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        # With several operators signed in: one button each, a tap fills in their badge.
        self.people = QWidget(self)
        self._people_lay = QGridLayout(self.people)
        self._people_lay.setContentsMargins(0, 0, 0, 0)
        self._people_lay.setSpacing(8)
        self.people_buttons: dict[str, QPushButton] = {}
        self._fields = CredentialFields(self)
        grid, self.badge, self.pin = self._fields.grid, self._fields.badge, self._fields.pin
        self.message = message_line(self)
        self.other_button = QPushButton(self.tr("Other person"), self)
        self.unlock_button = QPushButton(self.tr("Unlock"), self)
        self.unlock_button.setProperty("primary", True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.other_button)
        buttons.addWidget(self.unlock_button, 2)
        form.addWidget(self.title)
        form.addWidget(self.hint)
        form.addWidget(self.people)
        form.addLayout(grid)
        form.addWidget(self.message)
        form.addStretch(1)
        form.addLayout(buttons)

        self.keypad = Keypad(self)
        self.keypad.setMinimumWidth(340)
        self.machine = MachinePanel(timezone, self)

        outer.addLayout(form, 4)
        outer.addWidget(self.keypad, 3)
        outer.addWidget(self.machine, 3)

        self._fields.use_keypad(self.keypad, start_on_badge=False)
        self.badge.returnPressed.connect(self._enter)
        self.pin.returnPressed.connect(self._enter)
        self.keypad.sig_enter_pressed.connect(self._enter)
        self.unlock_button.clicked.connect(self.submit)
        self.other_button.clicked.connect(self.other_person)
        session.sig_unlock_failed.connect(self._on_failed)
        self.hide()

    # -- showing -------------------------------------------------------------
    def show_locked(self) -> None:
        """Show the overlay for the session's current state (who is locked, who is signed in)."""
        actor = self._session.actor
        if actor is not None:
            self.title.setText(self.tr("Locked — %1").replace("%1", actor.name))
            self.hint.setText(
                self.tr("Scan your badge or enter your PIN to continue. Someone else: scan "
                        "your badge to sign in as well.") if self._session.multi_operator else
                self.tr("Scan your badge or enter your PIN to continue. Someone else: scan "
                        "your badge to take over."))
        else:
            self.title.setText(self.tr("Locked"))
            self.hint.setText(self.tr("Scan your badge or enter your PIN to continue."))
        self._show_people()
        self.badge.setText(actor.badge if actor is not None else "")
        self.pin.clear()
        self.unlock_button.setEnabled(True)
        if actor is not None:
            self._focus(self.pin)
            self.show_message(self.tr("%1: enter your PIN.").replace("%1", actor.name), "ok")
        else:
            self._focus(self.badge)
            self.show_message(self.tr("Enter your badge number."), "ok")
        if self._scans is not None:
            self._scans.add_handler(self.take_scan)
        self.show()
        self.raise_()

    def hide_locked(self) -> None:
        if self._scans is not None:
            self._scans.remove_handler(self.take_scan)
        self.pin.clear()
        self.hide()

    def _show_people(self) -> None:
        for btn in self.people_buttons.values():
            btn.deleteLater()
        self.people_buttons.clear()
        actors = self._session.actors
        if len(actors) < 2 and not (actors and self._session.actor is None):
            self.people.hide()
            return
        for i, a in enumerate(actors):
            btn = QPushButton(a.name, self.people)
            btn.setObjectName(f"person:{a.badge}")
            btn.setCheckable(True)
            btn.setChecked(a == self._session.actor)
            btn.clicked.connect(lambda _=False, who=a: self.choose(who.badge, who.name))
            self._people_lay.addWidget(btn, i // 2, i % 2)
            self.people_buttons[a.badge] = btn
        self.people.show()

    def show_snapshot(self, snap: MachineSnapshot) -> None:
        self.machine.show_snapshot(snap)

    def show_message(self, text: str, severity: str) -> None:
        self.message.setText(text)
        set_props(self.message, severity=severity)

    # -- input ---------------------------------------------------------------
    def _focus(self, field: QLineEdit) -> None:
        field.setFocus()
        self.keypad.set_target(field)

    def choose(self, badge: str, name: str) -> None:
        """A signed-in person's button: their badge, then their PIN."""
        for b, btn in self.people_buttons.items():
            btn.setChecked(b == badge)
        self.badge.setText(badge)
        self.pin.clear()
        self._focus(self.pin)
        self.show_message(self.tr("%1: enter your PIN.").replace("%1", name), "ok")

    def other_person(self) -> None:
        """Someone not signed in takes over (or joins): their badge, then their PIN."""
        for btn in self.people_buttons.values():
            btn.setChecked(False)
        self.badge.clear()
        self.pin.clear()
        self._focus(self.badge)
        self.show_message(self.tr("Scan or type your badge number, then your PIN."), "ok")

    def take_scan(self, scan) -> bool:
        """While locked every scan is for this screen: a badge fills the badge field."""
        if not self.isVisible():
            return False
        badge = "".join(ch for ch in scan.text if ch.isprintable()).strip()
        if not badge or len(badge) > self.badge.maxLength():
            self.show_message(self.tr("That code is not a badge (%1). The screen is locked: "
                                      "scan your badge to continue.").replace("%1", badge[:24] or "?"),
                              "warning")
            return True
        self.badge.setText(badge)
        self.pin.clear()
        self._focus(self.pin)
        self.show_message(self._badge_hint(badge), "ok")
        return True

    def _badge_hint(self, badge: str) -> str:
        for a in self._session.actors:
            if a.badge == badge:
                return self.tr("%1: enter your PIN.").replace("%1", a.name)
        current = self._session.actor
        if current is not None and not self._session.multi_operator:
            return self.tr("Badge %1: enter the PIN to take over from %2.").replace(
                "%1", badge).replace("%2", current.name)
        return self.tr("Badge %1: enter the PIN to sign in.").replace("%1", badge)

    def _enter(self) -> None:
        if self.badge.text() and not self.pin.text():
            self._focus(self.pin)
            self.show_message(self._badge_hint(self.badge.text().strip()), "ok")
            return
        self.submit()

    def submit(self) -> None:
        badge, pin = self.badge.text().strip(), self.pin.text()
        if not badge:
            self.show_message(self.tr("Scan your badge or type its number first."), "warning")
            self._focus(self.badge)
            return
        if not pin:
            self.show_message(self.tr("Enter your PIN."), "warning")
            self._focus(self.pin)
            return
        self.unlock_button.setEnabled(False)
        self.show_message(self.tr("Checking…"), "ok")
        self._session.unlock(badge, pin)

    def _on_failed(self, message: str) -> None:
        self.unlock_button.setEnabled(True)
        self.pin.clear()
        self._focus(self.pin if self.badge.text() else self.badge)
        self.show_message(message, "alarm")
