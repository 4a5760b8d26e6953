"""WedgeFilter: keyboard-wedge scans told apart from typing, on a real focused QLineEdit.

Keys are delivered the way the windowing system delivers them: press and
release events sent to the focus widget, each stamped with the time the key
"happened" (``QKeyEvent.timestamp``, as X11/Wayland set it). The test pauses
between keys with ``qtbot.wait`` so the event loop, and the filter's timer,
run as they would on a station. Judging by the events' timestamps keeps the
outcome independent of how busy the CPU is; ``test_real_qtest_typing`` uses
plain ``QTest`` key clicks (no timestamps, so the filter uses its own clock).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from hmi.config import ScannerSection
from hmi.devices.scanner import GS, Scan
from hmi.views.wedge import WedgeFilter

Key = Qt.Key
Mod = Qt.KeyboardModifier
ENTER = Key.Key_Return
TAB = Key.Key_Tab
GS_KEY = (Key.Key_BracketRight, Mod.ControlModifier)  # how a US-layout wedge types GS (0x1D)


class KeyCounter(QObject):
    """Counts the key events that actually reach a widget (after the application filter)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.presses: list[str] = []
        self.releases = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress:
            self.presses.append(event.text())  # type: ignore[attr-defined]
        elif event.type() == QEvent.Type.KeyRelease:
            self.releases += 1
        return False


class Station:
    """A screen with a focused line edit, and a keyboard that types into the focus widget."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.window = QWidget()
        layout = QVBoxLayout(self.window)
        self.line = QLineEdit()
        self.other = QLineEdit()
        layout.addWidget(self.line)
        layout.addWidget(self.other)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window, timeout=2000)
        self.line.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is self.line, timeout=2000)
        self.counter = KeyCounter(self.line)
        self.returns: list[str] = []  # the line edit's text each time Enter reached it
        self.line.returnPressed.connect(lambda: self.returns.append(self.line.text()))
        self._ts = 1_000_000  # keyboard clock (ms), as the windowing system stamps events
        self._gap = 1000  # ms since the previous key (the pause after it)

    def press(self, key: Key, text: str, mods: Mod = Mod.NoModifier) -> None:
        target = QApplication.focusWidget() or self.line
        for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(etype, key, mods, text)
            event.setTimestamp(self._ts)
            QApplication.sendEvent(target, event)

    def type(
        self, keys: Sequence[str | Key | tuple[Key, Mod]], interval_ms: int, *, busy_after: int = -1
    ) -> list[float]:
        """Type ``keys`` one every ``interval_ms``; returns the seconds each took to show up.

        (The time is measured only for characters, and only when typing slowly.)
        ``busy_after``: block the GUI thread for 150 ms after that key, as a slow
        slot or a repaint would; the keys keep their timestamps.
        """
        latencies: list[float] = []
        for n, item in enumerate(keys):
            self._ts += self._gap
            if isinstance(item, str):
                mods = Mod.ShiftModifier if item.isupper() else Mod.NoModifier
                before = self.line.text()
                self.press(Key(ord(item.upper())), item, mods)
                if interval_ms >= 100:
                    t0 = time.monotonic()
                    want = before + item
                    self.qtbot.waitUntil(lambda: self.line.text() == want, timeout=3000)  # noqa: B023
                    latencies.append(time.monotonic() - t0)
            elif isinstance(item, tuple):
                key, mods = item
                self.press(key, "", mods)
            else:
                self.press(item, {ENTER: "\r", TAB: "\t"}.get(item, ""))
            if n == busy_after:
                time.sleep(0.15)
            self.qtbot.wait(interval_ms)
            self._gap = interval_ms
        return latencies


@pytest.fixture
def wedge(qapp: QApplication) -> Iterator[WedgeFilter]:
    f = WedgeFilter()  # the defaults: 35 ms between keys, at least 4 characters, Enter
    f.install(qapp)
    yield f
    f.uninstall()


@pytest.fixture
def station(qtbot: QtBot, wedge: WedgeFilter) -> Station:
    return Station(qtbot)


def collect(wedge: WedgeFilter) -> list[Scan]:
    scans: list[Scan] = []
    wedge.scanned.connect(scans.append)
    return scans


def test_fast_burst_is_a_scan_and_the_focused_field_gets_nothing(
    station: Station, wedge: WedgeFilter, qtbot: QtBot
) -> None:
    code = ["]", "d", "2", *"0104012345678901", "1", "0", *"LOT7", GS_KEY, *"21SN42", ENTER]
    with qtbot.waitSignal(wedge.scanned, timeout=2000) as blocker:
        station.type(code, interval_ms=5)
    scan: Scan = blocker.args[0]
    assert scan.source == "wedge"
    assert scan.symbology == "]d2" and scan.is_gs1
    assert scan.payload == b"0104012345678901" + b"10LOT7" + GS + b"21SN42"
    assert scan.raw == b"]d2" + scan.payload
    assert scan.text == "010401234567890110LOT7\x1d21SN42"
    qtbot.wait(200)  # longer than the filter would ever hold a key
    assert station.line.text() == ""
    assert station.counter.presses == [] and station.counter.releases == 0
    assert station.returns == []
    assert wedge.holding == 0


def test_scan_survives_the_gui_thread_being_busy_mid_scan(
    station: Station, wedge: WedgeFilter, qtbot: QtBot
) -> None:
    # The filter's 70 ms timer is overdue when the loop runs again; it must not take
    # the keys seen so far for typing while the rest of the code is still queued.
    with qtbot.waitSignal(wedge.scanned, timeout=2000) as blocker:
        station.type([*"]C1LOT-0042-X", ENTER], interval_ms=5, busy_after=6)
    assert blocker.args[0].raw == b"]C1LOT-0042-X"
    assert station.line.text() == ""


def test_human_typing_lands_in_the_field_in_order(station: Station, wedge: WedgeFilter, qtbot: QtBot) -> None:
    scans = collect(wedge)
    latencies = station.type([*"Lot 7a", ENTER], interval_ms=150)
    qtbot.wait(200)
    assert station.line.text() == "Lot 7a"
    assert station.returns == ["Lot 7a"]  # Enter came after every character
    assert station.counter.presses == [*"Lot 7a", "\r"]
    assert scans == []
    # Each key shows up after the filter's hold time (70 ms); far less than a second.
    assert max(latencies) < 1.0, latencies
    print(f"human key latency: max {max(latencies) * 1000:.0f} ms, "
          f"mean {sum(latencies) / len(latencies) * 1000:.0f} ms")


def test_short_fast_burst_is_not_a_scan_and_is_replayed(
    station: Station, wedge: WedgeFilter, qtbot: QtBot
) -> None:
    scans = collect(wedge)
    station.type(["1", "2", ENTER], interval_ms=5)
    qtbot.waitUntil(lambda: station.returns != [], timeout=2000)
    qtbot.wait(100)
    assert station.line.text() == "12"
    assert station.returns == ["12"]
    assert station.counter.presses == ["1", "2", "\r"]
    assert scans == []


def test_two_scans_back_to_back(station: Station, wedge: WedgeFilter, qtbot: QtBot) -> None:
    scans = collect(wedge)
    station.type([*"]C1ABC123", ENTER, *"]E04006381333931", ENTER], interval_ms=5)
    qtbot.waitUntil(lambda: len(scans) == 2, timeout=2000)
    assert [(s.symbology, s.payload) for s in scans] == [("]C1", b"ABC123"), ("]E0", b"4006381333931")]
    assert station.line.text() == ""


def test_typing_then_a_scan_keeps_both_apart(station: Station, wedge: WedgeFilter, qtbot: QtBot) -> None:
    scans = collect(wedge)
    station.type([*"qty"], interval_ms=150)
    station.type([*"]C1XYZ9", ENTER], interval_ms=4)
    qtbot.waitUntil(lambda: len(scans) == 1, timeout=2000)
    assert station.line.text() == "qty"
    assert scans[0].raw == b"]C1XYZ9"


def test_ctrl_shortcut_passes_through(station: Station, wedge: WedgeFilter, qtbot: QtBot) -> None:
    station.line.setText("select me")
    station.type([(Key.Key_A, Mod.ControlModifier)], interval_ms=150)
    assert station.line.selectedText() == "select me"  # Ctrl+A reached the field at once


def test_real_qtest_typing(station: Station, wedge: WedgeFilter, qtbot: QtBot) -> None:
    scans = collect(wedge)
    qtbot.keyClicks(station.line, "B-17", delay=150)
    qtbot.keyClick(station.line, ENTER, delay=150)
    qtbot.waitUntil(lambda: station.returns == ["B-17"], timeout=2000)
    assert scans == []


def test_disabled_filter_passes_everything(station: Station, wedge: WedgeFilter, qtbot: QtBot) -> None:
    scans = collect(wedge)
    wedge.set_enabled(False)
    station.type([*"]C1ABC123", ENTER], interval_ms=5)
    qtbot.wait(100)
    assert station.line.text() == "]C1ABC123"
    assert station.returns == ["]C1ABC123"]
    assert scans == []


def test_tab_terminator_from_the_station_file(qapp: QApplication, qtbot: QtBot) -> None:
    section = ScannerSection(wedge_terminator="TAB", wedge_min_length=6, wedge_max_interkey_ms=20)
    wedge = WedgeFilter.from_config(section)
    assert (wedge.max_interkey_ms, wedge.min_length, wedge.terminator) == (20, 6, "TAB")
    assert not WedgeFilter.from_config(ScannerSection(wedge=False)).is_enabled()
    wedge.install(qapp)
    try:
        station = Station(qtbot)
        scans = collect(wedge)
        station.type([*"PART-1", TAB], interval_ms=5)
        qtbot.waitUntil(lambda: len(scans) == 1, timeout=2000)
        assert scans[0].text == "PART-1" and scans[0].symbology is None
        assert QApplication.focusWidget() is station.line  # the Tab was swallowed too
        station.type([*"PART-2", ENTER], interval_ms=5)  # Enter is not the terminator now
        qtbot.waitUntil(lambda: station.returns == ["PART-2"], timeout=2000)
        assert len(scans) == 1
    finally:
        wedge.uninstall()


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="terminator 'CR' is not one of ENTER, TAB, ENTER_OR_TAB"):
        WedgeFilter(terminator="CR")
    with pytest.raises(ValueError, match="max_interkey_ms must be 1…1000 ms, got 0"):
        WedgeFilter(max_interkey_ms=0)
