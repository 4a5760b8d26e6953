"""Machine alarms: fault codes and alarm tags raise, clear and are acknowledged (ISA-18.2),
on a real copy of the demo store through a real DbWorker, with real demo logins."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from hmi import config
from hmi.devices.base import ConnectionState, Quality, TagValue
from hmi.services.alarms import AlarmService, AlarmState
from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.permissions import Actor, PermissionDenied
from hmi.services.worker import DbWorker
from hmi.store.models import AlarmEvent
from hmi.store.security import AuditEntry

STATION = "ST-10"
T0 = dt.datetime(2026, 3, 3, 13, 0, tzinfo=dt.UTC)
OK = ConnectionState.CONNECTED

EXTRA = """
[[machine.tags]]
name = "guard_open"
address = "ns=2;s=Machine.GuardOpen"
datatype = "bool"

[[machine.tags]]
name = "oil_level_ok"
address = "ns=2;s=Machine.OilLevelOk"
datatype = "bool"

[[alarms.tags]]
tag = "guard_open"
text = "Guard door open"
priority = "critical"
help = "Close the guard door."

[[alarms.tags]]
tag = "oil_level_ok"
text = "Hydraulic oil level low"
priority = "low"
active_when = false
"""


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += dt.timedelta(**kw)


def tv(tag, value, sec=0.0, quality=Quality.GOOD, conn=OK):
    ts = T0 + dt.timedelta(seconds=sec)
    return TagValue(tag, value, quality, ts, ts, conn)


def at(sec):
    return T0 + dt.timedelta(seconds=sec)


@pytest.fixture(scope="module")
def cfg():
    path = config.demo_config_path()
    return config.parse(path.read_text(encoding="utf-8") + EXTRA, path)


@pytest.fixture(scope="module")
def people(demo_people):
    return demo_people


@pytest.fixture
def worker(qapp):
    w = DbWorker()
    yield w
    w.shutdown()


@pytest.fixture
def make(qtbot, cfg, worker, demo_store):
    """Build (and start) an AlarmService on the test's store; its errors fail the test."""
    errors: list[str] = []
    clock = FakeClock()

    def build(start=True):
        svc = AlarmService(cfg, worker, demo_store, audit=AuditWriter(STATION, clock), clock=clock)
        svc.sig_error.connect(errors.append)
        svc.on_connection_state(OK)
        if start:
            svc.start()
            qtbot.waitUntil(lambda: svc.ready, timeout=5000)
        return svc

    build.clock = clock
    yield build
    assert errors == []


def stored(worker, sf):
    """(code, kind, actor_badge, source_ts) of every stored alarm event, in seq order."""
    def read():
        with sf() as s:
            return [(e.alarm_code, e.kind, e.actor_badge, e.source_ts) for e in s.scalars(
                select(AlarmEvent).where(AlarmEvent.station_id == STATION)
                .order_by(AlarmEvent.seq))]
    return worker.submit(read).result(timeout=5)  # runs after every write queued before it


def by_code(svc):
    return {r.code: r for r in svc.current()}


def test_fault_code_raises_the_table_alarm_and_stands_out(make):
    svc = make()
    heads, lists = [], []
    svc.sig_unacknowledged.connect(lambda n, p: heads.append((n, p)))
    svc.sig_alarms_changed.connect(lists.append)
    svc.on_tag_value(tv("fault_code", 103, 2))
    [rec] = svc.current()
    assert (rec.code, rec.text, rec.priority) == ("F103", "Hydraulic oil temperature high", "high")
    assert rec.help.startswith("Let the unit cool")
    assert rec.raised_at == at(2) and rec.state == AlarmState.UNACK_ACTIVE
    assert heads == [(1, "high")]
    assert [r.code for r in lists[-1]] == ["F103"]
    svc.on_tag_value(tv("fault_code", 103, 3))  # the same code again: still one alarm
    assert len(svc.current()) == 1


def test_unknown_fault_code_uses_the_unknown_text(make, cfg):
    svc = make()
    svc.on_tag_value(tv("fault_code", 999))
    [rec] = svc.current()
    assert rec.code == "F999"
    assert rec.text == "Machine fault 999 (not in the alarm table: tell maintenance)"
    assert rec.text == cfg.alarms.unknown_text.replace("{code}", "999")


def test_code_change_clears_the_old_and_raises_the_new_then_return_to_normal(make, worker,
                                                                            demo_store):
    svc = make()
    svc.on_tag_value(tv("fault_code", 103, 1))
    svc.on_tag_value(tv("fault_code", 102, 5))
    recs = by_code(svc)
    assert recs["F103"].cleared_at == at(5) and recs["F103"].state == AlarmState.UNACK_CLEARED
    assert recs["F102"].active and recs["F102"].priority == "critical"
    assert [r.code for r in svc.current()] == ["F102", "F103"]  # critical first
    svc.on_tag_value(tv("fault_code", 0, 9))
    assert {r.code: r.state for r in svc.current()} == {
        "F102": AlarmState.UNACK_CLEARED, "F103": AlarmState.UNACK_CLEARED}
    assert svc.unacknowledged() == (2, "critical")  # returned to normal, still not acked
    assert stored(worker, demo_store) == [
        ("F103", "raised", None, at(1)), ("F103", "cleared", None, at(5)),
        ("F102", "raised", None, at(5)), ("F102", "cleared", None, at(9))]


def test_acknowledge_needs_a_logged_in_person_with_the_permission(make, people):
    svc = make()
    svc.on_tag_value(tv("fault_code", 104))
    rid = svc.current()[0].alarm_id
    with pytest.raises(PermissionDenied, match="Nobody is logged in. Log in with your badge to "
                                                "acknowledge alarms"):
        svc.acknowledge(None, rid)
    visitor = Actor("5001", "Vera Visitor", ("visitor",), frozenset({"production.view"}))
    with pytest.raises(PermissionDenied, match=r"Vera Visitor \(badge 5001\) may not "
                                                "acknowledge alarms"):
        svc.acknowledge(visitor, rid)
    with pytest.raises(PermissionDenied):
        svc.acknowledge_all(None)
    assert svc.current()[0].needs_ack
    assert "alarm.acknowledge" in people["anna"].permissions  # the demo operator role has it
    assert svc.acknowledge(people["anna"], rid) is True
    rec = svc.current()[0]
    assert (rec.state, rec.acknowledged_by, rec.acknowledged_by_badge) == (
        AlarmState.ACK_ACTIVE, "Anna Berg", "1001")
    assert svc.unacknowledged() == (0, "")


def test_acknowledging_twice_writes_one_event_and_one_audit_entry(make, people, worker,
                                                                  demo_store):
    svc = make()
    make.clock.advance(seconds=30)
    svc.on_tag_value(tv("fault_code", 101, 1))
    rid = svc.current()[0].alarm_id
    assert svc.acknowledge(people["david"], rid) is True
    assert svc.acknowledge(people["anna"], rid) is False
    assert svc.acknowledge_all(people["anna"]) == 0
    events = stored(worker, demo_store)
    assert [(c, k, b) for c, k, b, _ in events] == [
        ("F101", "raised", None), ("F101", "acknowledged", "3001")]
    assert svc.current()[0].acknowledged_at == T0 + dt.timedelta(seconds=30)
    with demo_store() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "alarm")).all()
        assert [(a.actor_badge, a.action, a.entity_id) for a in audit] == [
            ("3001", "acknowledge", rid)]
        assert verify_chain(s, STATION).ok


def test_acknowledged_and_cleared_drops_off_the_list_but_stays_in_history(make, people, qtbot):
    svc = make()
    svc.on_tag_value(tv("fault_code", 107, 1))
    svc.acknowledge(people["anna"], svc.current()[0].alarm_id)
    assert svc.current()[0].state == AlarmState.ACK_ACTIVE  # acked but still active: listed
    svc.on_tag_value(tv("fault_code", 0, 4))
    assert svc.current() == []
    hist = svc.history(10).result(timeout=5)
    [rec] = hist
    assert (rec.code, rec.state, rec.cleared_at, rec.acknowledged_by) == (
        "F107", AlarmState.NORMAL, at(4), "Anna Berg")
    got = []
    svc.history(10, on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got[0] == hist


def test_bad_quality_raises_and_clears_nothing(make, worker, demo_store):
    svc = make()
    svc.on_tag_value(tv("fault_code", 105, 1, quality=Quality.BAD))
    svc.on_tag_value(tv("guard_open", True, 1, quality=Quality.UNCERTAIN))
    assert svc.current() == []
    svc.on_tag_value(tv("fault_code", 105, 2))
    svc.on_tag_value(tv("fault_code", 0, 3, quality=Quality.BAD))
    assert by_code(svc)["F105"].active
    assert [k for _, k, _, _ in stored(worker, demo_store)] == ["raised"]


def test_alarm_tags_follow_active_when(make):
    svc = make()
    svc.on_tag_value(tv("guard_open", False, 1))
    svc.on_tag_value(tv("oil_level_ok", True, 1))
    assert svc.current() == []  # both normal
    svc.on_tag_value(tv("guard_open", True, 2))
    svc.on_tag_value(tv("oil_level_ok", False, 3))  # active when false
    recs = by_code(svc)
    assert (recs["guard_open"].text, recs["guard_open"].priority, recs["guard_open"].help) == (
        "Guard door open", "critical", "Close the guard door.")
    assert (recs["oil_level_ok"].text, recs["oil_level_ok"].priority) == (
        "Hydraulic oil level low", "low")
    assert [r.code for r in svc.current()] == ["guard_open", "oil_level_ok"]
    svc.on_tag_value(tv("guard_open", False, 6))
    svc.on_tag_value(tv("oil_level_ok", True, 7))
    recs = by_code(svc)
    assert (recs["guard_open"].cleared_at, recs["oil_level_ok"].cleared_at) == (at(6), at(7))
    assert svc.unacknowledged() == (2, "critical")


def test_link_loss_marks_the_list_and_clears_nothing(make):
    svc = make()
    svc.on_tag_value(tv("fault_code", 102, 1))
    lists = []
    svc.sig_alarms_changed.connect(lists.append)
    svc.on_connection_state(ConnectionState.RECONNECTING)
    assert svc.source_disconnected and lists[-1][0].source_disconnected
    # The driver re-delivers every tag as BAD when the link drops.
    svc.on_tag_value(tv("fault_code", 0, 2, quality=Quality.BAD,
                        conn=ConnectionState.RECONNECTING))
    [rec] = svc.current()
    assert rec.active and rec.source_disconnected
    svc.on_connection_state(OK)
    assert not svc.current()[0].source_disconnected
    # A value that says the link is down marks the list too (if the link signal is late).
    svc.on_tag_value(tv("fault_code", 102, 3, quality=Quality.BAD,
                        conn=ConnectionState.RECONNECTING))
    assert svc.current()[0].source_disconnected and svc.current()[0].active


def test_restart_restores_exactly_the_listed_alarms_without_duplicates(make, people, worker,
                                                                       demo_store, qtbot):
    svc = make()
    svc.on_tag_value(tv("fault_code", 101, 1))  # acked, then cleared: gone
    svc.acknowledge(people["anna"], svc.current()[0].alarm_id)
    svc.on_tag_value(tv("fault_code", 103, 2))  # F101 clears; F103 cleared unacked at 3
    svc.on_tag_value(tv("fault_code", 0, 3))
    svc.on_tag_value(tv("guard_open", True, 4))  # acked, still active
    svc.acknowledge(people["david"], by_code(svc)["guard_open"].alarm_id)
    svc.on_tag_value(tv("fault_code", 106, 5))  # active, unacked
    before = svc.current()
    assert {r.code: r.state for r in before} == {
        "F103": AlarmState.UNACK_CLEARED, "guard_open": AlarmState.ACK_ACTIVE,
        "F106": AlarmState.UNACK_ACTIVE}
    n_events = len(stored(worker, demo_store))

    again = make(start=False)
    again.start()
    # Values arriving before the store is read are held, then applied in order: the
    # machine still reports 106 and the guard open (nothing new), then 106 goes away.
    again.on_tag_value(tv("fault_code", 106, 10))
    again.on_tag_value(tv("guard_open", True, 10))
    again.on_tag_value(tv("fault_code", 0, 12))
    make.clock.advance(minutes=5)
    heads = []
    again.sig_unacknowledged.connect(lambda n, p: heads.append((n, p)))
    assert not again.ready and again.current() == []
    qtbot.waitUntil(lambda: again.ready, timeout=5000)
    after = by_code(again)
    assert after["F106"].cleared_at == at(12)  # the restored alarm was the machine's fault
    assert again.current() == [  # same ids, texts, help, times, who acknowledged
        replace(r, cleared_at=at(12)) if r.code == "F106" else r for r in before]
    assert heads == [(2, "critical")]
    events = stored(worker, demo_store)
    assert len(events) == n_events + 1 and events[-1] == ("F106", "cleared", None, at(12))
    again.acknowledge_all(people["anna"])
    assert [r.code for r in again.current()] == ["guard_open"]  # acked earlier, still active


def test_event_rows_are_exactly_the_transitions_in_order(make, people, worker, demo_store):
    svc = make()
    svc.on_tag_value(tv("fault_code", 104, 1))
    svc.on_tag_value(tv("guard_open", True, 2))
    svc.on_tag_value(tv("fault_code", 110, 3))
    svc.acknowledge_all(people["anna"])
    svc.on_tag_value(tv("guard_open", False, 4))
    svc.on_tag_value(tv("fault_code", 0, 5))
    svc.on_tag_value(tv("fault_code", 104, 6))  # F104 again: a new occurrence
    svc.acknowledge(people["david"], by_code(svc)["F104"].alarm_id)
    assert [(c, k, b) for c, k, b, _ in stored(worker, demo_store)] == [
        ("F104", "raised", None),
        ("guard_open", "raised", None),
        ("F104", "cleared", None), ("F110", "raised", None),
        ("F110", "acknowledged", "1001"),  # critical first
        ("guard_open", "acknowledged", "1001"),
        ("F104", "acknowledged", "1001"),
        ("guard_open", "cleared", None),
        ("F110", "cleared", None),
        ("F104", "raised", None),
        ("F104", "acknowledged", "3001"),
    ]
    assert [r.code for r in svc.current()] == ["F104"]
    with demo_store() as s:
        sev = dict(s.execute(select(AlarmEvent.alarm_code, AlarmEvent.severity)).all())
    assert sev == {"F104": 700, "guard_open": 900, "F110": 900}
