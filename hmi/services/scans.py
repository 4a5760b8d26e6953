"""One place every barcode scan goes through, whichever scanner read it.

Serial scanners (:class:`hmi.devices.scanner.SerialScanner`) and keyboard-wedge
scanners (:class:`hmi.views.wedge.WedgeFilter`) both hand their
:class:`~hmi.devices.scanner.Scan` to :meth:`ScanHub.deliver`. The hub offers
it to the *handlers* the screens have registered, newest first; the first one
that returns True has taken it. A scan nobody wants is not dropped silently:
``sig_unhandled`` lets the window tell the person it was read but not expected
here, and nothing was changed.

Scans are not typed into whatever field has focus (that is the whole point of
catching the wedge), so a screen that expects a scan registers a handler while
it is shown: the login screen takes a scan as a badge number, later screens
take material lots, tools, gauges.

The hub also carries the serial scanner's link state for the header.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

#: A handler gets the Scan and returns True when it took it.
ScanHandler = Callable[[Any], bool]


class ScanHub(QObject):
    sig_scan = Signal(object)  # every scan, handled or not (for diagnostics, later the audit)
    sig_unhandled = Signal(object)  # a scan no screen wanted
    sig_scanner_state = Signal(str)  # ConnectionState value of the serial scanner

    def __init__(self, parent: QObject | None = None, *, history: int = 50) -> None:
        super().__init__(parent)
        self._handlers: list[ScanHandler] = []
        self._recent: deque[Any] = deque(maxlen=history)
        self.scanner_state = ""

    def add_handler(self, handler: ScanHandler) -> None:
        """Offer scans to ``handler`` before any handler added earlier."""
        if handler not in self._handlers:
            self._handlers.append(handler)

    def remove_handler(self, handler: ScanHandler) -> None:
        if handler in self._handlers:
            self._handlers.remove(handler)

    def recent(self) -> list[Any]:
        return list(self._recent)

    def deliver(self, scan: Any) -> bool:
        """Hand ``scan`` to the newest handler that takes it; True when one did."""
        self._recent.append(scan)
        log.info("scan from %s: %s %r", scan.source, scan.symbology or "-", scan.raw)
        self.sig_scan.emit(scan)
        for handler in reversed(list(self._handlers)):
            if handler(scan):
                return True
        self.sig_unhandled.emit(scan)
        return False

    def set_scanner_state(self, state: object) -> None:
        self.scanner_state = str(state)
        self.sig_scanner_state.emit(self.scanner_state)
