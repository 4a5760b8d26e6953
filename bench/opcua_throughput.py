"""OPC UA subscription throughput: N tags changing every interval, through the real driver.

Issue 3 target: 1,000 tags at a 100 ms sampling interval (≈10k changes/s) for
10 minutes with **no dropped notification**; driver + receiving service
≤ 30 % of one core; source-to-service latency p99 ≤ interval + 50 ms.

    .venv/bin/python bench/opcua_throughput.py --duration 600 --tags 1000 --interval-ms 100

Method
------
* **Server** (``bench/_common.py opcua-server``, asyncua, own process — so it
  shares neither this process's GIL nor its CPU accounting). Every interval it
  writes every tag with the tick number as value and the write time as
  SourceTimestamp, in ``--spread`` slices (10) spaced over the interval so
  values change at every phase of the publishing cycle. How the server is kept
  from being the bottleneck: its own process; asyncua's cheapest write path
  (DataValue stored straight into the node, monitored-item callbacks awaited);
  asyncua's per-item deep copy of every written value switched off in the
  server (it was 80 % of the server's CPU: ≈60 µs per write); optionally
  ``--servers K`` to split the tags over K server processes (one driver
  each). And it is checked, not assumed: the server reports its CPU, how late
  its slices started and *overruns* (fell a whole interval behind) — these
  must be 0 and its CPU well under one core for a valid run.
* **Client** (this process) holds only the driver(s)
  (``hmi.devices.base.open_driver``, one subscription per sampling interval,
  as the station does) and a receiving *service* callback that does what the
  ProductionMonitor level does with a value — keep the last value per tag and
  count — plus the measurement: per-tag sequence check (a jump from n to n+k
  is k−1 **dropped**, the same n twice a **duplicate**) and latency = wall time
  at the callback − SourceTimestamp (one machine, one clock) in a 0.1 ms
  histogram. ``--service monitor`` additionally feeds every value to the real
  :class:`hmi.services.production.ProductionMonitor` (demo station config),
  i.e. exactly what the app wires to ``on_value``.
* **CPU**: ``time.process_time()`` of this process over the measurement
  window (after ``--warmup`` s), as % of one core; the server's from
  ``/proc/<pid>/stat``. Everything in this process counts (asyncua decoding,
  the driver, the service, the bookkeeping above).
* **End**: the servers stop ticking, the client drains for 1 s, then every
  tag's last received sequence number is compared with the server's last
  tick (values lost at the very end are dropped too).

Progress is printed every ``--progress-s`` (30 s); the figures at the end are
the ones to quote. ``--profile out.prof`` runs the window under cProfile
(slower; use it to see where the time goes, not for the figures).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import sys
import time
from collections.abc import Callable
from typing import Any

from _common import (
    CpuWindow,
    LatencyHistogram,
    ServerProcess,
    fmt_ms,
    install_log_counter,
    load_line,
    maybe_profile,
    opcua_datatype,
    opcua_tag_name,
    opcua_url,
    rusage_line,
    service_forward,
    spawn_server,
    verdict,
)

from hmi.devices.base import ConnectionState, Quality, Tag, TagValue, open_driver


class ReceivingService:
    """What the service layer does per value (keep last, count) plus the measurement."""

    def __init__(self, forward: Callable[[TagValue], None] | None = None) -> None:
        self.last: dict[str, TagValue] = {}
        self.seq: dict[str, int] = {}
        self.received = 0
        self.bad = 0
        self.measuring = False
        self.counted = 0
        self.dropped = 0
        self.gap_events = 0
        self.duplicates = 0
        self.out_of_order = 0
        self.first_gaps: list[tuple[float, str, int, int]] = []
        self.hist = LatencyHistogram()
        self.states: list[tuple[float, str]] = []
        self._forward = forward

    def on_state(self, state: ConnectionState) -> None:
        self.states.append((time.time(), str(state)))

    def on_value(self, tv: TagValue) -> None:
        now = time.time()
        self.last[tv.tag] = tv
        self.received += 1
        if self._forward is not None:
            self._forward(tv)
        if tv.quality is not Quality.GOOD:
            self.bad += 1
            return
        seq = int(tv.value)  # type: ignore[call-overload]
        prev = self.seq.get(tv.tag)
        if prev is None or seq > prev:
            self.seq[tv.tag] = seq
        if not self.measuring:
            return
        self.counted += 1
        self.hist.add(now - tv.source_ts.timestamp())
        if prev is None or seq == prev + 1:
            return
        if seq > prev:
            self.dropped += seq - prev - 1
            self.gap_events += 1
            if len(self.first_gaps) < 10:
                self.first_gaps.append((now, tv.tag, prev, seq))
        elif seq == prev:
            self.duplicates += 1
        else:
            self.out_of_order += 1


def apply_what_ifs(names: list[str]) -> None:
    """Experiments only (never the headline figures): change asyncua in *this* process.

    * ``sync-dispatch``: deliver each data change straight to the driver's
      (synchronous) handler instead of asyncua's one-asyncio-Task-per-notification
      dispatch -- about what the driver would get from asyncua's iterator mode.
    * ``half-publish``: subscriptions publish at half the sampling interval
      (what the driver would get from ``create_subscription(sampling_ms / 2)``).
    * ``queue3``: monitored items with QueueSize 3 instead of the driver's 1, so a
      publish that comes late carries every value written meanwhile.
    """
    if "sync-dispatch" in names:
        from asyncua.common.subscription import DataChangeEvent, Subscription

        original = Subscription._deliver

        def deliver(self: Subscription, event: Any) -> None:
            handler = self._handler
            if handler is not None and isinstance(event, DataChangeEvent):
                handler.datachange_notification(event.node, event.value, event.data)
            else:
                original(self, event)

        Subscription._deliver = deliver  # type: ignore[method-assign]
    if "half-publish" in names:
        from asyncua import Client

        create = Client.create_subscription

        async def create_subscription(self: Client, period: Any, *a: Any, **kw: Any) -> Any:
            if isinstance(period, int | float):
                period = period / 2
            return await create(self, period, *a, **kw)

        Client.create_subscription = create_subscription  # type: ignore[method-assign]
    if "queue3" in names:
        from asyncua.common.subscription import Subscription

        create_items = Subscription.create_monitored_items

        async def create_monitored_items(self: Subscription, items: Any) -> Any:
            items = list(items)
            for item in items:
                item.RequestedParameters.QueueSize = 3
            return await create_items(self, items)

        Subscription.create_monitored_items = create_monitored_items  # type: ignore[method-assign]


def split(total: int, parts: int) -> list[tuple[int, int]]:
    """(first, count) of ``parts`` contiguous ranges covering ``range(total)``."""
    base, extra = divmod(total, parts)
    out, first = [], 0
    for j in range(parts):
        count = base + (1 if j < extra else 0)
        out.append((first, count))
        first += count
    return out


async def run(args: argparse.Namespace) -> int:
    ranges = split(args.tags, args.servers)
    apply_what_ifs(args.what_if)
    print(
        f"OPC UA throughput: {args.tags} tags every {args.interval_ms} ms "
        f"(≈{args.tags * 1000 / args.interval_ms:,.0f} changes/s) over {args.servers} server "
        f"process(es), service={args.service}, "
        + (f"WHAT-IF {'+'.join(args.what_if)} (experiment), " if args.what_if else "")
        + f"warm-up {args.warmup:g} s, "
        f"measured {args.duration:g} s; {load_line()}",
        flush=True,
    )
    t_spawn = time.perf_counter()
    servers: list[ServerProcess] = list(
        await asyncio.gather(
            *(
                spawn_server(
                    "opcua-server",
                    "--first",
                    str(first),
                    "--count",
                    str(count),
                    "--interval-ms",
                    str(args.interval_ms),
                    "--write-mode",
                    args.write_mode,
                    "--spread",
                    str(args.spread),
                )
                for first, count in ranges
            )
        )
    )
    print(
        f"servers ready in {time.perf_counter() - t_spawn:.1f} s: "
        + ", ".join(f"pid {s.pid} port {s.port}" for s in servers),
        flush=True,
    )
    service = ReceivingService(service_forward(args.service))
    try:
        async with contextlib.AsyncExitStack() as stack:
            t_conn = time.perf_counter()
            for server, (first, count) in zip(servers, ranges, strict=True):
                tags = [
                    Tag(
                        opcua_tag_name(i),
                        f"ns=2;s={opcua_tag_name(i)}",
                        datatype=opcua_datatype(i),
                        sampling_ms=args.interval_ms,
                    )
                    for i in range(first, first + count)
                ]
                driver = open_driver(
                    opcua_url(server.port),
                    tags,
                    on_value=service.on_value,
                    on_state=service.on_state,
                )
                await stack.enter_async_context(driver)
            print(
                f"driver(s) connected and subscribed in {time.perf_counter() - t_conn:.2f} s",
                flush=True,
            )
            await asyncio.sleep(args.warmup)
            return await measure(args, servers, service)
    finally:
        for s in servers:
            await s.stop()


async def measure(
    args: argparse.Namespace, servers: list[ServerProcess], service: ReceivingService
) -> int:
    cpu = CpuWindow([s.pid for s in servers])
    step = CpuWindow([s.pid for s in servers])
    service.measuring = True
    cpu.start()
    step.start()
    t0 = time.perf_counter()
    last_counted, last_t = 0, t0
    with maybe_profile(args.profile):
        while (remaining := args.duration - (time.perf_counter() - t0)) > 0:
            await asyncio.sleep(min(args.progress_s, remaining))
            now = time.perf_counter()
            _, c_pct, s_pct = step.read()
            step.start()
            rate = (service.counted - last_counted) / (now - last_t)
            last_counted, last_t = service.counted, now
            print(
                f"[{now - t0:6.0f} s] {rate:8,.0f} changes/s  dropped {service.dropped}  "
                f"dup {service.duplicates}  p99 {service.hist.percentile_ms(99):.0f} ms  "
                f"client CPU {c_pct:.0f} %  server CPU {s_pct:.0f} %",
                flush=True,
            )
        wall, client_pct, server_pct = cpu.read()
        counted_in_window = service.counted
    stats = await asyncio.gather(*(s.read_stats() for s in servers))
    await asyncio.sleep(1.0 + 2 * args.interval_ms / 1000)  # drain what is still in flight
    service.measuring = False
    last_tick = {i: st.get("last_tick", 0) for i, st in enumerate(stats)}
    tail_missing = 0
    for j, (first, count) in enumerate(split(args.tags, args.servers)):
        for i in range(first, first + count):
            got = service.seq.get(opcua_tag_name(i), 0)
            tail_missing += max(0, last_tick[j] - got)
    report(args, service, stats, wall, counted_in_window, client_pct, server_pct, tail_missing)
    print(rusage_line())
    print(load_line())
    ok = (
        service.dropped + tail_missing + service.duplicates == 0
        and client_pct <= 30
        and service.hist.percentile_ms(99) <= args.interval_ms + 50
    )
    return 0 if ok else 1


def report(
    args: argparse.Namespace,
    service: ReceivingService,
    stats: list[dict[str, Any]],
    wall: float,
    counted: int,
    client_pct: float,
    server_pct: float,
    tail_missing: int,
) -> None:
    lat = service.hist.summary_ms()
    expected = args.tags * 1000 / args.interval_ms
    rate = counted / wall
    p99_limit = args.interval_ms + 50
    dropped = service.dropped + tail_missing
    print()
    print(
        f"=== OPC UA throughput: {args.tags} tags @ {args.interval_ms} ms, "
        f"{wall:.0f} s measured ==="
    )
    print(
        f"changes received        {rate:,.0f} /s (source rate {expected:,.0f} /s; "
        f"{counted:,} values in the window)"
    )
    print(
        f"dropped (sequence gaps) {dropped:,} ({service.gap_events} gaps while running, "
        f"{tail_missing} missing at the end)   [{verdict(dropped == 0)}: 0]"
    )
    print(
        f"duplicates              {service.duplicates}   out of order {service.out_of_order}   "
        f"BAD values {service.bad}"
    )
    print(
        f"latency source->service {fmt_ms(lat)}  mean {lat['mean']:.1f} ms   "
        f"[{verdict(lat['p99'] <= p99_limit)}: p99 <= {p99_limit} ms]"
    )
    per_value_us = client_pct / 100 * wall / counted * 1e6 if counted else math.nan
    print(
        f"client CPU (driver+service) {client_pct:.1f} % of one core   "
        f"[{verdict(client_pct <= 30)}: <= 30 %]; {per_value_us:.1f} µs CPU per value "
        f"(≈{per_value_us * expected / 1e4:.1f} % at the full source rate)"
    )
    print(
        f"server CPU              {server_pct:.1f} % of one core "
        f"(sum over {len(stats)} process(es))"
    )
    for i, st in enumerate(stats):
        print(
            f"  server {i}: {st.get('ticks')} ticks, {st.get('writes'):,} writes, overruns "
            f"{st.get('overruns')}, tick lateness {fmt_ms(st.get('lateness_ms', {}))}, "
            f"write slice ({st.get('spread')}/tick) "
            f"{fmt_ms(st.get('burst_ms', {}), ('p50', 'p99', 'max'))}, "
            f"CPU {st.get('cpu_pct')} % over its run"
        )
    for i, st in enumerate(stats):
        ready = st.get("publish_request_ready", 0) + st.get("no_publish_request", 0)
        print(
            f"  server {i} subscription: {st.get('discarded')} values discarded by a full "
            f"monitored-item queue; {st.get('no_publish_request')} of {ready} publishing "
            f"cycles found no client PublishRequest waiting; {st.get('publish_cycles_late')} "
            f"publishing cycles > 1.5 intervals apart (gap "
            f"{fmt_ms(st.get('publish_gap_ms', {}), ('p50', 'p99', 'max'))})"
        )
    overruns = sum(int(st.get("overruns", 0)) for st in stats)
    print(
        f"server bottleneck?      {'YES' if overruns or server_pct > 90 * len(stats) else 'no'} "
        f"({overruns} overruns)"
    )
    if service.first_gaps:
        print(
            "first gaps (tag, last seq, next seq): "
            + "; ".join(f"{t} {a}->{b}" for _, t, a, b in service.first_gaps)
        )
    states = [s for _, s in service.states]
    if states.count(str(ConnectionState.CONNECTED)) > len(stats):
        print(f"link state changes: {states}")
    if math.isnan(lat["p50"]):
        print("no values were received in the window!")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=60.0, help="measured seconds (600 = target)")
    ap.add_argument("--tags", type=int, default=1000)
    ap.add_argument("--interval-ms", type=int, default=100, help="sampling interval and tick")
    ap.add_argument("--servers", type=int, default=1, help="server processes to split tags over")
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring")
    ap.add_argument("--progress-s", type=float, default=30.0)
    ap.add_argument(
        "--service",
        choices=("minimal", "monitor"),
        default="minimal",
        help="monitor: also feed every value to the real ProductionMonitor",
    )
    ap.add_argument(
        "--spread",
        type=int,
        default=10,
        help="server writes each tick in this many slices over the interval "
        "(1 = one burst of all tags)",
    )
    ap.add_argument(
        "--write-mode",
        choices=("fast", "api"),
        default="fast",
        help="server write path (api: Server.write_attribute_value)",
    )
    ap.add_argument("--profile", metavar="FILE", help="cProfile the client during the window")
    ap.add_argument(
        "--what-if",
        action="append",
        default=[],
        choices=("sync-dispatch", "half-publish", "queue3"),
        help="experiment: patch asyncua in the client (see apply_what_ifs)",
    )
    ap.add_argument("--verbose", action="store_true", help="print library log records too")
    args = ap.parse_args(argv)
    logs = install_log_counter(echo=args.verbose)
    try:
        return asyncio.run(run(args))
    finally:
        print(logs.summary())


if __name__ == "__main__":
    sys.exit(main())
