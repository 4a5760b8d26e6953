"""Step-by-step work instructions for the running order: what to do, and proof it was done.

The instruction of an order's operation is loaded as plain :class:`StepSpec` values
(the version is pinned for the order: the version its first recorded step used,
else the newest released one — a new version released meanwhile never changes
an order already under way). Each step may ask for an action:

* ``confirm`` — the operator confirms it was done;
* ``number`` — a value within ``min``..``max`` (validated: not a number, out of
  limits → a clear message, nothing stored as done);
* ``text`` — free text;
* ``scan`` — a component of the order's BOM (``scan_kind = "component"``) or a
  tool of the operation's tool list (``"tool"``), verified at once; a wrong scan
  is refused loudly **and recorded** (result ``refused``) for traceability;
* ``reading`` — the live value of a machine tag, taken by the station (quality
  must be Good and the value within limits).

A step with ``requires_signoff`` counts as done only with a team lead's
e-signature (``instruction.signoff``, re-authentication with badge + PIN).
Optional steps may be skipped with a reason. Every outcome is a
:class:`~hmi.store.models.StepCompletionEvent` (who, when, value); the run state
is projected from those events, so a restart shows exactly where the order was.
:meth:`InstructionService.completion_blocker` is what the order service asks
before an order may complete: mandatory steps still open block it.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hmi.services.audit import AuditWriter
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.permissions import ORDER_START, Actor, require
from hmi.services.worker import DbWorker
from hmi.store.base import MasterStatus, utcnow
from hmi.store.events import append_event
from hmi.store.models import (
    Bom,
    StepCompletionEvent,
    Tool,
    ToolList,
    WorkInstruction,
    WorkOrder,
)

log = logging.getLogger(__name__)

INSTRUCTION_SIGNOFF = "instruction.signoff"

__all__ = [
    "INSTRUCTION_SIGNOFF",
    "InstructionError",
    "InstructionRun",
    "InstructionService",
    "StepRecord",
    "StepSpec",
    "check_number",
    "check_reading",
    "check_scan",
    "project_run",
]


class InstructionError(OperatorError):
    """A step action refused, with a message for the operator (what happened, what to do)."""


@dataclass(frozen=True)
class StepSpec:
    position: int
    title: str
    text: str
    warning: str = ""
    media_ref: str | None = None
    media_page: int | None = None
    mandatory: bool = True
    requires_signoff: bool = False
    requires_confirmation: bool = False
    input_kind: str = "none"
    input_label: str = ""
    unit: str = ""
    min_value: float | None = None
    max_value: float | None = None
    scan_kind: str | None = None
    expected_code: str | None = None
    reading_tag: str | None = None
    required_tools: tuple[str, ...] = ()

    @property
    def action(self) -> str:
        """confirm | number | text | scan | reading | read (just read and go on)."""
        if self.input_kind != "none":
            return self.input_kind
        return "confirm" if self.requires_confirmation or self.requires_signoff else "read"

    def limits_text(self) -> str:
        lo, hi, unit = self.min_value, self.max_value, f" {self.unit}" if self.unit else ""
        if lo is not None and hi is not None:
            return f"{_num(lo)} – {_num(hi)}{unit}"
        if lo is not None:
            return f"≥ {_num(lo)}{unit}"
        if hi is not None:
            return f"≤ {_num(hi)}{unit}"
        return ""


@dataclass(frozen=True)
class StepRecord:
    """The latest outcome of one step (from its StepCompletionEvent)."""

    position: int
    result: str  # done | skipped | refused
    actor_badge: str | None
    at: dt.datetime
    value_text: str | None = None
    value_number: float | None = None
    reason: str = ""
    signoff_badge: str | None = None


@dataclass
class InstructionRun:
    order_code: str
    order_version: int | None
    operation_sequence: int | None
    instruction_code: str
    instruction_version: int
    instruction_name: str
    steps: list[StepSpec]
    records: dict[int, StepRecord] = field(default_factory=dict)  # position -> latest done/skipped
    refusals: list[StepRecord] = field(default_factory=list)  # every refused attempt
    bom_materials: frozenset[str] = frozenset()
    tool_types: frozenset[str] = frozenset()

    def is_closed(self, step: StepSpec) -> bool:
        rec = self.records.get(step.position)
        return rec is not None and rec.result in ("done", "skipped")

    def open_mandatory(self) -> list[StepSpec]:
        return [s for s in self.steps if s.mandatory and not self.is_closed(s)]

    def first_open_index(self) -> int:
        for i, step in enumerate(self.steps):
            if not self.is_closed(step):
                return i
        return max(0, len(self.steps) - 1)

    def step(self, position: int) -> StepSpec:
        for s in self.steps:
            if s.position == position:
                return s
        raise InstructionError(tr("instructions", "There is no step %1 in this instruction.")
                               .replace("%1", str(position)))


def _num(x: float) -> str:
    return f"{x:g}"


# --------------------------------------------------------------------------- pure checks


def check_number(step: StepSpec, text: str) -> float:
    """Parse and check an entered number; raise InstructionError with what to do."""
    cleaned = (text or "").strip().replace(",", ".")
    if not cleaned:
        raise InstructionError(tr("instructions", "Enter a value first."))
    try:
        value = float(cleaned)
    except ValueError:
        raise InstructionError(
            tr("instructions", "“%1” is not a number. Enter digits only, e.g. 12.5.")
            .replace("%1", text.strip())) from None
    if not math.isfinite(value):
        raise InstructionError(tr("instructions", "“%1” is not a usable value.")
                               .replace("%1", text.strip()))
    _check_limits(step, value, entered=True)
    return value


def _check_limits(step: StepSpec, value: float, *, entered: bool) -> None:
    unit = f" {step.unit}" if step.unit else ""
    what = tr("instructions", "%1 is") if entered else tr("instructions", "The machine reads %1,")
    if step.min_value is not None and value < step.min_value:
        raise InstructionError(
            (what + " " + tr("instructions", "below the minimum %2. Check the part and the "
                                             "measurement; call the team lead if it is right."))
            .replace("%1", f"{_num(value)}{unit}").replace("%2", f"{_num(step.min_value)}{unit}"))
    if step.max_value is not None and value > step.max_value:
        raise InstructionError(
            (what + " " + tr("instructions", "above the maximum %2. Check the part and the "
                                             "measurement; call the team lead if it is right."))
            .replace("%1", f"{_num(value)}{unit}").replace("%2", f"{_num(step.max_value)}{unit}"))


def check_reading(step: StepSpec, value: Any, good: bool) -> float:
    """Check a machine reading for a ``reading`` step."""
    if value is None or not good:
        raise InstructionError(
            tr("instructions", "No current value from the machine for %1. Check the machine "
                               "link (header) and try again.").replace("%1", step.reading_tag or "?"))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InstructionError(tr("instructions", "The machine value %1 is not a number.")
                               .replace("%1", repr(value))) from None
    _check_limits(step, number, entered=False)
    return number


def check_scan(step: StepSpec, code: str, *, bom_materials: Iterable[str],
               tool_type_of: Callable[[str], str | None],
               tool_types: Iterable[str]) -> str:
    """Verify a scanned code for a ``scan`` step; return what it was matched as."""
    code = (code or "").strip()
    if not code:
        raise InstructionError(tr("instructions", "The scan was empty. Scan the label again."))
    if step.scan_kind == "tool":
        tool_type = tool_type_of(code)
        if tool_type is None:
            raise InstructionError(
                tr("instructions", "%1 is not a known tool or fixture. Scan the label on the "
                                   "tool itself.").replace("%1", code))
        wanted = step.expected_code
        if wanted and tool_type != wanted:
            raise InstructionError(
                tr("instructions", "Wrong tool: %1 is a %2, this step needs a %3. Fetch the "
                                   "right tool.").replace("%1", code).replace("%2", tool_type)
                .replace("%3", wanted))
        allowed = set(tool_types)
        if allowed and tool_type not in allowed:
            raise InstructionError(
                tr("instructions", "Wrong tool: %1 (%2) is not on this operation's tool list.")
                .replace("%1", code).replace("%2", tool_type))
        return tool_type
    materials = set(bom_materials)
    if step.expected_code and code != step.expected_code:
        raise InstructionError(
            tr("instructions", "Wrong part: scanned %1, this step needs %2. Put the part back "
                               "and take %2.").replace("%1", code).replace("%2", step.expected_code))
    if materials and code not in materials:
        raise InstructionError(
            tr("instructions", "Wrong part: %1 is not in this order's bill of material.")
            .replace("%1", code))
    return code


def project_run(run: InstructionRun, events: Sequence[StepCompletionEvent]) -> InstructionRun:
    """Fill ``run.records``/``refusals`` from its events (in seq order)."""
    run.records.clear()
    run.refusals.clear()
    for ev in sorted(events, key=lambda e: e.seq):
        rec = StepRecord(ev.step_position, ev.result, ev.actor_badge, ev.recorded_at,
                         ev.value_text, ev.value_number, ev.reason, ev.signoff_badge)
        if ev.result == "refused":
            run.refusals.append(rec)
        else:
            run.records[ev.step_position] = rec
    return run


def _spec(step: Any) -> StepSpec:
    return StepSpec(
        position=step.position, title=step.title or "", text=step.text or "",
        warning=step.warning or "", media_ref=step.media_ref, media_page=step.media_page,
        mandatory=bool(step.mandatory), requires_signoff=bool(step.requires_signoff),
        requires_confirmation=bool(step.requires_confirmation), input_kind=step.input_kind,
        input_label=step.input_label or "", unit=step.input_unit or "",
        min_value=step.input_min, max_value=step.input_max, scan_kind=step.scan_kind,
        expected_code=step.expected_code, reading_tag=step.reading_tag,
        required_tools=tuple(step.required_tools or ()),
    )


# --------------------------------------------------------------------------- service


class InstructionService(QObject):
    """The instruction run of the order being worked on at this station."""

    sig_changed = Signal()
    sig_error = Signal(str)

    def __init__(self, worker: DbWorker, session_factory: sessionmaker[Session], station_id: str,
                 audit: AuditWriter, signatures: Any = None, *,
                 read_tag: Callable[[str], tuple[Any, bool]] | None = None,
                 clock: Callable[[], dt.datetime] = utcnow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._sf = session_factory
        self._station = station_id
        self._audit = audit
        self._signatures = signatures
        self._read_tag = read_tag
        self._clock = clock
        self._run: InstructionRun | None = None
        self._tool_types: dict[str, str] = {}

    # -- loading -----------------------------------------------------------------
    def run(self) -> InstructionRun | None:
        return self._run

    def open(self, order_code: str, on_done: Callable[[InstructionRun | None], None] | None = None
             ) -> Future:
        """Load the order's instruction and its recorded steps (on the DB worker)."""
        def done(run: InstructionRun | None) -> None:
            self._run = run
            self.sig_changed.emit()
            if on_done is not None:
                on_done(run)
        return self._worker.submit(self.load, order_code, on_done=done,
                                   on_error=lambda e: self.sig_error.emit(str(e)))

    def close(self) -> None:
        self._run = None
        self.sig_changed.emit()

    def load(self, order_code: str) -> InstructionRun | None:
        """Build the run for ``order_code`` (DB worker thread or tests)."""
        with self._sf() as s:
            order = s.scalars(select(WorkOrder).where(WorkOrder.code == order_code)
                              .order_by(WorkOrder.version.desc()).limit(1)).first()
            if order is None:
                raise InstructionError(tr("instructions", "Order %1 is not known at this station.")
                                       .replace("%1", order_code))
            ops = [o for o in order.operations
                   if o.station_code in (None, self._station)] or list(order.operations)
            op = ops[0] if ops else None
            code = op.work_instruction_code if op is not None else None
            if not code:
                return None
            events = list(s.scalars(select(StepCompletionEvent).where(
                StepCompletionEvent.station_id == self._station,
                StepCompletionEvent.order_code == order_code,
                StepCompletionEvent.instruction_code == code)))
            pinned = events[0].instruction_version if events else None
            query = select(WorkInstruction).where(WorkInstruction.code == code)
            if pinned is not None:
                query = query.where(WorkInstruction.version == pinned)
            else:
                query = query.where(WorkInstruction.status == MasterStatus.RELEASED.value)
            wi = s.scalars(query.order_by(WorkInstruction.version.desc()).limit(1)).first()
            if wi is None:
                raise InstructionError(
                    tr("instructions", "Work instruction %1 has no released version. Ask the "
                                       "process engineer to release it.").replace("%1", code))
            bom_code = order.bom_code or order.product_code
            bom = s.scalars(select(Bom).where(Bom.code == bom_code)
                            .order_by(Bom.version.desc()).limit(1)).first()
            materials = frozenset(i.material_code for i in bom.items) if bom is not None else frozenset()
            tool_types: frozenset[str] = frozenset()
            if op is not None and op.tool_list_code:
                tl = s.scalars(select(ToolList).where(ToolList.code == op.tool_list_code)
                               .order_by(ToolList.version.desc()).limit(1)).first()
                if tl is not None:
                    tool_types = frozenset(i.tool_type for i in tl.items)
            self._tool_types = {t.code: t.tool_type for t in s.scalars(select(Tool))}
            run = InstructionRun(
                order_code=order.code, order_version=order.version,
                operation_sequence=op.sequence if op is not None else None,
                instruction_code=wi.code, instruction_version=wi.version,
                instruction_name=wi.name, steps=[_spec(st) for st in wi.steps],
                bom_materials=materials, tool_types=tool_types)
            return project_run(run, events)

    # -- actions -----------------------------------------------------------------
    def _need_run(self) -> InstructionRun:
        if self._run is None:
            raise InstructionError(tr("instructions", "No work instruction is open. Start or "
                                                      "select an order first."))
        return self._run

    def complete_step(self, actor: Actor | None, position: int, value: str | None = None,
                      on_done: Callable[[StepRecord], None] | None = None) -> Future | None:
        """Record a step as done after checking its action; a bad value raises at once.

        A refused scan or machine reading is also recorded (result ``refused``),
        then the InstructionError is raised for the screen.
        """
        actor = require(actor, ORDER_START)
        run = self._need_run()
        step = run.step(position)
        if step.requires_signoff:
            raise InstructionError(tr("instructions", "This step needs a team lead's sign-off. "
                                                      "Tap “Sign off” and let the team lead sign."))
        fields = self._validate(run, step, value)
        return self._write(actor, step, "done", on_done=on_done, **fields)

    def _validate(self, run: InstructionRun, step: StepSpec, value: str | None) -> dict[str, Any]:
        kind = step.action
        if kind == "number":
            number = check_number(step, value or "")
            return {"value_number": number, "value_text": value.strip() if value else None}
        if kind == "text":
            if not (value or "").strip():
                raise InstructionError(tr("instructions", "Enter the text first."))
            return {"value_text": value.strip()}
        if kind == "scan":
            try:
                matched = check_scan(step, value or "", bom_materials=run.bom_materials,
                                     tool_type_of=self._tool_types.get, tool_types=run.tool_types)
            except InstructionError as exc:
                self._write(None, step, "refused", value_text=(value or "").strip(),
                            reason=str(exc))
                raise
            return {"value_text": (value or "").strip(), "reason": matched}
        if kind == "reading":
            raw, good = (None, False)
            if self._read_tag is not None and step.reading_tag:
                raw, good = self._read_tag(step.reading_tag)
            try:
                number = check_reading(step, raw, good)
            except InstructionError as exc:
                self._write(None, step, "refused",
                            value_number=_as_float(raw), reason=str(exc))
                raise
            return {"value_number": number, "value_text": f"{step.reading_tag}={_num(number)}"}
        return {}

    def skip_step(self, actor: Actor | None, position: int, reason: str,
                  on_done: Callable[[StepRecord], None] | None = None) -> Future:
        actor = require(actor, ORDER_START)
        run = self._need_run()
        step = run.step(position)
        if step.mandatory:
            raise InstructionError(tr("instructions", "This step is mandatory and cannot be "
                                                      "skipped."))
        if not reason.strip():
            raise InstructionError(tr("instructions", "Say why the step is skipped."))
        return self._write(actor, step, "skipped", reason=reason.strip(), on_done=on_done)

    def sign_off_step(self, actor: Actor | None, position: int, *, badge: str, pin: str,
                      value: str | None = None,
                      on_done: Callable[[StepRecord], None] | None = None) -> Future:
        """A team lead signs the step off (re-authentication on the DB worker).

        The signature binds the order, instruction version, step and value.
        """
        actor = require(actor, ORDER_START)
        run = self._need_run()
        step = run.step(position)
        fields = self._validate(run, step, value) if step.action not in ("confirm", "read") else {}
        if self._signatures is None:
            raise InstructionError(tr("instructions", "Signatures are not available at this "
                                                      "station."))
        record = {"order": run.order_code, "instruction": run.instruction_code,
                  "version": run.instruction_version, "step": step.position,
                  "title": step.title, "value": fields.get("value_text")}
        signatures = self._signatures

        def sign() -> Any:
            from hmi.services.signatures import Meaning

            return signatures.sign(badge=badge, pin=pin, meaning=Meaning.APPROVED,
                                   record_type="work_instruction_step",
                                   record_id=f"{run.order_code}/{run.instruction_code}/"
                                             f"{step.position}",
                                   record=record, required_permission=INSTRUCTION_SIGNOFF)

        def signed(sig: Any) -> None:
            self._write(actor, step, "done", signoff_signature_id=sig.id,
                        signoff_badge=sig.actor_badge or badge, on_done=on_done, **fields)

        return self._worker.submit(sign, on_done=signed,
                                   on_error=lambda e: self.sig_error.emit(_err(e)))

    def completion_blocker(self, order_code: str) -> str | None:
        """Why the order cannot complete yet (open mandatory steps), or None."""
        run = self._run
        if run is None or run.order_code != order_code:
            try:
                run = self.load(order_code)
            except InstructionError:
                return None
        if run is None:
            return None
        open_steps = run.open_mandatory()
        if not open_steps:
            return None
        names = ", ".join(f"{s.position}" + (f" {s.title}" if s.title else "")
                          for s in open_steps[:4])
        more = "" if len(open_steps) <= 4 else f" (+{len(open_steps) - 4})"
        return (tr("instructions", "%1 mandatory instruction step(s) are still open: %2. "
                                   "Finish them on the Instructions screen.")
                .replace("%1", str(len(open_steps))).replace("%2", names + more))

    # -- writing -----------------------------------------------------------------
    def _write(self, actor: Actor | None, step: StepSpec, result: str, *,
               on_done: Callable[[StepRecord], None] | None = None, **fields: Any) -> Future:
        run = self._need_run()
        badge = actor.badge if actor is not None else None
        station = self._station
        now = self._clock()

        def write() -> StepRecord:
            with self._sf.begin() as s:
                ev = append_event(s, StepCompletionEvent(
                    station_id=station, actor_badge=badge, recorded_at=now,
                    order_code=run.order_code, order_version=run.order_version,
                    operation_sequence=run.operation_sequence,
                    instruction_code=run.instruction_code,
                    instruction_version=run.instruction_version,
                    step_position=step.position, result=result,
                    value_text=fields.get("value_text"), value_number=fields.get("value_number"),
                    reason=fields.get("reason", "") or "",
                    signoff_signature_id=fields.get("signoff_signature_id"),
                    signoff_badge=fields.get("signoff_badge")))
                if result != "done" or step.requires_signoff:
                    self._audit.record(s, actor_badge=badge or fields.get("signoff_badge"),
                                       action=f"instruction.step_{result}",
                                       entity="work_instruction_step",
                                       entity_id=f"{run.order_code}/{run.instruction_code}/"
                                                 f"{step.position}",
                                       new={"value": fields.get("value_text"),
                                            "number": fields.get("value_number")},
                                       detail=fields.get("reason", "") or "")
                s.flush()
                return StepRecord(step.position, result, badge, ev.recorded_at,
                                  ev.value_text, ev.value_number, ev.reason, ev.signoff_badge)

        def done(rec: StepRecord) -> None:
            current = self._run is run
            if current:
                if result == "refused":
                    run.refusals.append(rec)
                else:
                    run.records[step.position] = rec
            if on_done is not None:
                on_done(rec)
            if current:
                self.sig_changed.emit()

        return self._worker.submit(write, on_done=done,
                                   on_error=lambda e: self.sig_error.emit(_err(e)))


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _err(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
