"""Quality holds, suspect units and nonconformance dispositions at the station.

A **hold** (:meth:`HoldService.place`) is put on an order, a lot or a serial number
with a reason. While it is open:

* the start check ``quality.hold`` (:func:`register_checks`) blocks starting and
  resuming the order it concerns — the order itself, or the order named with a held
  lot/serial — naming the hold, its reason and who placed it;
* good parts the machine makes for that order are **suspect**, not good, until they get
  a disposition.

Only a team lead's e-signature releases a hold (:meth:`HoldService.release`, meaning
"Released" — ``Approved`` until :class:`~hmi.services.signatures.Meaning` has
``RELEASED`` — permission ``inspection.sign``); the person who placed the hold may not
release it themselves.

Suspect units are derived from the store, crash-safe and without a write per part, the
way tooling derives tool life (docs/holds.md): the good increments of the station's
``ProductionCountEvent`` rows whose ``seq`` lies between a hold's ``placed`` and
``released`` events (or after ``placed`` while it is open) and that were made for the
held order — the row names the order, or (rows without an order) the order was running
then by its ``WorkOrderEvent`` start/resume … pause/complete/abort seq ranges.
Overlapping holds on one order count each part once. Live parts the app passes to
:meth:`HoldService.on_parts` are added until the next load; a restart recomputes the
same number from the same events.

A **disposition** (:meth:`HoldService.dispose`) decides what happens to suspect or
nonconforming units, signed by a team lead (meaning "Approved"):

* ``scrap`` and ``return_to_supplier`` — the units are not good (they leave the count);
* ``rework`` — the units are reworked and need a re-inspection (counted in
  :attr:`OrderQuality.awaiting_reinspection`, not good until then). The disposition makes
  the re-inspection due (``sig_rework`` → the inspection service's ``rework`` trigger): of
  the failed result's characteristic (subject ``inspection``), else of every
  characteristic of the order's inspection plan. The first result of each of those
  characteristics recorded for the order after the disposition decides (a re-measurement
  does not change it): all passed → the units are good again; one failed → they stay
  awaiting and a team lead disposes of them again (scrap, rework, use as is), a new
  disposition of the order taking these units first. Derived from the stored results and
  dispositions (:func:`settle_reworks`), so a restart gives the same numbers;
* ``use_as_is`` — a concession: the units are good again, with the concession recorded.

The quantity is never more than what is still undecided: the order's suspect units
(subject ``order``, or any subject with ``order_code``), a held serial (1), a lot's
known quantity (``lot`` without an order), or the units a failed inspection result
covers (subject ``inspection``, identifier = the result's id).

Signing and writing: the signature (re-authentication, ``Signature`` event and its audit
entry) is stored by :class:`~hmi.services.signatures.SignatureService` in its own
transaction on the DB worker; the hold/disposition event, which carries the
``signature_id``, and its audit entry follow in one transaction. A wrong PIN stores
nothing but the login attempt. The signed record is :func:`release_record` /
:func:`disposition_record` of the stored row, so :func:`verify_signed` detects a row
changed after signing.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from hmi.services.audit import AuditWriter
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.permissions import INSPECTION_RECORD, INSPECTION_SIGN, Actor, requires
from hmi.services.prerequisites import Blocker, PrerequisiteRegistry, StartContext
from hmi.services.signatures import Meaning

log = logging.getLogger(__name__)

CTX = "holds"
CHECK_NAME = "quality.hold"
SUBJECT_KINDS = ("order", "lot", "serial")
DISPOSITION_SUBJECTS = ("order", "lot", "serial", "inspection")
SCRAP = "scrap"
REWORK = "rework"
USE_AS_IS = "use_as_is"
RETURN = "return_to_supplier"
DISPOSITIONS = (SCRAP, REWORK, USE_AS_IS, RETURN)
#: The meaning of a hold release signature ("Released" once signatures.Meaning has it).
RELEASE_MEANING = Meaning.RELEASED
DISPOSITION_MEANING = Meaning.APPROVED
MAX_IDENTIFIER = 64
MAX_REASON = 200


class HoldError(OperatorError):
    """A hold or disposition was refused; ``operator_message`` (also ``str(exc)``) is for the screen."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Hold:
    """An open (or, from :meth:`HoldService.history`, released) quality hold."""

    hold_id: uuid.UUID
    subject_kind: str
    identifier: str
    #: The order it blocks and whose parts become suspect (None: a lot/serial on its own).
    order_code: str | None
    reason: str
    comment: str
    placed_by: str | None
    placed_by_name: str
    placed_at: dt.datetime
    released_by: str | None = None
    released_at: dt.datetime | None = None
    signature_id: uuid.UUID | None = None

    @property
    def open(self) -> bool:
        return self.released_at is None

    @property
    def subject(self) -> str:
        """``order WO-1001``, ``lot L-7`` … for messages."""
        return tr(CTX, "%1 %2", tr(CTX, self.subject_kind), self.identifier)

    @property
    def placed_by_label(self) -> str:
        if self.placed_by is None:
            return tr(CTX, "the system")
        return f"{self.placed_by_name} (badge {self.placed_by})" if self.placed_by_name \
            else tr(CTX, "badge %1", self.placed_by)


@dataclass(frozen=True)
class OrderQuality:
    """What became of an order's parts made under a hold.

    ``scrap`` … ``return_to_supplier`` sum every disposition, including second decisions
    about reworked units whose re-inspection failed (``redisposed``).
    """

    order_code: str
    made_under_hold: int = 0
    scrap: int = 0
    rework: int = 0
    use_as_is: int = 0
    return_to_supplier: int = 0
    #: reworked units whose re-inspection passed: good again
    rework_passed: int = 0
    #: reworked units whose re-inspection failed and that have no new disposition yet
    rework_failed: int = 0
    #: units of a failed re-inspection that got a new disposition
    redisposed: int = 0

    @property
    def disposed(self) -> int:
        """Units made under a hold that got a (first) disposition."""
        return (self.scrap + self.rework + self.use_as_is + self.return_to_supplier
                - self.redisposed)

    @property
    def suspect(self) -> int:
        """Made under a hold and not decided yet: not good."""
        return max(0, self.made_under_hold - self.disposed)

    @property
    def awaiting_reinspection(self) -> int:
        """Reworked units not good yet: re-inspection pending, or failed and not decided
        again."""
        return self.rework - self.rework_passed - self.redisposed

    @property
    def undecided(self) -> int:
        """What a new disposition of the order may take: suspect units and reworked units
        whose re-inspection failed."""
        return self.suspect + self.rework_failed

    @property
    def good_adjustment(self) -> int:
        """Add to the machine's good count: held parts leave it; concessions and reworked
        units that passed their re-inspection come back."""
        return -self.made_under_hold + self.use_as_is + self.rework_passed


AWAITING = "awaiting"
PASSED = "passed"
FAILED = "failed"


@dataclass(frozen=True)
class Rework:
    """A rework disposition and what its re-inspection decided (from the store)."""

    disposition_id: uuid.UUID
    seq: int
    #: the disposition's pool: ("order", code) or ("inspection", result id) …
    pool: tuple[str, str]
    #: the order whose results re-inspect it (None: unknown — it stays awaiting)
    order_code: str | None
    quantity: int
    #: characteristics to re-inspect (all must pass)
    characteristics: tuple[str, ...]
    state: str = AWAITING
    #: the deciding results' ids (first per characteristic after the disposition)
    result_ids: tuple[str, ...] = ()
    #: station seq at which it was decided (None: awaiting)
    decided_seq: int | None = None


@dataclass(frozen=True)
class ResultFact:
    """One stored inspection result as :func:`settle_reworks` needs it."""

    seq: int
    result_id: str
    order_code: str | None
    characteristic: str
    passed: bool
    remeasure: bool = False


def settle_reworks(reworks: list[Rework], results: list[ResultFact]) -> list[Rework]:
    """Decide each rework from the results recorded for its order after it (pure).

    Per characteristic the first result after the disposition counts (re-measurements are
    not re-inspections); every characteristic passed → ``passed`` (at the last of those
    results), one failed → ``failed`` (at that result), else ``awaiting``.
    """
    by_key: dict[tuple[str | None, str], list[ResultFact]] = {}
    for r in sorted(results, key=lambda r: r.seq):
        if not r.remeasure:
            by_key.setdefault((r.order_code, r.characteristic), []).append(r)
    out = []
    for rw in reworks:
        firsts: list[ResultFact] = []
        missing = False
        for ch in rw.characteristics:
            first = next((r for r in by_key.get((rw.order_code, ch), ()) if r.seq > rw.seq),
                         None)
            if first is None:
                missing = True
            else:
                firsts.append(first)
        failed = sorted((r for r in firsts if not r.passed), key=lambda r: r.seq)
        if rw.order_code is None or not rw.characteristics:
            out.append(rw)
        elif failed:
            out.append(replace(rw, state=FAILED, result_ids=(failed[0].result_id,),
                               decided_seq=failed[0].seq))
        elif not missing:
            out.append(replace(rw, state=PASSED,
                               result_ids=tuple(r.result_id for r in firsts),
                               decided_seq=max(r.seq for r in firsts)))
        else:
            out.append(rw)
    return out


def rework_flow(dispositions: list[tuple[int, int]], reworks: list[Rework]
                ) -> tuple[int, int, int]:
    """(passed, failed and undecided, redisposed) units of one pool (pure).

    ``dispositions``: (seq, quantity) of every disposition of the pool. In station sequence:
    a passed re-inspection makes its units good; a failed one leaves them for a new
    disposition, which takes them before any suspect unit.
    """
    steps: list[tuple[int, int, str, int]] = [(seq, 1, "d", q) for seq, q in dispositions]
    for rw in reworks:
        if rw.decided_seq is not None:
            steps.append((rw.decided_seq, 0, rw.state, rw.quantity))
    passed = failed = redisposed = 0
    for _seq, _rank, kind, q in sorted(steps):
        if kind == PASSED:
            passed += q
        elif kind == FAILED:
            failed += q
        else:
            take = min(q, failed)
            failed -= take
            redisposed += take
    return passed, failed, redisposed


@dataclass(frozen=True)
class DispositionRecord:
    event_id: uuid.UUID
    subject_kind: str
    identifier: str
    order_code: str | None
    hold_id: uuid.UUID | None
    disposition: str
    quantity: int
    defect_code: str | None
    comment: str
    actor_badge: str | None
    signer_badge: str | None
    signature_id: uuid.UUID | None
    recorded_at: dt.datetime


@dataclass
class _Snapshot:
    holds: dict[uuid.UUID, Hold]
    made: dict[str, int]
    disposed: dict[tuple[str, str], dict[str, int]]
    dispositions: list[DispositionRecord]
    names: dict[str, str] = field(default_factory=dict)
    reworks: list[Rework] = field(default_factory=list)
    #: per pool: (passed, failed and undecided, redisposed) units of its reworks
    flow: dict[tuple[str, str], tuple[int, int, int]] = field(default_factory=dict)


# --------------------------------------------------------------------------- signed records


def release_record(row: Any) -> dict[str, Any]:
    """What a release signature vouches for, from the ``released`` HoldEvent (or its fields)."""
    g = _getter(row)
    return {"type": "hold_release", "event_id": str(g("id")), "hold_id": str(g("hold_id")),
            "station_id": g("station_id"), "subject_kind": g("subject_kind"),
            "subject_identifier": g("subject_identifier"), "order_code": g("order_code"),
            "reason": g("reason"), "comment": g("comment")}


def disposition_record(row: Any) -> dict[str, Any]:
    """What a disposition signature vouches for, from the DispositionEvent (or its fields)."""
    g = _getter(row)
    hold = g("hold_id")
    return {"type": "disposition", "event_id": str(g("id")), "station_id": g("station_id"),
            "subject_kind": g("subject_kind"), "subject_identifier": g("subject_identifier"),
            "order_code": g("order_code"), "hold_id": None if hold is None else str(hold),
            "disposition": g("disposition"), "quantity": int(g("quantity")),
            "defect_code": g("defect_code"), "comment": g("comment"),
            "actor_badge": g("actor_badge")}


def _getter(row: Any) -> Callable[[str], Any]:
    if isinstance(row, Mapping):
        return lambda k: row.get(k)
    return lambda k: getattr(row, k)


def verify_signed(session: Any, row: Any) -> Any:
    """Check a released HoldEvent or a DispositionEvent against its stored signature.

    Returns a :class:`~hmi.services.signatures.SignatureCheck` (``ok`` False with the
    reason when the row changed after signing or has no signature).
    """
    from hmi.services.signatures import SignatureCheck, SignatureService
    from hmi.store.models import HoldEvent
    from hmi.store.security import Signature

    sig = session.get(Signature, row.signature_id) if row.signature_id else None
    if sig is None:
        return SignatureCheck(False, "the record has no stored signature", "", None)
    record = release_record(row) if isinstance(row, HoldEvent) else disposition_record(row)
    return SignatureService.verify(sig, record)


# --------------------------------------------------------------------------- service


class HoldService(QObject):
    #: list[Hold]: the open holds changed (placed, released, reloaded) — every screen shows them.
    sig_holds_changed = Signal(object)
    #: str: order code whose suspect/disposed counts changed.
    sig_quality_changed = Signal(str)
    #: str: something the operator must know failed (loading, saving, signing).
    sig_error = Signal(str)
    #: (order code or None, characteristic or None): a rework disposition was stored; the
    #: units need a re-inspection (of that characteristic; None: of the whole plan).
    sig_rework = Signal(object, object)

    def __init__(self, worker: Any, session_factory: Any, station_id: str, audit: AuditWriter,
                 signatures: Any, clock: Callable[[], dt.datetime] | None = None, *,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        if not station_id:
            raise ValueError("HoldService needs the station id")
        self._worker = worker
        self._sf = session_factory
        self._station = station_id
        self._audit = audit
        self._sig = signatures
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._holds: dict[uuid.UUID, Hold] = {}  # open ones
        self._history: dict[uuid.UUID, Hold] = {}
        self._made: dict[str, int] = {}
        self._disposed: dict[tuple[str, str], dict[str, int]] = {}
        self._dispositions: list[DispositionRecord] = []
        self._reworks: list[Rework] = []
        self._flow: dict[tuple[str, str], tuple[int, int, int]] = {}
        self._live_next: dict[str, int] | None = None
        self._names: dict[str, str] = {}
        self._ready = False
        self._pending = 0

    # ------------------------------------------------------------------ loading
    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def busy(self) -> bool:
        """True while a load, a signature or a write is still running on the worker."""
        return self._pending > 0

    def reload(self) -> Future:
        """Load holds, suspect counts and dispositions from the store (on the worker)."""
        self._pending += 1
        self._live_next = {}
        return self._worker.submit(self._load, on_done=self._loaded, on_error=self._load_failed)

    def _load(self) -> _Snapshot:
        from sqlalchemy import func, select

        from hmi.store.models import (
            DispositionEvent,
            HoldEvent,
            ProductionCountEvent,
            WorkOrderEvent,
        )
        from hmi.store.security import UserAccount

        st = self._station
        with self._sf() as s:
            names = {}
            for code, name, _v in s.execute(select(UserAccount.code, UserAccount.name,
                                                   UserAccount.version)
                                            .order_by(UserAccount.version)):
                names[code] = name
            holds: dict[uuid.UUID, Hold] = {}
            spans: dict[str, list[list[int | None]]] = {}
            open_span: dict[uuid.UUID, list[int | None]] = {}
            H = HoldEvent
            for ev in s.scalars(select(H).where(H.station_id == st).order_by(H.seq)):
                if ev.kind == "placed":
                    order = _order_of(ev.subject_kind, ev.subject_identifier, ev.order_code)
                    holds[ev.hold_id] = Hold(
                        ev.hold_id, ev.subject_kind, ev.subject_identifier, order, ev.reason,
                        ev.comment, ev.actor_badge, names.get(ev.actor_badge or "", ""),
                        _aware(ev.recorded_at))
                    if order:
                        span: list[int | None] = [ev.seq, None]
                        spans.setdefault(order, []).append(span)
                        open_span[ev.hold_id] = span
                elif ev.kind == "released" and ev.hold_id in holds:
                    holds[ev.hold_id] = replace(
                        holds[ev.hold_id], released_by=ev.actor_badge,
                        released_at=_aware(ev.recorded_at), signature_id=ev.signature_id)
                    span = open_span.pop(ev.hold_id, None)
                    if span is not None:
                        span[1] = ev.seq
            made: dict[str, int] = {}
            P = ProductionCountEvent
            W = WorkOrderEvent
            for order, order_spans in spans.items():
                hold_iv = _merge([(a, b) for a, b in order_spans])  # type: ignore[misc]
                run_iv: list[tuple[int, int | None]] = []
                start: int | None = None
                for kind, seq in s.execute(select(W.kind, W.seq).where(
                        W.station_id == st, W.order_code == order).order_by(W.seq)):
                    if kind in ("started", "resumed") and start is None:
                        start = seq
                    elif kind in ("paused", "completed", "aborted") and start is not None:
                        run_iv.append((start, seq))
                        start = None
                if start is not None:
                    run_iv.append((start, None))
                total = 0
                for lo, hi in hold_iv:
                    q = select(func.coalesce(func.sum(P.good_increment), 0)).where(
                        P.station_id == st, P.order_code == order, P.seq > lo)
                    if hi is not None:
                        q = q.where(P.seq < hi)
                    total += int(s.execute(q).scalar_one())
                for lo, hi in _intersect(hold_iv, run_iv):
                    q = select(func.coalesce(func.sum(P.good_increment), 0)).where(
                        P.station_id == st, P.order_code.is_(None), P.seq > lo)
                    if hi is not None:
                        q = q.where(P.seq < hi)
                    total += int(s.execute(q).scalar_one())
                made[order] = total
            disposed: dict[tuple[str, str], dict[str, int]] = {}
            records: list[DispositionRecord] = []
            by_pool: dict[tuple[str, str], list[tuple[int, int]]] = {}
            reworks: list[Rework] = []
            D = DispositionEvent
            for ev in s.scalars(select(D).where(D.station_id == st).order_by(D.seq)):
                pool = _pool(ev.subject_kind, ev.subject_identifier, ev.order_code)
                cur = disposed.setdefault(pool, {})
                cur[ev.disposition] = cur.get(ev.disposition, 0) + int(ev.quantity)
                records.append(_disposition_record(ev))
                by_pool.setdefault(pool, []).append((ev.seq, int(ev.quantity)))
                if ev.disposition == REWORK:
                    reworks.append(self._rework_of(s, ev, pool))
            reworks = settle_reworks(reworks, self._results_for(s, reworks))
            flow = {pool: rework_flow(steps, [r for r in reworks if r.pool == pool])
                    for pool, steps in by_pool.items()}
            # the signer's badge of each disposition (for views)
            from hmi.store.security import Signature

            sig_ids = [r.signature_id for r in records if r.signature_id]
            signers: dict[Any, str] = {}
            if sig_ids:
                for sid, sbadge in s.execute(select(Signature.id, Signature.signer_badge)
                                             .where(Signature.id.in_(sig_ids))):
                    signers[sid] = sbadge
            records = [replace(r, signer_badge=signers.get(r.signature_id)) for r in records]
        return _Snapshot(holds, made, disposed, records, names, reworks, flow)

    def _rework_of(self, s: Any, ev: Any, pool: tuple[str, str]) -> Rework:
        """What a stored rework disposition needs re-inspected (worker thread)."""
        from hmi.services.inspections import InspectionError, order_plan
        from hmi.store.models import InspectionResult

        if ev.subject_kind == "inspection":
            rid = _as_uuid(ev.subject_identifier)
            res = s.get(InspectionResult, rid) if rid is not None else None
            if res is None:
                return Rework(ev.id, ev.seq, pool, None, int(ev.quantity), ())
            return Rework(ev.id, ev.seq, pool, res.order_code, int(ev.quantity),
                          (res.characteristic_code,))
        order = pool[1] if pool[0] == "order" else None
        chars: tuple[str, ...] = ()
        if order is not None:
            try:
                _o, _op, plan = order_plan(s, self._station, order)
            except InspectionError:
                plan = None
            if plan is not None:
                chars = tuple(c.code for c in plan.characteristics)
        return Rework(ev.id, ev.seq, pool, order, int(ev.quantity), chars)

    def _results_for(self, s: Any, reworks: list[Rework]) -> list[ResultFact]:
        """The station's results of the reworked orders after the first rework (worker)."""
        from sqlalchemy import select

        from hmi.store.models import InspectionResult

        orders = {r.order_code for r in reworks if r.order_code}
        if not orders:
            return []
        R = InspectionResult
        first = min(r.seq for r in reworks)
        return [ResultFact(r.seq, str(r.id), r.order_code, r.characteristic_code,
                           bool(r.passed), r.supersedes_id is not None)
                for r in s.execute(select(R.seq, R.id, R.order_code, R.characteristic_code,
                                          R.passed, R.supersedes_id).where(
                    R.station_id == self._station, R.order_code.in_(orders), R.seq > first))]

    def _loaded(self, snap: _Snapshot) -> None:
        self._pending -= 1
        live = self._live_next or {}
        self._live_next = None
        self._history = snap.holds
        self._holds = {k: h for k, h in snap.holds.items() if h.open}
        self._made = dict(snap.made)
        for order, n in live.items():
            self._made[order] = self._made.get(order, 0) + n
        self._disposed = snap.disposed
        self._dispositions = snap.dispositions
        self._reworks = snap.reworks
        self._flow = snap.flow
        self._names = snap.names
        self._ready = True
        self._emit()
        for order in set(self._made) | {p[1] for p in self._disposed if p[0] == "order"}:
            self.sig_quality_changed.emit(order)

    def _load_failed(self, exc: BaseException) -> None:
        self._pending -= 1
        self._live_next = None
        log.error("holds could not be loaded", exc_info=exc)
        self.sig_error.emit(tr(CTX, "Quality holds could not be loaded from the station database "
                               "(%1): orders cannot be started until they are. Tell "
                               "maintenance.", exc))

    # ------------------------------------------------------------------ queries
    def open_holds(self) -> list[Hold]:
        """The open holds, oldest first."""
        return sorted(self._holds.values(), key=lambda h: (h.placed_at, str(h.hold_id)))

    def hold(self, hold_id: uuid.UUID | str) -> Hold | None:
        hid = _as_uuid(hold_id)
        return None if hid is None else self._history.get(hid) or self._holds.get(hid)

    def history(self) -> list[Hold]:
        """Every hold known at this station (open and released), oldest first."""
        return sorted(self._history.values(), key=lambda h: (h.placed_at, str(h.hold_id)))

    def holds_on_order(self, order_code: str) -> list[Hold]:
        return [h for h in self.open_holds() if h.order_code == order_code]

    def quality(self, order_code: str) -> OrderQuality:
        """Parts of ``order_code`` made under a hold and what became of them."""
        d = self._disposed.get(("order", order_code), {})
        passed, failed, redisposed = self._flow.get(("order", order_code), (0, 0, 0))
        return OrderQuality(order_code, self._made.get(order_code, 0), d.get(SCRAP, 0),
                            d.get(REWORK, 0), d.get(USE_AS_IS, 0), d.get(RETURN, 0),
                            passed, failed, redisposed)

    def reworks(self, order_code: str | None = None) -> list[Rework]:
        """Rework dispositions and their re-inspection state (as of the last load)."""
        return [r for r in self._reworks if order_code is None or r.order_code == order_code]

    def on_inspection_recorded(self, order_code: str | None) -> None:
        """A result was stored for ``order_code``: if reworked units of it await their
        re-inspection, reload (the store decides them; docs/holds.md)."""
        if order_code and any(r.state == AWAITING and r.order_code == order_code
                              for r in self._reworks):
            self.reload()

    def suspect(self, order_code: str) -> int:
        """Units of the order made under a hold that have no disposition yet (not good)."""
        return self.quality(order_code).suspect

    def dispositions(self, order_code: str | None = None) -> list[DispositionRecord]:
        return [r for r in self._dispositions
                if order_code is None or r.order_code == order_code
                or (r.subject_kind == "order" and r.identifier == order_code)]

    # ------------------------------------------------------------------ live parts
    def on_parts(self, order_code: str | None, n: int) -> None:
        """Good parts the machine just made for ``order_code``: suspect while it is on hold."""
        if not order_code or n <= 0:
            return
        if not any(h.order_code == order_code for h in self._holds.values()):
            return
        if self._live_next is not None:
            self._live_next[order_code] = self._live_next.get(order_code, 0) + n
        self._made[order_code] = self._made.get(order_code, 0) + n
        self.sig_quality_changed.emit(order_code)

    # ------------------------------------------------------------------ start check
    def check_holds(self, ctx: StartContext) -> Blocker | None:
        """Start check ``quality.hold``: an open hold on the order blocks start and resume."""
        if not self._ready:
            return Blocker(CHECK_NAME, tr(CTX, "The quality holds are not loaded yet."),
                           tr(CTX, "Wait a moment and try again; if this stays, tell "
                              "maintenance."))
        holds = self.holds_on_order(ctx.order_code)
        if not holds:
            return None
        parts = []
        for h in holds:
            parts.append(tr(CTX, "Quality hold on %1: %2 (placed by %3, %4).", h.subject,
                            h.reason, h.placed_by_label, _hhmm(h.placed_at)))
        return Blocker(CHECK_NAME, " ".join(parts),
                       tr(CTX, "A team lead must release the hold with their signature before "
                          "order %1 can run; the person who placed it cannot release it.",
                          ctx.order_code))

    # ------------------------------------------------------------------ place
    @requires(INSPECTION_RECORD)
    def place(self, actor: Actor, subject_kind: str, identifier: str, reason: str, *,
              order_code: str | None = None, comment: str = "") -> Hold:
        """Put an order, lot or serial on hold at once (it blocks from this moment).

        Returns the hold; it is written on the worker (a failed write takes it back and
        reports on ``sig_error``).
        """
        return self._place(actor.badge, actor.name, subject_kind, identifier, reason,
                           order_code=order_code, comment=comment)

    def place_automatic(self, subject_kind: str, identifier: str, reason: str, *,
                        order_code: str | None = None, comment: str = "") -> Hold:
        """A hold the station places by itself (an SPC rule whose reaction is "hold").

        Placed by "the system" (no badge); audited like any other; released only with a
        team lead's signature.
        """
        return self._place(None, None, subject_kind, identifier, reason,
                           order_code=order_code, comment=comment)

    def _place(self, badge: str | None, name: str | None, subject_kind: str, identifier: str,
               reason: str, *, order_code: str | None, comment: str) -> Hold:
        self._require_ready()
        kind = (subject_kind or "").strip().lower()
        if kind not in SUBJECT_KINDS:
            raise HoldError(tr(CTX, "A hold is placed on an order, a lot or a serial number, "
                               "not on '%1'.", subject_kind))
        ident = (identifier or "").strip()
        if not ident:
            raise HoldError(tr(CTX, "Say which %1 is put on hold (scan or type its number).",
                               tr(CTX, kind)))
        if len(ident) > MAX_IDENTIFIER:
            raise HoldError(tr(CTX, "'%1…' is too long for a %2 number (at most %3 characters). "
                               "Check the scan.", ident[:20], tr(CTX, kind), MAX_IDENTIFIER))
        reason = " ".join((reason or "").split())
        if not reason:
            raise HoldError(tr(CTX, "Say why %1 %2 is put on hold, then place the hold again.",
                               tr(CTX, kind), ident))
        if len(reason) > MAX_REASON:
            raise HoldError(tr(CTX, "The hold reason is too long (%1 characters; at most %2). "
                               "Put details in the comment.", len(reason), MAX_REASON))
        order = (order_code or "").strip() or None
        if kind == "order":
            if order is not None and order != ident:
                raise HoldError(tr(CTX, "A hold on order %1 cannot name another order (%2).",
                                   ident, order))
            order = ident
        if order is not None and len(order) > MAX_IDENTIFIER:
            raise HoldError(tr(CTX, "The order number is too long (at most %1 characters).",
                               MAX_IDENTIFIER))
        for h in self._holds.values():
            if h.subject_kind == kind and h.identifier == ident:
                raise HoldError(tr(CTX, "%1 is already on hold (%2, placed by %3).", h.subject,
                                   h.reason, h.placed_by_label))
        comment = (comment or "").strip()
        now = self._clock()
        hold = Hold(_new_id(), kind, ident, order, reason, comment, badge, name or "", now)
        self._holds[hold.hold_id] = hold
        self._history[hold.hold_id] = hold
        row = dict(hold_id=hold.hold_id, kind="placed", subject_kind=kind,
                   subject_identifier=ident, reason=reason, comment=comment, order_code=order)
        audit = dict(actor_badge=badge, action="hold.place", entity="hold",
                     entity_id=str(hold.hold_id),
                     new={"subject_kind": kind, "subject": ident, "order_code": order,
                          "reason": reason, "comment": comment},
                     detail=tr(CTX, "%1 put on hold: %2", hold.subject, reason))

        def failed(exc: BaseException) -> None:
            self._holds.pop(hold.hold_id, None)
            self._history.pop(hold.hold_id, None)
            self._emit()
            self.sig_error.emit(tr(CTX, "The hold on %1 was not saved (%2). Place it again; if "
                                   "it fails again, tell maintenance.", hold.subject, exc))

        self._write_hold(row, audit, now, badge, on_done=None, on_error=failed)
        log.info("hold %s placed on %s %s by %s: %s", hold.hold_id, kind, ident,
                 badge or "the system", reason)
        self._emit()
        return hold

    # ------------------------------------------------------------------ release
    @requires(INSPECTION_RECORD)
    def release(self, actor: Actor, hold_id: uuid.UUID | str, *, badge: str, pin: str,
                comment: str) -> Future:
        """Release an open hold with a team lead's signature (meaning "Released").

        Refused at once (:class:`HoldError`) for an unknown or released hold, a missing
        comment, or when the signer placed the hold. Re-authentication runs on the
        worker: the returned future fails with ``LoginError`` (wrong PIN …) or
        ``PermissionDenied`` (signer lacks ``inspection.sign``), and nothing is stored.
        The hold stays open until the release is committed.
        """
        self._require_ready()
        hid = _as_uuid(hold_id)
        hold = self._holds.get(hid) if hid is not None else None
        if hold is None:
            known = self._history.get(hid) if hid is not None else None
            if known is not None:
                raise HoldError(tr(CTX, "The hold on %1 was released already.", known.subject))
            raise HoldError(tr(CTX, "There is no open hold %1 at this station. Reload the "
                               "holds.", hold_id))
        comment = (comment or "").strip()
        if not comment:
            raise HoldError(tr(CTX, "Say why the hold on %1 may be released (what was checked "
                               "or decided), then sign again.", hold.subject))
        signer = (badge or "").strip()
        if hold.placed_by and signer == hold.placed_by:
            raise HoldError(tr(CTX, "%1 placed this hold and cannot release it. Another team "
                               "lead must sign the release.", hold.placed_by_label))
        event_id = _new_id()
        now = self._clock()
        row = dict(id=event_id, hold_id=hold.hold_id, kind="released",
                   subject_kind=hold.subject_kind, subject_identifier=hold.identifier,
                   reason=hold.reason, comment=comment, order_code=hold.order_code)
        record = release_record({**row, "station_id": self._station})

        def job() -> Any:
            sig = self._sig.sign(badge=signer, pin=pin, meaning=RELEASE_MEANING,
                                 record_type="hold", record_id=str(hold.hold_id), record=record,
                                 required_permission=INSPECTION_SIGN)
            if hold.placed_by and sig.signer_badge == hold.placed_by:  # a badge alias
                raise HoldError(tr(CTX, "%1 placed this hold and cannot release it.",
                                   hold.placed_by_label))
            audit = dict(actor_badge=actor.badge, action="hold.release", entity="hold",
                         entity_id=str(hold.hold_id),
                         old={"state": "open", "reason": hold.reason},
                         new={"state": "released", "signature_id": sig.id,
                              "signer": sig.signer_badge, "comment": comment},
                         detail=tr(CTX, "%1 released by %2", hold.subject, sig.signer_name))
            self._store_hold({**row, "signature_id": sig.id}, audit, now, actor.badge)
            return sig

        def done(sig: Any) -> None:
            self._pending -= 1
            self._holds.pop(hold.hold_id, None)
            self._history[hold.hold_id] = replace(hold, released_by=actor.badge,
                                                  released_at=now, signature_id=sig.id)
            log.info("hold %s released, signed by %s", hold.hold_id, sig.signer_badge)
            self._emit()
            if hold.order_code:
                self.sig_quality_changed.emit(hold.order_code)

        return self._submit(job, done)

    # ------------------------------------------------------------------ dispositions
    @requires(INSPECTION_RECORD)
    def dispose(self, actor: Actor, subject_kind: str, identifier: str, disposition: str,
                quantity: int, *, badge: str, pin: str, order_code: str | None = None,
                hold_id: uuid.UUID | str | None = None, defect_code: str | None = None,
                comment: str = "") -> Future:
        """Decide what happens to suspect or nonconforming units, signed by a team lead.

        Validation that needs only memory (kind, disposition, quantity against the
        order's suspect units or a held serial) raises :class:`HoldError` at once; a lot
        or an inspection result is checked on the worker before the signature is asked
        for. The future fails with ``HoldError``, ``LoginError`` or ``PermissionDenied``
        and nothing is stored, or gives the :class:`DispositionRecord`.
        """
        self._require_ready()
        kind = (subject_kind or "").strip().lower()
        if kind not in DISPOSITION_SUBJECTS:
            raise HoldError(tr(CTX, "A disposition is for an order, a lot, a serial number or "
                               "an inspection result, not for '%1'.", subject_kind))
        ident = (identifier or "").strip()
        if not ident or len(ident) > MAX_IDENTIFIER:
            raise HoldError(tr(CTX, "Say which %1 the disposition is for (at most %2 "
                               "characters).", tr(CTX, kind), MAX_IDENTIFIER))
        disp = (disposition or "").strip().lower()
        if disp not in DISPOSITIONS:
            raise HoldError(tr(CTX, "Choose scrap, rework, use as is or return to supplier, "
                               "not '%1'.", disposition))
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            try:
                ok = float(quantity) == int(float(quantity)) and int(float(quantity)) > 0
            except (TypeError, ValueError):
                ok = False
            if not ok or isinstance(quantity, bool):
                raise HoldError(tr(CTX, "The quantity must be a whole number of units above "
                                   "zero, not '%1'.", quantity))
            quantity = int(float(quantity))
        order = (order_code or "").strip() or None
        if kind == "order":
            if order is not None and order != ident:
                raise HoldError(tr(CTX, "A disposition for order %1 cannot name another order "
                                   "(%2).", ident, order))
            order = ident
        hid = None
        if hold_id is not None and str(hold_id).strip():
            hid = _as_uuid(hold_id)
            held = self._history.get(hid) if hid is not None else None
            if held is None:
                raise HoldError(tr(CTX, "There is no hold %1 at this station.", hold_id))
            if order is None and held.order_code and kind != "inspection":
                order = held.order_code
        comment = (comment or "").strip()
        if disp == USE_AS_IS and not comment:
            raise HoldError(tr(CTX, "A concession (use as is) needs a comment saying why the "
                               "units are acceptable, then sign again."))
        defect = (defect_code or "").strip() or None
        pool = _pool(kind, ident, order)
        label = _pool_label(pool)
        if pool[0] == "order":
            left = self.quality(pool[1]).undecided
            if kind == "serial" and quantity != 1:
                raise HoldError(tr(CTX, "A serial number is one unit: the quantity must be 1."))
            if quantity > left:
                raise HoldError(_too_many(label, quantity, left))
        elif pool[0] == "serial":
            if quantity != 1:
                raise HoldError(tr(CTX, "A serial number is one unit: the quantity must be 1."))
            if not any(h.subject_kind == "serial" and h.identifier == ident
                       for h in self._history.values()):
                raise HoldError(tr(CTX, "Serial %1 is not on hold here, so it has no "
                                   "disposition to give. Place a hold or name its order.",
                                   ident))
            if self._disposed_in(pool) >= 1:
                raise HoldError(_too_many(label, quantity, 0))
        already = self._disposed_in(pool)
        event_id = _new_id()
        now = self._clock()
        row = dict(id=event_id, subject_kind=kind, subject_identifier=ident, order_code=order,
                   hold_id=hid, disposition=disp, quantity=quantity, defect_code=defect,
                   comment=comment)
        record = disposition_record({**row, "station_id": self._station,
                                     "actor_badge": actor.badge})
        signer = (badge or "").strip()
        target: list[str | None] = [order, None]  # what a rework asks to re-inspect

        def job() -> DispositionRecord:
            if pool[0] == "inspection" and disp == REWORK:
                target[:] = self._result_target(ident)
            if pool[0] in ("lot", "inspection"):
                total = self._available(pool)
                left = max(0, total - already)
                if quantity > left:
                    raise HoldError(_too_many(label, quantity, left))
            sig = self._sig.sign(badge=signer, pin=pin, meaning=DISPOSITION_MEANING,
                                 record_type="disposition", record_id=str(event_id),
                                 record=record, required_permission=INSPECTION_SIGN)
            audit = dict(actor_badge=actor.badge, action=f"disposition.{disp}",
                         entity="disposition", entity_id=str(event_id),
                         new={"subject_kind": kind, "subject": ident, "order_code": order,
                              "quantity": quantity, "defect_code": defect, "comment": comment,
                              "signature_id": sig.id, "signer": sig.signer_badge},
                         detail=tr(CTX, "%1 × %2 of %3, approved by %4", quantity, disp, label,
                                   sig.signer_name))
            from hmi.store.events import append_event
            from hmi.store.models import DispositionEvent

            with self._sf.begin() as s:
                ev = append_event(s, DispositionEvent(
                    station_id=self._station, recorded_at=now, actor_badge=actor.badge,
                    signature_id=sig.id, **row))
                self._audit.record(s, **audit)
                s.flush()
                out = replace(_disposition_record(ev), signer_badge=sig.signer_badge)
            return out

        def done(rec: DispositionRecord) -> None:
            self._pending -= 1
            cur = self._disposed.setdefault(pool, {})
            cur[disp] = cur.get(disp, 0) + quantity
            self._dispositions.append(rec)
            log.info("disposition %s × %s of %s signed by %s", quantity, disp, label,
                     rec.signer_badge)
            if disp == REWORK or any(r.pool == pool for r in self._reworks):
                self.reload()  # reworks and their re-inspections are derived from the store
            if disp == REWORK:
                self.sig_rework.emit(target[0], target[1])
            if order:
                self.sig_quality_changed.emit(order)

        return self._submit(job, done)

    def _result_target(self, ident: str) -> list[str | None]:
        """[order, characteristic] of inspection result ``ident`` (worker thread)."""
        from hmi.store.models import InspectionResult

        rid = _as_uuid(ident)
        with self._sf() as s:
            res = s.get(InspectionResult, rid) if rid is not None else None
            return [res.order_code, res.characteristic_code] if res is not None else [None,
                                                                                       None]

    def _disposed_in(self, pool: tuple[str, str]) -> int:
        return sum(self._disposed.get(pool, {}).values())

    def _available(self, pool: tuple[str, str]) -> int:
        """Units a lot or a failed inspection result holds (worker thread)."""
        from sqlalchemy import select

        from hmi.store.models import InspectionResult, MaterialLot, ProducedUnit

        kind, ident = pool
        with self._sf() as s:
            if kind == "inspection":
                rid = _as_uuid(ident)
                res = s.get(InspectionResult, rid) if rid is not None else None
                if res is None or res.station_id != self._station:
                    raise HoldError(tr(CTX, "There is no inspection result %1 at this "
                                       "station.", ident))
                if res.passed:
                    raise HoldError(tr(CTX, "Inspection result %1 passed; only a failed check "
                                       "gets a disposition.", ident))
                return int(res.quantity_inspected or 1)
            held = any(h.subject_kind == "lot" and h.identifier == ident
                       for h in self._history.values())
            if not held:
                raise HoldError(tr(CTX, "Lot %1 is not on hold here, so it has no disposition "
                                   "to give. Place a hold or name its order.", ident))
            unit = s.scalars(select(ProducedUnit).where(
                ProducedUnit.kind == "lot", ProducedUnit.identifier == ident)
                .order_by(ProducedUnit.seq.desc()).limit(1)).first()
            if unit is not None:
                return int(unit.quantity)
            lot = s.scalars(select(MaterialLot).where(MaterialLot.lot_code == ident)
                            .order_by(MaterialLot.seq.desc()).limit(1)).first()
            if lot is not None:
                return int(lot.quantity)
        raise HoldError(tr(CTX, "The quantity of lot %1 is not known at this station. Name the "
                           "order the lot belongs to.", ident))

    # ------------------------------------------------------------------ writing
    def _require_ready(self) -> None:
        if not self._ready:
            raise HoldError(tr(CTX, "The quality holds are being loaded. Try again in a "
                               "moment."))

    def _submit(self, job: Callable[[], Any], done: Callable[[Any], None]) -> Future:
        self._pending += 1

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            msg = getattr(exc, "operator_message", None) or str(exc) or type(exc).__name__
            log.info("hold action refused or failed: %s", msg)
            self.sig_error.emit(msg)

        return self._worker.submit(job, on_done=done, on_error=failed)

    def _write_hold(self, row: dict[str, Any], audit: dict[str, Any], at: dt.datetime,
                    badge: str | None, *, on_done: Callable[[Any], None] | None,
                    on_error: Callable[[BaseException], None]) -> Future:
        self._pending += 1

        def done(r: Any) -> None:
            self._pending -= 1
            if on_done is not None:
                on_done(r)

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            log.error("hold event could not be saved", exc_info=exc)
            on_error(exc)

        return self._worker.submit(self._store_hold, row, audit, at, badge, on_done=done,
                                   on_error=failed)

    def _store_hold(self, row: dict[str, Any], audit: dict[str, Any], at: dt.datetime,
                    badge: str | None) -> None:
        from hmi.store.events import append_event
        from hmi.store.models import HoldEvent

        with self._sf.begin() as s:
            append_event(s, HoldEvent(station_id=self._station, recorded_at=at,
                                      actor_badge=badge, **row))
            self._audit.record(s, **audit)

    def _emit(self) -> None:
        self.sig_holds_changed.emit(self.open_holds())


def register_checks(registry: PrerequisiteRegistry, service: HoldService) -> None:
    """Register the start check ``quality.hold`` of ``service`` in ``registry``."""
    registry.register(CHECK_NAME, service.check_holds)


# --------------------------------------------------------------------------- helpers


def _order_of(kind: str, ident: str, order_code: str | None) -> str | None:
    return ident if kind == "order" else (order_code or None)


def _pool(kind: str, ident: str, order_code: str | None) -> tuple[str, str]:
    """Which undecided quantity a disposition draws from."""
    if kind == "inspection":
        return ("inspection", ident)
    if kind == "order":
        return ("order", ident)
    if order_code:
        return ("order", order_code)
    return (kind, ident)


def _pool_label(pool: tuple[str, str]) -> str:
    kind, ident = pool
    if kind == "order":
        return tr(CTX, "the suspect units of order %1", ident)
    if kind == "inspection":
        return tr(CTX, "the units of failed inspection %1", ident)
    return tr(CTX, "%1 %2", tr(CTX, kind), ident)


def _too_many(label: str, quantity: int, left: int) -> str:
    return tr(CTX, "%1 units cannot get a disposition: %2 has only %3 undecided. Enter at most "
              "%3.", quantity, label, left)


def _disposition_record(ev: Any) -> DispositionRecord:
    return DispositionRecord(ev.id, ev.subject_kind, ev.subject_identifier, ev.order_code,
                             ev.hold_id, ev.disposition, int(ev.quantity), ev.defect_code,
                             ev.comment, ev.actor_badge, None, ev.signature_id,
                             _aware(ev.recorded_at))


def _merge(spans: list[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    """Union of seq intervals (open end None), sorted."""
    out: list[list[int | None]] = []
    for lo, hi in sorted(spans, key=lambda x: x[0]):
        if out and (out[-1][1] is None or lo <= out[-1][1]):  # type: ignore[operator]
            if out[-1][1] is not None and (hi is None or hi > out[-1][1]):  # type: ignore[operator]
                out[-1][1] = hi
        else:
            out.append([lo, hi])
    return [(a, b) for a, b in out]  # type: ignore[misc]


def _intersect(a: list[tuple[int, int | None]],
               b: list[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    """Intersections of two lists of exclusive seq intervals (open end None)."""
    inf = float("inf")
    out: list[tuple[int, int | None]] = []
    for lo1, hi1 in a:
        for lo2, hi2 in b:
            lo = max(lo1, lo2)
            hi = min(inf if hi1 is None else hi1, inf if hi2 is None else hi2)
            if hi > lo + 1 or hi == inf:
                out.append((lo, None if hi == inf else int(hi)))
    return out


def _as_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except (ValueError, AttributeError):
        return None


def _new_id() -> uuid.UUID:
    from hmi.store.base import new_id

    return new_id()


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _hhmm(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
