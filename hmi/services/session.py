"""Who is at the station: login, logout and the acting person for every action."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from hmi.services.worker import DbWorker

log = logging.getLogger(__name__)


class StationSession(QObject):
    """Holds the logged-in :class:`~hmi.services.permissions.Actor`.

    PIN verification (a deliberately slow hash) runs on the database worker so
    the screen stays responsive; the outcome arrives as a signal.
    """

    sig_user_logged_in = Signal(object)
    sig_user_logged_out = Signal(str)
    sig_login_failed = Signal(str)

    def __init__(self, worker: DbWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._auth: Any = None
        self.actor: Any = None

    @property
    def ready(self) -> bool:
        return self._auth is not None

    def attach(self, auth: Any) -> None:
        """Called once the store is open and the auth service exists."""
        self._auth = auth

    def login(self, badge: str, pin: str) -> None:
        if self._auth is None:
            self.sig_login_failed.emit(self.tr(
                "The station is still starting. Try again in a few seconds."))
            return
        self._worker.submit(self._auth.login, badge.strip(), pin,
                            on_done=self._logged_in, on_error=self._failed)

    def _logged_in(self, actor: Any) -> None:
        self.actor = actor
        log.info("badge %s logged in", actor.badge)
        self.sig_user_logged_in.emit(actor)

    def _failed(self, exc: BaseException) -> None:
        message = getattr(exc, "operator_message", None)
        if message is None:
            log.error("login failed unexpectedly", exc_info=exc)
            message = self.tr("Login is not possible right now (%1). Tell a team lead.").replace(
                "%1", type(exc).__name__)
        self.sig_login_failed.emit(message)

    def logout(self, reason: str = "") -> None:
        if self.actor is None:
            return
        log.info("badge %s logged out (%s)", self.actor.badge, reason or "by user")
        if self._auth is not None:
            self._worker.submit(self._auth.logout, self.actor, reason)
        self.actor = None
        self.sig_user_logged_out.emit(reason)
