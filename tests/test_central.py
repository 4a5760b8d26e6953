"""Central PostgreSQL tooling on a real server: init/upgrade, seeding, ERP, station roles
(plain INSERT, COPY -> staging -> INSERT … SELECT, COPY straight into the table), the schema
compatibility rule, clock skew, URL checks and the `hmi central` command line."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from psycopg import errors
from sqlalchemy import create_engine, inspect, make_url, text

import hmi.central as central
from hmi import config
from hmi.central import schema as central_schema
from hmi.store.engine import alembic_config, load_all_models, migrate

REPO = Path(__file__).resolve().parents[1]
DEMO_MD = config.resources_dir() / "masterdata" / "demo.toml"
ERP = Path(__file__).resolve().parent / "data" / "erp"
PASSWORD = "correct horse battery staple"
HEAD = central.code_head()
PREVIOUS = central_schema._scripts().get_revision(HEAD).down_revision

EVENT_COLS = ("id", "station_id", "seq", "recorded_at", "order_code", "order_version", "kind",
              "reason")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def scram_for_stations(pg_server):
    """Station roles log in with a SCRAM password (the test server trusts everyone else)."""
    hba = pg_server.data_dir / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text(f"host all +{central.GROUP_ROLE} 127.0.0.1/32 scram-sha-256\n{original}")
    pg_server.run(str(pg_server.bin_dir / "pg_ctl"), "-D", str(pg_server.data_dir), "reload")
    yield pg_server
    hba.write_text(original)
    pg_server.run(str(pg_server.bin_dir / "pg_ctl"), "-D", str(pg_server.data_dir), "reload")


@pytest.fixture
def initialised(pg_url):
    central.init(pg_url)
    return pg_url


def _admin(url: str):
    return create_engine(url)


def _station_conn(url: str, role: str, password: str = PASSWORD, **kw) -> psycopg.Connection:
    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port, dbname=u.database, user=role,
                           password=password, connect_timeout=5, autocommit=True, **kw)


@pytest.fixture
def stations(initialised, scram_for_stations):
    """Two station roles on a fresh central database: (url, {station: role})."""
    tag = uuid.uuid4().hex[:6]
    ids = [f"ST-A{tag}", f"ST-B{tag}"]
    engine = _admin(initialised)
    try:
        with engine.begin() as conn:
            roles = {s: central.add_station_role(conn, s, PASSWORD).role for s in ids}
        yield initialised, roles
        with engine.begin() as conn:
            for s in ids:
                central.remove_station_role(conn, s)
    finally:
        engine.dispose()


def _row(station: str, seq: int, kind: str = "started", order: str = "WO-1") -> tuple:
    return (uuid.uuid4(), station, seq, dt.datetime.now(dt.UTC), order, 1, kind, "")


def _insert(conn: psycopg.Connection, rows: list[tuple], cols=EVENT_COLS) -> int:
    names = ", ".join(cols)
    marks = ", ".join(["%s"] * len(cols))
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO work_order_event ({names}) VALUES ({marks})", rows)
        return cur.rowcount


def _push_via_copy(conn: psycopg.Connection, rows: list[tuple]) -> int:
    """What the sync engine does: COPY into a temp staging table, then INSERT … SELECT …
    ON CONFLICT DO NOTHING; returns the rows that were new."""
    names = ", ".join(EVENT_COLS)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE stage_wo (LIKE work_order_event INCLUDING DEFAULTS) "
                    "ON COMMIT DROP")
        with cur.copy(f"COPY stage_wo ({names}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        cur.execute(f"INSERT INTO work_order_event ({names}) SELECT {names} FROM stage_wo "
                    "ON CONFLICT DO NOTHING")
        return cur.rowcount


def _copy_direct(conn: psycopg.Connection, rows: list[tuple]) -> int:
    """The sync engine's fast path: COPY straight into the event table."""
    names = ", ".join(EVENT_COLS)
    with conn.transaction(), conn.cursor() as cur:
        with cur.copy(f"COPY work_order_event ({names}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
    return len(rows)


def _count(url: str, station: str) -> int:
    engine = _admin(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM work_order_event WHERE station_id = :s"),
                                {"s": station}).scalar_one()
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- init / upgrade


def _drift(url: str) -> list[str]:
    engine = _admin(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "target_metadata": load_all_models()})
            return sorted(repr(d) for d in compare_metadata(ctx, load_all_models()))
    finally:
        engine.dispose()


def test_init_then_upgrade_is_idempotent_and_alembic_sees_no_drift(pg_url, pg_server):
    with pytest.raises(central.CentralError, match="run `hmi central init` first"):
        central.upgrade(pg_url)
    first = central.init(pg_url)
    assert (first.before, first.after) == (None, HEAD)
    again = central.init(pg_url)
    up = central.upgrade(pg_url)
    assert (again.before, again.after, again.changed) == (HEAD, HEAD, False)
    assert (up.before, up.after, up.changed) == (HEAD, HEAD, False)
    engine = _admin(pg_url)
    try:
        assert set(inspect(engine).get_table_names()) >= set(load_all_models().tables)
        with engine.connect() as conn:
            accepted = conn.exec_driver_sql(
                "SELECT revision FROM hmi_central.schema_compat").scalars().all()
            checked = conn.exec_driver_sql(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                f"WHERE t.tgname = '{central.roles.TRIGGER}' ORDER BY c.relname"
            ).scalars().all()
        events, _ = central.roles.table_kinds()
        assert checked == events and "work_order_event" in events
        assert set(accepted) == set(central.accepted_station_revisions()) >= {HEAD, PREVIOUS}
    finally:
        engine.dispose()
    # The hmi_central schema, grants and policies do not disturb `alembic check`: it sees
    # exactly what it sees on a database migrated the plain way.
    plain = pg_server.create_database(f"t_plain_{uuid.uuid4().hex[:12]}")
    try:
        engine = _admin(plain)
        try:
            migrate(engine)
        finally:
            engine.dispose()
        assert _drift(pg_url) == _drift(plain)
    finally:
        pg_server.drop_database(make_url(plain).database)


def test_upgrade_brings_an_older_central_database_to_head(pg_url):
    engine = _admin(pg_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), PREVIOUS)
    finally:
        engine.dispose()
    result = central.upgrade(pg_url)
    assert (result.before, result.after) == (PREVIOUS, HEAD)


def test_seed_demo_master_data_and_orders_then_results_of_a_station(stations):
    url, roles = stations
    station = next(iter(roles))
    reports = central.seed(url, [DEMO_MD])
    assert reports[0].changed and reports[0].counts["products"].created >= 1
    assert not central.seed(url, [DEMO_MD])[0].changed  # re-seeding changes nothing
    report = central.import_orders(url, ERP / "orders.csv")
    assert report.created == [("WO-2001", 1), ("WO-2002", 1)]
    with _station_conn(url, roles[station]) as conn:
        _insert(conn, [_row(station, 1, "started", "WO-2001")])
        # the station reads the order it works on (master data is readable)
        assert conn.execute("SELECT count(*) FROM work_order WHERE code = 'WO-2001'"
                            ).fetchone()[0] == 1
    results = central.order_results(url)
    assert [(r.order_code, r.station_id, r.state) for r in results] == [
        ("WO-2001", station, "Running")]
    assert central.order_results(url, stations=["ST-NOWHERE"]) == []


def test_seed_refuses_a_central_database_that_is_not_initialised(pg_url):
    with pytest.raises(central.CentralError, match="empty: run `hmi central init` first"):
        central.seed(pg_url, [DEMO_MD])


# --------------------------------------------------------------------------- station roles


def test_station_inserts_its_own_events_plain_staged_and_by_copy_replays_are_harmless(stations):
    url, roles = stations
    station, other = list(roles)
    with _station_conn(url, roles[station]) as conn:
        assert _insert(conn, [_row(station, 1)]) == 1
        rows = [_row(station, n, "reported") for n in range(2, 502)]
        assert _push_via_copy(conn, rows) == 500
        assert _push_via_copy(conn, rows) == 0  # the same batch again: nothing doubled
        # a row already there under another id but the same (station, seq) is skipped too
        assert _push_via_copy(conn, [_row(station, 2)]) == 0
        assert _copy_direct(conn, [_row(station, n) for n in range(502, 602)]) == 100
        with pytest.raises(errors.UniqueViolation):  # COPY has no ON CONFLICT: staging is for replays
            _copy_direct(conn, [_row(station, 601)])
    assert _count(url, station) == 601
    # Plant-wide read: the other station sees these rows, read-only.
    with _station_conn(url, roles[other]) as conn:
        assert conn.execute("SELECT count(*) FROM work_order_event WHERE station_id = %s",
                            (station,)).fetchone()[0] == 601


def test_station_cannot_write_for_another_station_nor_change_events_or_master_data(stations):
    url, roles = stations
    station, other = list(roles)
    with _station_conn(url, roles[station]) as conn:
        _insert(conn, [_row(station, 1)])
        refused = (f"role {roles[station]} may insert only events of station {station}, "
                   f"not of station {other} \\(table work_order_event\\)")
        with pytest.raises(errors.InsufficientPrivilege, match=refused):
            _insert(conn, [_row(other, 1)])
        with pytest.raises(errors.InsufficientPrivilege, match=refused):
            _push_via_copy(conn, [_row(station, 2), _row(other, 2)])
        with pytest.raises(errors.InsufficientPrivilege, match=refused):
            _copy_direct(conn, [_row(station, 3), _row(other, 3)])
        # A temporary table cannot stand in for the catalog the check reads.
        conn.execute("CREATE TEMP TABLE pg_class (oid oid, relowner oid)")
        conn.execute("INSERT INTO pg_temp.pg_class SELECT oid, (SELECT oid FROM pg_roles WHERE "
                     "rolname = current_user) FROM pg_catalog.pg_class")
        with pytest.raises(errors.InsufficientPrivilege, match=refused):
            _insert(conn, [_row(other, 4)])
        with pytest.raises(errors.InsufficientPrivilege, match="must be owner of table"):
            conn.execute("ALTER TABLE work_order_event DISABLE TRIGGER ALL")
        with pytest.raises(errors.InsufficientPrivilege, match="session_replication_role"):
            conn.execute("SET session_replication_role = replica")  # would skip triggers
        for sql in ("UPDATE work_order_event SET reason = 'x'",
                    "DELETE FROM work_order_event",
                    "TRUNCATE work_order_event",
                    "INSERT INTO product (id, code, version, status, valid_from, created_at, "
                    "source, name, unit, ideal_cycle_time_s, tracking, description) VALUES "
                    "(gen_random_uuid(), 'X', 99, 'released', now(), now(), '', 'x', 'pcs', 1, "
                    "'none', '')",
                    "UPDATE product SET name = 'x'",
                    "DELETE FROM hmi_central.station_role",
                    "INSERT INTO station_sequence VALUES ('x', 1)"):
            with pytest.raises(errors.InsufficientPrivilege, match="permission denied for table"):
                conn.execute(sql)
        with pytest.raises(errors.InsufficientPrivilege, match="permission denied for schema"):
            conn.execute("CREATE TABLE public.mine (x int)")
    assert _count(url, station) == 1 and _count(url, other) == 0


def test_role_password_is_required_and_roles_are_not_taken_over(stations, pg_server):
    url, roles = stations
    station = next(iter(roles))
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        _station_conn(url, roles[station], password="wrong password, long enough").close()
    engine = _admin(url)
    try:
        with engine.begin() as conn:
            with pytest.raises(central.CentralError, match="too short"):
                central.add_station_role(conn, "ST-NEW", "short")
            with pytest.raises(central.CentralError, match="not made by `hmi central role add`"):
                central.add_station_role(conn, "ST-NEW", PASSWORD, role="postgres")
            with pytest.raises(central.CentralError, match="already connects as role"):
                central.add_station_role(conn, station, PASSWORD, role="hmi_other_name")
            # Renewing: the new password works, the old one no longer.
            renewed = central.add_station_role(conn, station, PASSWORD + "!")
            assert (renewed.role, renewed.created) == (roles[station], False)
            listed = {r.station_id: r.role for r in central.list_station_roles(conn)}
            assert listed == roles
    finally:
        engine.dispose()
    _station_conn(url, roles[station], password=PASSWORD + "!").close()
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        _station_conn(url, roles[station]).close()
    engine = _admin(url)
    try:
        with engine.begin() as conn:
            central.add_station_role(conn, station, PASSWORD)  # as the fixture expects
    finally:
        engine.dispose()


def test_removing_a_connected_stations_role_ends_its_sessions(initialised, scram_for_stations):
    station = f"ST-R{uuid.uuid4().hex[:6]}"
    engine = _admin(initialised)
    try:
        with engine.begin() as conn:
            role = central.add_station_role(conn, station, PASSWORD).role
        pg = _station_conn(initialised, role)
        # A syncing station holds temporary staging tables, which would block DROP ROLE.
        pg.execute("CREATE TEMP TABLE _stage_x (LIKE work_order_event INCLUDING DEFAULTS)")
        with engine.begin() as conn:
            assert central.remove_station_role(conn, station) == role
        with pytest.raises(psycopg.OperationalError):
            pg.execute("SELECT 1")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = :r"),
                                {"r": role}).scalar_one() == 0
        with pytest.raises(psycopg.OperationalError):
            _station_conn(initialised, role).close()
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- compatibility


def _columns(url: str) -> dict[str, dict[str, dict]]:
    engine = _admin(url)
    try:
        insp = inspect(engine)
        events, _ = central.roles.table_kinds()
        return {t: {c["name"]: c for c in insp.get_columns(t)} for t in events
                if insp.has_table(t)}
    finally:
        engine.dispose()


def test_station_one_migration_behind_keeps_pushing(stations, pg_server):
    url, roles = stations
    station = next(iter(roles))
    # A database at the previous migration stands for the older station's schema.
    old_url = pg_server.create_database(f"t_old_{uuid.uuid4().hex[:12]}")
    try:
        engine = _admin(old_url)
        try:
            with engine.begin() as conn:
                command.upgrade(alembic_config(conn), PREVIOUS)
        finally:
            engine.dispose()
        old, new = _columns(old_url), _columns(url)
    finally:
        pg_server.drop_database(make_url(old_url).database)
    # The rule, checked on the real schemas: every column an older station names exists,
    # and every column it does not know fills by itself.
    for table, cols in old.items():
        assert set(cols) <= set(new[table]), table
        for name in set(new[table]) - set(cols):
            col = new[table][name]
            assert col["nullable"] or col["default"] is not None, f"{table}.{name}"
    with _station_conn(url, roles[station]) as conn:
        ok, message = central.check_compatibility(conn, PREVIOUS)
        assert ok, message
        assert f"newer than this station's {PREVIOUS}" in message
        older_cols = [c for c in EVENT_COLS if c in old["work_order_event"]]
        assert _insert(conn, [_row(station, 1)], cols=older_cols) == 1
        assert central.check_compatibility(conn, HEAD) == (
            True, f"station and central schema are both at {HEAD}")
    assert _count(url, station) == 1


def test_station_newer_than_central_is_refused(pg_url):
    engine = _admin(pg_url)
    try:
        with engine.begin() as conn:
            ok, message = central.check_compatibility(conn, HEAD)
            assert not ok and "not initialised" in message
            command.upgrade(alembic_config(conn), PREVIOUS)
        with engine.connect() as conn:
            ok, message = central.check_compatibility(conn, HEAD)
    finally:
        engine.dispose()
    assert not ok
    assert message == (f"this station's schema {HEAD} is newer than the central database's "
                       f"{PREVIOUS}: nothing is pushed until an administrator runs `hmi central "
                       "upgrade` with this version; events stay queued here")


def test_unknown_or_too_old_station_revision_is_refused(initialised, monkeypatch):
    engine = _admin(initialised)
    try:
        with engine.connect() as conn:
            ok, message = central.check_compatibility(conn, "f00d")
            assert not ok and "upgrade this station" in message
    finally:
        engine.dispose()
    # A migration marked station_compatible = False cuts older stations off.
    monkeypatch.setattr(central_schema, "is_station_compatible",
                        lambda script: script.revision != HEAD)
    assert central.accepted_station_revisions() == [HEAD]


# --------------------------------------------------------------------------- clock, URLs


def test_clock_skew_against_the_server_and_the_warning_rule(initialised):
    engine = _admin(initialised)
    try:
        with engine.connect() as conn:
            skew = central.clock_skew(conn)
    finally:
        engine.dispose()
    assert abs(skew) < dt.timedelta(seconds=1)  # same machine
    assert central.skew_warning(skew) is None
    assert central.skew_warning(dt.timedelta(seconds=4.9)) is None
    behind = central.skew_warning(dt.timedelta(seconds=7))
    assert behind is not None and "7.0 s behind" in behind and "NTP" in behind
    ahead = central.skew_warning(dt.timedelta(seconds=-90))
    assert ahead is not None and "90.0 s ahead of" in ahead


def test_central_url_parsing_and_tls_description():
    info = central.parse_url("postgresql://st@db.plant:5433/mes?sslmode=verify-full&"
                             "sslrootcert=/etc/hmi/ca.pem")
    assert info.url.drivername == "postgresql+psycopg" and info.verifies_server
    assert info.describe() == ("st@db.plant:5433/mes: TLS, server certificate and host name "
                               "verified, root CA /etc/hmi/ca.pem")
    assert "use sslmode=verify-full" in central.parse_url(
        "postgresql+psycopg://st@db/mes").describe()
    assert central.parse_url("postgresql+psycopg://st:pw@db/mes").password_in_url
    for bad, why in (("mysql://a@b/c", "must be PostgreSQL"),
                     ("not a url", "is not a database URL"),
                     ("postgresql+psycopg://a@b/c?sslmode=sometimes", "unknown sslmode"),
                     ("postgresql+psycopg://a@b", "names no database"),
                     ("", "no central database URL")):
        with pytest.raises(central.CentralError, match=why):
            central.parse_url(bad)


# --------------------------------------------------------------------------- command line


def hmi(*args: str, stdin: str | None = None, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "hmi", "central", *args], input=stdin,
                          capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    """`hmi central …` in this process (the subprocess test covers the real entry point)."""
    from hmi.cli import main

    code = main(["central", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_subprocess_init_and_clear_errors_without_traceback(pg_url, scram_for_stations):
    r = hmi("init", "--url", pg_url)
    assert r.returncode == 0, r.stderr
    assert f"schema (empty) -> {HEAD}" in r.stdout
    r = hmi("init", "--url", f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/x")
    assert r.returncode == 2 and "cannot reach the central database" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    engine = _admin(pg_url)
    station = f"ST-P{uuid.uuid4().hex[:6]}"
    try:
        with engine.begin() as conn:
            role = central.add_station_role(conn, station, PASSWORD).role
        r = hmi("status", "--url", pg_url.replace("postgres@", f"{role}@"),
                env={"PGPASSWORD": "not the password!"})
        assert r.returncode == 2 and "refused the password" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and "not the password" not in r.stderr
    finally:
        with engine.begin() as conn:
            central.remove_station_role(conn, station)
        engine.dispose()


def test_cli_role_seed_status_and_clear_errors(initialised, scram_for_stations, tmp_path,
                                               capsys, monkeypatch):
    url = initialised
    code, out, err = run_main(capsys, "upgrade", "--url", url)
    assert code == 0 and f"already at {HEAD}" in out, err
    station = f"ST-C{uuid.uuid4().hex[:6]}"
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code, out, err = run_main(capsys, "role", "add", station, "--url", url, "--password-stdin")
    assert code == 0, err
    role = central.default_role_name(station)
    assert f"role {role} for station {station} created" in out
    assert PASSWORD not in out + err
    loose = tmp_path / "pw"
    loose.write_text(PASSWORD + "\n")
    loose.chmod(0o644)
    code, out, err = run_main(capsys, "role", "add", station, "--url", url, "--password-file",
                              str(loose))
    assert code == 2 and "chmod 600" in err
    loose.chmod(0o600)
    code, out, err = run_main(capsys, "role", "add", station, "--url", url, "--password-file",
                              str(loose))
    assert code == 0 and "renewed" in out, err
    try:
        code, out, err = run_main(capsys, "role", "list", "--url", url)
        assert out.splitlines() == [f"{station}\t{role}"]
        code, out, err = run_main(capsys, "seed", "--url", url, str(DEMO_MD))
        assert code == 0 and out.startswith("demo.toml"), err
        # The station itself can read the status with its own role and password.
        monkeypatch.setenv("PGPASSWORD", PASSWORD)
        code, out, err = run_main(capsys, "status", "--url", url.replace("postgres@", f"{role}@"))
        assert code == 0, err
        assert f"schema:   {HEAD}" in out and "clock:" in out
        monkeypatch.delenv("PGPASSWORD")
    finally:
        code, out, err = run_main(capsys, "role", "remove", station, "--url", url)
        assert code == 0 and "its events stay" in out, err
    for args, why in (
        (["init", "--url", "mysql://x@y/z"], "must be PostgreSQL"),
        (["upgrade", "--url", url.rsplit("/", 1)[0] + "/no_such_db"], "does not exist"),
        (["seed", "--url", url, str(ERP / "orders.csv")], "nothing was imported"),
        (["role", "remove", station, "--url", url], "has no role on this central database"),
    ):
        code, out, err = run_main(capsys, *args)
        assert code == 2, (args, out)
        assert why in err, (args, err)


def test_cli_orders_import_and_export_against_central(initialised, tmp_path, capsys):
    central.seed(initialised, [DEMO_MD])
    code, out, err = run_main(capsys, "orders", "import", "--url", initialised,
                              str(ERP / "orders.csv"))
    assert code == 0, err
    assert "2 order(s) imported" in out
    dest = tmp_path / "perf.csv"
    code, out, err = run_main(capsys, "orders", "export", "--url", initialised, "--format", "csv",
                              "--out", str(dest))
    assert code == 0, err
    assert dest.read_text().splitlines()[0].startswith("order,version,operation,")
    code, out, err = run_main(capsys, "orders", "export", "--url", initialised, "--order",
                              "WO-2001")
    assert code == 2 and "no production results for order(s) WO-2001" in err
