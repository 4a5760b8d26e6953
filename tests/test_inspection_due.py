"""Due inspections: every frequency trigger, the grace period, blocking and suspect parts."""

from __future__ import annotations

import datetime as dt

import pytest

from hmi.services.inspection_due import DueTracker, Fact, FactKind, Frequency, Trigger

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


# --------------------------------------------------------------------------- restore

PLAN = {"depth": [Frequency(Trigger.FIRST_PIECE), Frequency(Trigger.EVERY_PARTS, 10)],
        "visual": [Frequency(Trigger.EVERY_MINUTES, 60), Frequency(Trigger.SHIFT_START)]}


def live_and_facts():
    """A live tracker fed a morning's facts, and the same facts as stored."""
    live = DueTracker(PLAN, grace=dt.timedelta(minutes=10))
    facts: list[Fact] = []

    def start(m):
        live.order_started(t(m))
        facts.append(Fact(t(m), FactKind.ORDER_STARTED))

    def parts(m, n):
        live.tick(t(m))
        live.on_parts(t(m), n)
        facts.append(Fact(t(m), FactKind.PARTS, n=n))

    def inspected(m, code, ref):
        live.inspected(code, t(m), ref)
        facts.append(Fact(t(m), FactKind.INSPECTED, characteristic=code, ref=ref))

    def shift(m):
        live.on_event(Trigger.SHIFT_START, t(m))
        facts.append(Fact(t(m), FactKind.EVENT, trigger=Trigger.SHIFT_START))

    start(0)
    parts(1, 1)  # first piece due
    inspected(2, "depth", "r1")
    parts(5, 7)
    inspected(20, "visual", "r2")
    parts(30, 2)  # 9 since r1
    parts(31, 4)  # 13: every_parts due at 31
    parts(50, 3)  # overdue since 41: suspect
    shift(55)  # visual was due at 80 anyway; the shift start makes it due now
    parts(70, 2)  # visual overdue since 65: suspect for both
    return live, facts


def test_a_restore_from_the_stored_facts_gives_the_live_state() -> None:
    live, facts = live_and_facts()
    now = t(75)
    live.tick(now)
    restored = DueTracker(PLAN, grace=dt.timedelta(minutes=10))
    restored.restore(facts, now)
    assert restored.due(now) == live.due(now)
    depth, visual = sorted(restored.due(now), key=lambda d: d.characteristic)
    assert (depth.reason, depth.since, depth.overdue_at, depth.suspect_parts) == (
        Trigger.EVERY_PARTS, t(31), t(41), 5)
    assert (visual.reason, visual.since, visual.suspect_parts) == (Trigger.SHIFT_START, t(55),
                                                                   2)
    assert restored.running
    # the counts carry on where they were: 5 parts after the next depth check, 5 more due
    for tr_ in (live, restored):
        tr_.inspected("depth", t(76), "r3")
        tr_.on_parts(t(77), 9)
        assert "depth" not in reasons(tr_, t(77))
        tr_.on_parts(t(78), 1)
        assert reasons(tr_, t(78))["depth"] == "every_parts"


def test_restore_keeps_first_piece_pending_and_minutes_running_from_the_start() -> None:
    facts = [Fact(t(0), FactKind.ORDER_STARTED)]
    tr = DueTracker(PLAN, grace=dt.timedelta(minutes=10))
    tr.restore(facts, t(30))
    assert tr.due(t(30)) == []
    tr.on_parts(t(31))
    assert reasons(tr, t(31)) == {"depth": "first_piece"}
    tr.tick(t(59))
    assert "visual" not in reasons(tr, t(59))
    tr.tick(t(60))
    assert reasons(tr, t(60))["visual"] == "every_minutes"
    # an ended order: time no longer counts
    ended = DueTracker(PLAN)
    ended.restore([*facts, Fact(t(10), FactKind.ORDER_ENDED)], t(120))
    assert ended.due(t(120)) == [] and not ended.running


def test_facts_already_answered_change_nothing() -> None:
    tr = DueTracker(PLAN, grace=dt.timedelta(minutes=10))
    tr.order_started(t(0))
    tr.on_event(Trigger.SHIFT_START, t(1))
    tr.inspected("visual", t(5), "r1")
    tr.on_event(Trigger.SHIFT_START, t(1))  # the same shift announced again (a restart)
    assert tr.due(t(7)) == []
    tr.on_parts(t(6), 4)
    assert reasons(tr, t(7)) == {"depth": "first_piece"}
    assert tr.inspected("depth", t(8), "r2") == 0
    assert tr.due(t(8)) == []
    tr.on_parts(t(9), 9)
    assert tr.inspected("depth", t(8), "r2") == 0  # the same result again: no reset
    tr.on_parts(t(10), 1)
    assert reasons(tr, t(10)) == {"depth": "every_parts"}


def test_a_rework_makes_any_characteristic_due() -> None:
    tr = DueTracker(PLAN)
    tr.order_started(t(0))
    tr.on_event(Trigger.REWORK, t(3), characteristic="visual")
    assert reasons(tr, t(3)) == {"visual": "rework"}
    tr.on_event(Trigger.REWORK, t(4))
    assert reasons(tr, t(4)) == {"depth": "rework", "visual": "rework"}
