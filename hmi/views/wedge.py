"""Keyboard-wedge barcode scanners, told apart from a person typing by inter-key timing.

A USB HID ("keyboard wedge") scanner types its code as key presses, a few
milliseconds apart, and finishes with Enter (or Tab). :class:`WedgeFilter` is
installed on the QApplication as an event filter and watches key presses on
their way to widgets:

* a printable key starts a *burst*: it is **held** (swallowed, a copy kept);
* further keys that follow within ``max_interkey_ms`` join the burst;
* the terminator key arriving in time after at least ``min_length``
  characters makes the burst a scan: every held key and the terminator are
  swallowed (the focused widget receives none of them), the releases of those
  keys too, and ``scanned`` emits a :class:`~hmi.devices.scanner.Scan` with
  ``source="wedge"`` (AIM identifier handled as for serial scanners);
* anything else — a slow key, a short burst ended by Enter, a non-character
  key, a Ctrl/Alt shortcut, auto-repeat, or no key for ``hold_ms`` — means a
  person: the held keys are **replayed** to their original receivers, in
  order (presses and releases), then the current key goes on as usual. A
  person therefore sees each key appear ``hold_ms`` (default 2 ×
  ``max_interkey_ms``) late at most.

Modifier-only keys (Shift, Ctrl, …) and releases of keys not held pass at
once. Inside a burst, Ctrl plus ``@``, ``A``…``Z``, ``[``, ``\\``, ``]``, ``^``,
``_`` is the matching control character, so a scanner that sends GS (0x1D) as
Ctrl+] keeps it in the code; outside a burst such keys are shortcuts and pass.

Timing is measured with the key events' own timestamps (set by the windowing
system when the key happened) when they carry one, otherwise with the clock
at the moment the filter sees the key. The timer that gives a burst up when
no further key comes runs on the GUI thread; if it fires late (the thread was
busy, so keys may be queued unseen) it waits one more interval instead of
replaying, up to three times. A scan can only start after a quiet gap (or
right after another scan), so a burst that was given up and replayed is never
followed by a truncated "scan" made of its tail. Limits: see docs/scanners.md.

Only events whose receiver is a QWidget are examined; the same event
propagated to a parent widget (after the child ignored it) is recognised and
passed, and replayed events pass the filter untouched.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from hmi.config import ScannerSection
from hmi.devices.scanner import Scan, make_scan

__all__ = ["TERMINATORS", "WedgeFilter"]

log = logging.getLogger(__name__)

Key = Qt.Key
Mod = Qt.KeyboardModifier

#: Terminator setting -> the keys that end a scan.
TERMINATORS: dict[str, frozenset[int]] = {
    "ENTER": frozenset({Key.Key_Return.value, Key.Key_Enter.value}),
    "TAB": frozenset({Key.Key_Tab.value}),
    "ENTER_OR_TAB": frozenset({Key.Key_Return.value, Key.Key_Enter.value, Key.Key_Tab.value}),
}
_MODIFIER_KEYS = frozenset(
    k.value
    for k in (
        Key.Key_Shift, Key.Key_Control, Key.Key_Alt, Key.Key_AltGr, Key.Key_Meta,
        Key.Key_Super_L, Key.Key_Super_R, Key.Key_Hyper_L, Key.Key_Hyper_R,
        Key.Key_CapsLock, Key.Key_NumLock, Key.Key_ScrollLock, Key.Key_Mode_switch,
    )
)
_CTRL, _ALT, _META = Mod.ControlModifier, Mod.AltModifier, Mod.MetaModifier
#: A timer this much behind its deadline means the GUI thread was busy.
_LATE_S = 0.020
_MAX_REARMS = 3


@dataclass
class _Held:
    receiver: QObject
    event: QKeyEvent  # a copy: Qt reuses the original once the filter returns
    is_press: bool


class WedgeFilter(QObject):
    """Application event filter that turns keyboard-wedge scanner bursts into scans.

    Install with :meth:`install` (``QApplication.installEventFilter``). Emits
    ``scanned(Scan)`` on the GUI thread, after the terminator key has been
    handled.
    """

    scanned = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_interkey_ms: int = 35,
        min_length: int = 4,
        terminator: str = "ENTER",
        max_length: int = 512,
        hold_ms: int | None = None,
        enabled: bool = True,
    ) -> None:
        super().__init__(parent)
        if not 1 <= max_interkey_ms <= 1000:
            raise ValueError(f"wedge max_interkey_ms must be 1…1000 ms, got {max_interkey_ms}")
        if min_length < 1:
            raise ValueError(f"wedge min_length must be at least 1, got {min_length}")
        if terminator not in TERMINATORS:
            raise ValueError(
                f"wedge terminator {terminator!r} is not one of {', '.join(TERMINATORS)}"
            )
        self.max_interkey_ms = max_interkey_ms
        self.min_length = min_length
        self.terminator = terminator
        self.max_length = max_length
        self.hold_ms = hold_ms if hold_ms is not None else 2 * max_interkey_ms
        if self.hold_ms < max_interkey_ms:
            raise ValueError(f"wedge hold_ms ({self.hold_ms}) must be >= max_interkey_ms ({max_interkey_ms})")
        self._terms = TERMINATORS[terminator]
        self._enabled = enabled

        self._held: list[_Held] = []
        self._burst: list[str] = []
        self._last_key: tuple[int, float] | None = None  # (event timestamp, monotonic) of the last key
        self._after_scan = False
        self._swallow_release: set[int] = set()
        self._replaying = 0
        self._passed: tuple[int, int, int, QObject] | None = None  # for propagation to parents
        self._deadline = 0.0
        self._rearms = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timeout)
        self._app: QCoreApplication | None = None

    @classmethod
    def from_config(cls, section: ScannerSection, parent: QObject | None = None) -> WedgeFilter:
        return cls(
            parent,
            max_interkey_ms=section.wedge_max_interkey_ms,
            min_length=section.wedge_min_length,
            terminator=section.wedge_terminator,
            max_length=section.max_length,
            enabled=section.wedge,
        )

    # ------------------------------------------------------------------ public API

    def install(self, app: QCoreApplication | None = None) -> None:
        """Install on ``app`` (default: the running QApplication)."""
        app = app or QCoreApplication.instance()
        if app is None:
            raise RuntimeError("WedgeFilter.install needs a QApplication")
        self.uninstall()
        app.installEventFilter(self)
        self._app = app

    def uninstall(self) -> None:
        """Remove the filter; held keys are replayed first."""
        self.flush()
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def is_enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Disabled, every key passes untouched (held keys are replayed first)."""
        if not enabled:
            self.flush()
        self._enabled = enabled

    def flush(self) -> None:
        """Replay whatever is held now (e.g. before a screen changes)."""
        self._replay("flushed")

    @property
    def holding(self) -> int:
        """Number of key presses currently held (for diagnosis and tests)."""
        return sum(1 for h in self._held if h.is_press)

    # ------------------------------------------------------------------ the filter

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        etype = event.type()
        if etype is not QEvent.Type.KeyPress and etype is not QEvent.Type.KeyRelease:
            return False
        if self._replaying or not self._enabled or not isinstance(obj, QWidget):
            return False
        assert isinstance(event, QKeyEvent)
        if self._is_propagation(obj, event):
            return False
        if etype is QEvent.Type.KeyRelease:
            swallow = self._on_release(obj, event)
        else:
            swallow = self._on_press(obj, event)
        if swallow:
            event.accept()  # stops Qt from offering it to the parent widgets
            self._passed = None
        else:
            self._passed = (shiboken6.getCppPointer(event)[0], etype.value, event.key(), obj)
        return swallow

    def _is_propagation(self, obj: QWidget, event: QKeyEvent) -> bool:
        """The event we just passed, now offered to a parent because the child ignored it."""
        if self._passed is None:
            return False
        ptr, etype, key, receiver = self._passed
        if (
            ptr != shiboken6.getCppPointer(event)[0]
            or etype != event.type().value
            or key != event.key()
            or not shiboken6.isValid(receiver)
            or not isinstance(receiver, QWidget)
            or not obj.isAncestorOf(receiver)
        ):
            return False
        self._passed = (ptr, etype, key, obj)
        return True

    def _gap_ms(self, now: tuple[int, float]) -> float:
        """Milliseconds since the previous key: event timestamps if both have one, else clock."""
        if self._last_key is None:
            return float("inf")
        (ts0, mono0), (ts1, mono1) = self._last_key, now
        if ts0 and ts1 and ts1 >= ts0:
            return float(ts1 - ts0)
        return (mono1 - mono0) * 1000.0

    def _char(self, event: QKeyEvent, in_burst: bool) -> str | None:
        """The character this key adds to a code, or None (not a character key)."""
        mods = event.modifiers()
        ctrl, alt, meta = bool(mods & _CTRL), bool(mods & _ALT), bool(mods & _META)
        text = event.text()
        if ctrl and not alt and not meta:
            if not in_burst:
                return None  # a shortcut
            if len(text) == 1 and ord(text) < 0x20:
                return text
            key = event.key()
            return chr(key - 0x40) if 0x40 <= key <= 0x5F else None
        if meta or (alt and not ctrl):
            return None
        # No Ctrl/Alt, or Ctrl+Alt together (AltGr on Windows): a printable character.
        return text if len(text) == 1 and text.isprintable() else None

    def _on_press(self, obj: QWidget, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _MODIFIER_KEYS:
            return False
        self._swallow_release.discard(key)
        now = (event.timestamp(), time.monotonic())
        gap = self._gap_ms(now)
        self._last_key = now
        if event.isAutoRepeat():
            self._replay("auto-repeat")
            self._after_scan = False
            return False
        mods = event.modifiers()
        is_term = key in self._terms and not mods & (_CTRL | _ALT | _META)
        if self._held:
            if gap > self.max_interkey_ms:
                self._replay(f"gap of {gap:.0f} ms")  # then this key is judged afresh below
            elif is_term:
                if len(self._burst) >= self.min_length:
                    self._complete(key)
                    return True
                self._replay(f"only {len(self._burst)} characters before the terminator")
                return False
            else:
                char = self._char(event, in_burst=True)
                if char is None:
                    self._replay("not a character key")
                    return False
                self._hold(obj, event, char)
                if len(self._burst) > self.max_length:
                    self._replay(f"longer than {self.max_length} characters")
                return True
        char = None if is_term else self._char(event, in_burst=False)
        quiet = self._after_scan or gap > self.max_interkey_ms
        self._after_scan = False
        if char is not None and quiet:
            self._hold(obj, event, char)
            return True
        return False

    def _on_release(self, obj: QWidget, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _MODIFIER_KEYS:
            return False
        if key in self._swallow_release and not event.isAutoRepeat():
            self._swallow_release.discard(key)
            return True
        if any(h.is_press and h.event.key() == key for h in self._held):
            self._held.append(_Held(obj, QKeyEvent(event), is_press=False))
            return True
        return False

    def _hold(self, obj: QWidget, event: QKeyEvent, char: str) -> None:
        self._held.append(_Held(obj, QKeyEvent(event), is_press=True))
        self._burst.append(char)
        self._rearms = 0
        self._deadline = time.monotonic() + self.hold_ms / 1000
        self._timer.start(self.hold_ms)

    def _on_timeout(self) -> None:
        if not self._held:
            return
        late = time.monotonic() - self._deadline
        if late > _LATE_S and self._rearms < _MAX_REARMS:
            # The GUI thread was busy: keys of this burst may be queued, unseen. Look again.
            self._rearms += 1
            self._deadline = time.monotonic() + self.max_interkey_ms / 1000
            self._timer.start(self.max_interkey_ms)
            return
        self._replay(f"no key for {self.hold_ms} ms")

    def _complete(self, terminator: int) -> None:
        released = {h.event.key() for h in self._held if not h.is_press}
        pressed = {h.event.key() for h in self._held if h.is_press}
        self._swallow_release |= (pressed - released) | {terminator}
        text = "".join(self._burst)
        self._held.clear()
        self._burst.clear()
        self._timer.stop()
        self._after_scan = True
        scan = make_scan(text.encode("utf-8"), "wedge")
        log.info("wedge scan: %d characters, symbology %s", len(text), scan.symbology or "none")
        # Emitted after this key event is finished, so a slot may change focus or open a dialog.
        QTimer.singleShot(0, self, functools.partial(self._emit, scan))

    def _emit(self, scan: Scan) -> None:
        self.scanned.emit(scan)

    def _replay(self, reason: str) -> None:
        if not self._held:
            return
        held, self._held = self._held, []
        self._burst.clear()
        self._timer.stop()
        log.debug("wedge: replaying %d key events as typing (%s)", len(held), reason)
        self._replaying += 1
        try:
            for h in held:
                if shiboken6.isValid(h.receiver):
                    QCoreApplication.sendEvent(h.receiver, h.event)
        finally:
            self._replaying -= 1
