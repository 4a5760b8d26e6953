"""``hmi-sim``: run the machine simulator as an OPC UA server (and optionally Modbus TCP).

Prints ``READY opc.tcp://HOST:PORT/openmes/sim`` on stdout once serving (``--port
0`` picks a free port and the line names it); with ``--modbus-port N`` a second
line ``READY modbus+tcp://HOST:PORT`` follows. The OPC UA line always comes
first, so readers that only know one line keep working. Logs go to stderr.
Exits cleanly on SIGTERM/SIGINT, and by itself when ``--parent-pid`` is given
and that process goes away (the parent's pid stops being our ppid).

``--scenario FILE`` scripts events (docs/simulator.md); an invalid file is
refused before anything listens, every problem on its own stderr line
(``FILE: event[3].action: …``), exit status 2.

``--clock manual`` (for tests): simulated time stands still until a line on
stdin moves it — ``advance DURATION`` (``advance 90s``, ``advance 5m``) or
``to TIME`` — then one tick publishes everything and ``TIME <seconds>`` is
printed. ``time`` just prints the current ``TIME``. A bad line gets
``ERROR <reason>``. End of stdin ends the simulator (its controller is gone).

Seed and speed: the command line wins, then the scenario's ``[scenario]``
defaults, then seed 0 and speed 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hmi.devices.sim.scenario import Scenario
    from hmi.devices.sim.server import SimServer

logger = logging.getLogger("hmi.devices.sim")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmi-sim", description="OpenMES machine simulator (OPC UA and Modbus TCP server)"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--port", type=int, default=4840, help="OPC UA TCP port, 0 = pick a free one (default 4840)"
    )
    p.add_argument(
        "--modbus-port", type=int, default=None,
        help="also serve Modbus TCP on this port (0 = pick a free one; default: no Modbus)",
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (default: scenario's, or 0)")
    p.add_argument(
        "--speed", type=float, default=None,
        help="simulated seconds per wall second (default: scenario's, or 1)",
    )
    p.add_argument("--scenario", type=Path, default=None, help="scenario file (TOML) to play")
    p.add_argument(
        "--clock", choices=("wall", "manual"), default="wall",
        help="wall: time runs at --speed; manual: time moves only on stdin commands (tests)",
    )
    p.add_argument(
        "--epoch", type=datetime.fromisoformat, default=None,
        help="UTC time of simulated time 0, ISO 8601 (default: now)",
    )
    p.add_argument(
        "--cycle-time", type=float, default=1.5, help="ideal cycle time in s (default 1.5)"
    )
    p.add_argument("--tick", type=float, default=0.1, help="publish interval in s (default 0.1)")
    p.add_argument("--parent-pid", type=int, default=None, help="exit when this process is gone")
    p.add_argument("--cache-dir", type=Path, default=None, help="address-space cache directory")
    p.add_argument("--no-cache", action="store_true", help="build the address space from scratch")
    p.add_argument(
        "--build-cache", action="store_true", help="only write the address-space cache, then exit"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return p


async def _watch_parent(parent_pid: int, stop: asyncio.Event) -> None:
    while not stop.is_set():
        if os.getppid() != parent_pid:
            logger.warning("parent process %d is gone; exiting", parent_pid)
            stop.set()
            return
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except TimeoutError:
            pass


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def _manual_commands(sim: SimServer, stop: asyncio.Event) -> None:
    """Serve ``advance`` / ``to`` / ``time`` lines from stdin (``--clock manual``)."""
    from hmi.devices.sim.scenario import parse_duration

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    except (OSError, ValueError) as exc:  # stdin closed or not a pipe/tty
        logger.warning("manual clock: cannot read commands from stdin (%s)", exc)
        return
    while not stop.is_set():
        raw = await reader.readline()
        if not raw:  # whoever moved time is gone: nothing left to simulate
            logger.info("manual clock: stdin closed at %.3f s; exiting", sim.clock.now())
            stop.set()
            return
        words = raw.decode(errors="replace").split()
        if not words:
            continue
        try:
            if words[0] == "advance" and len(words) == 2:
                await sim.advance(parse_duration(words[1]))
            elif words[0] == "to" and len(words) == 2:
                await sim.advance_to(parse_duration(words[1]))
            elif words[0] != "time" or len(words) != 1:
                raise ValueError(f"unknown command {' '.join(words)!r} (advance D, to T, time)")
        except ValueError as exc:
            _say(f"ERROR {exc}")
            continue
        _say(f"TIME {sim.clock.now():.6f}")


async def _run(args: argparse.Namespace, scenario: Scenario | None) -> int:
    from hmi.devices.sim.clock import ManualClock, WallClock
    from hmi.devices.sim.model import MachineConfig, MachineModel
    from hmi.devices.sim.server import SimServer

    seed = args.seed if args.seed is not None else (scenario.seed if scenario else None) or 0
    speed = args.speed if args.speed is not None else (scenario.speed if scenario else None) or 1.0
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    model = MachineModel(
        seed, config=MachineConfig(ideal_cycle_s=args.cycle_time), speed=speed,
        epoch=args.epoch, scenario=scenario,
    )
    clock = ManualClock() if args.clock == "manual" else WallClock(speed)
    sim = SimServer(
        model,
        host=args.host,
        port=args.port,
        tick_s=args.tick,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
        clock=clock,
        modbus_port=args.modbus_port,
    )
    try:
        await sim.start()
    except OSError as exc:
        logger.error("cannot listen on %s: %s", args.host, exc)
        return 2
    logger.info(
        "seed %d, %s clock%s%s", seed, args.clock,
        f" at speed {speed:g}" if args.clock == "wall" else "",
        f", scenario {scenario.name!r} ({len(scenario.events)} events)" if scenario else "",
    )
    # The OPC UA line first: readers that know only one READY line keep working.
    _say("\n".join(f"READY {url}" for url in sim.urls.values()))
    tasks = []
    if args.parent_pid is not None:
        tasks.append(asyncio.create_task(_watch_parent(args.parent_pid, stop)))
    if args.clock == "manual":
        tasks.append(asyncio.create_task(_manual_commands(sim, stop)))
    try:
        await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await sim.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if (args.speed is not None and args.speed <= 0) or args.cycle_time <= 0 or args.tick <= 0:
        _parser().error("--speed, --cycle-time and --tick must be > 0")
    if args.epoch is not None and args.epoch.tzinfo is None:
        _parser().error("--epoch needs a time zone, e.g. 2026-01-01T00:00:00+00:00")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("asyncua").setLevel(logging.WARNING)
        logging.getLogger("pymodbus").setLevel(logging.WARNING)
    if args.build_cache:
        from hmi.devices.sim.server import build_cache

        with contextlib.suppress(OSError):
            os.nice(10)  # background work: leave the CPU to the panel
        return 0 if asyncio.run(build_cache(args.cache_dir)) is not None else 1
    scenario = None
    if args.scenario is not None:
        from hmi.devices.sim.scenario import ScenarioError, load_scenario

        try:
            scenario = load_scenario(args.scenario)
        except ScenarioError as exc:
            sys.stderr.write(f"hmi-sim: the scenario cannot be used:\n{exc}\n")
            return 2
    try:
        return asyncio.run(_run(args, scenario))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
