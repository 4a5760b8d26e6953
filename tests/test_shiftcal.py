"""Shift calendars in UTC: the demo three-shift week, midnight, DST nights and days."""

from __future__ import annotations

import datetime as dt
import tomllib
import zoneinfo
from pathlib import Path
from types import SimpleNamespace

import pytest

from hmi.services import shiftcal
from hmi.services.shiftcal import BreakSpec, CalendarSpec, ShiftSpec
from hmi.services.timeline import Interval

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = dt.UTC
DEMO_TOML = Path(__file__).resolve().parents[1] / "resources" / "masterdata" / "demo.toml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    """A Berlin wall-clock time as UTC (only for times that exist and are unambiguous)."""
    return dt.datetime(y, mo, d, h, mi, tzinfo=BERLIN).astimezone(UTC)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=UTC)


def demo_spec() -> CalendarSpec:
    """The calendar exactly as resources/masterdata/demo.toml defines it."""
    doc = tomllib.loads(DEMO_TOML.read_text(encoding="utf-8"))
    (cal,) = doc["shift_calendars"]
    return CalendarSpec(
        code=cal["code"], timezone=cal["timezone"],
        shifts=tuple(
            ShiftSpec(
                name=s["name"], start=s["start"], end=s["end"],
                weekdays=frozenset(WEEKDAYS.index(d) + 1 for d in s["weekdays"]),
                breaks=tuple(BreakSpec(b["name"], b["start"], b["end"]) for b in s["breaks"]),
            )
            for s in cal["shifts"]
        ),
    )


DEMO = demo_spec()

#: Three shifts every day of the week, for the DST nights (the demo has no Saturday night).
ROUND_THE_CLOCK = CalendarSpec("7X3", "Europe/Berlin", (
    ShiftSpec("Early", "06:00", "14:00", frozenset(range(1, 8))),
    ShiftSpec("Late", "14:00", "22:00", frozenset(range(1, 8))),
    ShiftSpec("Night", "22:00", "06:00", frozenset(range(1, 8)), (
        BreakSpec("Midnight", "23:45", "00:15"),
        BreakSpec("Early morning", "03:00", "03:15"),
    )),
))


# --------------------------------------------------------------------------- the demo week


def test_demo_week_has_the_right_shifts_in_order() -> None:
    week = shiftcal.shifts_between(DEMO, local(2026, 3, 2), local(2026, 3, 9))
    names = [(i.local_date.isoformat(), i.name) for i in week]
    assert names == [
        ("2026-03-01", "Night"),  # Sunday night reaches into Monday
        ("2026-03-02", "Early"), ("2026-03-02", "Late"), ("2026-03-02", "Night"),
        ("2026-03-03", "Early"), ("2026-03-03", "Late"), ("2026-03-03", "Night"),
        ("2026-03-04", "Early"), ("2026-03-04", "Late"), ("2026-03-04", "Night"),
        ("2026-03-05", "Early"), ("2026-03-05", "Late"), ("2026-03-05", "Night"),
        ("2026-03-06", "Early"), ("2026-03-06", "Late"),  # no Friday night, no Saturday
        ("2026-03-08", "Night"),
    ]
    early = week[1]
    assert (early.start, early.end) == (utc(2026, 3, 2, 5), utc(2026, 3, 2, 13))  # CET = UTC+1
    assert early.breaks == (Interval(utc(2026, 3, 2, 8), utc(2026, 3, 2, 8, 15)),
                            Interval(utc(2026, 3, 2, 10, 30), utc(2026, 3, 2, 11)))
    assert early.seconds == 8 * 3600 and early.planned_seconds == 8 * 3600 - 45 * 60
    # Sunday night to Friday late: each shift ends where the next begins
    for a, b in zip(week[:14], week[1:15], strict=True):
        assert a.end == b.start


def test_night_shift_breaks_after_midnight_belong_to_the_same_instance() -> None:
    night = shiftcal.shift_at(DEMO, local(2026, 3, 3, 0, 5))
    assert night is not None
    assert night.name == "Night" and night.local_date == dt.date(2026, 3, 2)
    assert night.start == local(2026, 3, 2, 22) and night.end == local(2026, 3, 3, 6)
    assert night.breaks == (
        Interval(local(2026, 3, 2, 23, 45), local(2026, 3, 3, 0, 15)),
        Interval(local(2026, 3, 3, 3), local(2026, 3, 3, 3, 15)),
    )
    assert [b.name for b in night.all_breaks] == ["Midnight", "Early morning"]
    assert night.planned_seconds == 8 * 3600 - 45 * 60


def test_shift_at_is_half_open_and_knows_unscheduled_time() -> None:
    assert shiftcal.shift_at(DEMO, local(2026, 3, 2, 14)).name == "Late"
    assert shiftcal.shift_at(DEMO, local(2026, 3, 2, 13, 59)).name == "Early"
    assert shiftcal.shift_at(DEMO, local(2026, 3, 2, 6)).name == "Early"
    assert shiftcal.shift_at(DEMO, local(2026, 3, 2, 5, 59)).name == "Night"
    assert shiftcal.shift_at(DEMO, local(2026, 3, 6, 22)) is None  # Friday night: no shift
    assert shiftcal.shift_at(DEMO, local(2026, 3, 7, 12)) is None  # Saturday


def test_next_and_previous_shift_skip_the_weekend() -> None:
    nxt = shiftcal.next_shift(DEMO, local(2026, 3, 6, 22))
    assert (nxt.name, nxt.local_date) == ("Night", dt.date(2026, 3, 8))
    prev = shiftcal.previous_shift(DEMO, local(2026, 3, 7, 12))
    assert (prev.name, prev.local_date) == ("Late", dt.date(2026, 3, 6))
    assert shiftcal.next_shift(DEMO, local(2026, 3, 2, 14)).name == "Late"  # starts at t
    assert shiftcal.previous_shift(DEMO, local(2026, 3, 2, 14)).name == "Early"  # ended at t


def test_unscheduled_time_and_breaks_between() -> None:
    sat = shiftcal.day_interval(dt.date(2026, 3, 7), "Europe/Berlin")
    assert shiftcal.unscheduled_between(DEMO, sat.start, sat.end) == [sat]
    fri = shiftcal.day_interval(dt.date(2026, 3, 6), "Europe/Berlin")
    assert shiftcal.unscheduled_between(DEMO, fri.start, fri.end) == [
        Interval(local(2026, 3, 6, 22), fri.end)]
    # Monday: the Sunday night's breaks after midnight and the Monday night's first quarter hour
    mon = shiftcal.day_interval(dt.date(2026, 3, 2), BERLIN)
    brk = shiftcal.breaks_between(DEMO, mon.start, mon.end)
    assert brk[0] == Interval(mon.start, local(2026, 3, 2, 0, 15))
    assert brk[-1] == Interval(local(2026, 3, 2, 23, 45), mon.end)
    assert sum(b.seconds for b in brk) == (30 + 45 + 45 + 15) * 60


# --------------------------------------------------------------------------- DST


def test_spring_forward_night_lasts_7_hours() -> None:
    night = shiftcal.shift_at(ROUND_THE_CLOCK, utc(2026, 3, 29, 0))
    assert night.local_date == dt.date(2026, 3, 28)
    assert night.start == utc(2026, 3, 28, 21)  # 22:00 CET
    assert night.end == utc(2026, 3, 29, 4)  # 06:00 CEST
    assert night.seconds == 7 * 3600
    assert night.planned_seconds == 7 * 3600 - 30 * 60 - 15 * 60


def test_fall_back_night_lasts_9_hours() -> None:
    night = shiftcal.shift_at(ROUND_THE_CLOCK, utc(2026, 10, 25, 0))
    assert night.start == utc(2026, 10, 24, 20)  # 22:00 CEST
    assert night.end == utc(2026, 10, 25, 5)  # 06:00 CET
    assert night.seconds == 9 * 3600
    assert night.planned_seconds == 9 * 3600 - 45 * 60


def test_times_in_the_gap_and_the_repeated_hour() -> None:
    # 02:30 does not exist on 2026-03-29: the first instant after the gap (03:00 CEST)
    assert shiftcal.local_to_utc(dt.datetime(2026, 3, 29, 2, 30), BERLIN) == utc(2026, 3, 29, 1)
    # 02:30 happens twice on 2026-10-25: the first time (CEST)
    assert shiftcal.local_to_utc(dt.datetime(2026, 10, 25, 2, 30), BERLIN) == \
        utc(2026, 10, 25, 0, 30)
    cal = CalendarSpec("GAP", "Europe/Berlin", (
        ShiftSpec("Night", "22:00", "06:00", frozenset(range(1, 8)), (
            BreakSpec("In the gap", "02:00", "02:30"),
            BreakSpec("Across the gap", "02:30", "03:15"),
        )),
    ))
    spring = shiftcal.shift_at(cal, utc(2026, 3, 29, 0))
    assert spring.breaks == (Interval(utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 15)),)
    assert [b.name for b in spring.all_breaks] == ["Across the gap"]
    fall = shiftcal.shift_at(cal, utc(2026, 10, 25, 0))
    assert fall.breaks == (Interval(utc(2026, 10, 25, 0), utc(2026, 10, 25, 0, 30)),
                           Interval(utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 2, 15)))


def test_days_of_23_and_25_hours() -> None:
    assert shiftcal.day_interval(dt.date(2026, 3, 29), "Europe/Berlin").seconds == 23 * 3600
    assert shiftcal.day_interval(dt.date(2026, 10, 25), "Europe/Berlin").seconds == 25 * 3600
    assert shiftcal.day_interval(dt.date(2026, 3, 2), "Europe/Berlin") == Interval(
        utc(2026, 3, 1, 23), utc(2026, 3, 2, 23))
    assert shiftcal.days_between(utc(2026, 3, 28, 23), utc(2026, 3, 29, 22), BERLIN) == [
        dt.date(2026, 3, 29)]


# --------------------------------------------------------------------------- from the store, bad specs


def test_from_model_reads_the_orm_shape() -> None:
    model = SimpleNamespace(code="LINE-1-3SHIFT", timezone="Europe/Berlin", shifts=[
        SimpleNamespace(position=2, name="Late", start_time="14:00", end_time="22:00",
                        weekdays=[1, 2, 3, 4, 5], breaks=[]),
        SimpleNamespace(position=1, name="Early", start_time="06:00", end_time="14:00",
                        weekdays=[1, 2, 3, 4, 5], breaks=[
                            SimpleNamespace(position=2, name="Lunch", start_time="11:30",
                                            end_time="12:00", planned=True),
                            SimpleNamespace(position=1, name="Meeting", start_time="09:00",
                                            end_time="09:15", planned=False)]),
    ])
    spec = CalendarSpec.from_model(model)
    assert [s.name for s in spec.shifts] == ["Early", "Late"]
    assert spec.shifts[0].breaks == (BreakSpec("Meeting", "09:00", "09:15", planned=False),
                                      BreakSpec("Lunch", "11:30", "12:00"))
    early = shiftcal.shift_at(spec, local(2026, 3, 2, 7))
    # an unplanned break is listed but is not planned stop time
    assert early.breaks == (Interval(local(2026, 3, 2, 11, 30), local(2026, 3, 2, 12)),)
    assert len(early.all_breaks) == 2


def test_from_model_of_the_imported_demo_calendar(demo_store) -> None:
    from sqlalchemy import select

    from hmi.store import models as m

    with demo_store() as session:
        cal = session.scalars(select(m.ShiftCalendar)).first()
        spec = CalendarSpec.from_model(cal)
    assert spec == DEMO


@pytest.mark.parametrize(("shifts", "message"), [
    ((ShiftSpec("Early", "6:00", "14:00", frozenset({1})),), "Shift 'Early' start: '6:00'"),
    ((ShiftSpec("Early", "06:00", "24:00", frozenset({1})),), "Shift 'Early' end: '24:00'"),
    ((ShiftSpec("Early", "06:00", "14:00", frozenset({1}),
                (BreakSpec("Lunch", "13:45", "14:15"),)),),
     "Shift 'Early', break 'Lunch' (13:45-14:15) is not inside the shift (06:00-14:00)"),
    ((ShiftSpec("Night", "22:00", "06:00", frozenset({1}),
                (BreakSpec("Late snack", "21:30", "21:45"),)),),
     "break 'Late snack' (21:30-21:45) is not inside the shift"),
    ((ShiftSpec("Early", "06:00", "14:00", frozenset({1}),
                (BreakSpec("A", "09:00", "09:30"), BreakSpec("B", "09:15", "09:45"))),),
     "Shift 'Early': breaks 'A' and 'B' overlap"),
    ((ShiftSpec("Early", "06:00", "14:00", frozenset({1}), (BreakSpec("A", "09:00", "09:00"),)),),
     "break 'A': start and end are both 09:00"),
    ((ShiftSpec("Early", "06:00", "14:00", frozenset({1})),
      ShiftSpec("Late", "13:30", "22:00", frozenset({1}))),
     "shift 'Early' starting on mon overlaps shift 'Late' starting on mon"),
    ((ShiftSpec("Night", "22:00", "06:00", frozenset({7})),
      ShiftSpec("Early", "05:00", "13:00", frozenset({1}))),
     "shift 'Night' starting on sun overlaps shift 'Early' starting on mon"),
    ((ShiftSpec("Early", "06:00", "14:00", frozenset({8})),), "weekday 8 is not an ISO weekday"),
    ((ShiftSpec("Early", "06:00", "14:00", frozenset()),), "Shift 'Early' has no weekdays"),
    ((ShiftSpec("A", "06:00", "14:00", frozenset({1})),
      ShiftSpec("A", "14:00", "22:00", frozenset({1}))), "shift name 'A' is used twice"),
])
def test_malformed_spec_is_refused_naming_the_shift(shifts, message) -> None:
    with pytest.raises(ValueError, match="^.*" + _re(message)):
        CalendarSpec("CAL", "Europe/Berlin", shifts)


def test_unknown_time_zone_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="Time zone 'Europe/Berlln' is not known"):
        CalendarSpec("CAL", "Europe/Berlln", DEMO.shifts)
    with pytest.raises(ValueError, match="has no time zone"):
        shiftcal.shift_at(DEMO, dt.datetime(2026, 3, 2, 7))


def test_a_24_hour_shift_and_a_shift_ending_at_midnight() -> None:
    cal = CalendarSpec("24H", "Europe/Berlin", (
        ShiftSpec("Day", "06:00", "06:00", frozenset(range(1, 8)),
                  (BreakSpec("Night break", "02:00", "02:30"),)),))
    inst = shiftcal.shift_at(cal, local(2026, 3, 2, 12))
    assert inst.seconds == 24 * 3600
    assert inst.breaks == (Interval(local(2026, 3, 3, 2), local(2026, 3, 3, 2, 30)),)
    cal2 = CalendarSpec("MID", "Europe/Berlin", (
        ShiftSpec("Late", "16:00", "00:00", frozenset({1})),))
    late = shiftcal.shift_at(cal2, local(2026, 3, 2, 23, 59))
    assert late.end == local(2026, 3, 3, 0) and late.seconds == 8 * 3600


def _re(text: str) -> str:
    import re

    return re.escape(text)
