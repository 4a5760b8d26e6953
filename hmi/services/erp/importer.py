"""Import of ERP orders (CSV or B2MML V0600) into the versioned work-order master data.

One file, one transaction: the file is parsed and validated (syntax, schema,
values), then checked against the database (product, equipment, recipe, work
instruction, inspection plan and tool list exist; started orders are not
changed), and only then written. Any problem raises :class:`OrderImportError`
listing every problem with file, line, element/column and reason; nothing is
written then.

Versioning is the master-data import's rule (hmi/services/masterdata.py): an
order whose content equals the newest released version of its number changes
nothing; a changed order becomes version n+1 (released); older versions stay.
An order that is running at a station (a ``started`` event without a later
``completed``/``aborted``) is not given a new version: that record is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hmi.services.erp.b2mml import parse_b2mml
from hmi.services.erp.csvfmt import parse_csv
from hmi.services.erp.model import (
    OperationIn,
    OrderImportError,
    OrderIn,
    ParsedOrders,
    Problem,
    tr,
)
from hmi.services.masterdata import content
from hmi.store import models as m
from hmi.store.base import MasterStatus
from hmi.store.events import append_event

log = logging.getLogger(__name__)

#: Name of the counts entry in the MasterDataImportEvent (same key as the master-data import).
SECTION = "work_orders"


@dataclass
class ImportReport:
    """What an import did."""

    file: str
    sha256: str
    format: str
    created: list[tuple[str, int]] = field(default_factory=list)  # (order, new version)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created)

    def summary(self) -> str:
        if not self.created and not self.unchanged:
            return tr("%1: no orders", self.file)
        shown = [f"{c} v{v}" for c, v in self.created[:10]]
        if len(self.created) > 10:  # a week's schedule must not become one endless line
            shown.append(f"… +{len(self.created) - 10}")
        new = ", ".join(shown) or "-"
        return tr("%1: %2 order(s) imported (%3), %4 unchanged", self.file, len(self.created),
                  new, len(self.unchanged))


# --------------------------------------------------------------------------- parsing


def parse_orders(path: str | Path) -> ParsedOrders:
    """Parse and validate an order file (CSV or B2MML XML) without a database.

    Raises :class:`OrderImportError` with every problem found.
    """
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OrderImportError(name, [Problem(name, None, "", tr("cannot read the file: %1",
                                                                 exc.strerror))]) from exc
    sha = hashlib.sha256(data).hexdigest()
    if _looks_like_xml(path, data):
        fmt, orders, problems = parse_b2mml(name, data)
    else:
        fmt = "csv"
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise OrderImportError(name, [Problem(
                name, data[:exc.start].count(b"\n") + 1, "",
                tr("not UTF-8 text (save the CSV as UTF-8): %1", exc.reason))]) from exc
        orders, problems = parse_csv(name, text)
    if problems:
        raise OrderImportError(name, problems)
    if not orders:
        raise OrderImportError(name, [Problem(name, None, "", tr("the file holds no orders"))])
    return ParsedOrders(file=name, sha256=sha, format=fmt, orders=orders)


def _looks_like_xml(path: Path, data: bytes) -> bool:
    if path.suffix.lower() == ".xml":
        return True
    if path.suffix.lower() == ".csv":
        return False
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


# --------------------------------------------------------------------------- database checks


def _codes(session: Session, model: type) -> set[str]:
    """Codes of ``model`` that exist and are not retired (a draft recipe awaiting its
    approval counts: the station refuses to run it until it is released)."""
    return set(session.scalars(
        select(model.code).where(model.status != MasterStatus.RETIRED.value).distinct()))


def _latest(session: Session, codes: Iterable[str]) -> dict[str, m.WorkOrder]:
    """Newest released version of each order number (master-data import's rule)."""
    codes = list(codes)
    sub = (
        select(m.WorkOrder.code, func.max(m.WorkOrder.version).label("v"))
        .where(m.WorkOrder.status == MasterStatus.RELEASED.value, m.WorkOrder.code.in_(codes))
        .group_by(m.WorkOrder.code)
        .subquery()
    )
    rows = session.scalars(select(m.WorkOrder).join(
        sub, (m.WorkOrder.code == sub.c.code) & (m.WorkOrder.version == sub.c.v))).all()
    return {row.code: row for row in rows}


def _max_versions(session: Session, codes: Iterable[str]) -> dict[str, int]:
    rows = session.execute(
        select(m.WorkOrder.code, func.max(m.WorkOrder.version))
        .where(m.WorkOrder.code.in_(list(codes))).group_by(m.WorkOrder.code)
    ).all()
    return {code: int(v) for code, v in rows}


def running_stations(session: Session, codes: Iterable[str]) -> dict[str, list[str]]:
    """Stations at which each order is started and not yet completed or aborted."""
    events = session.execute(
        select(m.WorkOrderEvent.order_code, m.WorkOrderEvent.station_id,
               m.WorkOrderEvent.kind)
        .where(m.WorkOrderEvent.order_code.in_(list(codes)),
               m.WorkOrderEvent.kind.in_(("started", "resumed", "paused", "completed",
                                          "aborted")))
        .order_by(m.WorkOrderEvent.station_id, m.WorkOrderEvent.seq)
    ).all()
    last: dict[tuple[str, str], str] = {}
    for code, station, kind in events:
        last[code, station] = kind
    out: dict[str, list[str]] = {}
    for (code, station), kind in last.items():
        if kind not in ("completed", "aborted"):
            out.setdefault(code, []).append(station)
    return out


class _Checker:
    def __init__(self, parsed: ParsedOrders, session: Session) -> None:
        self.parsed = parsed
        self.session = session
        self.problems: list[Problem] = []
        self._known: dict[type, set[str]] = {}
        self._equipment: dict[str, str] | None = None

    def known(self, model: type) -> set[str]:
        if model not in self._known:
            self._known[model] = _codes(self.session, model)
        return self._known[model]

    def equipment(self) -> dict[str, str]:
        if self._equipment is None:
            rows = self.session.execute(
                select(m.Equipment.code, m.Equipment.level, m.Equipment.version)
                .where(m.Equipment.status == MasterStatus.RELEASED.value)
                .order_by(m.Equipment.version)).all()
            self._equipment = {code: level for code, level, _ in rows}
        return self._equipment

    def bad(self, where: tuple[int | None, str] | None, fallback: int | None, reason: str) -> None:
        line, path = where if where is not None else (fallback, "")
        self.problems.append(Problem(self.parsed.file, line, path, reason))

    def ref(self, obj: OrderIn | OperationIn, fld: str, code: str | None, model: type,
            what: str) -> None:
        if code is not None and code not in self.known(model):
            self.bad(obj.where.get(fld), obj.source_line,
                     tr("unknown %1 '%2' (not in the station's master data; import it first "
                        "with `hmi masterdata import`)", what, code))

    def run(self) -> list[Problem]:
        equipment = self.equipment()
        for order in self.parsed.orders:
            self.ref(order, "product", order.product, m.Product, "product")
            for op in order.operations:
                for eq in op.equipment:
                    level = equipment.get(eq)
                    if level is None:
                        self.bad(op.where.get(f"equipment:{eq}"), op.source_line,
                                 tr("unknown equipment '%1' (not in the station's master data)",
                                    eq))
                        continue
                    fld = "line" if level == "line" else "station"
                    if getattr(op, fld) not in (None, eq):
                        self.bad(op.where.get(f"equipment:{eq}"), op.source_line,
                                 tr("the operation names two %1s ('%2' and '%3'); it runs at "
                                    "one", fld, getattr(op, fld), eq))
                        continue
                    setattr(op, fld, eq)
                    op.where[fld] = op.where[f"equipment:{eq}"]
                for fld in ("station", "line"):
                    code = getattr(op, fld)
                    if code is not None and f"equipment:{code}" not in op.where \
                            and code not in equipment:
                        self.bad(op.where.get(fld), op.source_line,
                                 tr("unknown %1 '%2' (not in the station's master data)",
                                    fld, code))
                self.ref(op, "recipe", op.recipe, m.Recipe, "recipe")
                self.ref(op, "work_instruction", op.work_instruction, m.WorkInstruction,
                         "work instruction")
                self.ref(op, "inspection_plan", op.inspection_plan, m.InspectionPlan,
                         "inspection plan")
                self.ref(op, "tool_list", op.tool_list, m.ToolList, "tool list")
        return self.problems


# --------------------------------------------------------------------------- import


def build_order(order: OrderIn) -> m.WorkOrder:
    """The WorkOrder (not yet versioned or added) an imported order stands for."""
    return m.WorkOrder(
        product_code=order.product, product_version=None, bom_code=None,
        quantity=order.quantity, unit=order.unit, due_at=order.due, priority=order.priority,
        line_code=order.line, customer_ref="", notes=order.description,
        operations=[
            m.WorkOrderOperation(
                sequence=op.sequence, name=op.name, station_code=op.station, line_code=op.line,
                work_instruction_code=op.work_instruction, recipe_code=op.recipe,
                inspection_plan_code=op.inspection_plan, tool_list_code=op.tool_list,
                ideal_cycle_time_s=None,
            )
            for op in sorted(order.operations, key=lambda o: o.sequence)
        ],
    )


def import_orders(
    session_factory: sessionmaker[Session],
    path: str | Path,
    *,
    station_id: str,
    actor_badge: str | None = None,
) -> ImportReport:
    """Import the orders in ``path`` (CSV or B2MML V0600 XML) — all of them, or none.

    Raises :class:`OrderImportError` (nothing written) listing every problem.
    Permission checks are the caller's job.
    """
    if not station_id:
        raise ValueError("import_orders needs the station_id of the importing station")
    parsed = parse_orders(path)
    return write_orders(session_factory, parsed, station_id=station_id, actor_badge=actor_badge)


def write_orders(
    session_factory: sessionmaker[Session],
    parsed: ParsedOrders,
    *,
    station_id: str,
    actor_badge: str | None = None,
) -> ImportReport:
    """Check ``parsed`` against the database and write it in one transaction."""
    name = parsed.file
    source = f"{name} sha256:{parsed.sha256[:16]}"[:200]
    report = ImportReport(file=name, sha256=parsed.sha256, format=parsed.format)
    try:
        with session_factory() as session, session.begin():
            problems = _Checker(parsed, session).run()
            codes = [o.code for o in parsed.orders]
            latest = _latest(session, codes)
            versions = _max_versions(session, codes)
            running = running_stations(session, codes)
            new_rows: list[Any] = []
            for order in parsed.orders:
                new = build_order(order)
                old = latest.get(order.code)
                if old is not None and content(old) == content(new):
                    report.unchanged.append(order.code)
                    continue
                if order.code in running:
                    stations = ", ".join(sorted(running[order.code]))
                    line, path = order.where.get("order", (order.source_line, ""))
                    problems.append(Problem(name, line, path, tr(
                        "order %1 is already started at %2; change it at the station or "
                        "finish it first", order.code, stations)))
                    continue
                new.code = order.code
                new.version = versions.get(order.code, 0) + 1
                new_rows.append(new)
            if problems:
                raise OrderImportError(name, problems)
            now = dt.datetime.now(dt.UTC)
            for new in new_rows:
                new.status = MasterStatus.RELEASED.value
                new.valid_from = now
                new.created_at = now
                new.source = source
                session.add(new)
                report.created.append((new.code, new.version))
                log.info("%s: order %s -> version %d", name, new.code, new.version)
            if report.changed:
                _record_import(session, report, station_id, actor_badge)
    except IntegrityError as exc:
        raise OrderImportError(name, [Problem(
            name, None, "", tr("the database refused the data (another import may have run at "
                               "the same time; nothing was imported, try again): %1",
                               exc.orig))]) from exc
    except DBAPIError as exc:
        raise OrderImportError(name, [Problem(
            name, None, "", tr("database error, nothing was imported: %1", exc.orig))]) from exc
    log.info("imported %s", report.summary())
    return report


def _record_import(session: Session, report: ImportReport, station_id: str,
                   actor_badge: str | None) -> None:
    counts = {SECTION: {"created": len(report.created), "unchanged": len(report.unchanged)}}
    append_event(session, m.MasterDataImportEvent(
        station_id=station_id, actor_badge=actor_badge, file_name=report.file[:300],
        sha256=report.sha256, counts=counts,
    ))
    from hmi.services.audit import AuditWriter

    AuditWriter(station_id).record(
        session, actor_badge=actor_badge, action="orders.import", entity="order_file",
        entity_id=report.file, new={"sha256": report.sha256, "format": report.format,
                                    "counts": counts,
                                    "versions": [f"{c} v{v}" for c, v in report.created]},
        detail=report.summary(),
    )
