"""Genealogy: backward and forward traces, and the recall report.

The genealogy graph is exactly the :class:`~hmi.store.models.GenealogyLink` rows: a
*parent* (a produced serial unit or lot) contains a *child* (a consumed lot or unit).
Multi-level traces chain through identifiers: a lot made at one step is a parent there
and a child wherever it is consumed. The functions here are Qt-free apart from
``tr`` (QtCore), take an open SQLAlchemy ``Session`` and only read; the station runs
them on its DB worker, and the central database runs the same functions over all
stations (``central=True``). They work on SQLite and PostgreSQL (recursive CTEs in
SQLAlchemy Core; docs/genealogy.md).

Public API
----------

``backward(session, identifier, kind=None, *, max_depth=32, max_edges=20_000, central=False) -> TraceTree``
    A unit or lot → everything that went into it, recursively, as a tree with the
    quantities, materials and lot facts (supplier, expiry), and for the root its
    :class:`BirthRecord` (order, station, product, time, operators, recipe version,
    process snapshot, inspections, holds and dispositions). ``kind`` ``"serial"`` or
    ``"lot"``; ``None`` finds it (:class:`TraceError` when unknown or ambiguous).
``forward(session, lot, page=0, page_size=100, *, kind="lot", central=False) -> ForwardResult``
    A lot (or a unit) → every lot and unit it reached, recursively: the total counts
    and one page of :class:`ReachedItem` (order, date, station, disposition, holds,
    what it went into next), lots first, then units, each by identifier.
``recall_report(session, lot, *, kind="lot", central=False) -> Recall``
    The whole forward set with the orders it touches, for :func:`write_csv` /
    :func:`write_pdf`.
``write_csv(recall, path, *, tz=UTC)`` / ``write_pdf(recall, path, *, tz=UTC)``
    The recall report as CSV (UTF-8 with BOM, ``#`` preamble lines, one row per
    affected unit or lot) and as PDF (fpdf2).

Guards: the backward tree follows each path until an identifier repeats on it
(:attr:`TraceNode.cycle`, listed in :attr:`TraceTree.cycles`), stops below
``max_depth`` levels and after ``max_edges`` links (:attr:`TraceTree.truncated` with
the reason). The forward trace is a set: every link is visited at most once, so a
cycle cannot make it loop, and nothing is cut off.

Scope: a station's store knows its own links and lots; a lot made at another station
ends the trace (:attr:`TraceNode.made_elsewhere`) and :attr:`TraceTree.scope` /
:attr:`ForwardResult.scope` say so.

Corrections: a link, produced unit or inspection result named by another row's
``supersedes_id`` is replaced by that row. For links the correction must name the same
parent (the forward query looks for it under the parent, with the parent index).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    Text,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.store.models import (
    DispositionEvent,
    GenealogyLink,
    HoldEvent,
    InspectionResult,
    MaterialLot,
    ProcessSnapshotEvent,
    ProducedUnit,
    RecipeDownloadEvent,
    WorkOrderEvent,
)
from hmi.store.security import UserAccount

CTX = "genealogy"
KINDS = ("serial", "lot")
#: Separates node keys in the path of the backward CTE (never part of a scanned code).
SEP = "\x1f"
DEFAULT_MAX_DEPTH = 32
DEFAULT_MAX_EDGES = 20_000
#: Identifiers per ``IN (...)`` list (well below SQLite's variable limit).
CHUNK = 900

__all__ = [
    "BirthRecord",
    "DispositionFact",
    "ForwardResult",
    "HoldFact",
    "InspectionFact",
    "LotFacts",
    "Operator",
    "OrderSummary",
    "ProducedFacts",
    "ReachedItem",
    "Recall",
    "RecipeFact",
    "SnapshotFact",
    "TraceError",
    "TraceNode",
    "TraceTree",
    "backward",
    "forward",
    "recall_report",
    "resolve_kind",
    "write_csv",
    "write_pdf",
]


class TraceError(OperatorError):
    """A trace cannot be answered (unknown or ambiguous code); the message is for the screen."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class LotFacts:
    """What the store knows about a lot (its :class:`MaterialLot` rows, merged)."""

    lot_code: str
    material_code: str
    origin: str
    quantity: float
    unit: str
    supplier: str | None
    supplier_lot: str | None
    expires_at: dt.datetime | None
    station_id: str
    recorded_at: dt.datetime
    order_code: str | None
    parent_lot_code: str | None


@dataclass(frozen=True)
class ProducedFacts:
    """A :class:`ProducedUnit` row (the newest, uncorrected one for the identifier)."""

    kind: str
    identifier: str
    product_code: str
    product_version: int | None
    order_code: str | None
    order_version: int | None
    station_id: str
    recorded_at: dt.datetime
    quantity: float
    unit: str
    disposition: str
    scrap_reason: str | None
    actor_badge: str | None


@dataclass(frozen=True)
class HoldFact:
    """One hold (placed, maybe released) on a lot, serial or order."""

    hold_id: Any
    subject_kind: str
    subject_identifier: str
    reason: str
    order_code: str | None
    placed_at: dt.datetime
    placed_by: str | None
    released_at: dt.datetime | None = None
    released_by: str | None = None

    @property
    def open(self) -> bool:
        return self.released_at is None


@dataclass(frozen=True)
class DispositionFact:
    subject_kind: str
    subject_identifier: str
    disposition: str
    quantity: int
    defect_code: str | None
    comment: str
    order_code: str | None
    recorded_at: dt.datetime
    actor_badge: str | None


@dataclass(frozen=True)
class InspectionFact:
    plan_code: str
    plan_version: int
    characteristic_code: str
    values: tuple[Any, ...]
    passed: bool
    defect_code: str | None
    unit_serial: str | None
    recorded_at: dt.datetime
    actor_badge: str | None


@dataclass(frozen=True)
class RecipeFact:
    recipe_code: str
    recipe_version: int
    result: str
    equipment_code: str | None
    recorded_at: dt.datetime


@dataclass(frozen=True)
class SnapshotFact:
    equipment_code: str
    values: dict[str, Any]
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Operator:
    badge: str
    name: str | None


@dataclass(frozen=True)
class BirthRecord:
    """How the traced unit or lot was made: order, station, people, recipe, measurements."""

    produced: ProducedFacts
    operators: tuple[Operator, ...]
    recipe: RecipeFact | None
    snapshot: SnapshotFact | None
    inspections: tuple[InspectionFact, ...]
    #: ``"unit"`` (results naming this serial), ``"order"`` (the order's results) or ``None``.
    inspections_of: str | None
    holds: tuple[HoldFact, ...]
    dispositions: tuple[DispositionFact, ...]

    @property
    def defect_codes(self) -> tuple[str, ...]:
        codes = [self.produced.scrap_reason] + [d.defect_code for d in self.dispositions]
        codes += [i.defect_code for i in self.inspections if not i.passed]
        return tuple(dict.fromkeys(c for c in codes if c))


@dataclass(frozen=True)
class TraceNode:
    """A unit or lot in a backward tree; ``children`` went into it."""

    kind: str
    identifier: str
    material_code: str | None
    #: Quantity of this node consumed into its parent (``None`` for the root).
    quantity: float | None
    #: Order, station and time of the link into the parent.
    order_code: str | None
    station_id: str | None
    linked_at: dt.datetime | None
    depth: int
    lot: LotFacts | None = None
    produced: ProducedFacts | None = None
    holds: tuple[HoldFact, ...] = ()
    dispositions: tuple[DispositionFact, ...] = ()
    children: tuple[TraceNode, ...] = ()
    #: The identifier is already an ancestor on this path: not followed again.
    cycle: bool = False
    #: It has contents below ``max_depth``: not followed.
    truncated: bool = False
    #: A lot made at another station: its contents are not known here.
    made_elsewhere: bool = False

    def walk(self) -> Iterator[TraceNode]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class TraceTree:
    root: TraceNode
    #: ``None`` when the root was not produced in this store (a received lot).
    birth: BirthRecord | None
    scope: str
    truncated: bool
    #: Why (empty when complete).
    truncation: str
    #: Identifiers where a path came back to one of its ancestors.
    cycles: tuple[str, ...]
    stations: tuple[str, ...]


@dataclass(frozen=True)
class ReachedItem:
    """A lot or unit a forward trace reached."""

    kind: str
    identifier: str
    #: The lot or unit through which it was reached (one of them, when several).
    via: str
    product_code: str | None = None
    order_code: str | None = None
    station_id: str | None = None
    produced_at: dt.datetime | None = None
    quantity: float | None = None
    unit: str | None = None
    #: ``good``/``scrap``/``rework`` as produced, or the newest signed disposition.
    disposition: str | None = None
    scrap_reason: str | None = None
    defect_code: str | None = None
    on_hold: bool = False
    #: Lots/units it went into next, where this store knows (empty: not known here).
    went_into: tuple[str, ...] = ()


@dataclass(frozen=True)
class ForwardResult:
    kind: str
    identifier: str
    lot: LotFacts | None
    total: int
    total_units: int
    total_lots: int
    page: int
    page_size: int
    items: tuple[ReachedItem, ...]
    scope: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size)) if self.page_size else 1


@dataclass(frozen=True)
class OrderSummary:
    order_code: str | None
    product_code: str | None
    units: int
    lots: int
    scrapped: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    stations: tuple[str, ...]


@dataclass(frozen=True)
class Recall:
    kind: str
    identifier: str
    lot: LotFacts | None
    generated_at: dt.datetime
    scope: str
    items: tuple[ReachedItem, ...]
    orders: tuple[OrderSummary, ...]
    total_units: int = field(default=0)
    total_lots: int = field(default=0)


# --------------------------------------------------------------------------- helpers


def _tables():
    return (GenealogyLink.__table__, ProducedUnit.__table__, MaterialLot.__table__)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _position(session: Session, haystack, needle):
    """1-based position of ``needle`` in ``haystack`` (0: absent) — instr / strpos."""
    if _dialect(session) == "postgresql":
        return func.strpos(haystack, needle)
    return func.instr(haystack, needle)


def _text(value: str):
    return cast(literal(value, Text), Text)


def _chunks(session: Session, values: Iterable[Any], n: int = CHUNK) -> Iterator[list[Any]]:
    """``values`` in lists small enough for one ``IN`` (SQLite's variable limit)."""
    values = list(values)
    n = 50_000 if _dialect(session) == "postgresql" else n
    for i in range(0, len(values), n):
        yield values[i:i + n]


def _in(session: Session, col, values: Sequence[Any]):
    """``col IN values``; on PostgreSQL ``col = ANY(:array)``: one parameter instead of
    hundreds (psycopg parses every placeholder on the client, ~15 ms for 900)."""
    if _dialect(session) == "postgresql":
        return col == any_(bindparam(None, list(values), type_=ARRAY(col.type)))
    return col.in_(values)


def _uncorrected(rows: Iterable[Any]) -> list[Any]:
    """Rows not named by another row's ``supersedes_id``."""
    rows = list(rows)
    replaced = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    return [r for r in rows if r.id not in replaced]


def _key(kind: str, identifier: str) -> str:
    return f"{kind}:{identifier}"


def _scope(stations: Iterable[str], central: bool, elsewhere: int = 0) -> str:
    names = ", ".join(sorted(set(stations))) or "—"
    if central:
        return tr(CTX, "All stations in this database (%1).", names)
    text = tr(CTX, "This station only (%1): lots made at other stations are not followed; "
                   "the central database traces across stations.", names)
    if elsewhere:
        text += " " + tr(CTX, "%1 lot(s) here were made elsewhere; their contents are "
                              "not known at this station.", elsewhere)
    return text


# --------------------------------------------------------------------------- fact loaders


def _lot_facts(session: Session, codes: Sequence[str]) -> dict[str, LotFacts]:
    ml = MaterialLot.__table__
    by_code: dict[str, list[Any]] = defaultdict(list)
    for chunk in _chunks(session, sorted(set(codes))):
        for r in session.execute(select(ml).where(_in(session, ml.c.lot_code, chunk))):
            by_code[r.lot_code].append(r)
    out: dict[str, LotFacts] = {}
    for code, rows in by_code.items():
        rows = sorted(_uncorrected(rows), key=lambda r: (r.recorded_at, r.station_id, r.seq))
        if not rows:
            continue
        first = rows[0]

        def newest(attr: str, rows=rows):
            return next((getattr(r, attr) for r in reversed(rows)
                         if getattr(r, attr) is not None), None)

        out[code] = LotFacts(
            lot_code=code, material_code=first.material_code, origin=first.origin,
            quantity=first.quantity, unit=first.unit, supplier=newest("supplier"),
            supplier_lot=newest("supplier_lot"), expires_at=newest("expires_at"),
            station_id=first.station_id, recorded_at=first.recorded_at,
            order_code=newest("order_code"), parent_lot_code=newest("parent_lot_code"))
    return out


def _produced(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], ProducedFacts]:
    pu = ProducedUnit.__table__
    wanted = set(keys)
    rows: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for chunk in _chunks(session, sorted({i for _, i in wanted})):
        for r in session.execute(select(pu).where(_in(session, pu.c.identifier, chunk))):
            if (r.kind, r.identifier) in wanted:
                rows[(r.kind, r.identifier)].append(r)
    out = {}
    for k, rs in rows.items():
        rs = _uncorrected(rs)
        if not rs:
            continue
        r = max(rs, key=lambda r: (r.recorded_at, r.seq))
        out[k] = ProducedFacts(
            kind=r.kind, identifier=r.identifier, product_code=r.product_code,
            product_version=r.product_version, order_code=r.order_code,
            order_version=r.order_version, station_id=r.station_id, recorded_at=r.recorded_at,
            quantity=r.quantity, unit=r.unit, disposition=r.disposition,
            scrap_reason=r.scrap_reason, actor_badge=r.actor_badge)
    return out


def _touching(r: Any, subjects: set[tuple[str, str]], orders: set[str]) -> bool:
    """A hold or disposition names one of ``subjects``, or one of ``orders`` as a whole."""
    if (r.subject_kind, r.subject_identifier) in subjects:
        return True
    if r.subject_kind == "order":
        return r.subject_identifier in orders
    # a disposition of an inspection result concerns the order's units
    return r.subject_kind == "inspection" and r.order_code in orders


def _events_on(session: Session, table, subjects: set[tuple[str, str]],
               orders: set[str]) -> list[Any]:
    rows: dict[Any, Any] = {}
    for chunk in _chunks(session, sorted({i for _, i in subjects} | orders)):
        for r in session.execute(select(table).where(_in(session, table.c.subject_identifier, chunk))):
            rows[r.id] = r
    if orders and "disposition" in table.c:
        for chunk in _chunks(session, sorted(orders)):
            for r in session.execute(select(table).where(
                    _in(session, table.c.order_code, chunk), table.c.subject_kind == "inspection")):
                rows[r.id] = r
    return [r for r in rows.values() if _touching(r, subjects, orders)]


def _holds(session: Session, subjects: Iterable[tuple[str, str]] = (),
           orders: Iterable[str] = ()) -> list[HoldFact]:
    """Holds on these (kind, identifier) subjects and on these orders."""
    he = HoldEvent.__table__
    hold_ids = {r.hold_id for r in _events_on(session, he, set(subjects),
                                              {o for o in orders if o})}
    if not hold_ids:
        return []
    by_hold: dict[Any, list[Any]] = defaultdict(list)
    for chunk in _chunks(session, sorted(hold_ids, key=str)):
        for r in session.execute(select(he).where(_in(session, he.c.hold_id, chunk))):
            by_hold[r.hold_id].append(r)
    out = []
    for hold_id, rs in by_hold.items():
        placed = min((r for r in rs if r.kind == "placed"),
                     key=lambda r: r.recorded_at, default=None)
        if placed is None:
            continue
        released = min((r for r in rs if r.kind == "released"),
                       key=lambda r: r.recorded_at, default=None)
        out.append(HoldFact(
            hold_id=hold_id, subject_kind=placed.subject_kind,
            subject_identifier=placed.subject_identifier, reason=placed.reason,
            order_code=placed.order_code, placed_at=placed.recorded_at,
            placed_by=placed.actor_badge,
            released_at=released.recorded_at if released is not None else None,
            released_by=released.actor_badge if released is not None else None))
    return sorted(out, key=lambda h: (h.placed_at, str(h.hold_id)))


def _dispositions(session: Session, subjects: Iterable[tuple[str, str]] = (),
                  orders: Iterable[str] = ()) -> list[DispositionFact]:
    """Dispositions of these subjects, of these orders and of their inspection results."""
    rows = _uncorrected(_events_on(session, DispositionEvent.__table__, set(subjects),
                                   {o for o in orders if o}))
    return [
        DispositionFact(
            subject_kind=r.subject_kind, subject_identifier=r.subject_identifier,
            disposition=r.disposition, quantity=r.quantity, defect_code=r.defect_code,
            comment=r.comment, order_code=r.order_code, recorded_at=r.recorded_at,
            actor_badge=r.actor_badge)
        for r in sorted(rows, key=lambda r: (r.recorded_at, r.seq))
    ]


def _birth(session: Session, produced: ProducedFacts) -> BirthRecord:
    order = produced.order_code
    at = produced.recorded_at
    # Operators: whoever booked the unit, and whoever started/resumed its order here.
    badges: list[str] = [produced.actor_badge] if produced.actor_badge else []
    if order:
        we = WorkOrderEvent.__table__
        q = (select(we.c.actor_badge).where(
            we.c.order_code == order, we.c.station_id == produced.station_id,
            we.c.kind.in_(("started", "resumed")), we.c.recorded_at <= at,
            we.c.actor_badge.is_not(None)).order_by(we.c.recorded_at, we.c.seq))
        badges += [b for (b,) in session.execute(q)]
    badges = list(dict.fromkeys(badges))
    names: dict[str, str] = {}
    if badges:
        ua = UserAccount.__table__
        for code, name, _v in session.execute(
                select(ua.c.code, ua.c.name, ua.c.version).where(ua.c.code.in_(badges))
                .order_by(ua.c.version)):
            names[code] = name
    operators = tuple(Operator(b, names.get(b)) for b in badges)

    recipe = None
    if order:
        rd = RecipeDownloadEvent.__table__
        rows = session.execute(select(rd).where(rd.c.order_code == order)).all()
        mine = [r for r in rows if r.station_id == produced.station_id] or rows
        ok = [r for r in mine if r.result == "ok"]
        before = [r for r in ok if r.recorded_at <= at] or ok
        if before:
            r = max(before, key=lambda r: (r.recorded_at, r.seq))
            recipe = RecipeFact(r.recipe_code, r.recipe_version, r.result, r.equipment_code,
                                r.recorded_at)

    snapshot = None
    if produced.kind == "serial":
        ps = ProcessSnapshotEvent.__table__
        r = session.execute(
            select(ps).where(ps.c.unit_serial == produced.identifier)
            .order_by(ps.c.recorded_at.desc(), ps.c.seq.desc()).limit(1)).first()
        if r is not None:
            snapshot = SnapshotFact(r.equipment_code, dict(r.values or {}), r.recorded_at)

    ir = InspectionResult.__table__
    inspections_of = None
    results: list[Any] = []
    if produced.kind == "serial":
        results = _uncorrected(session.execute(
            select(ir).where(ir.c.unit_serial == produced.identifier)))
        inspections_of = "unit" if results else None
    if not results and order:
        results = _uncorrected(session.execute(
            select(ir).where(ir.c.order_code == order, ir.c.unit_serial.is_(None))))
        inspections_of = "order" if results else None
    inspections = tuple(
        InspectionFact(r.plan_code, r.plan_version, r.characteristic_code,
                       tuple(r.values or ()), bool(r.passed), r.defect_code, r.unit_serial,
                       r.recorded_at, r.actor_badge)
        for r in sorted(results, key=lambda r: (r.recorded_at, r.seq)))

    subject = [(produced.kind, produced.identifier)]
    orders = [order] if order else []
    return BirthRecord(
        produced=produced, operators=operators, recipe=recipe, snapshot=snapshot,
        inspections=inspections, inspections_of=inspections_of,
        holds=tuple(_holds(session, subject, orders)),
        dispositions=tuple(_dispositions(session, subject, orders)))


# --------------------------------------------------------------------------- backward


def resolve_kind(session: Session, identifier: str, kind: str | None) -> str:
    if kind is not None:
        if kind not in KINDS:
            raise TraceError(tr(CTX, "Unknown kind '%1': trace a 'serial' or a 'lot'.", kind))
        return kind
    gl, pu, ml = _tables()
    found: set[str] = set()
    found.update(k for (k,) in session.execute(
        select(pu.c.kind).where(pu.c.identifier == identifier).distinct()))
    found.update(k for (k,) in session.execute(
        select(gl.c.parent_kind).where(gl.c.parent_identifier == identifier).limit(1)))
    found.update(k for (k,) in session.execute(
        select(gl.c.child_kind).where(gl.c.child_identifier == identifier).limit(1)))
    if session.execute(select(ml.c.lot_code).where(ml.c.lot_code == identifier).limit(1)).first():
        found.add("lot")
    if not found:
        raise TraceError(tr(
            CTX, "'%1' is not known as a unit or lot here. Check the code (scan it again), "
                 "or trace it at the central database if it was made at another station.",
            identifier))
    if len(found) > 1:
        raise TraceError(tr(
            CTX, "'%1' is both a serial number and a lot here; choose which one to trace.",
            identifier))
    return found.pop()


def _backward_edges(session: Session, kind: str, identifier: str, max_depth: int,
                    limit: int) -> list[Any]:
    gl = GenealogyLink.__table__
    sep = _text(SEP)
    colon = _text(":")
    root_key = _key(kind, identifier)
    child_key = gl.c.child_kind + colon + gl.c.child_identifier
    cols = (gl.c.id, gl.c.supersedes_id, gl.c.parent_kind, gl.c.parent_identifier,
            gl.c.child_kind, gl.c.child_identifier, gl.c.child_material_code, gl.c.quantity,
            gl.c.order_code, gl.c.station_id, gl.c.recorded_at)
    seed = select(
        *cols,
        literal_column("1", Integer).label("depth"),
        cast(_text(SEP + root_key + SEP) + child_key + sep, Text).label("path"),
        case((child_key == _text(root_key), 1), else_=0).label("cycle"),
    ).where(gl.c.parent_kind == kind, gl.c.parent_identifier == identifier)
    tree = seed.cte("trace_tree", recursive=True)
    g = gl.alias("g")
    g_key = g.c.child_kind + colon + g.c.child_identifier
    step = select(
        g.c.id, g.c.supersedes_id, g.c.parent_kind, g.c.parent_identifier, g.c.child_kind,
        g.c.child_identifier, g.c.child_material_code, g.c.quantity, g.c.order_code,
        g.c.station_id, g.c.recorded_at,
        tree.c.depth + literal_column("1", Integer),
        cast(tree.c.path + g_key + sep, Text),
        case((_position(session, tree.c.path, sep + g_key + sep) > 0, 1), else_=0),
    ).where(
        g.c.parent_identifier == tree.c.child_identifier,
        g.c.parent_kind == tree.c.child_kind,
        tree.c.cycle == 0,
        # one level beyond the limit is read, only to know that something was cut off
        tree.c.depth <= max_depth,
    )
    tree = tree.union_all(step)
    return list(session.execute(select(tree).limit(limit)))


def backward(session: Session, identifier: str, kind: str | None = None, *,
             max_depth: int = DEFAULT_MAX_DEPTH, max_edges: int = DEFAULT_MAX_EDGES,
             central: bool = False) -> TraceTree:
    """Everything that went into unit or lot ``identifier``, recursively (module docstring)."""
    identifier = identifier.strip()
    kind = resolve_kind(session, identifier, kind)
    rows = _backward_edges(session, kind, identifier, max_depth, max_edges + 1)
    truncation = ""
    if len(rows) > max_edges:
        rows = rows[:max_edges]
        truncation = tr(CTX, "The trace has more than %1 links; only the first %1 are shown.",
                        max_edges)
    # A row is one link on one path; the same link can reach a path twice through a
    # correction naming the same child, so links are unique per (path, id).
    uniq: dict[tuple[str, Any], Any] = {}
    for r in rows:
        uniq.setdefault((r.path, r.id), r)
    replaced = {r.supersedes_id for r in uniq.values() if r.supersedes_id is not None}
    links = sorted((r for r in uniq.values() if r.id not in replaced),
                   key=lambda r: (r.depth, r.child_material_code or "", r.child_identifier))

    root_path = SEP + _key(kind, identifier) + SEP
    children_of: dict[str, list[Any]] = defaultdict(list)
    cut_paths: set[str] = set()
    known_paths = {root_path}
    for r in links:
        parent_path = r.path[: r.path[:-1].rfind(SEP) + 1]
        if parent_path not in known_paths:
            continue  # below a replaced link, or a path cut off by the edge limit
        if r.depth > max_depth:
            cut_paths.add(parent_path)
            continue
        children_of[parent_path].append(r)
        known_paths.add(r.path)

    node_keys = {(kind, identifier)} | {(r.child_kind, r.child_identifier)
                                        for rs in children_of.values() for r in rs}
    lots = _lot_facts(session, [i for k, i in node_keys if k == "lot"])
    produced = _produced(session, node_keys)
    holds_by: dict[tuple[str, str], list[HoldFact]] = defaultdict(list)
    for h in _holds(session, node_keys):
        holds_by[(h.subject_kind, h.subject_identifier)].append(h)
    disp_by: dict[tuple[str, str], list[DispositionFact]] = defaultdict(list)
    for d in _dispositions(session, node_keys):
        disp_by[(d.subject_kind, d.subject_identifier)].append(d)

    cycles: list[str] = []
    elsewhere: set[str] = set()
    stations = {r.station_id for rs in children_of.values() for r in rs}

    def build(path: str, k: str, ident: str, link: Any | None, depth: int) -> TraceNode:
        lot = lots.get(ident) if k == "lot" else None
        made = produced.get((k, ident))
        is_cycle = bool(link is not None and link.cycle)
        kids = () if is_cycle else tuple(
            build(r.path, r.child_kind, r.child_identifier, r, depth + 1)
            for r in children_of.get(path, ()))
        made_elsewhere = (k == "lot" and not kids and not is_cycle and path not in cut_paths
                          and made is None and lot is not None and lot.origin == "produced")
        if is_cycle:
            cycles.append(ident)
        if made_elsewhere:
            elsewhere.add(ident)
        if made is not None:
            stations.add(made.station_id)
        material = (link.child_material_code if link is not None else None) or (
            lot.material_code if lot else made.product_code if made else None)
        return TraceNode(
            kind=k, identifier=ident, material_code=material,
            quantity=link.quantity if link is not None else None,
            order_code=link.order_code if link is not None else None,
            station_id=link.station_id if link is not None else None,
            linked_at=link.recorded_at if link is not None else None, depth=depth, lot=lot,
            produced=made, holds=tuple(holds_by.get((k, ident), ())),
            dispositions=tuple(disp_by.get((k, ident), ())), children=kids, cycle=is_cycle,
            truncated=path in cut_paths, made_elsewhere=made_elsewhere)

    root = build(root_path, kind, identifier, None, 0)
    if cut_paths and not truncation:
        truncation = tr(CTX, "The trace is deeper than %1 levels; deeper contents are not "
                             "shown.", max_depth)
    root_made = produced.get((kind, identifier))
    birth = _birth(session, root_made) if root_made is not None else None
    if root.lot is not None:
        stations.add(root.lot.station_id)
    return TraceTree(
        root=root, birth=birth, scope=_scope(stations, central, len(elsewhere)),
        truncated=bool(truncation), truncation=truncation,
        cycles=tuple(dict.fromkeys(cycles)), stations=tuple(sorted(stations)))


# --------------------------------------------------------------------------- forward


def _reach_nodes(session: Session, kind: str, identifier: str):
    """Subquery (kind, identifier, via) of every node reachable upwards, each once."""
    gl = GenealogyLink.__table__

    def links_from(source, on):
        """``source`` joined to its links, minus links a correction (same parent) replaced.

        An anti-join, not ``NOT EXISTS``: SQLite runs the recursive step once per queued
        row, and a subquery there costs ~10 µs a row; the join uses the parent index."""
        g = gl.alias()
        corr = gl.alias()
        joined = (source.join(g, on(g)) if source is not None else g).outerjoin(
            corr, and_(corr.c.parent_identifier == g.c.parent_identifier,
                       corr.c.supersedes_id == g.c.id))
        return g, joined, corr.c.id.is_(None)

    g0, joined0, current0 = links_from(None, None)
    seed = (select(g0.c.parent_kind.label("kind"), g0.c.parent_identifier.label("identifier"),
                   g0.c.child_identifier.label("via"))
            .select_from(joined0)
            .where(g0.c.child_kind == kind, g0.c.child_identifier == identifier, current0))
    reach = seed.cte("reach", recursive=True)
    g, joined, current = links_from(
        reach, lambda g: and_(g.c.child_identifier == reach.c.identifier,
                              g.c.child_kind == reach.c.kind))
    step = (select(g.c.parent_kind, g.c.parent_identifier, g.c.child_identifier)
            .select_from(joined).where(current))
    # UNION (not ALL): a (node, via) pair already found is not added again, so each link
    # is followed at most once and a cycle ends by itself.
    reach = reach.union(step)
    return (select(reach.c.kind, reach.c.identifier, func.min(reach.c.via).label("via"))
            .where(~and_(reach.c.kind == kind, reach.c.identifier == identifier))
            .group_by(reach.c.kind, reach.c.identifier).subquery("reached"))


def _reached(session: Session, kind: str, identifier: str, offset: int,
             limit: int | None) -> tuple[list[Any], int, int]:
    nodes = _reach_nodes(session, kind, identifier)
    units = func.sum(case((nodes.c.kind == "serial", 1), else_=0)).over()
    q = (select(nodes.c.kind, nodes.c.identifier, nodes.c.via,
                func.count().over().label("total"), units.label("units"))
         .order_by(nodes.c.kind, nodes.c.identifier).offset(offset))
    if limit is not None:
        q = q.limit(limit)
    rows = list(session.execute(q))
    if rows:
        return rows, int(rows[0].total), int(rows[0].units or 0)
    # past the end: count alone
    nodes = _reach_nodes(session, kind, identifier)
    total, n_units = session.execute(select(
        func.count(), func.coalesce(func.sum(case((nodes.c.kind == "serial", 1), else_=0)), 0))
        .select_from(nodes)).one()
    return [], int(total), int(n_units)


def _details(session: Session, rows: Sequence[Any]) -> list[ReachedItem]:
    keys = [(r.kind, r.identifier) for r in rows]
    produced = _produced(session, keys)
    gl = GenealogyLink.__table__
    went: dict[tuple[str, str], list[str]] = defaultdict(list)
    wanted = set(keys)
    # ≤200 codes per IN on SQLite: lots have hundreds of links each, so for a longer list
    # its planner expects most of the table and scans it (250 ms at 500k links) instead
    # of probing the index once per code
    for chunk in _chunks(session, sorted({i for _, i in keys}), 200):
        # ids as stored (no UUID objects): a lot's row lists every unit it went into
        q = select(type_coerce(gl.c.id, String).label("id"),
                   type_coerce(gl.c.supersedes_id, String).label("supersedes_id"),
                   gl.c.child_kind, gl.c.child_identifier, gl.c.parent_identifier,
                   ).where(_in(session, gl.c.child_identifier, chunk))
        links = session.execute(q).all()
        replaced = {sup for _id, sup, _k, _c, _p in links if sup is not None}
        for link_id, _sup, child_kind, child, parent in links:
            if link_id not in replaced and (child_kind, child) in wanted:
                went[(child_kind, child)].append(parent)
    for parents in went.values():
        parents.sort()
    orders = {p.order_code for p in produced.values() if p.order_code}
    open_holds = [h for h in _holds(session, keys, orders) if h.open]
    held_subjects = {(h.subject_kind, h.subject_identifier) for h in open_holds}
    held_orders = {h.subject_identifier for h in open_holds if h.subject_kind == "order"}
    last_disp: dict[tuple[str, str], DispositionFact] = {}
    for d in _dispositions(session, keys):
        last_disp[(d.subject_kind, d.subject_identifier)] = d  # sorted by time: newest wins
    out = []
    for r in rows:
        k = (r.kind, r.identifier)
        p = produced.get(k)
        d = last_disp.get(k)
        out.append(ReachedItem(
            kind=r.kind, identifier=r.identifier, via=r.via,
            product_code=p.product_code if p else None, order_code=p.order_code if p else None,
            station_id=p.station_id if p else None, produced_at=p.recorded_at if p else None,
            quantity=p.quantity if p else None, unit=p.unit if p else None,
            disposition=d.disposition if d else (p.disposition if p else None),
            scrap_reason=p.scrap_reason if p else None,
            defect_code=d.defect_code if d else None,
            on_hold=k in held_subjects or bool(p and p.order_code in held_orders),
            went_into=tuple(dict.fromkeys(went.get(k, ())))))
    return out


def _start(session: Session, identifier: str, kind: str) -> tuple[str, LotFacts | None]:
    identifier = identifier.strip()
    if kind not in KINDS:
        raise TraceError(tr(CTX, "Unknown kind '%1': trace a 'serial' or a 'lot'.", kind))
    lot = _lot_facts(session, [identifier]).get(identifier) if kind == "lot" else None
    if lot is None:
        gl, pu, _ml = _tables()
        known = session.execute(select(gl.c.id).where(
            gl.c.child_kind == kind, gl.c.child_identifier == identifier).limit(1)).first()
        known = known or session.execute(select(pu.c.id).where(
            pu.c.kind == kind, pu.c.identifier == identifier).limit(1)).first()
        if not known:
            what = tr(CTX, "lot") if kind == "lot" else tr(CTX, "serial number")
            raise TraceError(tr(
                CTX, "No %1 '%2' is known here. Check the code (scan it again), or trace it "
                     "at the central database if it was used at another station.",
                what, identifier))
    return identifier, lot


def forward(session: Session, lot: str, page: int = 0, page_size: int = 100, *,
            kind: str = "lot", central: bool = False) -> ForwardResult:
    """Every lot and unit ``lot`` reached: total counts and page ``page`` (0-based)."""
    if page < 0 or page_size < 1:
        raise TraceError(tr(CTX, "Page %1 of size %2 does not exist; pages count from 0.",
                            page, page_size))
    identifier, facts = _start(session, lot, kind)
    rows, total, units = _reached(session, kind, identifier, page * page_size, page_size)
    items = _details(session, rows)
    stations = {i.station_id for i in items if i.station_id}
    if facts is not None:
        stations.add(facts.station_id)
    return ForwardResult(
        kind=kind, identifier=identifier, lot=facts, total=total, total_units=units,
        total_lots=total - units, page=page, page_size=page_size, items=tuple(items),
        scope=_scope(stations, central))


# --------------------------------------------------------------------------- recall


def recall_report(session: Session, lot: str, *, kind: str = "lot",
                  central: bool = False) -> Recall:
    """Everything ``lot`` reached, with details and the orders concerned."""
    identifier, facts = _start(session, lot, kind)
    rows, _total, units = _reached(session, kind, identifier, 0, None)
    items = _details(session, rows)
    by_order: dict[str | None, list[ReachedItem]] = defaultdict(list)
    for it in items:
        by_order[it.order_code].append(it)
    orders = []
    for code, its in by_order.items():
        times = [i.produced_at for i in its if i.produced_at]
        products = sorted({i.product_code for i in its if i.product_code})
        orders.append(OrderSummary(
            order_code=code, product_code=", ".join(products) or None,
            units=sum(1 for i in its if i.kind == "serial"),
            lots=sum(1 for i in its if i.kind == "lot"),
            scrapped=sum(1 for i in its if i.disposition == "scrap"),
            first_at=min(times) if times else None, last_at=max(times) if times else None,
            stations=tuple(sorted({i.station_id for i in its if i.station_id}))))
    orders.sort(key=lambda o: (o.order_code is None, o.first_at or dt.datetime.max.replace(
        tzinfo=dt.UTC), o.order_code or ""))
    stations = {i.station_id for i in items if i.station_id}
    if facts is not None:
        stations.add(facts.station_id)
    return Recall(kind=kind, identifier=identifier, lot=facts,
                  generated_at=dt.datetime.now(dt.UTC), scope=_scope(stations, central),
                  items=tuple(items), orders=tuple(orders), total_units=units,
                  total_lots=len(items) - units)


def _when(ts: dt.datetime | None, tz: dt.tzinfo) -> str:
    return ts.astimezone(tz).isoformat(timespec="seconds") if ts else ""


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _columns() -> list[str]:
    return [tr(CTX, "Kind"), tr(CTX, "Identifier"), tr(CTX, "Product"), tr(CTX, "Order"),
            tr(CTX, "Station"), tr(CTX, "Produced at"), tr(CTX, "Quantity"), tr(CTX, "Unit"),
            tr(CTX, "Disposition"), tr(CTX, "Defect"), tr(CTX, "On hold"),
            tr(CTX, "Reached via"), tr(CTX, "Went into")]


def _row(it: ReachedItem, tz: dt.tzinfo) -> list[str]:
    defect = " / ".join(x for x in (it.scrap_reason, it.defect_code) if x)
    return [it.kind, it.identifier, it.product_code or "", it.order_code or "",
            it.station_id or "", _when(it.produced_at, tz), _num(it.quantity), it.unit or "",
            it.disposition or "", defect, tr(CTX, "yes") if it.on_hold else "", it.via,
            " ".join(it.went_into)]


def _preamble(recall: Recall, tz: dt.tzinfo) -> list[tuple[str, str]]:
    lines = [(tr(CTX, "Recall report for %1", recall.kind), recall.identifier)]
    if recall.lot is not None:
        lot = recall.lot
        lines.append((tr(CTX, "Material"), lot.material_code))
        if lot.supplier or lot.supplier_lot:
            lines.append((tr(CTX, "Supplier"), " / ".join(
                x for x in (lot.supplier, lot.supplier_lot) if x)))
        if lot.expires_at:
            lines.append((tr(CTX, "Expires"), _when(lot.expires_at, tz)))
    lines += [
        (tr(CTX, "Affected"), tr(CTX, "%1 units, %2 lots, %3 orders", recall.total_units,
                                 recall.total_lots, len(recall.orders))),
        (tr(CTX, "Scope"), recall.scope),
        (tr(CTX, "Generated"), _when(recall.generated_at, tz)),
    ]
    return lines


def _atomic_write(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_csv(recall: Recall, path: str | os.PathLike[str], *,
              tz: dt.tzinfo = dt.UTC) -> Path:
    """The recall as CSV: ``# label: value`` preamble lines, a header row, one row per item."""

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as f:
            for label, value in _preamble(recall, tz):
                f.write(f"# {label}: {value}\n")
            w = csv.writer(f)
            w.writerow(_columns())
            for it in recall.items:
                w.writerow(_row(it, tz))

    return _atomic_write(Path(path), write)


_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
              "/usr/share/fonts/TTF")


def _shorten(ids: Sequence[str], n: int = 6) -> str:
    """The first ``n`` identifiers and how many more (a lot can go into thousands)."""
    if len(ids) <= n:
        return " ".join(ids)
    return " ".join(ids[:n]) + " " + tr(CTX, "… (+%1 more, see CSV)", len(ids) - n)


def _pdf_font(pdf) -> tuple[str, bool]:
    """DejaVu Sans when installed (all of Unicode), else core Helvetica (Latin-1 only)."""
    for d in _FONT_DIRS:
        regular, bold = Path(d, "DejaVuSans.ttf"), Path(d, "DejaVuSans-Bold.ttf")
        if regular.is_file() and bold.is_file():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu", True
    return "Helvetica", False


def write_pdf(recall: Recall, path: str | os.PathLike[str], *,
              tz: dt.tzinfo = dt.UTC) -> Path:
    """The recall as an A4 landscape PDF: facts, the orders concerned, every affected item."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    font, unicode_ok = _pdf_font(pdf)

    def t(s: str) -> str:
        return s if unicode_ok else s.encode("latin-1", "replace").decode("latin-1")

    title = tr(CTX, "Recall report: %1 %2", recall.kind, recall.identifier)
    pdf.set_title(t(title))
    pdf.set_creator("OpenMES HMI")
    pdf.alias_nb_pages()

    def footer() -> None:
        pdf.set_y(-10)
        pdf.set_font(font, "", 7)
        pdf.cell(0, 5, t(f"{title} · {pdf.page_no()}/{{nb}}"), align="C")

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_font(font, "B", 14)
    pdf.multi_cell(0, 8, t(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    for label, value in _preamble(recall, tz)[1:]:
        pdf.set_font(font, "B", 9)
        pdf.cell(30, 5, t(label))
        pdf.set_font(font, "", 9)
        pdf.multi_cell(0, 5, t(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    heading = FontFace(emphasis="BOLD", fill_color=(220, 220, 220))

    pdf.set_font(font, "B", 11)
    pdf.cell(0, 7, t(tr(CTX, "Orders")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 8)
    with pdf.table(col_widths=(30, 30, 15, 15, 18, 45, 45, 40), headings_style=heading,
                   text_align="LEFT", line_height=4.5) as table:
        table.row([t(x) for x in (tr(CTX, "Order"), tr(CTX, "Product"), tr(CTX, "Units"),
                                  tr(CTX, "Lots"), tr(CTX, "Scrapped"), tr(CTX, "First"),
                                  tr(CTX, "Last"), tr(CTX, "Stations"))])
        for o in recall.orders:
            table.row([t(x) for x in (o.order_code or "—", o.product_code or "", str(o.units),
                                      str(o.lots), str(o.scrapped), _when(o.first_at, tz),
                                      _when(o.last_at, tz), ", ".join(o.stations))])
    pdf.ln(4)
    pdf.set_font(font, "B", 11)
    pdf.cell(0, 7, t(tr(CTX, "Affected units and lots")), new_x="LMARGIN", new_y="NEXT")
    # One line per item, drawn cell by cell: fpdf2's table() lays out every cell as
    # wrapped text (~6 ms a row), too slow for a recall of thousands of units.
    cols = _columns()
    keep = (0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)  # quantity and unit in one column
    widths = (10, 28, 18, 22, 13, 38, 15, 18, 22, 12, 24, 57)
    line = 4.2

    def fit(text: str, w: float) -> str:
        text = t(text)
        if pdf.get_string_width(text) <= w - 1.5:
            return text
        while text and pdf.get_string_width(text + "…") > w - 1.5:
            text = text[:-1]
        return text + ("…" if unicode_ok else "~")

    def header() -> None:
        pdf.set_font(font, "B", 7)
        pdf.set_fill_color(220, 220, 220)
        for i, w in zip(keep, widths, strict=True):
            pdf.cell(w, line + 0.6, fit(cols[i], w), fill=True)
        pdf.ln(line + 0.6)
        pdf.set_font(font, "", 7)

    pdf.set_draw_color(200, 200, 200)
    header()
    for it in recall.items:
        if pdf.will_page_break(line):
            pdf.add_page()
            header()
        row = _row(it, tz)
        row[6] = " ".join(x for x in (row[6], row[7]) if x)
        row[12] = _shorten(it.went_into, 3)
        x, y = pdf.l_margin, pdf.get_y()
        for i, w in zip(keep, widths, strict=True):
            if row[i]:
                pdf.text(x + 1, y + line - 1.2, fit(row[i], w))
            x += w
        pdf.line(pdf.l_margin, y + line, x, y + line)
        pdf.set_y(y + line)
    return _atomic_write(Path(path), lambda tmp: pdf.output(str(tmp)))
