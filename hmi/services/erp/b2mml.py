"""ISA-95 B2MML V0600: order schedules in, performance out.

Every document is validated against the station's shipped schema subset
(``resources/schemas/b2mml-v0600-orders.xsd``) before it is mapped (import)
or written (export). Schema problems are reported with the element's line
and its path below the schedule, e.g.::

    orders.xml:17: ProductionRequest[2]/SegmentRequirement/MaterialProducedRequirement/Quantity/QuantityString: 'ten' is not a number

Mapping (docs/orders-erp.md has the full table): ProductionRequest or
OperationsRequest -> order (ID = order number, EndTime = due, Priority);
SegmentRequirement -> operation (ID = sequence, Description or
ProcessSegmentID = name, EquipmentRequirement/EquipmentID = station or line,
ProductionParameter/SegmentParameter RecipeID, WorkInstructionID,
InspectionPlanID, ToolListID); MaterialProducedRequirement (or
MaterialRequirement with MaterialUse "Produced") -> product, quantity, unit.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from lxml import etree

from hmi.services.erp.model import (
    B2MML_NS,
    OperationIn,
    OrderExportError,
    OrderIn,
    Problem,
    check_code,
    parse_number,
    parse_priority,
    parse_sequence,
    parse_time,
    tr,
)

if TYPE_CHECKING:
    from hmi.services.erp.results import OrderResult

SCHEMA_FILE = "b2mml-v0600-orders.xsd"

#: Root element -> (schedule element, request element, wrapped?)
IMPORT_ROOTS = {
    "ProductionSchedule": ("ProductionSchedule", "ProductionRequest", False),
    "OperationsSchedule": ("OperationsSchedule", "OperationsRequest", False),
    "ProcessProductionSchedule": ("ProductionSchedule", "ProductionRequest", True),
    "ProcessOperationsSchedule": ("OperationsSchedule", "OperationsRequest", True),
}
_SCHEDULES = {"ProductionSchedule", "OperationsSchedule"}

#: Segment parameter IDs the import reads, and the operation field each one sets.
PARAMETERS = {
    "RecipeID": "recipe",
    "WorkInstructionID": "work_instruction",
    "InspectionPlanID": "inspection_plan",
    "ToolListID": "tool_list",
}
#: EquipmentRequirement/EquipmentLevel values (ISA-95 equipment levels, case-insensitive).
LINE_LEVELS = {"productionline", "line", "processcell"}
STATION_LEVELS = {"workcell", "workcenter", "workunit", "unit", "productionunit", "station"}


def schema_path():
    from hmi.config import resources_dir

    return resources_dir() / "schemas" / SCHEMA_FILE


@functools.cache
def schema() -> etree.XMLSchema:
    """The shipped B2MML V0600 subset (parsed once)."""
    return etree.XMLSchema(etree.parse(str(schema_path())))


def _q(name: str) -> str:
    return f"{{{B2MML_NS}}}{name}"


def _local(el: Any) -> str:
    return etree.QName(el).localname


def _child(el: Any, name: str) -> Any:
    return el.find(_q(name)) if el is not None else None


def _children(el: Any, name: str) -> list[Any]:
    return el.findall(_q(name)) if el is not None else []


def _text(el: Any) -> str:
    return (el.text or "").strip() if el is not None else ""


def element_path(el: Any) -> str:
    """``ProductionRequest[2]/SegmentRequirement/ID``: the path below the schedule.

    An index is shown where siblings share the name. Elements outside a schedule
    (the wrapper, ApplicationArea) get their path from the root.
    """
    parts: list[str] = []
    node = el
    while node is not None:
        parent = node.getparent()
        local = _local(node)
        same = [c for c in parent if c.tag == node.tag] if parent is not None else [node]
        parts.append(f"{local}[{same.index(node) + 1}]" if len(same) > 1 else local)
        if local in _SCHEDULES and node is not el:
            if len(same) == 1:
                parts.pop()
            break
        node = parent
    return "/".join(reversed(parts))


# --------------------------------------------------------------------------- schema messages

_EL_MSG = re.compile(r"^Element '([^']+)'(?:, attribute '([^']+)')?: (.*)$", re.S)
_EXPECTED = re.compile(r"Expected is (?:one of )?\( (.*?) \)")
_ATOMIC = re.compile(r"^'(.*)' is not a valid value of the atomic type '([^']+)'")
_SET = re.compile(r"^\[facet 'enumeration'\] The value '(.*)' is not an element of the set "
                  r"\{(.*)\}")


def _schema_reason(message: str) -> str:
    msg = message.replace(f"{{{B2MML_NS}}}", "").strip()
    m = _EL_MSG.match(msg)
    if not m:
        return msg
    element, attribute, rest = m.groups()
    rest = rest.strip().rstrip(".")
    expected = _EXPECTED.search(rest)
    names = expected.group(1).replace("'", "") if expected else ""
    if rest.startswith("This element is not expected"):
        if names:
            return tr("unexpected element '%1' (expected here: %2)", element, names)
        return tr("unexpected element '%1' (nothing more is allowed here)", element)
    if rest.startswith("Missing child element"):
        return tr("missing child element (expected: %1)", names)
    if attribute and "is not allowed" in rest:
        return tr("attribute '%1' is not allowed here", attribute)
    atomic = _ATOMIC.match(rest)
    if atomic:
        value, xs_type = atomic.groups()
        if xs_type == "xs:dateTime":
            return tr("'%1' is not a date and time: use ISO 8601 with offset, e.g. "
                      "2026-03-02T14:00:00+01:00", value)
        if xs_type == "xs:integer":
            return tr("'%1' is not a whole number", value)
        return tr("'%1' is not a valid %2", value, xs_type)
    enum = _SET.match(rest)
    if enum:
        allowed = enum.group(2).replace("'", "")
        return tr("'%1' is not one of: %2", enum.group(1), allowed)
    if "Character content other than whitespace is not allowed" in rest:
        return tr("text is not allowed here, only child elements")
    if "No matching global declaration" in rest:
        return tr("'%1' is not a B2MML V0600 document element this station reads", element)
    return rest


def validate(name: str, doc: Any) -> list[Problem]:
    """Validate ``doc`` (an element tree) against the shipped schema; every problem."""
    xsd = schema()
    if xsd.validate(doc):
        return []
    tree = doc.getroottree() if hasattr(doc, "getroottree") else doc
    problems = []
    for entry in xsd.error_log:
        where, line = "", entry.line or None
        if entry.path:
            try:
                found = tree.xpath(entry.path)
            except etree.XPathError:
                found = []
            if found and isinstance(found[0], etree._Element) and isinstance(found[0].tag, str):
                where, line = element_path(found[0]), found[0].sourceline or line
        problems.append(Problem(name, line, where, _schema_reason(entry.message)))
    return problems


# --------------------------------------------------------------------------- import


class _Mapper:
    def __init__(self, name: str, kind: str) -> None:
        self.name = name
        self.kind = kind  # "production" or "operations"
        self.problems: list[Problem] = []
        self.orders: list[OrderIn] = []
        self.seen: dict[str, Any] = {}

    def bad(self, el: Any, reason: str) -> None:
        self.problems.append(Problem(self.name, el.sourceline if el is not None else None,
                                     element_path(el) if el is not None else "", reason))

    def at(self, el: Any) -> tuple[int | None, str]:
        return el.sourceline, element_path(el)

    def schedule(self, sched: Any, request_name: str) -> None:
        sched_type = _text(_child(sched, "OperationsType"))
        for req in _children(sched, request_name):
            self.request(req, sched_type)

    def request(self, req: Any, sched_type: str) -> None:
        id_el = _child(req, "ID")
        code = _text(id_el)
        if id_el is None or not code:
            if id_el is not None:
                self.bad(id_el, tr("the order number is empty"))
            return
        if why := check_code(code):
            self.bad(id_el, why)
            return
        if code in self.seen:
            first = self.seen[code]
            self.bad(id_el, tr("duplicate order '%1' (also %2, line %3)", code,
                               element_path(first), first.sourceline))
            return
        self.seen[code] = id_el
        ok = True
        if self.kind == "operations":
            op_type_el = _child(req, "OperationsType")
            op_type = _text(op_type_el) or sched_type
            if op_type and op_type != "Production":
                self.bad(op_type_el if op_type_el is not None else id_el,
                         tr("OperationsType '%1': only Production requests are imported as "
                            "orders", op_type))
                ok = False
        due = start = None
        end_el, start_el = _child(req, "EndTime"), _child(req, "StartTime")
        if end_el is not None:
            due, why = parse_time(_text(end_el))
            if why:
                self.bad(end_el, why)
        if start_el is not None:
            start, why = parse_time(_text(start_el))
            if why:
                self.bad(start_el, why)
        if start is not None and due is not None and start > due:
            self.bad(start_el, tr("starts after it ends (EndTime %1)", _text(end_el)))
        priority = 5
        prio_el = _child(req, "Priority")
        if prio_el is not None:
            value, why = parse_priority(_text(prio_el))
            if why:
                self.bad(prio_el, why)
            else:
                priority = value or 5
        order = OrderIn(code=code, product="", quantity=0.0, due=due, priority=priority,
                        description=_text(_child(req, "Description")),
                        source_line=req.sourceline, label=element_path(req),
                        where={"order": self.at(id_el)})
        produced: tuple[str, float, str, Any] | None = None
        sequences: dict[int, Any] = {}
        segments = _children(req, "SegmentRequirement")
        named = 0  # produced-material elements, valid or not
        for seg in segments:
            op = self.segment(seg, order, sequences)
            mats = self.produced_elements(seg)
            named += len(mats)
            for mat_el, product, qty, unit in self.produced(mats):
                if produced is None:
                    produced = (product, qty, unit, mat_el)
                elif (product, qty, unit) != produced[:3]:
                    self.bad(mat_el, tr("produces %1 %2 %3, but %4 (line %5) says %6 %7 %8: "
                                        "every segment of an order makes the order's product "
                                        "and quantity", qty, unit, product,
                                        element_path(produced[3]), produced[3].sourceline,
                                        produced[1], produced[2], produced[0]))
                    ok = False
            if op is not None:
                order.operations.append(op)
        if produced is None:
            if segments and not named:  # else the schema or a value check said why
                what = ("MaterialProducedRequirement" if self.kind == "production"
                        else "MaterialRequirement with MaterialUse 'Produced'")
                self.bad(id_el, tr("order %1 names no %2: the order needs the product and "
                                   "quantity it makes", code, what))
            ok = False
        else:
            order.product, order.quantity, order.unit, mat_el = produced
            product_el = _child(mat_el, "MaterialDefinitionID")
            order.where["product"] = self.at(product_el)
        order.operations.sort(key=lambda o: o.sequence)
        if ok:
            self.orders.append(order)

    def produced_elements(self, seg: Any) -> list[Any]:
        if self.kind == "production":
            return _children(seg, "MaterialProducedRequirement")
        return [m for m in _children(seg, "MaterialRequirement")
                if _text(_child(m, "MaterialUse")) == "Produced"]

    def produced(self, mats: list[Any]) -> list[tuple[Any, str, float, str]]:
        out = []
        for mat in mats:
            product_el = _child(mat, "MaterialDefinitionID")
            product = _text(product_el)
            if product_el is None:
                continue
            if why := check_code(product):
                self.bad(product_el, why)
                continue
            qty_el = _child(mat, "Quantity")
            if qty_el is None:
                self.bad(mat, tr("the produced material needs a Quantity"))
                continue
            qs_el = _child(qty_el, "QuantityString")
            if qs_el is None:
                continue  # the schema said so
            qty, why = parse_number(_text(qs_el))
            if why:
                self.bad(qs_el, why)
                continue
            unit_el = _child(qty_el, "UnitOfMeasure")
            unit = _text(unit_el) or "pcs"
            if len(unit) > 16:
                self.bad(unit_el, tr("is too long (at most 16 characters)"))
                continue
            out.append((mat, product, qty, unit))
        return out

    def segment(self, seg: Any, order: OrderIn, sequences: dict[int, Any]) -> OperationIn | None:
        id_el = _child(seg, "ID")
        if id_el is None:
            return None
        sequence, why = parse_sequence(_text(id_el))
        if why:
            self.bad(id_el, why)
            return None
        assert sequence is not None
        if sequence in sequences:
            self.bad(id_el, tr("operation %1 of order %2 is listed twice (also line %3)",
                               sequence, order.code, sequences[sequence].sourceline))
            return None
        sequences[sequence] = id_el
        name = _text(_child(seg, "Description")) or _text(_child(seg, "ProcessSegmentID"))
        if not name:
            self.bad(seg, tr("the operation needs a name: give a Description or a "
                             "ProcessSegmentID"))
            return None
        if len(name) > 200:
            self.bad(seg, tr("the operation name is too long (at most 200 characters)"))
            return None
        op = OperationIn(sequence=sequence, name=name, source_line=seg.sourceline,
                         where={"operation": self.at(id_el)})
        ok = True
        param_name = "ProductionParameter" if self.kind == "production" else "SegmentParameter"
        for param in _children(seg, param_name):
            pid_el = _child(param, "ID")
            value_el = _child(_child(param, "Value"), "ValueString")
            pid = _text(pid_el)
            if pid_el is None or value_el is None:
                continue
            fld = PARAMETERS.get(pid)
            if fld is None:
                self.bad(pid_el, tr("unknown parameter '%1' (this station reads: %2)", pid,
                                    ", ".join(PARAMETERS)))
                ok = False
                continue
            value = _text(value_el)
            if why := check_code(value):
                self.bad(value_el, why)
                ok = False
                continue
            if getattr(op, fld) is not None:
                self.bad(pid_el, tr("parameter %1 is given twice", pid))
                ok = False
                continue
            setattr(op, fld, value)
            op.where[fld] = self.at(value_el)
        for req in _children(seg, "EquipmentRequirement"):
            eq_el = _child(req, "EquipmentID")
            eq = _text(eq_el)
            if eq_el is None:
                continue
            if why := check_code(eq):
                self.bad(eq_el, why)
                ok = False
                continue
            level_el = _child(req, "EquipmentLevel")
            level = _text(level_el).replace(" ", "").lower()
            if level_el is None or not level:
                op.equipment.append(eq)
                op.where[f"equipment:{eq}"] = self.at(eq_el)
                continue
            fld = "line" if level in LINE_LEVELS else "station" if level in STATION_LEVELS else None
            if fld is None:
                self.bad(level_el, tr("unknown EquipmentLevel '%1': use ProductionLine or "
                                      "WorkCell, or leave it out", _text(level_el)))
                ok = False
                continue
            if getattr(op, fld) is not None:
                self.bad(eq_el, tr("the operation names two %1s ('%2' and '%3'); it runs at "
                                   "one", fld, getattr(op, fld), eq))
                ok = False
                continue
            setattr(op, fld, eq)
            op.where[fld] = self.at(eq_el)
        return op if ok else None


def parse_b2mml(name: str, data: bytes) -> tuple[str, list[OrderIn], list[Problem]]:
    """(format, orders, problems) from a B2MML V0600 document; nothing is raised."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return "xml", [], [Problem(name, exc.lineno or None, "",
                                   tr("XML syntax error: %1", exc.msg))]
    qn = etree.QName(root)
    roots = ", ".join(IMPORT_ROOTS)
    if qn.namespace != B2MML_NS:
        if qn.localname in IMPORT_ROOTS:
            reason = tr("namespace '%1' is not B2MML V0600: this station reads "
                        "xmlns=\"%2\"", qn.namespace or "", B2MML_NS)
        else:
            reason = tr("root element '%1' is not a B2MML V0600 order schedule (expected one "
                        "of %2 in namespace %3)", qn.localname, roots, B2MML_NS)
        return "xml", [], [Problem(name, root.sourceline, qn.localname, reason)]
    if qn.localname not in IMPORT_ROOTS:
        if qn.localname.endswith("Performance"):
            reason = tr("this is a %1 (production results), not an order schedule; import "
                        "one of %2", qn.localname, roots)
        else:
            reason = tr("root element '%1' is not an order schedule (expected one of %2)",
                        qn.localname, roots)
        return qn.localname, [], [Problem(name, root.sourceline, qn.localname, reason)]
    schedule_name, request_name, wrapped = IMPORT_ROOTS[qn.localname]
    schema_problems = validate(name, root)
    mapper = _Mapper(name, "production" if schedule_name == "ProductionSchedule"
                     else "operations")
    schedules = (_children(_child(root, "DataArea"), schedule_name) if wrapped else [root])
    for sched in schedules:
        mapper.schedule(sched, request_name)
    # A value the schema already refused is reported once (by the schema).
    flagged = {(p.line, p.where) for p in schema_problems}
    extra = [p for p in mapper.problems if (p.line, p.where) not in flagged]
    return qn.localname, mapper.orders, schema_problems + extra


# --------------------------------------------------------------------------- export


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(float(value))


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def _add(parent: Any, name: str, text: str | None = None) -> Any:
    el = etree.SubElement(parent, _q(name))
    if text is not None:
        el.text = text
    return el


def _quantities(parent: Any, good: float, scrap: float, unit: str) -> None:
    for value, key in ((good, "Good"), (scrap, "Scrap")):
        q = _add(parent, "Quantity")
        _add(q, "QuantityString", _num(value))
        _add(q, "DataType", "double")
        _add(q, "UnitOfMeasure", unit)
        _add(q, "Key", key)


def export_b2mml(
    results: Iterable[OrderResult],
    kind: str = "production",
    *,
    station_id: str | None = None,
    published: dt.datetime | None = None,
) -> bytes:
    """A ProductionPerformance (``kind="production"``) or OperationsPerformance
    (``"operations"``) document for ``results``, validated before it is returned.

    Raises :class:`OrderExportError` if the document does not match the schema.
    """
    if kind not in ("production", "operations"):
        raise ValueError(f"kind must be 'production' or 'operations', not {kind!r}")
    results = list(results)
    published = published or dt.datetime.now(dt.UTC)
    station = station_id or (results[0].station_id if results else "station")
    production = kind == "production"
    root = etree.Element(_q("ProductionPerformance" if production else "OperationsPerformance"),
                         nsmap={None: B2MML_NS})
    _add(root, "ID", f"{station}-{published.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}")
    _add(root, "Description", f"Production results of station {station}")
    if not production:
        _add(root, "OperationsType", "Production")
    _add(root, "PublishedDate", _time(published))
    for r in results:
        resp = _add(root, "ProductionResponse" if production else "OperationsResponse")
        _add(resp, "ID", f"{r.order_code}@{r.station_id}")
        _add(resp, "Description", f"{r.order_code} version {r.order_version}")
        if not production:
            _add(resp, "OperationsType", "Production")
        _add(resp, "ProductionRequestID" if production else "OperationsRequestID", r.order_code)
        if r.started_at is not None:
            _add(resp, "StartTime", _time(r.started_at))
        if r.ended_at is not None:
            _add(resp, "EndTime", _time(r.ended_at))
        if not production:
            _add(resp, "ResponseState", r.state)
        for s in r.segments:
            seg = _add(resp, "SegmentResponse")
            _add(seg, "ID", str(s.operation_sequence) if s.operation_sequence is not None
                 else r.order_code)
            if s.operation_name:
                _add(seg, "Description", s.operation_name)
            if not production:
                _add(seg, "OperationsType", "Production")
            if s.started_at is not None:
                _add(seg, "ActualStartTime", _time(s.started_at))
            if s.ended_at is not None:
                _add(seg, "ActualEndTime", _time(s.ended_at))
            if not production:
                _add(seg, "SegmentState", s.state)
            eq = _add(seg, "EquipmentActual")
            _add(eq, "EquipmentID", r.station_id)
            if r.product_code:
                mat = _add(seg, "MaterialProducedActual" if production else "MaterialActual")
                _add(mat, "MaterialDefinitionID", r.product_code)
                if not production:
                    _add(mat, "MaterialUse", "Produced")
                _quantities(mat, s.good, s.scrap, r.unit)
            if production:
                _add(seg, "SegmentState", s.state)
        if production:
            _add(resp, "ResponseState", r.state)
    problems = validate("export", root)
    if problems:
        raise OrderExportError(
            "the performance document does not match the B2MML schema (nothing was written):\n"
            + "\n".join(f"  {p}" for p in problems))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
