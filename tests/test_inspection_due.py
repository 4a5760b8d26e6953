"""Due inspections: every frequency trigger, the grace period, blocking and suspect parts."""

from __future__ import annotations

import datetime as dt

import pytest

from hmi.services.inspection_due import DueTracker, Frequency, Trigger

T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


def t(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def tracker(**plan: list[Frequency]) -> DueTracker:
    return DueTracker(plan, grace=dt.timedelta(minutes=10))


def reasons(tr: DueTracker, at: dt.datetime) -> dict[str, str]:
    return {d.characteristic: d.reason.value for d in tr.due(at)}


def test_first_piece_falls_due_with_the_first_part_of_the_order() -> None:
    tr = tracker(depth=[Frequency(Trigger.FIRST_PIECE)])
    tr.order_started(t(0))
    assert tr.due(t(5)) == []  # nothing made yet
    tr.on_parts(t(6))
    (due,) = tr.due(t(6))
    assert (due.reason, due.since) == (Trigger.FIRST_PIECE, t(6))
    tr.inspected("depth", t(7))
    tr.on_parts(t(8), 20)
    assert tr.due(t(8)) == []  # first piece only once per order
    tr.order_started(t(30))  # the next order
    tr.on_parts(t(31))
    assert reasons(tr, t(31)) == {"depth": "first_piece"}


def test_every_n_parts_counts_from_the_last_inspection() -> None:
    tr = tracker(depth=[Frequency(Trigger.EVERY_PARTS, 50)])
    tr.order_started(t(0))
    tr.on_parts(t(1), 49)
    assert tr.due(t(1)) == []
    tr.on_parts(t(2), 1)
    assert reasons(tr, t(2)) == {"depth": "every_parts"}
    tr.inspected("depth", t(3))
    tr.on_parts(t(4), 49)
    assert tr.due(t(4)) == []
    tr.on_parts(t(5), 1)
    assert reasons(tr, t(5)) == {"depth": "every_parts"}


def test_every_t_minutes_runs_only_while_an_order_runs() -> None:
    tr = tracker(visual=[Frequency(Trigger.EVERY_MINUTES, 60)])
    tr.tick(t(120))
    assert tr.due(t(120)) == []  # no order: nothing is produced, nothing falls due
    tr.order_started(t(0))
    tr.tick(t(59.9))
    assert tr.due(t(59.9)) == []
    tr.tick(t(61))
    (due,) = tr.due(t(61))
    assert due.since == t(60)  # due from the hour, not from the tick that noticed it
    tr.inspected("visual", t(65))
    tr.tick(t(124))
    assert tr.due(t(124)) == []
    tr.tick(t(125))
    assert reasons(tr, t(125)) == {"visual": "every_minutes"}


@pytest.mark.parametrize("trigger", [Trigger.SHIFT_START, Trigger.CHANGEOVER,
                                     Trigger.AFTER_DOWNTIME, Trigger.RECIPE_CHANGE])
def test_event_triggers_affect_only_the_characteristics_that_have_them(trigger) -> None:
    tr = tracker(a=[Frequency(trigger)], b=[Frequency(Trigger.EVERY_PARTS, 100)])
    tr.order_started(t(0))
    tr.on_event(trigger, t(3))
    assert reasons(tr, t(3)) == {"a": trigger.value}


def test_an_spc_alarm_makes_only_its_own_characteristic_due() -> None:
    tr = tracker(a=[Frequency(Trigger.SPC_ALARM)], b=[Frequency(Trigger.SPC_ALARM)])
    tr.order_started(t(0))
    tr.on_event(Trigger.SPC_ALARM, t(2), characteristic="b")
    assert reasons(tr, t(2)) == {"b": "spc_alarm"}
    with pytest.raises(KeyError):
        tr.on_event(Trigger.SPC_ALARM, t(2), characteristic="zz")


def test_overdue_after_the_grace_blocks_starts_and_makes_parts_suspect() -> None:
    tr = tracker(depth=[Frequency(Trigger.EVERY_PARTS, 10)])
    tr.order_started(t(0))
    tr.on_parts(t(1), 10)  # due at 1 min
    tr.on_parts(t(5), 3)  # within the grace: not suspect
    assert tr.blocking(t(10.9)) == []
    (late,) = tr.blocking(t(11))
    assert late.overdue and late.overdue_at == t(11)
    tr.on_parts(t(12), 4)
    tr.on_parts(t(13), 2)
    assert tr.due(t(13))[0].suspect_parts == 6
    assert tr.inspected("depth", t(14)) == 6  # left for disposition
    assert tr.blocking(t(15)) == [] and tr.due(t(15)) == []


def test_an_inspection_already_due_keeps_its_first_reason_and_time() -> None:
    tr = tracker(depth=[Frequency(Trigger.SHIFT_START), Frequency(Trigger.RECIPE_CHANGE)])
    tr.order_started(t(0))
    tr.on_event(Trigger.SHIFT_START, t(1))
    tr.on_event(Trigger.RECIPE_CHANGE, t(5))
    (due,) = tr.due(t(5))
    assert (due.reason, due.since) == (Trigger.SHIFT_START, t(1))


def test_frequencies_are_checked() -> None:
    with pytest.raises(ValueError, match="every_parts needs a positive"):
        Frequency(Trigger.EVERY_PARTS)
    with pytest.raises(ValueError, match="shift_start takes no"):
        Frequency(Trigger.SHIFT_START, 5)
    with pytest.raises(ValueError, match="has no frequency"):
        DueTracker({"x": []})
    with pytest.raises(ValueError, match="not an event"):
        tracker(a=[Frequency(Trigger.FIRST_PIECE)]).on_event(Trigger.FIRST_PIECE, t(0))
