"""Engine factory, migrations and session factory for the station store.

Nothing here runs at import time: the application (or a test) calls
:func:`open_store` with a URL and gets a migrated database back.

SQLite (the panel's local store) gets WAL journaling with
``synchronous=FULL`` so that a write the operator saw confirmed survives a
power cut, enforced foreign keys, and a busy timeout. SQLAlchemy, not the
``sqlite3`` module, emits ``BEGIN``: the legacy ``sqlite3`` transaction mode
would run SELECTs and DDL outside the transaction (see the SQLAlchemy SQLite
dialect docs, "Enabling Non-Legacy SQLite Transactional Modes").
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

import hmi

log = logging.getLogger(__name__)

def _migrations_dir() -> Path:
    tree = Path(hmi.__file__).resolve().parents[1] / "migrations"
    if tree.is_dir():
        return tree
    installed = Path(sys.prefix) / "share" / "openmes-hmi" / "migrations"  # wheel data-files
    return installed if installed.is_dir() else tree


#: ``migrations/`` beside the package (source tree), else the installed wheel's copy.
MIGRATIONS_DIR = _migrations_dir()

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


class StoreError(RuntimeError):
    """The store cannot be opened or migrated."""


def load_all_models():
    """Import every module that defines tables; return ``Base.metadata``."""
    from hmi.store import models, security  # noqa: F401 - registers the tables
    from hmi.store.base import Base

    return Base.metadata


def _is_memory(url) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def make_engine(url: str) -> Engine:
    """Build an engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``)."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() != "sqlite":
        return create_engine(sa_url, pool_pre_ping=True)

    if not _is_memory(sa_url):
        db_path = Path(sa_url.database).expanduser()
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the directory for database {db_path}: {exc}") from exc
    engine = create_engine(sa_url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record) -> None:
        # Autocommit at the driver level; SQLAlchemy emits BEGIN (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def alembic_config(connection=None):
    """An alembic ``Config`` built in code for the repository's ``migrations/``."""
    from alembic.config import Config

    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise StoreError(f"migrations not found: {MIGRATIONS_DIR}/env.py is missing")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the database schema up to the newest migration (``alembic upgrade head``)."""
    from alembic import command

    cfg = alembic_config()
    is_sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if is_sqlite:
            # Batch migrations copy tables; FK checks must be off meanwhile and
            # PRAGMA foreign_keys only works outside a transaction.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if is_sqlite:
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise StoreError(f"migration left broken foreign keys: {problems[:5]}")
        finally:
            if is_sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    log.info("database %s migrated to head", engine.url.render_as_string(hide_password=True))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay usable after commit (views read them afterwards)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def open_store(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """Make the engine for ``url``, migrate it to head, and return it with a session factory."""
    engine = make_engine(url)
    try:
        migrate(engine)
    except Exception:
        engine.dispose()
        raise
    return engine, make_session_factory(engine)
