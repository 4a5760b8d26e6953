"""Recipes without Qt or SQL: the plain records, checks, read-back comparison, diff,
known-good selection and the drift watcher.

:class:`~hmi.services.recipes.RecipeService` does the permissions, the store and the
device; everything it decides is decided here, so the rules are testable on plain
values (docs/recipes.md).

* :func:`check_parameters` — every value against its type and limits, and (when the
  station's tags are known) against the tag it is written to: configured, writable,
  a matching datatype. Run before anything is written or approved.
* :func:`values_match` — is a read-back value the value written, within the tag
  type's precision (float32: relative 1e-6; float64: 1e-9; integers exact, or half
  a raw step for a scaled tag; bool exact)?
* :func:`compare_read_back` — which parameters differ after a download.
* :func:`diff_versions` — added / removed / changed fields per parameter.
* :func:`known_good_version` — the newest version with an ``ok`` download whose
  validation was accepted.
* :class:`DriftWatcher` — actual values against setpoint ± tolerance while an order
  runs; a change must persist ``persist_s`` seconds of source time before it counts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hmi.devices.base import Tag
from hmi.services.i18n import tr

__all__ = [
    "COMPARED_FIELDS",
    "ChecklistRow",
    "Deviation",
    "DriftTransition",
    "DriftWatcher",
    "FieldChange",
    "Mismatch",
    "ParamDiff",
    "ParamSpec",
    "Problem",
    "RecipeView",
    "WatchedParam",
    "build_checklist",
    "check_parameters",
    "compare_read_back",
    "diff_versions",
    "jsonable",
    "known_good_version",
    "recipe_content",
    "value_for_tag",
    "values_match",
    "watched_params",
    "with_version",
]

CTX = "recipes"
DATA_TYPES = ("real", "int", "bool")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a recipe version (what is written to which logical tag)."""

    position: int
    name: str
    tag: str
    data_type: str = "real"
    value: float = 0.0
    unit: str = ""
    min_value: float | None = None
    max_value: float | None = None
    tolerance: float | None = None
    actual_tag: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position, "name": self.name, "tag": self.tag,
            "data_type": self.data_type, "value": self.value, "unit": self.unit,
            "min_value": self.min_value, "max_value": self.max_value,
            "tolerance": self.tolerance, "actual_tag": self.actual_tag,
        }  # fmt: skip

    @property
    def watched_tag(self) -> str:
        """The tag whose live value is compared with the setpoint."""
        return self.actual_tag or self.tag

    def typed_value(self) -> float | int | bool:
        if self.data_type == "bool":
            return bool(self.value)
        if self.data_type == "int":
            return int(self.value)
        return float(self.value)


@dataclass(frozen=True)
class RecipeView:
    """A recipe version as plain data (what screens and checks see)."""

    code: str
    version: int
    status: str
    name: str
    parameters: tuple[ParamSpec, ...]
    product_code: str | None = None
    equipment_code: str | None = None
    machine_type: str | None = None
    requires_approval: bool = False
    source: str = ""
    created_at: dt.datetime | None = None
    valid_from: dt.datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def approved(self) -> bool:
        return self.status == "released"

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.parameters if p.name == name), None)


def view_of(row: Any) -> RecipeView:
    """The view of a stored ``Recipe`` row (station or central) with its parameters."""
    return RecipeView(
        code=row.code, version=row.version, status=row.status, name=row.name,
        product_code=row.product_code, equipment_code=row.equipment_code,
        machine_type=row.machine_type, requires_approval=bool(row.requires_approval),
        source=row.source, created_at=row.created_at, valid_from=row.valid_from,
        parameters=tuple(ParamSpec(
            position=p.position, name=p.name, tag=p.tag, data_type=p.data_type,
            value=p.value, unit=p.unit or "", min_value=p.min_value, max_value=p.max_value,
            tolerance=p.tolerance, actual_tag=p.actual_tag) for p in row.parameters),
    )


def recipe_content(view: RecipeView) -> dict[str, Any]:
    """The version's canonical content: what is signed and sent up in a MasterChangeEvent.

    Everything a signer vouches for (header and every parameter field), nothing that
    legitimately changes later (status, validity, timestamps, source).
    """
    return {
        "table": "recipe",
        "code": view.code,
        "version": view.version,
        "name": view.name,
        "product_code": view.product_code,
        "equipment_code": view.equipment_code,
        "machine_type": view.machine_type,
        "requires_approval": view.requires_approval,
        "parameters": [p.as_dict() for p in sorted(view.parameters, key=lambda p: p.position)],
    }


@dataclass(frozen=True)
class Problem:
    """Why a parameter cannot be written (or approved)."""

    parameter: str
    reason: str

    def __str__(self) -> str:
        return f"{self.parameter}: {self.reason}"


@dataclass(frozen=True)
class Mismatch:
    """A parameter whose read-back value is not what was written."""

    parameter: str
    expected: object
    read_back: object
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "expected": jsonable(self.expected),
                "read_back": jsonable(self.read_back), "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.parameter}: {_show(self.expected)} written, {_show(self.read_back)} read back"


@dataclass(frozen=True)
class ChecklistRow:
    """One line of the operator's validation check-list."""

    parameter: str
    setpoint: object
    read_back: object
    unit: str
    ok: bool

    def as_dict(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "setpoint": jsonable(self.setpoint),
                "read_back": jsonable(self.read_back), "unit": self.unit, "ok": self.ok}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class ParamDiff:
    """How one parameter differs between two versions (``kind``: added/removed/changed)."""

    parameter: str
    kind: str
    changes: tuple[FieldChange, ...] = ()
    old: ParamSpec | None = None
    new: ParamSpec | None = None

    def changed(self, name: str) -> FieldChange | None:
        return next((c for c in self.changes if c.field == name), None)


# --------------------------------------------------------------------------- checks


def check_parameters(
    params: Sequence[ParamSpec], tags: Mapping[str, Tag] | None = None
) -> list[Problem]:
    """Every reason a parameter cannot be written; empty: all may be written.

    ``tags`` are the station's configured tags by logical name (None: not known,
    only type and limits are checked).
    """
    problems: list[Problem] = []
    seen_tags: dict[str, str] = {}
    for p in params:
        def bad(reason: str, p: ParamSpec = p) -> None:
            problems.append(Problem(p.name, reason))

        value = p.value
        if p.data_type not in DATA_TYPES:
            bad(tr(CTX, "unknown type '%1' (real, int or bool)", p.data_type))
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            bad(tr(CTX, "the value %1 is not a finite number", _show(value)))
            continue
        if p.data_type == "int" and value != int(value):
            bad(tr(CTX, "the value %1 is not a whole number", _show(value)))
        if p.data_type == "bool" and value not in (0, 1):
            bad(tr(CTX, "the value %1 is not on/off (1 or 0)", _show(value)))
        if p.min_value is not None and p.max_value is not None and p.min_value > p.max_value:
            bad(tr(CTX, "the low limit %1 is above the high limit %2",
                   _show(p.min_value), _show(p.max_value)))
        if p.min_value is not None and value < p.min_value:
            bad(tr(CTX, "%1 is below the low limit %2",
                   _with_unit(value, p.unit), _with_unit(p.min_value, p.unit)))
        if p.max_value is not None and value > p.max_value:
            bad(tr(CTX, "%1 is above the high limit %2",
                   _with_unit(value, p.unit), _with_unit(p.max_value, p.unit)))
        if p.tolerance is not None and (not math.isfinite(p.tolerance) or p.tolerance < 0):
            bad(tr(CTX, "the tolerance %1 must be a number >= 0", _show(p.tolerance)))
        if not p.tag:
            bad(tr(CTX, "no tag to write it to"))
            continue
        if p.tag in seen_tags:
            bad(tr(CTX, "tag %1 is written by parameter %2 already", p.tag, seen_tags[p.tag]))
        seen_tags.setdefault(p.tag, p.name)
        if tags is None:
            continue
        tag = tags.get(p.tag)
        if tag is None:
            bad(tr(CTX, "the station has no tag named %1", p.tag))
            continue
        if tag.access != "rw":
            bad(tr(CTX, "tag %1 is read-only in the station configuration", p.tag))
        if p.data_type == "bool" and tag.datatype != "bool":
            bad(tr(CTX, "tag %1 is a %2, not an on/off value", p.tag, tag.datatype))
        elif p.data_type != "bool" and not tag.is_numeric:
            bad(tr(CTX, "tag %1 is a %2, not a number", p.tag, tag.datatype))
        elif tag.is_integer and not tag.scaled and value != int(value):
            bad(tr(CTX, "tag %1 holds whole numbers; %2 is not one", p.tag, _show(value)))
        if p.actual_tag is not None and p.actual_tag not in tags:
            bad(tr(CTX, "the station has no tag named %1 (the actual value)", p.actual_tag))
    return problems


def value_for_tag(p: ParamSpec, tag: Tag | None) -> float | int | bool:
    """The value to write for ``p`` to ``tag`` (bool, int or float as the tag expects)."""
    value = p.typed_value()
    if tag is not None and tag.is_integer and not tag.scaled and not isinstance(value, bool):
        return int(value)
    return value


def values_match(expected: object, read_back: object, tag: Tag | None = None) -> bool:
    """``read_back`` equals ``expected`` within the precision of the tag's datatype."""
    if read_back is None:
        return False
    if isinstance(expected, bool) or (tag is not None and tag.datatype == "bool"):
        return isinstance(read_back, bool | int) and bool(read_back) == bool(expected)
    if isinstance(read_back, bool) or not isinstance(read_back, int | float):
        return False
    if not isinstance(expected, int | float):
        return False
    exp, got = float(expected), float(read_back)
    if not (math.isfinite(exp) and math.isfinite(got)):
        return False
    if tag is None:
        return math.isclose(got, exp, rel_tol=1e-6, abs_tol=1e-9)
    if tag.is_integer:
        return abs(got - exp) <= (abs(tag.scale) / 2 if tag.scaled else 0.0) + 1e-9
    if tag.datatype == "float32":
        return math.isclose(got, exp, rel_tol=1e-6, abs_tol=1e-9)
    return math.isclose(got, exp, rel_tol=1e-9, abs_tol=1e-12)


def compare_read_back(
    params: Sequence[ParamSpec],
    written: Mapping[str, object],
    read_back: Mapping[str, tuple[object, bool]],
    tags: Mapping[str, Tag] | None = None,
) -> list[Mismatch]:
    """Parameters whose read-back differs from what was written, in recipe order.

    ``read_back`` maps parameter name to (value, quality is good).
    """
    out: list[Mismatch] = []
    for p in params:
        expected = written.get(p.name, p.typed_value())
        if p.name not in read_back:
            out.append(Mismatch(p.name, expected, None, tr(CTX, "no value was read back")))
            continue
        value, good = read_back[p.name]
        tag = tags.get(p.tag) if tags else None
        if not good:
            out.append(Mismatch(p.name, expected, value,
                                tr(CTX, "the machine reports the value as not valid")))
        elif not values_match(expected, value, tag):
            out.append(Mismatch(p.name, expected, value,
                                tr(CTX, "the machine keeps a different value")))
    return out


def build_checklist(
    params: Sequence[ParamSpec],
    written: Mapping[str, object],
    verified: Mapping[str, object],
    mismatched: Iterable[str] = (),
) -> list[ChecklistRow]:
    """The check-list the operator validates: setpoint vs read-back per parameter."""
    bad = set(mismatched)
    rows = []
    for p in params:
        setpoint = written.get(p.name, p.typed_value())
        read = verified.get(p.name)
        ok = p.name in verified and p.name not in bad and values_match(setpoint, read, None)
        rows.append(ChecklistRow(p.name, setpoint, read, p.unit, ok))
    return rows


#: parameter fields :func:`diff_versions` compares (in this order)
COMPARED_FIELDS: tuple[str, ...] = (
    "value", "unit", "min_value", "max_value", "tolerance", "tag", "actual_tag", "data_type",
    "position",
)


def diff_versions(a: RecipeView, b: RecipeView) -> list[ParamDiff]:
    """What changed from ``a`` to ``b``, per parameter (by name): added, removed, changed.

    Unchanged parameters are not listed; the order is ``b``'s, removed ones last.
    """
    old = {p.name: p for p in a.parameters}
    new = {p.name: p for p in b.parameters}
    out: list[ParamDiff] = []
    for p in sorted(b.parameters, key=lambda p: p.position):
        q = old.get(p.name)
        if q is None:
            out.append(ParamDiff(p.name, "added", new=p))
            continue
        changes = tuple(
            FieldChange(f, getattr(q, f), getattr(p, f))
            for f in COMPARED_FIELDS
            if getattr(q, f) != getattr(p, f)
        )
        if changes:
            out.append(ParamDiff(p.name, "changed", changes, old=q, new=p))
    for q in sorted(a.parameters, key=lambda p: p.position):
        if q.name not in new:
            out.append(ParamDiff(q.name, "removed", old=q))
    return out


def known_good_version(
    downloads: Iterable[tuple[int, Any, str]],
    validations: Iterable[tuple[Any, str]],
    exclude: Iterable[int] = (),
) -> int | None:
    """The newest version with a download ``ok`` whose validation was accepted.

    ``downloads``: (version, download event id, result); ``validations``:
    (download event id, result). Versions in ``exclude`` (the approved one when
    rolling back) do not count.
    """
    accepted = {str(d) for d, result in validations if result == "validated"}
    skip = set(exclude)
    good = [v for v, did, result in downloads
            if result == "ok" and str(did) in accepted and v not in skip]
    return max(good) if good else None


# --------------------------------------------------------------------------- drift


@dataclass(frozen=True)
class WatchedParam:
    """A parameter watched while running: the live ``tag`` against ``setpoint`` ± ``tolerance``."""

    name: str
    tag: str
    setpoint: float
    tolerance: float
    data_type: str = "real"
    #: "setpoint": the machine's setpoint tag must keep the recipe value (a change at
    #: the machine panel is a deviation whether or not the machine runs); "actual": a
    #: measured value within ± tolerance, judged only while the machine runs.
    kind: str = "actual"

    def within(self, value: object) -> bool:
        if self.data_type == "bool":
            return isinstance(value, bool | int) and bool(value) == bool(self.setpoint)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return False
        # a float32 device may keep 0.4 as 0.4000000059604645: no deviation for that
        slack = 1e-6 * max(1.0, abs(self.setpoint))
        return abs(float(value) - self.setpoint) <= self.tolerance + slack


def watched_params(params: Iterable[ParamSpec]) -> list[WatchedParam]:
    """What the drift watch compares after a download.

    * Every parameter's **setpoint tag** must keep the downloaded value (within its
      tolerance when the parameter has one and no separate actual tag, else exactly,
      to the tag type's precision): an operator changing it at the machine panel is a
      deviation.
    * A parameter with an ``actual_tag`` and a tolerance also has its measured value
      watched (``"<name> (actual)"``), while the machine runs.
    """
    out: list[WatchedParam] = []
    for p in params:
        own_tol = float(p.tolerance) if p.tolerance is not None and not p.actual_tag else 0.0
        out.append(WatchedParam(p.name, p.tag, float(p.value), own_tol, p.data_type, "setpoint"))
        if p.actual_tag and p.tolerance is not None:
            out.append(WatchedParam(f"{p.name} (actual)", p.actual_tag, float(p.value),
                                    float(p.tolerance), p.data_type, "actual"))
    return out


@dataclass(frozen=True)
class DriftTransition:
    """A confirmed change: the value left (``started``) or came back within (``ended``)."""

    kind: str
    parameter: str
    setpoint: float
    actual: object
    tolerance: float
    source_ts: dt.datetime
    tag: str = ""


@dataclass
class Deviation:
    """A deviation: open (``kind`` "started", what the screen lists) or just ``ended``."""

    parameter: str
    tag: str
    setpoint: float
    tolerance: float
    actual: object
    since: dt.datetime
    started_id: Any = None
    order_code: str | None = None
    recipe_code: str = ""
    recipe_version: int = 0
    kind: str = "started"
    ended_at: dt.datetime | None = None


@dataclass
class _Track:
    param: WatchedParam
    out: bool = False  # confirmed state
    pending_since: dt.datetime | None = None
    pending_value: object = None
    last_value: object = None


@dataclass
class DriftWatcher:
    """Watches live values against their recipe tolerance; pure, driven by its caller.

    :meth:`feed` takes every value (any tag: each source timestamp also moves the
    watcher's notion of the machine's time on); :meth:`poll` confirms pending changes
    when no new value arrives (a setpoint changed at the panel stays constant, so its
    tag sends nothing more): the machine time is then estimated as the newest source
    time plus the wall time since it was received. A change counts once it has lasted
    ``persist_s`` seconds of that time. While the machine is not running
    (:meth:`set_running`), no deviation of a measured (``actual``) value starts; open
    ones may still end. Setpoint tags are judged whether the machine runs or not.
    """

    params: Sequence[WatchedParam]
    persist_s: float = 2.0
    _tracks: dict[str, list[_Track]] = field(default_factory=dict, init=False)
    _by_name: dict[str, _Track] = field(default_factory=dict, init=False)
    _source_now: dt.datetime | None = field(default=None, init=False)
    _received_at: dt.datetime | None = field(default=None, init=False)
    running: bool = True

    def __post_init__(self) -> None:
        if not self.persist_s >= 0:
            raise ValueError(f"persist_s must be >= 0, got {self.persist_s}")
        for p in self.params:
            t = _Track(p)
            self._tracks.setdefault(p.tag, []).append(t)
            self._by_name[p.name] = t

    @property
    def tags(self) -> frozenset[str]:
        return frozenset(self._tracks)

    def is_out(self, parameter: str) -> bool:
        t = self._by_name.get(parameter)
        return bool(t and t.out)

    def set_running(self, running: bool) -> None:
        self.running = running
        if not running:
            for t in self._by_name.values():
                if not t.out and t.param.kind == "actual":
                    t.pending_since = None

    def feed(self, tag: str, value: object, good: bool, source_ts: dt.datetime,
             received_ts: dt.datetime | None = None) -> list[DriftTransition]:
        if self._source_now is None or source_ts >= self._source_now:
            self._source_now = source_ts
            self._received_at = received_ts
        out: list[DriftTransition] = []
        for t in self._tracks.get(tag, ()):
            if not good:
                t.pending_since = None  # a BAD value proves nothing either way
                continue
            t.last_value = value
            now_out = not t.param.within(value)
            if now_out == t.out or (now_out and not self.running and t.param.kind == "actual"):
                t.pending_since = None
            elif t.pending_since is None:
                t.pending_since, t.pending_value = source_ts, value
        out.extend(self._confirm(self._source_now))
        return out

    def poll(self, wall_now: dt.datetime) -> list[DriftTransition]:
        """Confirm pending changes by the estimated machine time (see the class doc)."""
        if self._source_now is None:
            return []
        now = self._source_now
        if self._received_at is not None and wall_now > self._received_at:
            now = now + (wall_now - self._received_at)
        return self._confirm(now)

    def close(self) -> list[DriftTransition]:
        """End every open deviation (the order ended); at the newest source time."""
        out = []
        at = self._source_now or dt.datetime.now(dt.UTC)
        for t in self._by_name.values():
            if t.out:
                t.out, t.pending_since = False, None
                out.append(self._transition("ended", t, t.last_value, at))
        return out

    def _confirm(self, now: dt.datetime | None) -> list[DriftTransition]:
        if now is None:
            return []
        out = []
        for t in self._by_name.values():
            since = t.pending_since
            if since is None or (now - since).total_seconds() < self.persist_s - 1e-9:
                continue
            t.out = not t.out
            t.pending_since = None
            out.append(self._transition("started" if t.out else "ended", t, t.pending_value, since))
        return out

    @staticmethod
    def _transition(kind: str, t: _Track, actual: object, at: dt.datetime) -> DriftTransition:
        p = t.param
        return DriftTransition(kind, p.name, p.setpoint, actual, p.tolerance, at, p.tag)


# --------------------------------------------------------------------------- helpers


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _with_unit(value: object, unit: str) -> str:
    return f"{_show(value)} {unit}" if unit else _show(value)


def jsonable(value: object) -> object:
    """A value as JSON can hold it (non-finite floats as text)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def with_version(view: RecipeView, version: int) -> RecipeView:
    """``view`` as version ``version`` (same content), e.g. for a rollback copy."""
    return replace(view, version=version)
