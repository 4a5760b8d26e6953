"""The sync engine works with exactly the rights of a station role (docs/central.md):
push (COPY straight into the table, or staging + INSERT … SELECT … ON CONFLICT DO NOTHING),
replay, pull — and a station role cannot push events under another station's id."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

import hmi.central as central
from hmi.store import models as m
from hmi.store.engine import open_store
from hmi.store.events import append_event

PASSWORD = "correct horse battery staple"


@pytest.fixture
def station_role(pg_url, tmp_path):
    central.init(pg_url)
    station = f"ST-S{uuid.uuid4().hex[:6]}"
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        role = central.add_station_role(conn, station, PASSWORD).role
    pw = tmp_path / "central.pw"
    pw.write_text(PASSWORD)
    pw.chmod(0o600)
    yield pg_url, station, pg_url.replace("postgres@", f"{role}@"), pw
    with engine.begin() as conn:
        central.remove_station_role(conn, station)
    engine.dispose()


def _local_store(tmp_path, station: str, n: int):
    engine, sf = open_store(f"sqlite:///{tmp_path}/station-{station}.db")
    with sf() as s, s.begin():
        for _ in range(n):
            append_event(s, m.WorkOrderEvent(station_id=station, order_code="WO-1",
                                             order_version=1, kind="reported"))
    return engine, sf


def _central_count(url: str, station: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM work_order_event "
                                     "WHERE station_id = :s"), {"s": station}).scalar_one()
    finally:
        engine.dispose()


def test_sync_engine_pushes_and_pulls_as_a_station_role(station_role, tmp_path):
    from hmi.sync.engine import SyncEngine

    admin_url, station, url, pw = station_role
    engine, sf = _local_store(tmp_path, station, 120)
    sync = SyncEngine(sf, url, station, password_file=pw)
    try:
        first = sync.run_once()
        assert first.errors == [] and first.pushed == {"work_order_event": 120}
        assert sync.run_once().pushed == {}  # nothing left, nothing doubled
    finally:
        engine.dispose()
    assert _central_count(admin_url, station) == 120


def test_a_station_role_cannot_push_another_stations_events(station_role, tmp_path):
    from hmi.sync.engine import SyncEngine

    admin_url, station, url, pw = station_role
    other = station + "-IMPOSTOR"
    engine, sf = _local_store(tmp_path, other, 5)
    sync = SyncEngine(sf, url, other, password_file=pw)  # wrong station file, right password
    try:
        report = sync.run_once()
    finally:
        engine.dispose()
    assert report.pushed.get("work_order_event", 0) == 0
    assert any(f"may insert only events of station {station}, not of station {other}" in e
               for e in report.errors), report.errors
    assert _central_count(admin_url, other) == 0
