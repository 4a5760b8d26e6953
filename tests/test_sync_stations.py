"""Three stations — three real headless processes — write and sync into one PostgreSQL at
the same time; afterwards central holds exactly each station's events, once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from sync_kill import event_tables, write_station_file  # noqa: E402

STATIONS = ("ST-10", "ST-20", "ST-30")


def test_three_station_processes_sync_into_one_postgresql(tmp_path, sim_server, pg_url):
    from hmi.central import init
    from hmi.store.engine import open_store
    from hmi.sync.engine import SyncEngine

    init(pg_url)
    procs = []
    for st in STATIONS:
        d = tmp_path / st
        d.mkdir()
        cfg = write_station_file(d / "station.toml", sim_server.url, central_url=pg_url)
        text = cfg.read_text(encoding="utf-8").replace('id = "ST-10"', f'id = "{st}"', 1)
        cfg.write_text(text, encoding="utf-8")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "hmi", "--headless", "--config", str(cfg), "--data-dir",
             str(d), "--load", "1500", "--run-for", "6"], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for p in procs:
        out, _ = p.communicate(timeout=90)
        assert p.returncode == 0, out[-2000:]

    conninfo = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as pg:  # each pushed while the three were running
        for st in STATIONS:
            assert sum(pg.execute(f"SELECT count(*) FROM {t} WHERE station_id = %s",
                                  (st,)).fetchone()[0] for t in event_tables()) > 0, st
    for st in STATIONS:
        db = tmp_path / st / "demo" / "station.sqlite"
        engine, sf = open_store(f"sqlite:///{db}")
        try:
            sync = SyncEngine(sf, pg_url, st)  # what the stop left unsent
            report = sync.run_once()
            sync.close()
            assert not report.errors and report.backlog == 0, report
        finally:
            engine.dispose()
        con = sqlite3.connect(db)
        local = sorted(seq for t in event_tables() for (seq,) in con.execute(
            f"SELECT seq FROM {t} WHERE station_id = ?", (st,)))
        con.close()
        with psycopg.connect(conninfo) as pg:
            central = sorted(seq for t in event_tables() for (seq,) in pg.execute(
                f"SELECT seq FROM {t} WHERE station_id = %s", (st,)))
        assert len(local) > 1000 and central == local, st
