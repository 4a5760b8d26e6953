"""A screen that takes barcode scans while it is shown."""

from __future__ import annotations

from typing import Any


class ScanScreen:
    """Mixin for a QWidget screen with ``self._scans`` (a ScanHub or None) and
    ``take_scan(scan) -> bool``: the hub offers scans to it only while it is visible.
    ``on_shown()`` runs each time it is shown (refresh what may have changed)."""

    _scans: Any = None

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)  # type: ignore[misc]
        if self._scans is not None:
            self._scans.add_handler(self.take_scan)  # type: ignore[attr-defined]
        self.on_shown()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)  # type: ignore[misc]
        if self._scans is not None:
            self._scans.remove_handler(self.take_scan)  # type: ignore[attr-defined]

    def on_shown(self) -> None:
        """Called when the screen is shown (after the scan handler is registered)."""
