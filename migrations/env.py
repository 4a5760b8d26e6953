"""Alembic environment for the station store.

Used two ways:

* programmatically (``hmi.store.engine.migrate``): the caller passes an open
  connection in ``config.attributes["connection"]``;
* from the command line: ``alembic -c migrations/alembic.ini -x url=sqlite:///x.db
  upgrade head`` (or the URL in the ``HMI_DB_URL`` environment variable).

``target_metadata`` holds every table: ``hmi.store.models`` plus
``hmi.store.security``.
"""

from __future__ import annotations

import logging
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine

from hmi.store.base import UTCDateTime
from hmi.store.engine import load_all_models, make_engine

log = logging.getLogger("alembic.env")

config = context.config
if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
target_metadata = load_all_models()


def render_item(type_, obj, autogen_context):
    """Render app-specific types as plain SQLAlchemy types (migrations stay standalone)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _options(dialect_name: str) -> dict:
    return {
        "target_metadata": target_metadata,
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
        "render_item": render_item,
    }


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get("HMI_DB_URL")
    if not url:
        url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit(
            "no database URL: pass -x url=sqlite:///path/to/station.db or set HMI_DB_URL"
        )
    return url


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url, literal_binds=True, dialect_opts={"paramstyle": "named"},
        **_options(create_engine(url).dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_with(connection) -> None:
    context.configure(connection=connection, **_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            _run_with(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
