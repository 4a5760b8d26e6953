"""``hmi audit verify``: is the audit trail intact, locally and in the central database?

::

    hmi audit verify [--demo | --config FILE] [--data-dir DIR]
                     [--central [URL]] [--password-file FILE] [--station ID | --all-stations]

* With a station file (``--config``/``--demo``): the station's own store — every audit
  entry's hash and link (:func:`hmi.services.audit.verify_station`) and the station's
  event numbering: the seqs over every event table are exactly 1..N with N the station's
  counter, so a removed newest entry shows too.
* With ``--central`` (the URL, or the station file's ``central_url`` when given without
  one): the same checks on the central PostgreSQL copy — for the station of the station
  file, ``--station ID``, or ``--all-stations`` —, and, with a station file, that the
  central copy holds everything the station had confirmed and the same audit entries.

Every problem names the station and the seq. Exit status: 0 intact, 1 broken, 2 usage
(bad options, no store, no connection: nothing could be checked).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

CENTRAL_PEER = "central"  # SyncEngine's default peer name


class _Usage(Exception):
    """Nothing could be checked; the message says why and what to do."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmi audit",
        description="Check the audit trail (docs/audit.md). Exit 0 intact, 1 broken, 2 usage.")
    sub = p.add_subparsers(dest="action", required=True)
    v = sub.add_parser("verify", help="verify the hash chain and that no entry was removed "
                                      "or inserted, locally and/or centrally")
    src = v.add_mutually_exclusive_group()
    src.add_argument("--demo", action="store_true", help="the demo station's database")
    src.add_argument("--config", type=Path, metavar="FILE", help="station file (TOML)")
    v.add_argument("--data-dir", type=Path)
    v.add_argument("--central", nargs="?", const="", default=None, metavar="URL",
                   help="also verify the central PostgreSQL copy (URL without password; "
                        "without URL: the station file's central_url)")
    v.add_argument("--password-file", type=Path, metavar="FILE",
                   help="the central password (mode 0600; default: the station file's "
                        "central_password_file, else libpq's PGPASSFILE)")
    who = v.add_mutually_exclusive_group()
    who.add_argument("--station", metavar="ID",
                     help="the station to check centrally (default: the station file's)")
    who.add_argument("--all-stations", action="store_true",
                     help="check every station in the central database")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        verdicts, extra = _verify(args)
    except _Usage as exc:
        print(f"hmi: {exc}", file=sys.stderr)
        return 2
    broken = False
    for v in verdicts:
        print(v.summary())
        broken = broken or not v.ok
    for problem in extra:
        print(f"station {problem.station_id} (station vs central): {problem.message}")
        broken = True
    if broken:
        print("hmi: the audit trail is BROKEN (see above); keep this output and the database "
              "files for the investigation.", file=sys.stderr)
        return 1
    return 0


def _verify(args: argparse.Namespace) -> tuple[list[Any], list[Any]]:
    from sqlalchemy.exc import SQLAlchemyError

    from hmi.services.audit import compare_copies, verify_station

    cfg = None
    local_sf = None
    if args.demo or args.config or args.central is None:
        cfg = _config(args)
        local_sf = _local_store(cfg, args)
    if args.central is None and (args.station or args.all_stations):
        raise _Usage("--station and --all-stations choose stations in the central database: "
                     "add --central")
    verdicts: list[Any] = []
    extra: list[Any] = []
    try:
        if local_sf is not None:
            with local_sf() as s:
                verdicts.append(verify_station(s, cfg.station.id, place="local"))
        if args.central is None:
            return verdicts, extra
        central_sf = _central_store(args, cfg)
        with central_sf() as cs:
            if args.all_stations:
                stations = _central_stations(cs)
                if not stations:
                    raise _Usage("the central database holds no station's events yet")
            else:
                stations = [args.station or (cfg.station.id if cfg else None)]
                if stations[0] is None:
                    raise _Usage("say which station to check centrally: --station ID, "
                                 "--all-stations, or a station file with --config")
            for st in stations:
                verdicts.append(verify_station(cs, st, place="central", use_counter=False,
                                               pruned=0))
            if local_sf is not None and cfg.station.id in stations:
                with local_sf() as ls:
                    extra.extend(compare_copies(ls, cs, cfg.station.id,
                                                _confirmed_through(ls)))
    except SQLAlchemyError as exc:
        raise _Usage(f"the database could not be read: {exc.__class__.__name__}: "
                     f"{str(exc).splitlines()[0]}") from exc
    return verdicts, extra


def _config(args: argparse.Namespace):
    from hmi import config

    path = config.demo_config_path() if args.demo or not args.config else args.config
    try:
        return config.load(path)
    except config.ConfigError as exc:
        raise _Usage(f"the station file is invalid:\n{exc}") from exc


def _local_store(cfg, args: argparse.Namespace):
    from hmi.cli import data_dir
    from hmi.store.engine import make_engine, make_session_factory

    path = cfg.resolve_path(cfg.database.local, args.data_dir or data_dir())
    if not path.is_file():
        raise _Usage(f"no station store at {path}: give the station's --config (and "
                     "--data-dir) as the station uses them")
    # Not open_store: verifying must not migrate (write to) the evidence.
    return make_session_factory(make_engine(f"sqlite:///{path}"))


def _central_store(args: argparse.Namespace, cfg):
    import psycopg
    from sqlalchemy import create_engine

    from hmi.store.engine import make_session_factory
    from hmi.sync.engine import central_conninfo
    from hmi.sync.push import SyncError

    url = args.central or (cfg.database.central_url if cfg else "")
    if not url:
        raise _Usage("no central database: give --central URL or a station file with "
                     "[database] central_url")
    password_file = args.password_file
    if password_file is None and cfg is not None and cfg.database.central_password_file:
        password_file = cfg.resolve_path(cfg.database.central_password_file,
                                         args.data_dir or _data_dir())
    try:
        conninfo = central_conninfo(url, password_file)
        psycopg.connect(conninfo, connect_timeout=10).close()
    except SyncError as exc:
        raise _Usage(str(exc)) from exc
    except psycopg.Error as exc:
        raise _Usage(f"cannot connect to the central database: "
                     f"{str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}") from exc
    engine = create_engine("postgresql+psycopg://",
                           creator=lambda: psycopg.connect(conninfo, connect_timeout=10))
    return make_session_factory(engine)


def _data_dir() -> Path:
    from hmi.cli import data_dir

    return data_dir()


def _central_stations(session) -> list[str]:
    from sqlalchemy import select, union

    from hmi.services.audit import event_tables

    q = union(*[select(t.c.station_id).distinct() for t in event_tables()])
    return sorted(session.execute(q).scalars())


def _confirmed_through(session) -> int:
    from sqlalchemy import select

    from hmi.store.models.sync import SyncState
    from hmi.sync.push import EVENTS_CURSOR

    return int(session.scalar(select(SyncState.last_pushed_seq).where(
        SyncState.peer == CENTRAL_PEER, SyncState.table_name == EVENTS_CURSOR)) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
