"""Master data comes down from the central database by (code, version) and never changes a
version the station holds; the written conflict rules (docs/sync.md): a differing version
is quarantined and the station keeps its own, a PIN changed centrally while the station was
offline wins by time, a recipe made obsolete centrally becomes obsolete here, an order
started at two stations is reported to both."""

# ruff: noqa: F811
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from hmi.services.auth import AuthService, WrongPin, hash_pin
from hmi.store.engine import make_engine, make_session_factory
from hmi.store.events import append_event
from hmi.store.models import Recipe, RecipeParameter, ShiftBreak, ShiftCalendar, ShiftDefinition
from hmi.store.models.orders import WorkOrderEvent
from hmi.store.security import PinCredential, UserAccount
from hmi.sync.engine import SyncEngine
from hmi.sync.models import SyncQuarantine

# the central database fixtures are shared with tests/test_sync.py (pytest finds them by
# name in this module; the test parameters "redefine" them, hence the file-wide F811)
from tests.test_sync import central, central_template, drain, open_station  # noqa: F401

T0 = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def central_sf(central):
    engine = make_engine(central)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def station(tmp_path):
    engine, sf = open_station(tmp_path)
    yield sf
    engine.dispose()


def recipe(code="R-1", version=1, *, value=180.0, status="released"):
    r = Recipe(code=code, version=version, status=status, name=f"{code} press", source="erp.csv")
    r.parameters = [
        RecipeParameter(position=1, name="temperature", tag="ns=2;s=Temp", value=value, unit="°C"),
        RecipeParameter(position=2, name="pressure", tag="ns=2;s=Press", value=40.0, unit="bar"),
    ]
    return r


def calendar():
    c = ShiftCalendar(code="CAL", version=1, name="Two shifts", timezone="Europe/Berlin")
    early = ShiftDefinition(position=1, name="Early", start_time="06:00", end_time="14:00",
                            weekdays=[0, 1, 2, 3, 4])
    early.breaks = [ShiftBreak(position=1, start_time="09:00", end_time="09:15")]
    late = ShiftDefinition(position=2, name="Late", start_time="14:00", end_time="22:00",
                           weekdays=[0, 1, 2, 3, 4])
    late.breaks = [ShiftBreak(position=1, start_time="18:00", end_time="18:30")]
    c.shifts = [early, late]
    return c


def test_master_data_comes_down_once_with_its_children(central, central_sf, station):
    with station.begin() as s:  # the station's own rows take the low child numbers
        s.add(recipe("LOCAL", 1))
    with central_sf.begin() as s:
        s.add_all([recipe("R-1", 1), recipe("R-1", 2, value=185.0), calendar(),
                   UserAccount(code="4711", version=1, name="Anna Berg", roles=["operator"])])
    engine = SyncEngine(station, central, "ST-10")
    report = engine.run_once()
    assert report.errors == [] and report.warnings == []
    assert report.pulled == {"recipe": 2, "shift_calendar": 1, "user_account": 1}
    with station() as s:
        r2 = s.scalars(select(Recipe).where(Recipe.code == "R-1", Recipe.version == 2)).one()
        assert [(p.name, p.value) for p in r2.parameters] == [("temperature", 185.0),
                                                              ("pressure", 40.0)]
        cal = s.scalars(select(ShiftCalendar)).one()
        assert [(d.name, [b.start_time for b in d.breaks]) for d in cal.shifts] == [
            ("Early", ["09:00"]), ("Late", ["18:00"])]
    engine._last_pull = -1e18
    again = engine.run_once()
    engine.close()
    assert again.pulled == {} and again.quarantined == 0


def test_the_same_file_imported_on_both_sides_is_no_conflict(central, central_sf, station):
    with station.begin() as s:
        s.add(recipe("R-1", 1))
    with central_sf.begin() as s:
        r = recipe("R-1", 1)
        r.source = "central seed"  # where it came from is not what it says
        s.add(r)
    report = SyncEngine(station, central, "ST-10").run_once()
    assert report.pulled == {} and report.warnings == [] and report.quarantined == 0


def test_a_differing_version_is_quarantined_and_the_station_keeps_its_own(
        central, central_sf, station):
    with station.begin() as s:
        s.add(recipe("R-1", 2, value=180.0))
    with central_sf.begin() as s:
        s.add(recipe("R-1", 2, value=999.0))
    engine = SyncEngine(station, central, "ST-10")
    report = engine.run_once()
    assert report.quarantined == 1
    assert report.warnings == ["recipe R-1 v2: the central version differs from the station's "
                               "(recipe_parameter); the station keeps its own"]
    with station() as s:
        r = s.scalars(select(Recipe).where(Recipe.code == "R-1")).one()
        assert [p.value for p in r.parameters] == [180.0, 40.0]
        q = s.scalars(select(SyncQuarantine)).one()
    assert (q.direction, q.table_name, q.row_key) == ("pull", "recipe", "R-1/v2")
    engine._last_pull = -1e18
    engine.run_once()  # not re-reported as a new entry every run
    with station() as s:
        assert s.scalars(select(SyncQuarantine)).one().resolved_at is None


def test_a_recipe_made_obsolete_centrally_becomes_obsolete_here_not_back(
        central, central_sf, station):
    with station.begin() as s:
        s.add(recipe("R-1", 1))
        s.add(recipe("R-2", 1, status="retired"))
    with central_sf.begin() as s:
        s.add(recipe("R-1", 1))
        s.add(recipe("R-2", 1))  # still released centrally: the station's retirement stands
    engine = SyncEngine(station, central, "ST-10")
    assert engine.run_once().status_changed == {}
    with central_sf.begin() as s:
        s.execute(update(Recipe).where(Recipe.code == "R-1").values(status="retired"))
    engine._last_pull = -1e18
    report = engine.run_once()
    engine.close()
    assert report.status_changed == {"recipe": 1}
    with station() as s:
        assert dict(s.execute(select(Recipe.code, Recipe.status)).all()) == {"R-1": "retired",
                                                                       "R-2": "retired"}
        r1 = s.scalars(select(Recipe).where(Recipe.code == "R-1")).one()
        assert [p.value for p in r1.parameters] == [180.0, 40.0]  # content untouched


def test_a_pin_changed_centrally_while_offline_wins_by_time(central, central_sf, station):
    with station.begin() as s:
        s.add(UserAccount(code="4711", version=1, name="Anna Berg", roles=["operator"]))
        append_event(s, PinCredential(station_id="ST-10", badge="4711", pin_hash=hash_pin("1111"),
                                      recorded_at=T0))
    with central_sf.begin() as s:
        s.add(UserAccount(code="4711", version=1, name="Anna Berg", roles=["operator"]))
        append_event(s, PinCredential(station_id="central", badge="4711",
                                      pin_hash=hash_pin("2222"),
                                      recorded_at=T0 + dt.timedelta(hours=1)))
    auth = AuthService(station, "ST-10")
    assert auth.login("4711", "1111").badge == "4711"  # offline: the old PIN still works
    report = SyncEngine(station, central, "ST-10").run_once()
    assert report.pins_pulled == 1 and report.warnings == []
    with pytest.raises(WrongPin):
        auth.login("4711", "1111")
    assert auth.login("4711", "2222").badge == "4711"
    # and the station's own PIN row went up, under its own station id
    with central_sf() as s:
        assert sorted(s.scalars(select(PinCredential.station_id))) == ["ST-10", "central"]


def test_an_order_started_at_two_stations_is_reported(central, tmp_path):
    stations = {}
    for name in ("ST-10", "ST-20"):
        _e, sf = open_station(tmp_path, name)
        with sf.begin() as s:
            append_event(s, WorkOrderEvent(station_id=name, order_code="O-1", order_version=1,
                                           kind="started"))
        stations[name] = sf
    drain(SyncEngine(stations["ST-10"], central, "ST-10"))
    report = SyncEngine(stations["ST-20"], central, "ST-20").run_once()
    assert report.warnings == ["order O-1 was started at ST-10 too: both stations' counts go "
                               "to the order; the planner decides which station finishes it"]
    again = SyncEngine(stations["ST-10"], central, "ST-10").run_once()
    assert any("started at ST-20 too" in w for w in again.warnings)


def test_the_service_runs_off_the_gui_thread_and_signals_the_status(qtbot, central, station):
    import threading

    from hmi.services.sync import SyncService
    from tests.test_sync import write_events

    write_events(station, "ST-10", 500)
    service = SyncService.for_station(station, central, "ST-10", interval_s=0.05,
                                      backlog_budget=400)
    threads = []
    service.sig_status.connect(lambda st: threads.append(threading.current_thread()))
    try:
        with qtbot.waitSignal(service.sig_status, timeout=10_000,
                              check_params_cb=lambda st: st.online and st.backlog == 0) as sig:
            service.start()
        status = sig.args[0]
        assert (status.quarantined, status.last_error, status.disk_warning) == (0, "", False)
        assert status.pushed_total == 500
        assert service._thread.name == "hmi-sync"
    finally:
        service.stop()
    assert threads and all(t is threading.main_thread() for t in threads)  # queued to GUI


def test_the_service_says_offline_and_warns_before_the_budget_is_full(qtbot, station):
    from hmi.services.sync import SyncService
    from tests.test_sync import write_events

    write_events(station, "ST-10", 100)
    service = SyncService.for_station(
        station, "postgresql+psycopg://postgres@127.0.0.1:1/plant", "ST-10",
        connect_timeout_s=1, backlog_budget=120)
    try:
        with qtbot.waitSignal(service.sig_status, timeout=10_000) as sig:
            service.start()
    finally:
        service.stop()
    status = sig.args[0]
    assert not status.online and status.backlog == 100 and status.disk_warning
    assert status.last_error.startswith("central database unreachable: ")
