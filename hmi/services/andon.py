"""Andon: one touch at the station calls for help; the responder answers there.

A call's life, each step one :class:`~hmi.store.models.AndonEvent` (``call_id``
ties them together), written with an audit entry in the same transaction:

``called``
    :meth:`AndonService.call` by the logged-in person, or by the station when
    nobody is logged in (``actor_badge`` empty). One open call per category:
    a second touch is refused with when the open one was made and by whom.
``acknowledged``
    :meth:`AndonService.acknowledge`: the responder identifies **at the station**
    with badge + PIN (``AuthService.reauthenticate`` on the database worker, so a
    wrong PIN counts toward the badge's lockout like any login). Anyone with a
    valid badge may answer, except the person who made the call (answering your
    own call would fake the response time). Response time = acknowledged − called.
``resolved``
    :meth:`AndonService.resolve`, with an optional note. Decision: the responder
    who acknowledged may close the call with their badge alone (they proved who
    they are with their PIN when they answered, and the panel is not theirs to
    log into); anybody else closes it with badge + PIN. Closing a call nobody
    has acknowledged yet needs badge + PIN and records the acknowledgement at the
    same moment (the responder fixed it straight away). Resolution time =
    resolved − called.
``cancelled``
    :meth:`AndonService.cancel` by the person who called, by anyone logged in
    when the station called (nobody was logged in), or by a team lead
    (:data:`CANCEL_ROLES`).

Refusals that need no PIN check or store (unknown category, a duplicate open
call visible here, an unknown or closed call) raise :class:`AndonError` at once;
what the worker finds (wrong PIN, locked badge, a duplicate only the store
knows, a store failure) arrives as ``sig_error``. Every decision is checked
again on the worker against the stored events before anything is written, so
two quick touches never record the same step twice.

Open calls are restored from the store by :meth:`AndonService.start`;
:meth:`AndonService.calls_between` serves the shift summary. The call record
and its replay (:func:`replay`, the ``check_*`` functions) are plain Python.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
import zoneinfo
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from hmi.config import StationConfig
from hmi.services.alarms import user_names
from hmi.services.audit import AuditWriter
from hmi.services.auth import AuthService, LoginError
from hmi.services.i18n import tr
from hmi.services.permissions import Actor
from hmi.services.worker import DbWorker
from hmi.store.base import new_id
from hmi.store.events import append_event
from hmi.store.models import AndonEvent

log = logging.getLogger(__name__)

#: Who can be called (``supervisor`` is the team lead).
CATEGORIES = ("maintenance", "quality", "material", "supervisor", "safety")
#: Roles that may cancel anybody's call.
CANCEL_ROLES = frozenset({"team_lead", "admin"})
MAX_MESSAGE = 500

CALLED, ACKNOWLEDGED, RESOLVED, CANCELLED = "called", "acknowledged", "resolved", "cancelled"


def category_text(category: str) -> str:
    return {
        "maintenance": tr("andon", "maintenance"),
        "quality": tr("andon", "quality"),
        "material": tr("andon", "material"),
        "supervisor": tr("andon", "team lead"),
        "safety": tr("andon", "safety"),
    }.get(category, category)


class AndonError(Exception):
    """A request was refused; ``operator_message`` (also ``str(exc)``) is for the screen."""

    def __init__(self, operator_message: str) -> None:
        self.operator_message = operator_message
        super().__init__(operator_message)


@dataclass(frozen=True, slots=True)
class AndonCall:
    """One call as it stands. ``*_by`` are names; ``*_by_badge`` the badges behind them."""

    call_id: str
    category: str
    message: str
    called_at: dt.datetime
    #: The caller's name, or "Station <name>" when nobody was logged in.
    called_by: str
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: dt.datetime | None = None
    resolved_by: str | None = None
    note: str = ""
    called_by_badge: str | None = None
    acknowledged_by_badge: str | None = None
    resolved_by_badge: str | None = None
    cancelled_at: dt.datetime | None = None
    cancelled_by: str | None = None

    @property
    def open(self) -> bool:
        return self.resolved_at is None and self.cancelled_at is None

    @property
    def response_s(self) -> float | None:
        """Seconds from the call to its acknowledgement (None while unanswered)."""
        if self.acknowledged_at is None:
            return None
        return (self.acknowledged_at - self.called_at).total_seconds()

    @property
    def resolution_s(self) -> float | None:
        """Seconds from the call to its resolution (None until resolved)."""
        if self.resolved_at is None:
            return None
        return (self.resolved_at - self.called_at).total_seconds()

    def waiting_s(self, now: dt.datetime) -> float:
        """Seconds the call has been open (up to its end once closed)."""
        end = self.resolved_at or self.cancelled_at or now
        return max(0.0, (end - self.called_at).total_seconds())


@dataclass(frozen=True, slots=True)
class AndonFact:
    """One ``AndonEvent`` to store or read back."""

    event_id: uuid.UUID
    call_id: str
    kind: str
    category: str
    message: str
    recorded_at: dt.datetime
    actor_badge: str | None = None
    #: The person's name (not stored: looked up from the badge on replay).
    actor_name: str | None = None


# --------------------------------------------------------------------------- pure core


def apply_fact(call: AndonCall | None, f: AndonFact, station_label: str) -> AndonCall | None:
    """The call after ``f`` (None if ``f`` refers to a call never made)."""
    who = f.actor_name or f.actor_badge
    if f.kind == CALLED:
        return AndonCall(f.call_id, f.category, f.message, f.recorded_at,
                         who or station_label, called_by_badge=f.actor_badge)
    if call is None:
        log.warning("andon event %s for unknown call %s ignored", f.kind, f.call_id)
        return None
    if f.kind == ACKNOWLEDGED and call.acknowledged_at is None:
        return replace(call, acknowledged_at=f.recorded_at, acknowledged_by=who,
                       acknowledged_by_badge=f.actor_badge)
    if f.kind == RESOLVED and call.open:
        return replace(call, resolved_at=f.recorded_at, resolved_by=who,
                       resolved_by_badge=f.actor_badge, note=f.message)
    if f.kind == CANCELLED and call.open:
        return replace(call, cancelled_at=f.recorded_at, cancelled_by=who)
    return call


def replay(facts: Iterable[AndonFact], station_label: str) -> dict[str, AndonCall]:
    """Calls by id after applying ``facts`` (oldest first)."""
    calls: dict[str, AndonCall] = {}
    for f in facts:
        new = apply_fact(calls.get(f.call_id), f, station_label)
        if new is not None:
            calls[f.call_id] = new
    return calls


def _at(ts: dt.datetime, tz: dt.tzinfo) -> str:
    return f"{ts.astimezone(tz):%H:%M}"


def check_call(open_calls: Iterable[AndonCall], category: str, message: str,
               tz: dt.tzinfo) -> None:
    """Refuse an unknown category, an over-long message or a second open call."""
    if category not in CATEGORIES:
        raise AndonError(tr("andon", "'%1' cannot be called. Choose one of: %2.", category,
                            ", ".join(category_text(c) for c in CATEGORIES)))
    if len(message) > MAX_MESSAGE:
        raise AndonError(tr("andon", "The reason is %1 characters long; keep it under %2.",
                            len(message), MAX_MESSAGE))
    for c in open_calls:
        if c.category == category and c.open:
            raise AndonError(tr(
                "andon", "A %1 call is already open since %2 (called by %3). Wait for the "
                "responder, or cancel that call first.",
                category_text(category), _at(c.called_at, tz), c.called_by))


def _closed_text(call: AndonCall, tz: dt.tzinfo) -> str:
    if call.cancelled_at is not None:
        return tr("andon", "This %1 call was cancelled at %2 by %3.", category_text(call.category),
                  _at(call.cancelled_at, tz), call.cancelled_by or "?")
    return tr("andon", "This %1 call was already resolved at %2 by %3.",
              category_text(call.category), _at(call.resolved_at or call.called_at, tz),
              call.resolved_by or "?")


def _known_open(call: AndonCall | None, tz: dt.tzinfo) -> AndonCall:
    if call is None:
        raise AndonError(tr("andon", "This call is not open at this station (any more). "
                                     "Look at the list of open calls."))
    if not call.open:
        raise AndonError(_closed_text(call, tz))
    return call


def check_acknowledge(call: AndonCall | None, badge: str, tz: dt.tzinfo) -> AndonCall:
    call = _known_open(call, tz)
    if call.acknowledged_at is not None:
        raise AndonError(tr("andon", "%1 already answered this call at %2.",
                            call.acknowledged_by or "?", _at(call.acknowledged_at, tz)))
    if call.called_by_badge and call.called_by_badge == badge:
        raise AndonError(tr("andon", "You made this call, so you cannot answer it. The "
                                     "responder identifies with their own badge and PIN; to "
                                     "withdraw the call, cancel it."))
    return call


def check_resolve(call: AndonCall | None, badge: str, with_pin: bool,
                  tz: dt.tzinfo) -> AndonCall:
    call = _known_open(call, tz)
    if with_pin:
        if call.acknowledged_at is None:
            check_acknowledge(call, badge, tz)
        return call
    if call.acknowledged_at is None:
        raise AndonError(tr("andon", "Nobody has answered this call yet. The responder enters "
                                     "badge and PIN to close it."))
    if badge != call.acknowledged_by_badge:
        raise AndonError(tr("andon", "%1 answered this call; only they can close it with "
                                     "their badge alone. Anybody else enters badge and PIN.",
                            call.acknowledged_by or "?"))
    return call


def check_cancel(call: AndonCall | None, actor: Actor | None, tz: dt.tzinfo) -> AndonCall:
    if actor is None:
        raise AndonError(tr("andon", "Nobody is logged in. Log in with your badge to cancel "
                                     "a call."))
    call = _known_open(call, tz)
    if (call.called_by_badge in (None, actor.badge)
            or CANCEL_ROLES.intersection(actor.roles)):
        return call
    raise AndonError(tr("andon", "%1 may not cancel this call: only %2, who made it, or a "
                                 "team lead can.", actor.label, call.called_by))


# --------------------------------------------------------------------------- service


class AndonService(QObject):
    """Andon calls at this station (see the module docstring)."""

    #: The open calls (``list[AndonCall]``, oldest first) after every change.
    sig_calls_changed = Signal(object)
    #: A refusal or failure found on the worker (wrong PIN, ...), for the screen.
    sig_error = Signal(str)

    def __init__(self, cfg: StationConfig, worker: DbWorker, session_factory,
                 auth: AuthService, *, audit: AuditWriter,
                 clock: Callable[[], dt.datetime] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cfg = cfg
        self._worker = worker
        self._sf = session_factory
        self._auth = auth
        self._audit = audit
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._station = cfg.station.id
        self._tz = zoneinfo.ZoneInfo(cfg.station.timezone)
        self.station_label = tr("andon", "Station %1", cfg.station.name)
        self._calls: dict[str, AndonCall] = {}

    # -- reading ------------------------------------------------------------
    def start(self) -> Future:
        """Restore the open calls from the store (on the worker)."""
        return self._worker.submit(self._load_open, on_done=self._restored,
                                   on_error=self._restore_failed)

    def open_calls(self) -> list[AndonCall]:
        return sorted(self._calls.values(), key=lambda c: c.called_at)

    def calls_between(self, t0: dt.datetime, t1: dt.datetime,
                      on_done: Callable[[list[AndonCall]], None] | None = None
                      ) -> Future[list[AndonCall]]:
        """Calls open at any moment of ``[t0, t1)`` (made before ``t1``, not closed before
        ``t0``), with everything that happened to them since, oldest first."""
        return self._worker.submit(self.query_calls_between, t0, t1, on_done=on_done,
                                   on_error=self._failed)

    def query_calls_between(self, t0: dt.datetime, t1: dt.datetime) -> list[AndonCall]:
        """:meth:`calls_between` for code already on the database worker."""
        with self._sf() as s:
            ev = aliased(AndonEvent)
            closed_before = select(ev.call_id).where(
                ev.station_id == self._station, ev.kind.in_((RESOLVED, CANCELLED)),
                ev.recorded_at < t0)
            ids = select(AndonEvent.call_id).where(
                AndonEvent.station_id == self._station, AndonEvent.kind == CALLED,
                AndonEvent.recorded_at < t1, AndonEvent.call_id.not_in(closed_before))
            calls = self._replay_ids(s, ids)
        return sorted(calls.values(), key=lambda c: c.called_at)

    # -- actions ------------------------------------------------------------
    def call(self, actor: Actor | None, category: str, message: str = "") -> Future:
        """Call for help in ``category``; ``actor`` None means the station called."""
        message = (message or "").strip()
        check_call(self._calls.values(), category, message, self._tz)
        now = self._clock()
        fact = AndonFact(new_id(), str(new_id()), CALLED, category, message, now,
                         actor.badge if actor else None, actor.name if actor else None)
        return self._worker.submit(self._do_call, fact, actor, on_done=self._applied,
                                   on_error=self._failed)

    def acknowledge(self, call_id: str, badge: str, pin: str) -> Future:
        """The responder answers ``call_id``, identified at the station by badge + PIN."""
        badge = (badge or "").strip()
        check_acknowledge(self._calls.get(str(call_id)), badge, self._tz)
        return self._worker.submit(self._do_acknowledge, str(call_id), badge, pin, self._clock(),
                                   on_done=self._applied, on_error=self._failed)

    def resolve(self, call_id: str, badge: str | None, note: str = "", *,
                pin: str | None = None) -> Future:
        """Close ``call_id``: the acknowledged responder by badge, anybody else with a PIN."""
        badge = (badge or "").strip()
        note = (note or "").strip()
        if len(note) > MAX_MESSAGE:
            raise AndonError(tr("andon", "The note is %1 characters long; keep it under %2.",
                                len(note), MAX_MESSAGE))
        if pin is None and not badge:
            raise AndonError(tr("andon", "Enter your badge and PIN to close the call."))
        check_resolve(self._calls.get(str(call_id)), badge, pin is not None, self._tz)
        return self._worker.submit(self._do_resolve, str(call_id), badge, pin, note,
                                   self._clock(), on_done=self._applied, on_error=self._failed)

    def cancel(self, actor: Actor | None, call_id: str, reason: str = "") -> Future:
        """Withdraw ``call_id`` (the caller, anyone when the station called, or a team lead)."""
        check_cancel(self._calls.get(str(call_id)), actor, self._tz)
        assert actor is not None
        return self._worker.submit(self._do_cancel, str(call_id), actor, (reason or "").strip(),
                                   self._clock(), on_done=self._applied, on_error=self._failed)

    # -- worker side --------------------------------------------------------
    def _load_open(self) -> list[AndonCall]:
        with self._sf() as s:
            return list(self._open(s).values())

    def _open(self, s: Session) -> dict[str, AndonCall]:
        ev = aliased(AndonEvent)
        closed = select(ev.call_id).where(ev.station_id == self._station,
                                          ev.kind.in_((RESOLVED, CANCELLED)))
        ids = select(AndonEvent.call_id).where(
            AndonEvent.station_id == self._station, AndonEvent.kind == CALLED,
            AndonEvent.call_id.not_in(closed))
        return {k: c for k, c in self._replay_ids(s, ids).items() if c.open}

    def _replay_ids(self, s: Session, ids) -> dict[str, AndonCall]:
        rows = list(s.scalars(select(AndonEvent)
                              .where(AndonEvent.station_id == self._station,
                                     AndonEvent.call_id.in_(ids))
                              .order_by(AndonEvent.seq)))
        names = user_names(s, (r.actor_badge for r in rows))
        return replay((AndonFact(r.id, str(r.call_id), r.kind, r.category, r.message,
                                 r.recorded_at, r.actor_badge, names.get(r.actor_badge or ""))
                       for r in rows), self.station_label)

    def _stored_call(self, call_id: str) -> AndonCall | None:
        with self._sf() as s:
            return self._replay_ids(s, [uuid.UUID(call_id)]).get(call_id)

    def _do_call(self, fact: AndonFact, actor: Actor | None) -> list[AndonFact]:
        with self._sf() as s:
            check_call(self._open(s).values(), fact.category, fact.message, self._tz)
        self._write([fact], actor.badge if actor else None, "andon_call",
                    f"{fact.category} called by {actor.label if actor else self.station_label}"
                    + (f": {fact.message}" if fact.message else ""))
        return [fact]

    def _do_acknowledge(self, call_id: str, badge: str, pin: str,
                        now: dt.datetime) -> list[AndonFact]:
        responder = self._auth.reauthenticate(badge, pin)  # LoginError: wrong PIN, locked, ...
        call = check_acknowledge(self._stored_call(call_id), responder.badge, self._tz)
        fact = AndonFact(new_id(), call_id, ACKNOWLEDGED, call.category, "", now,
                         responder.badge, responder.name)
        self._write([fact], responder.badge, "andon_acknowledge",
                    f"{call.category} call answered by {responder.label} after "
                    f"{(now - call.called_at).total_seconds():.0f} s")
        return [fact]

    def _do_resolve(self, call_id: str, badge: str, pin: str | None, note: str,
                    now: dt.datetime) -> list[AndonFact]:
        call = self._stored_call(call_id)
        if pin is not None:
            person = self._auth.reauthenticate(badge, pin)
            badge, name = person.badge, person.name
            how = "with badge and PIN"
        else:
            name = call.acknowledged_by if call is not None else None
            how = "by the responder's badge (identified with PIN when answering)"
        call = check_resolve(call, badge, pin is not None, self._tz)
        facts = []
        if call.acknowledged_at is None:
            facts.append(AndonFact(new_id(), call_id, ACKNOWLEDGED, call.category, "", now,
                                   badge, name))
        facts.append(AndonFact(new_id(), call_id, RESOLVED, call.category, note, now, badge, name))
        self._write(facts, badge, "andon_resolve",
                    f"{call.category} call resolved by {name} (badge {badge}) {how} after "
                    f"{(now - call.called_at).total_seconds():.0f} s"
                    + (f": {note}" if note else ""))
        return facts

    def _do_cancel(self, call_id: str, actor: Actor, reason: str,
                   now: dt.datetime) -> list[AndonFact]:
        call = check_cancel(self._stored_call(call_id), actor, self._tz)
        fact = AndonFact(new_id(), call_id, CANCELLED, call.category, reason, now,
                         actor.badge, actor.name)
        self._write([fact], actor.badge, "andon_cancel",
                    f"{call.category} call cancelled by {actor.label}"
                    + (f": {reason}" if reason else ""))
        return [fact]

    def _write(self, facts: list[AndonFact], actor_badge: str | None, action: str,
               detail: str) -> None:
        with self._sf.begin() as s:
            for f in facts:
                append_event(s, AndonEvent(
                    id=f.event_id, station_id=self._station, call_id=uuid.UUID(f.call_id),
                    kind=f.kind, category=f.category, equipment_code=self._station,
                    message=f.message, recorded_at=f.recorded_at, actor_badge=f.actor_badge))
            self._audit.record(s, actor_badge=actor_badge, action=action, entity="andon_call",
                               entity_id=facts[0].call_id,
                               new={"kinds": [f.kind for f in facts], "category": facts[0].category,
                                    "message": facts[-1].message},
                               detail=detail)
        log.info("andon %s", detail)

    # -- GUI side -----------------------------------------------------------
    def _restored(self, calls: list[AndonCall]) -> None:
        for c in calls:
            self._calls.setdefault(c.call_id, c)
        log.info("andon: %d open calls restored", len(calls))
        self.sig_calls_changed.emit(self.open_calls())

    def _applied(self, facts: list[AndonFact]) -> None:
        for f in facts:
            new = apply_fact(self._calls.get(f.call_id), f, self.station_label)
            if new is None or not new.open:
                self._calls.pop(f.call_id, None)
            else:
                self._calls[f.call_id] = new
        self.sig_calls_changed.emit(self.open_calls())

    def _restore_failed(self, exc: BaseException) -> None:
        log.error("could not restore the open andon calls", exc_info=exc)
        self.sig_error.emit(tr("andon", "The open calls could not be read (%1). Restart the "
                                        "station; if it happens again, tell the team lead.", exc))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, (AndonError, LoginError)):
            log.info("andon request refused: %s", exc.operator_message)
            self.sig_error.emit(exc.operator_message)
            return
        log.error("andon request failed", exc_info=exc)
        self.sig_error.emit(tr("andon", "The call could not be saved (%1). Try again; if it "
                                        "fails again, tell the team lead.", exc))


__all__ = [
    "CANCEL_ROLES", "CATEGORIES", "AndonCall", "AndonError", "AndonFact", "AndonService",
    "apply_fact", "category_text", "check_acknowledge", "check_call", "check_cancel",
    "check_resolve", "replay",
]
