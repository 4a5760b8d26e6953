"""Shift calendars as plain data: which shift is when, in UTC, across midnight and DST.

A calendar is master data (``hmi.store.models.calendar``): shifts with local
wall-clock times ``"HH:MM"`` in the plant's IANA time zone, the ISO weekdays on
which each shift *starts*, and breaks inside each shift. This module turns that
into concrete :class:`ShiftInstance` records with UTC-aware start, end and
breaks, which the KPI arithmetic (:mod:`hmi.services.kpi`) consumes. Plain
functions on frozen dataclasses; no Qt, no SQL (``CalendarSpec.from_model``
reads the ORM object by attribute only).

Rules (docs/kpi.md, "Time"):

* A shift whose end is at or before its start crosses midnight; ``end == start``
  is a 24-hour shift. Its ``local_date`` is the local date on which it starts.
* A break whose start is before the shift's start (on the clock) belongs to the
  next local date of the *same* shift instance: in a 22:00–06:00 shift, a break
  00:00–00:15 is the night after ``local_date``.
* Times are wall-clock times in the plant zone. A shift 22:00–06:00 over the
  spring-forward night lasts 7 h, over the fall-back night 9 h.
* A local time that does not exist (in the spring-forward gap) maps to the first
  instant after the gap (02:30 on 2026-03-29 in Europe/Berlin -> 03:00 CEST);
  an ambiguous one (in the fall-back hour) maps to its first occurrence
  (``fold=0``: 02:30 on 2026-10-25 -> 02:30 CEST = 00:30 UTC).
* Intervals are half-open ``[start, end)``: at 14:00 sharp the Late shift runs,
  not the Early one.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hmi.services.i18n import tr
from hmi.services.timeline import Interval

log = logging.getLogger(__name__)

UTC = dt.UTC
_DAY_MIN = 24 * 60
_WEEK_MIN = 7 * _DAY_MIN
_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ONE_US = dt.timedelta(microseconds=1)


# --------------------------------------------------------------------------- time helpers


def parse_hhmm(text: str, what: str = "time") -> dt.time:
    """``"HH:MM"`` (00:00–23:59) as a :class:`datetime.time`; ValueError naming ``what``."""
    try:
        hours, minutes = str(text).split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError
        h, m = int(hours), int(minutes)
        return dt.time(h, m)
    except ValueError:
        raise ValueError(tr(
            "shiftcal", "%1: '%2' is not a time of day; write it as HH:MM (00:00 to 23:59).",
            what, text)) from None


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def zone(tz: str | dt.tzinfo) -> dt.tzinfo:
    """An IANA zone from its name (ValueError naming it when unknown), or ``tz`` itself."""
    if isinstance(tz, dt.tzinfo):
        return tz
    try:
        return zoneinfo.ZoneInfo(str(tz))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(tr(
            "shiftcal", "Time zone '%1' is not known; use an IANA name such as Europe/Berlin.",
            tz)) from None


def _check_aware(t: dt.datetime, what: str) -> None:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(tr(
            "shiftcal", "%1 (%2) has no time zone; pass timezone-aware UTC times.", what, t))


@functools.lru_cache(maxsize=8192)
def local_to_utc(local: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The UTC instant of the naive wall-clock time ``local`` in ``tz``.

    A time in the spring-forward gap (it never shows on the clock) gives the
    first instant after the gap; an ambiguous time in the fall-back hour gives
    its first occurrence (``fold=0``).
    """
    first = local.replace(tzinfo=tz, fold=0)
    utc = first.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) == local:
        return utc  # exists; for an ambiguous time fold=0 is the first occurrence
    # In the gap: the offset changes between the two readings; find the change.
    other = local.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = min(utc, other), max(utc, other)
    after = hi.astimezone(tz).utcoffset()
    lo_s, hi_s = 0, int((hi - lo).total_seconds())
    while hi_s - lo_s > 1:  # transitions fall on whole seconds
        mid = (lo_s + hi_s) // 2
        if (lo + dt.timedelta(seconds=mid)).astimezone(tz).utcoffset() == after:
            hi_s = mid
        else:
            lo_s = mid
    return lo + dt.timedelta(seconds=hi_s)


def day_interval(local_date: dt.date, tz: str | dt.tzinfo) -> Interval:
    """The local calendar day ``local_date`` in UTC (23 h / 25 h on DST change days)."""
    z = zone(tz)
    start = local_to_utc(dt.datetime.combine(local_date, dt.time()), z)
    end = local_to_utc(dt.datetime.combine(local_date + dt.timedelta(days=1), dt.time()), z)
    return Interval(start, end)


def days_between(start: dt.datetime, end: dt.datetime, tz: str | dt.tzinfo) -> list[dt.date]:
    """Local dates whose day overlaps ``[start, end)``, in order."""
    _check_aware(start, "start")
    _check_aware(end, "end")
    if end <= start:
        return []
    z = zone(tz)
    first = start.astimezone(z).date()
    last = (end - _ONE_US).astimezone(z).date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True, slots=True)
class BreakSpec:
    name: str
    start: str
    end: str
    #: A planned break is planned stop time (not downtime); an unplanned one
    #: (the line keeps running, e.g. relief staff) is listed but not subtracted.
    planned: bool = True


@dataclass(frozen=True, slots=True)
class ShiftSpec:
    name: str
    start: str
    end: str
    #: ISO weekdays (1 = Monday) on which the shift *starts*.
    weekdays: frozenset[int]
    breaks: tuple[BreakSpec, ...] = ()

    @property
    def start_minute(self) -> int:
        return _minutes(parse_hhmm(self.start))

    @property
    def length_minutes(self) -> int:
        """Wall-clock length (end <= start crosses midnight; end == start: 24 h)."""
        length = (_minutes(parse_hhmm(self.end)) - self.start_minute) % _DAY_MIN
        return length or _DAY_MIN

    def break_offsets(self) -> list[tuple[int, int]]:
        """Each break as (minutes after shift start, minutes long)."""
        s0 = self.start_minute
        out = []
        for b in self.breaks:
            bs = _minutes(parse_hhmm(b.start))
            out.append(((bs - s0) % _DAY_MIN, (_minutes(parse_hhmm(b.end)) - bs) % _DAY_MIN))
        return out


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """A shift calendar: code, IANA time zone and shifts (validated on construction)."""

    code: str
    timezone: str
    shifts: tuple[ShiftSpec, ...]

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def tz(self) -> dt.tzinfo:
        return zone(self.timezone)

    @classmethod
    def from_model(cls, model: Any) -> CalendarSpec:
        """From a ``ShiftCalendar`` ORM object (or anything with the same attributes)."""
        shifts = []
        for s in sorted(model.shifts, key=lambda s: getattr(s, "position", 0) or 0):
            breaks = tuple(
                BreakSpec(
                    name=getattr(b, "name", None) or "Break", start=b.start_time,
                    end=b.end_time, planned=bool(getattr(b, "planned", True)),
                )
                for b in sorted(s.breaks, key=lambda b: getattr(b, "position", 0) or 0)
            )
            shifts.append(ShiftSpec(
                name=s.name, start=s.start_time, end=s.end_time,
                weekdays=_weekdays(s.weekdays, s.name), breaks=breaks,
            ))
        return cls(code=model.code, timezone=model.timezone, shifts=tuple(shifts))


def _weekdays(values: Iterable[int | str], shift: str) -> frozenset[int]:
    out = set()
    for v in values:
        if isinstance(v, str) and v.lower() in _WEEKDAY_NAMES:
            out.add(_WEEKDAY_NAMES.index(v.lower()) + 1)
        else:
            try:
                out.add(int(v))
            except (TypeError, ValueError):
                raise ValueError(tr(
                    "shiftcal", "Shift '%1': weekday '%2' is not an ISO weekday (1 = Monday "
                    "to 7 = Sunday).", shift, v)) from None
    return frozenset(out)


def _validate(spec: CalendarSpec) -> None:
    zone(spec.timezone)
    if not spec.shifts:
        raise ValueError(tr("shiftcal", "Calendar '%1' has no shifts; define at least one.",
                            spec.code))
    names = [s.name for s in spec.shifts]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(tr("shiftcal", "Calendar '%1': shift name '%2' is used twice.",
                                spec.code, name))
    week: list[tuple[int, int, str, int]] = []
    for s in spec.shifts:
        parse_hhmm(s.start, tr("shiftcal", "Shift '%1' start", s.name))
        parse_hhmm(s.end, tr("shiftcal", "Shift '%1' end", s.name))
        if not s.weekdays:
            raise ValueError(tr("shiftcal", "Shift '%1' has no weekdays; list at least one.",
                                s.name))
        bad = sorted(d for d in s.weekdays if not (isinstance(d, int) and 1 <= d <= 7))
        if bad:
            raise ValueError(tr(
                "shiftcal", "Shift '%1': weekday %2 is not an ISO weekday (1 = Monday to "
                "7 = Sunday).", s.name, bad[0]))
        length = s.length_minutes
        spans = []
        for b in s.breaks:
            what = tr("shiftcal", "Shift '%1', break '%2'", s.name, b.name)
            parse_hhmm(b.start, what + " start")
            parse_hhmm(b.end, what + " end")
        for b, (off, blen) in zip(s.breaks, s.break_offsets(), strict=True):
            if blen == 0:
                raise ValueError(tr(
                    "shiftcal", "Shift '%1', break '%2': start and end are both %3.",
                    s.name, b.name, b.start))
            if off + blen > length:
                raise ValueError(tr(
                    "shiftcal", "Shift '%1', break '%2' (%3-%4) is not inside the shift "
                    "(%5-%6).", s.name, b.name, b.start, b.end, s.start, s.end))
            for other, o_off, o_len in spans:
                if off < o_off + o_len and o_off < off + blen:
                    raise ValueError(tr(
                        "shiftcal", "Shift '%1': breaks '%2' and '%3' overlap.",
                        s.name, other, b.name))
            spans.append((b.name, off, blen))
        for d in s.weekdays:
            begin = (d - 1) * _DAY_MIN + s.start_minute
            week.append((begin, begin + length, s.name, d))
            if begin + length > _WEEK_MIN:  # Sunday night into Monday
                week.append((begin - _WEEK_MIN, begin + length - _WEEK_MIN, s.name, d))
    week.sort()
    for (_b1, e1, n1, d1), (b2, _e2, n2, d2) in zip(week, week[1:], strict=False):
        if b2 < e1:
            raise ValueError(tr(
                "shiftcal", "Calendar '%1': shift '%2' starting on %3 overlaps shift '%4' "
                "starting on %5; shifts of one calendar must not overlap.",
                spec.code, n1, _WEEKDAY_NAMES[d1 - 1], n2, _WEEKDAY_NAMES[d2 - 1]))


# --------------------------------------------------------------------------- instances


@dataclass(frozen=True, slots=True)
class BreakInstance:
    name: str
    start: dt.datetime
    end: dt.datetime
    planned: bool = True

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)


@dataclass(frozen=True, slots=True)
class ShiftInstance:
    """One occurrence of a shift: UTC start/end; ``local_date`` is the local start date."""

    calendar_code: str
    name: str
    local_date: dt.date
    start: dt.datetime
    end: dt.datetime
    #: Planned breaks (planned stop time), UTC, clipped to the shift, in order.
    breaks: tuple[Interval, ...] = ()
    #: Every break with its name and ``planned`` flag (the downtime service makes
    #: planned stops of the planned ones; views label them).
    all_breaks: tuple[BreakInstance, ...] = ()

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    @property
    def seconds(self) -> float:
        """All time of the shift (7 h / 9 h for a night shift across a DST change)."""
        return max(0.0, (self.end - self.start).total_seconds())

    @property
    def break_seconds(self) -> float:
        return sum(b.seconds for b in self.breaks)

    @property
    def planned_seconds(self) -> float:
        """Shift time minus planned breaks (before any planned stop such as a changeover)."""
        return self.seconds - self.break_seconds

    def contains(self, t: dt.datetime) -> bool:
        return self.start <= t < self.end


@functools.lru_cache(maxsize=4096)
def _instance(spec: CalendarSpec, index: int, local_date: dt.date) -> ShiftInstance:
    s = spec.shifts[index]
    z = spec.tz
    start_local = dt.datetime.combine(local_date, parse_hhmm(s.start))
    end_local = start_local + dt.timedelta(minutes=s.length_minutes)  # naive: wall clock
    start = local_to_utc(start_local, z)
    end = local_to_utc(end_local, z)
    items = []
    for b, (off, blen) in zip(s.breaks, s.break_offsets(), strict=True):
        b_local = start_local + dt.timedelta(minutes=off)
        bs = max(start, local_to_utc(b_local, z))
        be = min(end, local_to_utc(b_local + dt.timedelta(minutes=blen), z))
        if be > bs:  # a break wholly inside a DST gap takes no time
            items.append(BreakInstance(b.name, bs, be, b.planned))
    items.sort(key=lambda b: b.start)
    return ShiftInstance(
        calendar_code=spec.code, name=s.name, local_date=local_date, start=start, end=end,
        breaks=tuple(b.interval for b in items if b.planned), all_breaks=tuple(items),
    )


def instances_on(spec: CalendarSpec, local_date: dt.date) -> list[ShiftInstance]:
    """The shifts that *start* on ``local_date`` (local), in order of start."""
    wd = local_date.isoweekday()
    out = [_instance(spec, i, local_date) for i, s in enumerate(spec.shifts) if wd in s.weekdays]
    out.sort(key=lambda inst: inst.start)
    return out


def shifts_between(spec: CalendarSpec, start_utc: dt.datetime,
                   end_utc: dt.datetime) -> list[ShiftInstance]:
    """Shift instances overlapping ``[start_utc, end_utc)``, ordered by start."""
    _check_aware(start_utc, "start")
    _check_aware(end_utc, "end")
    if end_utc <= start_utc:
        return []
    z = spec.tz
    first = start_utc.astimezone(z).date() - dt.timedelta(days=1)  # a shift is at most 24 h
    last = end_utc.astimezone(z).date()
    out: list[ShiftInstance] = []
    for i in range((last - first).days + 1):
        for inst in instances_on(spec, first + dt.timedelta(days=i)):
            if inst.start < end_utc and inst.end > start_utc and inst.end > inst.start:
                out.append(inst)
    out.sort(key=lambda inst: inst.start)
    return out


def shift_at(spec: CalendarSpec, t_utc: dt.datetime) -> ShiftInstance | None:
    """The shift running at ``t_utc`` (half-open: a shift ending at t is over), or None."""
    for inst in shifts_between(spec, t_utc, t_utc + _ONE_US):
        if inst.start <= t_utc < inst.end:
            return inst
    return None


def next_shift(spec: CalendarSpec, t_utc: dt.datetime) -> ShiftInstance | None:
    """The first shift starting at or after ``t_utc`` (looks up to 8 days ahead)."""
    _check_aware(t_utc, "t")
    day = t_utc.astimezone(spec.tz).date() - dt.timedelta(days=1)
    for i in range(10):
        for inst in instances_on(spec, day + dt.timedelta(days=i)):
            if inst.start >= t_utc:
                return inst
    return None


def previous_shift(spec: CalendarSpec, t_utc: dt.datetime) -> ShiftInstance | None:
    """The last shift that ended at or before ``t_utc`` (looks up to 8 days back)."""
    _check_aware(t_utc, "t")
    day = t_utc.astimezone(spec.tz).date()
    for i in range(10):
        for inst in reversed(instances_on(spec, day - dt.timedelta(days=i))):
            if inst.end <= t_utc:
                return inst
    return None


def breaks_between(spec: CalendarSpec, start_utc: dt.datetime,
                   end_utc: dt.datetime) -> list[Interval]:
    """Planned breaks of the shifts overlapping the range, clipped to it, in order."""
    out = []
    for inst in shifts_between(spec, start_utc, end_utc):
        for b in inst.breaks:
            s, e = max(b.start, start_utc), min(b.end, end_utc)
            if e > s:
                out.append(Interval(s, e))
    return out


def unscheduled_between(spec: CalendarSpec, start_utc: dt.datetime,
                        end_utc: dt.datetime) -> list[Interval]:
    """The parts of ``[start_utc, end_utc)`` covered by no shift (weekends, gaps), in order."""
    out = []
    cursor = start_utc
    for inst in shifts_between(spec, start_utc, end_utc):
        if inst.start > cursor:
            out.append(Interval(cursor, inst.start))
        cursor = max(cursor, inst.end)
    if end_utc > cursor:
        out.append(Interval(cursor, end_utc))
    return out
