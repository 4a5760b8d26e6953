"""DowntimeService on the real demo store with the real database worker.

Facts are fed the way the app feeds them (ProductionMonitor sink + fault-code
tag); time comes from a manual clock; qtbot only waits for the worker.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hmi import config
from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.downtime import (
    CommentRequired,
    DowntimeService,
    InvalidSplit,
    MaintenanceStepError,
    ReasonNotSelectable,
    UnknownReason,
    UnknownStop,
)
from hmi.services.permissions import PermissionDenied
from hmi.services.stops import load_timeline
from hmi.services.timeline import Interval, StopKind
from hmi.services.worker import DbWorker
from hmi.store.models import DowntimeEvent, MaintenanceLogEvent
from hmi.store.security import AuditEntry

STATION = "ST-10"
# Monday 2026-03-02 07:00 in Berlin: the Early shift, an hour before its first break.
T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def t(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def cfg():
    return config.load(config.resources_dir() / "stations" / "demo.toml")


@pytest.fixture(scope="module")
def people(demo_people):
    return demo_people


@pytest.fixture
def worker(qapp):
    w = DbWorker()
    yield w
    w.shutdown()


class Harness:
    def __init__(self, qtbot, cfg, worker, sf, *, start: bool = True) -> None:
        self.qtbot, self.cfg, self.worker, self.sf = qtbot, cfg, worker, sf
        self.clock = Clock()
        self.errors: list[str] = []
        self.asked: list = []
        self.svc = self.build(start)

    def build(self, start: bool = True) -> DowntimeService:
        svc = DowntimeService(self.cfg, self.worker, self.sf,
                              audit=AuditWriter(STATION, self.clock), clock=self.clock)
        svc.sig_error.connect(self.errors.append)
        svc.sig_stop_needs_reason.connect(self.asked.append)
        if start:
            with self.qtbot.waitSignal(svc.sig_ready, timeout=10_000):
                svc.start(tick_ms=0)
        return svc

    def at(self, s: float) -> None:
        self.clock.now = t(s)

    def state(self, s: float, name: str, fault: int | None = None) -> None:
        self.at(s)
        self.svc.on_fact("machine_state", {"state_code": 0, "state": name, "fault_code": fault,
                                           "source_ts": t(s)})

    def fault(self, s: float, code: int) -> None:
        self.svc.on_fault_code(t(s), code)

    def count(self, s: float, n: int = 1, kind: str = "good") -> None:
        self.at(s)
        self.svc.on_fact("production_count", {"kind": kind, "increment": n, "raw": 0,
                                              "how": "count", "source_ts": t(s)})

    def tick(self, s: float) -> None:
        self.at(s)
        self.svc.tick()

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.svc.busy, timeout=10_000)
        assert self.errors == []

    def rows(self) -> list[tuple]:
        """(kind, stop, seconds after T0, reason, classified_by, stop_kind, badge) as stored."""
        self.settle()
        with self.sf() as s:
            evs = s.scalars(select(DowntimeEvent).where(DowntimeEvent.station_id == STATION)
                            .order_by(DowntimeEvent.seq)).all()
            return [(e.kind, str(e.stop_id), (e.occurred_at - T0).total_seconds(), e.reason_code,
                     e.classified_by, e.stop_kind, e.actor_badge) for e in evs]

    def audit(self) -> list[tuple]:
        self.settle()
        with self.sf() as s:
            assert verify_chain(s, STATION).ok
            return [(a.action, a.actor_badge, a.entity_id, a.old_value, a.new_value)
                    for a in s.scalars(select(AuditEntry).where(AuditEntry.entity == "downtime_stop")
                                       .order_by(AuditEntry.seq))]


@pytest.fixture
def h(qtbot, cfg, worker, demo_store):
    harness = Harness(qtbot, cfg, worker, demo_store)
    yield harness
    harness.svc.shutdown()


def long_stop(h: Harness, start: float, end: float, state: str = "stopped",
              fault: int | None = None) -> str:
    h.state(start, state, fault)
    h.state(end, "running")
    rec = h.svc.stops()[0]
    assert (rec.start, rec.end) == (t(start), t(end))
    return rec.stop_id


# ----------------------------------------------------------------------------- detection


def test_a_fault_becomes_a_stop_classified_from_its_plc_code_and_a_micro_stop_is_not_asked(h):
    svc = h.svc
    assert svc.micro_stop_s == 15.0  # 10 x the 1.5 s ideal cycle of the demo station
    h.state(0, "running")
    h.state(10, "starved")
    h.state(14, "running")  # 4 s: micro
    h.state(20, "faulted", 0)  # the fault code tag arrives just after the state
    h.fault(20.02, 103)
    h.tick(34)
    assert h.asked == [] and svc.open_stop().kind is StopKind.MICRO
    h.tick(36)
    (asked,) = h.asked
    assert (asked.start, asked.kind, asked.fault_code, asked.reason_code, asked.classified_by) == (
        t(20), StopKind.UNPLANNED, 103, "MECH-HYD-LEAK", "auto")
    node, why = svc.suggested_reason(asked)
    assert (node.code, why) == ("MECH-HYD-LEAK", "Suggested from PLC fault 103")
    assert svc.unclassified() == []  # an automatic reason does not nag
    h.state(50, "running")

    micro, fault = h.svc.stops()[::-1]
    assert (micro.kind, micro.end, micro.classified) == (StopKind.MICRO, t(14), True)
    assert (fault.kind, fault.end, fault.reason_name) == (StopKind.UNPLANNED, t(50), "Leak")
    assert h.rows() == [
        ("started", micro.stop_id, 10, None, None, "unplanned", None),
        ("ended", micro.stop_id, 14, None, None, "micro", None),
        ("started", fault.stop_id, 20, None, None, "unplanned", None),
        ("classified", fault.stop_id, 35, "MECH-HYD-LEAK", "auto", None, None),
        ("ended", fault.stop_id, 50, None, None, None, None),
    ]
    # the store gives back exactly what the service holds
    with h.sf() as s:
        stored = load_timeline(s, STATION, Interval(t(0), t(3600)), now=t(60)).stops
    assert stored == [micro, fault]


def test_an_unmapped_stop_nags_until_classified_and_facts_before_start_are_kept(
        qtbot, cfg, worker, demo_store, people):
    h = Harness(qtbot, cfg, worker, demo_store, start=False)
    svc = h.svc
    h.state(5, "idle")  # before start(): waits, in order
    with qtbot.waitSignal(svc.sig_ready):
        svc.start(tick_ms=0)
    h.tick(30)
    (rec,) = svc.unclassified()
    assert (rec.start, rec.cause, rec.kind) == (t(5), "idle", StopKind.UNPLANNED)
    assert h.asked == [rec] and svc.suggested_reason(rec) is None
    with qtbot.waitSignal(svc.sig_stops_changed) as changed:
        svc.classify(people["anna"], rec.stop_id, "MAT-STARVED")
    assert changed.args[0][0].reason_code == "MAT-STARVED"
    assert svc.unclassified() == []
    svc.shutdown()


# ----------------------------------------------------------------------------- classification


def test_classify_then_reclassify_needs_a_team_lead_and_every_attempt_is_audited(h, people):
    anna, clara = people["anna"], people["clara"]
    sid = long_stop(h, 0, 100)
    h.at(200)
    h.svc.classify(anna, sid, "MAT-STARVED")
    h.settle()
    rec = h.svc.record(sid)
    assert (rec.reason_code, rec.reason_name, rec.classified_by) == (
        "MAT-STARVED", "Starved (no material)", "operator")

    h.at(300)
    with pytest.raises(PermissionDenied) as refused:
        h.svc.classify(anna, sid, "QUAL")
    assert "Anna Berg (badge 1001) may not change the reason" in refused.value.operator_message
    assert h.svc.record(sid).reason_code == "MAT-STARVED"  # unchanged
    h.at(400)
    h.svc.classify(clara, sid, "PLANNED-MAINT", "was the planned pump check")
    h.settle()
    rec = h.svc.record(sid)
    assert (rec.reason_code, rec.classified_by, rec.kind) == (
        "PLANNED-MAINT", "team_lead", StopKind.PLANNED)  # a planned reason makes it planned
    assert h.svc.details(sid).comment == "was the planned pump check"

    assert [r[0:7] for r in h.rows()[2:]] == [
        ("classified", sid, 200, "MAT-STARVED", "operator", None, "1001"),
        ("classified", sid, 400, "PLANNED-MAINT", "team_lead", "planned", "2001"),
    ]
    assert h.audit() == [
        ("classify", "1001", sid, None,
         {"reason": "MAT-STARVED", "version": 1, "comment": ""}),
        ("reclassify_refused", "1001", sid, {"reason": "MAT-STARVED"}, {"reason": "QUAL"}),
        ("reclassify", "2001", sid, {"reason": "MAT-STARVED", "classified_by": "operator"},
         {"reason": "PLANNED-MAINT", "version": 1, "comment": "was the planned pump check"}),
    ]
    # the operator may still confirm an automatic reason (nobody chose it yet)
    auto = long_stop(h, 500, 600, "faulted", 105)
    assert h.svc.record(auto).classified_by == "auto"
    h.svc.classify(anna, auto, "MECH-JAM")
    h.settle()
    assert h.svc.record(auto).classified_by == "operator"
    assert h.svc.recent_reasons() == [h.svc.reason(c) for c in ("MECH-JAM", "PLANNED-MAINT",
                                                                 "MAT-STARVED")]


def test_bad_classifications_are_refused_with_a_reason_and_nothing_is_written(h, people):
    anna = people["anna"]
    sid = long_stop(h, 0, 100)
    before = h.rows()
    with pytest.raises(CommentRequired, match="\"Wrong material\" needs a comment"):
        h.svc.classify(anna, sid, "MAT-WRONG", "   ")
    with pytest.raises(ReasonNotSelectable, match="\"Mechanical\" is a group. Choose one of its "
                                                  "reasons: Hydraulic, Part jammed."):
        h.svc.classify(anna, sid, "MECH")
    with pytest.raises(UnknownReason, match="NOPE is not in the reason tree"):
        h.svc.classify(anna, sid, "NOPE")
    with pytest.raises(UnknownStop, match="no longer known"):
        h.svc.classify(anna, "0190f0f0-0000-7000-8000-000000000000", "QUAL")
    with pytest.raises(PermissionDenied, match="Nobody is logged in"):
        h.svc.classify(None, sid, "QUAL")
    assert h.rows() == before and h.audit() == []
    # a group the tree maps a fault code to is a valid answer
    h.svc.classify(anna, sid, "MECH-HYD")
    h.svc.classify(people["clara"], sid, "MAT-WRONG", "blanks of the wrong alloy")
    h.settle()
    assert h.svc.record(sid).reason_code == "MAT-WRONG"
    tree = [n.code for n in h.svc.reason_tree()]
    assert tree.index("MECH") < tree.index("MECH-HYD") < tree.index("MECH-HYD-LEAK")
    assert {n.code for n in h.svc.reason_tree() if not n.selectable} == {"MECH", "MAT"}


# ----------------------------------------------------------------------------- split


def test_split_a_closed_and_an_open_stop(h, people):
    anna = people["anna"]
    sid = long_stop(h, 0, 600, "faulted", 101)  # auto: MECH-HYD
    h.at(700)
    with pytest.raises(InvalidSplit, match="is not inside the stop"):
        h.svc.split(anna, sid, t(600))
    with pytest.raises(InvalidSplit):
        h.svc.split(anna, sid, t(0))
    h.svc.split(anna, sid, t(240), second_reason="MAT-STARVED")
    h.settle()
    second, first = h.svc.stops()
    assert (first.stop_id, first.start, first.end, first.reason_code) == (
        sid, t(0), t(240), "MECH-HYD")
    assert (second.start, second.end, second.reason_code, second.fault_code, second.cause) == (
        t(240), t(600), "MAT-STARVED", 101, "faulted")

    # an open stop: the second part is the one that goes on and gets the end
    h.state(1000, "stopped")
    h.tick(1100)
    open_id = h.svc.open_stop().stop_id
    h.svc.split(anna, open_id, t(1050), "MECH-JAM", "MAT-STARVED")
    h.settle()
    assert h.svc.open_stop().start == t(1050)
    h.state(1200, "running")
    last, before = h.svc.stops()[:2]
    assert (before.stop_id, before.start, before.end, before.reason_code) == (
        open_id, t(1000), t(1050), "MECH-JAM")
    assert (last.start, last.end, last.reason_code) == (t(1050), t(1200), "MAT-STARVED")
    assert [r[:4] for r in h.rows()[-4:]] == [
        ("split", open_id, 1050, None), ("classified", open_id, 1100, "MECH-JAM"),
        ("classified", last.stop_id, 1100, "MAT-STARVED"), ("ended", last.stop_id, 1200, None)]
    with h.sf() as s:
        stored = load_timeline(s, STATION, Interval(t(0), t(3600)), now=t(1300)).stops
    assert stored == h.svc.stops()[::-1]
    assert [a[0] for a in h.audit()] == ["split", "split"]


# ----------------------------------------------------------------------------- maintenance


def test_maintenance_acknowledges_logs_the_repair_and_closes(h, people):
    anna, david = people["anna"], people["david"]
    h.state(0, "faulted", 101)
    h.tick(20)
    sid = h.svc.open_stop().stop_id
    with pytest.raises(PermissionDenied, match="may not log maintenance work"):
        h.svc.acknowledge(anna, sid)
    with pytest.raises(MaintenanceStepError, match="Acknowledge the stop first"):
        h.svc.log_repair(david, sid, "valve replaced")
    h.at(120)
    h.svc.acknowledge(david, sid)
    with pytest.raises(MaintenanceStepError, match="already acknowledged at 07:02:00"):
        h.svc.acknowledge(david, sid)
    with pytest.raises(MaintenanceStepError, match="Log the repair before closing"):
        h.svc.close(david, sid)
    with pytest.raises(MaintenanceStepError, match="quantity of O-ring must be a number above 0"):
        h.svc.log_repair(david, sid, "valve replaced", [("O-ring", 0)])
    with pytest.raises(MaintenanceStepError, match="Describe the repair"):
        h.svc.log_repair(david, sid, "  ")
    h.at(900)
    h.svc.log_repair(david, sid, "valve replaced", [("Valve V-12", 1), ("O-ring 12x2", 2)],
                     "pump ran dry")
    h.state(960, "running")
    h.at(1000)
    h.svc.close(david, sid)
    h.settle()
    rec = h.svc.record(sid)
    assert (rec.acknowledged_at, rec.repaired_at, rec.end) == (t(120), t(900), t(960))
    d = h.svc.details(sid)
    assert (d.acknowledged_badge, d.repair_action, d.closed_at) == ("3001", "valve replaced", t(1000))
    with pytest.raises(MaintenanceStepError, match="closed by maintenance at 07:16:40"):
        h.svc.log_repair(david, sid, "again")
    with h.sf() as s:
        (log_row,) = s.scalars(select(MaintenanceLogEvent)).all()
    assert (log_row.kind, log_row.text, str(log_row.stop_id), log_row.duration_min,
            log_row.parts_used, log_row.notes, log_row.actor_badge) == (
        "repair", "valve replaced", sid, 13.0,
        [{"part": "Valve V-12", "quantity": 1}, {"part": "O-ring 12x2", "quantity": 2}],
        "pump ran dry", "3001")
    assert [r[0] for r in h.rows()] == ["started", "classified", "acknowledged", "repaired",
                                        "ended", "closed"]
    assert [a[0] for a in h.audit()] == ["acknowledge", "repair", "close"]


# ----------------------------------------------------------------------------- restart


def test_a_restart_mid_stop_continues_the_same_stop(h):
    h.state(0, "running")
    h.state(10, "stopped")
    h.tick(40)
    first = h.svc.open_stop()
    h.settle()
    h.svc.shutdown()

    # the station restarts; the monitor reports the state again
    h.asked.clear()
    h.at(100)
    svc2 = h.svc = h.build()
    assert svc2.open_stop() == first
    h.state(101, "stopped")
    h.tick(102)
    assert [r.stop_id for r in h.asked] == [first.stop_id]  # still unclassified: asked again
    h.state(130, "running")
    assert h.rows() == [
        ("started", first.stop_id, 10, None, None, "unplanned", None),
        ("ended", first.stop_id, 130, None, None, None, None),
    ]
    assert [(r.start, r.end) for r in svc2.stops()] == [(t(10), t(130))]


def test_count_detection_when_the_machine_has_no_usable_state(qtbot, cfg, worker, demo_store):
    by_count = cfg.model_copy(update={"downtime": cfg.downtime.model_copy(update={"detect": "count"})})
    h = Harness(qtbot, by_count, worker, demo_store)
    for s in (0, 1.5, 3.0):
        h.count(s)
    h.state(4, "faulted", 101)  # the state tag is not used
    h.tick(10)
    assert h.svc.open_stop() is None  # 7 s without a part: not yet 5 x 1.5 s
    h.tick(12)
    rec = h.svc.open_stop()
    assert (rec.start, rec.cause, rec.kind) == (t(3), "no_count", StopKind.MICRO)
    h.tick(20)
    assert [r.start for r in h.asked] == [t(3)]
    h.count(40, kind="scrap")
    assert h.rows() == [("started", rec.stop_id, 3, None, None, "unplanned", None),
                        ("ended", rec.stop_id, 40, None, None, None, None)]
    h.svc.shutdown()


def test_a_failed_save_is_taken_back_and_reported_and_nothing_is_half_written(h, people):
    from sqlalchemy import text

    david = people["david"]
    sid = long_stop(h, 0, 100, "faulted", 101)
    h.at(110)
    h.svc.acknowledge(david, sid)
    h.settle()
    with h.sf.begin() as s:  # the repair's log table is gone: its transaction must fail whole
        s.execute(text("DROP TABLE maintenance_log_event"))
    h.at(200)
    h.svc.log_repair(david, sid, "valve replaced")
    h.qtbot.waitUntil(lambda: not h.svc.busy)
    (err,) = h.errors
    assert err.startswith("Your change to the stop was not saved") and "tell maintenance" in err
    h.errors.clear()
    assert h.svc.record(sid).repaired_at is None  # taken back on screen
    assert [r[0] for r in h.rows()] == ["started", "classified", "ended", "acknowledged"]
    assert [a[0] for a in h.audit()] == ["acknowledge"]


def test_a_stop_while_a_material_is_empty_suggests_waiting_for_material(h):
    svc = h.svc
    h.state(0, "running")
    svc.note_shortage("BUSH-12", t(100))
    stop = long_stop(h, 130, 400, "stopped")   # no PLC fault code: nothing else to go by
    node, why = svc.suggested_reason(svc.record(stop))
    assert node.code == "MAT-STARVED"
    assert why == "Suggested: BUSH-12 ran out at 07:01:40"  # Berlin
    # the lot is loaded again: a later stop gets no material suggestion
    svc.note_shortage("BUSH-12", t(450), ended=True)
    later = long_stop(h, 600, 900, "stopped")
    assert svc.suggested_reason(svc.record(later)) is None
