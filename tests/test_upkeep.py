"""Station upkeep on real SQLite stores: pruning, backup/restore, the station lock,
diagnostics (hmi/services/upkeep.py, hmi/upkeepcli.py; docs/upkeep.md)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from hmi.services import upkeep
from hmi.services.audit import AuditWriter, verify_chain, verify_station
from hmi.store.events import StationSequence, append_event
from hmi.store.models import MachineStateEvent, ProductionCountEvent, WorkOrderEvent
from hmi.store.models.sync import SyncState
from hmi.store.security import AuditEntry, LoginAttempt, PinCredential
from hmi.sync.models import SyncQuarantine
from hmi.sync.push import EVENTS_CURSOR, event_tables

ST = "ST-10"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=200)
NEW = NOW - dt.timedelta(days=1)


@pytest.fixture(scope="module")
def empty_template(tmp_path_factory):
    """A migrated, empty station store (made once, copied per test)."""
    from hmi.store.engine import open_store

    d = tmp_path_factory.mktemp("upkeep-template")
    engine, _ = open_store(f"sqlite:///{d}/station.sqlite")
    engine.dispose()
    return d / "station.sqlite"


@pytest.fixture
def store(empty_template, tmp_path):
    """(path, session factory) of a fresh station store in ``tmp_path``."""
    from hmi.store.engine import open_store

    path = tmp_path / "station.sqlite"
    shutil.copy(empty_template, path)
    engine, sf = open_store(f"sqlite:///{path}")
    yield path, sf
    engine.dispose()


def add(sf, *events, at: dt.datetime) -> list[int]:
    seqs = []
    with sf() as s:
        for e in events:
            e.station_id = e.station_id or ST
            e.recorded_at = at
            append_event(s, e)
            seqs.append(e.seq)
        s.commit()
    return seqs


def state(code: int = 1, eq: str = "PRESS-10") -> MachineStateEvent:
    return MachineStateEvent(equipment_code=eq, state_code=code, state_name="running")


def login(badge: str = "1001") -> LoginAttempt:
    return LoginAttempt(badge=badge, success=True, reason="ok")


def set_cursor(sf, seq: int) -> None:
    with sf() as s:
        row = s.get(SyncState, ("central", EVENTS_CURSOR)) or SyncState(
            peer="central", table_name=EVENTS_CURSOR)
        row.last_pushed_seq = seq
        s.add(row)
        s.commit()


def audit(sf, n: int, at: dt.datetime) -> None:
    w = AuditWriter(ST, clock=lambda: at)
    with sf() as s:
        for i in range(n):
            w.record(s, actor_badge="1001", action="test.action", entity="thing", entity_id=str(i))
        s.commit()


def seqs_in(sf) -> set[int]:
    out: set[int] = set()
    with sf() as s:
        for t in event_tables():
            out |= set(s.scalars(select(t.c.seq).where(t.c.station_id == ST)))
    return out


def prune(sf, **kw) -> upkeep.PruneReport:
    kw = {"retention_days": 90, "central": True, "now": NOW, **kw}
    return upkeep.prune_events(sf, ST, **kw)


# --------------------------------------------------------------------------- pruning


def test_every_event_table_has_a_pruning_policy():
    assert set(upkeep.POLICY) == {t.name for t in event_tables()}


def test_prune_entries_are_what_audit_verification_reads():
    from hmi.services.audit import ACTION_PRUNE

    assert upkeep.PRUNE_ACTION == ACTION_PRUNE


def test_taking_the_station_lock_does_not_load_the_database_stack():
    """The station takes its lock before the first paint (SQLAlchemy is not loaded yet)."""
    import subprocess
    import sys

    code = ("import sys; import hmi.services.upkeep as u, hmi.logsetup, hmi.secrets; "
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'hmi.services.audit') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_prune_removes_old_synced_events_and_never_an_unsent_one(store):
    _, sf = store
    old = add(sf, *[login() for _ in range(20)], *[state() for _ in range(10)], at=OLD)
    set_cursor(sf, old[24])                      # seq 1..25 confirmed centrally, 26..30 not
    young = add(sf, login(), state(), at=NEW)
    report = prune(sf)
    assert report.horizon == 25
    # unsent (26..30) and young events stay, the synced old ones go; the prune itself is
    # audited (the next seq)
    assert seqs_in(sf) == set(old[25:]) | set(young) | {young[-1] + 1}
    assert report.deleted["login_attempt"] == 20 and report.deleted["machine_state_event"] == 5
    # the counter is untouched: the next event gets the next number, never a freed one
    assert add(sf, login(), at=NOW) == [young[-1] + 2]


def test_unsent_old_events_survive_however_old(store):
    _, sf = store
    add(sf, *[login() for _ in range(10)], at=OLD - dt.timedelta(days=3000))
    set_cursor(sf, 0)
    report = prune(sf)
    assert report.total == 0 and len(seqs_in(sf)) == 10


def test_standalone_station_prunes_nothing_unless_configured(store):
    _, sf = store
    add(sf, *[login() for _ in range(10)], at=OLD)
    report = prune(sf, central=False)
    assert report.skipped and "prune_standalone" in report.skipped
    assert len(seqs_in(sf)) == 10
    # with prune_standalone the age alone decides (there is nobody to send to)
    report = prune(sf, central=False, prune_standalone=True)
    assert report.deleted["login_attempt"] == 10
    assert seqs_in(sf) == {11}                   # only the prune's own audit entry


def test_dry_run_counts_without_deleting(store):
    _, sf = store
    add(sf, *[login() for _ in range(7)], at=OLD)
    set_cursor(sf, 7)
    report = prune(sf, dry_run=True)
    assert report.total == 7 and report.dry_run
    assert len(seqs_in(sf)) == 7


def test_newest_pin_per_badge_survives_so_people_can_still_log_in(store):
    _, sf = store
    add(sf, PinCredential(badge="1001", pin_hash="$argon2id$old"),
        PinCredential(badge="1001", pin_hash="$argon2id$current"),
        PinCredential(badge="2001", pin_hash="$argon2id$only"), *[login() for _ in range(3)], at=OLD)
    set_cursor(sf, 6)
    prune(sf)
    with sf() as s:
        pins = {(p.badge, p.pin_hash) for p in s.scalars(select(PinCredential))}
    assert pins == {("1001", "$argon2id$current"), ("2001", "$argon2id$only")}


def test_an_open_order_holds_back_pruning_until_it_is_finished(store):
    _, sf = store
    add(sf, *[login() for _ in range(3)], at=OLD)
    started = add(sf, WorkOrderEvent(order_code="WO-1", order_version=1, kind="started"), at=OLD)
    counts = add(sf, *[ProductionCountEvent(equipment_code="PRESS-10", order_code="WO-1",
                                            good_increment=1) for _ in range(4)], at=OLD)
    set_cursor(sf, counts[-1])
    report = prune(sf)
    assert report.horizon == started[0] - 1 and "open order" in report.held_by
    assert seqs_in(sf) >= set(started) | set(counts)   # its counts still project its quantity
    done = add(sf, WorkOrderEvent(order_code="WO-1", order_version=1, kind="completed"), at=OLD)
    set_cursor(sf, done[0])
    report = prune(sf)
    assert not report.held_by
    remaining = seqs_in(sf)
    assert not remaining & (set(started) | set(counts[:-1]))
    assert counts[-1] in remaining                     # the newest counter reading: restart baseline


def test_an_unresolved_refused_row_is_never_pruned(store):
    _, sf = store
    seqs = add(sf, *[login() for _ in range(10)], at=OLD)
    set_cursor(sf, 10)
    with sf() as s:
        s.add(SyncQuarantine(peer="central", direction="push", table_name="login_attempt",
                             row_key=f"{ST}/4", station_id=ST, seq=4, reason="check violation"))
        s.commit()
    report = prune(sf)
    assert report.horizon == 3 and "refused" in report.held_by
    assert seqs_in(sf) >= set(seqs[3:])


def test_audit_chain_stays_verifiable_after_pruning_and_tampering_is_still_caught(store):
    path, sf = store
    audit(sf, 12, OLD)
    set_cursor(sf, 6)
    audit(sf, 3, NEW)
    report = prune(sf)
    assert report.deleted["audit_entry"] == 6
    with sf() as s:
        kept = list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        assert kept[0].seq == 7 and kept[-1].action == upkeep.PRUNE_ACTION
        assert kept[-1].new_value["through_seq"] == 6
        assert kept[-1].new_value["audit_anchor_hash"] == kept[0].prev_hash
        assert not verify_chain(s, ST).ok             # without knowing of the prune: broken
        verdict = verify_station(s, ST)
        assert verdict.ok, verdict.summary()
        assert verdict.pruned_through == 6 and verdict.entries == len(kept)
        ok, text = upkeep.audit_verdict(s, ST)
        assert ok and "pruned through seq 6" in text
    # removing one more old entry by hand is not a prune: the numbering shows the gap
    con = sqlite3.connect(path)
    con.execute("DELETE FROM audit_entry WHERE seq = 7")
    con.commit()
    con.close()
    with sf() as s:
        verdict = verify_station(s, ST)
    assert not verdict.ok and "missing" in verdict.summary() and "7" in verdict.summary()


def test_prune_cli_dry_run_and_run(store, tmp_path, capsys):
    path, sf = store
    add(sf, *[login() for _ in range(5)], at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    set_cursor(sf, 5)
    cfg_file = station_file(tmp_path, central_url="postgresql+psycopg://mes@db.invalid/plant")
    from hmi import upkeepcli

    assert upkeepcli.main(["prune", "--dry-run", "--config", str(cfg_file),
                           "--data-dir", str(tmp_path)]) == 0
    assert "would remove 5 event(s)" in capsys.readouterr().out
    assert len(seqs_in(sf)) == 5
    assert upkeepcli.main(["prune", "--config", str(cfg_file), "--data-dir", str(tmp_path)]) == 0
    assert "removed 5 event(s)" in capsys.readouterr().out
    assert seqs_in(sf) == {6}


# --------------------------------------------------------------------------- backup / restore


def test_backup_while_writing_is_consistent_and_restore_round_trips(store, tmp_path):
    path, sf = store
    add(sf, *[login() for _ in range(50)], at=NEW)
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            with sf() as s:
                for _ in range(5):  # several events per transaction: a torn copy would show
                    append_event(s, LoginAttempt(station_id=ST, badge="1002", success=False,
                                                 reason="wrong_pin"))
                s.commit()
            written[0] += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        while written[0] < 20:
            threading.Event().wait(0.01)
        report = upkeep.backup_store(path, tmp_path / "bk" / "copy.sqlite")
        during = written[0]
    finally:
        stop.set()
        t.join()
    assert during > 20, "the writer kept writing while the backup ran"
    assert report.facts.integrity == "ok"
    con = sqlite3.connect(report.path)
    seqs = [r[0] for r in con.execute("SELECT seq FROM login_attempt ORDER BY seq")]
    last = con.execute("SELECT last_seq FROM station_sequence").fetchone()[0]
    ids = {r[0] for r in con.execute("SELECT id FROM login_attempt")}
    mode = con.execute("PRAGMA journal_mode").fetchone()[0]
    con.close()
    assert seqs == list(range(1, last + 1)) and (last - 50) % 5 == 0   # whole transactions only
    assert report.facts.stations == {ST: last}
    assert mode == "delete" and (report.path.stat().st_mode & 0o077) == 0
    assert not (tmp_path / "bk" / "copy.sqlite-wal").exists()

    # the live store went on; a restore brings back exactly the backup's events …
    with sf() as s:
        live_last = s.scalar(select(StationSequence.last_seq))
    assert live_last > last
    sf.kw["bind"].dispose()
    result = upkeep.restore_store(report.path, path, ST, data_dir=tmp_path, now=NOW)
    assert result.kept_as is not None and result.kept_as.name == \
        "station.sqlite.before-restore-20250601T120000Z"
    con = sqlite3.connect(path)
    assert {r[0] for r in con.execute("SELECT id FROM login_attempt")} == ids
    con.close()
    kept = sqlite3.connect(result.kept_as)
    assert kept.execute("SELECT count(*) FROM login_attempt").fetchone()[0] == live_last
    kept.close()
    # … and numbering continues after the numbers the lost events had: never reused
    from hmi.store.engine import open_store

    engine, sf2 = open_store(f"sqlite:///{path}")
    try:
        assert add(sf2, login(), at=NOW) == [live_last + 1]
    finally:
        engine.dispose()
    assert f"after {live_last}" in result.summary(ST)


def test_restore_is_refused_while_the_station_holds_its_lock(store, tmp_path, capsys):
    path, sf = store
    add(sf, login(), at=NEW)
    bk = upkeep.backup_store(path, tmp_path / "b.sqlite").path
    add(sf, login(), login(), at=NEW)
    before = path.read_bytes()
    lock = upkeep.hold_station_lock(tmp_path)
    try:
        with pytest.raises(upkeep.StationLocked, match="is running .*pid"):
            upkeep.restore_store(bk, path, ST, data_dir=tmp_path)
        from hmi import upkeepcli

        cfg_file = station_file(tmp_path)
        assert upkeepcli.main(["restore", str(bk), "--config", str(cfg_file),
                               "--data-dir", str(tmp_path)]) == 2
        assert "Stop it first" in capsys.readouterr().err
        with pytest.raises(upkeep.StationLocked):    # a second station on the same data dir
            upkeep.hold_station_lock(tmp_path)
    finally:
        lock.release()
    assert path.read_bytes() == before
    assert len(seqs_in(sf)) == 3


def test_restore_refuses_foreign_damaged_and_newer_files(store, tmp_path):
    path, sf = store
    add(sf, login(), at=NEW)
    bk = upkeep.backup_store(path, tmp_path / "b.sqlite").path
    other = tmp_path / "other.sqlite"
    shutil.copy(bk, other)
    con = sqlite3.connect(other)
    con.execute("UPDATE station_sequence SET station_id='ST-99'")
    con.commit()
    con.close()
    with pytest.raises(upkeep.UpkeepError, match="store of station ST-99, not of ST-10"):
        upkeep.restore_store(other, path, ST, data_dir=tmp_path)
    newer = tmp_path / "newer.sqlite"
    shutil.copy(bk, newer)
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    con.commit()
    con.close()
    with pytest.raises(upkeep.UpkeepError, match="newer hmi"):
        upkeep.restore_store(newer, path, ST, data_dir=tmp_path)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(upkeep.UpkeepError, match="not an SQLite database"):
        upkeep.restore_store(junk, path, ST, data_dir=tmp_path)
    assert len(seqs_in(sf)) == 1 and not list(tmp_path.glob("*.before-restore-*"))


def test_backup_cli_prints_path_size_and_last_seq(store, tmp_path, capsys):
    path, sf = store
    add(sf, *[login() for _ in range(4)], at=NEW)
    from hmi import upkeepcli

    out = tmp_path / "x.sqlite"
    assert upkeepcli.main(["backup", "--out", str(out), "--config", str(station_file(tmp_path)),
                           "--data-dir", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "last seq 4" in printed and "integrity ok" in printed
    assert upkeepcli.main(["backup", "--config", str(station_file(tmp_path)),
                           "--data-dir", str(tmp_path / "nowhere")]) == 2
    assert "no station store" in capsys.readouterr().err


# --------------------------------------------------------------------------- diagnostics

SECRETS = {
    "url": "UrlPw-9f3k2",
    "central_file": "CentralPw-77aa1",
    "opcua_file": "OpcUaPw-55xy0",
    "env": "EnvPw-1q2w3e",
    "credential": "CredPw-zz81",
}


def station_file(tmp_path: Path, *, central_url: str = "", opcua_password_file: str = "",
                 central_password_file: str = "") -> Path:
    opcua = ('auth = "username"\nusername = "hmi"\n'
             f'password_file = "{opcua_password_file}"\n') if opcua_password_file else ""
    db = f'central_url = "{central_url}"\n' if central_url else ""
    if central_password_file:
        db += f'central_password_file = "{central_password_file}"\n'
    p = tmp_path / "station.toml"
    p.write_text(f"""
[station]
site = "S"
area = "A"
line = "L"
id = "{ST}"
name = "Press 10"

[machine]
url = "sim://t"

[machine.opcua]
{opcua}
[[machine.tags]]
name = "state"
address = "ns=2;s=Machine.State"
datatype = "int32"

[[machine.tags]]
name = "good_count"
address = "ns=2;s=Machine.GoodCount"
datatype = "uint32"

[[machine.tags]]
name = "scrap_count"
address = "ns=2;s=Machine.ScrapCount"
datatype = "uint32"

[database]
local = "{{data_dir}}/station.sqlite"
{db}
[upkeep]
log_max_mb = 1
log_backups = 2
""")
    return p


def private(path: Path, content: str) -> Path:
    path.write_text(content + "\n")
    path.chmod(0o600)
    return path


def test_diagnostics_bundle_has_the_facts_and_no_secret(store, tmp_path, monkeypatch):
    path, sf = store
    add(sf, *[login() for _ in range(3)], at=NEW)
    audit(sf, 2, NEW)
    set_cursor(sf, 2)
    central_pw = private(tmp_path / "central.pw", SECRETS["central_file"])
    opcua_pw = private(tmp_path / "opcua.pw", SECRETS["opcua_file"])
    creds = tmp_path / "creds"
    creds.mkdir()
    private(creds / "central-db", SECRETS["credential"])
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    monkeypatch.setenv("PGPASSWORD", SECRETS["env"])
    cfg_file = station_file(
        tmp_path, central_url=f"postgresql+psycopg://mes:{SECRETS['url']}@db.invalid/plant",
        opcua_password_file=str(opcua_pw), central_password_file=str(central_pw))
    from hmi import config
    from hmi.logsetup import setup_logging

    cfg = config.load(cfg_file)
    import logging

    level = logging.getLogger().level
    log_file = setup_logging(cfg, tmp_path, to_file=True, stderr_level=logging.CRITICAL)
    try:
        lg = logging.getLogger("hmi.test.diag")
        lg.warning("sync to %s failed", cfg.database.central_url)
        lg.warning("retry with password=%s", SECRETS["central_file"])
    finally:
        for h in list(logging.getLogger().handlers):
            if getattr(h, "_hmi_logsetup", False):
                logging.getLogger().removeHandler(h)
                h.close()
        logging.getLogger().setLevel(level)
    # a line an older version (or a careless library) wrote in plain words
    with log_file.open("a") as f:
        f.write(f"2025-01-01 INFO x: the OPC UA login used {SECRETS['opcua_file']} and "
                f"{SECRETS['credential']} and {SECRETS['env']}\n")
    upkeep.write_device_buffers(tmp_path, {"machine": ["connected", "frame >> 01 03 00 00"]})
    out = upkeep.write_diagnostics(cfg, tmp_path, tmp_path / "diag.zip")
    assert (out.stat().st_mode & 0o077) == 0
    with zipfile.ZipFile(out) as z:
        members = {n: z.read(n) for n in z.namelist()}
    assert {"versions.json", "config.json", "sync.json", "audit.txt", "disk.txt",
            "devices.txt", "logs/hmi.log", "secrets.txt", "environment.txt"} <= set(members)
    for name, data in members.items():
        for what, secret in SECRETS.items():
            assert secret.encode() not in data, f"{what} secret leaked into {name}"
    assert b'"backlog": 3' in members["sync.json"] and b'"cursor": 2' in members["sync.json"]
    assert members["audit.txt"].startswith(b"INTACT")
    assert b"frame >> 01 03 00 00" in members["devices.txt"]
    assert b"retry with password=***" in members["logs/hmi.log"]
    assert b"mes:***@db.invalid" in members["config.json"]
    assert b"mode 0600, ok" in members["secrets.txt"]
    assert b"sqlite" in members["versions.json"] and b"pyside6" in members["versions.json"]


def test_diagnostics_without_a_store_or_logs_still_writes_a_bundle(tmp_path):
    from hmi import upkeepcli

    cfg_file = station_file(tmp_path)
    assert upkeepcli.main(["diagnostics", "--out", str(tmp_path / "d.zip"), "--config",
                           str(cfg_file), "--data-dir", str(tmp_path / "empty")]) == 0
    with zipfile.ZipFile(tmp_path / "d.zip") as z:
        assert b"missing" in z.read("sync.json")
        assert b"not running" in z.read("devices.txt")
    assert not (tmp_path / "empty" / "station.sqlite").exists()   # diagnostics made no store


def test_migrate_brings_an_older_store_to_head_and_waits_for_a_stopped_station(tmp_path, capsys):
    """`hmi migrate` (what an update runs after its backup): an older store comes to this
    hmi's head with its events kept; refused while the station holds its lock."""
    from alembic import command

    from hmi import config, upkeepcli
    from hmi.store.engine import alembic_config, make_engine, make_session_factory, open_store

    cfg_file = station_file(tmp_path)
    cfg = config.load(cfg_file)
    db = cfg.resolve_path(cfg.database.local, tmp_path)
    engine, sf = open_store(f"sqlite:///{db}")
    add(sf, login(), at=NEW)
    with engine.begin() as conn:  # as an older release left it
        command.downgrade(alembic_config(conn), "0009")
    engine.dispose()
    args = ["migrate", "--config", str(cfg_file), "--data-dir", str(tmp_path)]
    lock = upkeep.hold_station_lock(tmp_path)
    try:
        assert upkeepcli.main(args) == 2
        assert "Stop the station first" in capsys.readouterr().err
    finally:
        lock.release()
    assert upkeepcli.main(args) == 0
    head = sorted(p.name for p in (Path(config.__file__).parents[1] / "migrations/versions")
                  .glob("0*.py"))[-1][:4]
    assert capsys.readouterr().out.strip().endswith(f"schema 0009 -> {head}")
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as c:
            assert c.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head
        assert len(seqs_in(make_session_factory(engine))) == 1  # the event is still there
    finally:
        engine.dispose()
