"""The stop detector and the projection of downtime events (pure: no Qt, no store)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from hmi.services.stops import (
    BREAK_REASON,
    CHANGEOVER_REASON,
    Change,
    StopDetector,
    StopEvent,
    StopTransition,
    project,
    project_details,
)
from hmi.services.timeline import Interval, StopKind, StopRecord

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
U, P, M = StopKind.UNPLANNED, StopKind.PLANNED, StopKind.MICRO
STARTED, REAL, FAULT, ENDED = Change.STARTED, Change.REAL, Change.FAULT, Change.ENDED


def t(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def detector(micro: float = 15.0, **kw) -> StopDetector:
    ids = (f"s{i}" for i in itertools.count(1))
    return StopDetector(micro, new_id=lambda: next(ids), **kw)


def brief(trs: list[StopTransition]) -> list[tuple]:
    """(change, stop, at seconds, kind, cause, fault, reason) of each transition."""
    return [(x.change, x.stop_id, (x.at - T0).total_seconds(), x.stop_kind, x.cause,
             x.fault_code, x.reason_code) for x in trs]


# ----------------------------------------------------------------------------- state detection


def test_a_short_stop_is_a_micro_stop_and_a_long_one_becomes_real_at_the_threshold() -> None:
    d = detector(15.0)
    assert d.on_state(t(0), "running") == []
    assert brief(d.on_state(t(10), "starved")) == [(STARTED, "s1", 10, U, "starved", None, None)]
    assert d.open_record().kind is M  # below the threshold it is a micro-stop so far
    assert brief(d.on_state(t(24.9), "running")) == [(ENDED, "s1", 24.9, M, "starved", None, None)]
    assert d.open_record() is None

    assert brief(d.on_state(t(30), "faulted", 103)) == [(STARTED, "s2", 30, U, "faulted", 103, None)]
    assert d.tick(t(44.9)) == []
    assert brief(d.tick(t(50))) == [(REAL, "s2", 45, U, "faulted", 103, None)]
    assert d.tick(t(60)) == []  # real once
    assert d.open_record().kind is U
    assert brief(d.on_state(t(70), "running")) == [(ENDED, "s2", 70, U, "faulted", 103, None)]

    # Exactly the threshold is not a micro-stop; without a tick in between the facts'
    # own times decide (the REAL comes first, at its own time).
    assert brief(d.on_state(t(100), "blocked")) == [(STARTED, "s3", 100, U, "blocked", None, None)]
    assert brief(d.on_state(t(115), "running")) == [
        (REAL, "s3", 115, U, "blocked", None, None), (ENDED, "s3", 115, U, "blocked", None, None)]


def test_changing_between_stop_states_is_one_stop_and_keeps_the_first_cause() -> None:
    d = detector(15.0)
    d.on_state(t(0), "running")
    out = []
    for i, state in enumerate(["starved", "blocked", "idle", "starved", "stopped", "faulted"]):
        out += d.on_state(t(10 + i), state, 105 if state == "faulted" else None)
    # flapping between stop states: one stop; the fault code is learnt on the way
    assert brief(out) == [(STARTED, "s1", 10, U, "starved", None, None),
                          (FAULT, "s1", 15, U, "starved", 105, None)]
    assert brief(d.on_state(t(40), "running")) == [
        (REAL, "s1", 25, U, "starved", 105, None), (ENDED, "s1", 40, U, "starved", 105, None)]
    # running -> unknown state code: neither starts nor ends anything
    assert d.on_state(t(41), "unknown") == []
    assert d.open_record() is None


def test_changeover_is_a_planned_stop_and_its_edges_cut_unplanned_time_off() -> None:
    d = detector(15.0)
    d.on_state(t(0), "running")
    assert brief(d.on_state(t(10), "changeover")) == [
        (STARTED, "s1", 10, P, "changeover", None, CHANGEOVER_REASON)]
    assert d.tick(t(3600)) == []  # planned: never prompted, never micro
    # a fault straight out of the changeover: the planned part ends, an unplanned one starts
    assert brief(d.on_state(t(4000), "faulted", 104)) == [
        (ENDED, "s1", 4000, P, "changeover", None, CHANGEOVER_REASON),
        (STARTED, "s2", 4000, U, "faulted", 104, None)]
    assert brief(d.on_state(t(4005), "changeover")) == [
        (ENDED, "s2", 4005, M, "faulted", 104, None),
        (STARTED, "s3", 4005, P, "changeover", None, CHANGEOVER_REASON)]
    # a short changeover is still planned, not a micro-stop
    assert brief(d.on_state(t(4008), "running")) == [
        (ENDED, "s3", 4008, P, "changeover", None, CHANGEOVER_REASON)]


def test_a_stop_running_through_a_break_is_cut_at_the_break_edges() -> None:
    d = detector(15.0, breaks=[Interval(t(100), t(200))])
    d.on_state(t(0), "running")
    assert brief(d.on_state(t(90), "stopped")) == [(STARTED, "s1", 90, U, "stopped", None, None)]
    assert brief(d.tick(t(250))) == [
        (ENDED, "s1", 100, M, "stopped", None, None),  # 10 s before the break: micro
        (STARTED, "s2", 100, P, "stopped", None, BREAK_REASON),
        (ENDED, "s2", 200, P, "stopped", None, BREAK_REASON),
        (STARTED, "s3", 200, U, "stopped", None, None),  # after the break: unplanned again
        (REAL, "s3", 215, U, "stopped", None, None),
    ]
    assert brief(d.on_state(t(260), "running")) == [(ENDED, "s3", 260, U, "stopped", None, None)]

    # Longer before the break: that part is real; a stop ending inside a break is all break.
    d = detector(5.0, breaks=[Interval(t(100), t(200))])
    assert brief(d.on_state(t(90), "faulted", 101)) == [
        (STARTED, "s1", 90, U, "faulted", 101, None)]
    assert brief(d.on_state(t(150), "running")) == [
        (REAL, "s1", 95, U, "faulted", 101, None),
        (ENDED, "s1", 100, U, "faulted", 101, None),
        (STARTED, "s2", 100, P, "faulted", 101, BREAK_REASON),
        (ENDED, "s2", 150, P, "faulted", 101, BREAK_REASON),
    ]
    assert brief(d.on_state(t(160), "idle")) == [(STARTED, "s3", 160, P, "idle", None, BREAK_REASON)]
    assert brief(d.on_state(t(170), "running")) == [(ENDED, "s3", 170, P, "idle", None, BREAK_REASON)]


def test_a_changeover_over_a_break_and_touching_breaks() -> None:
    d = detector(15.0, breaks=[Interval(t(100), t(150)), Interval(t(150), t(200))])
    assert d.breaks == [Interval(t(100), t(200))]  # touching breaks are one
    out = d.on_state(t(50), "changeover")
    out += d.on_state(t(120), "stopped")  # inside the break: the part after it follows the machine
    out += d.tick(t(200))
    assert brief(out) == [
        (STARTED, "s1", 50, P, "changeover", None, CHANGEOVER_REASON),
        (ENDED, "s1", 100, P, "changeover", None, CHANGEOVER_REASON),
        (STARTED, "s2", 100, P, "changeover", None, BREAK_REASON),
        (ENDED, "s2", 200, P, "changeover", None, BREAK_REASON),
        (STARTED, "s3", 200, U, "stopped", None, None),
    ]


def test_a_fault_code_arriving_after_the_state_is_attached_until_the_stop_is_real() -> None:
    d = detector(15.0)
    d.on_state(t(0), "running")
    assert brief(d.on_state(t(10), "faulted", 0)) == [(STARTED, "s1", 10, U, "faulted", None, None)]
    assert brief(d.on_fault(t(10.01), 106)) == [(FAULT, "s1", 10.01, U, "faulted", 106, None)]
    assert brief(d.on_fault(t(11), 107)) == [(FAULT, "s1", 11, U, "faulted", 107, None)]
    assert brief(d.tick(t(30))) == [(REAL, "s1", 25, U, "faulted", 107, None)]
    assert d.on_fault(t(31), 108) == []  # real with a code: a later code changes nothing
    assert d.on_fault(t(40), 0) == []
    assert brief(d.on_state(t(41), "running")) == [(ENDED, "s1", 41, U, "faulted", 107, None)]
    # a fault code while running (or stale in a state fact that is not faulted) is no stop's
    assert d.on_fault(t(50), 103) == []
    assert brief(d.on_state(t(60), "stopped", 103)) == [(STARTED, "s2", 60, U, "stopped", None, None)]


# ----------------------------------------------------------------------------- count detection


def test_count_detection_starts_at_the_last_count_and_ends_at_the_next() -> None:
    d = detector(15.0, detect="count", no_count_s=7.5)
    for s in (0, 1.5, 3.0):
        assert d.on_count(t(s), good=1) == []
    assert d.on_state(t(3.5), "faulted", 101) == []  # the state tag is not used
    assert d.tick(t(10.4)) == []
    assert brief(d.tick(t(10.5))) == [(STARTED, "s1", 3, U, "no_count", None, None)]
    assert brief(d.tick(t(18))) == [(REAL, "s1", 18, U, "no_count", None, None)]
    assert d.on_count(t(25), good=0, scrap=0) == []  # nothing counted: no end
    assert brief(d.on_count(t(30), scrap=1)) == [(ENDED, "s1", 30, U, "no_count", None, None)]
    # a gap seen only when the next count comes: started and ended by that count
    assert d.on_count(t(35), good=1) == [] and d.on_count(t(40), good=1) == []
    assert brief(d.on_count(t(48), good=1)) == [
        (STARTED, "s2", 40, U, "no_count", None, None), (ENDED, "s2", 48, M, "no_count", None, None)]
    # without a known last count nothing can be detected
    d2 = detector(15.0, detect="count", no_count_s=7.5)
    assert d2.tick(t(1000)) == []
    d2.seed_last_count(t(990))
    assert brief(d2.tick(t(1000))) == [(STARTED, "s1", 990, U, "no_count", None, None)]


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="detect"):
        StopDetector(15.0, detect="states")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="micro_stop_s"):
        StopDetector(-1.0)
    with pytest.raises(ValueError, match="no_count_s"):
        StopDetector(15.0, "count", 0.0)


def test_restore_continues_the_open_stop_after_a_restart() -> None:
    d = detector(15.0)
    d.restore(StopRecord("old", t(10), None, U, fault_code=103, cause="faulted"))
    assert d.open_stop_id == "old"
    # the monitor re-reports the state after a restart: the same stop, not a new one
    assert brief(d.on_state(t(100), "faulted", 103)) == [(REAL, "old", 25, U, "faulted", 103, None)]
    assert d.tick(t(101)) == []
    assert brief(d.on_state(t(120), "running")) == [(ENDED, "old", 120, U, "faulted", 103, None)]
    with pytest.raises(ValueError, match="open"):
        d.restore(StopRecord("x", t(1), t(2), U))


# ----------------------------------------------------------------------------- projection


def ev(kind: str, stop: str, s: float, **kw) -> StopEvent:
    return StopEvent(kind, stop, t(s), **kw)


def test_project_latest_classification_wins_and_kinds_follow_the_events() -> None:
    events = [
        ev("started", "a", 10, cause="faulted", stop_kind="unplanned", fault_code=103),
        ev("classified", "a", 25, reason_code="MECH-HYD-LEAK", classified_by="auto",
           fault_code=103),
        ev("started", "m", 30, cause="starved", stop_kind="unplanned"),
        ev("ended", "m", 33, stop_kind="micro"),
        ev("ended", "a", 70),
        ev("classified", "a", 80, reason_code="MAT-WRONG", classified_by="operator",
           comment="wrong blanks", actor_badge="1001"),
        ev("classified", "a", 90, reason_code="PLANNED-MAINT", classified_by="team_lead",
           stop_kind="planned", actor_badge="2001"),
        ev("ended", "ghost", 95),  # its start is not in the list: ignored
        ev("started", "o", 100, cause="stopped", stop_kind="unplanned"),
    ]
    names = {"PLANNED-MAINT": "Planned maintenance"}
    a, m, o = project(events, names)
    assert a == StopRecord("a", t(10), t(70), P, "PLANNED-MAINT", "Planned maintenance", 103,
                           "team_lead", "faulted")
    assert m == StopRecord("m", t(30), t(33), M, cause="starved")
    assert m.classified and not o.classified
    assert o.end is None and o.kind is U
    details = project_details(events)
    assert details["a"].classified_badge == "2001" and details["a"].classified_at == t(90)


def test_project_split_gives_two_records_and_the_open_part_goes_on() -> None:
    events = [
        ev("started", "a", 0, cause="faulted", stop_kind="unplanned", fault_code=101),
        ev("classified", "a", 20, reason_code="MECH-HYD", classified_by="auto"),
        ev("split", "a", 60, new_stop_id="b", actor_badge="1001"),
        ev("classified", "b", 61, reason_code="MAT-STARVED", classified_by="operator"),
        ev("acknowledged", "b", 62, actor_badge="3001"),
        ev("ended", "b", 100),  # the open stop went on as b
        ev("split", "a", 30, new_stop_id="c"),  # a again, at 30: c = [30, 60)
        ev("repaired", "b", 110, comment="valve replaced"),
        ev("closed", "b", 120, actor_badge="3001"),
    ]
    a, c, b = project(events)
    assert (a.start, a.end, a.reason_code) == (t(0), t(30), "MECH-HYD")
    assert (c.start, c.end, c.reason_code, c.cause, c.fault_code) == (
        t(30), t(60), "MECH-HYD", "faulted", 101)
    assert (b.start, b.end, b.reason_code, b.classified_by) == (
        t(60), t(100), "MAT-STARVED", "operator")
    assert (b.acknowledged_at, b.repaired_at) == (t(62), t(110))
    assert a.acknowledged_at is None
    d = project_details(events)["b"]
    assert (d.closed_at, d.repair_action, d.split_from) == (t(120), "valve replaced", "a")
