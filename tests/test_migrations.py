"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL,
and can be taken down and up again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from hmi.store.engine import MIGRATIONS_DIR, alembic_config, load_all_models, make_engine, migrate

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/station.db"
    return request.getfixturevalue("pg_url")


def _drift(engine) -> list:
    metadata = load_all_models()
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "target_metadata": metadata}
        )
        return compare_metadata(context, metadata)


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_upgrade_head_matches_the_models(db_url):
    engine = make_engine(db_url)
    try:
        migrate(engine)
        head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head
        assert _tables(engine) >= set(load_all_models().tables)
        assert _drift(engine) == []
        # The same check as `alembic check` on the command line.
        with engine.begin() as conn:
            command.check(alembic_config(conn))
    finally:
        engine.dispose()


def test_migrate_twice_is_harmless(db_url):
    engine = make_engine(db_url)
    try:
        migrate(engine)
        migrate(engine)
        assert _drift(engine) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(db_url):
    engine = make_engine(db_url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        assert _tables(engine) <= {"alembic_version"}
        migrate(engine)
        assert _tables(engine) >= set(load_all_models().tables)
        assert _drift(engine) == []
    finally:
        engine.dispose()


def test_drift_is_detected(tmp_path):
    """The drift check can fail: a table missing from the database shows up."""
    engine = make_engine(f"sqlite:///{tmp_path}/station.db")
    try:
        migrate(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE andon_event")
        diff = _drift(engine)
        assert diff[0][0] == "add_table" and diff[0][1].name == "andon_event"
        # ... followed by its indexes, and nothing else
        assert {(d[0], d[1].table.name) for d in diff[1:]} == {("add_index", "andon_event")}
    finally:
        engine.dispose()


def test_alembic_command_line(tmp_path):
    """`alembic -c migrations/alembic.ini -x url=... upgrade head` then `check` works."""
    db = tmp_path / "cli" / "station.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "alembic", "-c", str(REPO / "migrations" / "alembic.ini"),
            "-x", f"url=sqlite:///{db}"]
    for args in (["upgrade", "head"], ["check"], ["current"]):
        result = subprocess.run([*base, *args], capture_output=True, text=True, env=env,
                                cwd=tmp_path, timeout=60)
        assert result.returncode == 0, result.stderr
    assert "(head)" in result.stdout
    assert db.is_file()


def test_command_line_without_url_says_how_to_give_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HMI_DB_URL"}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(REPO / "migrations" / "alembic.ini"),
         "upgrade", "head"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )
    assert result.returncode != 0
    assert "-x url=" in result.stderr + result.stdout
