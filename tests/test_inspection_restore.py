"""After a restart the due inspections are what they were; shift starts from the calendar.

A real store (demo data: plan IP-BRK — BUSH-DEPTH first piece / every 50 parts …, VISUAL
every 60 minutes / shift start, grace 10 min), the real OrderStack and recorder
(tests/quality_line.py). The restart builds a new stack and DB worker on the same file.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hmi.services.shiftcal import CalendarSpec, ShiftSpec
from tests.quality_line import ORDER, Clock, Line

T0 = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)
DEPTH_OK = ["12.01", "11.98", "12.03", "12.00", "12.02"]
EVERY_DAY = frozenset(range(1, 8))
CALENDAR = CalendarSpec("TEST-3", "UTC", (
    ShiftSpec("Early", "06:00", "14:00", EVERY_DAY), ShiftSpec("Late", "14:00", "22:00",
                                                               EVERY_DAY),
    ShiftSpec("Night", "22:00", "06:00", EVERY_DAY)))


def m(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def people(demo_people):
    return demo_people


@pytest.fixture
def line(qtbot, demo_store):
    ln = Line(qtbot, demo_store, Clock(T0))
    yield ln
    ln.shutdown()


def test_due_overdue_and_suspect_parts_survive_a_restart(line, people):
    anna = people["anna"]
    clock = line.clock
    line.start(anna)
    clock.at(m(1))
    line.parts(1)
    assert line.due() == {"BUSH-DEPTH": ("first_piece", m(1))}
    line.restart()
    assert line.due() == {"BUSH-DEPTH": ("first_piece", m(1))}  # still due after a crash

    clock.at(m(2))
    line.record(anna, "BUSH-DEPTH", DEPTH_OK)
    clock.at(m(5))
    line.parts(30)
    clock.at(m(61))
    line.tick()
    assert line.due() == {"VISUAL": ("every_minutes", m(60))}  # an hour after the start
    clock.at(m(71))
    line.tick()
    clock.at(m(72))
    line.parts(4)  # VISUAL is overdue since 70: suspect
    before, blocking = line.stack.inspections.due(), line.stack.inspections.blocking()
    assert [(d.characteristic, d.overdue_at, d.suspect_parts) for d in blocking] == [
        ("VISUAL", m(70), 4)]
    (blocker,) = line.blockers(anna)
    assert "4 part(s) made meanwhile count as suspect" in blocker.what_to_do

    line.restart()
    assert line.stack.inspections.due() == before
    assert line.stack.inspections.blocking() == blocking
    (again,) = line.blockers(anna)
    assert again == blocker

    # every-N-parts counts on from where it was (34 since the check at minute 2)
    clock.at(m(73))
    line.parts(15)
    assert "BUSH-DEPTH" not in line.due()
    clock.at(m(74))
    line.parts(1)
    assert line.due()["BUSH-DEPTH"] == ("every_parts", m(74))
    out = line.record(anna, "VISUAL", ["0"])
    assert out.suspect_parts == 4 + 16  # made while VISUAL was overdue, before and after
    assert line.errors == []


def test_the_shift_start_check_is_due_once_for_an_order_running_across_the_change(
        qtbot, demo_store, people):
    anna = people["anna"]
    clock = Clock(dt.datetime(2026, 3, 2, 13, 30, tzinfo=dt.UTC))
    line = Line(qtbot, demo_store, clock, calendar=CALENDAR)
    try:
        line.start(anna)  # in the middle of the Early shift: no shift-start check for it
        clock.at(dt.datetime(2026, 3, 2, 13, 31, tzinfo=dt.UTC))
        line.tick()
        assert line.due() == {}
        late = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
        clock.at(late)
        line.tick()
        assert line.due() == {"VISUAL": ("shift_start", late)}
        clock.at(late + dt.timedelta(minutes=3))
        line.record(anna, "VISUAL", ["0"])
        clock.at(late + dt.timedelta(minutes=4))
        line.tick()
        assert line.due() == {}  # once per shift, not on every tick

        line.restart()  # in the middle of the Late shift, the check done: not due again
        line.tick()
        assert line.due() == {}
        line.parts(1)  # the order's first part came only now: first piece
        assert line.due() == {"BUSH-DEPTH": ("first_piece", clock.now)}
        line.record(anna, "BUSH-DEPTH", DEPTH_OK)

        night = dt.datetime(2026, 3, 2, 22, 0, tzinfo=dt.UTC)
        clock.at(night - dt.timedelta(minutes=5))
        line.tick()
        assert line.due() == {"VISUAL": ("every_minutes", late + dt.timedelta(minutes=63))}
        line.record(anna, "VISUAL", ["0"])
        line.shutdown()  # the station is off over the shift change
        clock.at(night + dt.timedelta(minutes=12))
        line.boot()
        line.tick()
        (due,) = line.stack.inspections.blocking()
        assert (due.characteristic, due.reason.value, due.since, due.overdue) == (
            "VISUAL", "shift_start", night, True)
        clock.at(night + dt.timedelta(minutes=13))
        line.parts(2)
        line.restart()  # the overdue check and its suspect parts are restored
        line.tick()
        (due,) = line.stack.inspections.blocking()
        assert (due.reason.value, due.since, due.suspect_parts) == ("shift_start", night, 2)
        assert line.errors == []
    finally:
        line.shutdown()


def test_an_order_started_after_the_shift_began_gets_no_shift_start_check(
        qtbot, demo_store, people):
    clock = Clock(dt.datetime(2026, 3, 2, 14, 20, tzinfo=dt.UTC))
    line = Line(qtbot, demo_store, clock, calendar=CALENDAR)
    try:
        line.tick()  # the Late shift began before any order ran
        line.start(people["anna"])
        clock.at(dt.datetime(2026, 3, 2, 14, 21, tzinfo=dt.UTC))
        line.tick()
        assert line.due() == {}
        assert ORDER == line.stack.orders.running_operation()[0]
    finally:
        line.shutdown()
