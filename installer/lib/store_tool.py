"""The installer's hands on the station's local database (update.sh, rollback.sh).

Run by a RELEASE's interpreter (``/opt/openmes-hmi/releases/<v>/bin/python``), so
the station code and the migrations it uses are that release's:

    store_tool.py --config FILE --data-dir DIR info
    store_tool.py --config FILE --data-dir DIR backup DEST
    store_tool.py --config FILE --data-dir DIR migrate
    store_tool.py --config FILE --data-dir DIR downgrade REVISION
    store_tool.py --config FILE --data-dir DIR restore BACKUP

``info`` prints JSON: the database path, whether it exists, its alembic revision,
the head revision of this release's migrations and the station's last event seq.
Errors go to stderr with exit code 2. The station must be stopped (the scripts
stop the unit first): ``backup`` uses SQLite's online backup API all the same,
so a copy taken while something else holds the file is still consistent.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path


def _fail(message: str) -> int:
    print(f"store_tool: {message}", file=sys.stderr)
    return 2


def _db_path(config: Path, data_dir: Path) -> Path:
    from hmi.config import load

    cfg = load(config)
    url = cfg.local_db_url(data_dir)
    return Path(url.removeprefix("sqlite:///"))


def _revision(db: Path) -> str | None:
    if not db.exists():
        return None
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        con.close()
    return row[0] if row else None


def _max_seq(db: Path) -> int | None:
    if not db.exists():
        return None
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT COALESCE(MAX(last_seq), 0) FROM station_sequence").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        con.close()
    return int(row[0])


def _head() -> str:
    from alembic.script import ScriptDirectory

    from hmi.store.engine import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _copy(src: Path, dest: Path) -> None:
    """SQLite online backup of ``src`` into ``dest`` (pages copied in one consistent snapshot)."""
    s = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    d = sqlite3.connect(dest)
    try:
        s.backup(d)
        ok = d.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise RuntimeError(f"integrity check of {dest} failed: {ok}")
    finally:
        d.close()
        s.close()


def _downgrade(db: Path, revision: str) -> None:
    from alembic import command

    from hmi.store.engine import alembic_config, make_engine

    engine = make_engine("sqlite:///" + str(db))
    try:
        with engine.connect() as conn:
            # As hmi.store.engine.migrate: batch operations copy tables, FK checks off meanwhile.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    command.downgrade(alembic_config(conn), revision)
                    bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if bad:
                        raise RuntimeError(f"downgrade left broken foreign keys: {bad[:5]}")
            finally:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="store_tool.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--config", type=Path, required=True)
    p.add_argument("--data-dir", type=Path, required=True)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("info")
    sub.add_parser("migrate")
    sub.add_parser("backup").add_argument("dest", type=Path)
    sub.add_parser("downgrade").add_argument("revision")
    sub.add_parser("restore").add_argument("backup", type=Path)
    args = p.parse_args(argv)

    from hmi.config import ConfigError

    try:
        db = _db_path(args.config, args.data_dir)
    except ConfigError as exc:
        return _fail(f"the station file is invalid:\n{exc}")
    except OSError as exc:
        return _fail(f"cannot read the station file: {exc}")

    try:
        if args.cmd == "info":
            print(json.dumps({"db": str(db), "exists": db.exists(), "revision": _revision(db),
                              "head": _head(), "max_seq": _max_seq(db)}))
        elif args.cmd == "backup":
            if not db.exists():
                return _fail(f"no database at {db}: nothing to back up")
            args.dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            _copy(db, args.dest)
            args.dest.chmod(0o600)
            print(args.dest)
        elif args.cmd == "migrate":
            from hmi.store.engine import make_engine, migrate

            engine = make_engine("sqlite:///" + str(db))
            try:
                migrate(engine)
            finally:
                engine.dispose()
            print(_revision(db))
        elif args.cmd == "downgrade":
            _downgrade(db, args.revision)
            print(_revision(db))
        elif args.cmd == "restore":
            if not args.backup.is_file():
                return _fail(f"backup {args.backup} not found")
            # Into the live file through SQLite itself: its WAL stays consistent.
            _copy(args.backup, db)
            print(_revision(db))
    except Exception as exc:  # noqa: BLE001 - reported to the script with the reason
        return _fail(f"{args.cmd} failed: {type(exc).__name__}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
