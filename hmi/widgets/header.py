"""Header shown on every screen: station, machine state, link health, person, clock."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QTimer, QTimeZone
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from hmi.widgets.style import set_props
from hmi.widgets.tiles import ShrinkLabel


class HeaderBar(QFrame):
    def __init__(self, station_text: str, timezone: str = "UTC",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self._tz = QTimeZone(timezone.encode())
        lay = QHBoxLayout(self)
        lay.setContentsMargins(16, 6, 16, 6)
        lay.setSpacing(18)
        # Name and person give way (clipped) before the state and link indicators do.
        self.station = ShrinkLabel(station_text, self)
        self.station.setObjectName("stationName")
        self.state = QLabel(self.tr("CONNECTING"), self)
        self.state.setObjectName("statePill")
        self.link = QLabel("", self)
        self.link.setObjectName("linkLabel")
        # Shown only when a serial scanner is configured.
        self.scanner = QLabel("", self)
        self.scanner.setObjectName("linkLabel")
        self.scanner.hide()
        self.user = ShrinkLabel(self.tr("Nobody logged in"), self)
        self.user.setObjectName("userLabel")
        self.clock = QLabel("", self)
        self.clock.setObjectName("clock")
        self.user.setMaximumWidth(320)
        self.station.setMaximumWidth(360)
        lay.addWidget(self.station)
        lay.addWidget(self.state)
        lay.addWidget(self.link)
        lay.addWidget(self.scanner)
        lay.addStretch(1)
        lay.addWidget(self.user)
        lay.addWidget(self.clock)
        set_props(self.state, severity="unknown")
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        self._tick()

    def _tick(self) -> None:
        now = QDateTime.currentDateTime().toTimeZone(self._tz)
        self.clock.setText(now.toString("HH:mm"))

    def set_machine_state(self, text: str, severity: str) -> None:
        if self.state.text() != text:
            self.state.setText(text)
        set_props(self.state, severity=severity)

    def set_link(self, text: str, severity: str) -> None:
        if self.link.text() != text:
            self.link.setText(text)
        set_props(self.link, severity=severity)

    def set_scanner(self, text: str, severity: str) -> None:
        if self.scanner.text() != text:
            self.scanner.setText(text)
        set_props(self.scanner, severity=severity)
        self.scanner.show()

    def set_user(self, text: str) -> None:
        self.user.setText(text)
