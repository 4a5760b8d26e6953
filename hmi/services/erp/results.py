"""Production results per order, projected from a station's events.

The projection (:func:`project_results`) is pure: it takes the station's
``work_order_event`` rows, its ``production_count_event`` rows and the order
definitions, and returns one :class:`OrderResult` per order. It never reads
the database, so the panel, the export and the central side get the same
numbers from the same events. :func:`order_results` loads the events and calls it.

Rules (docs/orders-erp.md):

* events are grouped per order and operation (``operation_sequence``);
* an operation *runs* from a ``started``/``resumed`` event to the next
  ``paused``/``completed``/``aborted`` event of it (still running: to now);
* quantities are the sums of the ``reported`` events' ``quantity_good`` /
  ``quantity_scrap``; an operation with no report takes the machine counts:
  ``production_count_event`` rows whose station ``seq`` lies inside its running
  spans (``seq`` is one sequence per station across all event tables);
* the order's good quantity is its last operation's good quantity (what left
  the routing); its scrap is the sum over all operations.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

# B2MML state names (RequestState/ResponseState/SegmentState).
WAITING = "Waiting"
RUNNING = "Running"
HELD = "Held"
COMPLETED = "Completed"
ABORTED = "Aborted"

_OPENS = {"started", "resumed"}
_CLOSES = {"paused", "completed", "aborted"}
_STATE_OF = {"released": WAITING, "dispatched": WAITING, "started": RUNNING,
             "resumed": RUNNING, "paused": HELD, "completed": COMPLETED, "aborted": ABORTED}


@dataclass(frozen=True)
class SegmentResult:
    """What one operation of an order produced at the station."""

    operation_sequence: int | None
    operation_name: str
    state: str  # Waiting, Running, Held, Completed, Aborted
    started_at: dt.datetime | None
    ended_at: dt.datetime | None  # set once completed or aborted
    good: float
    scrap: float
    quantity_source: str  # "reported", "counted" or "none"


@dataclass(frozen=True)
class OrderResult:
    """Production result of one order at one station."""

    order_code: str
    order_version: int
    station_id: str
    product_code: str | None
    unit: str
    quantity_planned: float | None
    state: str
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    good: float
    scrap: float
    segments: tuple[SegmentResult, ...]


def _spans(events: Sequence[Any]) -> list[tuple[int, float]]:
    spans: list[tuple[int, float]] = []
    open_at: int | None = None
    for ev in events:
        if ev.kind in _OPENS and open_at is None:
            open_at = ev.seq
        elif ev.kind in _CLOSES and open_at is not None:
            spans.append((open_at, ev.seq))
            open_at = None
    if open_at is not None:
        spans.append((open_at, float("inf")))
    return spans


def _order_state(states: list[str]) -> str:
    for state in (RUNNING, HELD, WAITING):
        if state in states:
            return state
    return ABORTED if all(s == ABORTED for s in states) else COMPLETED


def project_results(
    order_events: Iterable[Any],
    count_events: Iterable[Any],
    orders: Mapping[tuple[str, int], Any] | None = None,
    *,
    station_id: str = "",
) -> list[OrderResult]:
    """Per-order results from one station's events (pure; see the module docstring).

    ``order_events``: objects with ``order_code, order_version, operation_sequence,
    kind, seq, recorded_at, quantity_good, quantity_scrap, quantity_planned``;
    ``count_events``: objects with ``seq, good_increment, scrap_increment``;
    ``orders``: ``{(code, version): WorkOrder}`` for product, unit, planned quantity
    and operation names (missing entries leave those empty).
    """
    orders = orders or {}
    counts = sorted(count_events, key=lambda c: c.seq)
    seqs = [c.seq for c in counts]
    good_sum = [0.0]
    scrap_sum = [0.0]
    for c in counts:
        good_sum.append(good_sum[-1] + (c.good_increment or 0))
        scrap_sum.append(scrap_sum[-1] + (c.scrap_increment or 0))

    def counted(spans: list[tuple[int, float]]) -> tuple[float, float]:
        good = scrap = 0.0
        for start, end in spans:
            lo = bisect.bisect_right(seqs, start)
            hi = bisect.bisect_left(seqs, end) if end != float("inf") else len(seqs)
            good += good_sum[hi] - good_sum[lo]
            scrap += scrap_sum[hi] - scrap_sum[lo]
        return good, scrap

    by_order: dict[str, dict[int | None, list[Any]]] = {}
    for ev in sorted(order_events, key=lambda e: e.seq):
        by_order.setdefault(ev.order_code, {}).setdefault(ev.operation_sequence, []).append(ev)

    results: list[OrderResult] = []
    for code, by_op in by_order.items():
        all_events = [e for evs in by_op.values() for e in evs]
        version = max(e.order_version for e in all_events)
        wo = orders.get((code, version))
        op_names = {op.sequence: op.name for op in getattr(wo, "operations", [])}
        segments: list[SegmentResult] = []
        for op_seq in sorted(by_op, key=lambda s: (s is not None, s or 0)):
            events = by_op[op_seq]
            lifecycle = [e for e in events if e.kind in _STATE_OF]
            state = _STATE_OF[lifecycle[-1].kind] if lifecycle else WAITING
            starts = [e.recorded_at for e in events if e.kind in _OPENS]
            ends = [e.recorded_at for e in events if e.kind in ("completed", "aborted")]
            reports = [e for e in events if e.kind == "reported"]
            if reports:
                good = float(sum(e.quantity_good or 0 for e in reports))
                scrap = float(sum(e.quantity_scrap or 0 for e in reports))
                source = "reported"
            else:
                spans = _spans(events)
                good, scrap = counted(spans)
                source = "counted" if spans else "none"
            segments.append(SegmentResult(
                operation_sequence=op_seq,
                operation_name=op_names.get(op_seq, "") if op_seq is not None else "",
                state=state,
                started_at=min(starts) if starts else None,
                ended_at=max(ends) if ends and state in (COMPLETED, ABORTED) else None,
                good=good, scrap=scrap, quantity_source=source,
            ))
        planned = getattr(wo, "quantity", None)
        if planned is None:
            planned = next((e.quantity_planned for e in all_events
                            if e.quantity_planned is not None), None)
        state = _order_state([s.state for s in segments])
        starts = [s.started_at for s in segments if s.started_at is not None]
        ends = [s.ended_at for s in segments]
        results.append(OrderResult(
            order_code=code, order_version=version,
            station_id=station_id or all_events[0].station_id,
            product_code=getattr(wo, "product_code", None),
            unit=getattr(wo, "unit", None) or "pcs",
            quantity_planned=planned, state=state,
            started_at=min(starts) if starts else None,
            ended_at=max(ends) if ends and None not in ends else None,  # type: ignore[type-var]
            good=segments[-1].good, scrap=sum(s.scrap for s in segments),
            segments=tuple(segments),
        ))
    return results


def order_results(
    session: Session, station_id: str, order_codes: Iterable[str] | None = None
) -> list[OrderResult]:
    """Results of the orders worked at ``station_id`` (all, or only ``order_codes``)."""
    from hmi.store import models as m

    query = select(m.WorkOrderEvent).where(m.WorkOrderEvent.station_id == station_id)
    codes = list(order_codes) if order_codes is not None else None
    if codes is not None:
        query = query.where(m.WorkOrderEvent.order_code.in_(codes))
    events = session.scalars(query.order_by(m.WorkOrderEvent.seq)).all()
    if not events:
        return []
    first = min(e.seq for e in events if e.kind in _OPENS) if any(
        e.kind in _OPENS for e in events) else None
    counts: Sequence[Any] = []
    if first is not None:
        counts = session.scalars(
            select(m.ProductionCountEvent)
            .where(m.ProductionCountEvent.station_id == station_id,
                   m.ProductionCountEvent.seq > first)
            .order_by(m.ProductionCountEvent.seq)
        ).all()
    keys = {(e.order_code, e.order_version) for e in events}
    rows = session.scalars(
        select(m.WorkOrder).where(m.WorkOrder.code.in_({k[0] for k in keys}))
    ).all()
    orders = {(w.code, w.version): w for w in rows if (w.code, w.version) in keys}
    results = project_results(events, counts, orders, station_id=station_id)
    if codes is not None:
        rank = {c: i for i, c in enumerate(codes)}
        results.sort(key=lambda r: rank.get(r.order_code, len(rank)))
    return results
