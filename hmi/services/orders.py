"""Order dispatch at the station: the queue, start/pause/resume/complete, partial quantities.

What the station shows and does (docs/orders.md):

* **The queue** (:meth:`OrderService.queue`): the operations this station may run —
  an operation whose ``station_code`` is this station, or whose ``line_code`` is the
  station's line and that names no station — of the newest released version of each
  order code, in dispatch order: running and paused first, then planned by priority
  (1 most urgent), due date (none last) and order code. Completed and aborted
  operations leave the queue. The first planned row is marked ``is_next``.
* **Actions** check ``order.start`` (all of them: start, pause, resume, complete,
  report), validate against the state in memory and raise :class:`OrderError` (or
  :class:`OrderBlocked`, or ``PermissionDenied``) with a message for the screen
  *before* anything is written. Each action is one ``WorkOrderEvent`` plus one audit
  entry in one transaction on the :class:`~hmi.services.worker.DbWorker`. The event
  counts at once for the next check (so a double tap cannot start twice), is shown
  once committed (``sig_queue_changed``) and is taken back, with ``sig_error``, if
  the write fails.
* **Start prerequisites**: starting (and resuming) runs every check of the
  :class:`~hmi.services.prerequisites.PrerequisiteRegistry`; completing runs the
  checks of :attr:`OrderService.completion_checks` (e.g. the instruction runner's
  "no open mandatory step"). The :class:`StartContext` carries these ``extra`` keys:

  ``action`` ("start", "resume" or "complete"), ``order_version``,
  ``operation_sequence``, ``operation_name``, ``recipe_code``,
  ``work_instruction_code``, ``tool_list_code``, ``inspection_plan_code``,
  ``bom_code`` (each ``str | None``), ``quantity``, ``unit``, ``line_code`` (the
  station's line), and for "complete" also ``good`` / ``scrap`` (counted so far).

Time on an order comes only from the ``recorded_at`` of its events
(:func:`project_order`): worked time is the sum of the spans from ``started`` or
``resumed`` to the next ``paused``, ``completed`` or ``aborted``, and an open span
counts up to *now*. Nothing is accumulated in memory, so a restart reloads the same
events and neither loses nor doubles time. After a crash the order is still running:
the span counts until the next event, which is what happened on the shop floor (the
machine did not stop because the panel did).

Quantities the machine counted: the ``ProductionCountEvent`` increments whose ``seq``
lies inside the order's running spans at this station (``seq`` is one sequence per
station across all event tables, so "between started and paused" is exact), plus
live increments the app passes to :meth:`OrderService.on_count` while the order
runs. Quantities the operator reports (:meth:`OrderService.report`) are kept apart
(``reported_good`` / ``reported_scrap``): a press counts its own strokes, a manual
station reports.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from hmi.services.audit import AuditWriter
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.permissions import ORDER_START, Actor, requires
from hmi.services.prerequisites import Blocker, PrerequisiteRegistry, StartContext

log = logging.getLogger(__name__)

PLANNED = "planned"
RUNNING = "running"
PAUSED = "paused"
COMPLETED = "completed"
ABORTED = "aborted"
FINAL = frozenset({COMPLETED, ABORTED})

#: Longest pause reason stored (``work_order_event.reason``).
MAX_REASON = 200


# --------------------------------------------------------------------------- errors


class OrderError(OperatorError):
    """An order action was refused; ``operator_message`` (also ``str(exc)``) is for the screen."""


class OrderBlocked(OrderError):
    """A start (resume, complete) check failed; ``blockers`` says why and what to do."""

    def __init__(self, order_code: str, blockers: Sequence[Blocker], action: str = "start") -> None:
        self.order_code = order_code
        self.blockers = list(blockers)
        self.action = action
        head = {
            "start": tr("orders", "%1 cannot start yet:", order_code),
            "resume": tr("orders", "%1 cannot resume yet:", order_code),
            "complete": tr("orders", "%1 cannot be completed yet:", order_code),
        }.get(action, tr("orders", "%1 is blocked:", order_code))
        lines = [f"• {b.reason} {b.what_to_do}".rstrip() for b in self.blockers]
        super().__init__("\n".join([head, *lines]))


# --------------------------------------------------------------------------- projection (pure)


def _new_id() -> uuid.UUID:
    from hmi.store.base import new_id  # UUIDv7 like every event id

    return new_id()


@dataclass
class OrderEvent:
    """One ``WorkOrderEvent`` as the projection needs it (``seq`` is None until stored)."""

    kind: str
    recorded_at: dt.datetime
    seq: int | None = None
    reason: str = ""
    quantity_good: float | None = None
    quantity_scrap: float | None = None
    id: uuid.UUID = field(default_factory=_new_id)
    actor_badge: str | None = None
    order_version: int | None = None
    operation_sequence: int | None = None
    quantity_planned: float | None = None


@dataclass(frozen=True)
class SeqSpan:
    """A running span by station sequence: counts with ``start < seq < end`` belong to it.

    ``end`` None: still running (or the closing event is not stored yet).
    """

    start: int
    end: int | None

    def __contains__(self, seq: int) -> bool:
        return seq > self.start and (self.end is None or seq < self.end)


@dataclass(frozen=True)
class OrderProgress:
    state: str = PLANNED
    worked_s: float = 0.0
    paused_s: float = 0.0
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    paused_at: dt.datetime | None = None
    pause_reason: str = ""
    reported_good: float = 0.0
    reported_scrap: float = 0.0
    #: Running spans by ``seq`` (only spans whose opening event is stored).
    spans: tuple[SeqSpan, ...] = ()
    last_event_at: dt.datetime | None = None


def _order_key(ev: Any) -> tuple[float, int]:
    seq = getattr(ev, "seq", None)
    return (math.inf if seq is None else float(seq), 0)


def project_order(events: Iterable[Any], now: dt.datetime) -> OrderProgress:
    """The state of one order operation at one station from its events, as at ``now``.

    ``events`` need ``kind``, ``recorded_at`` and ``seq`` (None for an event not yet
    stored: it sorts after the stored ones, in the given order), and ``reason``,
    ``quantity_good``, ``quantity_scrap``. Transitions that make no sense (a second
    ``started``, ``resumed`` while running, anything after ``completed``) are
    ignored. A span that would be negative (the clock went back) counts as 0.
    """
    evs = sorted(events, key=_order_key)  # stable: unstored events keep their order
    state = PLANNED
    worked = paused = 0.0
    started_at = completed_at = paused_at = last_at = None
    reason = ""
    good = scrap = 0.0
    spans: list[SeqSpan] = []
    span_start_at: dt.datetime | None = None
    span_start_seq: int | None = None

    def close_running(at: dt.datetime, seq: int | None) -> None:
        nonlocal worked
        assert span_start_at is not None
        worked += max(0.0, (at - span_start_at).total_seconds())
        if span_start_seq is not None:
            spans.append(SeqSpan(span_start_seq, seq))

    def open_running(at: dt.datetime, seq: int | None) -> None:
        nonlocal span_start_at, span_start_seq
        span_start_at, span_start_seq = at, seq

    for ev in evs:
        kind, at = ev.kind, ev.recorded_at
        last_at = at
        if kind == "reported":
            if state not in FINAL:
                good += float(ev.quantity_good or 0)
                scrap += float(ev.quantity_scrap or 0)
            continue
        if state in FINAL:
            log.debug("order event %s after %s ignored", kind, state)
            continue
        if kind == "started" and state == PLANNED:
            state, started_at = RUNNING, at
            open_running(at, ev.seq)
        elif kind == "paused" and state == RUNNING:
            close_running(at, ev.seq)
            state, paused_at, reason = PAUSED, at, ev.reason or ""
        elif kind == "resumed" and state == PAUSED:
            assert paused_at is not None
            paused += max(0.0, (at - paused_at).total_seconds())
            state, paused_at, reason = RUNNING, None, ""
            open_running(at, ev.seq)
        elif kind in ("completed", "aborted") and state in (RUNNING, PAUSED):
            if state == RUNNING:
                close_running(at, ev.seq)
            else:
                assert paused_at is not None
                paused += max(0.0, (at - paused_at).total_seconds())
            state = COMPLETED if kind == "completed" else ABORTED
            completed_at, paused_at, reason = at, None, ""
        elif kind == "aborted" and state == PLANNED:
            state, completed_at = ABORTED, at
        elif kind in ("released", "dispatched"):
            continue
        else:
            log.debug("order event %s in state %s ignored", kind, state)
    if state == RUNNING:
        assert span_start_at is not None
        worked += max(0.0, (now - span_start_at).total_seconds())
        if span_start_seq is not None:
            spans.append(SeqSpan(span_start_seq, None))
    elif state == PAUSED and paused_at is not None:
        paused += max(0.0, (now - paused_at).total_seconds())
    return OrderProgress(state, worked, paused, started_at, completed_at, paused_at, reason,
                         good, scrap, tuple(spans), last_at)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class OperationDef:
    """One operation of the newest order version that this station may run."""

    order_code: str
    order_version: int
    product_code: str
    product_name: str
    quantity: float
    unit: str
    due: dt.datetime | None
    priority: int
    bom_code: str | None
    customer_ref: str
    notes: str
    sequence: int
    name: str
    station_code: str | None
    line_code: str | None
    recipe_code: str | None
    work_instruction_code: str | None
    tool_list_code: str | None
    inspection_plan_code: str | None
    ideal_cycle_time_s: float | None

    @property
    def key(self) -> tuple[str, int]:
        return (self.order_code, self.sequence)


@dataclass(frozen=True)
class OrderRow:
    """One line of the station's queue."""

    code: str
    version: int
    product_code: str
    product_name: str
    quantity: float
    unit: str
    due: dt.datetime | None
    priority: int
    operation_sequence: int
    operation_name: str
    recipe_code: str | None
    instruction_code: str | None
    tool_list_code: str | None
    inspection_plan_code: str | None
    bom_code: str | None
    state: str
    #: Counted by the machine while the order ran here.
    good: int
    scrap: int
    #: Reported by operators (partial quantities).
    reported_good: float
    reported_scrap: float
    worked_s: float
    paused_s: float
    pause_reason: str
    started_at: dt.datetime | None
    is_next: bool = False
    customer_ref: str = ""
    notes: str = ""
    ideal_cycle_time_s: float | None = None


def station_operations(session: Any, station_id: str, line_code: str | None) -> list[OperationDef]:
    """The operations of the newest released version of each order that this station runs.

    An operation belongs to the station when its ``station_code`` is the station, or
    when it names no station and its ``line_code`` is the station's line.
    """
    from sqlalchemy import func, select

    from hmi.store.models import Product, WorkOrder

    newest = (select(WorkOrder.code, func.max(WorkOrder.version).label("v"))
              .where(WorkOrder.status == "released").group_by(WorkOrder.code).subquery())
    orders = session.scalars(select(WorkOrder).join(
        newest, (WorkOrder.code == newest.c.code) & (WorkOrder.version == newest.c.v))).all()
    pnew = (select(Product.code, func.max(Product.version).label("v"))
            .where(Product.status == "released").group_by(Product.code).subquery())
    products = {p.code: p for p in session.scalars(select(Product).join(
        pnew, (Product.code == pnew.c.code) & (Product.version == pnew.c.v)))}
    out: list[OperationDef] = []
    for wo in orders:
        product = products.get(wo.product_code)
        for op in wo.operations:
            mine = op.station_code == station_id or (
                op.station_code is None and line_code is not None and op.line_code == line_code)
            if not mine:
                continue
            out.append(OperationDef(
                wo.code, wo.version, wo.product_code, product.name if product else "",
                float(wo.quantity), wo.unit, wo.due_at, int(wo.priority), wo.bom_code,
                wo.customer_ref or "", wo.notes or "", int(op.sequence), op.name,
                op.station_code, op.line_code, op.recipe_code, op.work_instruction_code,
                op.tool_list_code, op.inspection_plan_code,
                op.ideal_cycle_time_s or (product.ideal_cycle_time_s if product else None),
            ))
    return out


@dataclass
class _Snapshot:
    ops: list[OperationDef]
    events: dict[tuple[str, int], list[OrderEvent]]
    counted: dict[tuple[str, int], tuple[int, int]]


# --------------------------------------------------------------------------- service


class OrderService(QObject):
    #: list[OrderRow]: the queue changed (reloaded, or an action was committed).
    sig_queue_changed = Signal(object)
    #: str: something the operator must know failed (loading, saving).
    sig_error = Signal(str)

    def __init__(self, worker: Any, session_factory: Any, station_id: str,
                 line_code: str | None, registry: PrerequisiteRegistry, audit: AuditWriter,
                 clock: Callable[[], dt.datetime] | None = None, *,
                 completion_checks: PrerequisiteRegistry | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        if not station_id:
            raise ValueError("OrderService needs the station id")
        self._worker = worker
        self._sf = session_factory
        self._station = station_id
        self._line = line_code
        self.registry = registry
        #: Checks that must pass before an order is completed (same contract as start checks).
        self.completion_checks = completion_checks or PrerequisiteRegistry()
        self._audit = audit
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._ops: dict[tuple[str, int], OperationDef] = {}
        self._events: dict[tuple[str, int], list[OrderEvent]] = {}
        self._counted: dict[tuple[str, int], list[int]] = {}
        self._live: dict[tuple[str, int], list[int]] = {}
        # While a reload runs: what happened since it was submitted (kept on arrival).
        self._live_next: dict[tuple[str, int], list[int]] | None = None
        self._since_reload: set[uuid.UUID] | None = None
        self._pending = 0
        self._ready = False
        # The running operation, cached until the events change (on_count asks per count).
        self._running_cache: tuple[str, int] | None = None
        self._running_known = False

    # ------------------------------------------------------------------ loading
    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def busy(self) -> bool:
        """True while a reload or a write is still running on the worker."""
        return self._pending > 0

    def reload(self) -> Future:
        """Load the station's orders and their events and counts (on the worker)."""
        self._pending += 1
        self._live_next = {}
        self._since_reload = set()
        return self._worker.submit(self._load, on_done=self._loaded, on_error=self._load_failed)

    def _load(self) -> _Snapshot:
        from sqlalchemy import func, select

        from hmi.store.models import ProductionCountEvent, WorkOrderEvent

        with self._sf() as s:
            ops = station_operations(s, self._station, self._line)
            codes = sorted({o.order_code for o in ops})
            events: dict[tuple[str, int], list[OrderEvent]] = {}
            seqs = {o.order_code: o.sequence for o in ops}
            if codes:
                E = WorkOrderEvent
                for row in s.scalars(select(E).where(E.station_id == self._station,
                                                     E.order_code.in_(codes)).order_by(E.seq)):
                    op_seq = row.operation_sequence
                    if op_seq is None:
                        op_seq = seqs.get(row.order_code)
                    if op_seq is None:
                        continue
                    events.setdefault((row.order_code, op_seq), []).append(OrderEvent(
                        row.kind, row.recorded_at, row.seq, row.reason or "", row.quantity_good,
                        row.quantity_scrap, row.id, row.actor_badge, row.order_version,
                        row.operation_sequence, row.quantity_planned))
            now = self._clock()
            counted: dict[tuple[str, int], tuple[int, int]] = {}
            P = ProductionCountEvent
            for key, evs in events.items():
                good = scrap = 0
                for span in project_order(evs, now).spans:
                    q = select(func.coalesce(func.sum(P.good_increment), 0),
                               func.coalesce(func.sum(P.scrap_increment), 0)).where(
                        P.station_id == self._station, P.seq > span.start)
                    if span.end is not None:
                        q = q.where(P.seq < span.end)
                    g, sc = s.execute(q).one()
                    good += int(g)
                    scrap += int(sc)
                counted[key] = (good, scrap)
        return _Snapshot(ops, events, counted)

    def _loaded(self, snap: _Snapshot) -> None:
        self._pending -= 1
        since = self._since_reload or set()
        stored = {e.id for evs in snap.events.values() for e in evs}
        events = {k: list(v) for k, v in snap.events.items()}
        # Actions taken while the reload ran that it did not see yet stay.
        for key, evs in self._events.items():
            for ev in evs:
                if ev.id in since and ev.id not in stored:
                    events.setdefault(key, []).append(ev)
        self._ops = {o.key: o for o in snap.ops}
        self._events = events
        self._running_known = False
        self._counted = {k: list(v) for k, v in snap.counted.items()}
        self._live = self._live_next or {}
        self._live_next = None
        self._since_reload = None
        self._ready = True
        self._emit()

    def _load_failed(self, exc: BaseException) -> None:
        self._pending -= 1
        self._live_next = None
        self._since_reload = None
        log.error("orders could not be loaded", exc_info=exc)
        self.sig_error.emit(tr("orders", "The orders could not be loaded from the station "
                               "database (%1). Tell maintenance.", exc))

    # ------------------------------------------------------------------ live counts
    def on_count(self, good: int, scrap: int) -> None:
        """Parts the machine counted just now (the app calls this for every count).

        They count for the order running at this station, if any; the same parts are
        recorded as ``ProductionCountEvent`` and found again by a reload.
        """
        key = self._running_key()
        if key is None or (good <= 0 and scrap <= 0):
            return
        for target in (self._live, self._live_next):
            if target is not None:
                cur = target.setdefault(key, [0, 0])
                cur[0] += max(0, int(good))
                cur[1] += max(0, int(scrap))

    # ------------------------------------------------------------------ queries
    def progress(self, code: str, operation_sequence: int | None = None) -> OrderProgress:
        op = self._op(code, operation_sequence)
        return project_order(self._events.get(op.key, ()), self._clock())

    def counted(self, code: str, operation_sequence: int | None = None) -> tuple[int, int]:
        """(good, scrap) the machine counted for the order at this station."""
        op = self._op(code, operation_sequence)
        return self._count(op.key)

    def _count(self, key: tuple[str, int]) -> tuple[int, int]:
        base = self._counted.get(key, [0, 0])
        live = self._live.get(key, [0, 0])
        return base[0] + live[0], base[1] + live[1]

    def _rows(self) -> list[OrderRow]:
        now = self._clock()
        rows = []
        for key, op in self._ops.items():
            prog = project_order(self._events.get(key, ()), now)
            good, scrap = self._count(key)
            rows.append(OrderRow(
                op.order_code, op.order_version, op.product_code, op.product_name, op.quantity,
                op.unit, op.due, op.priority, op.sequence, op.name, op.recipe_code,
                op.work_instruction_code, op.tool_list_code, op.inspection_plan_code,
                op.bom_code, prog.state, good, scrap, prog.reported_good, prog.reported_scrap,
                prog.worked_s, prog.paused_s, prog.pause_reason, prog.started_at,
                customer_ref=op.customer_ref, notes=op.notes,
                ideal_cycle_time_s=op.ideal_cycle_time_s,
            ))
        return rows

    def queue(self) -> list[OrderRow]:
        """The station's open orders in dispatch order; the first planned one ``is_next``."""
        far = dt.datetime.max.replace(tzinfo=dt.UTC)

        def order(r: OrderRow) -> tuple:
            state_rank = {RUNNING: 0, PAUSED: 1}.get(r.state, 2)
            return (state_rank, r.priority, r.due or far, r.code, r.operation_sequence)

        rows = sorted((r for r in self._rows() if r.state not in FINAL), key=order)
        for i, r in enumerate(rows):
            if r.state == PLANNED:
                rows[i] = replace(r, is_next=True)
                break
        return rows

    def all_rows(self) -> list[OrderRow]:
        """Every operation of the station, completed and aborted ones included (by code)."""
        return sorted(self._rows(), key=lambda r: (r.code, r.operation_sequence))

    def active(self) -> OrderRow | None:
        """The running order; else the most recently paused one; else None."""
        rows = self.queue()
        running = [r for r in rows if r.state == RUNNING]
        if running:
            return running[0]
        paused = [r for r in rows if r.state == PAUSED]
        if not paused:
            return None
        return max(paused, key=lambda r: self.progress(r.code, r.operation_sequence).paused_at
                   or dt.datetime.min.replace(tzinfo=dt.UTC))

    def running_operation(self) -> tuple[str, int] | None:
        """(order code, operation sequence) of the order running now, or None."""
        return self._running_key()

    def _running_key(self) -> tuple[str, int] | None:
        if not self._running_known:
            now = self._clock()
            self._running_cache = next(
                (key for key, evs in self._events.items()
                 if key in self._ops and project_order(evs, now).state == RUNNING), None)
            self._running_known = True
        return self._running_cache

    def _op(self, code: str, operation_sequence: int | None = None) -> OperationDef:
        """The station's operation of order ``code``: the given one, else the one running or
        paused, else the first that is not finished (by sequence)."""
        code = (code or "").strip()
        ops = sorted((o for o in self._ops.values() if o.order_code == code),
                     key=lambda o: o.sequence)
        if operation_sequence is not None:
            ops = [o for o in ops if o.sequence == operation_sequence]
        if not ops:
            raise OrderError(tr("orders", "Order %1 is not in this station's queue. Check the "
                                "order number, or reload the orders if it was just released.",
                                code or "''"))
        now = self._clock()
        states = {o.key: project_order(self._events.get(o.key, ()), now).state for o in ops}
        for wanted in ((RUNNING, PAUSED), (PLANNED,)):
            for o in ops:
                if states[o.key] in wanted:
                    return o
        return ops[-1]

    # ------------------------------------------------------------------ checks
    def _context(self, actor: Actor | None, op: OperationDef, action: str) -> StartContext:
        extra: dict[str, Any] = {
            "action": action,
            "order_version": op.order_version,
            "operation_sequence": op.sequence,
            "operation_name": op.name,
            "recipe_code": op.recipe_code,
            "work_instruction_code": op.work_instruction_code,
            "tool_list_code": op.tool_list_code,
            "inspection_plan_code": op.inspection_plan_code,
            "bom_code": op.bom_code,
            "quantity": op.quantity,
            "unit": op.unit,
            "line_code": self._line,
        }
        if action == "complete":
            extra["good"], extra["scrap"] = self._count(op.key)
        return StartContext(self._station, op.order_code, op.product_code, actor, extra)

    def check_start(self, actor: Actor | None, code: str,
                    operation_sequence: int | None = None) -> list[Blocker]:
        """Every registered start check's blocker for ``code`` (empty: it may start)."""
        op = self._op(code, operation_sequence)
        return self.registry.evaluate(self._context(actor, op, "start"))

    def check_complete(self, actor: Actor | None, code: str,
                       operation_sequence: int | None = None) -> list[Blocker]:
        op = self._op(code, operation_sequence)
        return self.completion_checks.evaluate(self._context(actor, op, "complete"))

    def _refuse_final(self, op: OperationDef, state: str) -> None:
        if state == COMPLETED:
            raise OrderError(tr("orders", "Order %1 is completed; it cannot be changed or "
                                "started again. Ask the planner for a new order.", op.order_code))
        if state == ABORTED:
            raise OrderError(tr("orders", "Order %1 was aborted; it cannot be changed or started "
                                "again. Ask the planner for a new order.", op.order_code))

    def _other_running(self, op: OperationDef) -> None:
        key = self._running_key()
        if key is not None and key != op.key:
            raise OrderError(tr("orders", "Order %1 is running at this station. Pause or "
                                "complete it before you start %2.", key[0], op.order_code))

    # ------------------------------------------------------------------ actions
    @requires(ORDER_START)
    def start(self, actor: Actor, code: str, operation_sequence: int | None = None) -> Future:
        """Start a planned order (only one order runs at a station at a time)."""
        op = self._op(code, operation_sequence)
        state = self.progress(op.order_code, op.sequence).state
        self._refuse_final(op, state)
        if state == RUNNING:
            raise OrderError(tr("orders", "Order %1 is already running.", op.order_code))
        if state == PAUSED:
            raise OrderError(tr("orders", "Order %1 is paused. Resume it instead of starting "
                                "it again.", op.order_code))
        self._other_running(op)
        blockers = self.registry.evaluate(self._context(actor, op, "start"))
        if blockers:
            raise OrderBlocked(op.order_code, blockers, "start")
        return self._act(actor, op, "started", "order.start",
                         quantity_planned=op.quantity)

    @requires(ORDER_START)
    def pause(self, actor: Actor, code: str, reason: str,
              operation_sequence: int | None = None) -> Future:
        """Pause the running order; the reason is required (shown in the queue)."""
        op = self._op(code, operation_sequence)
        state = self.progress(op.order_code, op.sequence).state
        self._refuse_final(op, state)
        reason = " ".join((reason or "").split())
        if not reason:
            raise OrderError(tr("orders", "Say why order %1 is paused: choose or type a "
                                "reason, then pause again.", op.order_code))
        if len(reason) > MAX_REASON:
            raise OrderError(tr("orders", "The pause reason is too long (%1 characters; at most "
                                "%2). Shorten it.", len(reason), MAX_REASON))
        if state != RUNNING:
            raise OrderError(tr("orders", "Order %1 is not running (it is %2), so it cannot be "
                                "paused.", op.order_code, state))
        return self._act(actor, op, "paused", "order.pause", reason=reason)

    @requires(ORDER_START)
    def resume(self, actor: Actor, code: str, operation_sequence: int | None = None) -> Future:
        """Resume a paused order; the start checks run again (e.g. a worn-out tool blocks)."""
        op = self._op(code, operation_sequence)
        state = self.progress(op.order_code, op.sequence).state
        self._refuse_final(op, state)
        if state != PAUSED:
            raise OrderError(tr("orders", "Order %1 is not paused (it is %2), so it cannot be "
                                "resumed.", op.order_code, state))
        self._other_running(op)
        blockers = self.registry.evaluate(self._context(actor, op, "resume"))
        if blockers:
            raise OrderBlocked(op.order_code, blockers, "resume")
        return self._act(actor, op, "resumed", "order.resume")

    @requires(ORDER_START)
    def complete(self, actor: Actor, code: str, operation_sequence: int | None = None) -> Future:
        """Complete a running or paused order, unless a completion check blocks it."""
        op = self._op(code, operation_sequence)
        state = self.progress(op.order_code, op.sequence).state
        self._refuse_final(op, state)
        if state == PLANNED:
            raise OrderError(tr("orders", "Order %1 has not been started; start it before you "
                                "complete it.", op.order_code))
        blockers = self.completion_checks.evaluate(self._context(actor, op, "complete"))
        if blockers:
            raise OrderBlocked(op.order_code, blockers, "complete")
        good, scrap = self._count(op.key)
        return self._act(actor, op, "completed", "order.complete",
                         quantity_good=float(good), quantity_scrap=float(scrap))

    @requires(ORDER_START)
    def report(self, actor: Actor, code: str, good: int, scrap: int,
               operation_sequence: int | None = None) -> Future:
        """Report a partial quantity (good and scrap parts) for a started order."""
        op = self._op(code, operation_sequence)
        for label, value in (("good", good), ("scrap", scrap)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise OrderError(tr("orders", "The %1 quantity must be a whole number of parts "
                                    "(got %2). Enter it again.", label, value))
            if value < 0:
                raise OrderError(tr("orders", "The %1 quantity cannot be negative (got %2). "
                                    "Enter the parts made since the last report.", label, value))
        if good == 0 and scrap == 0:
            raise OrderError(tr("orders", "Enter at least one good or scrap part to report."))
        state = self.progress(op.order_code, op.sequence).state
        self._refuse_final(op, state)
        if state == PLANNED:
            raise OrderError(tr("orders", "Order %1 has not been started; start it before you "
                                "report quantities.", op.order_code))
        return self._act(actor, op, "reported", "order.report",
                         quantity_good=float(good), quantity_scrap=float(scrap))

    # ------------------------------------------------------------------ writing
    def _act(self, actor: Actor, op: OperationDef, kind: str, action: str, *,
             reason: str = "", quantity_planned: float | None = None,
             quantity_good: float | None = None, quantity_scrap: float | None = None) -> Future:
        ev = OrderEvent(kind, self._clock(), None, reason, quantity_good, quantity_scrap,
                        actor_badge=actor.badge, order_version=op.order_version,
                        operation_sequence=op.sequence, quantity_planned=quantity_planned)
        new: dict[str, Any] = {"kind": kind, "order_version": op.order_version,
                               "operation_sequence": op.sequence}
        if reason:
            new["reason"] = reason
        if quantity_good is not None or quantity_scrap is not None:
            new["good"], new["scrap"] = quantity_good, quantity_scrap
        audit = {"actor_badge": actor.badge, "action": action, "entity": "work_order",
                 "entity_id": op.order_code, "new": new,
                 "detail": f"{op.order_code} op {op.sequence} {kind}"
                           + (f": {reason}" if reason else "")}
        key = op.key
        self._events.setdefault(key, []).append(ev)
        self._running_known = False
        if self._since_reload is not None:
            self._since_reload.add(ev.id)
        self._pending += 1

        def done(seq: int) -> None:
            self._pending -= 1
            ev.seq = seq
            log.info("order %s op %s %s by %s", op.order_code, op.sequence, kind, actor.badge)
            self._emit()

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            evs = self._events.get(key, [])
            self._events[key] = [e for e in evs if e.id != ev.id]
            self._running_known = False
            log.error("order event could not be saved", exc_info=exc)
            self._emit()
            self.sig_error.emit(tr("orders", "Order %1 was not %2: saving failed (%3). Try "
                                   "again; if it fails again, tell maintenance.",
                                   op.order_code, kind, exc))

        return self._worker.submit(self._store, op.order_code, ev, audit,
                                   on_done=done, on_error=failed)

    def _store(self, order_code: str, ev: OrderEvent, audit: dict[str, Any]) -> int:
        from hmi.store.events import append_event
        from hmi.store.models import WorkOrderEvent

        with self._sf.begin() as s:
            row = append_event(s, WorkOrderEvent(
                id=ev.id, station_id=self._station, recorded_at=ev.recorded_at,
                actor_badge=ev.actor_badge, order_code=order_code,
                order_version=ev.order_version, operation_sequence=ev.operation_sequence,
                kind=ev.kind, reason=ev.reason, quantity_planned=ev.quantity_planned,
                quantity_good=ev.quantity_good, quantity_scrap=ev.quantity_scrap))
            self._audit.record(s, **audit)
            return int(row.seq)

    def _emit(self) -> None:
        self.sig_queue_changed.emit(self.queue())
