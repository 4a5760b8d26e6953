"""Reconnect time: the server process is SIGKILLed and restarted on the same port, N times.

Issue 3 target: from the restarted server being ready to the first GOOD value
at the client ≤ 2 s (OPC UA and Modbus TCP).

    .venv/bin/python bench/reconnect.py --cycles 20 --protocol both

Method
------
* The server is a separate process (``bench/_common.py opcua-server`` /
  ``modbus-server``, the same servers as the throughput benchmarks) on a fixed
  loopback port; the client is the real driver (``open_driver``) with
  ``--tags`` tags at ``--interval-ms`` in this process.
* Each cycle: wait until the client has GOOD values; ``SIGKILL`` the server
  (the kernel closes its sockets, as when a PLC or its switch dies); note when
  the driver reports the loss (state RECONNECTING); keep the server down for a
  random time in [``--down-min``, ``--down-max``] s counted from the kill (so
  the restart falls at every phase of the driver's backoff: 0.1 s doubling to
  1 s); start a new server on the same port. The server prints
  ``READY t=<time.time()>`` once it accepts connections (after building its
  address space, so the server's own boot time is not counted). The figure is
  **wall time of the first GOOD on_value after the loss − READY time** (one
  machine, one clock). Also reported: kill → loss noticed, READY → CONNECTED,
  and spawn → READY (the server's boot, for context).
* A GOOD value counts only once the driver has reported the loss, so a value
  still in flight from the killed server cannot be mistaken for recovery.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import time
from datetime import datetime

from _common import (
    ServerProcess,
    fmt_ms,
    free_port,
    install_log_counter,
    load_line,
    modbus_layout,
    modbus_url,
    opcua_datatype,
    opcua_tag_name,
    opcua_url,
    spawn_server,
    summary_ms,
    verdict,
)

from hmi.devices.base import ConnectionState, Quality, Tag, TagValue, open_driver


class Probe:
    """on_value / on_state receiver that timestamps the events a cycle waits for."""

    def __init__(self) -> None:
        self.armed = False
        self.first_good: float | None = None
        self.connected_at: float | None = None
        self.lost_at: float | None = None
        self.state = ConnectionState.DISCONNECTED
        self._good = asyncio.Event()
        self._lost = asyncio.Event()

    def on_state(self, state: ConnectionState) -> None:
        now = time.time()
        self.state = state
        if state is ConnectionState.CONNECTED:
            if self.armed and self.connected_at is None:
                self.connected_at = now
        elif state is ConnectionState.RECONNECTING and not self._lost.is_set():
            self.lost_at = now
            self._lost.set()

    def on_value(self, tv: TagValue) -> None:
        if tv.quality is Quality.GOOD and (self.armed or not self._good.is_set()):
            if self.first_good is None:
                self.first_good = time.time()
            self._good.set()

    def arm(self) -> None:
        """From now on wait for the next GOOD value (after a loss)."""
        self.armed = True
        self.first_good = self.connected_at = None
        self._good.clear()

    def disarm(self) -> None:
        self.armed = False
        self._lost.clear()
        self.lost_at = None

    async def wait_good(self, timeout: float) -> float:
        await asyncio.wait_for(self._good.wait(), timeout)
        assert self.first_good is not None
        return self.first_good

    async def wait_lost(self, timeout: float) -> float | None:
        try:
            await asyncio.wait_for(self._lost.wait(), timeout)
        except TimeoutError:
            return None
        return self.lost_at


def last_attempt_start(events: list[str], before: float) -> float | None:
    """Wall time of the driver's last "connecting" event at or before ``before``.

    Parsed from ``driver.recent_events()`` (the drivers' public diagnosis ring
    buffer: ``'<ISO time> connecting ...'``); None if the format is not recognised.
    """
    found = None
    for line in events:
        stamp, _, text = line.partition(" ")
        if not text.startswith("connecting"):
            continue
        try:
            t = datetime.fromisoformat(stamp).timestamp()
        except ValueError:
            continue
        if t <= before:
            found = t
    return found


def server_args(protocol: str, args: argparse.Namespace, port: int) -> list[str]:
    if protocol == "opcua":
        return [
            "opcua-server",
            "--port",
            str(port),
            "--count",
            str(args.tags),
            "--interval-ms",
            str(args.interval_ms),
        ]
    return ["modbus-server", "--port", str(port), "--tags", str(args.tags)]


def client_tags(protocol: str, args: argparse.Namespace) -> list[Tag]:
    if protocol == "opcua":
        return [
            Tag(
                opcua_tag_name(i),
                f"ns=2;s={opcua_tag_name(i)}",
                datatype=opcua_datatype(i),
                sampling_ms=args.interval_ms,
            )
            for i in range(args.tags)
        ]
    return [
        Tag(s.name, s.address, datatype=s.datatype, sampling_ms=args.interval_ms)
        for s in modbus_layout(args.tags, 0.25)
    ]


async def run_protocol(protocol: str, args: argparse.Namespace) -> dict[str, list[float]]:
    rng = random.Random(args.seed)
    port = free_port()
    role, *rest = server_args(protocol, args, port)
    server: ServerProcess = await spawn_server(role, *rest)
    url = opcua_url(port) if protocol == "opcua" else modbus_url(port)
    tags = client_tags(protocol, args)
    probe = Probe()
    out: dict[str, list[float]] = {
        "recover": [],
        "connected": [],
        "detect": [],
        "boot": [],
        "wait": [],
        "attempt": [],
    }
    failures = 0
    print(
        f"\n--- {protocol}: {args.tags} tags @ {args.interval_ms} ms, {url}, "
        f"{args.cycles} kill/restart cycles, down {args.down_min:g}-{args.down_max:g} s ---",
        flush=True,
    )
    try:
        driver = open_driver(url, tags, on_value=probe.on_value, on_state=probe.on_state)
        async with driver:
            await probe.wait_good(30)
            for cycle in range(1, args.cycles + 1):
                await asyncio.sleep(args.settle)
                down = rng.uniform(args.down_min, args.down_max)
                probe.disarm()
                t_kill = time.time()
                await server.kill()
                lost_at = await probe.wait_lost(10)
                probe.arm()
                await asyncio.sleep(max(0.0, down - (time.time() - t_kill)))
                server = await spawn_server(role, *rest)
                try:
                    first_good = await probe.wait_good(args.timeout)
                except TimeoutError:
                    failures += 1
                    print(
                        f"cycle {cycle:2d}: NO GOOD value within {args.timeout:g} s of READY "
                        f"(state {probe.state})",
                        flush=True,
                    )
                    continue
                recover = first_good - server.ready_wall
                connected = (probe.connected_at or math.nan) - server.ready_wall
                detect = (lost_at - t_kill) if lost_at is not None else math.nan
                boot = server.ready_wall - server.spawned_wall
                attempt_at = last_attempt_start(driver.recent_events(), first_good)
                if attempt_at is not None and attempt_at >= server.ready_wall - 0.05:
                    out["wait"].append(attempt_at - server.ready_wall)
                    out["attempt"].append(first_good - attempt_at)
                    split_txt = (
                        f" (= {attempt_at - server.ready_wall:5.3f} s backoff wait + "
                        f"{first_good - attempt_at:5.3f} s connect..first value)"
                    )
                else:
                    split_txt = ""
                out["recover"].append(recover)
                out["connected"].append(connected)
                out["detect"].append(detect)
                out["boot"].append(boot)
                print(
                    f"cycle {cycle:2d}: down {down:4.2f} s, loss noticed {detect * 1e3:6.1f} ms, "
                    f"server boot {boot:4.2f} s, READY->CONNECTED {connected:5.3f} s, "
                    f"READY->first GOOD {recover:5.3f} s{split_txt}",
                    flush=True,
                )
    finally:
        await server.stop()
    out["failures"] = [float(failures)]
    return out


def report(protocol: str, res: dict[str, list[float]], target_s: float) -> bool:
    rec = summary_ms(res["recover"])
    failures = int(res["failures"][0])
    ok = failures == 0 and rec["n"] > 0 and rec["max"] <= target_s * 1e3
    print(
        f"{protocol:7s} READY->first GOOD   {fmt_ms(rec, ('p50', 'p95', 'max'))} "
        f"over {rec['n']} restarts, {failures} failed   "
        f"[{verdict(ok)}: max <= {target_s:g} s]"
    )
    print(f"{'':7s} READY->CONNECTED    {fmt_ms(summary_ms(res['connected']), ('p50', 'max'))}")
    if res["wait"]:
        print(
            f"{'':7s}   backoff wait      {fmt_ms(summary_ms(res['wait']), ('p50', 'max'))} "
            "(READY -> the successful connect attempt starts)"
        )
        print(
            f"{'':7s}   successful attempt {fmt_ms(summary_ms(res['attempt']), ('p50', 'max'))} "
            "(attempt start -> first GOOD value)"
        )
    print(f"{'':7s} kill->loss noticed  {fmt_ms(summary_ms(res['detect']), ('p50', 'max'))}")
    print(
        f"{'':7s} server boot         {fmt_ms(summary_ms(res['boot']), ('p50', 'max'))} "
        "(spawn->READY; not part of the figure)"
    )
    return ok


async def run(args: argparse.Namespace) -> int:
    protocols = ["opcua", "modbus"] if args.protocol == "both" else [args.protocol]
    print(f"reconnect benchmark; {load_line()}", flush=True)
    results = {p: await run_protocol(p, args) for p in protocols}
    print("\n=== reconnect: time from server READY to the first GOOD value ===")
    ok = all([report(p, r, args.target_s) for p, r in results.items()])
    print(load_line())
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--protocol", choices=("opcua", "modbus", "both"), default="both")
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--tags", type=int, default=1000)
    ap.add_argument("--interval-ms", type=int, default=100)
    ap.add_argument("--down-min", type=float, default=0.0, help="s the server stays down (min)")
    ap.add_argument("--down-max", type=float, default=3.0, help="s the server stays down (max)")
    ap.add_argument("--settle", type=float, default=0.5, help="s of normal running per cycle")
    ap.add_argument("--timeout", type=float, default=15.0, help="give up a cycle after this")
    ap.add_argument("--target-s", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--verbose", action="store_true", help="print library log records too")
    args = ap.parse_args(argv)
    logs = install_log_counter(echo=args.verbose)
    try:
        return asyncio.run(run(args))
    finally:
        print(logs.summary())


if __name__ == "__main__":
    sys.exit(main())
