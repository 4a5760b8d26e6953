"""Header shown on every screen: station, machine state, link health, person, clock."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QTimer, QTimeZone, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from hmi.widgets.style import set_props
from hmi.widgets.tiles import FitLabel


class _Indicator(QPushButton):
    """A header indicator keeps its whole text; the station name and the person give way."""

    def __init__(self, text: str, parent: QWidget) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def show_state(self, text: str, severity: str) -> None:
        """New text and/or look, and a width that fits it (the theme's min-width is not enough)."""
        if self.text() != text:
            self.setText(text)
        set_props(self, severity=severity)
        self.ensurePolished()
        self.setFixedWidth(self.sizeHint().width())


class HeaderBar(QFrame):
    """``sig_alarms_tapped`` / ``sig_andon_tapped`` / ``sig_sync_tapped``: the indicators
    lead to their screens."""

    sig_alarms_tapped = Signal()
    sig_andon_tapped = Signal()
    sig_sync_tapped = Signal()

    def __init__(self, station_text: str, timezone: str = "UTC",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self._tz = QTimeZone(timezone.encode())
        lay = QHBoxLayout(self)
        lay.setContentsMargins(16, 6, 16, 6)
        lay.setSpacing(12)
        # Name and person give way (clipped) before the state and link indicators do.
        self.station = FitLabel(station_text, self, min_px=16)
        self.station.setMinimumWidth(160)
        self.station.setObjectName("stationName")
        self.state = QLabel(self.tr("CONNECTING"), self)
        self.state.setObjectName("statePill")
        self.link = QLabel("", self)
        self.link.setObjectName("linkLabel")
        # Shown only when a serial scanner is configured.
        self.scanner = QLabel("", self)
        self.scanner.setObjectName("linkLabel")
        self.scanner.hide()
        # Shown only when a central database is configured: sync health (docs/sync.md).
        # Tapping it opens the Sync screen (health, refused rows).
        self.sync = _Indicator("", self)
        self.sync.setObjectName("syncIndicator")
        self.sync.clicked.connect(self.sig_sync_tapped)
        self.sync.hide()
        # Unacknowledged alarms and open andon calls stand out on every screen.
        self.alarms = _Indicator(self.tr("No alarms"), self)
        self.alarms.setObjectName("alarmIndicator")
        self.alarms.clicked.connect(self.sig_alarms_tapped)
        self.andon = _Indicator("", self)
        self.andon.setObjectName("andonIndicator")
        self.andon.clicked.connect(self.sig_andon_tapped)
        self.andon.hide()
        self._blink_on = False
        self._alarm_severity = "normal"
        self.user = FitLabel(self.tr("Nobody logged in"), self, min_px=14)
        self.user.setMinimumWidth(110)
        self.user.setObjectName("userLabel")
        self.clock = QLabel("", self)
        self.clock.setObjectName("clock")
        self.user.setMaximumWidth(240)
        self.station.setMaximumWidth(300)
        lay.addWidget(self.station)
        lay.addWidget(self.state)
        lay.addWidget(self.link)
        lay.addWidget(self.scanner)
        lay.addWidget(self.sync)
        lay.addWidget(self.alarms)
        lay.addWidget(self.andon)
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
        if self._alarm_severity == "alarm":  # unacknowledged: blinks (ISA-18.2), slow enough to read
            self._blink_on = not self._blink_on
            self.alarms.show_state(self.alarms.text(), "alarm" if self._blink_on else "warning")

    def set_alarms(self, unacknowledged: int, active: int) -> None:
        """Unacknowledged alarms blink red/amber; acknowledged but active ones stay amber."""
        if unacknowledged:
            text = self.tr("⚠ %1 NEW ALARM").replace("%1", str(unacknowledged))
            self._alarm_severity = "alarm"
        elif active:
            text = self.tr("%1 alarm(s) active").replace("%1", str(active))
            self._alarm_severity = "warning"
        else:
            text = self.tr("No alarms")
            self._alarm_severity = "normal"
        self.alarms.show_state(text, self._alarm_severity)

    @property
    def alarm_severity(self) -> str:
        return self._alarm_severity

    def set_andon(self, open_calls: int, waiting: int) -> None:
        """Open andon calls; ``waiting``: not yet answered by anyone."""
        if not open_calls:
            self.andon.hide()
            return
        text = (self.tr("ANDON %1 waiting").replace("%1", str(waiting)) if waiting
                else self.tr("ANDON %1 open").replace("%1", str(open_calls)))
        self.andon.show_state(text, "warning" if waiting else "normal")
        self.andon.show()

    def set_machine_state(self, text: str, severity: str) -> None:
        if self.state.text() != text:
            self.state.setText(text)
        set_props(self.state, severity=severity)

    def set_link(self, text: str, severity: str) -> None:
        """The machine link: said only when it is not fine (the state pill says the rest),
        so the header has room for the indicators that matter (ISA-101: quiet when normal)."""
        if self.link.text() != text:
            self.link.setText(text)
        set_props(self.link, severity=severity)
        self.link.setVisible(severity != "normal")

    def set_scanner(self, text: str, severity: str) -> None:
        if self.scanner.text() != text:
            self.scanner.setText(text)
        set_props(self.scanner, severity=severity)
        self.scanner.show()

    def set_sync(self, text: str, severity: str) -> None:
        """Sync with the central database: quiet when all is sent, amber/red when not."""
        self.sync.show_state(text, severity)
        self.sync.show()

    def set_user(self, text: str) -> None:
        self.user.setText(text)
