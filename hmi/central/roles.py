"""Least-privilege station roles on the central database.

Each station logs in as its own role, a member of the group ``hmi_station``,
which holds every privilege a station has:

* every event table (``EventMixin``): ``SELECT`` (plant-wide, read-only: the
  line view, andon calls, PINs set centrally) and ``INSERT`` — of rows whose
  ``station_id`` is the station mapped to the connecting role, enforced by the
  statement trigger ``hmi_station_rows``; no ``UPDATE``, ``DELETE``, ``TRUNCATE``;
* master data and its child tables, ``alembic_version``: ``SELECT`` only;
* ``TEMPORARY`` on the database (staging tables), nothing else: it owns no
  table and cannot create any in ``public``.

Choice (docs/central.md, "Security of the link"): an ``AFTER INSERT … FOR EACH
STATEMENT`` trigger with a transition table checks the station of every new
row, once per statement, for ``INSERT``, ``INSERT … SELECT … ON CONFLICT DO
NOTHING`` *and* ``COPY`` straight into the event table. Row-level security was
tried first and refused the sync engine's fast path (PostgreSQL: "COPY FROM not
supported with row-level security"); SECURITY DEFINER insert functions would
take the bulk path away altogether.

The role → station mapping is the table ``hmi_central.station_role``; the check
compares with ``current_user``, the role the server authenticated, which a
session cannot change (a station role is a member only of ``hmi_station``,
which cannot log in). A GUC or a claim the client sends would be forgeable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from hmi.central.link import CentralError
from hmi.central.text import tr

#: The group every station role belongs to; grants name it.
GROUP_ROLE = "hmi_station"
#: Central-side bookkeeping (not alembic-managed; created by ``hmi central init``).
SCHEMA = "hmi_central"
#: Written on every role this module creates, so that it never takes over a foreign role.
ROLE_MARK = "OpenMES station role"
#: Tables a station never reads on the central side (central's own counter and the
#: station-local sync bookkeeping, which exists on central only because the migrations
#: are shared).
PRIVATE_TABLES = frozenset({"station_sequence", "sync_state", "sync_quarantine"})
#: The statement trigger on every event table that refuses other stations' rows.
TRIGGER = "hmi_station_rows"
MIN_PASSWORD_LEN = 12
#: Connections a station may hold at once (sync + plant view + reconnects).
CONNECTION_LIMIT = 8

_STATION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_ROLE_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_SCRAM_RE = re.compile(r"^SCRAM-SHA-256\$[A-Za-z0-9+/=:$]+$")
_LOCK_KEY = 0x686D6963  # "hmic": one advisory lock for init/upgrade/role changes


@dataclass(frozen=True)
class StationRole:
    role: str
    station_id: str
    can_login: bool = True


@dataclass(frozen=True)
class RoleResult:
    role: str
    station_id: str
    created: bool  # False: the role existed; its password and grants were renewed


def table_kinds() -> tuple[list[str], list[str]]:
    """(event tables, every other table a station may read), from the models."""
    from hmi.store.base import Base, EventMixin
    from hmi.store.engine import load_all_models

    metadata = load_all_models()
    events = sorted({mp.local_table.name for mp in Base.registry.mappers
                     if issubclass(mp.class_, EventMixin)})
    readable = sorted(set(metadata.tables) - set(events) - PRIVATE_TABLES)
    return events, readable


def default_role_name(station_id: str) -> str:
    """``ST-10`` -> ``hmi_st_st_10`` (lower case, letters, digits and ``_``)."""
    return ("hmi_st_" + re.sub(r"[^a-z0-9_]", "_", station_id.lower()))[:63]


def _q(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def lock(conn: Connection) -> None:
    """Serialise central administration (init, upgrade, role changes) in this transaction."""
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")


def apply_security(conn: Connection) -> None:
    """Create the bookkeeping schema, the group role, grants and insert checks (idempotent).

    Run after every migration (``init``/``upgrade``): a new event table gets its
    trigger and grants, a new master-data table its read grant. The caller holds the lock and
    the transaction."""
    q = _q(conn, GROUP_ROLE)
    run = conn.exec_driver_sql
    run(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    run(f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.station_role (
            role_name varchar(63) PRIMARY KEY,
            station_id varchar(64) NOT NULL UNIQUE,
            created_at timestamptz NOT NULL DEFAULT now())""")
    from hmi.central.changes import ensure_table

    ensure_table(conn)  # station master-data changes applied centrally (never granted)
    run(f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_compat (
            revision varchar(64) PRIMARY KEY,
            central_head varchar(64) NOT NULL)""")
    # Roles are cluster-wide: another database on the server may have made it already.
    run(f"""DO $$ BEGIN
              CREATE ROLE {q} NOLOGIN NOINHERIT;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$""")
    dbname = conn.exec_driver_sql("SELECT current_database()").scalar_one()
    run(f"GRANT CONNECT, TEMPORARY ON DATABASE {_q(conn, dbname)} TO {q}")
    run(f"GRANT USAGE ON SCHEMA public, {SCHEMA} TO {q}")
    run(f"REVOKE CREATE ON SCHEMA public, {SCHEMA} FROM {q}")
    run(f"GRANT SELECT ON {SCHEMA}.station_role, {SCHEMA}.schema_compat TO {q}")
    events, readable = table_kinds()
    for name in ["alembic_version", *readable, *events]:
        t = _q(conn, name)
        run(f"REVOKE ALL ON {t} FROM {q}")
        run(f"GRANT SELECT ON {t} TO {q}")
    for name in sorted(PRIVATE_TABLES):
        if run(f"SELECT to_regclass('public.{name}')").scalar_one() is not None:
            run(f"REVOKE ALL ON {_q(conn, name)} FROM {q}")
    run(_CHECK_FUNCTION)
    for name in events:
        t = _q(conn, name)
        run(f"GRANT INSERT ON {t} TO {q}")
        run(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {t}")
        run(f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON {t} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.own_rows_only()")


# Runs as the inserting role (not SECURITY DEFINER), once per statement, over the rows the
# statement really inserted (ON CONFLICT DO NOTHING skips are not in new_rows). The tables'
# owner and superusers (central tooling) pass. Catalogs are named with their schema and
# pg_temp comes last, so a station's temporary table cannot stand in for them. Triggers
# cannot be switched off by a station:
# ALTER TABLE needs ownership, session_replication_role needs a superuser.
# ('%%' because the statement goes through the DB-API with its placeholder syntax.)
_CHECK_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {SCHEMA}.own_rows_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  mine varchar;
  other varchar;
BEGIN
  IF pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
                 'USAGE') THEN
    RETURN NULL;
  END IF;
  SELECT r.station_id INTO mine FROM {SCHEMA}.station_role r WHERE r.role_name = current_user;
  SELECT n.station_id INTO other FROM new_rows n
   WHERE n.station_id IS DISTINCT FROM mine LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'role %% may insert only events of station %%, not of station %% (table %%)',
      current_user, coalesce(mine, '(none: not a station role)'), coalesce(other, 'NULL'),
      TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'each station pushes with its own role (hmi central role add STATION_ID)';
  END IF;
  RETURN NULL;
END
$fn$"""


def _require_init(conn: Connection) -> None:
    found = conn.exec_driver_sql(f"SELECT to_regclass('{SCHEMA}.station_role')").scalar_one()
    if found is None:
        raise CentralError(tr("the central database is not initialised: run "
                              "`hmi central init --url …` first"))


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LEN:
        raise CentralError(tr("the password is too short: use at least %1 characters "
                              "(a long random one from a password manager)", MIN_PASSWORD_LEN))
    if password != password.strip() or "\n" in password or "\x00" in password:
        raise CentralError(tr("the password starts or ends with blanks or holds a line "
                              "break; remove them"))
    return password


def _scram(conn: Connection, role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier, computed by libpq here: the server (and its statement
    log) never sees the password itself."""
    pgconn = conn.connection.driver_connection.pgconn
    verifier = pgconn.encrypt_password(password.encode(), role.encode(),
                                       b"scram-sha-256").decode()
    if not _SCRAM_RE.match(verifier):  # pragma: no cover - libpq's format
        raise CentralError("unexpected password verifier format from libpq")
    return verifier


def add_station_role(conn: Connection, station_id: str, password: str, *,
                     role: str | None = None) -> RoleResult:
    """Create (or renew) the login role of ``station_id``; run as an administrator.

    An existing role of the same station gets the new password and its grants again;
    a role of another station, or one not made here, is refused."""
    if not _STATION_RE.match(station_id or ""):
        raise CentralError(tr("'%1' is not a station id: 1-64 letters, digits, '-', '_' or "
                              "'.', starting with a letter or digit", station_id))
    role = role or default_role_name(station_id)
    if not _ROLE_RE.match(role) or role.startswith("pg_") or role == GROUP_ROLE:
        raise CentralError(tr("'%1' cannot be a role name: use lower-case letters, digits "
                              "and '_' (at most 63), not starting with pg_", role))
    check_password(password)
    _require_init(conn)
    lock(conn)
    mapped = conn.execute(text(f"SELECT role_name FROM {SCHEMA}.station_role "
                               "WHERE station_id = :s"), {"s": station_id}).scalar_one_or_none()
    if mapped is not None and mapped != role:
        raise CentralError(tr("station %1 already connects as role %2; remove it first "
                              "(hmi central role remove %1) or leave --role out",
                              station_id, mapped))
    owner = conn.execute(text(f"SELECT station_id FROM {SCHEMA}.station_role "
                              "WHERE role_name = :r"), {"r": role}).scalar_one_or_none()
    if owner is not None and owner != station_id:
        raise CentralError(tr("role %1 belongs to station %2; choose another --role",
                              role, owner))
    existing = conn.execute(text(
        "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolreplication AS mighty, "
        "coalesce(shobj_description(oid, 'pg_authid'), '') AS note "
        "FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    q = _q(conn, role)
    verifier = _scram(conn, role, password)
    attrs = (f"LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS "
             f"CONNECTION LIMIT {CONNECTION_LIMIT} PASSWORD '{verifier}'")
    if existing is not None:
        if existing.mighty or not existing.note.startswith(ROLE_MARK):
            raise CentralError(tr("a role named %1 already exists and was not made by "
                                  "`hmi central role add`; choose another --role", role))
        conn.exec_driver_sql(f"ALTER ROLE {q} WITH {attrs}")
    else:
        conn.exec_driver_sql(f"CREATE ROLE {q} WITH {attrs}")
    note = f"{ROLE_MARK} for {station_id}".replace("'", "''")
    conn.exec_driver_sql(f"COMMENT ON ROLE {q} IS '{note}'")
    conn.exec_driver_sql(f"GRANT {_q(conn, GROUP_ROLE)} TO {q}")
    conn.execute(text(f"INSERT INTO {SCHEMA}.station_role (role_name, station_id) "
                      "VALUES (:r, :s) ON CONFLICT (role_name) DO NOTHING"),
                 {"r": role, "s": station_id})
    return RoleResult(role=role, station_id=station_id, created=existing is None)


def list_station_roles(conn: Connection) -> list[StationRole]:
    _require_init(conn)
    rows = conn.exec_driver_sql(
        f"SELECT r.role_name, r.station_id, coalesce(p.rolcanlogin, false) "
        f"FROM {SCHEMA}.station_role r LEFT JOIN pg_roles p ON p.rolname = r.role_name "
        "ORDER BY r.station_id").all()
    return [StationRole(role=a, station_id=b, can_login=bool(c)) for a, b, c in rows]


def remove_station_role(conn: Connection, station_id: str) -> str:
    """Drop the login role of ``station_id`` (its events stay). Returns the role name."""
    _require_init(conn)
    lock(conn)
    role = conn.execute(text(f"DELETE FROM {SCHEMA}.station_role WHERE station_id = :s "
                             "RETURNING role_name"), {"s": station_id}).scalar_one_or_none()
    if role is None:
        raise CentralError(tr("station %1 has no role on this central database "
                              "(hmi central role list shows the stations)", station_id))
    note = conn.execute(text("SELECT coalesce(shobj_description(oid, 'pg_authid'), '') "
                             "FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar_one_or_none()
    if note is not None and note.startswith(ROLE_MARK):
        q = _q(conn, role)
        # A connected station holds temporary staging tables, which block DROP ROLE:
        # no new logins, end its sessions (waiting up to 5 s each), then drop.
        conn.exec_driver_sql(f"ALTER ROLE {q} NOLOGIN")
        conn.execute(text("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                          "WHERE usename = :r AND pid <> pg_backend_pid()"), {"r": role})
        try:
            with conn.begin_nested():
                conn.exec_driver_sql(f"DROP ROLE {q}")
        except DBAPIError as exc:
            raise CentralError(tr("the role %1 of station %2 could not be dropped (%3); "
                                  "nothing was changed, try again", role, station_id,
                                  str(exc.orig).splitlines()[0])) from None
    return role
