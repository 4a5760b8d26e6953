"""Badge + PIN login, lockout after repeated wrong PINs, PIN changes.

PIN hashing
-----------
PINs are hashed with argon2id (argon2-cffi ``PasswordHasher``) using
:data:`ARGON2_PARAMETERS`: ``time_cost=3, memory_cost=65536 KiB (64 MiB),
parallelism=2``, 16-byte salt, 32-byte hash. Measured on the development machine
(2 vCPU AMD EPYC, Python 3.12, argon2-cffi 25.1): one verify takes 94–101 ms (median
96 ms). For comparison on the same machine: the library default (t=3, 64 MiB, p=4)
took ~144 ms, t=2/32 MiB/p=1 ~69 ms. Two lanes match a typical dual-core panel PC;
re-measure on the target panel and keep one verify within roughly 50–150 ms.

A 4–8 digit PIN has at most 10**8 values, so no hash makes a *stolen database*
safe for long; argon2 only makes guessing expensive. The real protection is the
online lockout (:class:`AuthService`) and keeping the database file on the panel.

Transactions
------------
Every write transaction here starts with its write (reads happen in a separate,
earlier session). With the store's deferred ``BEGIN`` on SQLite/WAL, a transaction
that has read and then tries to write after another connection committed is refused
("database is locked") rather than allowed to write from a stale view; starting
with the write lets SQLite's busy timeout simply wait for the other writer.

Threading
---------
:func:`hash_pin` and :func:`verify_pin` are pure functions on an immutable hasher:
call them (or :meth:`AuthService.login`, which calls them) from an executor so the
~0.1 s of hashing never blocks the GUI thread. :class:`AuthService` keeps no mutable
state of its own; every call opens its own session.

Lockout
-------
Lockout is computed from the :class:`~hmi.store.security.LoginAttempt` events of the
badge, so it survives a restart: ``max_failures`` wrong PINs within ``window`` lock
the badge for ``lockout`` from the last wrong PIN. A successful login (or an unlock by
someone with ``user.manage``) resets the count; so does the end of a lockout.
Attempts while locked are recorded but neither count nor extend the lockout.

Audit
-----
Every attempt is an audit entry (``login``/``login_failed``, ``reauthenticate``/
``reauthenticate_failed``, ``unlock``); the wrong PIN that locks a badge adds a
``lockout`` entry in the same transaction; ``logout`` and PIN changes are audited too
(docs/audit.md lists every security action).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hmi.services.audit import ACTION_LOCKOUT, AuditWriter, iso_utc
from hmi.services.i18n import tr
from hmi.services.permissions import USER_MANAGE, Actor, require
from hmi.store.base import MasterStatus, utcnow
from hmi.store.events import append_event
from hmi.store.security import LoginAttempt, PinCredential, Role, UserAccount

log = logging.getLogger(__name__)

ARGON2_PARAMETERS = {"time_cost": 3, "memory_cost": 65536, "parallelism": 2}
_HASHER = PasswordHasher(**ARGON2_PARAMETERS, hash_len=32, salt_len=16, type=Type.ID)

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8
_PIN_RE = re.compile(rf"[0-9]{{{PIN_MIN_DIGITS},{PIN_MAX_DIGITS}}}")

# LoginAttempt.reason codes.
REASON_OK = "ok"
REASON_WRONG_PIN = "wrong_pin"
REASON_LOCKED = "locked"
REASON_UNKNOWN_BADGE = "unknown_badge"
REASON_INACTIVE = "inactive"
REASON_NO_PIN = "no_pin"
REASON_UNLOCKED = "unlocked"

_REASON_TEXT = {
    REASON_OK: "accepted",
    REASON_WRONG_PIN: "wrong PIN",
    REASON_LOCKED: "refused, badge locked",
    REASON_UNKNOWN_BADGE: "refused, badge not known",
    REASON_INACTIVE: "refused, user deactivated",
    REASON_NO_PIN: "refused, no PIN set",
    REASON_UNLOCKED: "badge unlocked",
}

def _ask() -> str:
    return tr("auth", "Ask a team lead or an administrator")


# --------------------------------------------------------------------------- errors


class LoginError(Exception):
    """A login or re-authentication was refused. ``operator_message`` is for the screen."""

    def __init__(self, operator_message: str) -> None:
        self.operator_message = operator_message
        super().__init__(operator_message)


class InvalidPin(LoginError, ValueError):
    """The PIN is not 4–8 digits (or, when setting one, too easy to guess)."""


class UnknownBadge(LoginError):
    def __init__(self, badge: str) -> None:
        self.badge = badge
        if badge:
            super().__init__(tr("auth", "Badge %1 is not known at this station.", badge))
        else:
            super().__init__(tr(
                "auth", "No badge number was entered. Scan your badge or type its number."))


class InactiveUser(LoginError):
    def __init__(self, badge: str) -> None:
        self.badge = badge
        super().__init__(tr("auth", "Badge %1 is deactivated. %2.", badge, _ask()))


class NoPinSet(LoginError):
    def __init__(self, badge: str) -> None:
        self.badge = badge
        super().__init__(tr("auth", "No PIN has been set for badge %1 yet. %2 to set one.",
                            badge, _ask()))


class WrongPin(LoginError):
    def __init__(self, badge: str, remaining_attempts: int, lockout: dt.timedelta) -> None:
        self.badge = badge
        self.remaining_attempts = remaining_attempts
        text = (
            "Wrong PIN. %1 attempt left before the badge is locked for %2."
            if remaining_attempts == 1
            else "Wrong PIN. %1 attempts left before the badge is locked for %2."
        )
        super().__init__(tr("auth", text, remaining_attempts, human_duration(lockout)))


class BadgeLocked(LoginError):
    def __init__(
        self, badge: str, until: dt.datetime, failures: int, tz: dt.tzinfo | None = None
    ) -> None:
        self.badge = badge
        self.until = until
        local = until.astimezone(tz)  # tz=None: the panel's local time zone
        super().__init__(tr(
            "auth", "Badge %1 is locked after %2 wrong PINs until %3. %4 if you need to log in "
            "sooner.", badge, failures, f"{local:%H:%M}", _ask()))


def human_duration(delta: dt.timedelta) -> str:
    """``5 minutes``, ``1 hour``, ``90 seconds``."""
    seconds = int(delta.total_seconds())
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return tr("auth", f"%1 {unit}" + ("" if n == 1 else "s"), n)
    return tr("auth", "%1 second" + ("" if seconds == 1 else "s"), seconds)


# --------------------------------------------------------------------------- hashing


def _check_format(pin: str) -> None:
    if not isinstance(pin, str) or not _PIN_RE.fullmatch(pin):
        raise InvalidPin(tr("auth", "A PIN has %1 to %2 digits (0–9).", PIN_MIN_DIGITS,
                            PIN_MAX_DIGITS))


def validate_new_pin(pin: str) -> None:
    """Refuse malformed PINs and ones anybody would try first (``1111``, ``1234``, ``9876``)."""
    _check_format(pin)
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    if steps in ({0}, {1}, {-1}):
        raise InvalidPin(
            "This PIN is too easy to guess (same digit repeated or a run like 1234). "
            "Choose another."
        )


def hash_pin(pin: str) -> str:
    """argon2id-encoded hash of a 4–8 digit PIN (``$argon2id$v=19$m=65536,t=3,p=2$…``)."""
    _check_format(pin)
    return _HASHER.hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    """True if ``pin`` matches ``pin_hash``. Pure and thread-safe (run it in an executor)."""
    try:
        return _HASHER.verify(pin_hash, pin)
    except VerificationError:
        return False
    except InvalidHashError:
        log.error("stored PIN hash is not a valid argon2 hash; treating as wrong PIN")
        return False


@functools.cache
def _dummy_hash() -> str:
    # Verified against for unknown badges so they take as long as known ones.
    return _HASHER.hash("00000000")


# --------------------------------------------------------------------------- lockout


@dataclass(frozen=True)
class LockState:
    locked_until: dt.datetime | None
    recent_failures: int  # wrong PINs that count toward the next lockout


def compute_lock_state(
    attempts: Iterable[tuple[dt.datetime, str]],
    now: dt.datetime,
    *,
    max_failures: int,
    window: dt.timedelta,
    lockout: dt.timedelta,
) -> LockState:
    """Replay ``(time, reason)`` attempts (oldest first) and return the state at ``now``."""
    failures: list[dt.datetime] = []
    locked_until: dt.datetime | None = None
    for at, reason in attempts:
        if reason == REASON_UNLOCKED:
            locked_until, failures = None, []
            continue
        if locked_until is not None:
            if at < locked_until:
                continue  # attempts while locked change nothing
            locked_until, failures = None, []
        if reason == REASON_OK:
            failures = []
        elif reason == REASON_WRONG_PIN:
            failures = [t for t in failures if at - t < window] + [at]
            if len(failures) >= max_failures:
                locked_until, failures = at + lockout, []
    if locked_until is not None and now < locked_until:
        return LockState(locked_until, max_failures)
    if locked_until is not None:
        failures = []
    return LockState(None, sum(1 for t in failures if now - t < window))


# --------------------------------------------------------------------------- service


def _latest_master(session: Session, model, code: str):
    """Newest non-draft version of a master-data row (released or retired), or None."""
    return session.scalars(
        select(model)
        .where(model.code == code, model.status != MasterStatus.DRAFT.value)
        .order_by(model.version.desc())
        .limit(1)
    ).first()


class AuthService:
    """Logs people in with badge + PIN and keeps count of wrong PINs."""

    # How far back attempts are replayed; long enough for any lockout to play out.
    _MIN_HISTORY = dt.timedelta(days=1)
    _MAX_ATTEMPT_ROWS = 1000

    def __init__(
        self,
        session_factory: Callable[[], Session],
        station_id: str,
        *,
        max_failures: int = 5,
        window: dt.timedelta = dt.timedelta(minutes=10),
        lockout: dt.timedelta = dt.timedelta(minutes=5),
        clock: Callable[[], dt.datetime] = utcnow,
        audit: AuditWriter | None = None,
        tz: dt.tzinfo | None = None,
    ) -> None:
        if max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        self._session_factory = session_factory
        self.station_id = station_id
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self._clock = clock
        self._audit = audit or AuditWriter(station_id, clock)
        self.tz = tz  # the plant's zone for times shown to people (None: the panel's)

    @property
    def audit(self) -> AuditWriter:
        """The audit writer this service records logins, failures and lockouts with."""
        return self._audit

    # ----------------------------------------------------------------- public API

    def login(self, badge: str, pin: str) -> Actor:
        """Check badge + PIN and return the logged-in :class:`Actor`.

        Raises a :class:`LoginError` subclass whose ``operator_message`` says what
        happened. Every attempt is recorded (LoginAttempt event + audit entry).
        """
        return self._authenticate(badge, pin, purpose="login")

    def reauthenticate(self, badge: str, pin: str) -> Actor:
        """Same checks as :meth:`login`, for a signature; wrong PINs count toward lockout."""
        return self._authenticate(badge, pin, purpose="reauthenticate")

    def lock_state(self, badge: str) -> LockState:
        with self._session_factory() as session:
            return self._lock_state(session, badge.strip(), self._clock())

    def set_pin(self, actor: Actor | None, badge: str, new_pin: str) -> None:
        """Set ``badge``'s PIN. Anyone may change their own; others need ``user.manage``."""
        badge = badge.strip()
        if actor is None or actor.badge != badge:
            require(actor, USER_MANAGE)
        validate_new_pin(new_pin)
        pin_hash = hash_pin(new_pin)
        now = self._clock()
        with self._session_factory() as session:
            if _latest_master(session, UserAccount, badge) is None:
                raise UnknownBadge(badge)
        with self._session_factory() as session:
            append_event(
                session,
                PinCredential(
                    station_id=self.station_id, badge=badge, pin_hash=pin_hash,
                    actor_badge=actor.badge, recorded_at=now,
                ),
            )
            own = actor.badge == badge
            self._audit.record(
                session,
                actor_badge=actor.badge,
                action="change",
                entity="pin_credential",
                entity_id=badge,
                new={"pin": "changed"},
                detail="PIN changed by its owner" if own else f"PIN set by {actor.label}",
            )
            session.commit()
        log.info("PIN for badge %s set by badge %s", badge, actor.badge)

    def logout(self, actor: Actor, reason: str = "") -> None:
        """Record that ``actor`` left the station (by hand, or idle time-out)."""
        with self._session_factory() as session:
            self._audit.record(
                session,
                actor_badge=actor.badge,
                action="logout",
                entity="session",
                entity_id=actor.badge,
                detail=reason or "by user",
            )
            session.commit()

    def unlock(self, actor: Actor | None, badge: str) -> None:
        """End a lockout early (needs ``user.manage``)."""
        require(actor, USER_MANAGE)
        badge = badge.strip()
        with self._session_factory() as session:
            self._record_attempt(
                session, badge, REASON_UNLOCKED, "unlock", self._clock(), actor_badge=actor.badge
            )
            session.commit()
        log.info("badge %s unlocked by badge %s", badge, actor.badge)

    # ----------------------------------------------------------------- internals

    def _authenticate(self, badge: str, pin: str, *, purpose: str) -> Actor:
        badge = (badge or "").strip()
        if not badge:
            raise UnknownBadge("")
        _check_format(pin)
        now = self._clock()

        # Reads in one transaction, writes in another that starts with its write (see
        # the module docstring: SQLite refuses to upgrade a stale read transaction).
        refusal: tuple[str, LoginError] | None = None
        pin_hash: str | None = None
        actor: Actor | None = None
        with self._session_factory() as session:
            user = _latest_master(session, UserAccount, badge)
            if user is None:
                refusal = (REASON_UNKNOWN_BADGE, UnknownBadge(badge))
            elif not user.active or user.status == MasterStatus.RETIRED.value:
                refusal = (REASON_INACTIVE, InactiveUser(badge))
            else:
                state = self._lock_state(session, badge, now)
                if state.locked_until is not None:
                    refusal = (
                        REASON_LOCKED,
                        BadgeLocked(badge, state.locked_until, self.max_failures, self.tz),
                    )
            if refusal is None:
                pin_hash = session.scalars(
                    select(PinCredential.pin_hash)
                    .where(PinCredential.badge == badge)
                    .order_by(PinCredential.recorded_at.desc(), PinCredential.seq.desc())
                    .limit(1)
                ).first()
                if pin_hash is None:
                    refusal = (REASON_NO_PIN, NoPinSet(badge))
                else:
                    actor = self._actor_for(session, user)

        if refusal is not None:
            reason, error = refusal
            if reason == REASON_UNKNOWN_BADGE:
                verify_pin(_dummy_hash(), pin)  # take as long as a known badge does
            with self._session_factory() as session:
                self._record_attempt(session, badge, reason, purpose, now)
                session.commit()
            log.info("%s for badge %s refused: %s", purpose, badge, reason)
            raise error
        assert pin_hash is not None and actor is not None

        # The slow part runs with no transaction open.
        ok = verify_pin(pin_hash, pin)

        with self._session_factory() as session:
            if ok:
                self._record_attempt(session, badge, REASON_OK, purpose, now)
                session.commit()
                log.info("%s ok for badge %s", purpose, badge)
                return actor
            self._record_attempt(session, badge, REASON_WRONG_PIN, purpose, now)
            session.flush()
            state = self._lock_state(session, badge, now)
            if state.locked_until is not None:
                # This wrong PIN reached the limit: the lockout is its own security event.
                self._audit.record(
                    session,
                    actor_badge=badge,
                    action=ACTION_LOCKOUT,
                    entity="user_account",
                    entity_id=badge,
                    new={"locked_until": state.locked_until, "failures": self.max_failures,
                         "window_s": int(self.window.total_seconds()), "purpose": purpose},
                    detail=f"badge {badge} locked until {iso_utc(state.locked_until)} after "
                           f"{self.max_failures} wrong PINs",
                )
            session.commit()
        log.info("%s for badge %s: wrong PIN (%d recent)", purpose, badge, state.recent_failures)
        if state.locked_until is not None:
            log.warning("badge %s locked until %s", badge, state.locked_until.isoformat())
            raise BadgeLocked(badge, state.locked_until, self.max_failures, self.tz)
        raise WrongPin(badge, self.max_failures - state.recent_failures, self.lockout)

    def _lock_state(self, session: Session, badge: str, now: dt.datetime) -> LockState:
        since = now - max(self._MIN_HISTORY, 2 * self.window + self.lockout)
        rows = session.execute(
            select(LoginAttempt.recorded_at, LoginAttempt.reason)
            .where(LoginAttempt.badge == badge, LoginAttempt.recorded_at >= since)
            .order_by(LoginAttempt.recorded_at.desc(), LoginAttempt.seq.desc())
            .limit(self._MAX_ATTEMPT_ROWS)
        ).all()
        return compute_lock_state(
            reversed([(r.recorded_at, r.reason) for r in rows]),
            now,
            max_failures=self.max_failures,
            window=self.window,
            lockout=self.lockout,
        )

    def _actor_for(self, session: Session, user: UserAccount) -> Actor:
        roles: list[str] = []
        permissions: set[str] = set()
        for code in user.roles or []:
            role = _latest_master(session, Role, code)
            if role is None or role.status != MasterStatus.RELEASED.value:
                log.warning("badge %s has role %r which is not released here; ignored",
                            user.code, code)
                continue
            roles.append(code)
            permissions.update(role.permissions or [])
        return Actor(user.code, user.name, tuple(roles), frozenset(permissions),
                     language=user.language)

    def _record_attempt(
        self,
        session: Session,
        badge: str,
        reason: str,
        purpose: str,
        now: dt.datetime,
        *,
        actor_badge: str | None = None,
    ) -> None:
        success = reason in (REASON_OK, REASON_UNLOCKED)
        append_event(
            session,
            LoginAttempt(
                station_id=self.station_id, badge=badge, success=success, reason=reason,
                purpose=purpose, actor_badge=actor_badge or badge, recorded_at=now,
            ),
        )
        self._audit.record(
            session,
            actor_badge=actor_badge or badge,
            action=purpose if success else f"{purpose}_failed",
            entity="user_account",
            entity_id=badge,
            new={"result": reason},
            detail=f"{purpose} {_REASON_TEXT.get(reason, reason)}",
        )
