"""``hmi central …``: administer the plant's central PostgreSQL (docs/central.md).

Every command takes ``--url`` (default: ``HMI_CENTRAL_URL``), an administrator's
URL for all but ``status``. Passwords never go on the command line: libpq reads
the administrator's from ``PGPASSWORD`` or a passfile; a station role's new
password comes from ``--password-file`` (mode 0600), ``--password-stdin`` or an
interactive prompt, and is never echoed. Errors go to stderr with exit code 2,
without a traceback.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmi central",
        description="Administer the plant's central PostgreSQL: schema, station roles, master "
                    "data and ERP orders (see docs/central.md).")
    sub = p.add_subparsers(dest="command", required=True)

    def with_url(q: argparse.ArgumentParser) -> argparse.ArgumentParser:
        q.add_argument("--url", default=os.environ.get("HMI_CENTRAL_URL", ""),
                       help="postgresql+psycopg://ADMIN@HOST/DB[?sslmode=verify-full&"
                            "sslrootcert=CA.pem] (default: $HMI_CENTRAL_URL); the password "
                            "comes from PGPASSWORD or ~/.pgpass")
        return q

    with_url(sub.add_parser("init", help="create the schema, station group, grants and insert checks"))
    with_url(sub.add_parser("upgrade", help="migrate to this version's schema (idempotent)"))
    with_url(sub.add_parser("status", help="schema version, accepted station versions, TLS, "
                                           "clock skew"))
    seed = with_url(sub.add_parser("seed", help="import master-data files (each all or nothing)"))
    seed.add_argument("files", nargs="+", type=Path, metavar="FILE")
    apply = with_url(sub.add_parser(
        "apply", help="make central versions of master data changed at stations (recipes "
                      "approved, rolled back or retired at a panel)"))
    apply.add_argument("--watch", type=float, metavar="SECONDS",
                       help="keep running, applying new changes every SECONDS")

    orders = sub.add_parser("orders", help="ERP order import / production results export")
    osub = orders.add_subparsers(dest="action", required=True)
    imp = with_url(osub.add_parser("import", help="import a CSV or B2MML order file"))
    imp.add_argument("file", type=Path)
    exp = with_url(osub.add_parser("export", help="production results of every station"))
    exp.add_argument("--format", choices=("b2mml", "csv"), default="b2mml")
    exp.add_argument("--kind", choices=("production", "operations"), default="production")
    exp.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    exp.add_argument("--station", action="append", dest="stations", metavar="ST",
                     help="only this station (repeatable; default: every station)")
    exp.add_argument("--order", action="append", dest="orders", metavar="CODE",
                     help="only this order (repeatable)")

    role = sub.add_parser("role", help="least-privilege login roles of the stations")
    rsub = role.add_subparsers(dest="action", required=True)
    add = with_url(rsub.add_parser(
        "add", help="create a station's login role (or renew its password)",
        description="Create the PostgreSQL login role a station connects with: it can insert "
                    "its own events and read, nothing else. Run again to change the password."))
    add.add_argument("station_id")
    add.add_argument("--role", help="role name (default: hmi_st_<station id>)")
    pw = add.add_mutually_exclusive_group()
    pw.add_argument("--password-file", type=Path, metavar="FILE",
                    help="read the password from FILE (first line; mode 0600)")
    pw.add_argument("--password-stdin", action="store_true",
                    help="read the password from standard input (first line)")
    with_url(rsub.add_parser("list", help="stations and their roles"))
    rm = with_url(rsub.add_parser("remove", help="drop a station's role (its events stay)"))
    rm.add_argument("station_id")
    return p


def _fail(message: str) -> int:
    print(f"hmi central: {message}", file=sys.stderr)
    return 2


def _read_password(args: argparse.Namespace) -> str:
    import getpass

    from hmi.central import CentralError

    if args.password_file is not None:
        try:
            mode = args.password_file.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise CentralError(f"{args.password_file} can be read by others (mode "
                                   f"{stat.S_IMODE(mode):04o}): chmod 600 it first")
            content = args.password_file.read_text("utf-8")
            return content.splitlines()[0] if content else ""
        except OSError as exc:
            raise CentralError(f"cannot read the password file {args.password_file}: "
                               f"{exc.strerror}") from None
    if args.password_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass(f"New password for station {args.station_id}: ")
    if getpass.getpass("Again: ") != first:
        raise CentralError("the two passwords differ; nothing was changed")
    return first


def _write(payload: bytes, out: Path | None) -> None:
    from hmi.central import CentralError

    if out is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_bytes(payload)
        tmp.replace(out)
    except OSError as exc:
        raise CentralError(f"cannot write {out}: {exc.strerror}") from None


def _run(args: argparse.Namespace) -> int:
    import hmi.central as central

    if args.command in ("init", "upgrade"):
        result = (central.init if args.command == "init" else central.upgrade)(args.url)
        link = central.parse_url(args.url).describe()
        if result.changed:
            print(f"central database {link}\n  schema {result.before or '(empty)'} -> "
                  f"{result.after}; station grants and insert checks applied")
        else:
            print(f"central database {link}\n  schema already at {result.after}; station "
                  "grants and insert checks checked")
        return 0
    if args.command == "status":
        st = central.status(args.url)
        print(f"link:     {st['link']}")
        print(f"schema:   {st['revision'] or '(not initialised)'} (this hmi: {st['code_head']})")
        print(f"accepts stations at: {', '.join(st['accepts']) or '-'}")
        skew = st["clock_skew"].total_seconds()
        print(f"clock:    central {'+' if skew >= 0 else ''}{skew:.3f} s against this machine")
        warning = central.skew_warning(st["clock_skew"])
        if warning:
            print(f"WARNING: {warning}")
        return 0
    if args.command == "seed":
        from hmi.services.masterdata import MasterDataError

        done = 0
        try:
            for report in central.seed(args.url, args.files):
                print(report.summary())
                done += 1
        except MasterDataError as exc:
            kept = f" ({done} earlier file(s) stay imported)" if done else ""
            return _fail(f"nothing was imported from {args.files[done].name}{kept}:\n{exc}")
        return 0
    if args.command == "apply":
        from hmi.central.changes import CONFLICT, SKIPPED, apply_master_changes, watch

        if args.watch:
            if args.watch < 1:
                return _fail("--watch takes at least 1 second")
            watch(args.url, args.watch, report=lambda o: print(o.line(), flush=True))
            return 0
        outcomes = apply_master_changes(args.url)
        for o in outcomes:
            print(o.line())
        bad = [o for o in outcomes if o.outcome in (CONFLICT, SKIPPED)]
        print(f"{len(outcomes)} station change(s) looked at: "
              f"{sum(o.outcome == 'applied' for o in outcomes)} applied, "
              f"{sum(o.outcome == CONFLICT for o in outcomes)} in conflict, "
              f"{sum(o.outcome == SKIPPED for o in outcomes)} skipped"
              if outcomes else "no new station changes")
        return 3 if bad else 0
    if args.command == "orders":
        from hmi.services import erp

        if args.action == "import":
            try:
                report = central.import_orders(args.url, args.file)
            except erp.OrderImportError as exc:
                return _fail(f"nothing was imported:\n{exc}")
            print(report.summary())
            return 0
        results = central.order_results(args.url, args.stations, args.orders)
        missing = [c for c in args.orders or [] if c not in {r.order_code for r in results}]
        if missing:
            return _fail(f"no production results for order(s) {', '.join(missing)} in the "
                         "central database; nothing was written")
        try:
            payload = (erp.export_csv(results).encode("utf-8") if args.format == "csv"
                       else erp.export_b2mml(results, args.kind, station_id="central"))
        except erp.OrderExportError as exc:
            return _fail(str(exc))
        _write(payload, args.out)
        if args.out is not None:
            stations = sorted({r.station_id for r in results})
            print(f"{args.out}: results of {len(results)} order(s) from "
                  f"{len(stations)} station(s)")
        return 0
    # role
    engine = central.make_central_engine(args.url)
    try:
        from sqlalchemy.exc import DBAPIError

        try:
            with engine.begin() as conn:
                if args.action == "add":
                    password = _read_password(args)
                    r = central.add_station_role(conn, args.station_id, password, role=args.role)
                    what = "created" if r.created else "renewed (new password, grants checked)"
                    print(f"role {r.role} for station {r.station_id} {what}.\nStation URL: "
                          f"{_station_url(engine.url, r.role)}\nPut the password in the "
                          "station's passfile (mode 0600), not in the station file.")
                elif args.action == "list":
                    roles = central.list_station_roles(conn)
                    for sr in roles:
                        login = "" if sr.can_login else "  (role missing or cannot log in)"
                        print(f"{sr.station_id}\t{sr.role}{login}")
                    if not roles:
                        print("no station roles yet: hmi central role add STATION_ID --url …")
                else:
                    role = central.remove_station_role(conn, args.station_id)
                    print(f"role {role} of station {args.station_id} removed; its events stay.")
        except DBAPIError as exc:
            raise central.CentralError(central.explain(exc, engine.url)) from None
    finally:
        engine.dispose()
    return 0


def _station_url(admin_url, role: str) -> str:
    url = admin_url.set(username=role, password=None)
    query = {k: v for k, v in url.query.items() if k != "connect_timeout"}
    return url.set(query=query).render_as_string(hide_password=True)


def central_main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from hmi.central import CentralError

    try:
        return _run(args)
    except CentralError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted; nothing more was changed")
