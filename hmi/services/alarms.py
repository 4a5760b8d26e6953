"""Machine alarms: fault codes and alarm tags in, an ISA-18.2 alarm list out.

Inputs come from the driver through the composition root, exactly like
:class:`~hmi.services.production.ProductionMonitor`: :meth:`AlarmService.on_tag_value`
for every machine value and :meth:`AlarmService.on_connection_state` on link
changes. Two kinds of signal raise alarms (``[alarms]`` in the station file):

* the ``fault_code`` tag: a non-zero value raises the alarm ``F<code>`` (text,
  priority and help from the code table, ``unknown_text`` for a code not in it);
  a change to another code clears the old alarm and raises the new one; 0 is the
  return to normal;
* every configured alarm tag: the alarm (code = the tag name) is active while
  ``bool(value) == active_when``.

A value of bad or uncertain quality raises and clears nothing (the driver
re-delivers every tag as BAD when the link drops). While the link is down the
list stays as it is and every record says ``source_disconnected``.

States (ISA-18.2, per alarm occurrence):

=========================  ======  ===========  ===================================
state                      active  needs_ack    listed in :meth:`current`
=========================  ======  ===========  ===================================
unacknowledged, active     yes     yes          yes
acknowledged, active       yes     no           yes
unacknowledged, cleared    no      yes          yes (returned to normal, never acked)
acknowledged, cleared      no      no           no (only in :meth:`history`)
=========================  ======  ===========  ===================================

An acknowledgement applies to the *alarm point* (the code), as in ISA-18.2: it
acknowledges every unacknowledged occurrence of that code listed at that moment
(a code that cleared unacknowledged and came back is two occurrences, one
acknowledgement). That keeps the stored events unambiguous without a column
naming the occurrence: replaying ``alarm_event`` rows in ``seq`` order rebuilds
exactly the list the station showed.

Storage: every transition is one :class:`~hmi.store.models.AlarmEvent`
(``raised`` / ``cleared`` / ``acknowledged``), written once and in order through
the :class:`~hmi.services.worker.DbWorker`. The id of the ``raised`` event is the
occurrence's ``alarm_id``. ``source_ts`` is the PLC's timestamp of the value
that raised or cleared it; ``recorded_at`` the station clock; an
acknowledgement carries the person's ``actor_badge`` and an audit entry in the
same transaction. :meth:`AlarmService.start` replays the stored events so a
restart neither forgets nor duplicates an alarm; values arriving before the
replay has finished are held and applied after it.

The state machine (:class:`AlarmBook`) is plain Python without Qt or SQL.
"""

from __future__ import annotations

import collections
import datetime as dt
import enum
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal
from sqlalchemy import select
from sqlalchemy.orm import Session

from hmi.config import ALARM_PRIORITIES, StationConfig
from hmi.devices.base import ConnectionState, Quality, TagValue
from hmi.services.audit import AuditWriter
from hmi.services.i18n import tr
from hmi.services.permissions import ALARM_ACKNOWLEDGE, Actor, requires
from hmi.services.worker import DbWorker
from hmi.store.base import MasterStatus, new_id
from hmi.store.events import append_event
from hmi.store.models import AlarmEvent
from hmi.store.security import UserAccount

log = logging.getLogger(__name__)

#: Priority -> sort rank (0 first).
PRIORITY_RANK = {p: i for i, p in enumerate(ALARM_PRIORITIES)}
#: Priority -> ``AlarmEvent.severity`` (OPC UA style 1..1000).
SEVERITY = {"critical": 900, "high": 700, "medium": 500, "low": 300}

RAISED, CLEARED, ACKNOWLEDGED = "raised", "cleared", "acknowledged"

_FAULT_RE = re.compile(r"F-?[0-9]+")
_MAX_HELD = 10_000


class AlarmState(enum.StrEnum):
    UNACK_ACTIVE = "unacknowledged_active"
    ACK_ACTIVE = "acknowledged_active"
    UNACK_CLEARED = "unacknowledged_cleared"
    NORMAL = "acknowledged_cleared"


def fault_alarm_code(code: int) -> str:
    """The alarm code of a PLC fault code: ``103`` -> ``"F103"``."""
    return f"F{code}"


def priority_for_severity(severity: int) -> str:
    """The priority a stored severity stands for (nearest at or below)."""
    for prio in ALARM_PRIORITIES:
        if severity >= SEVERITY[prio]:
            return prio
    return "low"


@dataclass(frozen=True, slots=True)
class AlarmRecord:
    """One alarm occurrence as the station shows it."""

    alarm_id: str
    #: ``F103`` for fault code 103, or the alarm tag's name.
    code: str
    text: str
    help: str
    priority: str
    raised_at: dt.datetime
    cleared_at: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    #: The acknowledging person's name (``acknowledged_by_badge`` their badge).
    acknowledged_by: str | None = None
    acknowledged_by_badge: str | None = None
    #: The machine link is down: the record is what was known when it dropped.
    source_disconnected: bool = False

    @property
    def active(self) -> bool:
        """Not yet returned to normal."""
        return self.cleared_at is None

    @property
    def needs_ack(self) -> bool:
        return self.acknowledged_at is None

    @property
    def state(self) -> AlarmState:
        if self.active:
            return AlarmState.UNACK_ACTIVE if self.needs_ack else AlarmState.ACK_ACTIVE
        return AlarmState.UNACK_CLEARED if self.needs_ack else AlarmState.NORMAL

    @property
    def listed(self) -> bool:
        """Still on the alarm list (anything but acknowledged-and-cleared)."""
        return self.active or self.needs_ack


def sort_key(rec: AlarmRecord) -> tuple[int, float]:
    """Priority first (critical on top), then the newest first."""
    return PRIORITY_RANK.get(rec.priority, len(PRIORITY_RANK)), -rec.raised_at.timestamp()


@dataclass(frozen=True, slots=True)
class AlarmFact:
    """One ``AlarmEvent`` to store, or one read back from the store."""

    event_id: uuid.UUID
    code: str
    kind: str
    priority: str
    message: str
    source_ts: dt.datetime | None
    recorded_at: dt.datetime
    actor_badge: str | None = None
    #: The acknowledging person's name (not stored: looked up from the badge on replay).
    actor_name: str | None = None


# --------------------------------------------------------------------------- pure core


class AlarmBook:
    """The alarm list as a state machine over :class:`AlarmFact` (no Qt, no SQL).

    Live inputs build facts and :meth:`apply` them; a restart applies the stored
    facts in ``seq`` order and arrives at the same list.
    """

    def __init__(self, describe: Callable[[str], tuple[str, str, str] | None] | None = None,
                 *, keep_all: bool = False) -> None:
        #: code -> (text, priority, help) from the station file (help is not stored).
        self._describe = describe or (lambda code: None)
        #: Keep acknowledged-and-cleared occurrences too (for the history).
        self._keep_all = keep_all
        self.records: dict[str, AlarmRecord] = {}  # listed occurrences by alarm_id
        self.active_by_code: dict[str, str] = {}  # code -> alarm_id of its active occurrence

    def current(self) -> list[AlarmRecord]:
        return sorted(self.records.values(), key=sort_key)

    def apply(self, f: AlarmFact) -> bool:
        """Apply one fact; False if it changed nothing (a duplicate)."""
        when = f.source_ts or f.recorded_at
        if f.kind == RAISED:
            if f.code in self.active_by_code:
                return False
            known = self._describe(f.code)
            help_ = known[2] if known else ""
            priority = f.priority or (known[1] if known else "medium")
            rid = str(f.event_id)
            self.records[rid] = AlarmRecord(rid, f.code, f.message or (known[0] if known else f.code),
                                            help_, priority, when)
            self.active_by_code[f.code] = rid
            return True
        if f.kind == CLEARED:
            rid = self.active_by_code.pop(f.code, None)
            if rid is None:
                return False
            rec = replace(self.records[rid], cleared_at=when)
            self._put(rec)
            return True
        if f.kind == ACKNOWLEDGED:
            changed = False
            for rec in [r for r in self.records.values() if r.code == f.code and r.needs_ack]:
                self._put(replace(rec, acknowledged_at=f.recorded_at,
                                  acknowledged_by=f.actor_name or f.actor_badge,
                                  acknowledged_by_badge=f.actor_badge))
                changed = True
            return changed
        return False  # "shelved" is not used by this station yet

    def _put(self, rec: AlarmRecord) -> None:
        if rec.listed or self._keep_all:
            self.records[rec.alarm_id] = rec
        else:
            self.records.pop(rec.alarm_id, None)

    # -- what the inputs mean --------------------------------------------
    def raise_fact(self, code: str, text: str, priority: str, source_ts: dt.datetime,
                   now: dt.datetime) -> AlarmFact | None:
        if code in self.active_by_code:
            return None
        return AlarmFact(new_id(), code, RAISED, priority, text, source_ts, now)

    def clear_fact(self, code: str, source_ts: dt.datetime, now: dt.datetime) -> AlarmFact | None:
        rid = self.active_by_code.get(code)
        if rid is None:
            return None
        rec = self.records[rid]
        return AlarmFact(new_id(), code, CLEARED, rec.priority, rec.text, source_ts, now)

    def ack_fact(self, alarm_id: str, actor: Actor, now: dt.datetime) -> AlarmFact | None:
        rec = self.records.get(alarm_id)
        if rec is None or not rec.needs_ack:
            return None
        return AlarmFact(new_id(), rec.code, ACKNOWLEDGED, rec.priority, rec.text, None, now,
                         actor.badge, actor.name)

    def active_fault(self) -> str | None:
        """The code of the active alarm raised by the ``fault_code`` tag, if any."""
        for code in self.active_by_code:
            if _FAULT_RE.fullmatch(code):
                return code
        return None


# --------------------------------------------------------------------------- store access


def user_names(session: Session, badges: Iterable[str | None]) -> dict[str, str]:
    """Badge -> name of the newest non-draft version of each user account."""
    wanted = {b for b in badges if b}
    if not wanted:
        return {}
    rows = session.execute(
        select(UserAccount.code, UserAccount.name, UserAccount.version)
        .where(UserAccount.code.in_(wanted), UserAccount.status != MasterStatus.DRAFT.value)
        .order_by(UserAccount.version)
    ).all()
    return {r.code: r.name for r in rows}  # the highest version wins


def _facts(session: Session, rows: list[AlarmEvent]) -> list[AlarmFact]:
    names = user_names(session, (r.actor_badge for r in rows))
    return [
        AlarmFact(r.id, r.alarm_code, r.kind, priority_for_severity(r.severity), r.message,
                  r.source_ts, r.recorded_at, r.actor_badge, names.get(r.actor_badge or ""))
        for r in rows
    ]


# --------------------------------------------------------------------------- service


class AlarmService(QObject):
    """The station's alarm list (see the module docstring)."""

    #: The listed alarms (``list[AlarmRecord]``, priority then newest first) after every change.
    sig_alarms_changed = Signal(object)
    #: (number of unacknowledged alarms, highest priority among them or "").
    sig_unacknowledged = Signal(int, str)
    #: Something could not be stored; text for the screen.
    sig_error = Signal(str)

    def __init__(self, cfg: StationConfig, worker: DbWorker, session_factory,
                 *, audit: AuditWriter, clock: Callable[[], dt.datetime] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cfg = cfg
        self._worker = worker
        self._sf = session_factory
        self._audit = audit
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._station = cfg.station.id
        self._tags = {t.tag: t for t in cfg.alarms.tags}
        self._book = AlarmBook(self._describe)
        self._disconnected = True
        self._ready = False
        # Values that arrive before the stored alarms are restored (bounded).
        self._held: collections.deque[TagValue] = collections.deque(maxlen=_MAX_HELD)
        self._last_unack: tuple[int, str] | None = None

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> Future:
        """Restore the listed alarms from the store (on the worker); held values follow."""
        return self._worker.submit(self._load_listed, on_done=self._restored,
                                   on_error=self._restore_failed)

    @property
    def ready(self) -> bool:
        """True once the stored alarms are restored (values before that are held)."""
        return self._ready

    def _load_listed(self) -> list[AlarmFact]:
        # Alarm events are few (a transition each, not a sample each): replaying the
        # station's whole alarm history is the simple way to be exactly right.
        with self._sf() as s:
            rows = list(s.scalars(select(AlarmEvent)
                                  .where(AlarmEvent.station_id == self._station)
                                  .order_by(AlarmEvent.seq)))
            return _facts(s, rows)

    def _restored(self, facts: list[AlarmFact]) -> None:
        for f in facts:
            self._book.apply(f)
        self._ready = True
        log.info("alarms restored: %d listed (%d active) from %d events",
                 len(self._book.records), len(self._book.active_by_code), len(facts))
        held = list(self._held)
        self._held.clear()
        for tv in held:
            self.on_tag_value(tv)
        self._emit()

    def _restore_failed(self, exc: BaseException) -> None:
        log.error("could not restore alarms from the store", exc_info=exc)
        self.sig_error.emit(tr("alarms", "The stored alarms could not be read (%1). Restart the "
                                         "station; if it happens again, call maintenance.", exc))

    # -- reading ------------------------------------------------------------
    def current(self) -> list[AlarmRecord]:
        """The listed alarms, priority first then newest first."""
        recs = self._book.current()
        if self._disconnected:
            recs = [replace(r, source_disconnected=True) for r in recs]
        return recs

    @property
    def source_disconnected(self) -> bool:
        return self._disconnected

    def unacknowledged(self) -> tuple[int, str]:
        """(count, highest priority or "") of the unacknowledged alarms."""
        unack = [r for r in self._book.records.values() if r.needs_ack]
        if not unack:
            return 0, ""
        return len(unack), min((r.priority for r in unack), key=lambda p: PRIORITY_RANK.get(p, 9))

    def history(self, limit: int = 200,
                on_done: Callable[[list[AlarmRecord]], None] | None = None
                ) -> Future[list[AlarmRecord]]:
        """The ``limit`` most recent occurrences from the store, newest first (any state)."""
        return self._worker.submit(self._load_history, limit, on_done=on_done,
                                   on_error=self._history_failed)

    def _load_history(self, limit: int) -> list[AlarmRecord]:
        with self._sf() as s:
            raised = list(s.scalars(select(AlarmEvent)
                                    .where(AlarmEvent.station_id == self._station,
                                           AlarmEvent.kind == RAISED)
                                    .order_by(AlarmEvent.seq.desc()).limit(limit)))
            if not raised:
                return []
            # A code is raised again only after it cleared, so replaying that code's
            # events from the oldest raise wanted rebuilds each wanted occurrence.
            rows = list(s.scalars(select(AlarmEvent)
                                  .where(AlarmEvent.station_id == self._station,
                                         AlarmEvent.seq >= raised[-1].seq,
                                         AlarmEvent.alarm_code.in_({r.alarm_code for r in raised}))
                                  .order_by(AlarmEvent.seq)))
            facts = _facts(s, rows)
        wanted = {str(r.id) for r in raised}
        book = AlarmBook(self._describe, keep_all=True)
        for f in facts:
            book.apply(f)
        out = [rec for rid, rec in book.records.items() if rid in wanted]
        return sorted(out, key=lambda r: r.raised_at, reverse=True)

    def _history_failed(self, exc: BaseException) -> None:
        log.error("could not read the alarm history", exc_info=exc)
        self.sig_error.emit(tr("alarms", "The alarm history could not be read (%1).", exc))

    # -- inputs -------------------------------------------------------------
    def on_connection_state(self, state: ConnectionState | str, error: str = "") -> None:
        disconnected = ConnectionState(state) != ConnectionState.CONNECTED
        if disconnected != self._disconnected:
            self._disconnected = disconnected
            self._emit()

    def on_tag_value(self, tv: TagValue) -> None:
        if tv.tag != "fault_code" and tv.tag not in self._tags:
            return
        if tv.connection and (tv.connection != ConnectionState.CONNECTED) != self._disconnected:
            self.on_connection_state(tv.connection)
        if tv.quality != Quality.GOOD:
            return  # a value we cannot trust neither raises nor clears anything
        if not self._ready:
            if len(self._held) == self._held.maxlen:
                log.warning("alarm store not restored yet; dropping the oldest held value")
            self._held.append(tv)
            return
        now = self._clock()
        facts: list[AlarmFact] = []
        if tv.tag == "fault_code":
            try:
                code = int(tv.value)  # type: ignore[call-overload]
            except (TypeError, ValueError):
                log.warning("fault_code value %r is not a number; ignored", tv.value)
                return
            new = fault_alarm_code(code) if code else None
            old = self._book.active_fault()
            if new == old:
                return
            if old is not None:
                facts.append(self._book.clear_fact(old, tv.source_ts, now))
            if new is not None:
                text, priority, _help = self._fault_row(code)
                facts.append(self._book.raise_fact(new, text, priority, tv.source_ts, now))
        else:
            spec = self._tags[tv.tag]
            if bool(tv.value) == spec.active_when:
                f = self._book.raise_fact(spec.tag, spec.text, spec.priority, tv.source_ts, now)
            else:
                f = self._book.clear_fact(spec.tag, tv.source_ts, now)
            if f is None:
                return
            facts.append(f)
        self._commit([f for f in facts if f is not None])

    # -- acknowledging ------------------------------------------------------
    @requires(ALARM_ACKNOWLEDGE)
    def acknowledge(self, actor: Actor, alarm_id: str) -> bool:
        """Acknowledge one alarm (and any other unacknowledged occurrence of its code).

        Needs ``alarm.acknowledge`` (``PermissionDenied`` otherwise; nobody logged in
        gets "log in"). An alarm already acknowledged, or no longer listed, is left
        alone and nothing is written: returns False.
        """
        f = self._book.ack_fact(str(alarm_id), actor, self._clock())
        if f is None:
            return False
        self._commit([f], actor=actor, alarm_id=str(alarm_id))
        return True

    @requires(ALARM_ACKNOWLEDGE)
    def acknowledge_all(self, actor: Actor) -> int:
        """Acknowledge every listed unacknowledged alarm; returns how many codes were acknowledged."""
        n = 0
        for rec in self._book.current():
            if rec.needs_ack and self.acknowledge(actor, rec.alarm_id):
                n += 1
        return n

    # -- internals ----------------------------------------------------------
    def _describe(self, code: str) -> tuple[str, str, str] | None:
        if _FAULT_RE.fullmatch(code):
            return self._fault_row(int(code[1:]))
        spec = self._tags.get(code)
        if spec is not None:
            return spec.text, spec.priority, spec.help
        return None

    def _fault_row(self, code: int) -> tuple[str, str, str]:
        """(text, priority, help) of a PLC fault code; unknown codes get ``unknown_text``."""
        alarms = self._cfg.alarms
        if code >= 1:
            row = alarms.for_code(code)
            return row.text, row.priority, row.help
        return alarms.unknown_text.replace("{code}", str(code)), "high", ""

    def _commit(self, facts: list[AlarmFact], *, actor: Actor | None = None,
                alarm_id: str = "") -> None:
        if not facts:
            return
        for f in facts:
            self._book.apply(f)
        self._worker.submit(self._store, facts, actor, alarm_id, on_error=self._store_failed)
        for f in facts:
            log.info("alarm %s %s (%s)%s", f.code, f.kind, f.message,
                     f" by badge {f.actor_badge}" if f.actor_badge else "")
        self._emit()

    def _store(self, facts: list[AlarmFact], actor: Actor | None, alarm_id: str) -> None:
        with self._sf.begin() as s:
            for f in facts:
                append_event(s, AlarmEvent(
                    id=f.event_id, station_id=self._station, equipment_code=self._station,
                    alarm_code=f.code, kind=f.kind, severity=SEVERITY.get(f.priority, 500),
                    message=f.message, source_ts=f.source_ts, recorded_at=f.recorded_at,
                    actor_badge=f.actor_badge))
                if f.kind == ACKNOWLEDGED and actor is not None:
                    self._audit.record(
                        s, actor_badge=actor.badge, action="acknowledge", entity="alarm",
                        entity_id=alarm_id or str(f.event_id),
                        new={"code": f.code, "text": f.message, "event_id": str(f.event_id)},
                        detail=f"alarm {f.code} acknowledged by {actor.label}")

    def _store_failed(self, exc: BaseException) -> None:
        log.error("alarm event could not be stored", exc_info=exc)
        self.sig_error.emit(tr("alarms", "An alarm could not be saved (%1). The list on screen is "
                                         "still right; tell maintenance.", exc))

    def _emit(self) -> None:
        self.sig_alarms_changed.emit(self.current())
        unack = self.unacknowledged()
        if unack != self._last_unack:
            self._last_unack = unack
            self.sig_unacknowledged.emit(*unack)


__all__ = [
    "AlarmBook", "AlarmFact", "AlarmRecord", "AlarmService", "AlarmState", "PRIORITY_RANK",
    "SEVERITY", "fault_alarm_code", "priority_for_severity", "sort_key", "user_names",
]
