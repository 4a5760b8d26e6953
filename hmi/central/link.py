"""Connecting to the central PostgreSQL: URL checks, TLS description, clear errors.

A central URL is a SQLAlchemy URL for PostgreSQL with psycopg 3, for example::

    postgresql+psycopg://hmi_st_10@central.plant/mes?sslmode=verify-full&sslrootcert=/etc/hmi/plant-ca.pem

Every query parameter libpq knows (``sslmode``, ``sslrootcert``, ``sslcert``,
``sslkey``, ``connect_timeout``, ``passfile`` …) is handed to libpq unchanged.
The password does not belong in the URL (it would end up in a station file, a
shell history or ``ps``): libpq reads it from ``PGPASSWORD``, from a passfile
(``~/.pgpass`` or ``PGPASSFILE``/``passfile=``, mode 0600). See docs/central.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from hmi.central.text import tr

#: Seconds libpq waits for the server before giving up (unless the URL says otherwise).
CONNECT_TIMEOUT_S = 10

#: sslmode values that check the server's certificate (libpq).
VERIFYING = ("verify-ca", "verify-full")


class CentralError(RuntimeError):
    """A central-side operation failed; the message says what happened and what to do."""


@dataclass(frozen=True)
class LinkInfo:
    """What a central URL says about the link (no connection made)."""

    url: URL
    sslmode: str  # libpq's default is "prefer" (encrypts if the server offers it, no check)
    sslrootcert: str | None
    password_in_url: bool

    @property
    def verifies_server(self) -> bool:
        return self.sslmode in VERIFYING

    def describe(self) -> str:
        """One line for an administrator: where, as whom, and how the link is protected."""
        who = f"{self.url.username or '(libpq default user)'}@{self.url.host or 'localhost'}"
        if self.url.port:
            who += f":{self.url.port}"
        where = f"{who}/{self.url.database or ''}"
        if self.sslmode == "verify-full":
            how = tr("TLS, server certificate and host name verified")
        elif self.sslmode == "verify-ca":
            how = tr("TLS, server certificate verified (host name not checked)")
        elif self.sslmode == "require":
            how = tr("TLS without server verification (use sslmode=verify-full)")
        elif self.sslmode == "disable":
            how = tr("NOT encrypted (sslmode=disable)")
        else:
            how = tr("encrypted only if the server offers it, not verified (sslmode=%1); "
                     "use sslmode=verify-full", self.sslmode)
        if self.verifies_server:
            how += tr(", root CA %1", self.sslrootcert or "~/.postgresql/root.crt")
        return f"{where}: {how}"


def parse_url(url: str) -> LinkInfo:
    """Check that ``url`` is a PostgreSQL URL; normalise the driver to psycopg 3.

    Raises :class:`CentralError` naming the problem for anything else."""
    if not url:
        raise CentralError(tr("no central database URL given: pass --url "
                              "postgresql+psycopg://USER@HOST/DATABASE (or set HMI_CENTRAL_URL)"))
    try:
        sa_url = make_url(url)
    except ArgumentError:
        raise CentralError(tr(
            "'%1' is not a database URL; write it as postgresql+psycopg://USER@HOST[:PORT]/"
            "DATABASE[?sslmode=verify-full&sslrootcert=CA.pem]", _redact(url))) from None
    if sa_url.get_backend_name() != "postgresql":
        raise CentralError(tr(
            "the central database must be PostgreSQL (postgresql+psycopg://…), not '%1'",
            sa_url.drivername))
    if sa_url.drivername in ("postgresql", "postgresql+psycopg"):
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    else:
        raise CentralError(tr(
            "driver '%1' is not supported for the central database; use postgresql+psycopg://",
            sa_url.drivername))
    if not sa_url.database:
        raise CentralError(tr("the central URL names no database: add /DATABASE after the host"))
    sslmode = str(sa_url.query.get("sslmode", "prefer"))
    known = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
    if sslmode not in known:
        raise CentralError(tr("unknown sslmode '%1' in the central URL (one of: %2)",
                              sslmode, ", ".join(known)))
    root = sa_url.query.get("sslrootcert")
    return LinkInfo(url=sa_url, sslmode=sslmode, sslrootcert=str(root) if root else None,
                    password_in_url=sa_url.password is not None)


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url


def make_central_engine(url: str) -> Engine:
    """An engine for the central database (no connection is made yet)."""
    info = parse_url(url)
    sa_url = info.url
    if "connect_timeout" not in sa_url.query:
        sa_url = sa_url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    try:
        return create_engine(sa_url, pool_pre_ping=True)
    except NoSuchModuleError as exc:  # pragma: no cover - psycopg is a dependency
        raise CentralError(tr("cannot load the PostgreSQL driver: %1", exc)) from None


def explain(exc: BaseException, url: str | URL) -> str:
    """A message for an administrator when talking to the central database failed."""
    where = url.render_as_string(hide_password=True) if isinstance(url, URL) else _redact(url)
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(orig).strip()
    low = text.lower()
    sqlstate = getattr(orig, "sqlstate", None)
    if "password authentication failed" in low or sqlstate == "28P01":
        return tr("the central database %1 refused the password: check the password in "
                  "PGPASSWORD or the passfile (~/.pgpass, mode 0600) for this user", where)
    if "no password supplied" in low or "fe_sendauth" in low:
        return tr("the central database %1 wants a password and none was given: put it in a "
                  "passfile (~/.pgpass or PGPASSFILE, mode 0600) or PGPASSWORD", where)
    if sqlstate == "28000" or "no pg_hba.conf entry" in low or "not permitted to log in" in low:
        return tr("the central database %1 does not let this user in: %2", where, text)
    if sqlstate == "3D000" or ("database" in low and "does not exist" in low):
        return tr("the database in %1 does not exist: create it first "
                  "(createdb) or correct the URL", where)
    if ("connection refused" in low or "could not connect" in low or "timeout expired" in low
            or "could not translate host name" in low or "name or service not known" in low
            or "no route to host" in low or "network is unreachable" in low):
        return tr("cannot reach the central database %1: is the server running and the host/"
                  "port right? (%2)", where, text.splitlines()[-1] if text else text)
    if "certificate" in low or "ssl" in low:
        return tr("the TLS link to the central database %1 failed: %2 (check sslrootcert and "
                  "that the server's certificate names the host in the URL)", where, text)
    if sqlstate == "42501" or "permission denied" in low or "must be owner" in low:
        return tr("the central database %1 refused: %2 (use an administrator URL for this)",
                  where, text)
    return tr("the central database %1 failed: %2", where, text)
