"""``hmi-sim``: run the machine simulator as an OPC UA server.

Prints exactly one line ``READY opc.tcp://HOST:PORT/openmes/sim`` on stdout once
serving (``--port 0`` picks a free port and the line names it). Logs go to
stderr. Exits cleanly on SIGTERM/SIGINT, and by itself when ``--parent-pid`` is
given and that process goes away (the parent's pid stops being our ppid).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path

logger = logging.getLogger("hmi.devices.sim")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmi-sim", description="OpenMES machine simulator (OPC UA server)"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--port", type=int, default=4840, help="TCP port, 0 = pick a free one (default 4840)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per wall second")
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


async def _run(args: argparse.Namespace) -> int:
    from hmi.devices.sim.model import MachineConfig, MachineModel
    from hmi.devices.sim.server import SimServer

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    model = MachineModel(
        args.seed, config=MachineConfig(ideal_cycle_s=args.cycle_time), speed=args.speed
    )
    sim = SimServer(
        model,
        host=args.host,
        port=args.port,
        tick_s=args.tick,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
    )
    try:
        url = await sim.start()
    except OSError as exc:
        logger.error("cannot listen on %s:%s: %s", args.host, args.port, exc)
        return 2
    sys.stdout.write(f"READY {url}\n")
    sys.stdout.flush()
    watcher = (
        asyncio.create_task(_watch_parent(args.parent_pid, stop))
        if args.parent_pid is not None
        else None
    )
    try:
        await stop.wait()
    finally:
        if watcher is not None:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
        await sim.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.speed <= 0 or args.cycle_time <= 0 or args.tick <= 0:
        _parser().error("--speed, --cycle-time and --tick must be > 0")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("asyncua").setLevel(logging.WARNING)
    if args.build_cache:
        from hmi.devices.sim.server import build_cache

        with contextlib.suppress(OSError):
            os.nice(10)  # background work: leave the CPU to the panel
        return 0 if asyncio.run(build_cache(args.cache_dir)) is not None else 1
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
