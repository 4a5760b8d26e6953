"""Shared helpers of the device benchmarks, and the benchmark servers.

Used by ``bench/opcua_throughput.py``, ``bench/modbus_poll.py`` and
``bench/reconnect.py`` (issue 3). The servers always run in their **own
process** (so they never share the client's GIL or its CPU accounting); the
same file starts them::

    python bench/_common.py opcua-server  --port 0 --first 0 --count 1000 --interval-ms 100
    python bench/_common.py modbus-server --port 0 --tags 1000 --float-share 0.25

Both print one line ``READY port=<p> t=<wall time>`` once they accept
connections (``t`` is ``time.time()`` in the server, the same clock as the
client's on one machine). They log only CRITICAL records unless
``HMI_BENCH_SERVER_LOG=WARNING`` (or another level) is set.

OPC UA server (asyncua)
    Variables ``ns=2;s=T0000`` … under Objects, even numbers UInt32, odd ones
    Double. Every ``interval`` the server writes **every** variable with the
    tick number (1, 2, 3 …) as value and the write time as SourceTimestamp, so
    the client can detect lost notifications (gaps in a tag's sequence) and
    measure latency (receive wall time − SourceTimestamp). A tick is written
    in ``--spread`` slices (default 10) spaced interval/spread apart, so the
    values change at every phase of the client's publishing cycle (as a real
    process does) rather than in one burst whose phase against the publishing
    loop would decide the latency figures by chance. The writes take
    asyncua's cheapest path: the DataValue is stored straight into the node's
    Value attribute and the monitored-item callbacks are awaited, i.e. what
    ``AddressSpace.write_attribute_value`` does minus its per-call type and
    status checks (``--write-mode api`` uses ``Server.write_attribute_value``
    instead), and asyncua's per-monitored-item deep copy of every written
    value is switched off in the server process (see
    :func:`_skip_monitored_item_deepcopy`; it was 80 % of the server's time).
    The slices are deadline-scheduled (a late slice is caught up at once);
    when the server falls more than a whole interval behind, the schedule is
    re-anchored and an *overrun* counted (the server was the bottleneck; the
    rate drops, but no tick is ever skipped, so the server never creates a
    sequence gap itself). SIGUSR1 stops ticking at the next
    tick boundary and prints one ``STATS {json}`` line (ticks, last tick,
    lateness and per-slice write-burst percentiles, CPU); SIGTERM exits.

Modbus TCP server (pymodbus ``ModbusTcpServer`` + ``SimDevice``)
    Holding and input registers laid out by :func:`modbus_layout` (uint16 and
    float32 tags, half of them in ``hr``, half in ``ir``). A SimDevice action
    rewrites the requested registers on **every read request** with a
    counter that grows per request (uint16: ``n & 0xFFFF``; float32:
    ``float(n)``), so every poll of the driver sees every tag changed and
    delivers it (``--change all``), or only the last tag of each table
    changes (``--change last``: the driver still decodes and compares every
    tag, but delivers two values per cycle). Either way each poll cycle is
    visible from outside as a batch of ``on_value`` calls sharing one
    ``source_ts`` (the driver's poll start).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import logging
import math
import os
import pstats
import signal
import socket
import struct
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
NAMESPACE_URI = "urn:openmes:bench"
OPCUA_PATH = "/bench"
MODBUS_UNIT = 1
_CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- small helpers


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for restart-on-same-port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``); NaN if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    # after "pid (comm)": state is field 3, utime 14, stime 15 (1-based) -> index 11, 12
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (NaN when empty)."""
    if not sorted_values:
        return math.nan
    k = max(0, min(len(sorted_values) - 1, math.ceil(q / 100 * len(sorted_values)) - 1))
    return float(sorted_values[k])


def summary_ms(values_s: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max (and count) of durations given in seconds, in milliseconds."""
    s = sorted(values_s)
    return {
        "n": len(s),
        "p50": percentile(s, 50) * 1e3,
        "p95": percentile(s, 95) * 1e3,
        "p99": percentile(s, 99) * 1e3,
        "max": (s[-1] * 1e3) if s else math.nan,
    }


class LatencyHistogram:
    """Constant-memory latency histogram: 0.1 ms bins up to ``limit_s``, exact max.

    ``add`` is a handful of bytecodes, cheap enough for 10k+ samples/s over 10 minutes.
    """

    RESOLUTION_S = 1e-4

    def __init__(self, limit_s: float = 30.0) -> None:
        self._nbins = int(limit_s / self.RESOLUTION_S)
        self._bins = array("Q", bytes(8 * (self._nbins + 1)))
        self.count = 0
        self.negative = 0
        self.max_s = -math.inf
        self.min_s = math.inf
        self._sum = 0.0

    def add(self, seconds: float) -> None:
        self.count += 1
        self._sum += seconds
        if seconds > self.max_s:
            self.max_s = seconds
        if seconds < self.min_s:
            self.min_s = seconds
        if seconds < 0:
            self.negative += 1
            seconds = 0.0
        i = int(seconds * 10_000.0)
        self._bins[i if i < self._nbins else self._nbins] += 1

    def percentile_ms(self, q: float) -> float:
        if not self.count:
            return math.nan
        rank = max(1, math.ceil(q / 100 * self.count))
        seen = 0
        for i, n in enumerate(self._bins):
            seen += n
            if seen >= rank:
                if i >= self._nbins:
                    return self.max_s * 1e3
                return (i + 1) * self.RESOLUTION_S * 1e3  # upper edge of the bin
        return self.max_s * 1e3  # pragma: no cover

    def summary_ms(self) -> dict[str, float]:
        return {
            "n": self.count,
            "mean": (self._sum / self.count * 1e3) if self.count else math.nan,
            "p50": self.percentile_ms(50),
            "p95": self.percentile_ms(95),
            "p99": self.percentile_ms(99),
            "max": self.max_s * 1e3 if self.count else math.nan,
        }


@dataclass
class CpuWindow:
    """CPU used by this process (``time.process_time``) and by a server pid, over wall time."""

    server_pids: Sequence[int] = ()
    wall0: float = 0.0
    cpu0: float = 0.0
    srv0: float = 0.0

    def start(self) -> None:
        self.wall0 = time.perf_counter()
        self.cpu0 = time.process_time()
        self.srv0 = sum(proc_cpu_seconds(p) for p in self.server_pids)

    def read(self) -> tuple[float, float, float]:
        """(wall s, client CPU % of one core, server CPU % of one core) since ``start``."""
        wall = time.perf_counter() - self.wall0
        cpu = time.process_time() - self.cpu0
        srv = sum(proc_cpu_seconds(p) for p in self.server_pids) - self.srv0
        return wall, 100 * cpu / wall if wall else math.nan, 100 * srv / wall if wall else math.nan


class LogCounter(logging.Handler):
    """Counts WARNING+ log records per (top-level logger, level) instead of printing them.

    Killing servers makes asyncua and pymodbus log tracebacks and frame dumps
    on every cycle; the benchmarks report how many there were (and the first
    message of each kind) rather than flooding the figures. ``echo`` prints
    them as well.
    """

    def __init__(self, echo: bool = False) -> None:
        super().__init__(logging.WARNING)
        self.echo = echo
        self.counts: Counter[tuple[str, str]] = Counter()
        self.first: dict[tuple[str, str], str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        key = (record.name.split(".")[0], record.levelname)
        self.counts[key] += 1
        if key not in self.first:
            self.first[key] = record.getMessage().splitlines()[0][:160]
        if self.echo:
            print(f"LOG {record.levelname} {record.name}: {record.getMessage()}", file=sys.stderr)

    def summary(self) -> str:
        if not self.counts:
            return "log records (WARNING+): none"
        return "log records (WARNING+): " + "; ".join(
            f"{name} {level} x{n} (first: {self.first[(name, level)]!r})"
            for (name, level), n in sorted(self.counts.items())
        )


def install_log_counter(echo: bool = False) -> LogCounter:
    handler = LogCounter(echo)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    return handler


def load_line() -> str:
    """The 1/5/15-minute load averages, to judge how quiet the machine was."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} CPUs"


def rusage_line() -> str:
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    return (
        f"rusage: user {ru.ru_utime:.1f} s, system {ru.ru_stime:.1f} s, "
        f"max RSS {ru.ru_maxrss / 1024:.0f} MiB, context switches "
        f"{ru.ru_nvcsw} voluntary / {ru.ru_nivcsw} involuntary"
    )


def service_forward(kind: str) -> Callable[[Any], None] | None:
    """``--service monitor``: the real ProductionMonitor's ``on_tag_value`` (demo config)."""
    if kind == "minimal":
        return None
    from hmi import config
    from hmi.devices.base import ConnectionState
    from hmi.services.production import ProductionMonitor

    monitor = ProductionMonitor(config.load(config.demo_config_path()))
    monitor.on_connection_state(ConnectionState.CONNECTED)
    return monitor.on_tag_value


@contextlib.contextmanager
def maybe_profile(path: str | None, top: int = 30) -> Iterator[None]:
    """cProfile the block when ``path`` is given; dump to ``path`` and print the top entries.

    cProfile roughly doubles the cost of Python calls, so CPU figures from a
    profiled run are not the benchmark figures; use it for *where* time goes.
    """
    if not path:
        yield
        return
    prof = cProfile.Profile()
    prof.enable()
    try:
        yield
    finally:
        prof.disable()
        prof.dump_stats(path)
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(prof, stream=out).strip_dirs().sort_stats(key).print_stats(top)
            print(f"\n--- cProfile, top {top} by {key} (full profile in {path}) ---")
            print("\n".join(out.getvalue().splitlines()[: top + 12]))


def fmt_ms(d: dict[str, float], keys: Sequence[str] = ("p50", "p95", "p99", "max")) -> str:
    return "  ".join(f"{k} {d[k]:.1f} ms" for k in keys if k in d)


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


# --------------------------------------------------------------------------- server processes


@dataclass
class ServerProcess:
    """A benchmark server child process (asyncio subprocess) and its READY facts."""

    proc: asyncio.subprocess.Process
    port: int
    ready_wall: float  # server's time.time() when it started accepting
    spawned_wall: float  # our time.time() just before spawning

    @property
    def pid(self) -> int:
        return self.proc.pid

    async def read_stats(self, timeout: float = 10.0) -> dict[str, Any]:
        """Send SIGUSR1 (stop ticking) and return the ``STATS`` json the server prints."""
        self.proc.send_signal(signal.SIGUSR1)
        assert self.proc.stdout is not None
        while True:
            line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
            if not line:
                return {}
            text = line.decode().strip()
            if text.startswith("STATS "):
                return dict(json.loads(text[6:]))

    async def stop(self) -> None:
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 5)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                await self.proc.wait()

    async def kill(self) -> None:
        """SIGKILL and reap."""
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        await self.proc.wait()


async def spawn_server(role: str, *args: str, timeout: float = 60.0) -> ServerProcess:
    """Start ``python bench/_common.py <role> <args>`` and wait for its READY line."""
    spawned = time.time()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(BENCH_DIR / "_common.py"),
        role,
        *args,
        "--parent-pid",
        str(os.getpid()),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        while True:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout)
            if not line:
                raise RuntimeError(f"{role} exited before READY (code {await proc.wait()})")
            text = line.decode().strip()
            if text.startswith("READY "):
                kv = dict(part.split("=", 1) for part in text.split()[1:])
                return ServerProcess(proc, int(kv["port"]), float(kv["t"]), spawned)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise


def _watch_parent(parent_pid: int) -> None:
    """Exit when the benchmark that started us is gone (never leave a port held)."""

    async def watch() -> None:
        while True:
            await asyncio.sleep(1.0)
            if os.getppid() != parent_pid:
                os._exit(0)

    asyncio.get_running_loop().create_task(watch())


def _lateness_stats(values: Sequence[float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in summary_ms(values).items()}


# -- OPC UA ------------------------------------------------------------------


def opcua_tag_name(i: int) -> str:
    return f"T{i:04d}"


def opcua_datatype(i: int) -> str:
    """Tag datatype (the driver's names) of bench tag ``i``: even uint32, odd float64."""
    return "uint32" if i % 2 == 0 else "float64"


def opcua_url(port: int) -> str:
    return f"opc.tcp://127.0.0.1:{port}{OPCUA_PATH}"


def _skip_monitored_item_deepcopy() -> None:
    """Make asyncua's server keep the DataValue it is given instead of a deep copy.

    ``MonitoredItemValues.set_current_datavalue`` deep-copies every written
    DataValue once per monitored item (≈60 µs, 80 % of the server's time at
    10k writes/s). The bench server creates a fresh DataValue per write and
    never mutates it, so the copy protects nothing here; skipping it keeps the
    *server* from being the bottleneck of a client benchmark.
    """
    from asyncua.server.monitored_item_service import MonitoredItemValues

    def set_current_datavalue(self: MonitoredItemValues, cur_val: Any) -> None:
        self.old_dvalue = self.current_dvalue
        self.current_dvalue = cur_val

    MonitoredItemValues.set_current_datavalue = set_current_datavalue  # type: ignore[method-assign]


#: Server-side diagnosis of lost samples (filled by :func:`_count_subscription_events`).
_SUB_COUNTERS: Counter[str] = Counter()
_PUBLISH_LOOP_CALLS: list[float] = []


def _count_subscription_events() -> None:
    """Count, in the server, *why* a sample can be lost before it reaches the client.

    * ``discarded``: a monitored item's queue was full (the driver asks for
      QueueSize 1), so a newer value replaced one not yet published;
    * ``no_publish_request``: a publishing cycle found no PublishRequest from
      the client waiting (asyncua's client keeps exactly one in flight and
      sends the next only after it has processed the previous response), so
      the notifications waited for the client;
    * publishing-loop calls are timestamped to find cycles that came late.
    """
    from asyncua.server.internal_subscription import InternalSubscription
    from asyncua.server.uaprocessor import UaProcessor

    enqueue = InternalSubscription._enqueue_event

    async def _enqueue_event(
        self: InternalSubscription, mid: int, eventdata: Any, size: int, queue: dict[int, Any]
    ) -> None:
        if size and mid in queue and len(queue[mid]) >= size:
            _SUB_COUNTERS["discarded"] += 1
        await enqueue(self, mid, eventdata, size, queue)

    get_request = UaProcessor.get_publish_request

    def get_publish_request(self: UaProcessor, subscription_id: Any) -> Any:
        request = get_request(self, subscription_id)
        _SUB_COUNTERS["no_publish_request" if request is None else "publish_request_ready"] += 1
        return request

    publish_results = InternalSubscription.publish_results

    async def publish_results_timed(self: InternalSubscription, requestdata: Any = None) -> bool:
        if requestdata is None:
            _PUBLISH_LOOP_CALLS.append(time.monotonic())
        return await publish_results(self, requestdata)

    InternalSubscription._enqueue_event = _enqueue_event  # type: ignore[method-assign]
    UaProcessor.get_publish_request = get_publish_request  # type: ignore[method-assign]
    InternalSubscription.publish_results = publish_results_timed  # type: ignore[method-assign]


async def _opcua_server(args: argparse.Namespace) -> None:
    from asyncua import ua

    from hmi.devices.sim.server import build_cache, cache_ready, create_server

    _watch_parent(args.parent_pid)
    if not args.keep_deepcopy:
        _skip_monitored_item_deepcopy()
    _count_subscription_events()
    if not cache_ready():
        await build_cache()
    server = await create_server()
    server.set_endpoint(f"opc.tcp://127.0.0.1:{args.port}{OPCUA_PATH}")
    server.set_server_name("OpenMES bench server")
    server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    server.set_identity_tokens([ua.AnonymousIdentityToken])
    idx = await server.register_namespace(NAMESPACE_URI)
    assert idx == 2, idx
    indices = range(args.first, args.first + args.count)
    nodeids: list[ua.NodeId] = []
    vtypes: list[ua.VariantType] = []
    for i in indices:
        nid = ua.NodeId(opcua_tag_name(i), idx)
        vtype = ua.VariantType.UInt32 if opcua_datatype(i) == "uint32" else ua.VariantType.Double
        initial = ua.Variant(0 if vtype is ua.VariantType.UInt32 else 0.0, vtype)
        await server.nodes.objects.add_variable(
            nid, ua.QualifiedName(opcua_tag_name(i), idx), initial
        )
        nodeids.append(nid)
        vtypes.append(vtype)
    if args.machine_tags:  # static state/counters so a station config can be built on the tags
        for name, value in (("M.State", 1), ("M.Good", 0), ("M.Scrap", 0)):
            await server.nodes.objects.add_variable(
                ua.NodeId(name, idx), ua.QualifiedName(name, idx),
                ua.Variant(value, ua.VariantType.UInt32))
    aspace = server.iserver.aspace
    attvals = [aspace._nodes[n].attributes[ua.AttributeIds.Value] for n in nodeids]
    is_int = [v is ua.VariantType.UInt32 for v in vtypes]
    Variant, DataValue = ua.Variant, ua.DataValue  # noqa: N806 (local aliases, hot loop)

    spread = max(1, min(args.spread, len(nodeids)))
    fast_slices = [
        list(zip(attvals[j::spread], vtypes[j::spread], is_int[j::spread], strict=True))
        for j in range(spread)
    ]
    api_slices = [
        list(zip(nodeids[j::spread], vtypes[j::spread], is_int[j::spread], strict=True))
        for j in range(spread)
    ]

    async def write_fast(tick: int, part: int) -> None:
        ftick = float(tick)
        for attval, vtype, integer in fast_slices[part]:
            now = datetime.now(UTC)
            dv = DataValue(
                Variant(tick if integer else ftick, vtype), SourceTimestamp=now, ServerTimestamp=now
            )
            attval.value = dv
            for handle, callback in tuple(attval.datachange_callbacks.items()):
                await callback(handle, dv)

    async def write_api(tick: int, part: int) -> None:
        ftick = float(tick)
        for nid, vtype, integer in api_slices[part]:
            now = datetime.now(UTC)
            await server.write_attribute_value(
                nid,
                DataValue(
                    Variant(tick if integer else ftick, vtype),
                    SourceTimestamp=now,
                    ServerTimestamp=now,
                ),
            )

    write = write_fast if args.write_mode == "fast" else write_api
    await server.start()
    assert server.bserver is not None
    print(f"READY port={server.bserver.port} t={time.time():.6f}", flush=True)

    loop = asyncio.get_running_loop()
    stop_ticking = asyncio.Event()
    exit_now = asyncio.Event()
    loop.add_signal_handler(signal.SIGUSR1, stop_ticking.set)
    loop.add_signal_handler(signal.SIGTERM, exit_now.set)
    # One tick = every tag written once, in ``spread`` slices spaced period/spread apart
    # (tag i in slice i % spread), so values change at every phase of the client's
    # publishing cycle, as a real process does, instead of in one burst.
    period = args.interval_ms / 1000.0
    slot_period = period / spread
    lateness: list[float] = []
    bursts: list[float] = []
    overruns = 0
    slot = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    prof = cProfile.Profile() if args.profile else None
    if prof is not None:
        prof.enable()
    if args.interval_ms > 0:
        deadline = loop.time() + slot_period
        # stop only at a tick boundary, so every tag's last value is the same tick
        while not (stop_ticking.is_set() and slot % spread == 0):
            delay = deadline - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            lateness.append(loop.time() - deadline)
            t0 = time.perf_counter()
            await write(slot // spread + 1, slot % spread)
            bursts.append(time.perf_counter() - t0)
            slot += 1
            deadline += slot_period
            if loop.time() - deadline > period:  # a whole tick behind: re-anchor, no burst
                overruns += 1
                deadline = loop.time()
    else:
        await stop_ticking.wait()
    tick = slot // spread
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    if prof is not None:
        prof.disable()
        prof.dump_stats(args.profile)
    calls = _PUBLISH_LOOP_CALLS
    publish_gaps = [b - a for a, b in zip(calls, calls[1:], strict=False)]
    stats = {
        "discarded": _SUB_COUNTERS["discarded"],
        "no_publish_request": _SUB_COUNTERS["no_publish_request"],
        "publish_request_ready": _SUB_COUNTERS["publish_request_ready"],
        "publish_cycles_late": sum(1 for g in publish_gaps if g > 1.5 * period),
        "publish_gap_ms": _lateness_stats(publish_gaps),
        "ticks": tick,
        "last_tick": tick,
        "tags": args.count,
        "writes": tick * args.count,
        "overruns": overruns,
        "spread": spread,
        "lateness_ms": _lateness_stats(lateness),
        "burst_ms": _lateness_stats(bursts),
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        "cpu_pct": round(100 * cpu / wall, 1) if wall else None,
    }
    print("STATS " + json.dumps(stats), flush=True)
    await exit_now.wait()
    os._exit(0)  # a benchmark server: no graceful session teardown needed


# -- Modbus -------------------------------------------------------------------


@dataclass(frozen=True)
class ModbusTagSpec:
    name: str
    table: str  # "hr" | "ir"
    offset: int
    datatype: str  # "uint16" | "float32"

    @property
    def address(self) -> str:
        return f"{self.table}:{self.offset}"

    @property
    def size(self) -> int:
        return 2 if self.datatype == "float32" else 1


def modbus_layout(tags: int, float_share: float) -> list[ModbusTagSpec]:
    """``tags`` tags, the first half in holding registers, the rest in input registers.

    Inside each table the tags are packed without gaps from address 0; about
    ``float_share`` of them are float32 (spread evenly), the others uint16.
    """
    out: list[ModbusTagSpec] = []
    half = (tags + 1) // 2
    for table, count in (("hr", half), ("ir", tags - half)):
        offset = 0
        acc = 0.0
        for _ in range(count):
            acc += float_share
            is_float = acc >= 1.0 - 1e-9
            if is_float:
                acc -= 1.0
            spec = ModbusTagSpec(
                f"M{len(out):04d}", table, offset, "float32" if is_float else "uint16"
            )
            out.append(spec)
            offset += spec.size
    return out


def modbus_url(port: int) -> str:
    return f"modbus+tcp://127.0.0.1:{port}?unit={MODBUS_UNIT}"


async def _modbus_server(args: argparse.Namespace) -> None:
    from pymodbus.server import ModbusTcpServer
    from pymodbus.simulator import DataType, SimData, SimDevice

    _watch_parent(args.parent_pid)
    layout = modbus_layout(args.tags, args.float_share)
    # per table: role of each register: 0 unused, 1 uint16, 2 float high word, 3 float low word
    roles: dict[int, list[int]] = {}
    sizes: dict[str, int] = {"hr": 1, "ir": 1}
    for spec in layout:
        sizes[spec.table] = max(sizes[spec.table], spec.offset + spec.size)
    last_of = {spec.table: spec for spec in layout}  # the highest-addressed tag of each table
    for fc, table in ((3, "hr"), (4, "ir")):
        r = [0] * sizes[table]
        for spec in layout:
            if spec.table != table or (args.change == "last" and spec is not last_of[table]):
                continue
            if spec.datatype == "uint16":
                r[spec.offset] = 1
            else:
                r[spec.offset], r[spec.offset + 1] = 2, 3
        roles[fc] = r
    counter = 0
    pack_f = struct.Struct(">f").pack
    unpack_hh = struct.Struct(">HH").unpack

    async def action(
        function_code: int,
        start_address: int,
        address: int,
        count: int,
        registers: list[int],
        set_values: list[int] | list[bool] | None,
    ) -> None:
        nonlocal counter
        role = roles.get(function_code)
        if set_values is not None or role is None:
            return None
        counter += 1
        u16 = counter & 0xFFFF
        hi, lo = unpack_hh(pack_f(float(counter)))
        for a in range(address, address + count):
            kind = role[a] if a < len(role) else 0
            if kind == 1:
                registers[a - start_address] = u16
            elif kind == 2:
                registers[a - start_address] = hi
            elif kind == 3:
                registers[a - start_address] = lo
        return None

    device = SimDevice(
        MODBUS_UNIT,
        simdata=(
            [SimData(0, count=16, values=False, datatype=DataType.BITS)],
            [SimData(0, count=16, values=False, datatype=DataType.BITS)],
            [SimData(0, count=sizes["hr"], values=0, datatype=DataType.REGISTERS)],
            [SimData(0, count=sizes["ir"], values=0, datatype=DataType.REGISTERS)],
        ),
        action=action,
    )
    server = ModbusTcpServer(device, address=("127.0.0.1", args.port))
    await server.serve_forever(background=True)
    port = server.transport.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"READY port={port} t={time.time():.6f}", flush=True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    exit_now = asyncio.Event()
    loop.add_signal_handler(signal.SIGUSR1, stop.set)
    loop.add_signal_handler(signal.SIGTERM, exit_now.set)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await stop.wait()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    stats = {
        "reads": counter,
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        "cpu_pct": round(100 * cpu / wall, 1) if wall else None,
    }
    print("STATS " + json.dumps(stats), flush=True)
    await exit_now.wait()
    os._exit(0)


def _server_main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="benchmark servers (started by the bench scripts)")
    sub = ap.add_subparsers(dest="role", required=True)
    o = sub.add_parser("opcua-server")
    o.add_argument("--port", type=int, default=0)
    o.add_argument("--first", type=int, default=0, help="index of the first tag served")
    o.add_argument("--count", type=int, default=1000)
    o.add_argument("--interval-ms", type=float, default=100.0, help="0: never tick")
    o.add_argument("--write-mode", choices=("fast", "api"), default="fast")
    o.add_argument(
        "--spread",
        type=int,
        default=10,
        help="write each tick in this many slices spread over the interval",
    )
    o.add_argument("--profile", metavar="FILE", help="cProfile the ticking phase into FILE")
    o.add_argument(
        "--keep-deepcopy",
        action="store_true",
        help="leave asyncua's per-item deepcopy of written values in place",
    )
    o.add_argument("--machine-tags", action="store_true",
                   help="also serve static M.State (1), M.Good and M.Scrap (0)")
    o.add_argument("--parent-pid", type=int, default=os.getppid())
    m = sub.add_parser("modbus-server")
    m.add_argument("--port", type=int, default=0)
    m.add_argument("--tags", type=int, default=1000)
    m.add_argument("--float-share", type=float, default=0.25)
    m.add_argument(
        "--change",
        choices=("all", "last"),
        default="all",
        help="registers rewritten per read: every tag, or only each table's last tag",
    )
    m.add_argument("--parent-pid", type=int, default=os.getppid())
    args = ap.parse_args(argv)
    # Clients that disconnect or die make the libraries log errors (pymodbus adds a dump
    # of the last frames); expected here, so servers stay quiet unless asked.
    logging.basicConfig(
        level=os.environ.get("HMI_BENCH_SERVER_LOG", "CRITICAL").upper(),
        format=f"[{args.role} %(process)d] %(name)s %(levelname)s: %(message)s",
    )
    main = _opcua_server if args.role == "opcua-server" else _modbus_server
    asyncio.run(main(args))


if __name__ == "__main__":
    _server_main()
