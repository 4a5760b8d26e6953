"""``hmi backup|restore|diagnostics|prune|config show``: station upkeep on the command line.

* ``hmi backup [--out FILE]`` — a consistent copy of the station's store while it runs
  (SQLite online backup), integrity-checked; prints path, size and last seq.
* ``hmi restore FILE`` — refused while the station runs (it holds ``station.lock``);
  checks the file, keeps the current store as ``….before-restore-<time>``, swaps it in.
* ``hmi diagnostics [--out FILE.zip]`` — the support bundle, secrets redacted.
* ``hmi prune [--dry-run]`` — remove events the central database confirmed and that are
  older than ``[upkeep] retention_days`` (docs/upkeep.md).
* ``hmi config show`` — the effective configuration with secrets masked.

Each takes ``--demo`` or ``--config FILE`` and ``--data-dir``. Errors go to stderr with
exit code 2, as for the other tool commands (hmi/cli.py). See docs/upkeep.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

#: The first words of ``hmi …`` this module handles.
COMMANDS = ("backup", "restore", "diagnostics", "prune", "config", "migrate")


def _fail(message: str) -> int:
    print(f"hmi: {message}", file=sys.stderr)
    return 2


def _station_args(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--demo", action="store_true", help="the demo station")
    src.add_argument("--config", type=Path, metavar="PATH", help="station file (TOML)")
    p.add_argument("--data-dir", type=Path, help="data directory (default: as the station)")


def _parser(command: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"hmi {command}")
    if command == "backup":
        p.description = ("Copy the station's store while it runs (SQLite online backup), "
                         "check the copy and print its path, size and last seq.")
        p.add_argument("--out", type=Path, metavar="FILE",
                       help="the backup file (default: DATA_DIR/backups/station-ID-TIME.sqlite)")
    elif command == "restore":
        p.description = ("Replace the station's store by a backup. The station must be "
                         "stopped; the current store is kept as <name>.before-restore-<time>.")
        p.add_argument("file", type=Path, help="a file written by `hmi backup`")
    elif command == "diagnostics":
        p.description = ("Write a support bundle (zip): versions, the configuration with "
                         "secrets masked, recent logs, device buffers, sync state, audit "
                         "verdict, disk space. Never a password.")
        p.add_argument("--out", type=Path, metavar="FILE.zip",
                       help="default: DATA_DIR/diagnostics/hmi-diagnostics-ID-TIME.zip")
        p.add_argument("--log-lines", type=int, default=2000, metavar="N",
                       help="newest lines of each log file to include (default 2000)")
    elif command == "prune":
        p.description = ("Remove events the central database confirmed and that are older "
                         "than [upkeep] retention_days; never an unsent one.")
        p.add_argument("--dry-run", action="store_true", help="only say what would go")
    elif command == "migrate":
        p.description = ("Bring the station's store to this hmi's schema (alembic), with the "
                         "station stopped: what an update runs after `hmi backup`. Prints the "
                         "revision before and after.")
    elif command == "config":
        p.description = "Show the effective station configuration, secrets masked."
        sub = p.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="print the configuration as JSON, redacted")
        _station_args(show)
        return p
    _station_args(p)
    return p


def _config(args: argparse.Namespace):
    from hmi import config

    if not args.demo and not args.config:
        print("hmi: no station file given; using the demo station (--demo).", file=sys.stderr)
    path = config.demo_config_path() if args.demo or not args.config else args.config
    return config.load(path)


def _data_dir(args: argparse.Namespace) -> Path:
    from hmi.cli import data_dir

    return args.data_dir or data_dir()


def main(argv: list[str]) -> int:
    """``argv`` starts with the command (one of :data:`COMMANDS`)."""
    if not argv or argv[0] not in COMMANDS:
        return _fail(f"unknown command; one of: {', '.join(COMMANDS)}")
    command = argv[0]
    args = _parser(command).parse_args(argv[1:])
    from hmi.config import ConfigError
    from hmi.secrets import SecretError
    from hmi.services.upkeep import UpkeepError

    try:
        cfg = _config(args)
    except ConfigError as exc:
        return _fail(f"the station file is invalid:\n{exc}")
    ddir = _data_dir(args)
    try:
        return _COMMANDS[command](cfg, ddir, args)
    except (UpkeepError, SecretError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))


def _backup(cfg, ddir: Path, args) -> int:
    from hmi.services import upkeep

    out = args.out or upkeep.default_backup_path(ddir, cfg.station.id)
    report = upkeep.backup_store(cfg.resolve_path(cfg.database.local, ddir), out)
    print(report.summary(cfg.station.id))
    return 0


def _restore(cfg, ddir: Path, args) -> int:
    from hmi.services import upkeep

    report = upkeep.restore_store(args.file, cfg.resolve_path(cfg.database.local, ddir),
                                  cfg.station.id, data_dir=ddir)
    print(report.summary(cfg.station.id))
    print("Start the station again; it applies any newer migrations to the restored store.")
    return 0


def _diagnostics(cfg, ddir: Path, args) -> int:
    from hmi.services import upkeep

    out = args.out or upkeep.default_diagnostics_path(ddir, cfg.station.id)
    path = upkeep.write_diagnostics(cfg, ddir, out, log_lines=max(1, args.log_lines))
    print(f"{path}: {path.stat().st_size / 1024:.0f} KiB (secrets masked; check before "
          "sending anyway)")
    return 0


def _prune(cfg, ddir: Path, args) -> int:
    from hmi.services import upkeep
    from hmi.store.engine import open_store

    db = cfg.resolve_path(cfg.database.local, ddir)
    if not db.is_file():
        return _fail(f"there is no station store at {db}: check --config/--data-dir")
    engine, sf = open_store(f"sqlite:///{db}")
    try:
        report = upkeep.prune_for_station(cfg, sf, dry_run=args.dry_run)
    finally:
        engine.dispose()
    print(report.summary())
    return 0


def _migrate(cfg, ddir: Path, args) -> int:
    from sqlalchemy import text

    from hmi.services.upkeep import StationLocked, hold_station_lock
    from hmi.store.engine import make_engine, migrate

    db = cfg.resolve_path(cfg.database.local, ddir)
    try:
        lock = hold_station_lock(ddir, purpose="migrate")
    except StationLocked as exc:
        return _fail(f"{exc} Stop the station first.")
    try:
        engine = make_engine(f"sqlite:///{db}")
        try:
            def revision() -> str:
                with engine.connect() as c:
                    try:
                        return c.execute(text("SELECT version_num FROM alembic_version")
                                         ).scalar() or "(empty)"
                    except Exception:  # noqa: BLE001 - a new store has no table yet
                        return "(empty)"

            before = revision()
            migrate(engine)
            after = revision()
        finally:
            engine.dispose()
    finally:
        lock.release()
    print(f"{db}: schema {before} -> {after}" if before != after
          else f"{db}: schema already at {after}")
    return 0


def _config_show(cfg, ddir: Path, args) -> int:
    from hmi.secrets import redact

    doc = {"source": str(cfg.source) if cfg.source else None, "data_dir": str(ddir),
           "config": redact(cfg)}
    print(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    return 0


_COMMANDS = {"backup": _backup, "restore": _restore, "diagnostics": _diagnostics,
             "prune": _prune, "config": _config_show, "migrate": _migrate}
