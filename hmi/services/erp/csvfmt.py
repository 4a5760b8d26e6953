"""Orders as CSV (import) and production results as CSV (export).

Import format (docs/orders-erp.md): a header row, then one row per operation;
several rows with the same order number are that order's operations. Columns
(case-insensitive, any order; ``;`` or ``,`` separated, UTF-8 with or without
BOM):

    order, product, quantity, unit, due, priority, operation, operation_name,
    station, line, recipe, work_instruction, inspection_plan, tool_list

``order``, ``product``, ``quantity``, ``operation`` and ``operation_name`` are
required; the order-level columns (product, quantity, unit, due, priority)
must be the same on every row of one order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from hmi.services.erp.model import (
    OperationIn,
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

COLUMNS = ("order", "product", "quantity", "unit", "due", "priority", "operation",
           "operation_name", "station", "line", "recipe", "work_instruction",
           "inspection_plan", "tool_list")
REQUIRED = ("order", "product", "quantity", "operation", "operation_name")
ORDER_LEVEL = ("product", "quantity", "unit", "due", "priority")
CODE_COLUMNS = ("station", "line", "recipe", "work_instruction", "inspection_plan", "tool_list")


def _dialect(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def parse_csv(name: str, text: str) -> tuple[list[OrderIn], list[Problem]]:
    """Orders from CSV ``text``; every problem is collected, none raised."""
    problems: list[Problem] = []

    def bad(line: int | None, column: str, reason: str) -> None:
        problems.append(Problem(name, line, column, reason))

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    try:
        rows: list[tuple[int, list[str]]] = []
        start = 1
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        return [], [Problem(name, reader.line_num, "", tr("CSV syntax error: %1", exc))]
    rows = [(n, r) for n, r in rows if any(cell.strip() for cell in r)]
    if not rows:
        return [], [Problem(name, None, "", tr("the file is empty; the first row must be the "
                                               "header (%1)", ", ".join(COLUMNS)))]
    header_line, header = rows[0]
    columns = [h.strip().lower() for h in header]
    for i, col in enumerate(columns):
        if col not in COLUMNS:
            bad(header_line, col or f"column {i + 1}",
                tr("unknown column (known columns: %1)", ", ".join(COLUMNS)))
        elif columns.index(col) != i:
            bad(header_line, col, tr("column appears twice in the header"))
    for col in REQUIRED:
        if col not in columns:
            bad(header_line, col, tr("required column is missing from the header"))
    if problems:
        return [], problems

    orders: dict[str, OrderIn] = {}
    first_row: dict[str, dict[str, tuple[int, str]]] = {}
    op_lines: dict[tuple[str, int], int] = {}
    for line, row in rows[1:]:
        if len(row) != len(columns):
            bad(line, "", tr("has %1 fields, the header has %2", len(row), len(columns)))
            continue
        cells = {c: v.strip() for c, v in zip(columns, row, strict=True)}
        ok = True

        def need(col: str, cells=cells, line=line) -> str | None:
            value = cells.get(col, "")
            if not value:
                bad(line, col, tr("is required"))
                return None
            return value

        code = need("order")
        if code is not None and (why := check_code(code)):
            bad(line, "order", why)
            code = None
        product = need("product")
        if product is not None and (why := check_code(product)):
            bad(line, "product", why)
            ok = False
        quantity = None
        if (raw := need("quantity")) is not None:
            quantity, why = parse_number(raw)
            if why:
                bad(line, "quantity", why)
                ok = False
        unit = cells.get("unit") or "pcs"
        if len(unit) > 16:
            bad(line, "unit", tr("is too long (at most 16 characters)"))
            ok = False
        due = None
        if cells.get("due"):
            due, why = parse_time(cells["due"])
            if why:
                bad(line, "due", why)
                ok = False
        priority = 5
        if cells.get("priority"):
            priority, why = parse_priority(cells["priority"])
            if why:
                bad(line, "priority", why)
                ok = False
        sequence = None
        if (raw := need("operation")) is not None:
            sequence, why = parse_sequence(raw)
            if why:
                bad(line, "operation", why)
        op_name = need("operation_name")
        if op_name is not None and len(op_name) > 200:
            bad(line, "operation_name", tr("is too long (at most 200 characters)"))
            op_name = None
        refs: dict[str, str | None] = {}
        for col in CODE_COLUMNS:
            value = cells.get(col) or None
            if value is not None and (why := check_code(value)):
                bad(line, col, why)
                value = None
            refs[col] = value
        if code is None:
            continue

        order = orders.get(code)
        if order is None:
            if not ok or product is None or quantity is None:
                continue
            order = OrderIn(code=code, product=product, quantity=quantity, unit=unit, due=due,
                            priority=priority or 5, source_line=line, label=f"line {line}",
                            where={c: (line, c) for c in (*ORDER_LEVEL, "order")})
            orders[code] = order
            first_row[code] = {c: (line, cells.get(c, "")) for c in ORDER_LEVEL}
        else:
            for col in ORDER_LEVEL:
                first_line, first_value = first_row[code][col]
                if cells.get(col, "") != first_value:
                    bad(line, col, tr("'%1' differs from line %2 ('%3'): the order-level "
                                      "columns (%4) must be the same on every row of order %5",
                                      cells.get(col, ""), first_line, first_value,
                                      ", ".join(ORDER_LEVEL), code))
        if sequence is None or op_name is None:
            continue
        if (code, sequence) in op_lines:
            bad(line, "operation", tr("duplicate: order %1 operation %2 is also on line %3",
                                      code, sequence, op_lines[code, sequence]))
            continue
        op_lines[code, sequence] = line
        order.operations.append(OperationIn(
            sequence=sequence, name=op_name, source_line=line,
            where={c: (line, c) for c in (*CODE_COLUMNS, "operation")}, **refs,
        ))
    for order in orders.values():
        order.operations.sort(key=lambda o: o.sequence)
    return list(orders.values()), problems


# --------------------------------------------------------------------------- export

RESULT_COLUMNS = ("order", "version", "operation", "operation_name", "station", "product",
                  "unit", "quantity_planned", "good", "scrap", "quantity_source", "state",
                  "actual_start", "actual_end")


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if value != int(value) else str(int(value))


def _time(value) -> str:
    return value.isoformat() if value is not None else ""


def export_csv(results: Iterable[OrderResult]) -> str:
    """Production results as CSV: one row per order operation (``RESULT_COLUMNS``)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    for r in results:
        for s in r.segments:
            writer.writerow([
                r.order_code, r.order_version, s.operation_sequence if s.operation_sequence
                is not None else "", s.operation_name, r.station_id, r.product_code or "",
                r.unit, _num(r.quantity_planned), _num(s.good), _num(s.scrap), s.quantity_source,
                s.state, _time(s.started_at), _time(s.ended_at),
            ])
    return out.getvalue()
