"""Store-and-forward push of the station's events to a real PostgreSQL: everything arrives
once, a replay doubles nothing, the central server can go away mid-sync, three stations share
one central database, and a row the central side refuses is quarantined, not lost or retried
forever. (Master-data pull and the conflict rules: tests/test_sync_pull.py.)"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select, update

from hmi.store.engine import make_engine, make_session_factory, migrate, open_store
from hmi.store.events import append_events
from hmi.store.models import AlarmEvent, MachineStateEvent, ProductionCountEvent
from hmi.store.models.sync import SyncState
from hmi.sync.engine import SyncEngine, backoff, central_conninfo
from hmi.sync.models import SyncQuarantine
from hmi.sync.push import EVENTS_CURSOR, SyncError, event_tables
from tests.fixtures.postgres import _start_server

# ---------------------------------------------------------------------------- builders


_TEMPLATE: dict[str, Path] = {}


def open_station(tmp_path, name="ST-10"):
    """A migrated station store (SQLite file) and its session factory (a copy of one
    store migrated once per session: migrating costs a second, copying nothing)."""
    if "db" not in _TEMPLATE:
        tdir = Path(tempfile.mkdtemp(prefix="hmi-sync-tmpl-"))
        engine, _sf = open_store(f"sqlite:///{tdir}/template.db")
        engine.dispose()
        _TEMPLATE["db"] = tdir / "template.db"
    target = Path(tmp_path) / f"{name}.db"
    shutil.copyfile(_TEMPLATE["db"], target)
    engine = make_engine(f"sqlite:///{target}")
    return engine, make_session_factory(engine)


def prepare_central(url: str) -> str:
    """The central database: the same migrations as the station's, on PostgreSQL."""
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return url


def pg_conn(url: str):
    return psycopg.connect(central_conninfo(url), autocommit=True)


def write_events(sf, station: str, n: int, *, start: int = 0, bad_at: set[int] = frozenset(),
                 chunk: int = 500) -> None:
    """``n`` mixed events (machine states, counts, alarms) in committed chunks.

    Event ``i`` in ``bad_at`` is an alarm the central side must refuse (an equipment code
    longer than its column: SQLite keeps it, PostgreSQL says "value too long")."""
    t0 = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)
    for lo in range(start, start + n, chunk):
        batch = []
        for i in range(lo, min(lo + chunk, start + n)):
            ts = t0 + dt.timedelta(seconds=i)
            kind = i % 3
            if i in bad_at:
                batch.append(AlarmEvent(station_id=station, equipment_code="X" * 100,
                                        alarm_code="A1", kind="raised", source_ts=ts))
            elif kind == 0:
                batch.append(MachineStateEvent(station_id=station, equipment_code="PRESS",
                                               state_code=i % 5, state_name=f"S{i % 5}",
                                               source_ts=ts, recorded_at=ts))
            elif kind == 1:
                batch.append(ProductionCountEvent(station_id=station, equipment_code="PRESS",
                                                  good_increment=1, raw_counter=2**32 + i,
                                                  source_ts=ts, recorded_at=ts))
            else:
                batch.append(AlarmEvent(station_id=station, equipment_code="PRESS",
                                        alarm_code=f"A{i % 7}", kind="raised",
                                        message=f"alarm ä\t\\ {i}\n", source_ts=ts,
                                        recorded_at=ts))
        with sf.begin() as s:
            append_events(s, batch)


def local_events(sf, station: str) -> set[tuple]:
    """(table, id, seq) of every event the station holds."""
    out = set()
    with sf() as s:
        for t in event_tables():
            for rid, seq in s.execute(select(t.c.id, t.c.seq).where(t.c.station_id == station)):
                out.add((t.name, str(rid), seq))
    return out


def central_events(url: str, station: str | None = None) -> list[tuple]:
    """(table, id, seq) of every event centrally, as a list (so doubles would show)."""
    out = []
    with pg_conn(url) as conn:
        for t in event_tables():
            q = f'SELECT id::text, seq FROM "{t.name}"'
            params: tuple = ()
            if station is not None:
                q += " WHERE station_id = %s"
                params = (station,)
            out.extend((t.name, rid, seq) for rid, seq in conn.execute(q, params))
    return out


def drain(engine: SyncEngine, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        report = engine.run_once()
        if not report.errors and report.backlog == 0:
            return report
        assert time.monotonic() < deadline, f"sync did not finish: {report}"


@pytest.fixture(scope="session")
def central_template(pg_server):
    """A migrated central database to copy from (CREATE DATABASE … TEMPLATE)."""
    name = f"sync_tmpl_{uuid.uuid4().hex[:8]}"
    prepare_central(pg_server.create_database(name))
    yield name
    pg_server.drop_database(name)


@pytest.fixture
def central(pg_server, central_template):
    """A fresh central database at the schema head."""
    from psycopg import sql

    name = f"t_{uuid.uuid4().hex[:16]}"
    with pg_server._admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(central_template)))
    yield pg_server.url_for(name)
    pg_server.drop_database(name)


@pytest.fixture
def station(tmp_path):
    engine, sf = open_station(tmp_path)
    yield sf
    engine.dispose()


# ---------------------------------------------------------------------------- tests


def test_a_few_thousand_mixed_events_arrive_exactly_once(central, station):
    write_events(station, "ST-10", 3000)
    engine = SyncEngine(station, central, "ST-10", batch_size=700)
    before = engine.local_status()
    assert (before.backlog, before.online) == (3000, False)
    assert before.oldest_unsent_s is not None and before.oldest_unsent_s > 0

    report = engine.run_once()
    engine.close()

    assert report.errors == [] and report.online
    assert report.pushed == {"alarm_event": 1000, "machine_state_event": 1000,
                             "production_count_event": 1000}
    assert (report.backlog, report.oldest_unsent_s, report.cursor) == (0, None, 3000)
    got = central_events(central)
    assert len(got) == 3000 and set(got) == local_events(station, "ST-10")
    with pg_conn(central) as conn:  # values arrive as written, odd characters included
        msg, ts = conn.execute(
            "SELECT message, recorded_at FROM alarm_event WHERE seq = 3").fetchone()
        raw, = conn.execute("SELECT raw_counter FROM production_count_event WHERE seq = 2"
                            ).fetchone()
    assert msg == "alarm ä\t\\ 2\n"
    assert ts == dt.datetime(2026, 3, 1, 6, 0, 2, tzinfo=dt.UTC)
    assert raw == 2**32 + 1


def test_a_replay_doubles_nothing(central, station):
    write_events(station, "ST-10", 2000)
    engine = SyncEngine(station, central, "ST-10", batch_size=600)
    drain(engine)
    # As if the station crashed after the central commit, before its own: the cursor is back.
    with station.begin() as s:
        s.execute(update(SyncState).where(SyncState.table_name == EVENTS_CURSOR)
                  .values(last_pushed_seq=0))
    assert engine.local_status().backlog == 2000
    write_events(station, "ST-10", 100, start=2000)

    report = drain(engine)
    engine.close()

    assert report.pushed_total == 100  # only the new ones are new centrally
    got = central_events(central)
    assert len(got) == 2100 and set(got) == local_events(station, "ST-10")
    with station() as s:
        assert s.scalars(select(SyncQuarantine)).all() == []


def test_an_unreachable_central_database_is_said_and_nothing_moves(station):
    write_events(station, "ST-10", 50)
    # A port nobody listens on: refused at once.
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = SyncEngine(station, f"postgresql+psycopg://postgres@127.0.0.1:{port}/x",
                        "ST-10", connect_timeout_s=2)
    report = engine.run_once()
    assert not report.online
    assert report.errors and report.errors[0].startswith("central database unreachable: ")
    assert (report.backlog, report.cursor) == (50, 0)
    assert [backoff(n) for n in (1, 2, 3, 7, 20)] == [1, 2, 4, 60, 60]


def test_a_password_never_sits_in_the_url_and_the_file_must_be_private(tmp_path):
    with pytest.raises(SyncError, match="holds a password"):
        central_conninfo("postgresql+psycopg://st10:secret@db/plant")
    pw = tmp_path / "central.pw"
    pw.write_text("s3cret\n")
    pw.chmod(0o644)
    with pytest.raises(SyncError, match="chmod 600"):
        central_conninfo("postgresql+psycopg://st10@db/plant", pw)
    pw.chmod(0o600)
    info = central_conninfo("postgresql+psycopg://st10@db:5433/plant?sslmode=verify-full", pw)
    assert "password=s3cret" in info and "sslmode=verify-full" in info and "port=5433" in info


def test_a_refused_row_is_quarantined_with_its_reason_and_the_rest_goes_through(
        central, station):
    write_events(station, "ST-10", 1200, bad_at={377})
    engine = SyncEngine(station, central, "ST-10", batch_size=1000)
    report = drain(engine)

    assert report.quarantined_new == 1 and report.quarantined == 1
    got = central_events(central)
    mine = local_events(station, "ST-10")
    assert len(got) == 1199 and set(got) == {e for e in mine if e[2] != 378}
    with station() as s:
        q = s.scalars(select(SyncQuarantine)).one()
    assert (q.direction, q.table_name, q.row_key, q.seq) == ("push", "alarm_event",
                                                            "ST-10/378", 378)
    assert "too long" in q.reason and q.row_data["equipment_code"] == "X" * 100
    # Neither retried forever nor doubled: a later run leaves it alone, new events flow.
    write_events(station, "ST-10", 10, start=1200)
    report = drain(engine)
    engine.close()
    assert report.pushed_total == 10 and report.quarantined_new == 0
    with station() as s:
        assert s.scalars(select(SyncQuarantine)).one().attempts == 1


def test_a_central_schema_fault_stops_sync_instead_of_quarantining_everything(
        central, station):
    write_events(station, "ST-10", 300)
    with pg_conn(central) as conn:
        conn.execute("ALTER TABLE machine_state_event ADD CONSTRAINT nope CHECK (seq < 0)")
    engine = SyncEngine(station, central, "ST-10", batch_size=1000)
    engine.pusher.max_quarantine = 5
    report = engine.run_once()
    assert report.online and report.errors
    assert "schema or permission fault" in report.errors[0]
    assert (report.cursor, report.backlog, report.quarantined) == (0, 300, 0)
    assert central_events(central) == []  # the window went nowhere, in one piece

    with pg_conn(central) as conn:
        conn.execute("ALTER TABLE alarm_event DROP COLUMN message")
    report = engine.run_once()
    engine.close()
    assert "lacks column(s) message" in report.errors[0] and report.cursor == 0


def test_a_replaced_store_does_not_overwrite_or_hide_the_central_events(central, tmp_path):
    e1, first = open_station(tmp_path, "first")
    write_events(first, "ST-10", 100)
    drain(SyncEngine(first, central, "ST-10"))
    e2, second = open_station(tmp_path, "second")  # same station id, a new empty store
    write_events(second, "ST-10", 100)
    engine = SyncEngine(second, central, "ST-10")
    engine.pusher.max_quarantine = 10
    report = engine.run_once()
    engine.close()
    assert "not the one that sent them" in report.errors[0] and report.cursor == 0
    assert set(central_events(central)) == local_events(first, "ST-10")
    e1.dispose()
    e2.dispose()


@pytest.fixture(scope="module")
def own_pg():
    """A server of this module's own: the restart test stops it."""
    server = _start_server()
    yield server
    server.stop()


def test_central_stopped_mid_sync_station_keeps_writing_central_ends_exact(own_pg, station):
    url = prepare_central(own_pg.create_database("restart"))
    write_events(station, "ST-10", 12_000, chunk=4000)
    engine = SyncEngine(station, url, "ST-10", batch_size=300, push_budget_s=0.02)
    reports = []
    stop, wake = threading.Event(), threading.Event()
    loop = threading.Thread(target=engine.run_forever, args=(stop,),
                            kwargs={"interval_s": 0.05, "on_report": reports.append,
                                    "wake": wake})
    loop.start()
    try:
        deadline = time.monotonic() + 30
        while not any(r.pushed_total for r in reports):  # mid-sync
            assert time.monotonic() < deadline
            time.sleep(0.01)
        own_pg.stop()
        write_events(station, "ST-10", 2000, start=12_000)  # the station goes on meanwhile
        while not any("central database unreachable" in " ".join(r.errors) for r in reports):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        offline = [r for r in reports if not r.online][-1]
        assert offline.backlog > 2000
        own_pg.start()
        wake.set()
        while not (reports[-1].online and reports[-1].backlog == 0 and not reports[-1].errors):
            assert time.monotonic() < deadline + 30, reports[-1]
            wake.set()
            time.sleep(0.05)
    finally:
        stop.set()
        wake.set()
        loop.join(30)
        status = own_pg.run(str(own_pg.bin_dir / "pg_ctl"), "-D", str(own_pg.data_dir),
                            "status", check=False)
        if status.returncode != 0:  # a failed assertion must not leave it down
            own_pg.start()
    got = central_events(url)
    assert len(got) == 14_000 and set(got) == local_events(station, "ST-10")


def test_three_stations_sync_into_one_central_database_at_once(central, tmp_path):
    stores = [open_station(tmp_path, f"ST-{n}") for n in (10, 20, 30)]
    for (_e, sf), n in zip(stores, (10, 20, 30), strict=True):
        write_events(sf, f"ST-{n}", 2500)
    errors: list[BaseException] = []

    def run(sf, name):
        try:
            engine = SyncEngine(sf, central, name, batch_size=400)
            drain(engine)
            engine.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(sf, f"ST-{n}"))
               for (_e, sf), n in zip(stores, (10, 20, 30), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    for (engine, sf), n in zip(stores, (10, 20, 30), strict=True):
        got = central_events(central, f"ST-{n}")
        assert len(got) == 2500 and set(got) == local_events(sf, f"ST-{n}")
        engine.dispose()
    assert len(central_events(central)) == 7500
