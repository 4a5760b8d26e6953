"""Andon calls: one touch calls, the responder answers at the station by badge + PIN,
response and resolution times recorded; real demo store, DbWorker and AuthService."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hmi import config
from hmi.services.andon import AndonError, AndonService
from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.auth import AuthService
from hmi.services.worker import DbWorker
from hmi.store.models import AndonEvent
from hmi.store.security import AuditEntry, LoginAttempt

STATION = "ST-10"
T0 = dt.datetime(2026, 3, 3, 13, 5, tzinfo=dt.UTC)  # 14:05 in Europe/Berlin


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += dt.timedelta(**kw)


@pytest.fixture(scope="module")
def cfg():
    return config.load(config.demo_config_path())


@pytest.fixture(scope="module")
def people(demo_people):
    return demo_people


@pytest.fixture
def station(qtbot, qapp, cfg, demo_store):
    """A started AndonService; ``station.errors`` collects sig_error texts."""
    worker = DbWorker()
    clock = FakeClock()
    audit = AuditWriter(STATION, clock)
    auth = AuthService(demo_store, STATION, clock=clock, audit=audit)

    class Station:
        pass

    st = Station()
    st.clock, st.worker, st.sf, st.errors = clock, worker, demo_store, []

    def build():
        svc = AndonService(cfg, worker, demo_store, auth, audit=audit, clock=clock)
        svc.sig_error.connect(st.errors.append)
        with qtbot.waitSignal(svc.sig_calls_changed, timeout=5000):
            svc.start()
        return svc

    st.build = build
    st.svc = build()
    yield st
    worker.shutdown()


def done(qtbot, svc, action):
    """Run ``action`` and wait until its result is on the screen side."""
    with qtbot.waitSignal(svc.sig_calls_changed, timeout=5000) as blocker:
        action()
    return blocker.args[0]


def refused(qtbot, svc, action):
    with qtbot.waitSignal(svc.sig_error, timeout=5000) as blocker:
        action()
    return blocker.args[0]


def stored(st):
    def read():
        with st.sf() as s:
            return [(e.kind, e.category, e.actor_badge, e.recorded_at, e.message)
                    for e in s.scalars(select(AndonEvent).order_by(AndonEvent.seq))]
    return st.worker.submit(read).result(timeout=5)


def test_a_touch_opens_a_call_by_the_person_or_the_station(qtbot, station, people):
    svc = station.svc
    [call] = done(qtbot, svc, lambda: svc.call(people["anna"], "maintenance", "press leaks oil"))
    assert (call.category, call.message, call.called_at, call.called_by, call.called_by_badge) == (
        "maintenance", "press leaks oil", T0, "Anna Berg", "1001")
    assert call.open and call.response_s is None and call.acknowledged_at is None
    station.clock.advance(seconds=10)
    calls = done(qtbot, svc, lambda: svc.call(None, "material"))
    assert [(c.category, c.called_by, c.called_by_badge) for c in calls] == [
        ("maintenance", "Anna Berg", "1001"), ("material", "Station Press 10", None)]
    assert svc.open_calls() == calls
    assert [(k, c, b) for k, c, b, _, _ in stored(station)] == [
        ("called", "maintenance", "1001"), ("called", "material", None)]


def test_a_second_call_of_the_same_category_is_refused_with_since_when(qtbot, station, people):
    svc = station.svc
    done(qtbot, svc, lambda: svc.call(people["anna"], "quality"))
    station.clock.advance(minutes=3)
    with pytest.raises(AndonError, match=r"A quality call is already open since 14:05 "
                                         r"\(called by Anna Berg\)\. Wait for the responder"):
        svc.call(people["ben"], "quality")
    with pytest.raises(AndonError, match="'plumber' cannot be called. Choose one of: "
                                         "maintenance, quality, material, team lead, safety"):
        svc.call(people["ben"], "plumber")
    # Two quick touches before the first is stored: the store check refuses the second.
    svc.call(people["ben"], "supervisor")
    text = refused(qtbot, svc, lambda: svc.call(people["ben"], "supervisor"))
    assert text.startswith("A team lead call is already open since 14:08 (called by Ben Kraus)")
    assert [c.category for c in svc.open_calls()] == ["quality", "supervisor"]
    assert [(k, c) for k, c, _, _, _ in stored(station)] == [
        ("called", "quality"), ("called", "supervisor")]


def test_a_wrong_pin_is_refused_and_nothing_is_acknowledged(qtbot, station, people):
    svc = station.svc
    [call] = done(qtbot, svc, lambda: svc.call(people["anna"], "maintenance"))
    text = refused(qtbot, svc, lambda: svc.acknowledge(call.call_id, "3001", "1111"))
    assert text == "Wrong PIN. 4 attempts left before the badge is locked for 5 minutes."
    assert svc.open_calls()[0].acknowledged_at is None
    assert [k for k, *_ in stored(station)] == ["called"]
    with station.sf() as s:  # the wrong PIN counts toward the badge's lockout
        assert s.scalars(select(LoginAttempt.reason).where(LoginAttempt.badge == "3001")).all() \
            == ["wrong_pin"]
    with pytest.raises(AndonError, match="You made this call, so you cannot answer it"):
        svc.acknowledge(call.call_id, "1001", "1234")


def test_the_maintenance_badge_answers_and_resolves_with_times_recorded(qtbot, station, people):
    svc = station.svc
    [call] = done(qtbot, svc, lambda: svc.call(people["anna"], "maintenance", "die jammed"))
    station.clock.advance(seconds=95)
    [acked] = done(qtbot, svc, lambda: svc.acknowledge(call.call_id, "3001", "4567"))
    assert (acked.acknowledged_by, acked.acknowledged_by_badge, acked.acknowledged_at) == (
        "David Lenz", "3001", T0 + dt.timedelta(seconds=95))
    assert acked.response_s == 95.0
    with pytest.raises(AndonError, match=r"David Lenz already answered this call at 14:06"):
        svc.acknowledge(call.call_id, "2001", "3456")
    station.clock.advance(minutes=10)
    with pytest.raises(AndonError, match="David Lenz answered this call; only they can close it "
                                         "with their badge alone"):
        svc.resolve(call.call_id, "1002")
    assert done(qtbot, svc, lambda: svc.resolve(call.call_id, "3001", "cleared the die")) == []
    assert svc.open_calls() == []
    [summary] = svc.calls_between(T0, T0 + dt.timedelta(hours=8)).result(timeout=5)
    assert (summary.resolved_by, summary.resolved_by_badge, summary.note) == (
        "David Lenz", "3001", "cleared the die")
    assert (summary.response_s, summary.resolution_s) == (95.0, 695.0)
    assert [(k, b, m) for k, _, b, _, m in stored(station)] == [
        ("called", "1001", "die jammed"), ("acknowledged", "3001", ""),
        ("resolved", "3001", "cleared the die")]
    with station.sf() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "andon_call")
                            .order_by(AuditEntry.seq)).all()
        assert actions == ["andon_call", "andon_acknowledge", "andon_resolve"]
        assert verify_chain(s, STATION).ok


def test_resolving_an_unanswered_call_needs_a_pin_and_records_both_steps(qtbot, station, people):
    svc = station.svc
    [call] = done(qtbot, svc, lambda: svc.call(people["anna"], "safety"))
    with pytest.raises(AndonError, match="Nobody has answered this call yet"):
        svc.resolve(call.call_id, "2001")
    station.clock.advance(seconds=40)
    text = refused(qtbot, svc, lambda: svc.resolve(call.call_id, "2001", pin="9999"))
    assert text.startswith("Wrong PIN.")
    assert done(qtbot, svc, lambda: svc.resolve(call.call_id, "2001", "guard fixed",
                                                pin="3456")) == []
    [c] = svc.calls_between(T0, T0 + dt.timedelta(hours=1)).result(timeout=5)
    assert (c.acknowledged_by, c.resolved_by, c.response_s, c.resolution_s) == (
        "Clara Voss", "Clara Voss", 40.0, 40.0)


def test_cancel_by_the_caller_or_a_team_lead_only(qtbot, station, people):
    svc = station.svc
    done(qtbot, svc, lambda: svc.call(people["anna"], "material"))
    done(qtbot, svc, lambda: svc.call(people["anna"], "quality"))
    done(qtbot, svc, lambda: svc.call(None, "maintenance"))
    mat, qual, maint = (c.call_id for c in svc.open_calls())
    with pytest.raises(AndonError, match="Nobody is logged in. Log in with your badge"):
        svc.cancel(None, mat)
    with pytest.raises(AndonError, match=r"Ben Kraus \(badge 1002\) may not cancel this call: "
                                         "only Anna Berg, who made it, or a team lead can"):
        svc.cancel(people["ben"], mat)
    done(qtbot, svc, lambda: svc.cancel(people["anna"], mat))
    done(qtbot, svc, lambda: svc.cancel(people["clara"], qual, "double call"))
    done(qtbot, svc, lambda: svc.cancel(people["ben"], maint))  # the station called
    assert svc.open_calls() == []
    with pytest.raises(AndonError, match="not open at this station"):
        svc.cancel(people["anna"], mat)
    assert [(k, c, b) for k, c, b, _, _ in stored(station)][3:] == [
        ("cancelled", "material", "1001"), ("cancelled", "quality", "2001"),
        ("cancelled", "maintenance", "1002")]


def test_a_restart_restores_the_open_calls(qtbot, station, people):
    svc = station.svc
    [first] = done(qtbot, svc, lambda: svc.call(people["anna"], "maintenance", "noise"))
    station.clock.advance(seconds=30)
    done(qtbot, svc, lambda: svc.acknowledge(first.call_id, "3001", "4567"))
    done(qtbot, svc, lambda: svc.call(None, "material"))
    done(qtbot, svc, lambda: svc.call(people["ben"], "quality"))
    quality = svc.open_calls()[-1]
    done(qtbot, svc, lambda: svc.cancel(people["ben"], quality.call_id))
    before = svc.open_calls()
    assert [c.category for c in before] == ["maintenance", "material"]

    again = station.build()
    assert again.open_calls() == before  # names, badges, times and the acknowledgement
    assert again.open_calls()[0].acknowledged_by == "David Lenz"
    with pytest.raises(AndonError, match="A material call is already open since 14:05"):
        again.call(people["anna"], "material")
    assert station.errors == []


def test_calls_between_gives_the_shift_summary_its_calls(qtbot, station, people):
    svc = station.svc
    done(qtbot, svc, lambda: svc.call(people["anna"], "material"))  # 14:05, resolved 14:15
    svc_calls = svc.open_calls()
    station.clock.advance(minutes=5)
    done(qtbot, svc, lambda: svc.acknowledge(svc_calls[0].call_id, "3001", "4567"))
    station.clock.advance(minutes=5)
    done(qtbot, svc, lambda: svc.resolve(svc_calls[0].call_id, "3001"))
    station.clock.advance(hours=2)  # 16:15: a call that stays open
    done(qtbot, svc, lambda: svc.call(None, "quality"))
    h = dt.timedelta(hours=1)
    assert svc.calls_between(T0 - h, T0).result(timeout=5) == []
    early = svc.calls_between(T0, T0 + h).result(timeout=5)
    assert [(c.category, c.open) for c in early] == [("material", False)]
    late = svc.calls_between(T0 + h, T0 + 4 * h).result(timeout=5)
    assert [(c.category, c.open, c.called_by) for c in late] == [
        ("quality", True, "Station Press 10")]
    got = []
    svc.calls_between(T0, T0 + 4 * h, on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert [c.category for c in got[0]] == ["material", "quality"]
    assert station.errors == []
