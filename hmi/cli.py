"""Command line: ``hmi`` starts the station; further commands:

* ``hmi masterdata import FILE`` loads master data;
* ``hmi orders import FILE`` / ``hmi orders export`` exchange work orders and
  production results with the ERP (CSV or ISA-95 B2MML V0600; docs/orders-erp.md);
* ``hmi tags browse opc.tcp://HOST:PORT`` prints a ready-to-paste ``[[machine.tags]]``
  TOML snippet for every variable under a node of an OPC UA server, connecting with
  the same security as the station (``--config``) or as given by options;
* ``hmi certs list|accept|reject`` manages the station's OPC UA trust store
  (:mod:`hmi.devices.pki`): an unknown server certificate is refused and kept in
  ``rejected/`` until an administrator accepts it here;
* ``hmi central init|upgrade|status|seed|orders|role`` administers the plant's central
  PostgreSQL (:mod:`hmi.central.cli`, docs/central.md).

Kept light on purpose: Qt, SQLAlchemy and asyncua are imported only when a
command needs them, so the login screen paints quickly. Tool commands print
errors to stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from hmi import __version__

LAUNCHED_AT = time.time()


def data_dir() -> Path:
    """Per-user data directory (``HMI_DATA_DIR`` overrides it)."""
    env = os.environ.get("HMI_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("openmes-station", appauthor=False))


def _station_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmi",
        description="MES operator station. Other commands: `hmi masterdata import FILE`, "
                    "`hmi orders import FILE|export`, `hmi tags browse URL`, "
                    "`hmi certs list|accept|reject`, "
                    "`hmi central init|upgrade|status|seed|apply|orders|role`, "
                    "`hmi sync status|quarantine`, `hmi audit verify`, "
                    "`hmi backup|restore|diagnostics|prune|migrate|config show`.",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--demo", action="store_true",
                     help="demo station: built-in machine simulator and embedded SQLite "
                          "in the per-user data directory")
    src.add_argument("--config", type=Path, metavar="PATH", help="station file (TOML)")
    p.add_argument("--kiosk", action="store_true", help="full screen, cannot be closed")
    p.add_argument("--screenshot", type=Path, metavar="FILE",
                   help="start offscreen, wait for live machine data, write a PNG and exit")
    p.add_argument("--screenshot-timeout", type=float, default=30.0, metavar="S")
    p.add_argument("--headless", action="store_true",
                   help="no window: devices, services and store only (hmi --headless --help)")
    p.add_argument("--trace-startup", action="store_true",
                   help="print start-up milestones (STARTUP name seconds) to stderr")
    p.add_argument("--data-dir", type=Path, help=f"data directory (default: {data_dir()})")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _masterdata_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hmi masterdata",
                                description="Import master data (see docs/masterdata.md).")
    sub = p.add_subparsers(dest="action", required=True)
    imp = sub.add_parser("import", help="validate and import a master-data file (all or nothing)")
    imp.add_argument("file", type=Path)
    src = imp.add_mutually_exclusive_group()
    src.add_argument("--demo", action="store_true", help="into the demo station's database")
    src.add_argument("--config", type=Path, metavar="PATH", help="station file (TOML)")
    imp.add_argument("--data-dir", type=Path)
    return p


def _load_config(args: argparse.Namespace):
    from hmi import config

    path = config.demo_config_path() if args.demo or not args.config else args.config
    if not args.demo and not args.config:
        print("hmi: no station file given; starting the demo station (--demo).", file=sys.stderr)
    return config.load(path)


def pyside_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    for dist in ("PySide6-Essentials", "PySide6"):
        try:
            return version(dist)
        except PackageNotFoundError:
            continue
    return None


def python_guard(pyside: str | None, python: tuple[int, int, int]) -> str | None:
    """Refuse the PySide6 6.12 / CPython < 3.12 combination (see DEVELOPERS.md).

    PySide6 6.12.0's QPainter bindings drop a reference to ``None`` on every
    void call; on CPython 3.11 ``None`` is reference counted and the process
    dies ("Fatal Python error: none_dealloc") seconds into live plotting.
    """
    if pyside is None:
        return "PySide6 is not installed; run ./run demo to set up the environment."
    major_minor = tuple(int(x) for x in pyside.split(".")[:2])
    if python < (3, 12) and major_minor >= (6, 12):
        return (f"PySide6 {pyside} crashes on Python {'.'.join(map(str, python))} "
                "(none_dealloc in QPainter calls). Use Python 3.12 or newer, or PySide6 "
                "6.11; ./run sets this up.")
    return None


def masterdata_main(argv: list[str]) -> int:
    args = _masterdata_parser().parse_args(argv)
    from hmi.config import ConfigError
    from hmi.services.masterdata import MasterDataError, import_file
    from hmi.store.engine import open_store

    try:
        cfg = _load_config(args)
    except ConfigError as exc:
        print(f"hmi: the station file is invalid:\n{exc}", file=sys.stderr)
        return 2
    ddir = args.data_dir or data_dir()
    _, sf = open_store(cfg.local_db_url(ddir))
    try:
        report = import_file(sf, args.file, station_id=cfg.station.id)
    except MasterDataError as exc:
        print(f"hmi: nothing was imported:\n{exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def _sync_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmi sync",
        description="The station's sync with the central database: what waits, and the rows "
                    "the central side refused (docs/sync.md).")
    sub = p.add_subparsers(dest="action", required=True)
    sub.add_parser("status", help="backlog, oldest unsent event, refused rows")
    q = sub.add_parser("quarantine", help="list the refused rows with their reasons, or "
                                          "mark one resolved")
    q.add_argument("--resolve", metavar="ID", help="mark this entry resolved (after fixing it)")
    q.add_argument("--note", default="", help="what was done (required with --resolve)")
    q.add_argument("--by", default="", metavar="BADGE", help="who resolved it")
    for c in sub.choices.values():
        src = c.add_mutually_exclusive_group()
        src.add_argument("--demo", action="store_true", help="the demo station's database")
        src.add_argument("--config", type=Path, metavar="PATH", help="station file (TOML)")
        c.add_argument("--data-dir", type=Path)
    return p


def sync_main(argv: list[str]) -> int:
    """``hmi sync status|quarantine``: read the station's own store (works offline)."""
    args = _sync_parser().parse_args(argv)
    import datetime as dt

    from sqlalchemy import select

    from hmi.config import ConfigError
    from hmi.store.engine import open_store
    from hmi.store.models import SyncQuarantine

    try:
        cfg = _load_config(args)
    except ConfigError as exc:
        print(f"hmi: the station file is invalid:\n{exc}", file=sys.stderr)
        return 2
    _, sf = open_store(cfg.local_db_url(args.data_dir or data_dir()))
    if args.action == "status":
        from hmi.sync.engine import SyncEngine

        report = SyncEngine(sf, cfg.database.central_url or "postgresql://unset/none",
                            cfg.station.id).local_status()
        age = report.oldest_unsent_s
        print(f"station {cfg.station.id}: {report.backlog} event(s) unsent"
              + (f", oldest {age / 3600:.1f} h old" if age is not None else "")
              + f"; {report.quarantined} refused row(s) waiting for an admin"
              + ("" if cfg.database.central_url else " (no central_url: standalone)"))
        return 0
    with sf() as s:
        if args.resolve:
            if not args.note.strip():
                return _fail("say what was done: --note TEXT")
            row = next((r for r in s.scalars(select(SyncQuarantine))
                        if str(r.id) == args.resolve), None)
            if row is None:
                return _fail(f"no quarantine entry {args.resolve}; list them with "
                             "`hmi sync quarantine`")
            row.resolved_at = dt.datetime.now(dt.UTC)
            row.resolved_by = args.by or None
            row.resolution = args.note.strip()
            s.commit()
            print(f"entry {args.resolve} resolved")
            return 0
        rows = list(s.scalars(select(SyncQuarantine).where(SyncQuarantine.resolved_at.is_(None))
                              .order_by(SyncQuarantine.first_seen_at)))
    if not rows:
        print("no refused rows")
        return 0
    for r in rows:
        print(f"{r.id}  {r.direction:<4} {r.table_name} {r.row_key}  since "
              f"{r.first_seen_at:%Y-%m-%d %H:%M}  ×{r.attempts}\n    {r.reason}")
    return 0


def _orders_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmi orders",
        description="Exchange orders with the ERP: import CSV or ISA-95 B2MML V0600 order "
                    "schedules, export production results (see docs/orders-erp.md).")
    sub = p.add_subparsers(dest="action", required=True)
    imp = sub.add_parser("import", help="validate and import an order file (CSV or B2MML XML), "
                                        "all or nothing")
    imp.add_argument("file", type=Path)
    exp = sub.add_parser("export", help="write production results per order as B2MML or CSV")
    exp.add_argument("--format", choices=("b2mml", "csv"), default="b2mml")
    exp.add_argument("--kind", choices=("production", "operations"), default="production",
                     help="B2MML ProductionPerformance (default) or OperationsPerformance")
    exp.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    exp.add_argument("--order", action="append", dest="orders", metavar="CODE",
                     help="only this order (repeatable; default: every order worked here)")
    for q in (imp, exp):
        src = q.add_mutually_exclusive_group()
        src.add_argument("--demo", action="store_true", help="the demo station's database")
        src.add_argument("--config", type=Path, metavar="PATH", help="station file (TOML)")
        q.add_argument("--data-dir", type=Path)
        q.add_argument("--station", metavar="ST",
                       help="station id (default: the station file's station id)")
        q.add_argument("--db", metavar="URL",
                       help="database URL (default: the station's local database), "
                            "e.g. the central database")
    return p


def orders_main(argv: list[str]) -> int:
    args = _orders_parser().parse_args(argv)
    from sqlalchemy.exc import ArgumentError, OperationalError

    from hmi.config import ConfigError
    from hmi.services import erp
    from hmi.store.engine import open_store

    cfg = None
    if not (args.db and args.station):
        try:
            cfg = _load_config(args)
        except ConfigError as exc:
            print(f"hmi: the station file is invalid:\n{exc}", file=sys.stderr)
            return 2
    station = args.station or cfg.station.id
    url = args.db or cfg.local_db_url(args.data_dir or data_dir())
    try:
        _, sf = open_store(url)
    except (ArgumentError, OperationalError) as exc:
        return _fail(f"cannot open the database {url}: {exc}")
    if args.action == "import":
        try:
            report = erp.import_orders(sf, args.file, station_id=station)
        except erp.OrderImportError as exc:
            print(f"hmi: nothing was imported:\n{exc}", file=sys.stderr)
            return 2
        print(report.summary())
        return 0
    with sf() as session:
        results = erp.order_results(session, station, args.orders)
    missing = [c for c in args.orders or [] if c not in {r.order_code for r in results}]
    if missing:
        return _fail(f"no production results for order(s) {', '.join(missing)} at station "
                     f"{station}: not started there; nothing was written")
    try:
        payload = (erp.export_csv(results).encode("utf-8") if args.format == "csv"
                   else erp.export_b2mml(results, args.kind, station_id=station))
    except erp.OrderExportError as exc:
        return _fail(str(exc))
    if not results:
        print(f"hmi: no orders have been worked at station {station}", file=sys.stderr)
    if args.out is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return 0
    tmp = args.out.with_name(args.out.name + ".tmp")
    try:
        tmp.write_bytes(payload)
        tmp.replace(args.out)
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc}")
    print(f"{args.out}: results of {len(results)} order(s) at {station}")
    return 0


def prepare_station(args: argparse.Namespace) -> Any:
    """Logging, then the station file, for a station with or without a window: stderr
    first, then rotating, redacted files in ``[upkeep] log_dir``. None (and said on
    stderr) when the station file is invalid."""
    from hmi.config import ConfigError
    from hmi.logsetup import setup_logging

    setup_logging(None, Path("."), args.verbose)
    logging.getLogger("asyncua").setLevel(logging.WARNING)
    try:
        cfg = _load_config(args)
    except ConfigError as exc:
        print(f"hmi: the station cannot start, its station file is invalid:\n{exc}",
              file=sys.stderr)
        return None
    setup_logging(cfg, args.data_dir or data_dir(), args.verbose)
    return cfg


def _tool_logging(level: int) -> None:
    """Redacted logging to stderr for the tool commands (docs/upkeep.md)."""
    from hmi.logsetup import setup_logging

    setup_logging(None, Path("."), level=level)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["masterdata"]:
        _tool_logging(logging.WARNING)
        return masterdata_main(argv[1:])
    if argv[:1] == ["orders"]:
        _tool_logging(logging.WARNING)
        return orders_main(argv[1:])
    if argv[:1] == ["audit"]:
        _tool_logging(logging.WARNING)
        from hmi.auditcli import main as audit_main

        return audit_main(argv[1:])
    if argv[:1] == ["sync"]:
        _tool_logging(logging.WARNING)
        return sync_main(argv[1:])
    if argv[:1] == ["central"]:
        _tool_logging(logging.WARNING)
        from hmi.central.cli import central_main

        return central_main(argv[1:])
    if argv[:1] in (["tags"], ["certs"]):
        verbose = "-v" in argv or "--verbose" in argv
        _tool_logging(logging.INFO if verbose else logging.ERROR)
        if not verbose:
            logging.getLogger("asyncua").setLevel(logging.CRITICAL)
        return tags_main(argv[1:]) if argv[0] == "tags" else certs_main(argv[1:])
    from hmi.upkeepcli import COMMANDS as UPKEEP_COMMANDS

    if argv[:1] and argv[0] in UPKEEP_COMMANDS:  # backup, restore, diagnostics, prune, config
        _tool_logging(logging.WARNING)
        from hmi import upkeepcli

        return upkeepcli.main(argv)
    if "--headless" in argv:  # devices, services and store without a window (hmi/headless.py)
        from hmi.headless import main as headless_main

        return headless_main([a for a in argv if a != "--headless"])
    args = _station_parser().parse_args(argv)
    cfg = prepare_station(args)
    if cfg is None:
        return 2
    problem = python_guard(pyside_version(), sys.version_info[:3])
    if problem:
        print(f"hmi: {problem}", file=sys.stderr)
        return 2

    simulator = None
    if cfg.machine.scheme == "sim":
        # Spawn before Qt is imported: the simulator (a real OPC UA server)
        # boots while the window is built and painted.
        from hmi.devices.sim.launcher import SimulatorProcess
        from hmi.devices.sim.scenario import ScenarioError, load_scenario

        m = cfg.machine
        ddir = args.data_dir or data_dir()
        scenario = cfg.resolve_path(m.scenario, ddir) if m.scenario else None
        if scenario is not None:
            try:
                load_scenario(scenario)  # refuse a bad script here, with every problem listed
            except ScenarioError as exc:
                print(f"hmi: the simulator scenario cannot be used:\n{exc}", file=sys.stderr)
                return 2
        # A scenario's own seed/speed apply unless the station file sets them.
        explicit = m.model_fields_set
        simulator = SimulatorProcess()
        simulator.spawn(seed=m.seed if "seed" in explicit or scenario is None else None,
                        speed=m.speed if "speed" in explicit or scenario is None else None,
                        cycle_time=m.cycle_time_s, scenario=scenario,
                        modbus_port=0 if m.sim_protocol == "modbus" else None)
    from hmi.services.upkeep import StationLocked, hold_station_lock

    try:
        station_lock = hold_station_lock(args.data_dir or data_dir())
    except StationLocked as exc:
        print(f"hmi: {exc}", file=sys.stderr)
        if simulator is not None:
            simulator.stop_blocking()
        return 2
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from hmi.app import run

    try:
        return run(cfg, data_dir=args.data_dir or data_dir(), kiosk=args.kiosk,
                   screenshot=args.screenshot, screenshot_timeout=args.screenshot_timeout,
                   launched_at=LAUNCHED_AT, trace=args.trace_startup, simulator=simulator)
    finally:
        station_lock.release()
        if simulator is not None:
            simulator.stop_blocking()


# --------------------------------------------------------------------------- hmi tags / hmi certs


def _fail(message: str) -> int:
    print(f"hmi: {message}", file=sys.stderr)
    return 2


def _security_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("security (default: as [machine.opcua] of --config, else "
                             "Basic256Sha256/SignAndEncrypt, anonymous)")
    g.add_argument("--security-policy", choices=("None", "Basic256Sha256", "Aes128Sha256RsaOaep",
                                                 "Aes256Sha256RsaPss"))
    g.add_argument("--security-mode", choices=("Sign", "SignAndEncrypt"))
    g.add_argument("--allow-insecure", action="store_true", default=None,
                   help="needed for --security-policy None")
    g.add_argument("--auth", choices=("anonymous", "username", "certificate"))
    g.add_argument("--username")
    g.add_argument("--password-file", type=Path, help="file holding the password (mode 0600)")
    g.add_argument("--pki-dir", type=Path,
                   help="trust store and station certificate (default: DATA_DIR/pki)")


def _tags_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hmi tags", description="Find a machine's tags.")
    sub = p.add_subparsers(dest="action", required=True)
    b = sub.add_parser(
        "browse", help="print a [[machine.tags]] TOML snippet for every variable under a node",
        description="Connect to an OPC UA server and print a ready-to-paste [[machine.tags]] "
                    "entry for every Variable under --root. Variables the station cannot use "
                    "are printed commented out, with the reason.")
    b.add_argument("url", help="opc.tcp://HOST:PORT[/PATH]")
    b.add_argument("--root", default="i=85", metavar="NODEID",
                   help="start node (default i=85, the Objects folder), e.g. 'ns=2;s=Machine'")
    b.add_argument("--depth", type=int, default=5, metavar="N",
                   help="levels below the root to walk (default 5)")
    b.add_argument("--config", type=Path, metavar="PATH",
                   help="take security and login from this station file's [machine.opcua]")
    b.add_argument("--data-dir", type=Path)
    b.add_argument("--timeout", type=float, default=4.0, metavar="S",
                   help="seconds to wait for each answer (default 4)")
    b.add_argument("-v", "--verbose", action="store_true")
    _security_args(b)
    return p


def _certs_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmi certs",
        description="The station's OPC UA trust store: servers whose certificates it trusts "
                    "(trusted/) or refused (rejected/), and the station's own certificate.")
    sub = p.add_subparsers(dest="action", required=True)
    parsers = [
        sub.add_parser("list", help="show the station certificate, trusted and rejected servers"),
        sub.add_parser("accept", help="trust a (rejected) server certificate"),
        sub.add_parser("reject", help="stop trusting a certificate (moves it to rejected/)"),
    ]
    for q in parsers[1:]:
        q.add_argument("thumbprint", help="SHA-256 thumbprint, or its first 8+ hex digits")
    parsers[2].add_argument("--delete", action="store_true", help="remove the certificate entirely")
    for q in parsers:
        src = q.add_mutually_exclusive_group()
        src.add_argument("--config", type=Path, metavar="PATH", help="station file (TOML)")
        src.add_argument("--demo", action="store_true", help="the demo station's trust store")
        q.add_argument("--data-dir", type=Path)
        q.add_argument("--pki-dir", type=Path, help="the PKI directory itself")
        q.add_argument("-v", "--verbose", action="store_true")
    return p


def _station_file(args: argparse.Namespace):
    """The station file named by --config / --demo, or None."""
    from hmi import config

    if getattr(args, "demo", False):
        return config.load(config.demo_config_path())
    if args.config is not None:
        return config.load(args.config)
    return None


def _pki_dir(args: argparse.Namespace, cfg) -> Path:
    ddir = args.data_dir or data_dir()
    if args.pki_dir is not None:
        return args.pki_dir
    if cfg is not None:
        return cfg.resolve_path(cfg.machine.opcua.pki_dir, ddir)
    return ddir / "pki"


def _same_store_args(args: argparse.Namespace) -> str:
    """The options that name this trust store, for a copy-paste hint."""
    parts = []
    if args.pki_dir is not None:
        parts.append(f"--pki-dir {args.pki_dir}")
    elif getattr(args, "demo", False):
        parts.append("--demo")
    elif args.config is not None:
        parts.append(f"--config {args.config}")
    if args.data_dir is not None and args.pki_dir is None:
        parts.append(f"--data-dir {args.data_dir}")
    return (" " + " ".join(parts)) if parts else ""


def _browse_security(args: argparse.Namespace, cfg):
    """OpcUaSecurity from --config, overridden by the explicit options."""
    import dataclasses
    import socket

    from hmi.devices.pki import OpcUaSecurity, Pki

    ddir = args.data_dir or data_dir()
    overrides = {k: v for k, v in {
        "policy": args.security_policy, "mode": args.security_mode,
        "allow_insecure": args.allow_insecure, "auth": args.auth, "username": args.username,
        "password_file": args.password_file, "pki_dir": args.pki_dir,
    }.items() if v is not None}
    if cfg is not None:
        return dataclasses.replace(cfg.opcua_security(ddir), **overrides)
    pki_dir = overrides.setdefault("pki_dir", ddir / "pki")
    own = Pki(pki_dir).own_certificate()
    uri = own.application_uri if own is not None and own.application_uri else (
        f"urn:{socket.gethostname()}:openmes:hmi")
    return OpcUaSecurity(application_uri=uri, **overrides)


async def _browse(url: str, security, root: str, depth: int, timeout: float):
    import contextlib

    from hmi.devices.opcua import OpcUaConnector, browse_variables

    connector = OpcUaConnector(url, security, request_timeout=timeout, name="OpenMES hmi tags browse")
    client = await connector.connect()
    try:
        return await browse_variables(client, root, depth)
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.disconnect(), timeout)


def tag_name(path: tuple[str, ...] | list[str]) -> str:
    """``("Machine", "Setpoint.Temperature")`` -> ``machine_setpoint_temperature``."""
    words = []
    for part in path:
        part = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", part)
        part = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", part)
        words.append(re.sub(r"[^a-z0-9]+", "_", part.lower()).strip("_"))
    name = re.sub(r"_+", "_", "_".join(w for w in words if w))
    if not name or not name[0].isalpha():
        name = f"tag_{name}".rstrip("_")
    return name[:64].rstrip("_")


def render_tags_toml(variables, *, url: str, root: str) -> str:
    """The ``[[machine.tags]]`` snippet for :func:`hmi.devices.opcua.browse_variables` results."""
    import json

    def q(text: str) -> str:  # a JSON string is a valid TOML basic string
        return json.dumps(text, ensure_ascii=False)

    lines = [
        f"# Tags under {root} on {url}, found by `hmi tags browse`.",
        "# Check names, units, sampling_ms and deadbands before use; the station needs",
        "# the logical tags state, good_count and scrap_count (rename to match).",
    ]
    used: set[str] = set()
    usable = 0
    for var in variables:
        base = tag_name(var.path)
        name, n = base, 2
        while name in used:
            name, n = f"{base[:60]}_{n}", n + 1
        used.add(name)
        entry = [
            "[[machine.tags]]",
            f"name = {q(name)}",
            f"address = {q(var.nodeid)}",
            f"datatype = {q(var.datatype or var.ua_datatype)}",
        ]
        if var.writable:
            entry.append('access = "rw"')
        if var.unit:
            entry.append(f"unit = {q(var.unit)}")
        lines.append("")
        lines.append(f"# {'/'.join(var.path)}")
        if var.reason:
            lines.append(f"# not usable: {var.reason}")
            lines.extend(f"# {line}" for line in entry)
        else:
            usable += 1
            lines.extend(entry)
    lines.insert(3, f"# {usable} usable of {len(variables)} variables.")
    return "\n".join(lines) + "\n"


def tags_main(argv: list[str]) -> int:
    args = _tags_parser().parse_args(argv)
    from hmi.config import ConfigError as StationFileError
    from hmi.devices.base import DeviceError
    from hmi.devices.pki import UntrustedServerError

    if not args.url.lower().startswith("opc.tcp://"):
        return _fail(f"{args.url!r} is not an OPC UA address (expected opc.tcp://HOST:PORT)")
    if args.depth < 1:
        return _fail("--depth must be at least 1")
    try:
        cfg = _station_file(args)
        security = _browse_security(args, cfg)
        variables = asyncio.run(_browse(args.url, security, args.root, args.depth, args.timeout))
    except StationFileError as exc:
        return _fail(f"the station file is invalid:\n{exc}")
    except UntrustedServerError as exc:
        hint = f"hmi certs accept {exc.thumbprint[:16]}{_same_store_args(args)}"
        return _fail(f"{exc}\nTo trust it, after checking the thumbprint with the machine: {hint}")
    except DeviceError as exc:
        hint = " (on the command line: --allow-insecure)" if "allow_insecure" in str(exc) else ""
        return _fail(f"{exc}{hint}")
    if not variables:
        return _fail(f"no variables under {args.root} within {args.depth} level(s) on {args.url}")
    sys.stdout.write(render_tags_toml(variables, url=args.url, root=args.root))
    return 0


def certs_main(argv: list[str]) -> int:
    args = _certs_parser().parse_args(argv)
    from hmi.config import ConfigError as StationFileError
    from hmi.devices.pki import Pki, PkiError

    try:
        cfg = _station_file(args)
    except StationFileError as exc:
        return _fail(f"the station file is invalid:\n{exc}")
    pki = Pki(_pki_dir(args, cfg))
    again = _same_store_args(args)
    try:
        if args.action == "list":
            print(f"PKI directory: {pki.root}")
            own = pki.own_certificate()
            print("\nStation certificate (give it to the OPC UA server's administrator):")
            print("  " + (own.describe().replace("\n", "\n  ") if own else
                         "none yet; it is made on the first secure connection"))
            for title, certs in (("Trusted servers", pki.trusted()),
                                 ("Rejected servers", pki.rejected())):
                print(f"\n{title} ({len(certs)}):")
                for c in certs:
                    print("  " + c.describe().replace("\n", "\n  "))
            if pki.rejected():
                print(f"\nAccept one after checking its thumbprint: hmi certs accept THUMBPRINT{again}")
        elif args.action == "accept":
            info = pki.accept(args.thumbprint)
            print(f"trusted: {info.subject} (SHA-256 {info.thumbprint})\n  {info.path}")
            print("A running station picks this up within a second; no restart needed.")
        else:
            info = pki.reject(args.thumbprint, delete=args.delete)
            what = "deleted" if args.delete else f"rejected (kept in {info.path})"
            print(f"{what}: {info.subject} (SHA-256 {info.thumbprint})")
    except PkiError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot change the trust store {pki.root}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
