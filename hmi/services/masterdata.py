"""Import of master data from a TOML file (format: docs/masterdata.md).

One file, one transaction: the whole file is parsed, validated (field by
field with pydantic, then across records and against what the database
already holds) and only then written. Any problem raises
:class:`MasterDataError` listing every problem found, each naming the file,
the record and the field::

    demo.toml: products[2] (code 'BRK-100').ideal_cycle_time_s: must be greater than 0

and nothing from the file is written.

Versioning: a record whose content equals the latest released version of
its code changes nothing; a changed record becomes version n+1 (released),
the old version stays as it was. Recipes are the exception: a new recipe
version is imported as a ``draft`` (it is approved with an e-signature at a
station before it can be used), and a recipe is "unchanged" when it equals the
newest version of its code whatever that version's status. PINs are hashed on import
(``hmi.services.auth.hash_pin``) and stored as ``PinCredential`` events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import tomllib
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.inspection import inspect as sa_inspect
from sqlalchemy.orm import Session, sessionmaker

from hmi.store import models as m
from hmi.store.base import MasterStatus
from hmi.store.events import append_event

log = logging.getLogger(__name__)

FORMAT_VERSION = 1

# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Issue:
    """One problem in an import file: where it is and what is wrong."""

    file: str
    record: str  # "products[2] (code 'BRK-100')", or "" for the file itself
    field: str  # "ideal_cycle_time_s", "items[0].material", or ""
    reason: str

    def __str__(self) -> str:
        where = self.record
        if self.field:
            where = f"{where}.{self.field}" if where else self.field
        return f"{self.file}: {where}: {self.reason}" if where else f"{self.file}: {self.reason}"


class MasterDataError(Exception):
    """The file was refused; ``errors`` lists every :class:`Issue` found."""

    def __init__(self, file: str, errors: list[Issue]) -> None:
        self.file = file
        self.errors = errors
        if len(errors) == 1:
            message = str(errors[0])
        else:
            lines = "\n".join(f"  {e}" for e in errors)
            message = f"{file}: {len(errors)} problems, nothing was imported:\n{lines}"
        super().__init__(message)


# --------------------------------------------------------------------------- field types

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_PERMISSION_RE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")
#: A station's logical tag name (``[[machine.tags]] name`` in the station file).
_TAG_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _check_code(value: str) -> str:
    if not _CODE_RE.match(value):
        raise ValueError(
            f"'{value}' is not a valid code: use 1-64 letters, digits, '-', '_', '.' or '/', "
            "starting with a letter or digit"
        )
    return value


def _check_time(value: str) -> str:
    if not _TIME_RE.match(value):
        raise ValueError(f"'{value}' is not a time of day; write it as HH:MM (00:00 to 23:59)")
    return value


def _check_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone '{value}'; use an IANA name such as 'Europe/Berlin'"
        ) from None
    return value


_PIN_RE = re.compile(r"^[0-9]{4,8}$")


def _check_pin(value: str) -> str:
    if not _PIN_RE.match(value):
        raise ValueError("a PIN is 4 to 8 digits, written as a string (pin = \"1234\")")
    return value


def _shipped_languages() -> tuple[str, ...]:
    """English and every language with a shipped ``resources/i18n/hmi_<code>.ts``.

    Same answer as :func:`hmi.services.i18n.shipped_languages`, without importing Qt
    (the central side imports master data too)."""
    from hmi.config import resources_dir

    found = {p.stem.removeprefix("hmi_") for p in (resources_dir() / "i18n").glob("hmi_*.ts")}
    return ("en", *sorted(found - {"en"}))


def _check_language(value: str) -> str:
    shipped = _shipped_languages()
    if value not in shipped:
        raise ValueError(
            f"'{value}' is not a language this station ships; use one of: {', '.join(shipped)} "
            "(or leave language out for the station's language)"
        )
    return value


def _check_tag_name(value: str) -> str:
    if not _TAG_NAME_RE.match(value):
        raise ValueError(
            f"'{value}' is not a logical tag name: use the name the station file gives the "
            "signal in [[machine.tags]] (lower-case letters, digits and '_', starting with a "
            "letter, e.g. \"press_force_sp\"), not its device address"
        )
    return value


Code = Annotated[str, AfterValidator(_check_code)]
TagName = Annotated[str, AfterValidator(_check_tag_name)]
TimeOfDay = Annotated[str, AfterValidator(_check_time)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Unit = Annotated[str, Field(min_length=1, max_length=16)]
OptUnit = Annotated[str, Field(max_length=16)]


def Text(max_length: int) -> Any:  # noqa: N802 - reads like a type in the models below
    return Annotated[str, Field(max_length=max_length)]


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


# --------------------------------------------------------------------------- file schema


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class EquipmentIn(_Record):
    code: Code
    name: Name
    level: Literal["enterprise", "site", "area", "line", "work_center", "station", "unit"]
    parent: Code | None = None
    description: str = ""


class MaterialIn(_Record):
    code: Code
    name: Name
    unit: Unit
    kind: Literal["raw", "component", "subassembly", "packaging", "consumable"] = "component"
    lot_controlled: bool = True
    shelf_life_days: int | None = Field(default=None, gt=0)
    description: str = ""
    gtin: str | None = Field(default=None, pattern=r"^(\d{8}|\d{12}|\d{13}|\d{14})$")
    low_level: float | None = Field(default=None, ge=0)
    consumed_per: Literal["unit", "lot"] = "unit"


class ProductIn(_Record):
    code: Code
    name: Name
    unit: Unit = "pcs"
    ideal_cycle_time_s: float = Field(gt=0)
    tracking: Literal["serial", "lot", "none"] = "serial"
    gtin: str | None = Field(default=None, pattern=r"^(\d{8}|\d{12}|\d{13}|\d{14})$")
    description: str = ""


class BomItemIn(_Record):
    material: Code
    qty: float = Field(gt=0)
    unit: Unit


class BomIn(_Record):
    product: Code
    code: Code | None = None  # defaults to the product code
    name: Text(200) = ""
    base_quantity: float = Field(default=1.0, gt=0)
    items: list[BomItemIn] = Field(min_length=1)

    @property
    def bom_code(self) -> str:
        return self.code or self.product


class ReasonIn(_Record):
    code: Code
    name: Name
    parent: Code | None = None
    category: Literal["planned", "unplanned"]
    fault_codes: list[Annotated[int, Field(ge=0)]] = []
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    requires_comment: bool = False

    @field_validator("fault_codes")
    @classmethod
    def _unique_faults(cls, value: list[int]) -> list[int]:
        dupes = sorted({v for v in value if value.count(v) > 1})
        if dupes:
            raise ValueError(f"fault code {dupes[0]} is listed twice")
        return value


class BreakIn(_Record):
    name: Text(64) = "Break"
    start: TimeOfDay
    end: TimeOfDay
    planned: bool = True


class ShiftIn(_Record):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    start: TimeOfDay
    end: TimeOfDay
    weekdays: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = list(WEEKDAYS)
    breaks: list[BreakIn] = []

    @model_validator(mode="after")
    def _breaks_inside(self) -> ShiftIn:
        if not self.weekdays:
            raise ValueError("weekdays: list at least one day")
        start = _minutes(self.start)
        end = _minutes(self.end)
        if end <= start:
            end += 24 * 60  # crosses midnight (end == start: a 24 h shift)
        for i, brk in enumerate(self.breaks):
            b_start = _minutes(brk.start)
            if b_start < start:
                b_start += 24 * 60
            b_len = (_minutes(brk.end) - _minutes(brk.start)) % (24 * 60)
            if b_len == 0:
                raise ValueError(f"breaks[{i}]: start and end are both {brk.start}")
            if b_start + b_len > end:
                raise ValueError(
                    f"breaks[{i}]: {brk.start}-{brk.end} is not inside the shift "
                    f"{self.start}-{self.end}"
                )
        return self


class ShiftCalendarIn(_Record):
    code: Code
    name: Name
    timezone: Annotated[str, AfterValidator(_check_timezone)]
    equipment: Code | None = None
    shifts: list[ShiftIn] = Field(min_length=1)

    @field_validator("shifts")
    @classmethod
    def _unique_names(cls, value: list[ShiftIn]) -> list[ShiftIn]:
        names = [s.name for s in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"shift name '{dupes[0]}' is used twice")
        return value


class StepIn(_Record):
    title: Text(200) = ""
    text: Annotated[str, Field(min_length=1)]
    warning: str = ""
    media: Text(500) | None = None
    media_page: int | None = Field(default=None, ge=1)
    confirm: bool = False
    mandatory: bool = True
    requires_signoff: bool = False
    input: Literal["none", "number", "text", "scan", "reading"] = "none"
    input_label: Text(200) = ""
    unit: OptUnit = ""
    min: float | None = None
    max: float | None = None
    scan_kind: Literal["component", "tool"] | None = None
    expected_code: Code | None = None
    reading_tag: TagName | None = None
    required_tools: list[Code] = []

    @model_validator(mode="after")
    def _combinations(self) -> StepIn:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is greater than max ({self.max:g})")
        if (self.min is not None or self.max is not None) and self.input not in ("number",
                                                                                  "reading"):
            raise ValueError(f'min and max apply to input = "number" or "reading" only '
                             f'(this step has input = "{self.input}")')
        if self.media_page is not None and self.media is None:
            raise ValueError("media_page needs media (the PDF whose page to show)")
        if self.input == "scan" and self.scan_kind is None:
            raise ValueError('a scan step needs scan_kind = "component" (a material of the '
                             'order\'s BOM) or "tool" (a tool of the operation\'s tool list)')
        if self.scan_kind is not None and self.input != "scan":
            raise ValueError(f'scan_kind applies to input = "scan" only (this step has '
                             f'input = "{self.input}")')
        if self.expected_code is not None and self.scan_kind is None:
            raise ValueError('expected_code needs input = "scan" and a scan_kind')
        if self.input == "reading" and self.reading_tag is None:
            raise ValueError('a reading step needs reading_tag: the station tag whose live '
                             'value is taken (e.g. "temperature")')
        if self.reading_tag is not None and self.input != "reading":
            raise ValueError(f'reading_tag applies to input = "reading" only (this step has '
                             f'input = "{self.input}")')
        dupes = sorted({t for t in self.required_tools if self.required_tools.count(t) > 1})
        if dupes:
            raise ValueError(f"required_tools: tool type '{dupes[0]}' is listed twice")
        return self


class WorkInstructionIn(_Record):
    code: Code
    name: Name
    product: Code | None = None
    operation: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    steps: list[StepIn] = Field(min_length=1)


class ParameterIn(_Record):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    tag: TagName
    type: Literal["real", "int", "bool"] = "real"
    value: float
    unit: OptUnit = ""
    min: float | None = None
    max: float | None = None
    tolerance: float | None = Field(default=None, gt=0)
    actual_tag: TagName | None = None

    @model_validator(mode="after")
    def _in_range(self) -> ParameterIn:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is greater than max ({self.max:g})")
        if self.min is not None and self.value < self.min:
            raise ValueError(f"value {self.value:g} is below min {self.min:g}")
        if self.max is not None and self.value > self.max:
            raise ValueError(f"value {self.value:g} is above max {self.max:g}")
        if self.type == "int" and self.value != int(self.value):
            raise ValueError(f"value {self.value:g} is not a whole number (type = \"int\")")
        if self.type == "bool" and self.value not in (0, 1):
            raise ValueError("a bool parameter's value is 0 or 1")
        if self.type == "bool" and self.tolerance is not None:
            raise ValueError("a bool parameter has no tolerance (it is either right or wrong)")
        if self.actual_tag is not None and self.actual_tag == self.tag:
            raise ValueError(f"actual_tag '{self.actual_tag}' is the setpoint tag itself; "
                             "leave actual_tag out when the setpoint tag is also the actual "
                             "value")
        return self


class RecipeIn(_Record):
    code: Code
    name: Name
    product: Code | None = None
    equipment: Code | None = None
    machine_type: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    requires_approval: bool = False
    parameters: list[ParameterIn] = Field(min_length=1)

    @field_validator("parameters")
    @classmethod
    def _unique_names(cls, value: list[ParameterIn]) -> list[ParameterIn]:
        names = [p.name for p in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"parameter '{dupes[0]}' is listed twice")
        tags = [p.tag for p in value]
        dupes = sorted({t for t in tags if tags.count(t) > 1})
        if dupes:
            raise ValueError(f"tag '{dupes[0]}' is written by two parameters")
        return value


_TRIGGERS = ("first_piece", "every_parts", "every_minutes", "shift_start", "changeover",
             "after_downtime", "recipe_change", "spc_alarm")
_VARIABLE_CHARTS = ("xbar_r", "xbar_s", "imr")
_ATTRIBUTE_CHARTS = ("p", "np", "c", "u")


class FrequencyIn(_Record):
    trigger: Literal["first_piece", "every_parts", "every_minutes", "shift_start", "changeover",
                     "after_downtime", "recipe_change", "spc_alarm"]
    every: int | None = None

    @model_validator(mode="after")
    def _valid(self) -> FrequencyIn:
        from hmi.services.inspection_due import Frequency, Trigger

        try:
            Frequency(Trigger(self.trigger), self.every)
        except ValueError as exc:
            hint = (" (parts)" if self.trigger == "every_parts" else
                    " (minutes)" if self.trigger == "every_minutes" else "")
            raise ValueError(f"{exc}{hint}") from None
        return self


class CharacteristicIn(_Record):
    code: Code
    name: Name
    type: Literal["variable", "attribute", "checklist"]
    target: float | None = None
    lsl: float | None = None
    usl: float | None = None
    unit: OptUnit = ""
    subgroup_size: int = Field(default=1, ge=1, le=25)
    every_units: int | None = Field(default=None, gt=0)
    every_minutes: int | None = Field(default=None, gt=0)
    frequencies: list[FrequencyIn] = []
    requires_signature: bool = False
    resolution: float | None = Field(default=None, gt=0)
    physical_min: float | None = None
    physical_max: float | None = None
    defect_codes: list[Code] = []
    chart: Literal["xbar_r", "xbar_s", "imr", "p", "np", "c", "u"] | None = None
    rule_set: Literal["nelson", "western_electric"] = "nelson"
    reaction: Literal["note", "reinspect", "hold", "andon"] = "note"
    gauge_kind: Code | None = None

    @model_validator(mode="after")
    def _limits(self) -> CharacteristicIn:
        if self.type == "variable" and self.lsl is None and self.usl is None:
            raise ValueError("a variable characteristic needs lsl, usl or both")
        if self.type != "variable":
            given = [f for f in ("target", "lsl", "usl", "resolution", "physical_min",
                                 "physical_max") if getattr(self, f) is not None]
            if given:
                raise ValueError(f"{', '.join(given)} apply to type = \"variable\" only "
                                 f"(this characteristic has type = \"{self.type}\")")
        if self.lsl is not None and self.usl is not None and self.lsl >= self.usl:
            raise ValueError(f"lsl ({self.lsl:g}) must be below usl ({self.usl:g})")
        if self.target is not None:
            if (self.lsl is not None and self.target < self.lsl) or (
                self.usl is not None and self.target > self.usl
            ):
                raise ValueError(f"target {self.target:g} lies outside lsl/usl")
        lo, hi = self.physical_min, self.physical_max
        if lo is not None and hi is not None and lo >= hi:
            raise ValueError(f"physical_min ({lo:g}) must be below physical_max ({hi:g})")
        for name in ("lsl", "usl", "target"):
            v = getattr(self, name)
            if v is not None and ((lo is not None and v < lo) or (hi is not None and v > hi)):
                raise ValueError(f"{name} {v:g} lies outside the physically possible range "
                                 f"physical_min..physical_max")
        self._frequency_checks()
        self._chart_checks()
        if self.defect_codes and self.type != "attribute":
            raise ValueError(f"defect_codes apply to type = \"attribute\" only (this "
                             f"characteristic has type = \"{self.type}\")")
        dupes = sorted({c for c in self.defect_codes if self.defect_codes.count(c) > 1})
        if dupes:
            raise ValueError(f"defect code '{dupes[0]}' is listed twice")
        return self

    def _frequency_checks(self) -> None:
        if self.frequencies:
            if self.every_units is not None or self.every_minutes is not None:
                raise ValueError("give either frequencies or every_units/every_minutes, not "
                                 "both")
            triggers = [f.trigger for f in self.frequencies]
            dupes = sorted({t for t in triggers if triggers.count(t) > 1})
            if dupes:
                raise ValueError(f"frequencies: trigger '{dupes[0]}' is listed twice")
            if "spc_alarm" in triggers and self.chart is None:
                raise ValueError("frequencies: spc_alarm needs a chart (no SPC rule can fire "
                                 "without one)")
        elif self.every_units is None and self.every_minutes is None:
            raise ValueError("say how often: frequencies, or every_units, every_minutes or both")

    def _chart_checks(self) -> None:
        chart = self.chart
        if chart is None:
            if self.reaction != "note":
                raise ValueError(f"reaction = \"{self.reaction}\" needs a chart (the reaction "
                                 "follows an SPC rule firing)")
            return
        if self.type == "checklist":
            raise ValueError("a checklist item has no chart")
        if self.type == "variable" and chart not in _VARIABLE_CHARTS:
            raise ValueError(f"chart \"{chart}\" is for attribute data; a variable "
                             f"characteristic uses {', '.join(_VARIABLE_CHARTS)}")
        if self.type == "attribute" and chart not in _ATTRIBUTE_CHARTS:
            raise ValueError(f"chart \"{chart}\" is for measured values; an attribute "
                             f"characteristic uses {', '.join(_ATTRIBUTE_CHARTS)}")
        if chart in ("xbar_r", "xbar_s") and self.subgroup_size < 2:
            raise ValueError(f"chart \"{chart}\" needs subgroup_size of at least 2 (use "
                             "\"imr\" for single values)")
        if chart == "imr" and self.subgroup_size != 1:
            raise ValueError(f"chart \"imr\" charts single values: subgroup_size must be 1 "
                             f"(it is {self.subgroup_size}; use \"xbar_r\" or \"xbar_s\")")

    def frequency_list(self) -> list[dict[str, Any]]:
        """The frequencies as stored (derived from every_units/every_minutes when empty)."""
        if self.frequencies:
            return [{"trigger": f.trigger, "every": f.every} for f in self.frequencies]
        out: list[dict[str, Any]] = []
        if self.every_units is not None:
            out.append({"trigger": "every_parts", "every": self.every_units})
        if self.every_minutes is not None:
            out.append({"trigger": "every_minutes", "every": self.every_minutes})
        return out


class InspectionPlanIn(_Record):
    code: Code
    name: Name
    product: Code | None = None
    operation: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    grace_minutes: float = Field(default=10.0, gt=0)
    signer_must_differ: bool = True
    characteristics: list[CharacteristicIn] = Field(min_length=1)

    @field_validator("characteristics")
    @classmethod
    def _unique_codes(cls, value: list[CharacteristicIn]) -> list[CharacteristicIn]:
        codes = [c.code for c in value]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"characteristic '{dupes[0]}' is listed twice")
        return value


class GaugeIn(_Record):
    code: Code
    name: Name
    kind: Code
    resolution: float | None = Field(default=None, gt=0)
    range_min: float | None = None
    range_max: float | None = None
    unit: OptUnit = ""
    calibration_due: dt.datetime | dt.date | None = None

    @model_validator(mode="after")
    def _checks(self) -> GaugeIn:
        lo, hi = self.range_min, self.range_max
        if lo is not None and hi is not None and lo >= hi:
            raise ValueError(f"range_min ({lo:g}) must be below range_max ({hi:g})")
        return self

    @field_validator("calibration_due")
    @classmethod
    def _aware(cls, due: dt.datetime | dt.date | None) -> dt.datetime | dt.date | None:
        if isinstance(due, dt.datetime) and due.tzinfo is None:
            raise ValueError("needs a time zone offset (2026-03-12T00:00:00+01:00), or write "
                             "a plain date (2026-03-12)")
        return due

    def calibration_due_utc(self) -> dt.datetime | None:
        """A plain date means: due from the start of that day (UTC)."""
        due = self.calibration_due
        if due is None:
            return None
        if isinstance(due, dt.datetime):
            return due.astimezone(dt.UTC)
        return dt.datetime(due.year, due.month, due.day, tzinfo=dt.UTC)


class ToolIn(_Record):
    code: Code
    name: Name
    tool_type: Code
    kind: Literal["tool", "fixture"] = "tool"
    life_unit: Literal["cycles", "shots"] = "cycles"
    life_limit: int | None = Field(default=None, gt=0)
    warn_at: int | None = Field(default=None, gt=0)
    parts_per_cycle: float = Field(default=1.0, gt=0)
    description: str = ""

    @model_validator(mode="after")
    def _life(self) -> ToolIn:
        if self.warn_at is not None and self.life_limit is None:
            raise ValueError("warn_at needs life_limit (a tool without a limit never warns)")
        if self.warn_at is not None and self.life_limit is not None and (
                self.warn_at >= self.life_limit):
            raise ValueError(f"warn_at ({self.warn_at}) must be below life_limit "
                             f"({self.life_limit})")
        return self


class ToolListItemIn(_Record):
    tool_type: Code
    qty: int = Field(default=1, ge=1)


class ToolListIn(_Record):
    code: Code
    name: Text(200) = ""
    product: Code | None = None
    items: list[ToolListItemIn] = Field(min_length=1)

    @field_validator("items")
    @classmethod
    def _unique_types(cls, value: list[ToolListItemIn]) -> list[ToolListItemIn]:
        types = [i.tool_type for i in value]
        dupes = sorted({t for t in types if types.count(t) > 1})
        if dupes:
            raise ValueError(f"tool type '{dupes[0]}' is listed twice; give it once with qty")
        return value


class OperationIn(_Record):
    sequence: int = Field(gt=0)
    name: Name
    station: Code | None = None
    line: Code | None = None
    work_instruction: Code | None = None
    recipe: Code | None = None
    inspection_plan: Code | None = None
    tool_list: Code | None = None
    ideal_cycle_time_s: float | None = Field(default=None, gt=0)


class WorkOrderIn(_Record):
    code: Code
    product: Code
    bom: Code | None = None
    quantity: float = Field(gt=0)
    unit: Unit = "pcs"
    due: AwareDatetime | None = None
    priority: int = Field(default=5, ge=1, le=9)
    line: Code | None = None
    customer_ref: Text(64) = ""
    notes: str = ""
    operations: list[OperationIn] = Field(min_length=1)

    @field_validator("operations")
    @classmethod
    def _unique_sequences(cls, value: list[OperationIn]) -> list[OperationIn]:
        seqs = [o.sequence for o in value]
        dupes = sorted({s for s in seqs if seqs.count(s) > 1})
        if dupes:
            raise ValueError(f"operation sequence {dupes[0]} is used twice")
        return value


class RoleIn(_Record):
    code: Code
    name: Name
    permissions: list[str] = []

    @field_validator("permissions")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        from hmi.services.permissions import ALL_PERMISSIONS

        for perm in value:
            if perm not in ALL_PERMISSIONS:
                raise ValueError(
                    f"unknown permission '{perm}' (known: {', '.join(sorted(ALL_PERMISSIONS))})"
                )
        if len(set(value)) != len(value):
            raise ValueError("a permission is listed twice")
        return sorted(value)


class UserIn(_Record):
    badge: Code
    name: Name
    roles: list[Code] = Field(min_length=1)
    pin: Annotated[str, AfterValidator(_check_pin)] | None = None
    active: bool = True
    #: UI language while this person is logged in ("de"); absent: the station's [ui] language.
    language: Annotated[str, AfterValidator(_check_language)] | None = None


class MasterDataFile(_Record):
    format_version: int
    equipment: list[EquipmentIn] = []
    materials: list[MaterialIn] = []
    products: list[ProductIn] = []
    boms: list[BomIn] = []
    downtime_reasons: list[ReasonIn] = []
    shift_calendars: list[ShiftCalendarIn] = []
    work_instructions: list[WorkInstructionIn] = []
    recipes: list[RecipeIn] = []
    gauges: list[GaugeIn] = []
    inspection_plans: list[InspectionPlanIn] = []
    tools: list[ToolIn] = []
    tool_lists: list[ToolListIn] = []
    work_orders: list[WorkOrderIn] = []
    roles: list[RoleIn] = []
    users: list[UserIn] = []


#: Which field names a record in each section (for error messages and duplicates).
RECORD_KEY: dict[str, str] = {
    "equipment": "code",
    "materials": "code",
    "products": "code",
    "boms": "product",
    "downtime_reasons": "code",
    "shift_calendars": "code",
    "work_instructions": "code",
    "recipes": "code",
    "gauges": "code",
    "inspection_plans": "code",
    "tools": "code",
    "tool_lists": "code",
    "work_orders": "code",
    "roles": "code",
    "users": "badge",
}
SECTIONS = tuple(RECORD_KEY)

# --------------------------------------------------------------------------- report


@dataclass
class KindCount:
    created: int = 0  # new versions written (first versions included)
    unchanged: int = 0  # identical to the latest released version


@dataclass
class ImportReport:
    file: str
    sha256: str
    counts: dict[str, KindCount] = field(default_factory=dict)
    pins_set: int = 0

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return self.created > 0 or self.pins_set > 0

    def summary(self) -> str:
        parts = [
            f"{kind}: {c.created} new version(s), {c.unchanged} unchanged"
            for kind, c in self.counts.items() if c.created or c.unchanged
        ]
        if self.pins_set:
            parts.append(f"PINs set: {self.pins_set}")
        return f"{self.file}: " + ("; ".join(parts) if parts else "empty")


# --------------------------------------------------------------------------- errors from pydantic


def _fmt_num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _reason(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {
            "greater_than": ("gt", "greater than"),
            "greater_than_equal": ("ge", "at least"),
            "less_than": ("lt", "less than"),
            "less_than_equal": ("le", "at most"),
        }[kind]
        return f"must be {op[1]} {_fmt_num(ctx[op[0]])}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')} (got {err.get('input')!r})"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "too_short":
        return "must not be empty" if ctx.get("min_length") == 1 else err["msg"].lower()
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return f"must be a number (got {err.get('input')!r})"
    if kind in ("string_type", "bool_type", "list_type"):
        what = {"string_type": "text", "bool_type": "true or false", "list_type": "a list"}[kind]
        return f"must be {what} (got {err.get('input')!r})"
    if kind == "string_pattern_mismatch":
        return f"{err.get('input')!r} does not have the expected form ({ctx.get('pattern')})"
    if kind == "timezone_aware":
        return "needs a time zone offset, e.g. 2026-03-02T14:00:00+01:00"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"].removeprefix("Value error, ")))
    msg: str = err["msg"]
    return msg[0].lower() + msg[1:]


def _record_label(raw: dict[str, Any], section: str, index: int) -> str:
    label = f"{section}[{index}]"
    records = raw.get(section)
    key = RECORD_KEY.get(section, "code")
    if isinstance(records, list) and index < len(records) and isinstance(records[index], dict):
        value = records[index].get(key)
        if isinstance(value, str | int):
            label += f" ({key} '{value}')"
    return label


def _field_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _issues_from_validation(
    file: str, raw: dict[str, Any], exc: ValidationError
) -> list[Issue]:
    issues = []
    for err in exc.errors():
        loc = list(err["loc"])
        # Union members (e.g. "str | None") add the member type to loc; drop it.
        loc = [p for p in loc if not (isinstance(p, str) and p.startswith(("function-", "constrained-")))]
        if loc and loc[0] in SECTIONS and len(loc) >= 2 and isinstance(loc[1], int):
            record = _record_label(raw, loc[0], loc[1])
            issues.append(Issue(file, record, _field_path(loc[2:]), _reason(err)))
        elif loc and loc[0] in SECTIONS and len(loc) == 1:
            issues.append(Issue(file, "", loc[0], f"{_reason(err)} (use [[{loc[0]}]] tables)"))
        else:
            issues.append(Issue(file, "", _field_path(loc), _reason(err)))
    return issues


# --------------------------------------------------------------------------- database helpers


def _latest(session: Session, model: type, codes: Iterable[str] | None = None, *,
            any_status: bool = False) -> dict[str, Any]:
    """Latest released version of each code of ``model`` (optionally only ``codes``).

    ``any_status``: the newest version whatever its status (draft, released, retired).
    """
    latest = select(model.code, func.max(model.version).label("v")).group_by(model.code)
    if not any_status:
        latest = latest.where(model.status == MasterStatus.RELEASED.value)
    if codes is not None:
        latest = latest.where(model.code.in_(list(codes)))
    sub = latest.subquery()
    rows = session.scalars(
        select(model).join(sub, (model.code == sub.c.code) & (model.version == sub.c.v))
    ).all()
    return {row.code: row for row in rows}


def _max_versions(session: Session, model: type, codes: Iterable[str]) -> dict[str, int]:
    rows = session.execute(
        select(model.code, func.max(model.version))
        .where(model.code.in_(list(codes)))
        .group_by(model.code)
    ).all()
    return {code: int(v) for code, v in rows}


_MASTER_COLUMNS = {"id", "code", "version", "status", "valid_from", "created_at", "source"}


def _norm(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


def content(obj: Any, *, _child: bool = False) -> dict[str, Any]:
    """What a master-data version says, without identity and bookkeeping columns.

    Two versions with equal content are the same data. Child rows (BOM items,
    parameters, shifts and their breaks, ...) are part of the content.
    """
    mapper = sa_inspect(type(obj))
    out: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if not _child and attr.key in _MASTER_COLUMNS:
            continue
        if _child and (column.primary_key or column.foreign_keys):
            continue
        out[attr.key] = _norm(getattr(obj, attr.key))
    for rel in mapper.relationships:
        if rel.cascade.delete_orphan:
            out[rel.key] = [content(child, _child=True) for child in getattr(obj, rel.key)]
    return out


# --------------------------------------------------------------------------- builders


def _build_equipment(r: EquipmentIn) -> m.Equipment:
    return m.Equipment(
        name=r.name, level=r.level, parent_code=r.parent, description=r.description
    )


def _build_material(r: MaterialIn) -> m.MaterialDefinition:
    return m.MaterialDefinition(
        name=r.name, unit=r.unit, kind=r.kind, lot_controlled=r.lot_controlled,
        shelf_life_days=r.shelf_life_days, description=r.description,
        gtin=r.gtin.zfill(14) if r.gtin else None, low_level=r.low_level,
        consumed_per=r.consumed_per,
    )


def _build_product(r: ProductIn) -> m.Product:
    return m.Product(
        name=r.name, unit=r.unit, ideal_cycle_time_s=r.ideal_cycle_time_s,
        tracking=r.tracking, gtin=r.gtin, description=r.description,
    )


def _build_bom(r: BomIn) -> m.Bom:
    return m.Bom(
        product_code=r.product, name=r.name, base_quantity=r.base_quantity,
        items=[
            m.BomItem(position=i + 1, material_code=it.material, quantity=it.qty, unit=it.unit)
            for i, it in enumerate(r.items)
        ],
    )


def _build_reason(r: ReasonIn) -> m.DowntimeReason:
    return m.DowntimeReason(
        name=r.name, parent_code=r.parent, category=r.category, color=r.color,
        requires_comment=r.requires_comment,
        fault_codes=[m.DowntimeReasonFaultCode(fault_code=fc) for fc in sorted(r.fault_codes)],
    )


def _build_calendar(r: ShiftCalendarIn) -> m.ShiftCalendar:
    return m.ShiftCalendar(
        name=r.name, timezone=r.timezone, equipment_code=r.equipment,
        shifts=[
            m.ShiftDefinition(
                position=i + 1, name=s.name, start_time=s.start, end_time=s.end,
                weekdays=[WEEKDAYS.index(d) + 1 for d in s.weekdays],
                breaks=[
                    m.ShiftBreak(position=j + 1, name=b.name, start_time=b.start,
                                 end_time=b.end, planned=b.planned)
                    for j, b in enumerate(s.breaks)
                ],
            )
            for i, s in enumerate(r.shifts)
        ],
    )


def _build_instruction(r: WorkInstructionIn) -> m.WorkInstruction:
    return m.WorkInstruction(
        name=r.name, product_code=r.product, operation=r.operation,
        steps=[
            m.WorkInstructionStep(
                position=i + 1, title=s.title, text=s.text, media_ref=s.media,
                requires_confirmation=s.confirm, input_kind=s.input, input_label=s.input_label,
                input_unit=s.unit, input_min=s.min, input_max=s.max, warning=s.warning,
                media_page=s.media_page, mandatory=s.mandatory,
                requires_signoff=s.requires_signoff, scan_kind=s.scan_kind,
                expected_code=s.expected_code, reading_tag=s.reading_tag,
                required_tools=list(s.required_tools),
            )
            for i, s in enumerate(r.steps)
        ],
    )


def _build_recipe(r: RecipeIn) -> m.Recipe:
    return m.Recipe(
        name=r.name, product_code=r.product, equipment_code=r.equipment,
        requires_approval=r.requires_approval, machine_type=r.machine_type,
        parameters=[
            m.RecipeParameter(
                position=i + 1, name=p.name, tag=p.tag, data_type=p.type, value=p.value,
                unit=p.unit, min_value=p.min, max_value=p.max, tolerance=p.tolerance,
                actual_tag=p.actual_tag,
            )
            for i, p in enumerate(r.parameters)
        ],
    )


def _build_plan(r: InspectionPlanIn) -> m.InspectionPlan:
    # Every column is set here (not left to its INSERT default) so that the content of
    # a plan built from the file compares equal to the stored one.
    return m.InspectionPlan(
        name=r.name, product_code=r.product, operation=r.operation,
        grace_minutes=float(r.grace_minutes), signer_must_differ=r.signer_must_differ,
        characteristics=[
            m.InspectionCharacteristic(
                position=i + 1, code=c.code, name=c.name, kind=c.type, target=c.target,
                lsl=c.lsl, usl=c.usl, unit=c.unit, subgroup_size=c.subgroup_size,
                frequency_units=c.every_units, frequency_minutes=c.every_minutes,
                requires_signature=c.requires_signature, resolution=c.resolution,
                physical_min=c.physical_min, physical_max=c.physical_max,
                frequencies=c.frequency_list(), defect_codes=list(c.defect_codes),
                chart=c.chart, rule_set=c.rule_set, reaction=c.reaction,
                gauge_kind=c.gauge_kind,
            )
            for i, c in enumerate(r.characteristics)
        ],
    )


def _build_gauge(r: GaugeIn) -> m.Gauge:
    return m.Gauge(
        name=r.name, kind=r.kind, resolution=r.resolution, range_min=r.range_min,
        range_max=r.range_max, unit=r.unit, calibration_due=r.calibration_due_utc(),
    )


def _build_tool(r: ToolIn) -> m.Tool:
    return m.Tool(
        name=r.name, tool_type=r.tool_type, kind=r.kind, life_unit=r.life_unit,
        life_limit=r.life_limit, warn_at=r.warn_at, parts_per_cycle=r.parts_per_cycle,
        description=r.description,
    )


def _build_tool_list(r: ToolListIn) -> m.ToolList:
    return m.ToolList(
        name=r.name, product_code=r.product,
        items=[
            m.ToolListItem(position=i + 1, tool_type=it.tool_type, quantity=it.qty)
            for i, it in enumerate(r.items)
        ],
    )


def _build_order(r: WorkOrderIn) -> m.WorkOrder:
    return m.WorkOrder(
        product_code=r.product, product_version=None, bom_code=r.bom, quantity=r.quantity,
        unit=r.unit, due_at=r.due, priority=r.priority, line_code=r.line,
        customer_ref=r.customer_ref, notes=r.notes,
        operations=[
            m.WorkOrderOperation(
                sequence=o.sequence, name=o.name, station_code=o.station, line_code=o.line,
                work_instruction_code=o.work_instruction, recipe_code=o.recipe,
                inspection_plan_code=o.inspection_plan, tool_list_code=o.tool_list,
                ideal_cycle_time_s=o.ideal_cycle_time_s,
            )
            for o in sorted(r.operations, key=lambda o: o.sequence)
        ],
    )


def _security():
    from hmi.store import security

    return security


def _build_role(r: RoleIn):
    return _security().Role(name=r.name, permissions=list(r.permissions))


def _build_user(r: UserIn):
    return _security().UserAccount(name=r.name, roles=list(r.roles), active=r.active,
                                   language=r.language)


@dataclass(frozen=True)
class _Kind:
    section: str
    model: Callable[[], type]
    build: Callable[[Any], Any]
    code_of: Callable[[Any], str] = lambda r: r.code
    #: New versions are drafts (approved at a station) and "unchanged" compares with the
    #: newest version whatever its status.
    draft: bool = False


KINDS: tuple[_Kind, ...] = (
    _Kind("equipment", lambda: m.Equipment, _build_equipment),
    _Kind("materials", lambda: m.MaterialDefinition, _build_material),
    _Kind("products", lambda: m.Product, _build_product),
    _Kind("boms", lambda: m.Bom, _build_bom, lambda r: r.bom_code),
    _Kind("downtime_reasons", lambda: m.DowntimeReason, _build_reason),
    _Kind("shift_calendars", lambda: m.ShiftCalendar, _build_calendar),
    _Kind("work_instructions", lambda: m.WorkInstruction, _build_instruction),
    _Kind("recipes", lambda: m.Recipe, _build_recipe, draft=True),
    _Kind("gauges", lambda: m.Gauge, _build_gauge),
    _Kind("inspection_plans", lambda: m.InspectionPlan, _build_plan),
    _Kind("tools", lambda: m.Tool, _build_tool),
    _Kind("tool_lists", lambda: m.ToolList, _build_tool_list),
    _Kind("work_orders", lambda: m.WorkOrder, _build_order),
    _Kind("roles", lambda: _security().Role, _build_role),
    _Kind("users", lambda: _security().UserAccount, _build_user, lambda r: r.badge),
)


# --------------------------------------------------------------------------- cross checks


class _Checker:
    """Checks across records and against the database; collects :class:`Issue` s."""

    def __init__(self, file: str, doc: MasterDataFile, session: Session) -> None:
        self.file = file
        self.doc = doc
        self.session = session
        self.issues: list[Issue] = []
        self._known: dict[str, set[str]] = {}

    def add(self, section: str, index: int, fld: str, reason: str) -> None:
        record = getattr(self.doc, section)[index]
        key = RECORD_KEY[section]
        label = f"{section}[{index}] ({key} '{getattr(record, key)}')"
        self.issues.append(Issue(self.file, label, fld, reason))

    def known(self, kind: _Kind) -> set[str]:
        """Codes of ``kind`` in the file or already in the database."""
        if kind.section not in self._known:
            in_file = {kind.code_of(r) for r in getattr(self.doc, kind.section)}
            in_db = set(self.session.scalars(select(kind.model().code).distinct()))
            self._known[kind.section] = in_file | in_db
        return self._known[kind.section]

    def kind(self, section: str) -> _Kind:
        return next(k for k in KINDS if k.section == section)

    def ref(self, section: str, index: int, fld: str, code: str | None, target: str,
            what: str, also: str | None = None) -> None:
        if code is None:
            return
        known = self.known(self.kind(target))
        if also is not None:
            known = known | self.known(self.kind(also))
        if code not in known:
            self.add(section, index, fld,
                     f"unknown {what} '{code}' (not in this file nor in the database)")

    def run(self) -> list[Issue]:
        self.duplicates()
        self.equipment()
        self.boms()
        self.reasons()
        self.references()
        self.tooling()
        self.instructions()
        self.users()
        return self.issues

    def duplicates(self) -> None:
        for kind in KINDS:
            seen: dict[str, int] = {}
            for i, rec in enumerate(getattr(self.doc, kind.section)):
                code = kind.code_of(rec)
                if code in seen:
                    fld = "code" if kind.section == "boms" and rec.code else RECORD_KEY[kind.section]
                    self.add(kind.section, i, fld,
                             f"duplicate '{code}' (also {kind.section}[{seen[code]}])")
                else:
                    seen[code] = i

    def equipment(self) -> None:
        records = {r.code: r for r in self.doc.equipment}
        parents_needed = {r.parent for r in self.doc.equipment if r.parent}
        in_db = _latest(self.session, m.Equipment, parents_needed - set(records))
        for i, rec in enumerate(self.doc.equipment):
            if rec.parent is None:
                continue
            parent = records.get(rec.parent) or in_db.get(rec.parent)
            if parent is None:
                self.add("equipment", i, "parent",
                         f"unknown parent '{rec.parent}' (not in this file nor in the database)")
            elif m.LEVEL_DEPTH[parent.level] >= m.LEVEL_DEPTH[rec.level]:
                self.add("equipment", i, "level",
                         f"a {rec.level} cannot be below {parent.level} '{rec.parent}'")

    def boms(self) -> None:
        for i, bom in enumerate(self.doc.boms):
            self.ref("boms", i, "product", bom.product, "products", "product")
            for j, item in enumerate(bom.items):
                self.ref("boms", i, f"items[{j}].material", item.material, "materials",
                         "material", also="products")

    def reasons(self) -> None:
        records = {r.code: r for r in self.doc.downtime_reasons}
        db = _latest(self.session, m.DowntimeReason)
        parent_of = {code: row.parent_code for code, row in db.items()}
        parent_of.update({code: r.parent for code, r in records.items()})
        for i, rec in enumerate(self.doc.downtime_reasons):
            if rec.parent is not None and rec.parent not in parent_of:
                self.add("downtime_reasons", i, "parent",
                         f"unknown parent '{rec.parent}' (not in this file nor in the database)")
                continue
            seen = [rec.code]
            node = rec.parent
            while node is not None and node in parent_of:
                if node in seen:
                    chain = " > ".join([*seen, node])
                    self.add("downtime_reasons", i, "parent", f"reason tree has a cycle: {chain}")
                    break
                seen.append(node)
                node = parent_of[node]
        # A fault code classifies a stop automatically: it must map to one reason.
        owner: dict[int, str] = {}
        for code, row in db.items():
            if code not in records:
                for fc in row.fault_codes:
                    owner[fc.fault_code] = code
        for i, rec in enumerate(self.doc.downtime_reasons):
            for j, fc in enumerate(rec.fault_codes):
                if fc in owner and owner[fc] != rec.code:
                    self.add("downtime_reasons", i, f"fault_codes[{j}]",
                             f"fault code {fc} already maps to reason '{owner[fc]}'")
                else:
                    owner[fc] = rec.code

    def references(self) -> None:
        for i, cal in enumerate(self.doc.shift_calendars):
            self.ref("shift_calendars", i, "equipment", cal.equipment, "equipment", "equipment")
        for i, wi in enumerate(self.doc.work_instructions):
            self.ref("work_instructions", i, "product", wi.product, "products", "product")
        for i, rc in enumerate(self.doc.recipes):
            self.ref("recipes", i, "product", rc.product, "products", "product")
            self.ref("recipes", i, "equipment", rc.equipment, "equipment", "equipment")
        for i, plan in enumerate(self.doc.inspection_plans):
            self.ref("inspection_plans", i, "product", plan.product, "products", "product")
            for j, ch in enumerate(plan.characteristics):
                if ch.gauge_kind is not None and ch.gauge_kind not in self.gauge_kinds():
                    self.add("inspection_plans", i, f"characteristics[{j}].gauge_kind",
                             f"unknown gauge kind '{ch.gauge_kind}': no gauge in this file "
                             "nor in the database has this kind")
        for i, wo in enumerate(self.doc.work_orders):
            self.ref("work_orders", i, "product", wo.product, "products", "product")
            self.ref("work_orders", i, "bom", wo.bom, "boms", "BOM")
            self.ref("work_orders", i, "line", wo.line, "equipment", "line")
            for j, op in enumerate(wo.operations):
                p = f"operations[{j}]"
                self.ref("work_orders", i, f"{p}.station", op.station, "equipment", "station")
                self.ref("work_orders", i, f"{p}.line", op.line, "equipment", "line")
                self.ref("work_orders", i, f"{p}.work_instruction", op.work_instruction,
                         "work_instructions", "work instruction")
                self.ref("work_orders", i, f"{p}.recipe", op.recipe, "recipes", "recipe")
                self.ref("work_orders", i, f"{p}.inspection_plan", op.inspection_plan,
                         "inspection_plans", "inspection plan")
                self.ref("work_orders", i, f"{p}.tool_list", op.tool_list, "tool_lists",
                         "tool list")

    def gauge_kinds(self) -> set[str]:
        """Kinds of the gauges in the file or already in the database."""
        if "_gauge_kinds" not in self._known:
            in_db = set(self.session.scalars(select(m.Gauge.kind).distinct()))
            self._known["_gauge_kinds"] = {g.kind for g in self.doc.gauges} | in_db
        return self._known["_gauge_kinds"]

    def tool_types(self) -> set[str]:
        """Tool types of the tools in the file or already in the database."""
        if "_tool_types" not in self._known:
            in_db = set(self.session.scalars(select(m.Tool.tool_type).distinct()))
            self._known["_tool_types"] = {t.tool_type for t in self.doc.tools} | in_db
        return self._known["_tool_types"]

    def tool_type(self, section: str, index: int, fld: str, tool_type: str) -> None:
        if tool_type not in self.tool_types():
            self.add(section, index, fld,
                     f"unknown tool type '{tool_type}': no tool in this file nor in the "
                     "database has this tool_type")

    def tooling(self) -> None:
        for i, tl in enumerate(self.doc.tool_lists):
            self.ref("tool_lists", i, "product", tl.product, "products", "product")
            for j, item in enumerate(tl.items):
                self.tool_type("tool_lists", i, f"items[{j}].tool_type", item.tool_type)
        # A tool list made for one product cannot serve an order of another.
        wanted = {op.tool_list for wo in self.doc.work_orders for op in wo.operations
                  if op.tool_list}
        lists = {tl.code: tl.product for tl in self.doc.tool_lists}
        for code, row in _latest(self.session, m.ToolList, wanted - set(lists)).items():
            lists[code] = row.product_code
        for i, wo in enumerate(self.doc.work_orders):
            for j, op in enumerate(wo.operations):
                product = lists.get(op.tool_list) if op.tool_list else None
                if product is not None and product != wo.product:
                    self.add("work_orders", i, f"operations[{j}].tool_list",
                             f"tool list '{op.tool_list}' is for product '{product}', "
                             f"this order makes '{wo.product}'")

    def bom_materials(self, product: str) -> set[str] | None:
        """Materials of the product's BOM (BOM code = product code), None if it has none."""
        for bom in self.doc.boms:
            if bom.bom_code == product:
                return {item.material for item in bom.items}
        row = _latest(self.session, m.Bom, [product]).get(product)
        return None if row is None else {item.material_code for item in row.items}

    def instructions(self) -> None:
        materials = self.known(self.kind("materials"))
        for i, wi in enumerate(self.doc.work_instructions):
            bom = self.bom_materials(wi.product) if wi.product else None
            for j, step in enumerate(wi.steps):
                p = f"steps[{j}]"
                for k, tool_type in enumerate(step.required_tools):
                    self.tool_type("work_instructions", i, f"{p}.required_tools[{k}]", tool_type)
                code = step.expected_code
                if code is None:
                    continue
                if step.scan_kind == "tool":
                    self.tool_type("work_instructions", i, f"{p}.expected_code", code)
                elif code not in materials:
                    self.add("work_instructions", i, f"{p}.expected_code",
                             f"unknown material '{code}' (not in this file nor in the "
                             "database); a component scan expects a material")
                elif bom is not None and code not in bom:
                    self.add("work_instructions", i, f"{p}.expected_code",
                             f"material '{code}' is not in the BOM of product '{wi.product}' "
                             f"(it has: {', '.join(sorted(bom))})")

    def users(self) -> None:
        if not self.doc.users:
            return
        for i, user in enumerate(self.doc.users):
            for j, role in enumerate(user.roles):
                self.ref("users", i, f"roles[{j}]", role, "roles", "role")


# --------------------------------------------------------------------------- import


def _parse(path: Path) -> tuple[dict[str, Any], bytes]:
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MasterDataError(name, [Issue(name, "", "", f"cannot read file: {exc.strerror}")]) from exc
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise MasterDataError(name, [Issue(name, "", "", f"not UTF-8 text: {exc}")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise MasterDataError(name, [Issue(name, "", "", f"TOML syntax error: {exc}")]) from exc
    return raw, data


def _validate(name: str, raw: dict[str, Any]) -> MasterDataFile:
    issues: list[Issue] = []
    if "format_version" not in raw:
        issues.append(Issue(name, "", "format_version",
                            f"is required: put 'format_version = {FORMAT_VERSION}' at the top"))
    elif raw["format_version"] != FORMAT_VERSION:
        issues.append(Issue(name, "", "format_version",
                            f"unsupported format version {raw['format_version']!r} "
                            f"(this station reads version {FORMAT_VERSION})"))
    for key in raw:
        if key != "format_version" and key not in SECTIONS:
            issues.append(Issue(name, "", key, f"unknown section (known sections: "
                                               f"{', '.join(SECTIONS)})"))
    if issues:
        raise MasterDataError(name, issues)
    try:
        return MasterDataFile.model_validate(raw)
    except ValidationError as exc:
        raise MasterDataError(name, _issues_from_validation(name, raw, exc)) from None


def _auth():
    try:
        from hmi.services import auth
    except ImportError as exc:
        raise RuntimeError(
            "cannot import users with PINs: hmi.services.auth is not available"
        ) from exc
    return auth


def import_file(
    session_factory: sessionmaker[Session],
    path: str | Path,
    *,
    station_id: str,
    actor_badge: str | None = None,
) -> ImportReport:
    """Import master data from the TOML file at ``path`` — all of it, or nothing.

    Raises :class:`MasterDataError` (nothing written) if the file has any problem.
    Permission checks (``masterdata.import``) are the caller's job.
    """
    if not station_id:
        raise ValueError("import_file needs the station_id of the importing station")
    path = Path(path)
    name = path.name
    raw, data = _parse(path)
    doc = _validate(name, raw)
    sha = hashlib.sha256(data).hexdigest()
    source = f"{name} sha256:{sha[:16]}"[:200]
    report = ImportReport(file=name, sha256=sha)

    try:
        with session_factory() as session, session.begin():
            issues = _Checker(name, doc, session).run()
            if issues:
                raise MasterDataError(name, issues)
            now = dt.datetime.now(dt.UTC)
            for kind in KINDS:
                records = getattr(doc, kind.section)
                count = report.counts.setdefault(kind.section, KindCount())
                if not records:
                    continue
                model = kind.model()
                codes = [kind.code_of(r) for r in records]
                latest = _latest(session, model, codes, any_status=kind.draft)
                versions = _max_versions(session, model, codes)
                for rec, code in zip(records, codes, strict=True):
                    new = kind.build(rec)
                    old = latest.get(code)
                    if old is not None and content(old) == content(new):
                        count.unchanged += 1
                        continue
                    new.code = code
                    new.version = versions.get(code, 0) + 1
                    new.status = (MasterStatus.DRAFT if kind.draft
                                  else MasterStatus.RELEASED).value
                    new.valid_from = now
                    new.created_at = now
                    new.source = source
                    session.add(new)
                    count.created += 1
                    log.info("%s: %s %s -> version %d", name, kind.section, code, new.version)
            report.pins_set = _import_pins(session, doc, station_id, actor_badge)
            if report.changed:
                _record_import(session, report, station_id, actor_badge)
    except IntegrityError as exc:
        raise MasterDataError(name, [Issue(
            name, "", "", "the database refused the data (another import may have run at "
            f"the same time; nothing was imported, try again): {exc.orig}")]) from exc
    except DBAPIError as exc:
        raise MasterDataError(name, [Issue(
            name, "", "", f"database error, nothing was imported: {exc.orig}")]) from exc
    log.info("imported %s", report.summary())
    return report


def _import_pins(session: Session, doc: MasterDataFile, station_id: str,
                 actor_badge: str | None) -> int:
    users = [u for u in doc.users if u.pin is not None]
    if not users:
        return 0
    security = _security()
    auth = _auth()
    count = 0
    for user in users:
        current = session.scalars(
            select(security.PinCredential)
            .where(security.PinCredential.badge == user.badge)
            .order_by(security.PinCredential.recorded_at.desc(),
                      security.PinCredential.seq.desc())
            .limit(1)
        ).first()
        # Salted hashes differ each time: verify instead of comparing, so that
        # re-importing the same file stays a no-op.
        if current is not None and auth.verify_pin(current.pin_hash, user.pin):
            continue
        append_event(session, security.PinCredential(
            station_id=station_id, actor_badge=actor_badge, badge=user.badge,
            pin_hash=auth.hash_pin(user.pin),
        ))
        count += 1
    return count


def _record_import(session: Session, report: ImportReport, station_id: str,
                   actor_badge: str | None) -> None:
    counts = {
        kind: {"created": c.created, "unchanged": c.unchanged}
        for kind, c in report.counts.items() if c.created or c.unchanged
    }
    append_event(session, m.MasterDataImportEvent(
        station_id=station_id, actor_badge=actor_badge, file_name=report.file[:300],
        sha256=report.sha256, counts={**counts, "pins_set": report.pins_set},
    ))
    from hmi.services.audit import AuditWriter

    AuditWriter(station_id).record(
        session, actor_badge=actor_badge, action="masterdata.import", entity="masterdata_file",
        entity_id=report.file, new={"sha256": report.sha256, "counts": counts,
                                    "pins_set": report.pins_set},
        detail=report.summary(),
    )
