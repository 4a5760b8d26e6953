"""SIGKILL loop: the headless station killed at random moments while it starts and while it
writes, restarted each time — no confirmed event lost, none doubled, SQLite intact, the
machine's counts neither lost nor counted twice. bench/sync_kill.py runs the same 500 times.

Each station is a real process running ``hmi.headless.main`` from the station file on
(forked from a process that has done the imports, so 20+ restarts fit in well under a
minute); it prints ``COMMIT first last n`` only after each commit returned.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from sync_kill import (  # noqa: E402
    KillLoopFailure,
    Zygote,
    check_store,
    event_tables,
    kill_loop,
    run_cycle,
    write_station_file,
)

KILLS = 22


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


def test_sigkill_at_random_moments_loses_and_doubles_nothing(tmp_path, sim_server, zygote):
    seed = int(time.time())
    station = write_station_file(tmp_path / "station.toml", sim_server.url)
    t0 = time.monotonic()
    try:
        cycles = kill_loop(KILLS, station, tmp_path, load=2000, start_window=1.0,
                           write_window=1.0, start_share=0.3, seed=seed, zygote=zygote)
    except KillLoopFailure as exc:
        pytest.fail(f"{exc} (seed {seed}; logs in {tmp_path})")
    elapsed = time.monotonic() - t0
    assert len(cycles) == KILLS
    writing = [c for c in cycles if c.ready and c.commits_seen > 0]
    assert len(writing) >= KILLS // 2, "most kills must land while the station writes"
    last = cycles[-1].check
    # The store grew across the kills and holds exactly 1..N (checked after every kill too).
    assert last.rows > 1000 and last.gap_free and last.integrity == "ok"
    # The machine's good counter advanced and every part is recorded exactly once.
    assert last.good_first_raw is not None and last.good_last_raw > last.good_first_raw
    assert last.counts_ok
    assert elapsed < 55, f"{KILLS} kills took {elapsed:.0f} s"

    # After all that, a normal start and stop still works on the same store.
    cyc = run_cycle(station, tmp_path, 0.5, load=500, tables=event_tables(),
                    previous_max=last.max_seq, after_ready=True, zygote=zygote)
    assert not cyc.problems and cyc.check.max_seq >= last.max_seq


def _copy(db: Path, tmp_path: Path) -> Path:
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    target = tmp_path / "copy.sqlite"
    shutil.copy(db, target)
    return target


def test_the_store_check_sees_a_lost_or_doubled_event(tmp_path, sim_server, zygote):
    """The loop's checks are not vacuous: a deleted event, a doubled one or a count
    recorded twice are each reported."""
    station = write_station_file(tmp_path / "station.toml", sim_server.url)
    cyc = run_cycle(station, tmp_path, 1.5, load=1000, tables=event_tables(),
                    after_ready=True, zygote=zygote)
    assert not cyc.problems
    db = tmp_path / "demo" / "station.sqlite"
    assert check_store(db).gap_free

    lost = _copy(db, tmp_path)
    con = sqlite3.connect(lost)
    con.execute("DELETE FROM process_snapshot_event WHERE seq = "
                "(SELECT min(seq) FROM process_snapshot_event)")
    con.commit()
    con.close()
    assert not check_store(lost).gap_free

    doubled = _copy(db, tmp_path)
    con = sqlite3.connect(doubled)
    # The same seq in a second table (each table's own unique constraint cannot see it).
    row = con.execute("SELECT max(seq) FROM process_snapshot_event").fetchone()[0]
    con.execute("INSERT INTO machine_state_event (id, station_id, seq, recorded_at, "
                "equipment_code, state_code, state_name, quality) "
                "VALUES (x'00', 'ST-10', ?, '2026-01-01', 'ST-10', 1, 'running', 'good')",
                (row,))
    con.commit()
    con.close()
    got = check_store(doubled)
    assert got.rows == got.distinct + 1 and not got.gap_free

    twice = _copy(db, tmp_path)
    con = sqlite3.connect(twice)
    assert check_store(twice).good_first_raw is not None  # the machine's counter was read
    # The same part counted twice: a second increment without the counter moving.
    con.execute("INSERT INTO production_count_event (id, station_id, seq, recorded_at, "
                "equipment_code, counter, good_increment, scrap_increment, raw_counter) "
                "SELECT x'01', station_id, seq + 100000, recorded_at, equipment_code, counter, "
                "1, 0, raw_counter FROM production_count_event WHERE counter = 'good' "
                "ORDER BY seq DESC LIMIT 1")
    con.commit()
    con.close()
    assert not check_store(twice).counts_ok


def test_sigkill_while_syncing_to_postgresql_delivers_every_event_once(
        tmp_path, sim_server, zygote, pg_url):
    """Killed (10 times) while writing AND pushing to a real central PostgreSQL: afterwards
    the central database holds exactly the station's events — none lost, none twice."""
    import psycopg

    from hmi.central import init
    from hmi.store.engine import open_store
    from hmi.sync.engine import SyncEngine

    init(pg_url)
    seed = int(time.time())
    station = write_station_file(tmp_path / "station.toml", sim_server.url, central_url=pg_url)
    try:
        # every kill after READY, up to 2.5 s into the run: time for the sync thread to
        # connect and push (a loaded CI machine needs it), so kills land mid-push
        cycles = kill_loop(10, station, tmp_path, load=2000, start_window=1.0,
                           write_window=2.5, start_share=0.0, seed=seed, zygote=zygote)
    except KillLoopFailure as exc:
        pytest.fail(f"{exc} (seed {seed}; logs in {tmp_path})")
    assert len(cycles) == 10
    conninfo = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as pg:  # the killed stations were pushing meanwhile
        pushed_while_killed = sum(pg.execute(
            f"SELECT count(*) FROM {t} WHERE station_id='ST-10'").fetchone()[0]
            for t in event_tables())
    assert pushed_while_killed > 0, "no push completed between the kills"
    db = tmp_path / "demo" / "station.sqlite"
    engine, sf = open_store(f"sqlite:///{db}")
    try:
        sync = SyncEngine(sf, pg_url, "ST-10")
        for _ in range(50):  # what the killed stations had not pushed yet
            report = sync.run_once()
            if not report.errors and report.backlog == 0:
                break
        sync.close()
        assert report.backlog == 0 and not report.errors, report
        local = {}
        con = sqlite3.connect(db)
        for table in event_tables():
            for rid, seq in con.execute(f"SELECT id, seq FROM {table} WHERE station_id='ST-10'"):
                local[seq] = (table, rid)
        con.close()
        with psycopg.connect(conninfo) as pg:
            central = {}
            for table in event_tables():
                for (seq,) in pg.execute(f"SELECT seq FROM {table} WHERE station_id='ST-10'"):
                    assert seq not in central, f"seq {seq} twice at central"
                    central[seq] = table
        assert len(local) > 1000
        assert central == {seq: t for seq, (t, _rid) in local.items()}
    finally:
        engine.dispose()
