"""Modbus TCP driver (pymodbus ``AsyncModbusTcpClient``) implementing :class:`hmi.devices.base.Driver`.

URL and addresses
-----------------
``modbus+tcp://host[:port][?unit=N]`` (port 502 and unit 1 by default;
``device_id=N`` is accepted as a synonym of ``unit``). A tag address is
``<table>:<offset>[:<order>...]`` with table ``hr`` (holding register), ``ir``
(input register), ``co`` (coil) or ``di`` (discrete input) and a zero-based
protocol offset (what goes on the wire, not the 4xxxx "register number").
Order suffixes apply to register values of more than one byte:

* ``be`` (default): big-endian words, big-endian bytes (Modbus "ABCD");
* ``le``: low word first, as many PLCs store 32/64-bit values ("CDAB");
* ``swap``: bytes swapped inside each register ("BADC"); ``le:swap`` gives "DCBA".

Datatypes: ``bool`` (coil/discrete input, or a register that is != 0),
``int16``/``uint16`` (1 register), ``int32``/``uint32``/``float32`` (2),
``float64`` (4). ``string`` is refused with a :class:`ConfigError` for now.

Design
------
* Like the OPC UA driver, one **supervisor task** owns the connection and builds a
  fresh client per attempt; pymodbus's own reconnect is switched off
  (``reconnect_delay=0``) so the backoff, the state enum and the BAD
  re-delivery are ours. Loss is detected by pymodbus's ``trace_connect(False)``
  (socket closed) or by any poll/read/write that fails on the link (timeout
  after ``retries``, not connected). On loss: RECONNECTING, every tag's last
  value re-delivered as BAD at once, a first retry at once, then backoff from
  ``backoff_initial`` (0.1 s) doubling up to ``backoff_max`` (1 s).
* **Poll groups**: one poll task per distinct ``sampling_ms``. Inside a group the
  tags of each table are merged by :func:`plan_reads` into contiguous requests of
  at most 125 registers (2000 bits for coils/discrete inputs), reading over gaps
  of up to ``max_gap`` (8) unused addresses. If the device refuses a merged
  request (illegal address inside a gap), the group is re-planned without gaps;
  addresses the device refuses one by one are reported as
  :class:`TagNotFoundError` at connect time, or as BAD values while polling.
* A value is delivered only when it changed (beyond the tag's deadband for
  numeric tags) or its quality changed; ``source_ts`` is the poll time (UTC:
  Modbus carries no timestamps).
* ``write`` encodes per datatype and word/byte order, writes (``write_coil`` /
  ``write_register`` / ``write_registers``), reads back and raises
  :class:`WriteVerifyError` unless the read-back registers equal what was written.
* Two ring buffers for diagnosis: ``recent_events()`` (link events) and
  ``recent_frames()`` (raw Modbus frames sent/received, as hex).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import struct
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.constants import ExcCodes
from pymodbus.exceptions import ModbusException
from pymodbus.pdu import ModbusPDU

from hmi.devices.base import (
    ConfigError,
    ConnectError,
    ConnectionState,
    DeviceError,
    DeviceTimeout,
    Quality,
    StateCallback,
    Tag,
    TagNotFoundError,
    TagValue,
    ValueCallback,
    WriteRejectedError,
    WriteVerifyError,
)
from hmi.devices.link import SupervisedDriver
from hmi.devices.link import now_utc as _now

__all__ = [
    "MAX_BITS",
    "MAX_REGISTERS",
    "ModbusAddress",
    "ModbusTcpDriver",
    "ReadBlock",
    "decode_registers",
    "encode_value",
    "parse_address",
    "parse_url",
    "plan_reads",
]

logger = logging.getLogger(__name__)

Table = Literal["hr", "ir", "co", "di"]

#: Largest read of registers / bits in one request (Modbus application protocol limits).
MAX_REGISTERS = 125
MAX_BITS = 2000

_TABLES: dict[str, str] = {
    "hr": "holding register",
    "ir": "input register",
    "co": "coil",
    "di": "discrete input",
}
_BIT_TABLES = frozenset({"co", "di"})
_READ_ONLY_TABLES = frozenset({"ir", "di"})

#: datatype -> (struct format, number of registers, integer range or None)
_REGISTER_TYPES: dict[str, tuple[str, int, tuple[int, int] | None]] = {
    "bool": (">H", 1, None),
    "int16": (">h", 1, (-(2**15), 2**15 - 1)),
    "uint16": (">H", 1, (0, 2**16 - 1)),
    "int32": (">i", 2, (-(2**31), 2**31 - 1)),
    "uint32": (">I", 2, (0, 2**32 - 1)),
    "float32": (">f", 2, None),
    "float64": (">d", 4, None),
}




# --------------------------------------------------------------------------- pure helpers


@dataclass(frozen=True)
class ModbusAddress:
    """A parsed tag address: table, zero-based offset, word/byte order."""

    table: Table
    offset: int
    word_le: bool = False
    byte_swap: bool = False

    @property
    def is_bits(self) -> bool:
        return self.table in _BIT_TABLES

    @property
    def read_only(self) -> bool:
        return self.table in _READ_ONLY_TABLES


def parse_address(address: str, datatype: str = "uint16") -> ModbusAddress:
    """Parse ``hr:100``, ``ir:30:le``, ``co:5``…; check it fits ``datatype``."""
    parts = [p.strip().lower() for p in address.split(":")]
    if len(parts) < 2 or parts[0] not in _TABLES:
        raise ConfigError(
            f"{address!r} is not a Modbus address (expected hr:N, ir:N, co:N or di:N)"
        )
    table = parts[0]
    try:
        offset = int(parts[1], 10)
    except ValueError:
        raise ConfigError(f"{address!r}: offset {parts[1]!r} is not a number") from None
    if not 0 <= offset <= 65535:
        raise ConfigError(f"{address!r}: offset must be 0..65535")
    word_le = byte_swap = False
    seen: set[str] = set()
    for suffix in parts[2:]:
        if suffix not in ("be", "le", "swap") or suffix in seen:
            raise ConfigError(
                f"{address!r}: unknown or repeated order suffix {suffix!r} (use be, le, swap)"
            )
        seen.add(suffix)
        word_le = word_le or suffix == "le"
        byte_swap = byte_swap or suffix == "swap"
    if {"be", "le"} <= seen:
        raise ConfigError(f"{address!r}: 'be' and 'le' contradict each other")
    if datatype == "string":
        raise ConfigError(f"{address!r}: datatype 'string' is not supported over Modbus yet")
    if table in _BIT_TABLES:
        if datatype != "bool":
            raise ConfigError(
                f"{address!r}: a {_TABLES[table]} holds one bit; datatype must be bool, "
                f"not {datatype!r}"
            )
        if len(parts) > 2:
            raise ConfigError(f"{address!r}: order suffixes only apply to registers")
    elif datatype not in _REGISTER_TYPES:
        raise ConfigError(f"{address!r}: datatype {datatype!r} is not supported over Modbus")
    size = 1 if table in _BIT_TABLES else _REGISTER_TYPES[datatype][1]
    if offset + size - 1 > 65535:
        raise ConfigError(f"{address!r}: a {datatype} there runs past address 65535")
    return ModbusAddress(table, offset, word_le, byte_swap)  # type: ignore[arg-type]


def register_count(datatype: str) -> int:
    return _REGISTER_TYPES[datatype][1]


def _order(words: Sequence[int], word_le: bool, byte_swap: bool) -> bytes:
    seq = list(reversed(words)) if word_le else list(words)
    raw = b"".join(int(w).to_bytes(2, "big") for w in seq)
    if byte_swap:
        raw = b"".join(raw[i + 1 : i + 2] + raw[i : i + 1] for i in range(0, len(raw), 2))
    return raw


def _words(raw: bytes, word_le: bool, byte_swap: bool) -> list[int]:
    if byte_swap:
        raw = b"".join(raw[i + 1 : i + 2] + raw[i : i + 1] for i in range(0, len(raw), 2))
    words = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
    return list(reversed(words)) if word_le else words


def decode_registers(
    registers: Sequence[int], datatype: str, *, word_le: bool = False, byte_swap: bool = False
) -> bool | int | float:
    """Decode raw 16-bit registers (as read, lowest address first) to a Python value."""
    fmt, size, _ = _REGISTER_TYPES[datatype]
    if len(registers) != size:
        raise ValueError(f"{datatype} needs {size} registers, got {len(registers)}")
    if datatype == "bool":
        return registers[0] != 0
    (value,) = struct.unpack(fmt, _order(registers, word_le, byte_swap))
    return value  # type: ignore[no-any-return]


def encode_value(
    datatype: str, value: object, *, word_le: bool = False, byte_swap: bool = False
) -> list[int]:
    """Encode ``value`` into registers (lowest address first); ValueError says why not."""
    fmt, _, bounds = _REGISTER_TYPES[datatype]
    if datatype == "bool":
        if not isinstance(value, bool):
            raise ValueError("the value must be on/off (true or false)")
        return [1 if value else 0]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"the value must be a number ({datatype})")
    if bounds is not None:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("the value must be a whole number")
        number = int(value)
        low, high = bounds
        if not low <= number <= high:
            raise ValueError(f"the value must be between {low} and {high}")
        raw = struct.pack(fmt, number)
    else:
        number_f = float(value)
        if not math.isfinite(number_f):
            raise ValueError("the value must be a finite number")
        try:
            raw = struct.pack(fmt, number_f)
        except OverflowError:
            raise ValueError(f"the value is too large for {datatype}") from None
    return _words(raw, word_le, byte_swap)


@dataclass(frozen=True)
class ReadBlock:
    """One read request: ``count`` registers (or bits) of ``table`` from ``start``."""

    table: Table
    start: int
    count: int

    @property
    def end(self) -> int:
        return self.start + self.count


def plan_reads(
    spans: Iterable[tuple[str, int, int]],
    *,
    max_gap: int = 8,
    max_registers: int = MAX_REGISTERS,
    max_bits: int = MAX_BITS,
) -> list[ReadBlock]:
    """Merge ``(table, start, count)`` spans into as few read requests as the limits allow.

    Spans of the same table are merged when the hole between them is at most
    ``max_gap`` addresses and the merged request stays within ``max_registers``
    (``max_bits`` for coils and discrete inputs). Overlapping spans are merged.
    Returns blocks sorted by table then start address.
    """
    by_table: dict[str, list[tuple[int, int]]] = {}
    for table, start, count in spans:
        if table not in _TABLES:
            raise ValueError(f"unknown Modbus table {table!r}")
        by_table.setdefault(table, []).append((start, start + count))
    blocks: list[ReadBlock] = []
    for table in sorted(by_table):
        limit = max_bits if table in _BIT_TABLES else max_registers
        cur_start = cur_end = -1
        for start, end in sorted(by_table[table]):
            if end - start > limit:
                raise ValueError(f"a single value of {end - start} exceeds the {limit} limit")
            if (
                cur_start >= 0
                and start - cur_end <= max_gap
                and max(end, cur_end) - cur_start <= limit
            ):
                cur_end = max(cur_end, end)
                continue
            if cur_start >= 0:
                blocks.append(ReadBlock(table, cur_start, cur_end - cur_start))  # type: ignore[arg-type]
            cur_start, cur_end = start, end
        if cur_start >= 0:
            blocks.append(ReadBlock(table, cur_start, cur_end - cur_start))  # type: ignore[arg-type]
    return blocks


def parse_url(url: str) -> tuple[str, int, int]:
    """``modbus+tcp://host[:port][?unit=N]`` -> (host, port, unit)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "modbus+tcp":
        raise ConfigError(f"ModbusTcpDriver needs a modbus+tcp:// URL, got {url!r}")
    try:
        host, port = parts.hostname, parts.port or 502
    except ValueError as exc:
        raise ConfigError(f"{url!r}: {exc}") from None
    if not host:
        raise ConfigError(f"{url!r} names no host")
    if parts.path not in ("", "/"):
        raise ConfigError(f"{url!r}: a Modbus TCP URL has no path")
    unit = 1
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in ("unit", "device_id"):
            raise ConfigError(f"{url!r}: unknown option {key!r} (only unit=N)")
        try:
            unit = int(value)
        except ValueError:
            raise ConfigError(f"{url!r}: unit {value!r} is not a number") from None
        if not 0 <= unit <= 255:
            raise ConfigError(f"{url!r}: unit must be 0..255")
    return host, port, unit


# --------------------------------------------------------------------------- driver


@dataclass
class _Binding:
    tag: Tag
    address: ModbusAddress

    @property
    def size(self) -> int:
        return 1 if self.address.is_bits else register_count(self.tag.datatype)

    def span(self) -> tuple[str, int, int]:
        return (self.address.table, self.address.offset, self.size)


@dataclass
class _PollGroup:
    sampling_ms: int
    bindings: list[_Binding]
    blocks: list[ReadBlock] = field(default_factory=list)


class _RefusedError(Exception):
    """The device answered a request with a Modbus exception response."""

    def __init__(self, block: ReadBlock | None, code: int) -> None:
        self.block = block
        self.code = code
        try:
            self.code_name = ExcCodes(code).name
        except ValueError:
            self.code_name = f"code {code}"
        super().__init__(f"device refused {block}: {self.code_name}")


_LINK_ERRORS = (TimeoutError, OSError, ConnectionError, ModbusException)


class ModbusTcpDriver(SupervisedDriver["_Binding"]):
    """Modbus TCP :class:`~hmi.devices.base.Driver` on top of pymodbus's async client.

    Options (all keyword): ``timeout`` (1 s per request attempt, also the connect
    timeout), ``retries`` (1: a request is sent at most ``retries + 1`` times),
    ``connect_timeout`` (10 s, only with ``wait_connected``), ``wait_connected``
    (True: ``async with`` returns once connected or raises; False: returns at once
    and keeps connecting in the background), ``backoff_initial`` (0.1 s),
    ``backoff_max`` (1 s), ``max_gap`` (8 addresses read over between tags),
    ``config_retry_s`` (10 s between retries after missing addresses),
    ``on_error`` (called with each new :class:`DeviceError` the supervisor meets),
    ``history`` (200 entries per ring buffer).
    """

    def __init__(
        self,
        url: str,
        tags: Sequence[Tag],
        *,
        on_value: ValueCallback,
        on_state: StateCallback,
        on_error: Callable[[DeviceError], None] | None = None,
        timeout: float = 1.0,
        retries: int = 1,
        connect_timeout: float = 10.0,
        wait_connected: bool = True,
        backoff_initial: float = 0.1,
        backoff_max: float = 1.0,
        max_gap: int = 8,
        config_retry_s: float = 10.0,
        history: int = 200,
    ) -> None:
        self.host, self.port, self.unit = parse_url(url)
        if timeout <= 0 or retries < 0:
            raise ConfigError(f"timeout must be > 0 and retries >= 0 (url {url!r})")
        self.timeout = timeout
        self.retries = retries
        self.max_gap = max_gap

        bindings: dict[str, _Binding] = {}
        bad: list[str] = []
        for tag in tags:
            if tag.name in bindings:
                raise ConfigError(f"tag name {tag.name!r} is configured twice")
            try:
                bindings[tag.name] = _Binding(tag, parse_address(tag.address, tag.datatype))
            except ConfigError as exc:
                bad.append(f"{tag.name}: {exc}")
        if bad:
            raise ConfigError("bad Modbus tag configuration: " + "; ".join(bad))
        super().__init__(
            url,
            bindings,
            on_value=on_value,
            on_state=on_state,
            on_error=on_error,
            connect_timeout=connect_timeout,
            wait_connected=wait_connected,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            config_retry_s=config_retry_s,
            history=history,
        )
        groups: dict[int, list[_Binding]] = {}
        for b in bindings.values():
            groups.setdefault(b.tag.sampling_ms, []).append(b)
        self._groups = [_PollGroup(ms, members) for ms, members in sorted(groups.items())]
        self._frames: deque[tuple[float, bool, bytes]] = deque(maxlen=history)
        self._client: AsyncModbusTcpClient | None = None
        self._pollers: list[asyncio.Task[None]] = []

    # ------------------------------------------------------------------ public API

    def read_plan(self) -> dict[int, list[ReadBlock]]:
        """The read requests of each poll group (sampling_ms -> blocks), for diagnosis."""
        return {g.sampling_ms: list(g.blocks) for g in self._groups}

    def recent_frames(self) -> list[str]:
        """The ring buffer of recent raw frames, oldest first: ``'<t> >> hex'`` (sent) / ``<<``."""
        return [
            f"{t:.3f} {'>>' if sent else '<<'} {data.hex(' ')}" for t, sent, data in self._frames
        ]

    async def read(self, names: Sequence[str]) -> dict[str, TagValue]:
        """Read ``names`` from the device now (merged requests); does not call ``on_value``."""
        bindings = [self._binding(name) for name in names]
        client = self._require_client()
        generation = self._generation
        blocks = plan_reads((b.span() for b in bindings), max_gap=self.max_gap)
        polled = _now()
        try:
            data = {blk: await self._read_block(client, generation, blk) for blk in blocks}
        except _RefusedError as exc:
            raise DeviceError(
                f"{self.url}: {exc}",
                operator_message=(
                    f"The machine controller refused to send values ({exc.code_name}). "
                    "Ask maintenance to check the tag configuration."
                ),
            ) from exc
        except _LINK_ERRORS as exc:
            self._trigger_loss(generation, f"read failed: {exc!r}")
            raise self._link_error("read", exc) from exc
        received = _now()
        out: dict[str, TagValue] = {}
        for b in bindings:
            value = self._extract(b, blocks, data)
            out[b.tag.name] = TagValue(
                b.tag.name, value, Quality.GOOD, polled, received, ConnectionState.CONNECTED
            )
        return out

    async def write(self, name: str, value: object) -> TagValue:
        """Write ``value``, read it back and return it once it confirms the write."""
        binding = self._binding(name)
        tag, addr = binding.tag, binding.address
        if addr.read_only:
            self._note("write %s refused: %s is read-only", name, _TABLES[addr.table])
            raise WriteRejectedError(
                name, value, f"a Modbus {_TABLES[addr.table]} cannot be written"
            )
        if tag.access != "rw":
            self._note("write %s refused: read-only tag", name)
            raise WriteRejectedError(
                name, value, "the tag is read-only in the station configuration"
            )
        if addr.is_bits:
            if not isinstance(value, bool):
                raise WriteRejectedError(name, value, "the value must be on/off (true or false)")
            registers: list[int] = []
        else:
            try:
                registers = encode_value(
                    tag.datatype, value, word_le=addr.word_le, byte_swap=addr.byte_swap
                )
            except ValueError as exc:
                raise WriteRejectedError(name, value, str(exc)) from None
        client = self._require_client()
        generation = self._generation
        self._note("write %s = %r (%s)", name, value, registers or value)
        block = ReadBlock(addr.table, addr.offset, binding.size)
        try:
            if addr.is_bits:
                response = await self._request(
                    generation,
                    client.write_coil(addr.offset, bool(value), device_id=self.unit),
                )
            elif len(registers) == 1:
                response = await self._request(
                    generation,
                    client.write_register(addr.offset, registers[0], device_id=self.unit),
                )
            else:
                response = await self._request(
                    generation,
                    client.write_registers(addr.offset, registers, device_id=self.unit),
                )
            if response.isError():
                raise _RefusedError(block, getattr(response, "exception_code", 0))
            raw = await self._read_block(client, generation, block)
        except _RefusedError as exc:
            reason = f"the machine refused it ({exc.code_name})"
            self._note("write %s rejected: %s", name, reason)
            raise WriteRejectedError(name, value, reason) from exc
        except _LINK_ERRORS as exc:
            self._trigger_loss(generation, f"write failed: {exc!r}")
            raise self._link_error("write", exc) from exc
        read_back = self._decode(binding, raw)
        if addr.is_bits or tag.datatype == "bool":
            same = read_back is bool(value)
        else:
            same = list(raw) == registers
        if not same:
            self._note("write %s not confirmed: read back %r", name, read_back)
            raise WriteVerifyError(name, value, read_back)
        now = _now()
        result = TagValue(name, read_back, Quality.GOOD, now, now, ConnectionState.CONNECTED)
        self._offer(result)
        return result

    # ------------------------------------------------------------------ internals

    def _link_error(self, what: str, exc: BaseException) -> DeviceError:
        if isinstance(exc, TimeoutError) or "No response" in str(exc):
            return DeviceTimeout(
                f"{what} on {self.url} got no answer ({self.retries + 1} x {self.timeout:g} s)"
            )
        return ConnectError(f"{what} on {self.url} failed: {exc}", url=self.url)

    def _offer(self, value: TagValue) -> None:
        """Deliver ``value`` only if it differs (value beyond deadband, or quality)."""
        last = self._last.get(value.tag)
        if last is None or last.quality is not value.quality:
            self._deliver(value)
            return
        if value.quality is not Quality.GOOD:
            return
        tag = self._bindings[value.tag].tag
        old, new = last.value, value.value
        if tag.is_numeric and isinstance(old, int | float) and isinstance(new, int | float):
            if isinstance(old, float) and isinstance(new, float):
                if math.isnan(old) and math.isnan(new):
                    return
                if math.isnan(old) or math.isnan(new):
                    self._deliver(value)
                    return
            if abs(new - old) > tag.deadband or (tag.deadband == 0 and new != old):
                self._deliver(value)
            return
        if new != old:
            self._deliver(value)

    def _trace_packet(self, sending: bool, data: bytes) -> bytes:
        self._frames.append((time.time(), sending, bytes(data)))
        return data

    async def _request(self, generation: int, request: Awaitable[ModbusPDU]) -> ModbusPDU:
        """Await a pymodbus request, but give up at once when the link is declared lost.

        pymodbus does not fail an outstanding request when the socket closes; it
        waits out ``timeout`` x ``retries``. Racing it against the loss event keeps
        a write or read from hanging on a link we already know is dead.
        """
        task = asyncio.ensure_future(request)
        lost = asyncio.ensure_future(self._lost.wait())
        try:
            await asyncio.wait({task, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, *_LINK_ERRORS):
                await task
            raise ConnectionError("connection lost while waiting for the answer")
        if generation != self._generation:
            raise ConnectionError("connection replaced while waiting for the answer")
        return task.result()

    async def _read_block(
        self, client: AsyncModbusTcpClient, generation: int, block: ReadBlock
    ) -> list[int] | list[bool]:
        read = {
            "hr": client.read_holding_registers,
            "ir": client.read_input_registers,
            "co": client.read_coils,
            "di": client.read_discrete_inputs,
        }[block.table]
        response = await self._request(
            generation, read(block.start, count=block.count, device_id=self.unit)
        )
        if response.isError():
            raise _RefusedError(block, getattr(response, "exception_code", 0))
        if block.table in _BIT_TABLES:
            bits = list(response.bits)[: block.count]
            if len(bits) != block.count:
                raise ConnectionError(f"short answer to {block}: {len(bits)} bits")
            return bits
        registers = list(response.registers)
        if len(registers) != block.count:
            raise ConnectionError(f"short answer to {block}: {len(registers)} registers")
        return registers

    def _decode(self, binding: _Binding, raw: Sequence[int] | Sequence[bool]) -> object:
        if binding.address.is_bits:
            return bool(raw[0])
        return decode_registers(
            [int(r) for r in raw],
            binding.tag.datatype,
            word_le=binding.address.word_le,
            byte_swap=binding.address.byte_swap,
        )

    def _extract(
        self,
        binding: _Binding,
        blocks: Sequence[ReadBlock],
        data: dict[ReadBlock, list[int] | list[bool]],
    ) -> object:
        addr = binding.address
        for blk in blocks:
            if (
                blk.table == addr.table
                and blk.start <= addr.offset
                and addr.offset + binding.size <= blk.end
            ):
                lo = addr.offset - blk.start
                return self._decode(binding, data[blk][lo : lo + binding.size])
        raise AssertionError(f"no read block covers {binding.tag.address}")  # pragma: no cover

    # -- the supervisor

    async def _connect_once(self) -> None:
        self._generation += 1
        generation = self._generation
        self._lost.clear()
        self._note(
            "connecting to %s:%d unit %d (generation %d)",
            self.host,
            self.port,
            self.unit,
            generation,
        )

        def on_connect(up: bool) -> None:
            if not up:
                self._trigger_loss(generation, "socket closed")

        client = AsyncModbusTcpClient(
            self.host,
            port=self.port,
            name=f"hmi {self.url}",
            timeout=self.timeout,
            retries=self.retries,
            reconnect_delay=0,  # reconnecting is the supervisor's job
            trace_packet=self._trace_packet,
            trace_connect=on_connect,
        )
        self._client = client
        if not await client.connect() or not client.connected:
            raise ConnectError(f"cannot reach {self.host}:{self.port}", url=self.url)
        await self._verify(client, generation)

    async def _verify(self, client: AsyncModbusTcpClient, generation: int) -> None:
        """Plan each poll group's reads and check every address answers."""
        missing: list[tuple[str, str]] = []
        for group in self._groups:
            blocks = plan_reads((b.span() for b in group.bindings), max_gap=self.max_gap)
            refused: list[ReadBlock] = []
            for blk in blocks:
                try:
                    await self._read_block(client, generation, blk)
                except _RefusedError:
                    refused.append(blk)
            if refused:
                # Read each tag alone: either the gaps were the problem, or the tag is.
                exact = plan_reads((b.span() for b in group.bindings), max_gap=0)
                for b in group.bindings:
                    blk = ReadBlock(b.address.table, b.address.offset, b.size)
                    if any(r.start <= blk.start < r.end and r.table == blk.table for r in refused):
                        try:
                            await self._read_block(client, generation, blk)
                        except _RefusedError:
                            missing.append((b.tag.name, b.tag.address))
                self._note(
                    "device refused merged reads %s; reading without gaps",
                    refused,
                    level=logging.INFO,
                )
                blocks = exact
            group.blocks = blocks
        if missing:
            order = list(self._bindings)
            missing.sort(key=lambda pair: order.index(pair[0]))
            raise TagNotFoundError(missing[0][0], missing[0][1], missing=missing)
        self._note(
            "polling %d tags in %d group(s), %d request(s) per round",
            len(self._bindings),
            len(self._groups),
            sum(len(g.blocks) for g in self._groups),
        )

    async def _poll_loop(self, generation: int, group: _PollGroup) -> None:
        loop = asyncio.get_running_loop()
        period = group.sampling_ms / 1000.0
        client = self._client
        assert client is not None
        deadline = loop.time()
        while generation == self._generation and not self._lost.is_set():
            polled = _now()
            data: dict[ReadBlock, list[int] | list[bool]] = {}
            refused: dict[ReadBlock, str] = {}
            try:
                for blk in group.blocks:
                    try:
                        data[blk] = await self._read_block(client, generation, blk)
                    except _RefusedError as exc:
                        refused[blk] = exc.code_name
            except _LINK_ERRORS as exc:
                self._trigger_loss(generation, f"poll failed: {exc!r}")
                return
            received = _now()
            for b in group.bindings:
                blk = next(
                    x
                    for x in group.blocks
                    if x.table == b.address.table
                    and x.start <= b.address.offset
                    and b.address.offset + b.size <= x.end
                )
                if blk in refused:
                    last = self._last.get(b.tag.name)
                    if last is None or last.quality is not Quality.BAD:
                        self._note("poll of %s refused: %s", b.tag.name, refused[blk])
                    self._offer(
                        TagValue(
                            b.tag.name,
                            last.value if last else None,
                            Quality.BAD,
                            last.source_ts if last else polled,
                            received,
                            ConnectionState.CONNECTED,
                        )
                    )
                    continue
                lo = b.address.offset - blk.start
                value = self._decode(b, data[blk][lo : lo + b.size])
                self._offer(
                    TagValue(
                        b.tag.name, value, Quality.GOOD, polled, received, ConnectionState.CONNECTED
                    )
                )
            deadline += period
            now = loop.time()
            if deadline < now:  # overran: skip the missed rounds rather than burst
                deadline = now
            await asyncio.sleep(deadline - now)

    # -- hooks of SupervisedDriver

    LINK_ERRORS = _LINK_ERRORS
    KIND = "modbus"

    def _connect_error(self, exc: BaseException) -> DeviceError:
        return self._link_error("connect", exc)

    async def _on_connected(self) -> None:
        generation = self._generation
        self._pollers = [
            asyncio.create_task(
                self._poll_loop(generation, group),
                name=f"modbus-poll {self.url} {group.sampling_ms} ms",
            )
            for group in self._groups
        ]

    async def _on_lost(self) -> None:
        await self._stop_pollers()

    async def _drop(self, *, graceful: bool) -> None:
        self._drop_client()

    async def _stop_pollers(self) -> None:
        pollers, self._pollers = self._pollers, []
        for task in pollers:
            task.cancel()
        for task in pollers:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
