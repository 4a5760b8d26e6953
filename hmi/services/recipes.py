"""Recipes at the station: approval, verified download, validation, drift, diff, rollback.

:class:`RecipeService` owns every recipe write (through the one
:class:`~hmi.services.worker.DbWorker`), its permissions, audit entries and signals.
The rules themselves are pure functions in :mod:`hmi.services.recipe_core`
(re-exported here). docs/recipes.md describes the lifecycle end to end.

Lifecycle (``MasterStatus``): draft → released ("approved") → retired ("obsolete").

* :meth:`RecipeService.approve` — a process engineer (``recipe.approve``) signs the
  version's canonical content with the e-signature service (meaning *Approved*,
  re-authentication with badge + PIN); then, in one transaction: status released,
  ``MasterChangeEvent(approved, content, signature_id)``, the previously approved
  version of the code retired (``MasterChangeEvent(retired)``), audit entries.
  A released version's content cannot change (the ORM guard refuses it).
* :meth:`RecipeService.download` (``recipe.download``, async) — only an approved
  version; every value checked against its type, limits and tag first (refused:
  nothing is written); then each parameter written through the driver (which reads
  each write back itself), then every parameter read back once more and compared
  within the tag type's precision. One ``RecipeDownloadEvent`` (+ audit) per
  attempt: ``ok``, ``verify_mismatch`` (naming exactly which parameters differ,
  written vs read back), ``failed`` (link or machine refusal, with the operator
  message), ``refused`` (with the reasons), ``cancelled``.
* :meth:`RecipeService.validate` — the operator's check-list (setpoint vs read-back)
  accepted or rejected: ``RecipeValidationEvent``. Only an ``ok`` download can be
  accepted; a rejection needs a comment; each download is validated once, and only
  the newest download of the order.
* Drift — :meth:`RecipeService.set_active` names the running order's recipe;
  :meth:`RecipeService.on_tag_value` (every value the app receives) feeds a
  :class:`~hmi.services.recipe_core.DriftWatcher`; a confirmed excursion writes
  ``RecipeDeviationEvent(started)``, the return ``RecipeDeviationEvent(ended)``
  naming the start; :meth:`deviations` lists the open ones; ``sig_deviation``.
* :meth:`RecipeService.rollback` — version n+1 as a copy of the last known-good
  version (the newest other than the approved one with an ``ok`` download whose
  validation was accepted), released at once with
  ``MasterChangeEvent(rolled_back, content, signature_id)``; the approved version is
  retired. Needs ``recipe.approve`` and an e-signature.
* Start prerequisite ``recipe.ready`` (:meth:`RecipeService.check_ready`).

Threads: actions return a ``concurrent.futures.Future`` (the worker's) and signal on
the GUI thread when done; :meth:`download` is a coroutine on the station's event loop
(the driver's loop). Query helpers run on the worker and return a Future too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hmi.devices.base import (
    DeviceError,
    Quality,
    Tag,
    TagValue,
    WriteRejectedError,
    WriteVerifyError,
)
from hmi.services.audit import AuditWriter
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.permissions import RECIPE_APPROVE, RECIPE_DOWNLOAD, Actor, requires
from hmi.services.prerequisites import Blocker, PrerequisiteRegistry, StartContext
from hmi.services.recipe_core import (
    COMPARED_FIELDS,
    ChecklistRow,
    Deviation,
    DriftTransition,
    DriftWatcher,
    FieldChange,
    Mismatch,
    ParamDiff,
    ParamSpec,
    Problem,
    RecipeView,
    WatchedParam,
    build_checklist,
    check_parameters,
    compare_read_back,
    diff_versions,
    jsonable,
    known_good_version,
    recipe_content,
    value_for_tag,
    values_match,
    view_of,
    watched_params,
    with_version,
)
from hmi.services.signatures import Meaning, SignatureService
from hmi.store.base import MasterStatus, new_id
from hmi.store.events import append_event

log = logging.getLogger(__name__)

__all__ = [
    "COMPARED_FIELDS",
    "PREREQUISITE",
    "ChecklistRow",
    "Deviation",
    "DownloadInfo",
    "DownloadResult",
    "DriftTransition",
    "DriftWatcher",
    "FieldChange",
    "Mismatch",
    "NoKnownGoodVersion",
    "ParamDiff",
    "ParamSpec",
    "Problem",
    "RecipeError",
    "RecipeService",
    "RecipeVersionInfo",
    "RecipeView",
    "ValidationResult",
    "WatchedParam",
    "build_checklist",
    "check_parameters",
    "compare_read_back",
    "diff_versions",
    "known_good_version",
    "recipe_content",
    "value_for_tag",
    "values_match",
    "watched_params",
]

CTX = "recipes"
#: name of the start check this service registers
PREREQUISITE = "recipe.ready"
DRAFT, RELEASED, RETIRED = (MasterStatus.DRAFT.value, MasterStatus.RELEASED.value,
                            MasterStatus.RETIRED.value)


# --------------------------------------------------------------------------- errors


class RecipeError(OperatorError):
    """A recipe action was refused; ``operator_message`` (also ``str(exc)``) is for the screen."""


class NoKnownGoodVersion(RecipeError):
    pass


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RecipeVersionInfo:
    """One version in the version list."""

    code: str
    version: int
    status: str
    name: str
    created_at: dt.datetime | None
    source: str
    approved_by: str | None = None
    approved_at: dt.datetime | None = None
    known_good: bool = False

    @property
    def status_text(self) -> str:
        return {DRAFT: tr(CTX, "draft"), RELEASED: tr(CTX, "approved"),
                RETIRED: tr(CTX, "obsolete")}.get(self.status, self.status)


@dataclass(frozen=True)
class DownloadResult:
    """What one download attempt did (also stored as a RecipeDownloadEvent)."""

    event_id: uuid.UUID
    recipe_code: str
    version: int
    order_code: str | None
    operation_sequence: int | None
    result: str
    message: str
    written: Mapping[str, object]
    verified: Mapping[str, object]
    mismatches: tuple[Mismatch, ...] = ()
    checklist: tuple[ChecklistRow, ...] = ()

    @property
    def ok(self) -> bool:
        return self.result == "ok"


@dataclass(frozen=True)
class DownloadInfo:
    """A stored download, for the validation screen."""

    event_id: uuid.UUID
    recipe_code: str
    version: int
    order_code: str | None
    operation_sequence: int | None
    result: str
    message: str
    recorded_at: dt.datetime
    actor_badge: str | None
    checklist: tuple[ChecklistRow, ...]
    mismatches: tuple[Mismatch, ...]
    validation: str | None  # "validated", "rejected" or None (not yet)


@dataclass(frozen=True)
class ValidationResult:
    event_id: uuid.UUID
    download_event_id: uuid.UUID
    result: str  # validated | rejected
    checklist: tuple[ChecklistRow, ...]


# --------------------------------------------------------------------------- service


class RecipeService(QObject):
    #: A version was approved or rolled back (RecipeVersionInfo of the new approved version).
    sig_changed = Signal(object)
    #: DownloadResult of every attempt.
    sig_download_done = Signal(object)
    #: ValidationResult.
    sig_validated = Signal(object)
    #: Deviation: one started (``deviations()`` lists it) or ended (gone from the list).
    sig_deviation = Signal(object)
    #: str: something the operator must know failed.
    sig_error = Signal(str)

    def __init__(self, worker: Any, session_factory: Any, station_id: str,
                 audit: AuditWriter, signatures: SignatureService,
                 clock: Callable[[], dt.datetime] | None = None, *,
                 tags: Mapping[str, Tag] | None = None, drift_persist_s: float = 2.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._sf = session_factory
        self._station = station_id
        self._audit = audit
        self._sig = signatures
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._tags = dict(tags) if tags is not None else None
        self._persist_s = drift_persist_s
        self._active: tuple[str, str, int] | None = None  # order, recipe code, version
        self._watcher: DriftWatcher | None = None
        self._open: dict[str, Deviation] = {}
        self._running = True
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)

    def start(self, tick_ms: int = 1000) -> None:
        """Check pending deviations every ``tick_ms`` (a constant value sends nothing more)."""
        self._timer.start(tick_ms)

    def shutdown(self) -> None:
        self._timer.stop()

    # ================================================================== queries (worker)

    def versions(self, code: str, on_done: Callable[[list[RecipeVersionInfo]], None] | None = None
                 ) -> Future[list[RecipeVersionInfo]]:
        """Every version of ``code``, newest first, with who approved it and known-good marks."""
        return self._submit(self._versions, code, on_done=on_done)

    def load(self, code: str, version: int | None = None,
             on_done: Callable[[RecipeView], None] | None = None) -> Future[RecipeView]:
        """One version's parameters (``version`` None: the approved version)."""
        return self._submit(self._load_required, code, version, on_done=on_done)

    def diff(self, code: str, a: int, b: int,
             on_done: Callable[[list[ParamDiff]], None] | None = None) -> Future[list[ParamDiff]]:
        """What changed from version ``a`` to version ``b`` (see :func:`diff_versions`)."""
        def work() -> list[ParamDiff]:
            return diff_versions(self._load_required(code, a), self._load_required(code, b))
        return self._submit(work, on_done=on_done)

    def last_download(self, order_code: str, operation_sequence: int | None = None,
                      on_done: Callable[[DownloadInfo | None], None] | None = None
                      ) -> Future[DownloadInfo | None]:
        """The newest download for the order at this station, with its check-list."""
        return self._submit(self._last_download, order_code, operation_sequence, on_done=on_done)

    def deviations(self) -> list[Deviation]:
        """Open deviations of the active recipe (in memory; no database)."""
        return list(self._open.values())

    @property
    def active(self) -> tuple[str, str, int] | None:
        """(order code, recipe code, version) being watched, if any."""
        return self._active

    # ================================================================== approve

    @requires(RECIPE_APPROVE)
    def approve(self, actor: Actor, code: str, version: int, *, pin: str,
                badge: str | None = None, comment: str = "") -> Future[RecipeVersionInfo]:
        """Approve draft ``code`` v``version``: e-signature, released, previous one retired.

        ``badge``/``pin`` re-authenticate the signer (default: the actor's badge);
        the signer needs ``recipe.approve`` too. A wrong PIN raises ``LoginError`` and
        nothing changes.
        """
        return self._submit(self._approve, actor, code, int(version), badge or actor.badge, pin,
                            comment.strip(), on_done=self.sig_changed.emit)

    def _approve(self, actor: Actor, code: str, version: int, badge: str, pin: str,
                 comment: str) -> RecipeVersionInfo:
        from hmi.store.models import MasterChangeEvent

        view = self._load_view(code, version)
        if view is None:
            raise RecipeError(tr(CTX, "Recipe %1 version %2 does not exist.", code, version))
        if view.status == RELEASED:
            raise RecipeError(tr(CTX, "%1 is approved already.", view.label))
        if view.status == RETIRED:
            raise RecipeError(tr(CTX, "%1 is obsolete and cannot be approved again. Make a new "
                                 "version, or roll back to a known-good one.", view.label))
        problems = check_parameters(view.parameters, self._tags)
        if problems:
            raise RecipeError(tr(CTX, "%1 cannot be approved: %2. Correct the recipe first.",
                                 view.label, "; ".join(map(str, problems))))
        content = recipe_content(view)
        signature = self._sig.sign(
            badge=badge, pin=pin, meaning=Meaning.APPROVED, record_type="recipe",
            record_id=view.label, record=content, required_permission=RECIPE_APPROVE,
        )
        now = self._clock()
        with self._sf.begin() as s:
            row = self._recipe_row(s, code, version)
            if row is None or row.status != DRAFT or recipe_content(view_of(row)) != content:
                raise RecipeError(tr(CTX, "%1 was changed while it was being signed. Open it "
                                     "again and approve what you see.", view.label))
            row.status = RELEASED
            row.valid_from = now
            append_event(s, MasterChangeEvent(
                station_id=self._station, actor_badge=signature.signer_badge, recorded_at=now,
                table_name="recipe", code=code, version=version, action="approved",
                reason=comment, content=content, signature_id=signature.id))
            retired = self._retire_others(s, code, keep=version, now=now, badge=actor.badge,
                                          why=tr(CTX, "replaced by v%1", version))
            self._audit.record(
                s, actor_badge=actor.badge, action="recipe_approve", entity="recipe",
                entity_id=view.label, old={"status": DRAFT},
                new={"status": RELEASED, "signature_id": signature.id,
                     "signer": signature.signer_badge, "retired": retired, "comment": comment},
                detail=tr(CTX, "%1 approved by %2", view.label, signature.signer_name))
        log.info("%s approved by badge %s", view.label, signature.signer_badge)
        return self._version_info(code, version)

    def _retire_others(self, s: Session, code: str, *, keep: int, now: dt.datetime,
                       badge: str, why: str) -> list[int]:
        from hmi.store.models import MasterChangeEvent, Recipe

        retired = []
        for other in s.scalars(select(Recipe).where(Recipe.code == code,
                                                    Recipe.status == RELEASED,
                                                    Recipe.version != keep)):
            other.status = RETIRED
            retired.append(other.version)
            append_event(s, MasterChangeEvent(
                station_id=self._station, actor_badge=badge, recorded_at=now,
                table_name="recipe", code=code, version=other.version, action="retired",
                reason=why))
        return sorted(retired)

    # ================================================================== download

    @requires(RECIPE_DOWNLOAD)
    async def download(self, actor: Actor, recipe_code: str, version: int, *,
                       order_code: str | None, operation_sequence: int | None,
                       driver: Any) -> DownloadResult:
        """Check, write, read back and compare; record the attempt; return what happened.

        Never raises for what the machine or the recipe did (that is the result);
        ``PermissionDenied`` before anything happens, and store errors, do raise.
        """
        version = int(version)
        tags: Mapping[str, Tag] | None = getattr(driver, "tags", None) or self._tags
        view, approved = await self._worker.run(self._load_with_approved, recipe_code, version)
        label = f"{recipe_code} v{version}"
        base = dict(recipe_code=recipe_code, version=version, order_code=order_code,
                    operation_sequence=operation_sequence)

        refusal = ""
        if view is None:
            refusal = tr(CTX, "Recipe %1 does not exist at this station. Check the order's "
                         "recipe, or import the master data.", label)
        elif view.status == DRAFT:
            refusal = tr(CTX, "%1 is a draft: a process engineer must approve it (with their "
                         "e-signature) before it can be downloaded.", label)
        elif view.status == RETIRED:
            refusal = tr(CTX, "%1 is obsolete and cannot be downloaded.", label) + " " + (
                tr(CTX, "Download the approved version v%1.", approved) if approved
                else tr(CTX, "Ask a process engineer to approve a version."))
        elif view.equipment_code and view.equipment_code != self._station and (
                lineage := await self._worker.run(self._station_lineage)) is not None \
                and view.equipment_code not in lineage:
            # A recipe made for another machine must never reach this one.
            refusal = tr(CTX, "%1 is for %2, not for this station (%3). Nothing was written. "
                         "Check the order's recipe with the process engineer.", label,
                         view.equipment_code, self._station)
        else:
            problems = check_parameters(view.parameters, tags)
            if problems:
                refusal = tr(CTX, "%1 was not downloaded, nothing was written: %2. Ask a "
                             "process engineer to correct the recipe.", label,
                             "; ".join(map(str, problems)))
        if refusal:
            return await self._finish(actor, view, base, "refused", refusal, {}, {}, [])
        assert view is not None

        written: dict[str, object] = {}
        verify_errors: dict[str, Mismatch] = {}
        by_tag = {p.tag: p for p in view.parameters}
        try:
            for p in view.parameters:
                value = value_for_tag(p, tags.get(p.tag) if tags else None)
                try:
                    await driver.write(p.tag, value)
                except WriteVerifyError as exc:
                    verify_errors[p.name] = Mismatch(
                        p.name, value, exc.read_back,
                        tr(CTX, "the machine kept a different value (limited it?)"))
                written[p.name] = value
            read = await driver.read(list(by_tag))
        except asyncio.CancelledError:
            await self._finish(actor, view, base, "cancelled",
                               tr(CTX, "The download of %1 was cancelled; the machine may hold "
                                  "part of it. Download it again.", label), written, {}, [])
            raise
        except WriteRejectedError as exc:
            msg = tr(CTX, "The download of %1 failed: the machine refused %2 = %3 (%4). "
                     "Check the machine, then download again.", label,
                     by_tag[exc.tag].name if exc.tag in by_tag else exc.tag, exc.value, exc.reason)
            return await self._finish(actor, view, base, "failed", msg, written, {}, [])
        except DeviceError as exc:
            msg = tr(CTX, "The download of %1 failed: %2", label, exc.operator_message)
            return await self._finish(actor, view, base, "failed", msg, written, {}, [])

        back = {by_tag[name].name: (tv.value, tv.quality is Quality.GOOD)
                for name, tv in read.items() if name in by_tag}
        mismatches = {m.parameter: m for m in compare_read_back(view.parameters, written, back,
                                                                tags)}
        for name, m in verify_errors.items():
            mismatches.setdefault(name, m)
        ordered = [mismatches[p.name] for p in view.parameters if p.name in mismatches]
        verified = {name: value for name, (value, _good) in back.items()}
        if ordered:
            msg = tr(CTX, "The machine does not hold %1 as written: %2. The download failed; "
                     "check the machine (limits, manual changes), then download again.", label,
                     "; ".join(map(str, ordered)))
            return await self._finish(actor, view, base, "verify_mismatch", msg, written,
                                      verified, ordered)
        msg = tr(CTX, "%1 downloaded and every value read back.", label)
        return await self._finish(actor, view, base, "ok", msg, written, verified, [])

    async def _finish(self, actor: Actor, view: RecipeView | None, base: dict[str, Any],
                      result: str, message: str, written: dict[str, object],
                      verified: dict[str, object], mismatches: list[Mismatch]) -> DownloadResult:
        params = view.parameters if view is not None else ()
        checklist = tuple(build_checklist(params, written, verified,
                                          [m.parameter for m in mismatches])) if verified else ()
        res = DownloadResult(event_id=new_id(), result=result, message=message,
                             written=dict(written), verified=dict(verified),
                             mismatches=tuple(mismatches), checklist=checklist, **base)
        equipment = view.equipment_code if view is not None else None
        try:
            await self._worker.run(self._store_download, actor, res, equipment)
        except Exception as exc:
            log.error("recipe download event could not be saved", exc_info=exc)
            self.sig_error.emit(tr(CTX, "The download of %1 v%2 could not be recorded (%3). "
                                   "Tell maintenance.", res.recipe_code, res.version, exc))
            raise
        (log.info if res.ok else log.warning)("download %s v%s for %s: %s", res.recipe_code,
                                               res.version, res.order_code, result)
        self.sig_download_done.emit(res)
        return res

    def _store_download(self, actor: Actor, res: DownloadResult, equipment: str | None) -> None:
        from hmi.store.models import RecipeDownloadEvent

        now = self._clock()
        with self._sf.begin() as s:
            append_event(s, RecipeDownloadEvent(
                id=res.event_id, station_id=self._station, actor_badge=actor.badge,
                recorded_at=now, recipe_code=res.recipe_code, recipe_version=res.version,
                equipment_code=equipment, order_code=res.order_code, result=res.result,
                verified_values={k: jsonable(v) for k, v in res.verified.items()},
                written_values={k: jsonable(v) for k, v in res.written.items()},
                mismatches=[m.as_dict() for m in res.mismatches] or None,
                message=res.message, operation_sequence=res.operation_sequence))
            self._audit.record(
                s, actor_badge=actor.badge, action="recipe_download", entity="recipe",
                entity_id=f"{res.recipe_code}/v{res.version}",
                new={"result": res.result, "order_code": res.order_code,
                     "operation_sequence": res.operation_sequence,
                     "download_event_id": res.event_id,
                     "mismatches": [m.as_dict() for m in res.mismatches]},
                detail=res.message)

    # ================================================================== validation

    @requires(RECIPE_DOWNLOAD)
    def validate(self, actor: Actor, download_event_id: uuid.UUID | str, accepted: bool,
                 comment: str = "") -> Future[ValidationResult]:
        """Record the operator's check of a download (accepted or rejected, with the check-list)."""
        did = download_event_id if isinstance(download_event_id, uuid.UUID) else uuid.UUID(
            str(download_event_id))
        return self._submit(self._validate, actor, did, bool(accepted), (comment or "").strip(),
                            on_done=self.sig_validated.emit)

    def _validate(self, actor: Actor, did: uuid.UUID, accepted: bool,
                  comment: str) -> ValidationResult:
        from hmi.store.models import RecipeDownloadEvent, RecipeValidationEvent

        now = self._clock()
        with self._sf.begin() as s:
            ev = s.get(RecipeDownloadEvent, did)
            if ev is None or ev.station_id != self._station:
                raise RecipeError(tr(CTX, "That download is not known at this station."))
            label = f"{ev.recipe_code} v{ev.recipe_version}"
            if accepted and ev.result != "ok":
                raise RecipeError(tr(CTX, "The download of %1 did not succeed (%2), so it cannot "
                                     "be accepted. Download the recipe again.", label, ev.result))
            if not accepted and not comment:
                raise RecipeError(tr(CTX, "Say why you reject the download of %1.", label))
            done = s.scalars(select(RecipeValidationEvent)
                             .where(RecipeValidationEvent.download_event_id == did)
                             .limit(1)).first()
            if done is not None:
                raise RecipeError(tr(CTX, "The download of %1 was %2 already (badge %3).", label,
                                     tr(CTX, "accepted") if done.result == "validated"
                                     else tr(CTX, "rejected"), done.actor_badge))
            newer = s.scalars(select(RecipeDownloadEvent.id).where(
                RecipeDownloadEvent.station_id == self._station,
                RecipeDownloadEvent.order_code == ev.order_code,
                RecipeDownloadEvent.seq > ev.seq).limit(1)).first()
            if newer is not None:
                raise RecipeError(tr(CTX, "A newer download exists for order %1; check that "
                                     "one instead.", ev.order_code))
            view = self._view_in(s, ev.recipe_code, ev.recipe_version)
            checklist = tuple(_checklist_of(ev, view))
            result = "validated" if accepted else "rejected"
            row = append_event(s, RecipeValidationEvent(
                station_id=self._station, actor_badge=actor.badge, recorded_at=now,
                recipe_code=ev.recipe_code, recipe_version=ev.recipe_version,
                order_code=ev.order_code, operation_sequence=ev.operation_sequence,
                download_event_id=did, result=result,
                checklist=[r.as_dict() for r in checklist], comment=comment))
            self._audit.record(
                s, actor_badge=actor.badge, action="recipe_validate", entity="recipe",
                entity_id=f"{ev.recipe_code}/v{ev.recipe_version}",
                new={"result": result, "download_event_id": did, "order_code": ev.order_code,
                     "comment": comment},
                detail=tr(CTX, "%1 for order %2 %3 by %4", label, ev.order_code,
                          tr(CTX, "accepted") if accepted else tr(CTX, "rejected"),
                          actor.label))
            event_id = row.id
        return ValidationResult(event_id, did, result, checklist)

    # ================================================================== rollback

    @requires(RECIPE_APPROVE)
    def rollback(self, actor: Actor, recipe_code: str, *, pin: str, badge: str | None = None,
                 reason: str = "") -> Future[RecipeVersionInfo]:
        """Make v(n+1) a copy of the last known-good version, approved at once (e-signature)."""
        return self._submit(self._rollback, actor, recipe_code, badge or actor.badge, pin,
                            reason.strip(), on_done=self.sig_changed.emit)

    def _rollback(self, actor: Actor, code: str, badge: str, pin: str,
                  reason: str) -> RecipeVersionInfo:
        from hmi.store.models import MasterChangeEvent, Recipe, RecipeParameter

        with self._sf() as s:
            rows = list(s.scalars(select(Recipe).where(Recipe.code == code)))
            if not rows:
                raise RecipeError(tr(CTX, "Recipe %1 does not exist at this station.", code))
            current = max((r.version for r in rows if r.status == RELEASED), default=None)
            newest = max(r.version for r in rows)
            good = known_good_version(*self._history(s, code),
                                      exclude=() if current is None else (current,))
            if good is None:
                raise NoKnownGoodVersion(tr(
                    CTX, "Recipe %1 has no earlier version that was downloaded and validated, so "
                    "there is nothing to roll back to. Approve a corrected version instead.",
                    code))
            source = self._view_in(s, code, good)
        assert source is not None
        new_version = newest + 1
        copy = with_version(source, new_version)
        content = recipe_content(copy)
        signature = self._sig.sign(
            badge=badge, pin=pin, meaning=Meaning.APPROVED, record_type="recipe",
            record_id=copy.label, record=content, required_permission=RECIPE_APPROVE,
        )
        now = self._clock()
        why = reason or tr(CTX, "rolled back")
        with self._sf.begin() as s:
            latest = s.scalar(select(func.max(Recipe.version)).where(Recipe.code == code))
            if latest != newest:
                raise RecipeError(tr(CTX, "Recipe %1 changed while the rollback was being signed "
                                     "(v%2 appeared). Try again.", code, latest))
            s.add(Recipe(
                code=code, version=new_version, status=RELEASED, valid_from=now, created_at=now,
                source=f"station:{self._station}", name=copy.name,
                product_code=copy.product_code, equipment_code=copy.equipment_code,
                machine_type=copy.machine_type, requires_approval=copy.requires_approval,
                parameters=[RecipeParameter(**{k: v for k, v in p.as_dict().items()})
                            for p in copy.parameters]))
            s.flush()
            retired = self._retire_others(s, code, keep=new_version, now=now, badge=actor.badge,
                                          why=tr(CTX, "rolled back to v%1 (as v%2)", good,
                                                 new_version))
            append_event(s, MasterChangeEvent(
                station_id=self._station, actor_badge=signature.signer_badge, recorded_at=now,
                table_name="recipe", code=code, version=new_version, action="rolled_back",
                reason=tr(CTX, "copy of known-good v%1: %2", good, why), content=content,
                signature_id=signature.id))
            self._audit.record(
                s, actor_badge=actor.badge, action="recipe_rollback", entity="recipe",
                entity_id=copy.label, old={"approved": current},
                new={"version": new_version, "copy_of": good, "retired": retired,
                     "signature_id": signature.id, "reason": why},
                detail=tr(CTX, "%1 rolled back to v%2 as v%3 by %4", code, good, new_version,
                          signature.signer_name))
        log.info("%s rolled back to v%s as v%s", code, good, new_version)
        return self._version_info(code, new_version)

    # ================================================================== drift

    def set_active(self, order_code: str, recipe_code: str, version: int) -> Future[RecipeView]:
        """Watch the recipe's tolerances for the running order (replaces any active one)."""
        self.clear_active()
        self._active = (order_code, recipe_code, int(version))
        key = self._active

        def loaded(view: RecipeView) -> None:
            if self._active != key:
                return  # cleared or replaced meanwhile
            self._watcher = DriftWatcher(watched_params(view.parameters), self._persist_s)
            self._watcher.set_running(self._running)

        def failed(exc: BaseException) -> None:
            log.error("recipe %s v%s could not be loaded for watching", recipe_code, version,
                      exc_info=exc)
            self.sig_error.emit(tr(CTX, "The tolerances of %1 v%2 cannot be watched (%3).",
                                   recipe_code, version, exc))

        return self._worker.submit(self._load_required, recipe_code, int(version),
                                   on_done=loaded, on_error=failed)

    @property
    def watching(self) -> bool:
        """True once the active recipe is loaded and its tolerances are watched."""
        return self._watcher is not None

    def clear_active(self) -> None:
        """The order ended: stop watching; open deviations end now."""
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            for t in watcher.close():
                self._deviation(t)
        self._active = None
        self._open.clear()

    def set_machine_running(self, running: bool) -> None:
        """No deviation starts while the machine is not running (a stop is not drift)."""
        self._running = running
        if self._watcher is not None:
            self._watcher.set_running(running)

    def on_tag_value(self, tv: TagValue) -> None:
        watcher = self._watcher
        if watcher is None:
            return
        for t in watcher.feed(tv.tag, tv.value, tv.quality is Quality.GOOD, tv.source_ts,
                              tv.received_ts):
            self._deviation(t)

    def tick(self) -> None:
        watcher = self._watcher
        if watcher is None:
            return
        for t in watcher.poll(self._clock()):
            self._deviation(t)

    def _deviation(self, t: DriftTransition) -> None:
        assert self._active is not None
        order, code, version = self._active
        if t.kind == "started":
            event_id: uuid.UUID = new_id()
            started_id = None
            dev = Deviation(t.parameter, t.tag, t.setpoint, t.tolerance, t.actual, t.source_ts,
                            event_id, order, code, version)
            self._open[t.parameter] = dev
        else:
            event_id = new_id()
            opened = self._open.pop(t.parameter, None)
            started_id = opened.started_id if opened is not None else None
            dev = Deviation(t.parameter, t.tag, t.setpoint, t.tolerance, t.actual,
                            opened.since if opened is not None else t.source_ts, started_id,
                            order, code, version, kind="ended", ended_at=t.source_ts)
        log.warning("recipe %s v%s: %s deviation %s (setpoint %s, actual %s)", code, version,
                    t.parameter, t.kind, t.setpoint, t.actual)

        def failed(exc: BaseException) -> None:
            log.error("recipe deviation could not be saved", exc_info=exc)
            self.sig_error.emit(tr(CTX, "A recipe deviation of %1 could not be saved (%2). "
                                   "Tell maintenance.", t.parameter, exc))

        self._worker.submit(self._store_deviation, t, event_id, started_id, order, code, version,
                            on_error=failed)
        self.sig_deviation.emit(dev)

    def _store_deviation(self, t: DriftTransition, event_id: uuid.UUID,
                         started_id: uuid.UUID | None, order: str, code: str,
                         version: int) -> None:
        from hmi.store.models import RecipeDeviationEvent

        actual = t.actual
        if isinstance(actual, bool):
            actual = float(actual)
        elif not isinstance(actual, int | float):
            actual = None
        with self._sf.begin() as s:
            append_event(s, RecipeDeviationEvent(
                id=event_id, station_id=self._station, recorded_at=self._clock(),
                recipe_code=code, recipe_version=version, order_code=order,
                parameter=t.parameter, kind=t.kind, setpoint=float(t.setpoint),
                actual=actual, tolerance=t.tolerance, source_ts=t.source_ts,
                started_id=started_id))

    # ================================================================== prerequisite

    def register_prerequisite(self, registry: PrerequisiteRegistry) -> None:
        registry.register(PREREQUISITE, self.check_ready)

    def check_ready(self, ctx: StartContext) -> Blocker | None:
        """Start check ``recipe.ready``: approved, downloaded ok for this order, validated.

        Runs SQL: evaluate the registry on the database worker. ``ctx.extra`` may hold
        ``operation_sequence`` (int), ``order_version`` (int), ``recipe_code`` and
        ``recipe_version``; without ``recipe_code`` the recipe is the order operation's
        (``operation_sequence``, else the operation at this station). No recipe: no blocker.
        """
        from hmi.store.models import (
            RecipeDownloadEvent,
            RecipeValidationEvent,
            WorkOrder,
        )

        extra = ctx.extra or {}
        seq = extra.get("operation_sequence")
        code = extra.get("recipe_code")
        wanted = extra.get("recipe_version")

        def blocker(reason: str, todo: str) -> Blocker:
            return Blocker(PREREQUISITE, reason, todo)

        # The machine no longer holds what was validated (e.g. a setpoint changed at the
        # panel while the order was paused): resuming would run on unchecked values.
        open_devs = [d for d in self._open.values() if d.order_code == ctx.order_code]
        if open_devs:
            names = ", ".join(f"{d.parameter} {_plain(d.actual)} ≠ {_plain(d.setpoint)}"
                              for d in open_devs)
            return blocker(tr(CTX, "The machine deviates from the recipe: %1.", names),
                           tr(CTX, "Set the values back at the machine, or download the "
                              "recipe again and validate it."))

        with self._sf() as s:
            if code is None:
                q = select(WorkOrder).where(WorkOrder.code == ctx.order_code)
                if extra.get("order_version") is not None:
                    q = q.where(WorkOrder.version == int(extra["order_version"]))
                order = s.scalars(q.order_by(WorkOrder.version.desc()).limit(1)).first()
                if order is None:
                    return None  # the order service says what is wrong with the order
                ops = [o for o in order.operations if
                       (o.sequence == seq if seq is not None else o.station_code == ctx.station_id)]
                op = next((o for o in ops if o.recipe_code), None)
                if op is None:
                    return None
                code, seq = op.recipe_code, op.sequence
            approved = s.scalar(select(func.max(_recipe().version)).where(
                _recipe().code == code, _recipe().status == RELEASED))
            if approved is None:
                return blocker(tr(CTX, "Recipe %1 has no approved version.", code),
                               tr(CTX, "A process engineer must approve the recipe with their "
                                  "e-signature."))
            if wanted is not None and int(wanted) != approved:
                return blocker(tr(CTX, "Recipe %1 v%2 is not the approved version (v%3 is).",
                                  code, wanted, approved),
                               tr(CTX, "Download the approved version v%1.", approved))
            q = select(RecipeDownloadEvent).where(
                RecipeDownloadEvent.station_id == ctx.station_id,
                RecipeDownloadEvent.order_code == ctx.order_code,
                RecipeDownloadEvent.recipe_code == code)
            if seq is not None:
                q = q.where(RecipeDownloadEvent.operation_sequence == seq)
            last = s.scalars(q.order_by(RecipeDownloadEvent.seq.desc()).limit(1)).first()
            label = f"{code} v{approved}"
            if last is None:
                return blocker(tr(CTX, "Recipe %1 has not been downloaded for this order.", label),
                               tr(CTX, "Download the recipe to the machine."))
            if last.result != "ok":
                return blocker(tr(CTX, "The last download of %1 did not succeed (%2).",
                                  f"{code} v{last.recipe_version}", last.result),
                               tr(CTX, "Fix the cause shown with the download, then download "
                                  "again."))
            if last.recipe_version != approved:
                return blocker(tr(CTX, "v%1 was downloaded, but %2 is approved now.",
                                  last.recipe_version, label),
                               tr(CTX, "Download the approved version v%1.", approved))
            val = s.scalars(select(RecipeValidationEvent)
                            .where(RecipeValidationEvent.download_event_id == last.id)
                            .order_by(RecipeValidationEvent.seq.desc()).limit(1)).first()
            if val is None:
                return blocker(tr(CTX, "The download of %1 has not been validated.", label),
                               tr(CTX, "Compare every setpoint with its read-back value on the "
                                  "recipe screen and confirm."))
            if val.result != "validated":
                return blocker(tr(CTX, "The download of %1 was rejected (badge %2: %3).", label,
                                  val.actor_badge, val.comment),
                               tr(CTX, "Correct the machine, then download again and validate."))
        return None

    # ================================================================== internals

    def _submit(self, fn: Callable[..., Any], *args: Any,
                on_done: Callable[[Any], None] | None = None) -> Future:
        def failed(exc: BaseException) -> None:
            text = getattr(exc, "operator_message", None)
            if text is None:
                log.error("recipe action failed", exc_info=exc)
                text = tr(CTX, "The recipe action failed (%1). Try again; if it repeats, tell "
                          "maintenance.", exc)
            self.sig_error.emit(text)

        return self._worker.submit(fn, *args, on_done=on_done, on_error=failed)

    def _recipe_row(self, s: Session, code: str, version: int) -> Any:
        R = _recipe()
        return s.scalars(select(R).where(R.code == code, R.version == version)).first()

    def _view_in(self, s: Session, code: str, version: int) -> RecipeView | None:
        row = self._recipe_row(s, code, version)
        return None if row is None else view_of(row)

    def _load_view(self, code: str, version: int) -> RecipeView | None:
        with self._sf() as s:
            return self._view_in(s, code, version)

    def _load_required(self, code: str, version: int | None) -> RecipeView:
        R = _recipe()
        with self._sf() as s:
            if version is None:
                version = s.scalar(select(func.max(R.version)).where(R.code == code,
                                                                      R.status == RELEASED))
                if version is None:
                    raise RecipeError(tr(CTX, "Recipe %1 has no approved version.", code))
            view = self._view_in(s, code, int(version))
        if view is None:
            raise RecipeError(tr(CTX, "Recipe %1 version %2 does not exist.", code, version))
        return view

    def _load_with_approved(self, code: str, version: int) -> tuple[RecipeView | None, int | None]:
        R = _recipe()
        with self._sf() as s:
            approved = s.scalar(select(func.max(R.version)).where(R.code == code,
                                                                   R.status == RELEASED))
            return self._view_in(s, code, version), approved

    def _station_lineage(self) -> list[str] | None:
        """This station and its parents in the equipment hierarchy (None: not in master data;
        the equipment check of a download is then skipped, which is logged)."""
        from hmi.store.models import Equipment

        chain: list[str] = []
        code: str | None = self._station
        with self._sf() as s:
            while code is not None and code not in chain:
                row = s.scalars(select(Equipment).where(Equipment.code == code)
                                .order_by(Equipment.version.desc()).limit(1)).first()
                if row is None:
                    break
                chain.append(code)
                code = row.parent_code
        if not chain:
            log.warning("station %s is not in the equipment master data: a recipe's "
                        "equipment cannot be checked at download", self._station)
        return chain or None

    def _history(self, s: Session, code: str) -> tuple[list[tuple[int, Any, str]],
                                                         list[tuple[Any, str]]]:
        from hmi.store.models import RecipeDownloadEvent, RecipeValidationEvent

        downloads = [tuple(r) for r in s.execute(
            select(RecipeDownloadEvent.recipe_version, RecipeDownloadEvent.id,
                   RecipeDownloadEvent.result).where(RecipeDownloadEvent.recipe_code == code))]
        validations = [tuple(r) for r in s.execute(
            select(RecipeValidationEvent.download_event_id, RecipeValidationEvent.result)
            .where(RecipeValidationEvent.recipe_code == code))]
        return downloads, validations  # type: ignore[return-value]

    def _versions(self, code: str) -> list[RecipeVersionInfo]:
        from hmi.store.models import MasterChangeEvent
        from hmi.store.security import Signature

        R = _recipe()
        with self._sf() as s:
            rows = list(s.scalars(select(R).where(R.code == code).order_by(R.version.desc())))
            approvals: dict[int, tuple[str | None, dt.datetime]] = {}
            for ev in s.scalars(select(MasterChangeEvent).where(
                    MasterChangeEvent.table_name == "recipe", MasterChangeEvent.code == code,
                    MasterChangeEvent.action.in_(("approved", "rolled_back")))
                    .order_by(MasterChangeEvent.seq)):
                signer = None
                if ev.signature_id is not None:
                    sig = s.get(Signature, ev.signature_id)
                    signer = sig.signer_name if sig is not None else None
                approvals[ev.version] = (signer or ev.actor_badge, ev.recorded_at)
            downloads, validations = self._history(s, code)
            accepted = {str(d) for d, r in validations if r == "validated"}
            good = {v for v, did, r in downloads if r == "ok" and str(did) in accepted}
            return [RecipeVersionInfo(
                code=r.code, version=r.version, status=r.status, name=r.name,
                created_at=r.created_at, source=r.source,
                approved_by=approvals.get(r.version, (None, None))[0],
                approved_at=approvals.get(r.version, (None, None))[1],
                known_good=r.version in good) for r in rows]

    def _version_info(self, code: str, version: int) -> RecipeVersionInfo:
        return next(v for v in self._versions(code) if v.version == version)

    def _last_download(self, order_code: str, seq: int | None) -> DownloadInfo | None:
        from hmi.store.models import RecipeDownloadEvent, RecipeValidationEvent

        with self._sf() as s:
            q = select(RecipeDownloadEvent).where(
                RecipeDownloadEvent.station_id == self._station,
                RecipeDownloadEvent.order_code == order_code)
            if seq is not None:
                q = q.where(RecipeDownloadEvent.operation_sequence == seq)
            ev = s.scalars(q.order_by(RecipeDownloadEvent.seq.desc()).limit(1)).first()
            if ev is None:
                return None
            val = s.scalars(select(RecipeValidationEvent.result)
                            .where(RecipeValidationEvent.download_event_id == ev.id)
                            .limit(1)).first()
            view = self._view_in(s, ev.recipe_code, ev.recipe_version)
            return DownloadInfo(
                event_id=ev.id, recipe_code=ev.recipe_code, version=ev.recipe_version,
                order_code=ev.order_code, operation_sequence=ev.operation_sequence,
                result=ev.result, message=ev.message, recorded_at=ev.recorded_at,
                actor_badge=ev.actor_badge, checklist=tuple(_checklist_of(ev, view)),
                mismatches=tuple(Mismatch(m["parameter"], m.get("expected"), m.get("read_back"),
                                          m.get("reason", "")) for m in ev.mismatches or ()),
                validation=val)


def _plain(x: object) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _recipe() -> Any:
    from hmi.store.models import Recipe

    return Recipe


def _checklist_of(ev: Any, view: RecipeView | None) -> list[ChecklistRow]:
    """The check-list of a stored download (recipe order and units when the version is known)."""
    written = ev.written_values or {}
    verified = ev.verified_values or {}
    bad = [m["parameter"] for m in ev.mismatches or ()]
    if view is not None:
        params: Sequence[ParamSpec] = view.parameters
    else:
        params = [ParamSpec(i + 1, name, "", value=float(v) if isinstance(v, int | float) else 0.0)
                  for i, (name, v) in enumerate(written.items())]
    return build_checklist(params, written, verified, bad) if verified else []
