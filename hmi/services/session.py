"""Who is at the station: sign-in, screen lock, hand-over, several operators, kiosk exit.

State (GUI thread)
------------------
* :attr:`StationSession.actors` — everyone signed in at this station, in sign-in order.
  With ``[ui] multi_operator = false`` (the default) that is at most one person: a
  second person signing in *hands over* — the first is logged out ("hand-over to
  <name>", audited) and the second becomes the actor. With ``multi_operator = true``
  both stay signed in and the newcomer becomes the active one.
* :attr:`StationSession.actor` — the *active* person. Every service call is made with
  it; nothing else changes who acts.
* :attr:`StationSession.locked` — the screen is locked (inactivity, the Lock button, or
  the active person logged out while others stay signed in). Whoever is signed in
  stays signed in; the window shows the lock screen and lets nothing reach the page
  under it. Unlocking takes a PIN:

  - the active person's own PIN → unlocked (``session_unlock``);
  - another signed-in person's PIN → they become active (quick switch);
  - someone not signed in → they sign in (hand-over or, with several operators, added).

Every PIN check (a deliberately slow argon2 hash) and every audit write runs on the
database worker; outcomes arrive as signals on the GUI thread. Lock and unlock are
audited as ``session_lock`` / ``session_unlock``; leaving kiosk mode as ``kiosk_exit``
or ``kiosk_exit_refused`` (docs/kiosk.md).

This module is imported before the first paint: it must not import SQLAlchemy or the
PIN hasher (``hmi.services.auth``) at module level.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from hmi.services.i18n import tr
from hmi.services.permissions import KIOSK_EXIT, Actor, PermissionDenied
from hmi.services.worker import DbWorker

log = logging.getLogger(__name__)

_CTX = "StationSession"

# Reasons passed to logout()/lock() by the window (kept as plain words in the audit trail).
REASON_USER = "by user"
REASON_IDLE = "idle"


class StationSession(QObject):
    """The signed-in people, the active one, and the screen lock.

    Signals (all on the GUI thread):

    * ``sig_user_logged_in(actor)`` — someone signed in (login, hand-over, added).
    * ``sig_user_logged_out(reason)`` — nobody is signed in any more.
    * ``sig_login_failed(message)`` — a login from the login screen was refused.
    * ``sig_actor_signed_out(actor, reason)`` — one person left (also on hand-over).
    * ``sig_actors_changed(actors)`` — the tuple of signed-in people changed.
    * ``sig_active_changed(actor_or_None)`` — a different person acts now.
    * ``sig_locked(actor_or_None)`` / ``sig_unlocked(actor)`` / ``sig_unlock_failed(message)``.
    * ``sig_kiosk_exit_allowed(actor)`` / ``sig_kiosk_exit_refused(message)``.
    """

    sig_user_logged_in = Signal(object)
    sig_user_logged_out = Signal(str)
    sig_login_failed = Signal(str)
    sig_actor_signed_out = Signal(object, str)
    sig_actors_changed = Signal(object)
    sig_active_changed = Signal(object)
    sig_locked = Signal(object)
    sig_unlocked = Signal(object)
    sig_unlock_failed = Signal(str)
    sig_kiosk_exit_allowed = Signal(object)
    sig_kiosk_exit_refused = Signal(str)

    def __init__(self, worker: DbWorker, parent: QObject | None = None, *,
                 multi_operator: bool = False) -> None:
        super().__init__(parent)
        self._worker = worker
        self._auth: Any = None
        self._audit: Any = None
        self._session_factory: Any = None
        self.multi_operator = multi_operator
        self._actors: list[Actor] = []
        self._active: Actor | None = None
        self._locked = False

    # ------------------------------------------------------------------ state
    @property
    def actor(self) -> Actor | None:
        """The active person: every service call acts as them (None: nobody / none chosen)."""
        return self._active

    @actor.setter
    def actor(self, actor: Actor | None) -> None:
        # Direct assignment (tests, tools): no signals, no audit. None signs everybody out.
        if actor is None:
            self._actors.clear()
            self._active = None
            self._locked = False
            return
        i = self._index(actor.badge)
        if i is not None:
            self._actors[i] = actor
        elif self.multi_operator:
            self._actors.append(actor)
        else:
            self._actors[:] = [actor]
        self._active = actor

    @property
    def actors(self) -> tuple[Actor, ...]:
        """Everyone signed in, in sign-in order."""
        return tuple(self._actors)

    @property
    def locked(self) -> bool:
        return self._locked

    @property
    def ready(self) -> bool:
        return self._auth is not None

    def configure(self, *, multi_operator: bool) -> None:
        """Apply ``[ui] multi_operator`` (the window calls this with the station's config)."""
        self.multi_operator = multi_operator

    def attach(self, auth: Any, *, audit: Any = None, session_factory: Any = None) -> None:
        """Called once the store is open and the auth service exists.

        Lock, unlock and kiosk-exit entries go to ``audit`` (an
        :class:`~hmi.services.audit.AuditWriter`) through ``session_factory``; both
        default to the ones the auth service writes its own entries with.
        """
        self._auth = auth
        self._audit = audit if audit is not None else getattr(auth, "_audit", None)
        self._session_factory = (session_factory if session_factory is not None
                                 else getattr(auth, "_session_factory", None))

    # ------------------------------------------------------------------ login / logout
    def login(self, badge: str, pin: str) -> None:
        """Badge + PIN from the login screen; the outcome arrives as a signal."""
        if self._auth is None:
            self.sig_login_failed.emit(_still_starting())
            return
        self._worker.submit(self._auth.login, badge.strip(), pin,
                            on_done=self._logged_in, on_error=self._failed)

    def _logged_in(self, actor: Actor) -> None:
        log.info("badge %s logged in", actor.badge)
        self._accept(actor, unlock=self._locked)

    def _failed(self, exc: BaseException) -> None:
        self.sig_login_failed.emit(_message_for(exc, "Login"))

    def logout(self, reason: str = "", *, everyone: bool = False) -> None:
        """Log the active person out (``everyone``: all signed in, as the idle time-out does).

        If others stay signed in, the screen locks until one of them enters their PIN.
        """
        if not self._actors:
            return
        if everyone or self._active is None:
            leaving = list(self._actors) if everyone else []
        else:
            leaving = [self._active]
        if not leaving:
            return
        for actor in leaving:
            self._sign_out(actor, reason)
        if not self._actors:
            self._active = None
            self._locked = False
            self.sig_actors_changed.emit(self.actors)
            self.sig_active_changed.emit(None)
            self.sig_user_logged_out.emit(reason)
            return
        # Others are still signed in: nobody acts until one of them enters their PIN.
        gone = leaving[0]
        self._active = None
        self._locked = True
        self._record(gone.badge, "session_lock", detail=f"{gone.label} logged out; still signed "
                     f"in: {', '.join(a.label for a in self._actors)}")
        self.sig_actors_changed.emit(self.actors)
        self.sig_active_changed.emit(None)
        self.sig_locked.emit(None)

    def logout_all(self, reason: str = REASON_IDLE) -> None:
        self.logout(reason, everyone=True)

    def _sign_out(self, actor: Actor, reason: str) -> None:
        i = self._index(actor.badge)
        if i is None:
            return
        del self._actors[i]
        log.info("badge %s logged out (%s)", actor.badge, reason or REASON_USER)
        if self._auth is not None:
            self._worker.submit(self._auth.logout, actor, reason)
        self.sig_actor_signed_out.emit(actor, reason)

    # ------------------------------------------------------------------ lock / unlock
    def lock(self, reason: str = REASON_IDLE) -> None:
        """Lock the screen (inactivity or the Lock button). Nobody signed in: nothing to lock."""
        if self._locked or not self._actors:
            return
        self._locked = True
        who = self._active
        log.info("session locked (%s), badge %s", reason, who.badge if who else "-")
        self._record(who.badge if who else None, "session_lock", detail=reason or REASON_USER)
        self.sig_locked.emit(who)

    def unlock(self, badge: str, pin: str) -> None:
        """Badge + PIN on the lock screen: the same person, another signed-in person, or a
        newcomer (hand-over). The outcome arrives as ``sig_unlocked``/``sig_unlock_failed``."""
        badge = (badge or "").strip()
        if self._auth is None:
            self.sig_unlock_failed.emit(_still_starting())
            return
        if not badge:
            self.sig_unlock_failed.emit(tr(_CTX, "Scan your badge or type its number first."))
            return
        if not pin:
            self.sig_unlock_failed.emit(tr(_CTX, "Enter your PIN."))
            return
        # Someone signed in proves it is them; a newcomer logs in (both count wrong PINs).
        check = self._auth.reauthenticate if self._index(badge) is not None else self._auth.login
        self._worker.submit(check, badge, pin, on_done=self._unlock_checked,
                            on_error=self._unlock_refused)

    def _unlock_checked(self, actor: Actor) -> None:
        if not self._actors:  # logged out (idle) while the PIN was being checked
            self._accept(actor, unlock=False)
            return
        self._accept(actor, unlock=True)

    def _unlock_refused(self, exc: BaseException) -> None:
        self.sig_unlock_failed.emit(_message_for(exc, "Unlock"))

    def _accept(self, actor: Actor, *, unlock: bool) -> None:
        """``actor`` proved who they are: make them the active person (hand-over if needed)."""
        before = self._active
        i = self._index(actor.badge)
        newcomer = i is None
        handed_over: list[Actor] = []
        if newcomer:
            if not self.multi_operator:
                handed_over = list(self._actors)
                for old in handed_over:
                    self._sign_out(old, f"hand-over to {actor.name}")
            self._actors.append(actor)
        else:
            self._actors[i] = actor  # fresh roles and permissions
        self._active = actor
        was_locked = self._locked
        self._locked = False
        if was_locked or unlock:
            if before is not None and before.badge == actor.badge:
                detail = "unlocked by the same person"
            elif handed_over:
                detail = "hand-over from " + ", ".join(a.label for a in handed_over)
            elif newcomer:
                detail = "signed in while others stay signed in"
            else:
                detail = "switched to this signed-in person" + (
                    f" from {before.label}" if before is not None else "")
            self._record(actor.badge, "session_unlock", detail=detail)
        elif handed_over:
            self._record(actor.badge, "handover", detail="hand-over from "
                         + ", ".join(a.label for a in handed_over))
        self.sig_actors_changed.emit(self.actors)
        if before is None or before != actor:
            self.sig_active_changed.emit(actor)
        if newcomer:
            self.sig_user_logged_in.emit(actor)
        if was_locked or unlock:
            self.sig_unlocked.emit(actor)

    # ------------------------------------------------------------------ kiosk exit
    def request_kiosk_exit(self, badge: str, pin: str) -> None:
        """Re-authenticate someone to leave kiosk mode; needs ``kiosk.exit``. Audited either way."""
        badge = (badge or "").strip()
        if self._auth is None:
            self.sig_kiosk_exit_refused.emit(_still_starting())
            return
        if not badge or not pin:
            self.sig_kiosk_exit_refused.emit(tr(
                _CTX, "Scan the badge and enter the PIN of a person allowed to leave the "
                "station application."))
            return
        self._worker.submit(self._kiosk_exit_job, badge, pin,
                            on_done=self.sig_kiosk_exit_allowed.emit,
                            on_error=lambda exc: self.sig_kiosk_exit_refused.emit(
                                _message_for(exc, "Leaving")))

    def _kiosk_exit_job(self, badge: str, pin: str) -> Actor:
        """(DB worker) PIN check, permission check, audit entry."""
        try:
            actor = self._auth.reauthenticate(badge, pin)
            if not actor.can(KIOSK_EXIT):
                # Raised here rather than through require(): this refusal gets its own,
                # more specific audit entry (kiosk_exit_refused) below, not a second one.
                raise PermissionDenied(KIOSK_EXIT, actor)
        except Exception as exc:
            why = getattr(exc, "operator_message", None) or type(exc).__name__
            if isinstance(exc, PermissionDenied):
                why = f"{exc.actor.label if exc.actor else badge} lacks {KIOSK_EXIT}"
            self._write_audit(badge, "kiosk_exit_refused", f"leaving kiosk mode refused: {why}")
            log.warning("kiosk exit refused for badge %s: %s", badge, why)
            raise
        self._write_audit(actor.badge, "kiosk_exit", f"kiosk mode left by {actor.label}")
        log.warning("kiosk mode left by badge %s", actor.badge)
        return actor

    # ------------------------------------------------------------------ internals
    def _index(self, badge: str) -> int | None:
        for i, a in enumerate(self._actors):
            if a.badge == badge:
                return i
        return None

    def _record(self, actor_badge: str | None, action: str, *, detail: str) -> None:
        """Audit ``action`` on the DB worker (in call order, after any write submitted before)."""
        if self._audit is None or self._session_factory is None:
            log.info("audit of %s skipped: the station database is not open yet", action)
            return
        self._worker.submit(self._write_audit, actor_badge, action, detail)

    def _write_audit(self, actor_badge: str | None, action: str, detail: str) -> None:
        if self._audit is None or self._session_factory is None:
            return
        with self._session_factory() as s:
            self._audit.record(s, actor_badge=actor_badge, action=action, entity="session",
                               entity_id=actor_badge or "", detail=detail)
            s.commit()


def _still_starting() -> str:
    return tr(_CTX, "The station is still starting. Try again in a few seconds.")


def _message_for(exc: BaseException, what: str) -> str:
    message = getattr(exc, "operator_message", None)
    if message is None:
        log.error("%s failed unexpectedly", what.lower(), exc_info=exc)
        message = tr(_CTX, "This is not possible right now (%1). Tell a team lead.",
                     type(exc).__name__)
    return message
