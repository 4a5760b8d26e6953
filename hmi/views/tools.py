"""Tools and fixtures at the station: life used, what is mounted, and maintenance's reset.

Each tool is a card: code and type, cycles used of its limit, mounted or not.
Past the warning level the card is amber, at the limit red (it blocks every
start until maintenance resets it). Reset asks what was done (one tap on a
reason) and needs ``tool.reset``; the count before the reset is recorded and
audited. Unmount records that a tool was taken off the machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hmi.services.permissions import PermissionDenied
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.choice_dialog import ChoiceDialog
from hmi.widgets.message import MessageLabel

RESET_REASONS = (QT_TRANSLATE_NOOP("ResetDialog", "Reground / repaired"),
                 QT_TRANSLATE_NOOP("ResetDialog", "Wear parts replaced"),
                 QT_TRANSLATE_NOOP("ResetDialog", "Inspected, within limits"),
                 QT_TRANSLATE_NOOP("ResetDialog", "Replaced by a new tool"))


class ResetDialog(ChoiceDialog):
    """What maintenance did to the tool: one tap on a reason."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        def t(text: str) -> str:
            return QCoreApplication.translate("ResetDialog", text)

        super().__init__(t("Reset tool life"), t("What was done to %1?").replace("%1", code),
                         [t(r) for r in RESET_REASONS], parent=parent)


def tool_card(t: Any) -> Card:
    used = f"{t.cycles:,}" + (f" / {t.limit:,}" if t.limit else "") + f" {t.life_unit}"
    state = {"warn": "NEAR LIMIT", "limit": "AT LIMIT · blocked"}.get(t.state, "")
    detail = " · ".join(x for x in (t.tool_type, used, "mounted" if t.mounted else "", state)
                        if x)
    severity = {"warn": "warning", "limit": "alarm"}.get(t.state, "normal")
    remaining = getattr(t, "remaining", None)
    badge = f"{remaining:,} left" if remaining is not None else ""
    return Card(key=t.code, title=f"{t.code} · {t.name}", detail=detail, severity=severity,
                badge=badge)


class ToolsView(QWidget):
    sig_back = Signal()

    def __init__(self, tools: Any, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolsScreen")
        self._tools = tools
        self._session = session
        self._selected: str | None = None
        self.reset_dialog_factory: Callable[..., Any] = ResetDialog  # tests replace it
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        title = QLabel(self.tr("Tools and fixtures"), self)
        title.setObjectName("screenTitle")
        root.addWidget(title)
        self.list = CardList(self.tr("No tools are known at this station."), self)
        self.list.sig_selected.connect(self.select)
        root.addWidget(self.list, 1)
        self.message = MessageLabel(self)
        root.addWidget(self.message)
        row = QHBoxLayout()
        self.back_button = QPushButton(self.tr("◀  Orders"), self)
        self.back_button.clicked.connect(self.sig_back.emit)
        self.unmount_button = QPushButton(self.tr("Unmount"), self)
        self.unmount_button.clicked.connect(self.do_unmount)
        self.reset_button = QPushButton(self.tr("Reset life (maintenance)"), self)
        self.reset_button.clicked.connect(self.do_reset)
        for b in (self.back_button, self.unmount_button, self.reset_button):
            row.addWidget(b)
        root.addLayout(row)
        tools.sig_tools_changed.connect(self._refresh_any)
        tools.sig_tool_warning.connect(self._refresh_any)
        tools.sig_tool_limit.connect(self._refresh_any)
        # Cycles climb with every part; while the screen is shown it follows them.
        self._timer = QTimer(self)
        self._timer.setInterval(2000)
        self._timer.timeout.connect(self.refresh)
        tools.sig_error.connect(self._alarm)
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()
        self._timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        self._timer.stop()

    # Service signals reach bound methods (not lambdas): Qt drops the connection when this
    # screen is destroyed, so a late signal can never reach a deleted widget.
    def _refresh_any(self, *_: object) -> None:
        self.refresh()

    def _alarm(self, text: str) -> None:
        self.message.say(text, "alarm")

    def refresh(self) -> None:
        try:
            status = sorted(self._tools.status(),
                            key=lambda t: ({"limit": 0, "warn": 1}.get(t.state, 2),
                                           not t.mounted, t.code))
        except Exception:  # not loaded yet
            status = []
        self.list.set_cards([tool_card(t) for t in status])
        if self._selected not in {t.code for t in status}:
            self._selected = None
        self.list.select(self._selected)
        tool = next((t for t in status if t.code == self._selected), None)
        self.reset_button.setEnabled(tool is not None)
        self.unmount_button.setEnabled(tool is not None and tool.mounted)

    def select(self, code: str) -> None:
        self._selected = code
        self.message.say("", "ok")
        self.refresh()

    def do_reset(self) -> None:
        code = self._selected
        if not code:
            return
        dlg = self.reset_dialog_factory(code, self)
        if not dlg.exec():
            return
        try:
            self._tools.reset_life(self._session.actor, code, dlg.reason)
        except PermissionDenied as exc:
            self.message.say(str(exc), "alarm")
            return
        except Exception as exc:
            self.message.say(str(exc), "alarm")
            return
        self.message.say(self.tr("%1: life counter reset (%2).").replace("%1", code)
                         .replace("%2", dlg.reason), "ok")

    def do_unmount(self) -> None:
        code = self._selected
        if not code:
            return
        try:
            self._tools.unmount(self._session.actor, code, "unmounted at the station")
        except Exception as exc:
            self.message.say(str(exc), "alarm")
            return
        self.message.say(self.tr("%1 unmounted.").replace("%1", code), "ok")
