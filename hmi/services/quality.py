"""Team-lead review of inspection results, and first-pass yield for the dashboard.

**Which results need a signature** (``ReviewItem.why``):

* a **first-piece** result (``due_reason = first_piece``) — first-article approval,
  meaning *Approved*;
* a **failed** result — the team lead reviews what was found and decided, meaning
  *Reviewed*, with a **mandatory comment**;
* a result of a characteristic whose plan says ``requires_signature`` — *Approved*.

A result that was re-measured is reviewed through its re-measurement (the review item of
the newest result of the chain names how many values it replaced); the failed original
stays visible in the history.

**Signing** (:meth:`QualityService.sign_off`) re-authenticates the signer through
:class:`~hmi.services.signatures.SignatureService` (badge + PIN, permission
``inspection.sign``). Where the plan says ``signer_must_differ`` the person who recorded
the result may not sign it: refused before the PIN is asked for and again after
re-authentication (a badge alias cannot slip through). The signature *is* the sign-off:
a ``Signature`` event (``record_type = "inspection_result"``) with the printed name,
time, meaning and comment; nothing else is written, so nothing can disagree. The signed
record is :func:`result_record` of the stored result plus the comment, so a later change
of the result (or of the comment) breaks the signature, and every view of a signed item
says so (:attr:`SignOff.valid`, :attr:`SignOff.check`).

**First-pass yield** (:meth:`QualityService.fpy`) is computed on the DB worker from the
station's results and dispositions in a time window with :mod:`hmi.services.fpy` — the
dashboard's FPY slot (the OEE quality rate stays on machine counters).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from hmi.services import fpy as fpy_core
from hmi.services.audit import AuditWriter
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.permissions import INSPECTION_RECORD, INSPECTION_SIGN, Actor, requires
from hmi.services.signatures import Meaning

log = logging.getLogger(__name__)

CTX = "quality"
RECORD_TYPE = "inspection_result"
#: How far back the review list reaches (older unsigned items stay in the store and
#: in reports; the station shows the recent ones).
REVIEW_DAYS = 14
REVIEW_LIMIT = 400

WHY_FIRST_PIECE = "first_piece"
WHY_FAILED = "failed"
WHY_REQUIRED = "required"


class QualityError(OperatorError):
    """A sign-off refused before anything was written (message for the screen)."""


@dataclass(frozen=True)
class SignOff:
    """A stored sign-off as every view shows it: name, time, meaning — and whether it holds."""

    signature_id: uuid.UUID
    signer_badge: str
    signer_name: str
    meaning: str
    signed_at: dt.datetime
    comment: str
    #: False when the result (or the comment) changed after signing
    valid: bool
    check: str

    def label(self, tz: dt.tzinfo | None = None) -> str:
        """"Approved by Clara Voss on 2026-06-01 06:02" (station time with ``tz``, else UTC)."""
        return tr(CTX, "%1 by %2 on %3", self.meaning, self.signer_name, _at(self.signed_at, tz))


@dataclass(frozen=True)
class ReviewItem:
    result_id: uuid.UUID
    order_code: str | None
    plan_code: str
    plan_version: int
    characteristic: str
    characteristic_name: str
    unit: str
    values: tuple[Any, ...]
    passed: bool
    due_reason: str | None
    recorded_at: dt.datetime
    recorded_by: str | None
    recorded_by_name: str
    why: str
    meaning: Meaning
    signer_must_differ: bool
    #: results this one re-measured (their failed values stay in the history)
    remeasured: int = 0
    signoff: SignOff | None = None
    #: decimals the values are shown with (from the characteristic's resolution)
    decimals: int = 3

    @property
    def open(self) -> bool:
        return self.signoff is None

    @property
    def comment_required(self) -> bool:
        return self.why == WHY_FAILED

    def what(self, tz: dt.tzinfo | None = None) -> str:
        """One line: what the signer vouches for (times in ``tz``, else UTC)."""
        vals = ", ".join(f"{v:.{self.decimals}f}" if isinstance(v, float)
                         else str(v) for v in self.values)
        unit = f" {self.unit}" if self.unit else ""
        verdict = tr(CTX, "PASS") if self.passed else tr(CTX, "FAIL")
        return tr(CTX, "%1 (%2) on order %3: %4%5 — %6, recorded by %7 at %8",
                  self.characteristic_name, self.characteristic, self.order_code or "—",
                  vals, unit, verdict, self.recorded_by_name,
                  self.recorded_at.astimezone(tz or dt.UTC).strftime("%H:%M"))

    def why_text(self) -> str:
        return {WHY_FIRST_PIECE: tr(CTX, "First-article approval"),
                WHY_FAILED: tr(CTX, "Failed check: review"),
                WHY_REQUIRED: tr(CTX, "Signature required by the plan")}[self.why]


def _at(t: dt.datetime, tz: dt.tzinfo | None) -> str:
    return t.astimezone(tz).strftime("%Y-%m-%d %H:%M") if tz else \
        t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _decimals(resolution: float | None) -> int:
    """0.01 → 2, 0.005 → 3, 1 → 0; unknown → 3."""
    if not resolution or resolution <= 0:
        return 3
    return max(0, min(6, -math.floor(math.log10(resolution) + 1e-9)))


def result_record(row: Any, comment: str) -> dict[str, Any]:
    """What a sign-off vouches for: the stored result's content and the signer's comment."""
    g = row.__getattribute__
    sup = g("supersedes_id")
    return {"type": "inspection_result", "id": str(g("id")), "station_id": g("station_id"),
            "plan_code": g("plan_code"), "plan_version": int(g("plan_version")),
            "characteristic_code": g("characteristic_code"), "order_code": g("order_code"),
            "unit_serial": g("unit_serial"), "lot_code": g("lot_code"),
            "values": list(g("values") or []), "passed": bool(g("passed")),
            "defects": dict(g("defects") or {}), "gauge_code": g("gauge_code"),
            "quantity_inspected": g("quantity_inspected"), "due_reason": g("due_reason"),
            "recorded_at": g("recorded_at"), "actor_badge": g("actor_badge"),
            "supersedes_id": None if sup is None else str(sup), "comment": comment}


def _why(row: Any, requires_signature: bool) -> str | None:
    if not row.passed:
        return WHY_FAILED
    if row.due_reason == WHY_FIRST_PIECE:
        return WHY_FIRST_PIECE
    if requires_signature:
        return WHY_REQUIRED
    return None


class QualityService(QObject):
    #: list[ReviewItem]: the review list changed (loaded, signed)
    sig_changed = Signal(object)
    #: str: a load or a sign-off failed (message for the screen)
    sig_error = Signal(str)

    def __init__(self, worker: Any, session_factory: Any, station_id: str, audit: AuditWriter,
                 signatures: Any, clock: Callable[[], dt.datetime] | None = None, *,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._sf = session_factory
        self._station = station_id
        self._audit = audit
        self._sig = signatures
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._items: dict[uuid.UUID, ReviewItem] = {}
        self._fpy_cache: dict[tuple[dt.datetime, str | None], fpy_core.FpyResult] = {}
        self._pending = 0

    # ------------------------------------------------------------------ reading
    @property
    def busy(self) -> bool:
        return self._pending > 0

    def items(self) -> list[ReviewItem]:
        """Newest first: open items, then signed ones."""
        return sorted(self._items.values(), key=lambda i: (not i.open, -i.recorded_at.timestamp()))

    def open_items(self) -> list[ReviewItem]:
        return [i for i in self.items() if i.open]

    def item(self, result_id: uuid.UUID | str) -> ReviewItem | None:
        try:
            return self._items.get(uuid.UUID(str(result_id)))
        except ValueError:
            return None

    def reload(self) -> Future:
        self._pending += 1
        self._fpy_cache.clear()

        def done(items: list[ReviewItem]) -> None:
            self._pending -= 1
            self._items = {i.result_id: i for i in items}
            self.sig_changed.emit(self.items())

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            log.error("review list could not be loaded", exc_info=exc)
            self.sig_error.emit(tr(CTX, "The inspections to sign off could not be loaded: %1. "
                                   "Try again; tell maintenance if it persists.", str(exc)))

        return self._worker.submit(self._load, on_done=done, on_error=failed)

    def results_changed(self, *_: object) -> None:
        """A result was recorded or a disposition signed: reload the list, drop cached FPY."""
        self.reload()

    def _load(self) -> list[ReviewItem]:
        from sqlalchemy import select

        from hmi.services.signatures import SignatureService
        from hmi.store.models import InspectionPlan, InspectionResult
        from hmi.store.security import Signature, UserAccount

        since = self._clock() - dt.timedelta(days=REVIEW_DAYS)
        with self._sf() as s:
            names: dict[str, str] = {}
            for code, name in s.execute(select(UserAccount.code, UserAccount.name)
                                        .order_by(UserAccount.version)):
                names[code] = name
            rows = list(s.scalars(
                select(InspectionResult)
                .where(InspectionResult.station_id == self._station,
                       InspectionResult.recorded_at >= since)
                .order_by(InspectionResult.seq.desc()).limit(REVIEW_LIMIT)))
            plans: dict[tuple[str, int], Any] = {}
            for code, version in {(r.plan_code, r.plan_version) for r in rows}:
                plans[(code, version)] = s.scalar(select(InspectionPlan).where(
                    InspectionPlan.code == code, InspectionPlan.version == version))
            superseded: dict[uuid.UUID, int] = {}
            by_id = {r.id: r for r in rows}
            for r in rows:
                if r.supersedes_id is not None:
                    superseded[r.supersedes_id] = superseded.get(r.supersedes_id, 0) + 1
            sigs: dict[str, Any] = {}
            ids = [str(r.id) for r in rows]
            for i in range(0, len(ids), 200):
                for sig in s.scalars(select(Signature).where(
                        Signature.record_type == RECORD_TYPE,
                        Signature.record_id.in_(ids[i:i + 200])).order_by(Signature.seq)):
                    sigs.setdefault(sig.record_id, sig)  # the first sign-off stands
            items = []
            for r in rows:
                if r.id in superseded:
                    continue  # reviewed through its re-measurement
                plan = plans.get((r.plan_code, r.plan_version))
                chars = {c.code: c for c in plan.characteristics} if plan else {}
                ch = chars.get(r.characteristic_code)
                why = _why(r, bool(ch and ch.requires_signature))
                chain, cur = 0, r
                while cur.supersedes_id is not None and cur.supersedes_id in by_id:
                    chain += 1
                    cur = by_id[cur.supersedes_id]
                    if not cur.passed and why is None:
                        why = WHY_FAILED  # a failed check re-measured as good is still reviewed
                    if cur.due_reason == WHY_FIRST_PIECE and why is None:
                        why = WHY_FIRST_PIECE
                if why is None:
                    continue
                sig = sigs.get(str(r.id))
                signoff = None
                if sig is not None:
                    check = SignatureService.verify(sig, result_record(r, sig.comment or ""))
                    signoff = SignOff(sig.id, sig.signer_badge, sig.signer_name, sig.meaning,
                                      sig.signed_at, sig.comment or "", check.ok, check.reason)
                items.append(ReviewItem(
                    result_id=r.id, order_code=r.order_code, plan_code=r.plan_code,
                    plan_version=r.plan_version, characteristic=r.characteristic_code,
                    characteristic_name=ch.name if ch else r.characteristic_code,
                    unit=(ch.unit if ch else "") or "", values=tuple(r.values or ()),
                    passed=bool(r.passed), due_reason=r.due_reason, recorded_at=r.recorded_at,
                    recorded_by=r.actor_badge,
                    recorded_by_name=names.get(r.actor_badge or "", r.actor_badge or "—"),
                    why=why, meaning=Meaning.REVIEWED if why == WHY_FAILED else Meaning.APPROVED,
                    signer_must_differ=bool(plan.signer_must_differ) if plan else True,
                    remeasured=chain, signoff=signoff,
                    decimals=_decimals(ch.resolution if ch else None)))
            return items

    # ------------------------------------------------------------------ signing
    def check_sign_off(self, result_id: uuid.UUID | str, comment: str = "",
                       badge: str = "") -> tuple[ReviewItem, str, dict[str, str] | None]:
        """What can be refused before a PIN is asked for (unknown or signed result, a failed
        check without a comment, the author signing their own result): raises
        :class:`QualityError`. Returns the item, the cleaned comment and the badges that
        may not sign it (checked again after re-authentication)."""
        item = self.item(result_id)
        if item is None:
            raise QualityError(tr(CTX, "Result %1 is not in the list to sign off. Reload the "
                                  "list.", str(result_id)))
        if item.signoff is not None:
            raise QualityError(tr(CTX, "%1 is signed already: %2.", item.characteristic_name,
                                  item.signoff.label()))
        comment = (comment or "").strip()
        if item.comment_required and not comment:
            raise QualityError(tr(CTX, "A failed check needs a comment: say what was found and "
                                  "what was decided, then sign."))
        own = tr(CTX, "%1 recorded this result and may not sign it off. Another team lead "
                 "must sign.", item.recorded_by_name)
        if item.signer_must_differ and item.recorded_by and (badge or "").strip() == \
                item.recorded_by:
            raise QualityError(own)
        not_signers = {item.recorded_by: own} if item.signer_must_differ and item.recorded_by \
            else None
        return item, comment, not_signers

    @requires(INSPECTION_RECORD)
    def sign_off(self, actor: Actor, result_id: uuid.UUID | str, *, badge: str, pin: str,
                 comment: str = "") -> Future:
        """Sign off one result (team lead: badge + PIN). Refusals before the PIN is checked
        raise :class:`QualityError`; the future fails with ``LoginError`` (wrong PIN),
        ``PermissionDenied`` (not a team lead) or ``SelfSignRefused`` — nothing stored."""
        item, comment, not_signers = self.check_sign_off(result_id, comment, badge)
        signer = (badge or "").strip()

        def job() -> Any:
            from hmi.store.models import InspectionResult

            with self._sf() as s:
                row = s.get(InspectionResult, item.result_id)
                if row is None:
                    raise QualityError(tr(CTX, "Result %1 is not in the store.",
                                          str(item.result_id)))
                record = result_record(row, comment)
            return self._sig.sign(badge=signer, pin=pin, meaning=item.meaning,
                                  record_type=RECORD_TYPE, record_id=str(item.result_id),
                                  record=record, required_permission=INSPECTION_SIGN,
                                  comment=comment, not_signers=not_signers)

        def done(sig: Any) -> None:
            self._pending -= 1
            self._items[item.result_id] = replace(item, signoff=SignOff(
                sig.id, sig.signer_badge, sig.signer_name, sig.meaning, sig.signed_at,
                comment, True, "the record is unchanged since it was signed"))
            log.info("inspection result %s signed off (%s) by %s", item.result_id,
                     sig.meaning, sig.signer_badge)
            self.sig_changed.emit(self.items())

        def failed(exc: BaseException) -> None:
            self._pending -= 1

        self._pending += 1
        return self._worker.submit(job, on_done=done, on_error=failed)

    # ------------------------------------------------------------------ FPY
    def fpy(self, start: dt.datetime, end: dt.datetime | None,
            on_done: Callable[[fpy_core.FpyResult], None], *,
            order_code: str | None = None) -> None:
        """First-pass yield of results recorded in [start, end) (end None: until now),
        optionally of one order, computed on the worker and delivered to ``on_done``.
        Cached per (start, order) until a result or disposition is recorded."""
        key = (start, order_code)
        hit = self._fpy_cache.get(key)
        if hit is not None:
            on_done(hit)
            return

        def load() -> fpy_core.FpyResult:
            from sqlalchemy import select

            from hmi.store.models import DispositionEvent, InspectionResult

            R, D = InspectionResult, DispositionEvent  # noqa: N806 - table aliases
            with self._sf() as s:
                # only the columns FPY reads: rows, not ORM objects (a week is thousands)
                q = select(R.id, R.passed, R.order_code, R.unit_serial, R.plan_code, R.lot_code,
                           R.recorded_at, R.quantity_inspected, R.defects, R.supersedes_id) \
                    .where(R.station_id == self._station, R.recorded_at >= start)
                d = select(D.disposition, D.subject_kind, D.subject_identifier, D.quantity,
                           D.order_code, D.recorded_at) \
                    .where(D.station_id == self._station, D.recorded_at >= start)
                if end is not None:
                    q = q.where(InspectionResult.recorded_at < end)
                    d = d.where(DispositionEvent.recorded_at < end)
                if order_code is not None:
                    q = q.where(InspectionResult.order_code == order_code)
                    d = d.where(DispositionEvent.order_code == order_code)
                recs = [fpy_core.from_result(r) for r in s.execute(q)]
                disps = [fpy_core.from_disposition(r) for r in s.execute(d)]
            return fpy_core.fpy(recs, disps)

        def done(res: fpy_core.FpyResult) -> None:
            self._fpy_cache[key] = res
            on_done(res)

        self._worker.submit(load, on_done=done,
                            on_error=lambda exc: log.error("FPY could not be computed",
                                                           exc_info=exc))
