"""Command line: ``hmi`` starts the station; ``hmi masterdata import`` loads master data.

Kept light on purpose: Qt, SQLAlchemy and asyncua are imported only when a
command needs them, so the login screen paints quickly.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

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
        description="MES operator station. Other commands: `hmi masterdata import FILE`.",
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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["masterdata"]:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        return masterdata_main(argv[1:])
    args = _station_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("asyncua").setLevel(logging.WARNING)
    from hmi.config import ConfigError

    try:
        cfg = _load_config(args)
    except ConfigError as exc:
        print(f"hmi: the station cannot start, its station file is invalid:\n{exc}",
              file=sys.stderr)
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

        simulator = SimulatorProcess()
        simulator.spawn(seed=cfg.machine.seed, speed=cfg.machine.speed,
                        cycle_time=cfg.machine.cycle_time_s)
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from hmi.app import run

    try:
        return run(cfg, data_dir=args.data_dir or data_dir(), kiosk=args.kiosk,
                   screenshot=args.screenshot, screenshot_timeout=args.screenshot_timeout,
                   launched_at=LAUNCHED_AT, trace=args.trace_startup, simulator=simulator)
    finally:
        if simulator is not None:
            simulator.stop_blocking()


if __name__ == "__main__":
    sys.exit(main())
