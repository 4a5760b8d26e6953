"""Master data made at a station becomes central (``hmi central apply``): a recipe approved
or retired at the panel while the station was offline travels up as a master_change_event,
is made into the central version exactly once, and comes back down without a conflict; a
central version that differs is kept and reported, never overwritten."""

# ruff: noqa: F811
from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from hmi.central.changes import APPLIED, SKIPPED, UNCHANGED, apply_master_changes
from hmi.services.recipe_core import recipe_content, view_of
from hmi.store.events import append_event
from hmi.store.models import MasterChangeEvent, Recipe, RecipeParameter
from hmi.sync.engine import SyncEngine
from hmi.sync.models import SyncQuarantine
from tests.test_sync import central, central_template, drain  # noqa: F401
from tests.test_sync_pull import central_sf, station  # noqa: F401 - shared fixtures

T0 = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)


def recipe(code="R-1", version=1, *, value=180.0, status="released", source="erp.csv"):
    r = Recipe(code=code, version=version, status=status, name=f"{code} press", source=source,
               equipment_code="PRESS-1", requires_approval=True)
    r.parameters = [
        RecipeParameter(position=1, name="temperature", tag="ns=2;s=Temp", value=value,
                        unit="°C", min_value=150.0, max_value=220.0),
        RecipeParameter(position=2, name="pressure", tag="ns=2;s=Press", value=40.0, unit="bar"),
    ]
    return r


def approve_at_station(sf, code, version, *, value, retire=(), at=T0, station="ST-10"):
    """What RecipeService.approve leaves in the store: the released version, the signed
    content in a MasterChangeEvent, the replaced versions retired with their own events."""
    with sf.begin() as s:
        row = recipe(code, version, value=value, source="station:" + station)
        s.add(row)
        s.flush()
        append_event(s, MasterChangeEvent(
            station_id=station, actor_badge="4712", recorded_at=at, table_name="recipe",
            code=code, version=version, action="approved", reason="tuned for the new batch",
            content=recipe_content(view_of(row))))
        for old in retire:
            r = s.scalars(select(Recipe).where(Recipe.code == code,
                                               Recipe.version == old)).one()
            r.status = "retired"
            append_event(s, MasterChangeEvent(
                station_id=station, actor_badge="4712", recorded_at=at, table_name="recipe",
                code=code, version=old, action="retired", reason=f"replaced by v{version}"))


def central_recipes(central_sf, code):
    with central_sf() as s:
        return {r.version: (r.status, r.source, [(p.name, p.value, p.min_value, p.max_value)
                                                 for p in r.parameters])
                for r in s.scalars(select(Recipe).where(Recipe.code == code))}


def test_a_recipe_approved_offline_becomes_central_once_and_comes_back_without_conflict(
        central, central_sf, station):
    with central_sf.begin() as s:
        s.add(recipe("R-1", 1))
    with station.begin() as s:
        s.add(recipe("R-1", 1))
    approve_at_station(station, "R-1", 2, value=185.5, retire=(1,))
    engine = SyncEngine(station, central, "ST-10")
    drain(engine)  # the events go up; the central side has no v2 yet

    outcomes = apply_master_changes(central)
    assert [(o.code, o.version, o.action, o.outcome) for o in outcomes] == [
        ("R-1", 2, "approved", APPLIED), ("R-1", 1, "retired", APPLIED)]
    got = central_recipes(central_sf, "R-1")
    assert got[1][0] == "retired"
    assert got[2] == ("released", "station:ST-10", [
        ("temperature", 185.5, 150.0, 220.0), ("pressure", 40.0, None, None)])
    assert apply_master_changes(central) == []  # applied once: a rerun finds nothing new

    engine._last_pull = -1e18
    report = drain(engine)
    engine.close()
    assert report.quarantined == 0 and report.warnings == []
    with station() as s:
        assert s.scalar(select(func.count()).select_from(SyncQuarantine)) == 0
        assert dict(s.execute(select(Recipe.version, Recipe.status)
                              .where(Recipe.code == "R-1")).all()) == {1: "retired",
                                                                       2: "released"}


def test_a_differing_central_version_is_kept_and_reported_as_a_conflict(
        central, central_sf, station, capsys):
    with central_sf.begin() as s:
        s.add(recipe("R-2", 1, value=999.0))  # made centrally while the station was away
    approve_at_station(station, "R-2", 1, value=180.0)
    drain(SyncEngine(station, central, "ST-10"))

    from hmi.cli import main

    code = main(["central", "apply", "--url", central])
    out = capsys.readouterr().out
    assert code == 3  # a conflict needs a person: a timer shows it as failed
    assert "CONFLICT  recipe R-2 v1 approved (from ST-10 #" in out
    assert "central R-2 v1 differs from the one ST-10 approved (parameter temperature); " \
           "the central version is kept: make a new version to settle it" in out
    assert "1 station change(s) looked at: 0 applied, 1 in conflict, 0 skipped" in out
    assert central_recipes(central_sf, "R-2")[1][2][0][1] == 999.0  # never overwritten
    assert apply_master_changes(central) == []  # recorded, not retried every run


def test_same_content_releases_a_central_draft_and_unknown_tables_are_skipped_with_reason(
        central, central_sf, station):
    with central_sf.begin() as s:
        s.add(recipe("R-3", 1, status="draft"))
    approve_at_station(station, "R-3", 1, value=180.0)
    with station.begin() as s:
        append_event(s, MasterChangeEvent(
            station_id="ST-10", recorded_at=T0 + dt.timedelta(minutes=1),
            table_name="inspection_plan", code="IP-1", version=4, action="approved",
            content={"table": "inspection_plan"}))
    drain(SyncEngine(station, central, "ST-10"))
    outcomes = {o.code: o for o in apply_master_changes(central)}
    assert outcomes["R-3"].outcome == APPLIED
    assert outcomes["R-3"].detail == "R-3 v1 released (approved at ST-10)"
    assert central_recipes(central_sf, "R-3")[1][0] == "released"
    assert outcomes["IP-1"].outcome == SKIPPED
    assert "does not make central inspection_plan versions" in outcomes["IP-1"].detail
    # The same approval sent again (another station approved the same content): unchanged.
    with station.begin() as s:
        append_event(s, MasterChangeEvent(
            station_id="ST-10", recorded_at=T0 + dt.timedelta(minutes=2), table_name="recipe",
            code="R-3", version=1, action="approved", content=recipe_content(view_of(
                s.scalars(select(Recipe).where(Recipe.code == "R-3")).one()))))
    drain(SyncEngine(station, central, "ST-10"))
    (again,) = apply_master_changes(central)
    assert again.outcome == UNCHANGED


def test_two_runs_at_once_apply_each_change_exactly_once(central, central_sf, station):
    for v in range(1, 21):
        approve_at_station(station, f"R-{v:02d}", 1, value=150.0 + v,
                           at=T0 + dt.timedelta(seconds=v))
    drain(SyncEngine(station, central, "ST-10"))
    results: list = []
    errors: list = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        try:
            results.extend(apply_master_changes(central))
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(o.code for o in results) == [f"R-{v:02d}" for v in range(1, 21)]
    assert all(o.outcome == APPLIED for o in results)
    with central_sf() as s:
        assert s.scalar(select(func.count()).select_from(Recipe)) == 20
