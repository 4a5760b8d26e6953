"""The central database's schema: init/upgrade, the station compatibility rule, clock skew.

Schema compatibility (docs/central.md): the central database may be *newer*
than a station by additive migrations only — new tables, new columns that are
nullable or have a server default, new indexes. A station one (or more)
additive migrations behind keeps pushing: it names its columns and the new
central columns fill from their defaults. A migration that is not additive
says so with ``station_compatible = False`` at module level; stations older
than it must be upgraded first. A station *newer* than central never pushes:
central would not have its columns.

The central side records which station revisions it accepts in
``hmi_central.schema_compat`` at every ``init``/``upgrade``, because a station
one version behind does not know central's newer migration scripts.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from hmi.central.link import CentralError, explain, make_central_engine, parse_url
from hmi.central.roles import SCHEMA, apply_security, lock
from hmi.central.text import tr

log = logging.getLogger(__name__)

#: Station id under which central-side tooling records its own events (imports, PINs, audit).
CENTRAL_STATION_ID = "central"

#: Clock skew beyond which a station warns (event times feed order of events across
#: stations, the oldest-unsent age and shift boundaries; NTP keeps clocks within ms).
CLOCK_SKEW_WARN = dt.timedelta(seconds=5)


@dataclass(frozen=True)
class SchemaResult:
    before: str | None  # revision before (None: empty database)
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


# --------------------------------------------------------------------------- revisions


def _scripts():
    from alembic.script import ScriptDirectory

    from hmi.store.engine import MIGRATIONS_DIR

    return ScriptDirectory(str(MIGRATIONS_DIR))


def code_head() -> str:
    """The newest migration this code knows (the station's revision when it is at head)."""
    return _scripts().get_current_head()


def is_station_compatible(script) -> bool:
    """Whether a station at this migration's predecessor can push into this migration's
    schema (module attribute ``station_compatible``; additive migrations need none)."""
    return bool(getattr(script.module, "station_compatible", True))


def accepted_station_revisions(head: str | None = None) -> list[str]:
    """Station revisions that may push into a database at ``head`` (newest first): ``head``
    itself and its predecessors back to the first migration that is not additive."""
    scripts = _scripts()
    head = head or scripts.get_current_head()
    accepted = [head]
    script = scripts.get_revision(head)
    while script is not None and script.down_revision is not None:
        if not is_station_compatible(script) or isinstance(script.down_revision, tuple):
            break
        accepted.append(script.down_revision)
        script = scripts.get_revision(script.down_revision)
    return accepted


def _is_ancestor(older: str, newer: str) -> bool:
    """True if ``older`` comes before ``newer`` in this code's migration history."""
    scripts = _scripts()
    try:
        return any(s.revision == older for s in scripts.iterate_revisions(newer, "base"))
    except Exception:  # noqa: BLE001 - unknown revision: not an ancestor
        return False


# --------------------------------------------------------------------------- driver-neutral SQL


def _rows(conn: Any, sql: str) -> list[tuple]:
    """Run ``sql`` on a SQLAlchemy Connection/Session or a psycopg connection."""
    if hasattr(conn, "exec_driver_sql") or hasattr(conn, "get_bind"):
        return [tuple(r) for r in conn.execute(text(sql)).all()]
    with conn.cursor() as cur:  # psycopg 3
        cur.execute(sql)
        return list(cur.fetchall())


def central_revision(conn: Any) -> str | None:
    """The central database's alembic revision (None: not initialised)."""
    found = _rows(conn, "SELECT to_regclass('public.alembic_version') IS NOT NULL")[0][0]
    if not found:
        return None
    rows = _rows(conn, "SELECT version_num FROM alembic_version")
    return rows[0][0] if rows else None


def check_compatibility(conn: Any, station_revision: str) -> tuple[bool, str]:
    """May a station whose schema is at ``station_revision`` push to this central database?

    ``conn``: a SQLAlchemy connection/session or a psycopg connection to central (a
    station role can run it). Returns ``(ok, message)``; the message is for the log and
    the admin view either way."""
    central = central_revision(conn)
    if central is None:
        return False, tr("the central database is not initialised (no schema version): "
                         "an administrator runs `hmi central init`; events stay queued here")
    if central == station_revision:
        return True, tr("station and central schema are both at %1", central)
    has_compat = _rows(conn, f"SELECT to_regclass('{SCHEMA}.schema_compat') IS NOT NULL")[0][0]
    accepted: list[str] = []
    if has_compat:
        accepted = [r[0] for r in _rows(
            conn, f"SELECT revision FROM {SCHEMA}.schema_compat WHERE central_head = "
                  "(SELECT version_num FROM alembic_version LIMIT 1)")]
    if station_revision in accepted:
        return True, tr("central schema %1 is newer than this station's %2 by additive "
                        "migrations only: pushing continues (upgrade the station when "
                        "convenient)", central, station_revision)
    if _is_ancestor(central, station_revision):
        return False, tr("this station's schema %1 is newer than the central database's %2: "
                         "nothing is pushed until an administrator runs `hmi central upgrade` "
                         "with this version; events stay queued here", station_revision, central)
    return False, tr("the central database (schema %1) does not accept a station at schema %2 "
                     "(accepted: %3): upgrade this station; events stay queued here",
                     central, station_revision, ", ".join(accepted) or central)


# --------------------------------------------------------------------------- clock skew


def clock_skew(conn: Any) -> dt.timedelta:
    """Central's clock minus this machine's (positive: central is ahead).

    The local time is taken half-way through the round trip, so the error is at most
    half the round trip (loopback: well under a millisecond)."""
    before = time.time()
    server = _rows(conn, "SELECT clock_timestamp()")[0][0]
    after = time.time()
    local = dt.datetime.fromtimestamp((before + after) / 2, dt.UTC)
    if server.tzinfo is None:  # timestamptz always comes back aware; be strict anyway
        server = server.replace(tzinfo=dt.UTC)
    return server - local


def skew_warning(skew: dt.timedelta, threshold: dt.timedelta = CLOCK_SKEW_WARN) -> str | None:
    """The warning to show when ``|skew|`` exceeds ``threshold``, else None."""
    if abs(skew) <= threshold:
        return None
    seconds = abs(skew.total_seconds())
    side = tr("ahead of") if skew < dt.timedelta(0) else tr("behind")
    return tr("this station's clock is %1 s %2 the central server's (more than %3 s): event "
              "times will be off; set up time synchronisation (NTP) on this station",
              f"{seconds:.1f}", side, f"{threshold.total_seconds():g}")


# --------------------------------------------------------------------------- init / upgrade


def _connect_error(exc: DBAPIError, engine: Engine) -> CentralError:
    return CentralError(explain(exc, engine.url))


def _migrate(url: str, *, must_exist: bool) -> SchemaResult:
    from alembic import command
    from alembic.util.exc import CommandError

    from hmi.store.engine import alembic_config

    engine = make_central_engine(url)
    try:
        with engine.connect() as conn:
            with conn.begin():
                lock(conn)
                before = central_revision(conn)
                if before is None and must_exist:
                    raise CentralError(tr("the central database is empty: run `hmi central "
                                          "init` first"))
                head = code_head()
                if before is not None and before != head and not _is_ancestor(before, head):
                    raise CentralError(tr(
                        "the central database is at schema %1, which this version of hmi does "
                        "not know (its newest is %2): use the newer hmi that upgraded it",
                        before, head))
                cfg = alembic_config(conn)
                try:
                    command.upgrade(cfg, "head")
                except CommandError as exc:
                    raise CentralError(tr("migration failed, nothing was changed: %1",
                                          exc)) from None
                apply_security(conn)
                conn.exec_driver_sql(f"DELETE FROM {SCHEMA}.schema_compat")
                for rev in accepted_station_revisions(head):
                    conn.execute(text(f"INSERT INTO {SCHEMA}.schema_compat "
                                      "(revision, central_head) VALUES (:r, :h)"),
                                 {"r": rev, "h": head})
                after = central_revision(conn)
    except DBAPIError as exc:
        raise _connect_error(exc, engine) from None
    finally:
        engine.dispose()
    log.info("central database %s: schema %s -> %s",
             engine.url.render_as_string(hide_password=True), before, after)
    return SchemaResult(before=before, after=after)


def init(url: str) -> SchemaResult:
    """Create the schema on an empty central database (idempotent: an initialised one is
    brought to head like :func:`upgrade`), with station grants and insert checks."""
    return _migrate(url, must_exist=False)


def upgrade(url: str) -> SchemaResult:
    """Bring an initialised central database to this code's newest schema (idempotent)."""
    return _migrate(url, must_exist=True)


def status(url: str) -> dict[str, Any]:
    """Schema revision, the code's head, accepted station revisions, link description."""
    info = parse_url(url)
    engine = make_central_engine(url)
    try:
        with engine.connect() as conn:
            revision = central_revision(conn)
            skew = clock_skew(conn)
    except DBAPIError as exc:
        raise _connect_error(exc, engine) from None
    finally:
        engine.dispose()
    return {"revision": revision, "code_head": code_head(), "link": info.describe(),
            "accepts": accepted_station_revisions(revision) if revision else [],
            "clock_skew": skew}


# --------------------------------------------------------------------------- data tooling


def _session_factory(url: str):
    """(engine, session factory) for a central database at this code's head."""
    from sqlalchemy.orm import sessionmaker

    engine = make_central_engine(url)
    try:
        with engine.connect() as conn:
            revision = central_revision(conn)
    except DBAPIError as exc:
        engine.dispose()
        raise _connect_error(exc, engine) from None
    head = code_head()
    if revision != head:
        engine.dispose()
        if revision is None:
            raise CentralError(tr("the central database is empty: run `hmi central init` first"))
        raise CentralError(tr("the central database is at schema %1, this hmi at %2: run "
                              "`hmi central upgrade` (with the newer hmi) first", revision, head))
    return engine, sessionmaker(bind=engine, expire_on_commit=False)


def seed(url: str, files: list[str | Path]) -> list:
    """Import master-data files (docs/masterdata.md) into the central database, in order.

    Each file is all or nothing; on a refused file the earlier ones stay imported and
    :class:`hmi.services.masterdata.MasterDataError` names the problems. Returns the
    :class:`ImportReport` of each file."""
    from hmi.services.masterdata import import_file

    engine, sf = _session_factory(url)
    try:
        return [import_file(sf, f, station_id=CENTRAL_STATION_ID) for f in files]
    except DBAPIError as exc:
        raise _connect_error(exc, engine) from None
    finally:
        engine.dispose()


def import_orders(url: str, file: str | Path):
    """ERP order import (CSV or B2MML) into the central database; see docs/orders-erp.md."""
    from hmi.services import erp

    engine, sf = _session_factory(url)
    try:
        return erp.import_orders(sf, file, station_id=CENTRAL_STATION_ID)
    except DBAPIError as exc:
        raise _connect_error(exc, engine) from None
    finally:
        engine.dispose()


def order_results(url: str, stations: list[str] | None = None,
                  orders: list[str] | None = None) -> list:
    """Production results of every station (or ``stations``) from the central database."""
    from sqlalchemy import select

    from hmi.services import erp
    from hmi.store import models as m

    engine, sf = _session_factory(url)
    try:
        with sf() as session:
            if not stations:
                stations = list(session.scalars(
                    select(m.WorkOrderEvent.station_id).distinct()
                    .order_by(m.WorkOrderEvent.station_id)))
            results = []
            for station in stations:
                results.extend(erp.order_results(session, station, orders))
            return results
    except DBAPIError as exc:
        raise _connect_error(exc, engine) from None
    finally:
        engine.dispose()
