"""The store's rules, on SQLite and on a real PostgreSQL: events are append-only,
released master data is immutable, sequence numbers are gap-free per station,
timestamps come back in UTC."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
import zoneinfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, StatementError

from hmi.store import models as m
from hmi.store.base import ImmutableRowError, MasterStatus
from hmi.store.engine import make_engine, open_store
from hmi.store.events import append_event

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/station.db"
    else:
        url = request.getfixturevalue("pg_url")
    engine, session_factory = open_store(url)
    yield session_factory
    engine.dispose()


def _state(station: str = "ST-10", name: str = "RUNNING") -> m.MachineStateEvent:
    return m.MachineStateEvent(
        station_id=station, equipment_code=station, state_code=1, state_name=name
    )


def _count(station: str = "ST-10", good: int = 1) -> m.ProductionCountEvent:
    return m.ProductionCountEvent(station_id=station, equipment_code=station, good_increment=good)


# --------------------------------------------------------------------------- append-only


def test_event_cannot_be_updated(store):
    with store() as s, s.begin():
        event = append_event(s, _state(name="RUNNING"))
    event_id = event.id

    with store() as s:
        event = s.get(m.MachineStateEvent, event_id)
        event.state_name = "STOPPED"
        with pytest.raises(ImmutableRowError, match="append-only"):
            s.commit()

    with store() as s:
        assert s.get(m.MachineStateEvent, event_id).state_name == "RUNNING"


def test_event_cannot_be_deleted(store):
    with store() as s, s.begin():
        event = append_event(s, _state())
    event_id = event.id

    with store() as s:
        s.delete(s.get(m.MachineStateEvent, event_id))
        with pytest.raises(ImmutableRowError, match="record a correcting event"):
            s.commit()

    with store() as s:
        assert s.get(m.MachineStateEvent, event_id) is not None


def test_correction_is_a_new_event_superseding_the_old(store):
    with store() as s, s.begin():
        wrong = append_event(s, _count(good=5))
    with store() as s, s.begin():
        append_event(s, m.ProductionCountEvent(
            station_id="ST-10", equipment_code="ST-10", good_increment=3, supersedes_id=wrong.id,
        ))
    with store() as s:
        rows = s.scalars(select(m.ProductionCountEvent).order_by(m.ProductionCountEvent.seq)).all()
        assert [(r.good_increment, r.supersedes_id) for r in rows] == [(5, None), (3, wrong.id)]


# --------------------------------------------------------------------------- master data


def _product(version: int, cycle: float) -> m.Product:
    return m.Product(code="BRK-100", version=version, name="Bracket", ideal_cycle_time_s=cycle)


def test_released_master_version_is_immutable_and_new_version_works(store):
    with store() as s, s.begin():
        s.add(_product(1, 1.5))

    with store() as s:
        v1 = s.scalars(select(m.Product)).one()
        assert v1.status == MasterStatus.RELEASED
        v1.ideal_cycle_time_s = 1.8
        with pytest.raises(ImmutableRowError, match="BRK-100 v1 is released"):
            s.commit()

    with store() as s:
        v1 = s.scalars(select(m.Product)).one()
        s.delete(v1)
        with pytest.raises(ImmutableRowError, match="cannot be deleted"):
            s.commit()

    with store() as s, s.begin():
        s.add(_product(2, 1.8))
    with store() as s:
        rows = s.scalars(select(m.Product).order_by(m.Product.version)).all()
        assert [(r.version, r.ideal_cycle_time_s) for r in rows] == [(1, 1.5), (2, 1.8)]


def test_same_code_and_version_twice_is_refused_by_the_database(store):
    with store() as s, s.begin():
        s.add(_product(1, 1.5))
    with store() as s:
        s.add(_product(1, 2.0))
        with pytest.raises(IntegrityError):
            s.commit()


def test_child_rows_of_a_released_version_are_immutable(store):
    with store() as s, s.begin():
        s.add(m.Bom(code="BRK-100", product_code="BRK-100", items=[
            m.BomItem(position=1, material_code="BUSH-12", quantity=1, unit="pcs"),
        ]))

    with store() as s:
        bom = s.scalars(select(m.Bom)).one()
        bom.items[0].quantity = 2
        with pytest.raises(ImmutableRowError, match="cannot change BomItem of Bom BRK-100 v1"):
            s.commit()
    with store() as s:
        bom = s.scalars(select(m.Bom)).one()
        bom.items.append(m.BomItem(position=2, material_code="BOLT", quantity=1, unit="pcs"))
        with pytest.raises(ImmutableRowError, match="BRK-100 v1.*released and immutable"):
            s.commit()
    with store() as s:
        bom = s.scalars(select(m.Bom)).one()
        assert [(i.material_code, i.quantity) for i in bom.items] == [("BUSH-12", 1.0)]


def test_draft_version_can_be_edited_then_released(store):
    with store() as s, s.begin():
        s.add(m.Recipe(code="RCP-1", name="Draft", status=MasterStatus.DRAFT.value, parameters=[
            m.RecipeParameter(position=1, name="force", tag="ns=2;s=F", value=10),
        ]))
    with store() as s, s.begin():
        recipe = s.scalars(select(m.Recipe)).one()
        recipe.parameters[0].value = 12
        recipe.status = MasterStatus.RELEASED.value
    with store() as s:
        recipe = s.scalars(select(m.Recipe)).one()
        assert (recipe.status, recipe.parameters[0].value) == ("released", 12.0)
        recipe.parameters[0].value = 14
        with pytest.raises(ImmutableRowError):
            s.commit()


# --------------------------------------------------------------------------- sequence numbers


def test_seq_is_gap_free_per_station_across_event_tables(store):
    with store() as s, s.begin():
        append_event(s, _state("ST-10"))
        append_event(s, _count("ST-10"))
        append_event(s, _state("ST-20"))
        append_event(s, m.AlarmEvent(station_id="ST-10", equipment_code="ST-10",
                                     alarm_code="A1", kind="raised"))

    # A rolled-back transaction leaves no gap ...
    with store() as s:
        s.begin()
        assert append_event(s, _count("ST-10")).seq == 4
        s.flush()
        s.rollback()
    # ... and committed numbers are never handed out again.
    with store() as s, s.begin():
        assert append_event(s, _count("ST-10", good=2)).seq == 4
        assert append_event(s, _state("ST-10")).seq == 5

    with store() as s:
        seqs = []
        for model in (m.MachineStateEvent, m.ProductionCountEvent, m.AlarmEvent):
            seqs += s.scalars(select(model.seq).where(model.station_id == "ST-10")).all()
        assert sorted(seqs) == [1, 2, 3, 4, 5]
        assert s.scalars(select(m.MachineStateEvent.seq)
                         .where(m.MachineStateEvent.station_id == "ST-20")).all() == [1]
        assert s.get(m.StationSequence, "ST-10").last_seq == 5


def test_database_refuses_a_duplicate_station_seq(store):
    with store() as s, s.begin():
        append_event(s, _state())
    with store() as s:
        dup = _state()
        dup.seq = 1  # bypassing append_event
        s.add(dup)
        with pytest.raises(IntegrityError):
            s.commit()


# --------------------------------------------------------------------------- time


def test_timestamps_round_trip_as_utc(store):
    local = dt.datetime(2026, 3, 29, 2, 30, tzinfo=dt.UTC).astimezone(BERLIN)  # DST change night
    with store() as s, s.begin():
        event = append_event(s, m.MachineStateEvent(
            station_id="ST-10", equipment_code="ST-10", state_code=2, state_name="FAULT",
            source_ts=local, recorded_at=local,
        ))
    event_id = event.id
    with store() as s:
        row = s.get(m.MachineStateEvent, event_id)
        assert row.source_ts == local
        assert row.source_ts.utcoffset() == dt.timedelta(0)
        assert (row.source_ts.hour, row.source_ts.minute) == (2, 30)


def test_naive_timestamp_is_refused(store):
    with store() as s:
        append_event(s, m.MachineStateEvent(
            station_id="ST-10", equipment_code="ST-10", state_code=1, state_name="RUNNING",
            source_ts=dt.datetime(2026, 1, 1, 12, 0),
        ))
        with pytest.raises(StatementError, match="naive datetime refused"):
            s.commit()


def test_uuid_ids_are_time_ordered(store):
    with store() as s, s.begin():
        events = [append_event(s, _count()) for _ in range(3)]
    ids = [e.id for e in events]
    assert all(isinstance(i, uuid.UUID) and i.version == 7 for i in ids)
    assert ids == sorted(ids)
    with store() as s:
        assert s.scalar(select(func.count()).select_from(m.ProductionCountEvent)) == 3


# --------------------------------------------------------------------------- SQLite engine


def test_sqlite_engine_settings_and_directory(tmp_path):
    db = tmp_path / "deep" / "er" / "station.db"
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
        assert pragma == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                          "busy_timeout": 5000}
        assert db.is_file()
    finally:
        engine.dispose()


def test_sqlite_transactions_are_real(tmp_path):
    """A SELECT inside a transaction sees a snapshot (SQLAlchemy emits BEGIN)."""
    url = f"sqlite:///{tmp_path}/station.db"
    engine, session_factory = open_store(url)
    try:
        with session_factory() as reader:
            reader.begin()
            assert reader.scalar(select(func.count()).select_from(m.MachineStateEvent)) == 0
            other = sqlite3.connect(tmp_path / "station.db")
            other.execute(
                "INSERT INTO station_sequence (station_id, last_seq) VALUES ('X', 1)"
            )
            other.commit()
            other.close()
            assert reader.scalar(select(func.count()).select_from(m.StationSequence)) == 0
            reader.rollback()
            assert reader.scalar(select(func.count()).select_from(m.StationSequence)) == 1
    finally:
        engine.dispose()
