"""The vocabulary of the ERP order exchange: parsed orders and the problems found.

Qt-free on purpose (the central database runs the same import): no PySide6 is
imported here. Messages still go through Qt's translation when the station
application has loaded QtCore (see :func:`tr`).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field

B2MML_NS = "http://www.mesa.org/xml/B2MML-V0600"

#: Operation references an order may name, and the master-data kind they refer to.
REFERENCE_FIELDS = ("recipe", "work_instruction", "inspection_plan", "tool_list")


def tr(text: str, *args: object) -> str:
    """Translate ``text`` (Qt-style ``%1`` placeholders) without importing Qt.

    In the station application QtCore is loaded and the text goes through
    ``QCoreApplication.translate`` (context ``OrdersErp``), like
    :func:`hmi.services.i18n.tr`; on the command line or the central side, where
    Qt is not loaded, the source text is used.
    """
    qtcore = sys.modules.get("PySide6.QtCore")  # never imported from here
    out = qtcore.QCoreApplication.translate("OrdersErp", text) if qtcore is not None else text
    for i, arg in enumerate(args, 1):
        out = out.replace(f"%{i}", str(arg))
    return out


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an order file: where (line, element or column) and why."""

    file: str
    line: int | None  # 1-based line in the file (XML: the element's line)
    where: str  # "ProductionRequest[2]/SegmentRequirement/ID" or a CSV column name
    reason: str

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line else self.file
        return f"{loc}: {self.where}: {self.reason}" if self.where else f"{loc}: {self.reason}"


class OrderImportError(Exception):
    """The file was refused; ``problems`` lists every :class:`Problem` (nothing was written)."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.where))
        if len(self.problems) == 1:
            message = str(self.problems[0])
        else:
            lines = "\n".join(f"  {p}" for p in self.problems)
            message = tr("%1: %2 problems, nothing was imported:\n%3",
                         file, len(self.problems), lines)
        super().__init__(message)


class OrderExportError(Exception):
    """An export could not be produced (e.g. the document failed its own schema)."""


# --------------------------------------------------------------------------- parsed orders


@dataclass
class OperationIn:
    """One operation (B2MML: SegmentRequirement) of an order as the file states it."""

    sequence: int
    name: str
    station: str | None = None
    line: str | None = None
    recipe: str | None = None
    work_instruction: str | None = None
    inspection_plan: str | None = None
    tool_list: str | None = None
    # B2MML EquipmentIDs without an EquipmentLevel: station or line is decided on
    # import from the equipment master data (level "line" -> line, else station).
    equipment: list[str] = field(default_factory=list)
    # Where the operation is in the file, for messages: line and element/column for each field.
    source_line: int | None = None
    where: dict[str, tuple[int | None, str]] = field(default_factory=dict)


@dataclass
class OrderIn:
    """One order as the file states it (not yet checked against the database)."""

    code: str
    product: str
    quantity: float
    unit: str = "pcs"
    due: dt.datetime | None = None
    priority: int = 5
    description: str = ""
    operations: list[OperationIn] = field(default_factory=list)
    source_line: int | None = None
    label: str = ""  # "ProductionRequest[2]" or "line 5"
    where: dict[str, tuple[int | None, str]] = field(default_factory=dict)

    @property
    def line(self) -> str | None:
        """The order's line: the one line all its operations name, if they agree."""
        lines = {op.line for op in self.operations if op.line}
        return lines.pop() if len(lines) == 1 else None


@dataclass
class ParsedOrders:
    """A whole order file, parsed and checked on its own (no database yet)."""

    file: str
    sha256: str
    format: str  # "csv", "ProductionSchedule", "ProcessOperationsSchedule", ...
    orders: list[OrderIn]


# --------------------------------------------------------------------------- value checks

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")


def check_code(value: str) -> str | None:
    """``None`` if ``value`` is a valid code, else the reason."""
    if not _CODE_RE.match(value):
        return tr("'%1' is not a valid code: use 1-64 letters, digits, '-', '_', '.' or '/', "
                  "starting with a letter or digit", value)
    return None


def parse_number(text: str) -> tuple[float | None, str | None]:
    """A positive quantity from text; (value, None) or (None, reason)."""
    raw = text.strip()
    try:
        value = float(raw)
    except ValueError:
        if re.fullmatch(r"[0-9]+,[0-9]+", raw):
            return None, tr("'%1' is not a number (write the decimal separator as a point: %2)",
                            raw, raw.replace(",", "."))
        return None, tr("'%1' is not a number", raw)
    if value != value or value in (float("inf"), float("-inf")):
        return None, tr("'%1' is not a number", raw)
    if value <= 0:
        return None, tr("must be greater than 0 (got %1)", raw)
    return value, None


def parse_priority(text: str) -> tuple[int | None, str | None]:
    raw = text.strip()
    try:
        value = int(raw)
    except ValueError:
        return None, tr("'%1' is not a whole number (priority is 1 = most urgent to 9)", raw)
    if not 1 <= value <= 9:
        return None, tr("priority %1 is out of range: use 1 (most urgent) to 9", value)
    return value, None


def parse_sequence(text: str) -> tuple[int | None, str | None]:
    raw = text.strip()
    try:
        value = int(raw)
    except ValueError:
        return None, tr("'%1' is not an operation sequence number: use a whole number such "
                        "as 10", raw)
    if value <= 0:
        return None, tr("operation sequence must be greater than 0 (got %1)", raw)
    return value, None


def parse_time(text: str) -> tuple[dt.datetime | None, str | None]:
    """An ISO 8601 date and time with offset."""
    raw = text.strip()
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None, tr("'%1' is not a date and time: use ISO 8601 with offset, e.g. "
                        "2026-03-02T14:00:00+01:00", raw)
    if value.tzinfo is None:
        return None, tr("'%1' has no time zone offset: write e.g. 2026-03-02T14:00:00+01:00 "
                        "or ...Z for UTC", raw)
    return value, None
