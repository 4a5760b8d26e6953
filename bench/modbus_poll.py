"""Modbus TCP poll cycle: 1,000 tags polled every 100 ms through the real driver.

Issue 3 target: on loopback, poll-cycle p99 ≤ 10 ms and no missed cycle in
10 minutes.

    .venv/bin/python bench/modbus_poll.py --duration 600 --tags 1000 --interval-ms 100

Method
------
* **Server** (``bench/_common.py modbus-server``: pymodbus ``ModbusTcpServer``
  with a ``SimDevice``, own process). The tags are uint16 and float32
  (``--float-share``, default 1 in 4 is float32), half in holding, half in
  input registers, packed from address 0 — 1,000 tags = 1,250 registers by
  default (``--float-share 0`` gives exactly 1,000 registers). A SimDevice
  action rewrites the registers of every read request with a per-request
  counter, so **every tag changes on every poll** and the driver delivers all
  of them: the worst case for decode + delivery, and what makes each cycle
  visible from outside. ``--change last`` changes only the last tag of each
  table (a quiet process: every tag is still read, decoded and compared, two
  values per cycle are delivered, the last one at the end of the driver's loop).
* **Client** (this process): one ``ModbusTcpDriver`` (``open_driver``), every
  tag with ``sampling_ms = interval``, i.e. one poll group; the driver splits
  it into ≤125-register requests (``read_plan()`` is printed). The receiving
  service keeps the last value per tag and counts, as the service layer does.
* **Cycles, observed without touching the driver**: the driver stamps every
  value of one poll round with the same ``source_ts`` (the poll start, taken
  before the first request) and the same ``received_ts`` (after the last
  answer). A cycle is the batch of ``on_value`` calls sharing one
  ``source_ts``; its **duration** = wall time of the batch's last ``on_value``
  − poll start, i.e. all requests + decoding + delivering every value to the
  service. It is split into *I/O* (``received_ts`` − start) and *delivery*.
  **Missed cycle**: the gap between two poll starts exceeds two periods (a
  cycle started more than one period late; the driver skips overrun rounds
  rather than bursting). Start jitter = gap − period.
* **CPU**: ``time.process_time()`` of this process over the window, as % of
  one core; the server's from ``/proc``.

Progress every ``--progress-s`` (30 s); ``--profile out.prof`` for cProfile.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import time
from collections.abc import Callable

from _common import (
    CpuWindow,
    ServerProcess,
    fmt_ms,
    install_log_counter,
    load_line,
    maybe_profile,
    modbus_layout,
    modbus_url,
    rusage_line,
    service_forward,
    spawn_server,
    summary_ms,
    verdict,
)

from hmi.devices.base import ConnectionState, Quality, Tag, TagValue, open_driver

Cycle = tuple[float, float, float, int]  # poll start, I/O done, last delivery, values


class CycleObserver:
    """The receiving service (last value per tag, count) plus cycle bookkeeping."""

    def __init__(self, forward: Callable[[TagValue], None] | None = None) -> None:
        self.last: dict[str, TagValue] = {}
        self.received = 0
        self.bad = 0
        self.measuring = False
        self.cycles: list[Cycle] = []
        self.states: list[tuple[float, str]] = []
        self._forward = forward
        self._cur_ts: object = None
        self._start = self._io = self._end = 0.0
        self._n = 0

    def on_state(self, state: ConnectionState) -> None:
        self.states.append((time.time(), str(state)))

    def on_value(self, tv: TagValue) -> None:
        self.last[tv.tag] = tv
        self.received += 1
        if self._forward is not None:
            self._forward(tv)
        if tv.quality is not Quality.GOOD:
            self.bad += 1
            return
        if tv.source_ts != self._cur_ts:
            self.close_cycle()
            self._cur_ts = tv.source_ts
            self._start = tv.source_ts.timestamp()
            self._io = tv.received_ts.timestamp()
            self._n = 0
        self._n += 1
        self._end = time.time()  # after the service's work on this value

    def close_cycle(self) -> None:
        if self._cur_ts is not None and self.measuring:
            self.cycles.append((self._start, self._io, self._end, self._n))
        self._cur_ts = None


def analyse(cycles: list[Cycle], period: float, tags: int) -> dict[str, object]:
    starts = [c[0] for c in cycles]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    missed = sum(max(0, round(g / period) - 1) for g in gaps if g > 2 * period)
    late_starts = sum(1 for g in gaps if g > 2 * period)
    return {
        "cycles": len(cycles),
        "duration": summary_ms([c[2] - c[0] for c in cycles]),
        "io": summary_ms([c[1] - c[0] for c in cycles]),
        "delivery": summary_ms([c[2] - c[1] for c in cycles]),
        "jitter": summary_ms([g - period for g in gaps]),
        "missed": missed,
        "late_starts": late_starts,
        "incomplete": sum(1 for c in cycles if c[3] != tags),
    }


async def run(args: argparse.Namespace) -> int:
    layout = modbus_layout(args.tags, args.float_share)
    registers = sum(s.size for s in layout)
    print(
        f"Modbus TCP poll: {args.tags} tags ({sum(s.datatype == 'float32' for s in layout)} "
        f"float32, the rest uint16; {registers} registers in hr+ir) every {args.interval_ms} ms, "
        f"changing per poll: {args.change}, service={args.service}, warm-up {args.warmup:g} s, measured {args.duration:g} s, "
        f"{args.connections} connection(s); "
        f"{load_line()}",
        flush=True,
    )
    server = await spawn_server(
        "modbus-server",
        "--tags",
        str(args.tags),
        "--float-share",
        str(args.float_share),
        "--change",
        args.change,
    )
    print(f"server ready: pid {server.pid} port {server.port}", flush=True)
    observer = CycleObserver(service_forward(args.service))
    tags = [
        Tag(s.name, s.address, datatype=s.datatype, sampling_ms=args.interval_ms) for s in layout
    ]
    try:
        url = modbus_url(server.port) + f"&connections={args.connections}"
        driver = open_driver(url, tags, on_value=observer.on_value, on_state=observer.on_state)
        async with driver:
            plan = getattr(driver, "read_plan", lambda: {})()
            for ms, blocks in plan.items():
                print(
                    f"read plan for {ms} ms: {len(blocks)} requests: "
                    + ", ".join(f"{b.table}:{b.start}+{b.count}" for b in blocks),
                    flush=True,
                )
            await asyncio.sleep(args.warmup)
            per_cycle = len(tags) if args.change == "all" else len({s.table for s in layout})
            return await measure(args, server, observer, per_cycle)
    finally:
        await server.stop()


async def measure(
    args: argparse.Namespace, server: ServerProcess, observer: CycleObserver, per_cycle: int
) -> int:
    period = args.interval_ms / 1000
    cpu = CpuWindow([server.pid])
    step = CpuWindow([server.pid])
    observer.measuring = True
    cpu.start()
    step.start()
    t0 = time.perf_counter()
    seen = 0
    with maybe_profile(args.profile):
        while (remaining := args.duration - (time.perf_counter() - t0)) > 0:
            await asyncio.sleep(min(args.progress_s, remaining))
            _, c_pct, s_pct = step.read()
            step.start()
            recent = observer.cycles[seen:]
            seen = len(observer.cycles)
            a = analyse(recent, period, per_cycle)
            print(
                f"[{time.perf_counter() - t0:6.0f} s] {a['cycles']} cycles  duration "
                f"{fmt_ms(a['duration'], ('p50', 'p99', 'max'))}  missed {a['missed']}  "
                f"client CPU {c_pct:.0f} %  server CPU {s_pct:.0f} %",
                flush=True,
            )
        wall, client_pct, server_pct = cpu.read()
    observer.measuring = False
    stats = await server.read_stats()
    a = analyse(observer.cycles, period, per_cycle)
    dur = a["duration"]
    assert isinstance(dur, dict)
    expected = wall / period
    print()
    print(
        f"=== Modbus TCP poll: {args.tags} tags @ {args.interval_ms} ms, changing: "
        f"{args.change}, {wall:.0f} s measured ==="
    )
    print(
        f"cycles observed         {a['cycles']} (expected ≈{expected:.0f}); incomplete "
        f"{a['incomplete']}; BAD values {observer.bad}"
    )
    print(f"cycle duration          {fmt_ms(dur)}   [{verdict(dur['p99'] <= 10)}: p99 <= 10 ms]")
    print(f"  of which I/O          {fmt_ms(a['io'])}")  # type: ignore[arg-type]
    print(f"  of which delivery     {fmt_ms(a['delivery'])}")  # type: ignore[arg-type]
    print(f"start jitter (gap-period) {fmt_ms(a['jitter'])}")  # type: ignore[arg-type]
    print(
        f"missed cycles           {a['missed']} ({a['late_starts']} starts > 1 period late)   "
        f"[{verdict(a['missed'] == 0)}: 0]"
    )
    per_cycle_ms = client_pct / 100 * wall / a["cycles"] * 1e3 if a["cycles"] else math.nan
    print(
        f"client CPU (driver+service) {client_pct:.1f} % of one core; "
        f"{per_cycle_ms:.1f} ms CPU per cycle"
    )
    print(
        f"server CPU              {server_pct:.1f} % of one core ({stats.get('reads')} read "
        f"requests served)"
    )
    states = [s for _, s in observer.states]
    if states.count(str(ConnectionState.CONNECTED)) > 1:
        print(f"link state changes: {states}")
    print(rusage_line())
    print(load_line())
    return 0 if dur["p99"] <= 10 and a["missed"] == 0 else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=60.0, help="measured seconds (600 = target)")
    ap.add_argument("--tags", type=int, default=1000)
    ap.add_argument(
        "--float-share",
        type=float,
        default=0.25,
        help="share of float32 tags (2 registers each); 0 = 1 register per tag",
    )
    ap.add_argument("--interval-ms", type=int, default=100)
    ap.add_argument("--connections", type=int, default=1,
                    help="TCP connections the driver spreads each poll's reads over")
    ap.add_argument(
        "--change",
        choices=("all", "last"),
        default="all",
        help="all: every tag changes every poll (worst case); last: only the last "
        "tag of each table (a quiet process, every tag still decoded)",
    )
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds before measuring")
    ap.add_argument("--progress-s", type=float, default=30.0)
    ap.add_argument(
        "--service",
        choices=("minimal", "monitor"),
        default="minimal",
        help="monitor: also feed every value to the real ProductionMonitor",
    )
    ap.add_argument("--profile", metavar="FILE", help="cProfile the client during the window")
    ap.add_argument("--verbose", action="store_true", help="print library log records too")
    args = ap.parse_args(argv)
    logs = install_log_counter(echo=args.verbose)
    try:
        return asyncio.run(run(args))
    finally:
        print(logs.summary())


if __name__ == "__main__":
    sys.exit(main())
