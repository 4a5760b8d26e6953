"""Inspections at the station: the plan of the running operation, due prompts, recording
with gauge and entry checks, SPC rules on entry, frozen control limits, capability.

:class:`InspectionService` loads the inspection plan of an order's operation (the
operation's ``inspection_plan_code``; the version is pinned per order: the version the
order's first recorded result used, else the newest released one) and drives a
:class:`~hmi.services.inspection_due.DueTracker` from the facts the app feeds it:

=====================================  ============================================
``order_started(order_code, t=None)``  loads the plan and rebuilds the due tracker
                                       from the stored facts (DB worker; a restart
                                       gives what was due — docs/inspections.md)
``order_ended(t=None)``                time-based frequencies stop counting
``parts_counted(n, t=None)``           good or bad parts made (every_parts, suspects)
``shift_started(t=None)``              ``shift_start``
``changeover_ended(t=None)``           ``changeover``
``back_from_stop(t=None)``             ``after_downtime`` (a real stop, not a micro)
``recipe_downloaded(t=None)``          ``recipe_change``
``rework_disposed(order, char=None)``  ``rework`` (reworked units need a re-inspection)
``tick(t=None)``                       time passes (``every_minutes``, overdue)
=====================================  ============================================

An SPC rule firing on a characteristic whose reaction is ``reinspect`` feeds the tracker
an ``spc_alarm`` for that characteristic itself (such a characteristic always has the
``spc_alarm`` frequency, listed or not). Facts that arrive while the plan is loading
wait and are replayed in order; facts with no plan loaded are ignored.

:meth:`InspectionService.record` checks everything before writing (permission
``inspection.record``; the gauge: known, of the characteristic's ``gauge_kind``, not past
its calibration due date; each value with :func:`~hmi.services.inspection_entry.check_entry`
— number, physical/gauge range, resolution of the characteristic and of the gauge; the
subgroup size) and raises :class:`InspectionError` with a message for the screen, so
nothing wrong is stored. It then evaluates the SPC rules of the characteristic's chart
against the frozen limits (newest ``SpcLimitsEvent``) on the series since they were
frozen plus the new point, and writes one ``InspectionResult`` (with the rules that
fired) — plus an audit entry when the result failed or re-measures an earlier one — in
one transaction on the DB worker. A re-measurement is a new result naming the old one in
``supersedes_id``; the old row stays, and the chart uses the newer value.

Signals the app routes:

* ``sig_rule_fired(RuleAlarm)`` — show it now, highlight ``alarm.points`` (result ids);
* ``sig_hold_requested(RuleAlarm)`` — reaction ``hold``: the hold service opens a
  quality hold for ``alarm.order_code`` (reason: ``alarm.text``);
* ``sig_andon_requested(RuleAlarm)`` — reaction ``andon``: raise an andon call;
* ``sig_suspect(str characteristic, int parts)`` — an overdue inspection was done and
  left ``parts`` suspect for disposition;
* ``sig_recorded(RecordOutcome)``, ``sig_due_changed(list[Due])``,
  ``sig_limits_frozen(FrozenLimits)``, ``sig_changed()``, ``sig_error(str)``.

Control limits are computed only by :meth:`InspectionService.freeze_limits` (permission
``inspection.sign``) from results an engineer chose; a recalculation is a new
``SpcLimitsEvent`` naming the one it replaces, audited with the old and new limits.
The start check ``inspections.due`` (:func:`register_checks`) blocks while an inspection
is overdue, naming the characteristics.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hmi.services import spc
from hmi.services.audit import AuditWriter
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.inspection_due import Due, DueTracker, Fact, FactKind, Frequency, Trigger
from hmi.services.inspection_entry import EntryError, Spec, check_entry
from hmi.services.permissions import INSPECTION_RECORD, INSPECTION_SIGN, Actor, requires
from hmi.services.prerequisites import Blocker, PrerequisiteRegistry, StartContext
from hmi.store.base import MasterStatus, new_id, utcnow
from hmi.store.events import append_event
from hmi.store.models import (
    DispositionEvent,
    Gauge,
    InspectionPlan,
    InspectionResult,
    MachineStateEvent,
    ProductionCountEvent,
    RecipeDownloadEvent,
    SpcLimitsEvent,
    WorkOrder,
    WorkOrderEvent,
)

log = logging.getLogger(__name__)

CHECK_NAME = "inspections.due"
#: How many earlier orders of the same plan version a restore looks back through.
CHAIN_LIMIT = 20
#: Results kept in memory per characteristic for the chart and capability.
HISTORY_LIMIT = 5000

__all__ = [
    "CHECK_NAME",
    "CharacteristicSpec",
    "FrozenLimits",
    "GaugeInfo",
    "InspectionError",
    "InspectionRun",
    "InspectionService",
    "RecordOutcome",
    "RuleAlarm",
    "order_plan",
    "register_checks",
]


class InspectionError(OperatorError):
    """An inspection action was refused; ``operator_message`` (also ``str(exc)``) is for the
    screen: what happened and what to do."""


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class CharacteristicSpec:
    code: str
    name: str
    kind: str  # variable | attribute | checklist
    target: float | None = None
    lsl: float | None = None
    usl: float | None = None
    unit: str = ""
    subgroup_size: int = 1
    resolution: float | None = None
    physical_min: float | None = None
    physical_max: float | None = None
    frequencies: tuple[Frequency, ...] = ()
    defect_codes: tuple[str, ...] = ()
    chart: str | None = None
    rule_set: str = "nelson"
    reaction: str = "note"
    gauge_kind: str | None = None
    requires_signature: bool = False

    @property
    def rules(self) -> tuple[int, ...]:
        return spc.WESTERN_ELECTRIC if self.rule_set == "western_electric" else spc.NELSON


@dataclass(frozen=True)
class GaugeInfo:
    code: str
    name: str
    kind: str
    resolution: float | None = None
    range_min: float | None = None
    range_max: float | None = None
    unit: str = ""
    calibration_due: dt.datetime | None = None


@dataclass(frozen=True)
class FrozenLimits:
    """The control limits in force for a characteristic (one SpcLimitsEvent)."""

    id: uuid.UUID
    characteristic: str
    chart: str
    center: float
    ucl: float
    lcl: float
    center2: float | None
    ucl2: float | None
    lcl2: float | None
    sigma_within: float | None
    baseline_ids: tuple[str, ...]
    recorded_at: dt.datetime
    reason: str = ""
    #: the event's station seq: results after it are charted against these limits
    seq: int = 0

    @property
    def sigma(self) -> float:
        """One sigma of the (first) chart."""
        return (self.ucl - self.center) / 3.0

    def as_dict(self) -> dict[str, Any]:
        return {"chart": self.chart, "center": self.center, "ucl": self.ucl, "lcl": self.lcl,
                "center2": self.center2, "ucl2": self.ucl2, "lcl2": self.lcl2,
                "sigma_within": self.sigma_within, "baseline": list(self.baseline_ids)}


@dataclass(frozen=True)
class _Point:
    """One stored result as the chart sees it."""

    id: str
    values: tuple[float, ...]
    quantity: int | None
    recorded_at: dt.datetime
    supersedes_id: str | None
    #: SPC rules that fired when this result was entered ([{"rule", "text", "points"}])
    rule_hits: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ChartSeries:
    """What the SPC chart of a characteristic shows (:meth:`InspectionService.chart`)."""

    characteristic: str
    chart: str
    ids: tuple[str, ...]
    values: tuple[float, ...]
    #: the frozen limits per point (p and u charts: from each point's sample size); None
    #: when no limits are frozen yet
    center: float | None
    ucl: tuple[float, ...]
    lcl: tuple[float, ...]
    #: indices of the points the newest firing rule named, and that rule in words
    highlight: tuple[int, ...]
    message: str
    #: the newest point is the one a rule fired on: the alarm is current
    alarm_now: bool = False


@dataclass
class InspectionRun:
    order_code: str
    operation_sequence: int | None
    plan_code: str
    plan_version: int
    plan_name: str
    grace: dt.timedelta
    signer_must_differ: bool
    characteristics: dict[str, CharacteristicSpec]
    gauges: dict[str, GaugeInfo] = field(default_factory=dict)
    limits: dict[str, FrozenLimits] = field(default_factory=dict)
    #: per characteristic, results since its limits were frozen (all when none), oldest first
    history: dict[str, list[_Point]] = field(default_factory=dict)
    #: stored facts the due tracker is rebuilt from (None: keep / start a tracker as is)
    due_facts: list[Fact] | None = None

    def characteristic(self, code: str) -> CharacteristicSpec:
        ch = self.characteristics.get(code)
        if ch is None:
            raise InspectionError(tr("inspections", "The inspection plan %1 has no "
                                     "characteristic %2.", self.plan_code, code))
        return ch


@dataclass(frozen=True)
class RuleAlarm:
    """SPC rules that fired when a result was entered."""

    characteristic: str
    characteristic_name: str
    chart: str
    reaction: str
    order_code: str
    result_id: str
    #: [{"rule": 5, "text": "...", "points": [result ids]}]
    hits: tuple[dict[str, Any], ...]
    text: str

    @property
    def points(self) -> list[str]:
        """Every result id involved in any of the hits (to highlight on the chart)."""
        out: list[str] = []
        for h in self.hits:
            out.extend(p for p in h["points"] if p not in out)
        return out


@dataclass(frozen=True)
class RecordOutcome:
    result_id: str
    characteristic: str
    values: tuple[Any, ...]
    passed: bool
    #: one line per value (in spec / below / above), for the screen
    verdicts: tuple[str, ...]
    rule_hits: tuple[dict[str, Any], ...]
    due_reason: str | None
    supersedes_id: str | None
    #: parts made while this inspection was overdue (left for disposition)
    suspect_parts: int = 0


# --------------------------------------------------------------------------- helpers


def _frequencies(ch: Any) -> tuple[Frequency, ...]:
    freqs: list[Frequency] = []
    for f in ch.frequencies or []:
        freqs.append(Frequency(Trigger(f["trigger"]), f.get("every")))
    if not freqs:  # stored before frequencies existed: derive from the old columns
        if ch.frequency_units:
            freqs.append(Frequency(Trigger.EVERY_PARTS, int(ch.frequency_units)))
        if ch.frequency_minutes:
            freqs.append(Frequency(Trigger.EVERY_MINUTES, int(ch.frequency_minutes)))
    if ch.reaction == "reinspect" and ch.chart and not any(
            f.trigger is Trigger.SPC_ALARM for f in freqs):
        freqs.append(Frequency(Trigger.SPC_ALARM))
    return tuple(freqs)


def _spec_of(ch: Any) -> CharacteristicSpec:
    return CharacteristicSpec(
        code=ch.code, name=ch.name, kind=ch.kind, target=ch.target, lsl=ch.lsl, usl=ch.usl,
        unit=ch.unit or "", subgroup_size=int(ch.subgroup_size or 1), resolution=ch.resolution,
        physical_min=ch.physical_min, physical_max=ch.physical_max,
        frequencies=_frequencies(ch), defect_codes=tuple(ch.defect_codes or ()),
        chart=ch.chart, rule_set=ch.rule_set or "nelson", reaction=ch.reaction or "note",
        gauge_kind=ch.gauge_kind, requires_signature=bool(ch.requires_signature))


def order_plan(s: Session, station_id: str, order_code: str
               ) -> tuple[Any, Any, InspectionPlan | None]:
    """(newest order version, its operation at the station, the inspection plan) — the plan
    pinned per order (the version its first result here used, else the newest released).

    The order is None when unknown; the plan None when the operation names none. Raises
    :class:`InspectionError` when the named plan has no released version.
    """
    order = s.scalars(select(WorkOrder).where(WorkOrder.code == order_code)
                      .order_by(WorkOrder.version.desc()).limit(1)).first()
    if order is None:
        return None, None, None
    ops = [o for o in order.operations
           if o.station_code in (None, station_id)] or list(order.operations)
    op = ops[0] if ops else None
    code = op.inspection_plan_code if op is not None else None
    if not code:
        return order, op, None
    pinned = s.scalars(select(InspectionResult.plan_version).where(
        InspectionResult.station_id == station_id,
        InspectionResult.order_code == order_code,
        InspectionResult.plan_code == code).order_by(InspectionResult.seq).limit(1)).first()
    query = select(InspectionPlan).where(InspectionPlan.code == code)
    if pinned is not None:
        query = query.where(InspectionPlan.version == pinned)
    else:
        query = query.where(InspectionPlan.status == MasterStatus.RELEASED.value)
    plan = s.scalars(query.order_by(InspectionPlan.version.desc()).limit(1)).first()
    if plan is None:
        raise InspectionError(tr(
            "inspections", "Inspection plan %1 has no released version. Ask quality "
            "to release it.", code))
    return order, op, plan


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _limits_of(ev: SpcLimitsEvent) -> FrozenLimits:
    return FrozenLimits(ev.id, ev.characteristic_code, ev.chart, ev.center, ev.ucl, ev.lcl,
                        ev.center2, ev.ucl2, ev.lcl2, ev.sigma_within,
                        tuple(str(i) for i in ev.baseline_ids or ()), ev.recorded_at, ev.reason,
                        ev.seq)


def _point_of(r: InspectionResult) -> _Point:
    return _Point(str(r.id), tuple(float(v) for v in r.values or () if _is_num(v)),
                  r.quantity_inspected, r.recorded_at,
                  str(r.supersedes_id) if r.supersedes_id else None,
                  tuple(r.rule_hits or ()))


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _current(points: Sequence[_Point]) -> list[_Point]:
    """The points a chart shows: a re-measured result is replaced by its re-measurement."""
    replaced = {p.supersedes_id for p in points if p.supersedes_id}
    return [p for p in points if p.id not in replaced]


def _date(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%d.%m.%Y")


def _g(x: float) -> str:
    return f"{x:g}"


def _chart_value(chart: str, p: _Point) -> float:
    """The point a chart plots for one result."""
    if chart in ("xbar_r", "xbar_s"):
        return sum(p.values) / len(p.values)
    if chart == "imr":
        return p.values[0]
    count = p.values[0] if p.values else 0.0
    if chart in ("p", "u"):
        return count / (p.quantity or 1)
    return count  # np, c


def _chart_limits(lim: FrozenLimits, p: _Point) -> spc.Limits:
    """Limits for one point (p and u charts: from the centre line and the point's size)."""
    if lim.chart == "p":
        n = p.quantity or 1
        w = 3.0 * math.sqrt(max(lim.center * (1.0 - lim.center), 0.0) / n)
        return spc.Limits(lim.center, min(1.0, lim.center + w), max(0.0, lim.center - w))
    if lim.chart == "u":
        n = p.quantity or 1
        w = 3.0 * math.sqrt(max(lim.center, 0.0) / n)
        return spc.Limits(lim.center, lim.center + w, max(0.0, lim.center - w))
    return spc.Limits(lim.center, lim.ucl, lim.lcl)


def evaluate_rules(ch: CharacteristicSpec, lim: FrozenLimits, points: Sequence[_Point]
                   ) -> list[dict[str, Any]]:
    """Rules completed by the newest of ``points`` on the chart of ``ch`` (pure)."""
    pts = list(points)
    if not pts:
        return []
    series = [_chart_value(lim.chart, p) for p in pts]
    limits = [_chart_limits(lim, p) for p in pts]
    if all(li.ucl <= li.center for li in limits):
        return []  # no spread in the baseline: zones are undefined
    hits = spc.rule_hits(series, limits, ch.rules, only_last=True)
    return [{"rule": h.rule, "text": h.text, "points": [pts[i].id for i in h.points]}
            for h in hits]


# --------------------------------------------------------------------------- service


class InspectionService(QObject):
    #: The plan was loaded or closed.
    sig_changed = Signal()
    #: list[Due]: the due inspections changed.
    sig_due_changed = Signal(object)
    #: RecordOutcome: a result was stored.
    sig_recorded = Signal(object)
    #: RuleAlarm: SPC rules fired with the value just entered (show now, highlight points).
    sig_rule_fired = Signal(object)
    #: RuleAlarm: reaction "hold" — the app asks the hold service to hold the order.
    sig_hold_requested = Signal(object)
    #: RuleAlarm: reaction "andon" — the app raises an andon call.
    sig_andon_requested = Signal(object)
    #: (characteristic, parts): an overdue inspection was done; parts are suspect.
    sig_suspect = Signal(str, int)
    #: FrozenLimits: new control limits are in force.
    sig_limits_frozen = Signal(object)
    #: str: something failed (loading, writing); for the red banner.
    sig_error = Signal(str)

    def __init__(self, worker: Any, session_factory: sessionmaker[Session], station_id: str,
                 audit: AuditWriter, signatures: Any = None, *,
                 clock: Callable[[], dt.datetime] = utcnow,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._sf = session_factory
        self._station = station_id
        self._audit = audit
        self._signatures = signatures  # sign-off is the next part of issue 6
        self._clock = clock
        self._run: InspectionRun | None = None
        self._tracker: DueTracker | None = None
        self._loading = False
        self._queued: list[Callable[[], None]] = []
        self._pending = 0
        self._last_due: list[Due] = []
        self._calendar: Any = None

    # ------------------------------------------------------------------ loading
    def run(self) -> InspectionRun | None:
        return self._run

    @property
    def busy(self) -> bool:
        """True while a load or a write is still running on the worker."""
        return self._pending > 0 or self._loading

    def set_calendar(self, spec: Any) -> None:
        """The shift calendar (:class:`hmi.services.shiftcal.CalendarSpec`, or None): a
        restore replays the shift starts while an order was active (``shift_start``)."""
        self._calendar = spec

    def open(self, order_code: str,
             on_done: Callable[[InspectionRun | None], None] | None = None, *,
             restore_at: dt.datetime | None = None) -> Future:
        """Load the order's inspection plan, gauges, limits and chart history (DB worker).

        ``restore_at`` given: the due tracker is rebuilt from the store as well (see
        :meth:`order_started`).
        """
        self._loading = True
        self._pending += 1

        def done(run: InspectionRun | None) -> None:
            self._pending -= 1
            self._attach(run)
            if on_done is not None:
                on_done(run)

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            self._loading = False
            self._queued.clear()
            self.sig_error.emit(str(exc))

        return self._worker.submit(self.load, order_code, restore_at, on_done=done,
                                   on_error=failed)

    def close(self) -> None:
        self._run = None
        self._tracker = None
        self.sig_changed.emit()
        self._emit_due()

    def _attach(self, run: InspectionRun | None) -> None:
        old = self._run
        same_plan = (old is not None and run is not None and old.plan_code == run.plan_code
                     and old.plan_version == run.plan_version)
        self._run = run
        if run is None:
            self._tracker = None
        elif run.due_facts is not None:
            # Rebuilt from the store: after a restart the due state is what it was.
            self._tracker = DueTracker(
                {c.code: c.frequencies for c in run.characteristics.values() if c.frequencies},
                grace=run.grace)
            self._tracker.restore(run.due_facts, self._clock())
            run.due_facts = None
        elif not same_plan or self._tracker is None:
            # An overdue inspection of the same plan stays overdue across orders.
            self._tracker = DueTracker(
                {c.code: c.frequencies for c in run.characteristics.values() if c.frequencies},
                grace=run.grace)
        self._loading = False
        queued, self._queued = self._queued, []
        for fact in queued:
            fact()
        self.sig_changed.emit()
        self._emit_due()

    def load(self, order_code: str, restore_at: dt.datetime | None = None
             ) -> InspectionRun | None:
        """Build the run for ``order_code`` (DB worker thread or tests); None: no plan.

        ``restore_at`` given: also read the stored facts the due tracker is rebuilt from
        (:meth:`order_started`; ``restore_at`` is when the order started if its start is not
        stored).
        """
        with self._sf() as s:
            order, op, plan = order_plan(s, self._station, order_code)
            if order is None:
                raise InspectionError(tr("inspections", "Order %1 is not known at this "
                                         "station.", order_code))
            if plan is None:
                return None
            chars = {c.code: _spec_of(c) for c in plan.characteristics}
            run = InspectionRun(
                order_code=order.code, operation_sequence=op.sequence if op else None,
                plan_code=plan.code, plan_version=plan.version, plan_name=plan.name,
                grace=dt.timedelta(minutes=float(plan.grace_minutes or 10.0)),
                signer_must_differ=bool(plan.signer_must_differ), characteristics=chars,
                gauges=self._load_gauges(s))
            for ch in chars.values():
                lim = self._newest_limits(s, plan.code, ch.code)
                if lim is not None:
                    run.limits[ch.code] = lim
                run.history[ch.code] = self._load_history(s, plan.code, ch.code, lim)
            if restore_at is not None:
                run.due_facts = self._due_facts(s, run, restore_at)
            return run

    @staticmethod
    def _load_gauges(s: Session) -> dict[str, GaugeInfo]:
        out: dict[str, GaugeInfo] = {}
        rows = s.scalars(select(Gauge).where(Gauge.status == MasterStatus.RELEASED.value)
                         .order_by(Gauge.code, Gauge.version))
        for g in rows:  # newest version wins
            out[g.code] = GaugeInfo(g.code, g.name, g.kind, g.resolution, g.range_min,
                                    g.range_max, g.unit or "", g.calibration_due)
        return out

    def _newest_limits(self, s: Session, plan_code: str, char: str) -> FrozenLimits | None:
        ev = s.scalars(select(SpcLimitsEvent).where(
            SpcLimitsEvent.station_id == self._station, SpcLimitsEvent.plan_code == plan_code,
            SpcLimitsEvent.characteristic_code == char).order_by(SpcLimitsEvent.seq.desc())
            .limit(1)).first()
        return _limits_of(ev) if ev is not None else None

    def _load_history(self, s: Session, plan_code: str, char: str,
                      lim: FrozenLimits | None) -> list[_Point]:
        q = select(InspectionResult).where(
            InspectionResult.station_id == self._station,
            InspectionResult.plan_code == plan_code,
            InspectionResult.characteristic_code == char)
        if lim is not None:
            q = q.where(InspectionResult.seq > lim.seq)
        rows = list(s.scalars(q.order_by(InspectionResult.seq.desc()).limit(HISTORY_LIMIT)))
        return [_point_of(r) for r in reversed(rows)]

    # ------------------------------------------------------------------ restore
    def _due_facts(self, s: Session, run: InspectionRun, at: dt.datetime) -> list[Fact]:
        """The stored facts the due tracker of ``run`` is rebuilt from (worker thread).

        The window: the order's start, or earlier — through the orders before it at this
        station that ran the same plan version (the tracker carries over between them) —
        and from the end of the order before those (a changeover or recipe download before
        the start counts). Facts before every characteristic's last result change nothing
        and are not read (order starts and ends are, for whether an order ran).
        """
        st = self._station
        W = WorkOrderEvent
        starts = s.execute(select(W.order_code, W.seq).where(
            W.station_id == st, W.kind == "started").order_by(W.seq.desc())
            .limit(CHAIN_LIMIT + 2)).all()
        idx = next((i for i, r in enumerate(starts) if r.order_code == run.order_code), None)
        stored_start = idx is not None
        chain_start = starts[idx].seq if idx is not None else None
        last = {c: seq for c, seq in s.execute(
            select(InspectionResult.characteristic_code, func.max(InspectionResult.seq))
            .where(InspectionResult.station_id == st,
                   InspectionResult.plan_code == run.plan_code)
            .group_by(InspectionResult.characteristic_code))}
        bound = (min(last.get(c, -1) for c in run.characteristics)
                 if all(c in last for c in run.characteristics) else None)
        floor = chain_start
        for prev in starts[(idx + 1) if idx is not None else 0:][:CHAIN_LIMIT]:
            end = s.scalars(select(W.seq).where(
                W.station_id == st, W.order_code == prev.order_code,
                W.kind.in_(("completed", "aborted")), W.seq > prev.seq)
                .order_by(W.seq).limit(1)).first()
            if bound is not None and end is not None and end <= bound:
                floor = end
                break
            try:
                _o, _op, plan = order_plan(s, st, prev.order_code)
            except InspectionError:
                plan = None
            if plan is None or (plan.code, plan.version) != (run.plan_code, run.plan_version):
                floor = end if end is not None else floor
                break
            floor = chain_start = prev.seq
        facts: list[Fact] = []
        if floor is not None:
            facts = self._replay_facts(s, run, floor, max(floor, bound or floor), at)
        if not stored_start:
            facts.append(Fact(at, FactKind.ORDER_STARTED))
        return facts

    def _replay_facts(self, s: Session, run: InspectionRun, floor: int, since: int,
                      now: dt.datetime) -> list[Fact]:
        """Facts of this station from ``floor`` (order events) / ``since`` (the rest), in
        station sequence, with the shift starts while an order was active in between."""
        st = self._station
        rows: list[tuple[int, str, dt.datetime, Any]] = []
        W = WorkOrderEvent
        for r in s.execute(select(W.seq, W.kind, W.order_code, W.recorded_at).where(
                W.station_id == st, W.seq >= floor,
                W.kind.in_(("started", "resumed", "paused", "completed", "aborted")))):
            rows.append((r.seq, "order", _aware(r.recorded_at), (r.kind, r.order_code)))
        P = ProductionCountEvent
        for r in s.execute(select(P.seq, P.source_ts, P.recorded_at, P.good_increment,
                                  P.scrap_increment).where(P.station_id == st, P.seq >= since)):
            n = int(r.good_increment or 0) + int(r.scrap_increment or 0)
            if n > 0:
                rows.append((r.seq, "parts", _aware(r.source_ts or r.recorded_at), n))
        R = InspectionResult
        for r in s.execute(select(R.seq, R.id, R.characteristic_code, R.recorded_at,
                                  R.rule_hits).where(R.station_id == st,
                                                     R.plan_code == run.plan_code,
                                                     R.seq >= since)):
            rows.append((r.seq, "result", _aware(r.recorded_at),
                         (str(r.id), r.characteristic_code, bool(r.rule_hits))))
        M = MachineStateEvent
        before = s.scalars(select(M.state_name).where(M.station_id == st, M.seq < since)
                           .order_by(M.seq.desc()).limit(1)).first()
        for r in s.execute(select(M.seq, M.state_name, M.source_ts, M.recorded_at).where(
                M.station_id == st, M.seq >= since)):
            rows.append((r.seq, "state", _aware(r.source_ts or r.recorded_at), r.state_name))
        D = RecipeDownloadEvent
        for r in s.execute(select(D.seq, D.recorded_at).where(
                D.station_id == st, D.result == "ok", D.seq >= since)):
            rows.append((r.seq, "recipe", _aware(r.recorded_at), None))
        X = DispositionEvent
        for r in s.scalars(select(X).where(X.station_id == st, X.disposition == "rework",
                                           X.seq >= since)):
            target = self._rework_target(s, run, r)
            if target is not False:
                rows.append((r.seq, "rework", _aware(r.recorded_at), target))
        rows.sort(key=lambda r: r[0])

        shifts: list[dt.datetime] = []
        if self._calendar is not None and rows:
            from hmi.services import shiftcal

            shifts = [i.start for i in shiftcal.shifts_between(self._calendar, rows[0][2], now)
                      if rows[0][2] < i.start <= now]
        facts: list[Fact] = []
        active: set[str] = set()
        running: set[str] = set()
        current: str | None = None

        def shift_starts_until(t: dt.datetime) -> None:
            while shifts and shifts[0] <= t:
                at = shifts.pop(0)
                if active:
                    facts.append(Fact(at, FactKind.EVENT, trigger=Trigger.SHIFT_START))

        for seq, kind, t, data in rows:
            shift_starts_until(t)
            if kind == "order":
                what, code = data
                if what in ("started", "resumed"):
                    active.add(code)
                    running.add(code)
                    if code != current:  # a resume of the same order is not a new order
                        current = code
                        facts.append(Fact(t, FactKind.ORDER_STARTED))
                elif what == "paused":
                    running.discard(code)
                else:
                    active.discard(code)
                    running.discard(code)
                    if not active and current is not None:
                        current = None
                        facts.append(Fact(t, FactKind.ORDER_ENDED))
            elif seq < since:
                continue
            elif kind == "parts":
                if running:  # parts count while an order runs (not paused)
                    facts.append(Fact(t, FactKind.PARTS, n=data))
            elif kind == "result":
                rid, code, fired = data
                facts.append(Fact(t, FactKind.INSPECTED, characteristic=code, ref=rid))
                ch = run.characteristics.get(code)
                if fired and ch is not None and ch.reaction == "reinspect":
                    facts.append(Fact(t, FactKind.EVENT, characteristic=code,
                                      trigger=Trigger.SPC_ALARM))
            elif kind == "state":
                if before == "changeover" and data != "changeover":
                    facts.append(Fact(t, FactKind.EVENT, trigger=Trigger.CHANGEOVER))
                elif before == "faulted" and data == "running":
                    facts.append(Fact(t, FactKind.EVENT, trigger=Trigger.AFTER_DOWNTIME))
                before = data
            elif kind == "recipe":
                facts.append(Fact(t, FactKind.EVENT, trigger=Trigger.RECIPE_CHANGE))
            elif kind == "rework":
                facts.append(Fact(t, FactKind.EVENT, characteristic=data,
                                  trigger=Trigger.REWORK))
        shift_starts_until(now)
        return facts

    @staticmethod
    def _rework_target(s: Session, run: InspectionRun, ev: Any) -> str | None | bool:
        """The characteristic a stored rework disposition asks to re-inspect (None: all of
        the plan), or False when it is not about the order whose plan is open."""
        if ev.subject_kind == "inspection":
            try:
                res = s.get(InspectionResult, uuid.UUID(ev.subject_identifier))
            except ValueError:
                return False
            if res is None or res.order_code != run.order_code \
                    or res.characteristic_code not in run.characteristics:
                return False
            return res.characteristic_code
        order = ev.order_code or (ev.subject_identifier if ev.subject_kind == "order" else None)
        return None if order == run.order_code else False

    # ------------------------------------------------------------------ facts
    def _fact(self, fn: Callable[[DueTracker], None]) -> None:
        if self._loading:
            self._queued.append(lambda: self._fact(fn))
            return
        if self._tracker is None:
            return
        fn(self._tracker)
        self._emit_due()

    def _t(self, t: dt.datetime | None) -> dt.datetime:
        return t if t is not None else self._clock()

    def order_started(self, order_code: str, t: dt.datetime | None = None) -> Future:
        """The order (operation) running here is ``order_code``: load its plan and rebuild the
        due tracker from the store (docs/inspections.md, "After a restart").

        Called when the order starts and again when the station restarts with it running;
        both give the state the stored facts say. ``t`` is the start when the store has no
        ``started`` event of the order yet.
        """
        return self.open(order_code, restore_at=self._t(t))

    def order_ended(self, t: dt.datetime | None = None) -> None:
        self._fact(lambda tr_: tr_.order_ended())

    def parts_counted(self, n: int = 1, t: dt.datetime | None = None) -> None:
        at = self._t(t)
        self._fact(lambda tr_: tr_.on_parts(at, n))

    def shift_started(self, t: dt.datetime | None = None) -> None:
        self._event(Trigger.SHIFT_START, t)

    def changeover_ended(self, t: dt.datetime | None = None) -> None:
        self._event(Trigger.CHANGEOVER, t)

    def back_from_stop(self, t: dt.datetime | None = None) -> None:
        self._event(Trigger.AFTER_DOWNTIME, t)

    def recipe_downloaded(self, t: dt.datetime | None = None) -> None:
        self._event(Trigger.RECIPE_CHANGE, t)

    def rework_disposed(self, order_code: str | None, characteristic: str | None = None,
                        t: dt.datetime | None = None) -> None:
        """Units of ``order_code`` were given a ``rework`` disposition: they need a
        re-inspection — of ``characteristic`` (a failed result's), else of every
        characteristic of the plan. Only for the order whose plan is open."""
        run = self._run
        if self._loading:
            self._queued.append(lambda: self.rework_disposed(order_code, characteristic, t))
            return
        if run is None or order_code != run.order_code or (
                characteristic is not None and characteristic not in run.characteristics):
            return
        self._event(Trigger.REWORK, t, characteristic)

    def tick(self, t: dt.datetime | None = None) -> None:
        at = self._t(t)
        self._fact(lambda tr_: tr_.tick(at))

    def _event(self, trigger: Trigger, t: dt.datetime | None,
               characteristic: str | None = None) -> None:
        at = self._t(t)
        self._fact(lambda tr_: tr_.on_event(trigger, at, characteristic))

    def _emit_due(self) -> None:
        due = self.due()
        if due != self._last_due:
            self._last_due = due
            self.sig_due_changed.emit(due)

    # ------------------------------------------------------------------ questions
    def due(self) -> list[Due]:
        """Due inspections now (overdue ones have ``overdue`` set)."""
        return self._tracker.due(self._clock()) if self._tracker is not None else []

    def blocking(self) -> list[Due]:
        """Overdue inspections: the next start must wait until they are done."""
        return self._tracker.blocking(self._clock()) if self._tracker is not None else []

    def check_inspections(self, ctx: StartContext) -> Blocker | None:
        """Start check ``inspections.due`` (see :func:`register_checks`)."""
        overdue = self.blocking()
        if not overdue:
            return None
        names = []
        for d in overdue:
            ch = self._run.characteristics.get(d.characteristic) if self._run else None
            names.append(f"{d.characteristic} ({ch.name})" if ch else d.characteristic)
        suspect = sum(d.suspect_parts for d in overdue)
        reason = tr("inspections", "Overdue inspection(s): %1.", ", ".join(names))
        todo = tr("inspections", "Record them on the Inspections screen first.")
        if suspect:
            todo += " " + tr("inspections", "%1 part(s) made meanwhile count as suspect until "
                             "they get a disposition.", suspect)
        return Blocker(CHECK_NAME, reason, todo)

    def limits(self, characteristic: str) -> FrozenLimits | None:
        return self._need_run().limits.get(characteristic)

    def chart_points(self, characteristic: str) -> list[tuple[str, float]]:
        """(result id, plotted value) of the chart since its limits were frozen."""
        run = self._need_run()
        ch = run.characteristic(characteristic)
        chart = ch.chart or ("imr" if ch.kind == "variable" else "c")
        return [(p.id, _chart_value(chart, p))
                for p in _current(run.history.get(characteristic, [])) if p.values]

    def chart(self, characteristic: str) -> ChartSeries:
        """The chart since the limits were frozen: values, limits per point, and the points
        of the newest rule that fired (from the stored results, so a restart shows them)."""
        run = self._need_run()
        ch = run.characteristic(characteristic)
        chart = ch.chart or ("imr" if ch.kind == "variable" else "c")
        points = [p for p in _current(run.history.get(characteristic, [])) if p.values]
        ids = tuple(p.id for p in points)
        values = tuple(_chart_value(chart, p) for p in points)
        lim = run.limits.get(characteristic)
        if lim is not None:
            per = [_chart_limits(lim, p) for p in points]
            center: float | None = lim.center
            ucl, lcl = tuple(x.ucl for x in per), tuple(x.lcl for x in per)
        else:
            center, ucl, lcl = None, (), ()
        highlight: tuple[int, ...] = ()
        message = ""
        index = {pid: i for i, pid in enumerate(ids)}
        alarm_now = bool(points and points[-1].rule_hits)
        for p in reversed(points):
            if p.rule_hits:
                named = [pid for h in p.rule_hits for pid in h.get("points", ())]
                highlight = tuple(sorted({index[pid] for pid in named if pid in index}))
                message = tr("inspections", "SPC alarm on %1: %2", ch.name, "; ".join(
                    f"rule {h['rule']}: {h['text']}" for h in p.rule_hits))
                break
        return ChartSeries(characteristic, chart, ids, values, center, ucl, lcl, highlight,
                           message, alarm_now)

    def capability(self, characteristic: str) -> spc.Capability:
        """Cp/Cpk/Pp/Ppk of the values since the limits were frozen (variable only)."""
        run = self._need_run()
        ch = run.characteristic(characteristic)
        if ch.kind != "variable":
            raise InspectionError(tr("inspections", "Capability is computed for measured "
                                     "characteristics only; %1 is not one.", ch.code))
        lim = run.limits.get(ch.code)
        values = [v for p in _current(run.history.get(ch.code, [])) for v in p.values]
        try:
            return spc.capability(values, lsl=ch.lsl, usl=ch.usl,
                                  sigma_within=lim.sigma_within if lim else None)
        except ValueError as exc:
            raise InspectionError(tr("inspections", "No capability for %1 yet: %2.", ch.code,
                                     str(exc))) from None

    def _need_run(self) -> InspectionRun:
        if self._run is None:
            raise InspectionError(tr("inspections", "No inspection plan is open. Start or "
                                     "select an order first."))
        return self._run

    # ------------------------------------------------------------------ checks
    def check_gauge(self, ch: CharacteristicSpec, gauge_code: str | None) -> GaugeInfo | None:
        """The gauge for a measurement of ``ch``; raises InspectionError with the reason."""
        run = self._need_run()
        code = (gauge_code or "").strip()
        if not code:
            if ch.gauge_kind:
                raise InspectionError(tr("inspections", "Scan the gauge you measure %1 with "
                                         "(a %2).", ch.name, ch.gauge_kind))
            return None
        gauge = run.gauges.get(code)
        if gauge is None:
            raise InspectionError(tr("inspections", "%1 is not a known gauge. Scan the label "
                                     "on the gauge itself, or ask quality.", code))
        if ch.gauge_kind and gauge.kind != ch.gauge_kind:
            raise InspectionError(tr("inspections", "Gauge %1 is a %2; %3 must be measured "
                                     "with a %4. Take the right gauge.", code, gauge.kind,
                                     ch.name, ch.gauge_kind))
        due = gauge.calibration_due
        if due is not None and self._clock() >= due:
            raise InspectionError(tr("inspections", "Gauge %1 was due for calibration on %2; "
                                     "it cannot be used. Take another gauge or ask quality.",
                                     code, _date(due)))
        return gauge

    def _check_values(self, ch: CharacteristicSpec, gauge: GaugeInfo | None,
                      values: Sequence[str], quantity: int | None,
                      defects: dict[str, int] | None) -> tuple[list[Any], bool, list[str],
                                                               dict[str, int], int | None]:
        if ch.kind == "variable":
            return self._check_variable(ch, gauge, values, quantity, defects)
        if ch.kind == "attribute":
            return self._check_attribute(ch, values, quantity, defects)
        return self._check_checklist(ch, values, defects)

    def _check_variable(self, ch, gauge, values, quantity, defects):
        if defects:
            raise InspectionError(tr("inspections", "%1 is measured; defect counts belong to "
                                     "attribute checks.", ch.name))
        if len(values) != ch.subgroup_size:
            raise InspectionError(tr("inspections", "%1 needs %2 value(s) per inspection; %3 "
                                     "were entered. Measure %2 parts.", ch.name,
                                     ch.subgroup_size, len(values)))
        lo = [x for x in (ch.physical_min, gauge.range_min if gauge else None) if x is not None]
        hi = [x for x in (ch.physical_max, gauge.range_max if gauge else None) if x is not None]
        spec = Spec(lsl=ch.lsl, usl=ch.usl, target=ch.target, unit=ch.unit,
                    resolution=ch.resolution, physical_min=max(lo) if lo else None,
                    physical_max=min(hi) if hi else None)
        gauge_res = gauge.resolution if gauge else None
        out: list[float] = []
        texts: list[str] = []
        passed = True
        for i, text in enumerate(values):
            try:
                verdict = check_entry(text, spec)
                if gauge_res and gauge_res != ch.resolution:
                    check_entry(text, replace(spec, resolution=gauge_res))
            except EntryError as exc:
                prefix = (tr("inspections", "Value %1: ", i + 1) if len(values) > 1 else "")
                raise InspectionError(prefix + str(exc)) from None
            out.append(verdict.value)
            texts.append(verdict.text)
            passed = passed and verdict.in_spec
        if quantity is not None and quantity < 1:
            raise InspectionError(tr("inspections", "The quantity inspected must be at "
                                     "least 1."))
        return out, passed, texts, {}, quantity if quantity is not None else ch.subgroup_size

    def _check_attribute(self, ch, values, quantity, defects):
        qty = ch.subgroup_size if quantity is None else quantity
        if qty < 1:
            raise InspectionError(tr("inspections", "The quantity inspected must be at "
                                     "least 1."))
        counts: dict[str, int] = {}
        for code, n in (defects or {}).items():
            if ch.defect_codes and code not in ch.defect_codes:
                raise InspectionError(tr("inspections", "%1 is not a defect code of %2 (use "
                                         "one of: %3).", code, ch.name,
                                         ", ".join(ch.defect_codes)))
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise InspectionError(tr("inspections", "The count of %1 must be a whole "
                                         "number of 0 or more.", code))
            if n:
                counts[code] = n
        if values:
            if len(values) != 1:
                raise InspectionError(tr("inspections", "An attribute check takes one count "
                                         "(defects or defective parts)."))
            raw = (values[0] or "").strip()
            if not raw.isdigit():
                raise InspectionError(tr("inspections", "“%1” is not a count. Enter a whole "
                                         "number, e.g. 0 or 2.", raw))
            total = int(raw)
            if counts and total != sum(counts.values()):
                raise InspectionError(tr("inspections", "The count %1 does not match the "
                                         "defects listed (%2). Correct one of them.", total,
                                         sum(counts.values())))
        else:
            total = sum(counts.values())
        if ch.chart in ("p", "np") and total > qty:
            raise InspectionError(tr("inspections", "%1 defective parts is more than the %2 "
                                     "inspected.", total, qty))
        if ch.chart == "np" and qty != ch.subgroup_size:
            raise InspectionError(tr("inspections", "%1 is charted with a fixed sample of %2 "
                                     "parts; inspect %2.", ch.name, ch.subgroup_size))
        text = (tr("inspections", "No defects.") if total == 0 else
                tr("inspections", "%1 defect(s) found.", total))
        return [total], total == 0, [text], counts, qty

    def _check_checklist(self, ch, values, defects):
        if defects or len(values) != 1:
            raise InspectionError(tr("inspections", "Answer %1 with OK or not OK.", ch.name))
        answer = (values[0] or "").strip().lower()
        if answer in ("ok", "pass", "passed", "yes", "1", "true"):
            return ["ok"], True, [tr("inspections", "OK")], {}, 1
        if answer in ("nok", "not ok", "fail", "failed", "no", "0", "false"):
            return ["nok"], False, [tr("inspections", "Not OK")], {}, 1
        raise InspectionError(tr("inspections", "Answer %1 with OK or not OK.", ch.name))

    # ------------------------------------------------------------------ recording
    @requires(INSPECTION_RECORD)
    def record(self, actor: Actor, characteristic: str, values: Sequence[str], *,
               gauge_code: str | None = None, quantity_inspected: int | None = None,
               remeasure_of: str | uuid.UUID | None = None,
               defects: dict[str, int] | None = None, comment: str = "",
               unit_serial: str | None = None, lot_code: str | None = None,
               on_done: Callable[[RecordOutcome], None] | None = None) -> Future:
        """Check and store one inspection result; raises InspectionError before writing.

        Variable: ``values`` are the subgroup's readings as typed. Attribute: one count
        (defects, or defective parts for p/np charts) and/or ``defects`` {code: count}.
        Checklist: ``["ok"]`` or ``["nok"]``.
        """
        run = self._need_run()
        ch = run.characteristic(characteristic)
        gauge = self.check_gauge(ch, gauge_code)
        stored, passed, texts, counts, qty = self._check_values(
            ch, gauge, list(values), quantity_inspected, defects)
        old_id = str(remeasure_of) if remeasure_of else None
        history = run.history.setdefault(ch.code, [])  # the re-measured one: checked in write
        now = self._clock()
        result_id = new_id()
        point = _Point(str(result_id), tuple(float(v) for v in stored if _is_num(v)), qty, now,
                       old_id)
        hits: list[dict[str, Any]] = []
        lim = run.limits.get(ch.code)
        if ch.chart and lim is not None and point.values:
            hits = evaluate_rules(ch, lim, _current([*history, point]))
        due_reason = None
        if self._tracker is not None:
            for d in self._tracker.due(now):
                if d.characteristic == ch.code:
                    due_reason = d.reason.value
        badge = actor.badge
        station = self._station
        plan_code, plan_version = run.plan_code, run.plan_version
        comment = (comment or "").strip()

        def write() -> RecordOutcome:
            with self._sf.begin() as s:
                if old_id is not None:
                    self._check_remeasure(s, plan_code, ch, old_id)
                ev = append_event(s, InspectionResult(
                    id=result_id, station_id=station, actor_badge=badge, recorded_at=now,
                    supersedes_id=uuid.UUID(old_id) if old_id else None,
                    plan_code=plan_code, plan_version=plan_version,
                    characteristic_code=ch.code, order_code=run.order_code,
                    unit_serial=unit_serial, lot_code=lot_code, values=stored, passed=passed,
                    defect_code=max(counts, key=lambda k: counts[k]) if counts else None,
                    comment=comment, operation_sequence=run.operation_sequence,
                    gauge_code=gauge.code if gauge else None, quantity_inspected=qty,
                    due_reason=due_reason, rule_hits=hits, defects=counts))
                if not passed or old_id is not None:
                    self._audit.record(
                        s, actor_badge=badge,
                        action="inspection.remeasured" if old_id else "inspection.failed",
                        entity="inspection_result", entity_id=str(result_id),
                        old={"supersedes": old_id} if old_id else None,
                        new={"plan": plan_code, "characteristic": ch.code, "values": stored,
                             "passed": passed, "gauge": gauge.code if gauge else None,
                             "order": run.order_code, "defects": counts},
                        detail="; ".join(texts)[:500])
                s.flush()
                return RecordOutcome(str(ev.id), ch.code, tuple(stored), passed, tuple(texts),
                                     tuple(hits), due_reason, old_id)

        self._pending += 1

        def done(outcome: RecordOutcome) -> None:
            self._pending -= 1
            if self._run is run:
                history.append(replace(point, rule_hits=tuple(hits)))
            suspect = 0
            if self._tracker is not None and ch.code in self._tracker.plan:
                suspect = self._tracker.inspected(ch.code, now, outcome.result_id)
            outcome = replace(outcome, suspect_parts=suspect)
            if suspect:
                self.sig_suspect.emit(ch.code, suspect)
            if hits:
                self._react(run, ch, outcome, now)
            self._emit_due()
            self.sig_recorded.emit(outcome)
            if on_done is not None:
                on_done(outcome)

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            self.sig_error.emit(str(exc))

        return self._worker.submit(write, on_done=done, on_error=failed)

    @staticmethod
    def _check_remeasure(s: Session, plan_code: str, ch: CharacteristicSpec,
                         old_id: str) -> None:
        try:
            key = uuid.UUID(old_id)
        except ValueError:
            raise InspectionError(tr("inspections", "There is no result %1 to re-measure.",
                                     old_id)) from None
        old = s.get(InspectionResult, key)
        if old is None or old.plan_code != plan_code or old.characteristic_code != ch.code:
            raise InspectionError(tr("inspections", "There is no result %1 of %2 to "
                                     "re-measure.", old_id, ch.name))
        newer = s.scalars(select(InspectionResult.id).where(
            InspectionResult.supersedes_id == key).limit(1)).first()
        if newer is not None:
            raise InspectionError(tr("inspections", "That result was already re-measured; "
                                     "re-measure the newest one."))

    def _react(self, run: InspectionRun, ch: CharacteristicSpec, outcome: RecordOutcome,
               t: dt.datetime) -> None:
        text = "; ".join(f"rule {h['rule']}: {h['text']}" for h in outcome.rule_hits)
        alarm = RuleAlarm(ch.code, ch.name, ch.chart or "", ch.reaction, run.order_code,
                          outcome.result_id, outcome.rule_hits,
                          tr("inspections", "SPC alarm on %1: %2", ch.name, text))
        log.warning("SPC alarm %s/%s: %s (reaction %s)", run.plan_code, ch.code, text,
                    ch.reaction)
        self.sig_rule_fired.emit(alarm)
        if ch.reaction == "reinspect" and self._tracker is not None \
                and ch.code in self._tracker.plan:
            self._tracker.on_event(Trigger.SPC_ALARM, t, ch.code)
        elif ch.reaction == "hold":
            self.sig_hold_requested.emit(alarm)
        elif ch.reaction == "andon":
            self.sig_andon_requested.emit(alarm)

    # ------------------------------------------------------------------ limits
    @requires(INSPECTION_SIGN)
    def freeze_limits(self, actor: Actor, characteristic: str,
                      result_ids: Sequence[str | uuid.UUID], reason: str, *,
                      on_done: Callable[[FrozenLimits], None] | None = None) -> Future:
        """Compute control limits from the chosen baseline results and freeze them.

        A recalculation replaces the limits in force (``supersedes_id``) and is audited
        with the old and the new limits.
        """
        run = self._need_run()
        ch = run.characteristic(characteristic)
        if not ch.chart:
            raise InspectionError(tr("inspections", "%1 has no control chart in its plan; "
                                     "there are no limits to freeze.", ch.name))
        reason = (reason or "").strip()
        if not reason:
            raise InspectionError(tr("inspections", "Say why these limits are frozen (e.g. "
                                     "“baseline after die change”)."))
        ids = [str(i) for i in result_ids]
        if len(set(ids)) != len(ids):
            raise InspectionError(tr("inspections", "A result is listed twice in the "
                                     "baseline."))
        badge = actor.badge
        station = self._station
        plan_code = run.plan_code
        now = self._clock()

        def write() -> tuple[FrozenLimits, list[_Point]]:
            with self._sf.begin() as s:
                rows = self._baseline(s, plan_code, ch, ids)
                fields = _compute_limits(ch, rows)
                prev = self._newest_limits(s, plan_code, ch.code)
                ev = append_event(s, SpcLimitsEvent(
                    station_id=station, actor_badge=badge, recorded_at=now,
                    supersedes_id=prev.id if prev else None, plan_code=plan_code,
                    characteristic_code=ch.code, chart=ch.chart, baseline_ids=ids,
                    reason=reason, **fields))
                s.flush()
                new = _limits_of(ev)
                self._audit.record(
                    s, actor_badge=badge,
                    action="spc.limits_recalculated" if prev else "spc.limits_frozen",
                    entity="spc_limits", entity_id=f"{plan_code}/{ch.code}",
                    old=prev.as_dict() if prev else None, new=new.as_dict(), detail=reason)
                return new, self._load_history(s, plan_code, ch.code, new)

        self._pending += 1

        def done(res: tuple[FrozenLimits, list[_Point]]) -> None:
            self._pending -= 1
            new, history = res
            if self._run is run:
                run.limits[ch.code] = new
                run.history[ch.code] = history
            self.sig_limits_frozen.emit(new)
            if on_done is not None:
                on_done(new)

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            self.sig_error.emit(str(exc))

        return self._worker.submit(write, on_done=done, on_error=failed)

    @staticmethod
    def _baseline(s: Session, plan_code: str, ch: CharacteristicSpec,
                  ids: list[str]) -> list[InspectionResult]:
        keys = []
        for i in ids:
            try:
                keys.append(uuid.UUID(i))
            except ValueError:
                raise InspectionError(tr("inspections", "%1 is not a result id.", i)) from None
        rows = {r.id: r for r in s.scalars(select(InspectionResult).where(
            InspectionResult.id.in_(keys)))}
        missing = [str(k) for k in keys if k not in rows or rows[k].plan_code != plan_code
                   or rows[k].characteristic_code != ch.code]
        if missing:
            raise InspectionError(tr("inspections", "%1 baseline result(s) are not results of "
                                     "%2: %3.", len(missing), ch.name, ", ".join(missing[:3])))
        redone = set(s.scalars(select(InspectionResult.supersedes_id).where(
            InspectionResult.supersedes_id.in_(keys))))
        if redone:
            raise InspectionError(tr("inspections", "%1 baseline result(s) were re-measured; "
                                     "choose the re-measurements instead.", len(redone)))
        return sorted(rows.values(), key=lambda r: r.seq)


def _compute_limits(ch: CharacteristicSpec, rows: Sequence[InspectionResult]) -> dict[str, Any]:
    """SpcLimitsEvent columns for ``ch``'s chart from the baseline ``rows``."""
    chart = ch.chart
    values = [[float(v) for v in r.values] for r in rows]
    try:
        if chart in ("xbar_r", "xbar_s"):
            fn = spc.xbar_r if chart == "xbar_r" else spc.xbar_s
            x, second, sigma = fn(values)
        elif chart == "imr":
            x, second, sigma = spc.imr([v[0] for v in values])
        else:
            counts = [int(v[0]) if v else 0 for v in values]
            sizes = [int(r.quantity_inspected or ch.subgroup_size) for r in rows]
            if chart == "p":
                per = spc.p_chart(counts, sizes)
                x = _average_limits(per, sum(counts) / sum(sizes))
            elif chart == "u":
                per = spc.u_chart(counts, sizes)
                x = _average_limits(per, sum(counts) / sum(sizes))
            elif chart == "np":
                if any(n != ch.subgroup_size for n in sizes):
                    raise ValueError(f"an np chart needs samples of {ch.subgroup_size} parts")
                x = spc.np_chart(counts, ch.subgroup_size)
            else:
                x = spc.c_chart(counts)
            second, sigma = None, None
            if len(rows) < 2:
                raise ValueError("at least two results are needed for control limits")
    except ValueError as exc:
        raise InspectionError(tr("inspections", "These results cannot give control limits: "
                                 "%1. Choose other results.", str(exc))) from None
    return {"center": x.center, "ucl": x.ucl, "lcl": x.lcl,
            "center2": second.center if second else None,
            "ucl2": second.ucl if second else None, "lcl2": second.lcl if second else None,
            "sigma_within": sigma}


def _average_limits(per: Sequence[spc.Limits], center: float) -> spc.Limits:
    """One line for p/u charts (the stored UCL/LCL are for the average sample size; the
    station recomputes per point from the centre line)."""
    return spc.Limits(center, sum(li.ucl for li in per) / len(per),
                      sum(li.lcl for li in per) / len(per))



def register_checks(registry: PrerequisiteRegistry, service: InspectionService) -> None:
    """Register the start check ``inspections.due`` of ``service`` in ``registry``."""
    registry.register(CHECK_NAME, service.check_inspections)
