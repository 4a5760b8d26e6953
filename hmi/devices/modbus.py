"""Modbus drivers implementing :class:`hmi.devices.base.Driver`: TCP and RTU (serial).

Both run on pymodbus's async clients (``AsyncModbusTcpClient``,
``AsyncModbusSerialClient`` with the RTU framer) and share everything above the
wire in :class:`_ModbusDriver`: poll groups, decoding, scaling, writes with
read-back, link supervision.

URLs
----
* ``modbus+tcp://host[:port][?unit=N&timeout=S&retries=N&connections=N]`` — port 502
  and unit 1 by default (``device_id=N`` is a synonym of ``unit``). ``connections``
  (1..8, default 1) opens that many TCP connections and spreads each poll's reads
  over them: pymodbus keeps one request in flight per connection, so ten 125-register
  reads back to back cost ten round trips; over three connections about four. Most
  PLCs accept several Modbus TCP clients (check the device's limit: one it refuses
  is left out, with a note in the driver's events, and polling goes on with fewer).
* ``modbus+rtu:///dev/ttyUSB0?baud=19200&parity=E&bytesize=8&stopbits=1&unit=1``
  (``modbus+rtu://COM3`` on Windows). Defaults are the Modbus-over-serial
  spec's 19200 baud 8E1 and unit 1 (1..247: 0 is broadcast, which never
  answers). Further options: ``timeout`` (s per request attempt), ``retries``,
  ``turnaround_ms`` (5: the slave's think time per request, for the line
  check) and ``max_load`` (0.9: share of the line the poll plan may use).
  ``bytesize`` must be 8 (RTU frames are binary; 7 bits is Modbus ASCII).

A keyword argument given in code (``timeout=``, ``retries=``) wins over the
URL, the URL over the built-in default. Any bad value is a
:class:`ConfigError` naming the option and what would be valid.

Addresses
---------
A tag address is ``<table>:<offset>[:<order>...]`` with table ``hr`` (holding
register), ``ir`` (input register), ``co`` (coil) or ``di`` (discrete input)
and a zero-based protocol offset (what goes on the wire, not the 4xxxx
"register number"). Order suffixes apply to register values of more than one
byte:

* ``be`` (default): big-endian words, big-endian bytes (Modbus "ABCD");
* ``le``: low word first, as many PLCs store 32/64-bit values ("CDAB");
* ``swap``: bytes swapped inside each register ("BADC"); ``le:swap`` gives "DCBA".

Datatypes: ``bool`` (coil/discrete input, or a register that is != 0),
``int16``/``uint16`` (1 register), ``int32``/``uint32``/``float32`` (2),
``float64`` (4). ``string`` is refused with a :class:`ConfigError` for now.

Design
------
* One **supervisor task** (:class:`~hmi.devices.link.SupervisedDriver`) owns the
  connection and builds a fresh client per attempt; pymodbus's own reconnect
  is off (``reconnect_delay=0``) so the backoff, the state enum and the BAD
  re-delivery are ours. Loss is detected by pymodbus's ``trace_connect(False)``
  (socket or serial port closed) or by any poll/read/write that fails on the
  link (no answer after ``retries``, not connected). A device that accepts
  the TCP connection but never answers, or a serial line whose cable is cut,
  is therefore a loss too: values go BAD, and each reconnect attempt reports
  a :class:`DeviceTimeout` until the device answers again.
* **Poll groups**: one poll task per distinct ``sampling_ms``. Inside a group the
  tags of each table are merged by :func:`plan_reads` into contiguous requests of
  at most 125 registers (2000 bits for coils/discrete inputs), reading over gaps
  of up to ``max_gap`` (8) unused addresses. If the device refuses a merged
  request (illegal address inside a gap), the group is re-planned without gaps;
  addresses the device refuses one by one are reported as
  :class:`TagNotFoundError` at connect time, or as BAD values while polling.
* **Scaling**: a decoded raw value goes up as ``tag.to_eng(raw)``. A write
  converts the engineering value with ``tag.to_raw`` first (integer tags round
  to the nearest raw step), so the range and type checks apply to what the
  device stores (a refusal states the range in engineering units); the
  registers read back are compared raw, and the engineering value of what the
  device now holds is returned.
* A value is delivered only when it changed or its quality changed. The
  **deadband** is compared on the *engineering* value, in the tag's own unit,
  because that is the unit the station file states it in; for linear scaling
  this equals comparing raw values with ``tag.raw_deadband``. ``source_ts`` is
  the poll time (UTC: Modbus carries no timestamps). Each poll group compiles
  its read plan once (every tag's block and position, precompiled ``struct``
  formats per block) and keeps the previous poll's registers per block, so
  an unchanged block costs one comparison and only tags whose raw value moved
  are converted and compared (see ``_poll_loop``).
* ``write`` encodes per datatype and word/byte order, writes (``write_coil`` /
  ``write_register`` / ``write_registers``), reads back and raises
  :class:`WriteVerifyError` unless the read-back registers equal what was written.
* **RTU line**: one master talks to the slaves one request at a time. Every
  request of every poll group and every write passes one lock, and the driver
  keeps the 3.5-character silence between frames that the Modbus serial spec
  requires (pymodbus sends the next request the moment an answer is in).
  At construction :func:`rtu_line_load` adds up the bytes, gaps and slave
  turnaround of the poll plan per second; a plan that needs more than
  ``max_load`` of the line is refused with the arithmetic, instead of polls
  silently falling behind their sampling period on site. Writes and retries
  are not in the sum: they live in the headroom ``max_load`` leaves.
  One driver talks to one slave (``unit``) and opens the port exclusively, so
  two slaves on one RS-485 line need a shared driver that does not exist yet.
* Two ring buffers for diagnosis: ``recent_events()`` (link events) and
  ``recent_frames()`` (raw frames sent/received, as hex; for RTU with unit
  byte and CRC).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import math
import struct
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

import serial
from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.constants import ExcCodes
from pymodbus.exceptions import ModbusException
from pymodbus.framer import FramerType
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
    "RTU_READ_REQUEST_BYTES",
    "STANDARD_BAUDS",
    "GroupLoad",
    "LineLoad",
    "ModbusAddress",
    "ModbusRtuDriver",
    "ModbusTcpDriver",
    "ReadBlock",
    "RtuUrl",
    "SerialLine",
    "decode_registers",
    "encode_value",
    "parse_address",
    "parse_rtu_url",
    "parse_url",
    "plan_reads",
    "rtu_line_load",
    "rtu_response_bytes",
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

#: Baud rates offered when a poll plan needs a faster line (the common RS-485 rates).
STANDARD_BAUDS: tuple[int, ...] = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


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


# --------------------------------------------------------------------------- URLs


def _whole(low: int, high: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise ValueError(f"must be a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"must be from {low} to {high}")
        return value

    return convert


def _number(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value > high or value < low or (low_open and value == low):
            raise ValueError(
                f"must be a number above {low:g} and at most {high:g}"
                if low_open
                else f"must be a number from {low:g} to {high:g}"
            )
        return value

    return convert


def _parity(text: str) -> str:
    value = {"N": "N", "E": "E", "O": "O", "NONE": "N", "EVEN": "E", "ODD": "O"}.get(text.upper())
    if value is None:
        raise ValueError("must be N (none), E (even) or O (odd)")
    return value


def _bytesize(text: str) -> int:
    if text.strip() != "8":
        raise ValueError("must be 8: Modbus RTU frames are binary (7 data bits is Modbus ASCII)")
    return 8


_TIMEOUT = _number(0.0, 60.0, low_open=True)
_RETRIES = _whole(0, 10)


def _url_options(
    url: str, query: str, allowed: Mapping[str, tuple[str, Callable[[str], Any]]]
) -> dict[str, Any]:
    """Parse ``query`` with ``allowed`` (key -> (option name, converter)); ConfigError says why not."""
    out: dict[str, Any] = {}
    for key, text in parse_qsl(query, keep_blank_values=True):
        if key not in allowed:
            raise ConfigError(
                f"{url!r}: unknown option {key!r} (known: {', '.join(sorted(allowed))})"
            )
        name, convert = allowed[key]
        if name in out:
            raise ConfigError(f"{url!r}: option {key!r} is given twice")
        try:
            out[name] = convert(text)
        except ValueError as exc:
            raise ConfigError(f"{url!r}: {key}={text!r} {exc}") from None
    return out


_TCP_OPTIONS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "unit": ("unit", _whole(0, 255)),
    "device_id": ("unit", _whole(0, 255)),
    "timeout": ("timeout", _TIMEOUT),
    "retries": ("retries", _RETRIES),
    "connections": ("connections", _whole(1, 8)),
}


def _parse_tcp_url(url: str) -> tuple[str, int, dict[str, Any]]:
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
    return host, port, _url_options(url, parts.query, _TCP_OPTIONS)


def parse_url(url: str) -> tuple[str, int, int]:
    """``modbus+tcp://host[:port][?unit=N&timeout=S&retries=N]`` -> (host, port, unit)."""
    host, port, options = _parse_tcp_url(url)
    return host, port, options.get("unit", 1)


@dataclass(frozen=True)
class SerialLine:
    """A serial line's settings and the timing the Modbus serial spec derives from them."""

    port: str
    baud: int = 19200
    parity: str = "E"
    bytesize: int = 8
    stopbits: int = 1

    @property
    def frame(self) -> str:
        """``8E1`` style: data bits, parity, stop bits."""
        return f"{self.bytesize}{self.parity}{self.stopbits}"

    @property
    def bits_per_char(self) -> int:
        """1 start bit + data bits + parity bit (unless N) + stop bits."""
        return 1 + self.bytesize + (0 if self.parity == "N" else 1) + self.stopbits

    @property
    def char_s(self) -> float:
        return self.bits_per_char / self.baud

    @property
    def gap_s(self) -> float:
        """The silence that ends a frame: 3.5 characters, fixed at 1.75 ms above 19200 baud."""
        return 1.75e-3 if self.baud > 19200 else 3.5 * self.char_s


@dataclass(frozen=True)
class RtuUrl:
    """A parsed ``modbus+rtu://`` URL. ``timeout``/``retries`` are None when not given."""

    line: SerialLine
    unit: int = 1
    timeout: float | None = None
    retries: int | None = None
    turnaround_ms: float = 5.0
    max_load: float = 0.9


_RTU_OPTIONS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "baud": ("baud", _whole(50, 4_000_000)),
    "baudrate": ("baud", _whole(50, 4_000_000)),
    "parity": ("parity", _parity),
    "bytesize": ("bytesize", _bytesize),
    "stopbits": ("stopbits", _whole(1, 2)),
    "unit": ("unit", _whole(1, 247)),
    "device_id": ("unit", _whole(1, 247)),
    "timeout": ("timeout", _TIMEOUT),
    "retries": ("retries", _RETRIES),
    "turnaround_ms": ("turnaround_ms", _number(0.0, 1000.0)),
    "max_load": ("max_load", _number(0.0, 1.0, low_open=True)),
}


def parse_rtu_url(url: str) -> RtuUrl:
    """``modbus+rtu:///dev/ttyUSB0?baud=19200&parity=E&…`` -> :class:`RtuUrl` (see the module doc)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "modbus+rtu":
        raise ConfigError(f"ModbusRtuDriver needs a modbus+rtu:// URL, got {url!r}")
    if parts.netloc and parts.path:
        raise ConfigError(
            f"{url!r}: the serial port must follow three slashes, e.g. modbus+rtu:///dev/ttyUSB0"
        )
    port = unquote(parts.netloc or parts.path)
    if not port or port == "/":
        raise ConfigError(f"{url!r} names no serial port (e.g. modbus+rtu:///dev/ttyUSB0)")
    options = _url_options(url, parts.query, _RTU_OPTIONS)
    line = SerialLine(
        port,
        baud=options.pop("baud", 19200),
        parity=options.pop("parity", "E"),
        bytesize=options.pop("bytesize", 8),
        stopbits=options.pop("stopbits", 1),
    )
    return RtuUrl(line, **options)


# --------------------------------------------------------------------------- RTU line capacity

#: Bytes of a read request on an RTU line: unit, function, start (2), count (2), CRC (2).
RTU_READ_REQUEST_BYTES = 8


def rtu_response_bytes(block: ReadBlock) -> int:
    """Bytes of the answer to ``block`` on an RTU line: unit, function, byte count, data, CRC (2)."""
    if block.table in _BIT_TABLES:
        return 5 + math.ceil(block.count / 8)
    return 5 + 2 * block.count


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class GroupLoad:
    """One poll group's use of the line per sampling period."""

    sampling_ms: int
    requests: int
    bytes: int  #: requests and answers together
    line_s: float  #: characters + inter-frame gaps + slave turnaround

    @property
    def load(self) -> float:
        """Share of the line this group needs (1.0 = busy all the time)."""
        return self.line_s * 1000.0 / self.sampling_ms


@dataclass(frozen=True)
class LineLoad:
    """What a poll plan asks of an RTU line (see :func:`rtu_line_load`)."""

    line: SerialLine
    turnaround_s: float
    max_load: float
    groups: tuple[GroupLoad, ...]

    @property
    def load(self) -> float:
        """Share of the line all poll groups together need."""
        return sum(g.load for g in self.groups)

    @property
    def fits(self) -> bool:
        return self.load <= self.max_load

    def line_s_at(self, group: GroupLoad, line: SerialLine) -> float:
        """The line time ``group`` would need on ``line`` (another baud rate, say)."""
        return group.bytes * line.char_s + group.requests * (2 * line.gap_s + self.turnaround_s)

    def load_at(self, line: SerialLine) -> float:
        return sum(self.line_s_at(g, line) * 1000.0 / g.sampling_ms for g in self.groups)

    def slower_rates(self) -> dict[int, int]:
        """Each group's sampling_ms stretched so the plan fits (rounded up to 10 ms)."""
        factor = self.load / self.max_load
        return {
            g.sampling_ms: math.ceil(g.sampling_ms * factor / 10 - 1e-9) * 10 for g in self.groups
        }

    def fitting_baud(self) -> int | None:
        """The lowest standard baud rate at which the plan fits, or None if none does."""
        for baud in STANDARD_BAUDS:
            line = SerialLine(
                self.line.port, baud, self.line.parity, self.line.bytesize, self.line.stopbits
            )
            if self.load_at(line) <= self.max_load:
                return baud
        return None

    def explain(self) -> str:
        """The refusal message, with the arithmetic a technician can check."""
        line = self.line
        gap = (
            "two 1.75 ms gaps (fixed above 19200 baud)"
            if line.baud > 19200
            else f"two 3.5-char gaps of {line.gap_s * 1000:.3f} ms"
        )
        basis = (
            f"{line.bits_per_char} bits/char, {line.char_s * 1000:.3f} ms/char, "
            f"+ {gap} + {self.turnaround_s * 1000:g} ms turnaround per request"
        )
        head = f"RTU line {line.port} at {line.baud} baud {line.frame} cannot carry the poll plan: "
        rates = self.slower_rates()
        if len(self.groups) == 1:
            (g,) = self.groups
            body = (
                f"{_plural(g.requests, 'request')}, {g.bytes:,} bytes per {g.sampling_ms} ms cycle "
                f"= {g.line_s * 1000:,.0f} ms of line time ({basis}) "
                f"> {g.sampling_ms * self.max_load:.0f} ms allowed "
                f"({self.max_load:.0%} of the cycle); "
                f"lower the rate (sampling_ms ≥ {rates[g.sampling_ms]})"
            )
        else:
            each = "; ".join(
                f"{g.sampling_ms} ms group: {_plural(g.requests, 'request')}, {g.bytes:,} bytes "
                f"= {g.line_s * 1000:,.0f} ms of line time per cycle ({g.load:.0%})"
                for g in self.groups
            )
            stretched = ", ".join(f"{ms} → {new}" for ms, new in rates.items())
            body = (
                f"{each}; together {self.load:.0%} of the line > {self.max_load:.0%} allowed "
                f"({basis}); lower the rates (sampling_ms {stretched})"
            )
        baud = self.fitting_baud()
        if baud is not None and baud > line.baud:
            tail = f" or raise the baud rate ({baud} would carry it; set it on the device too)"
        else:
            tail = (
                f" or poll fewer registers: even {STANDARD_BAUDS[-1]} baud would not carry it "
                "(split the tags over more serial lines)"
            )
        return head + body + tail


def rtu_line_load(
    plan: Mapping[int, Sequence[ReadBlock]],
    baud: int,
    *,
    parity: str = "E",
    bytesize: int = 8,
    stopbits: int = 1,
    turnaround_ms: float = 5.0,
    max_load: float = 0.9,
    port: str = "",
) -> LineLoad:
    """How much of an RTU line the poll ``plan`` (sampling_ms -> read blocks) needs.

    Per request: an 8-byte request and its answer (5 + 2·N bytes for N registers,
    5 + ceil(N/8) for N coils or discrete inputs) at ``bits_per_char / baud``
    seconds a character, the inter-frame silence before each of the two frames
    (3.5 characters; 1.75 ms above 19200 baud), and ``turnaround_ms`` for the
    slave to answer. Summed per group and divided by its sampling period.
    """
    line = SerialLine(port, baud, parity, bytesize, stopbits)
    turnaround = turnaround_ms / 1000.0
    groups: list[GroupLoad] = []
    for sampling_ms, blocks in sorted(plan.items()):
        size = sum(RTU_READ_REQUEST_BYTES + rtu_response_bytes(b) for b in blocks)
        requests = len(blocks)
        line_s = size * line.char_s + requests * (2 * line.gap_s + turnaround)
        groups.append(GroupLoad(sampling_ms, requests, size, line_s))
    return LineLoad(line, turnaround, max_load, tuple(groups))


# --------------------------------------------------------------------------- driver


@dataclass
class _Binding:
    tag: Tag
    address: ModbusAddress
    size: int = field(init=False)  #: registers (or bits) the value occupies

    def __post_init__(self) -> None:
        self.size = 1 if self.address.is_bits else register_count(self.tag.datatype)

    def span(self) -> tuple[str, int, int]:
        return (self.address.table, self.address.offset, self.size)


def _differs(numeric: bool, deadband: float, old: object, new: object) -> bool:
    """Whether ``new`` is worth delivering after ``old`` (both GOOD): beyond the deadband."""
    if numeric and isinstance(old, int | float) and isinstance(new, int | float):
        if isinstance(old, float) and isinstance(new, float):
            if math.isnan(old) and math.isnan(new):
                return False
            if math.isnan(old) or math.isnan(new):
                return True
        return abs(new - old) > deadband or (deadband == 0 and new != old)
    return new != old


@dataclass(frozen=True, slots=True)
class _Segment:
    """Non-overlapping values of one byte order in a register block, unpacked in one call.

    ``swapped``: unpack from the block's bytes with each register byte-swapped.
    ``positions``: which of the block plan's bindings the unpacked values belong to.
    """

    fmt: struct.Struct
    swapped: bool
    positions: tuple[int, ...]


# (word_le, byte_swap) -> (struct byte order, unpack from the byte-swapped buffer).
# With buf = the registers as big-endian words and sw = each word byte-swapped:
# "ABCD" = >buf, "BADC" = >sw, "CDAB" (low word first) = <sw, "DCBA" = <buf.
_ORDER_PLAN: dict[tuple[bool, bool], tuple[str, bool]] = {
    (False, False): (">", False),
    (False, True): (">", True),
    (True, False): ("<", True),
    (True, True): ("<", False),
}


class _SegmentDraft:
    def __init__(self, order: tuple[str, bool]) -> None:
        self.order = order
        self.end = 0  # registers from the block start
        self.parts: list[str] = []
        self.positions: list[int] = []

    def add(self, pos: int, rel: int, size: int, code: str) -> None:
        if rel > self.end:
            self.parts.append(f"{2 * (rel - self.end)}x")
        self.parts.append(code)
        self.end = rel + size
        self.positions.append(pos)

    def build(self) -> _Segment:
        endian, swapped = self.order
        return _Segment(struct.Struct(endian + "".join(self.parts)), swapped, tuple(self.positions))


class _BlockPlan:
    """How one read block of a poll group turns into raw values, compiled once.

    ``bindings`` are the group's tags inside the block, by address. ``decode``
    returns their raw (device) values in that order: registers are packed to
    bytes once and unpacked with precompiled struct formats (one call per byte
    order, padding over gaps), bits are picked by index. ``convert`` holds per
    binding the step from raw to engineering value (register != 0 for a bool
    in a register, ``tag.to_eng`` for scaled tags), None when there is none.
    """

    __slots__ = (
        "_be",
        "_bit_index",
        "_bits",
        "_segments",
        "_single",
        "_sw",
        "block",
        "bindings",
        "convert",
        "deadbands",
        "names",
        "numeric",
    )

    def __init__(self, block: ReadBlock, bindings: Sequence[_Binding]) -> None:
        self.block = block
        ordered = sorted(bindings, key=lambda b: b.address.offset)
        self.bindings = tuple(ordered)
        self.names = tuple(b.tag.name for b in ordered)
        self.numeric = tuple(b.tag.is_numeric for b in ordered)
        self.deadbands = tuple(b.tag.deadband for b in ordered)
        convert: list[Callable[[Any], object] | None] = []
        for b in ordered:
            if not b.address.is_bits and b.tag.datatype == "bool":
                convert.append(bool)  # a register that is != 0
            elif b.tag.scaled:
                convert.append(b.tag.to_eng)
            else:
                convert.append(None)
        self.convert = tuple(convert)
        self._bits = block.table in _BIT_TABLES
        self._bit_index: tuple[int, ...] = ()
        self._segments: tuple[_Segment, ...] = ()
        self._single: _Segment | None = None
        self._be = self._sw = struct.Struct(f">{block.count}H")
        if self._bits:
            self._bit_index = tuple(b.address.offset - block.start for b in ordered)
            return
        self._sw = struct.Struct(f"<{block.count}H")
        # Greedy: each binding joins the first segment of its byte order that ends before
        # it (overlapping tags, rare, open further segments).
        building: list[_SegmentDraft] = []
        for pos, b in enumerate(ordered):
            word_le = b.address.word_le and b.size > 1  # one word has no word order
            order = _ORDER_PLAN[(word_le, b.address.byte_swap)]
            rel = b.address.offset - block.start
            draft = next((d for d in building if d.order == order and d.end <= rel), None)
            if draft is None:
                draft = _SegmentDraft(order)
                building.append(draft)
            draft.add(pos, rel, b.size, _REGISTER_TYPES[b.tag.datatype][0][1:])
        self._segments = tuple(d.build() for d in building)
        if len(self._segments) == 1:
            self._single = self._segments[0]

    def decode(self, data: Sequence[int] | Sequence[bool]) -> tuple[Any, ...]:
        """The raw values of ``bindings`` from the block's registers (or bits)."""
        if self._bits:
            return tuple(bool(data[i]) for i in self._bit_index)
        single = self._single
        if single is not None:
            buf = (self._sw if single.swapped else self._be).pack(*data)
            return single.fmt.unpack(buf)
        be = self._be.pack(*data)
        sw = self._sw.pack(*data) if any(s.swapped for s in self._segments) else be
        out: list[Any] = [None] * len(self.bindings)
        for seg in self._segments:
            for pos, value in zip(
                seg.positions, seg.fmt.unpack_from(sw if seg.swapped else be), strict=True
            ):
                out[pos] = value
        return tuple(out)


@dataclass
class _PollGroup:
    sampling_ms: int
    bindings: list[_Binding]
    blocks: list[ReadBlock] = field(default_factory=list)
    #: per block (same order as ``blocks``), compiled by :meth:`set_blocks`
    plans: list[_BlockPlan] = field(default_factory=list)

    def set_blocks(self, blocks: Sequence[ReadBlock]) -> None:
        """Adopt a read plan and compile, per block, where each tag's value lies in it."""
        members: dict[ReadBlock, list[_Binding]] = {blk: [] for blk in blocks}
        for b in self.bindings:
            addr = b.address
            for blk in blocks:
                if (
                    blk.table == addr.table
                    and blk.start <= addr.offset
                    and addr.offset + b.size <= blk.end
                ):
                    members[blk].append(b)
                    break
            else:  # pragma: no cover - plan_reads covers every span
                raise AssertionError(f"no read block covers {b.tag.address}")
        self.blocks = list(blocks)
        self.plans = [_BlockPlan(blk, members[blk]) for blk in blocks]


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

_T = TypeVar("_T")


def _first(keyword: _T | None, from_url: _T | None, default: _T) -> _T:
    """A keyword given in code wins over the URL, the URL over the default."""
    if keyword is not None:
        return keyword
    return from_url if from_url is not None else default


_Client = AsyncModbusTcpClient | AsyncModbusSerialClient


class _ModbusDriver(SupervisedDriver["_Binding"]):
    """Everything above the wire, shared by Modbus TCP and RTU.

    A subclass parses its URL, then supplies ``_make_client`` (a fresh pymodbus
    client per connection attempt), ``_unreachable`` (the error when the client
    cannot connect) and ``_target`` (what to call the other end in messages);
    RTU also overrides ``_exchange`` to serialise requests on the line.
    """

    LINK_ERRORS = _LINK_ERRORS
    KIND = "modbus"

    def __init__(
        self,
        url: str,
        tags: Sequence[Tag],
        *,
        unit: int,
        on_value: ValueCallback,
        on_state: StateCallback,
        on_error: Callable[[DeviceError], None] | None,
        timeout: float,
        retries: int,
        connect_timeout: float,
        wait_connected: bool,
        backoff_initial: float,
        backoff_max: float,
        max_gap: int,
        config_retry_s: float,
        history: int,
    ) -> None:
        if timeout <= 0 or retries < 0:
            raise ConfigError(f"timeout must be > 0 and retries >= 0 (url {url!r})")
        self.unit = unit
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
        self._client: _Client | None = None
        #: More connections for parallel reads (Modbus TCP ``connections=N``).
        self._extra_clients: list[_Client] = []
        self.connections = 1
        self._pollers: list[asyncio.Task[None]] = []
        #: resolved when the link of the current generation is declared lost (see _request)
        self._lost_future: asyncio.Future[None] | None = None
        #: bumped whenever a value is delivered outside a poll loop (write read-back)
        self._offers_outside_poll = 0

    # ------------------------------------------------------------------ what a transport supplies

    def _make_client(self, trace_connect: Callable[[bool], None]) -> _Client:
        raise NotImplementedError

    async def _unreachable(self, exc: BaseException | None) -> DeviceError:
        """The error for a client that did not connect (``exc``: what it raised, if anything)."""
        raise NotImplementedError

    def _target(self) -> str:
        """The other end, for log lines."""
        raise NotImplementedError

    def _no_answer(self) -> str:
        """Operator message for a device that is reachable but never answers."""
        raise NotImplementedError

    async def _exchange(self, make: Callable[[], Awaitable[ModbusPDU]]) -> ModbusPDU:
        """Send one request and await its answer (RTU serialises these on the line)."""
        return await make()

    # ------------------------------------------------------------------ public API

    def read_plan(self) -> dict[int, list[ReadBlock]]:
        """The read requests of each poll group (sampling_ms -> blocks), for diagnosis."""
        return {g.sampling_ms: list(g.blocks) for g in self._groups}

    def planned_reads(self) -> dict[int, list[ReadBlock]]:
        """The read requests each poll group will send (before the device is asked)."""
        return {
            g.sampling_ms: plan_reads((b.span() for b in g.bindings), max_gap=self.max_gap)
            for g in self._groups
        }

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
        """Write the engineering ``value``, read it back and return it once it confirms the write."""
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
            if isinstance(value, float) and not math.isfinite(value):
                raise WriteRejectedError(name, value, "the value must be a finite number")
            try:
                registers = encode_value(
                    tag.datatype, tag.to_raw(value), word_le=addr.word_le, byte_swap=addr.byte_swap
                )
            except ValueError as exc:
                raise WriteRejectedError(name, value, self._eng_reason(tag, str(exc))) from None
        client = self._require_client()
        generation = self._generation
        self._note("write %s = %r (%s)", name, value, registers or value)
        block = ReadBlock(addr.table, addr.offset, binding.size)
        try:
            if addr.is_bits:
                response = await self._request(
                    generation,
                    lambda: client.write_coil(addr.offset, bool(value), device_id=self.unit),
                )
            elif len(registers) == 1:
                response = await self._request(
                    generation,
                    lambda: client.write_register(addr.offset, registers[0], device_id=self.unit),
                )
            else:
                response = await self._request(
                    generation,
                    lambda: client.write_registers(addr.offset, registers, device_id=self.unit),
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
        read_back = self._value(binding, raw)
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
        self._offers_outside_poll += 1  # the pollers' "unchanged since last poll" is void now
        return result

    # ------------------------------------------------------------------ internals

    @staticmethod
    def _eng_reason(tag: Tag, reason: str) -> str:
        """A raw range refusal restated in engineering units for a scaled tag."""
        bounds = _REGISTER_TYPES[tag.datatype][2]
        if not tag.scaled or bounds is None or not reason.startswith("the value must be between"):
            return reason
        low, high = sorted(float(tag.to_eng(b)) for b in bounds)  # type: ignore[arg-type]
        unit = f" {tag.unit}" if tag.unit else ""
        return f"the value must be between {low:g} and {high:g}{unit}"

    def _link_error(self, what: str, exc: BaseException) -> DeviceError:
        if isinstance(exc, TimeoutError) or "No response" in str(exc):
            message = (
                f"{what} on {self.url} got no answer from unit {self.unit} "
                f"({self.retries + 1} x {self.timeout:g} s)"
            )
            if what == "connect":
                return DeviceTimeout(message, operator_message=self._no_answer())
            return DeviceTimeout(message)
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
        if _differs(tag.is_numeric, tag.deadband, last.value, value.value):
            self._deliver(value)

    def _trace_packet(self, sending: bool, data: bytes) -> bytes:
        self._frames.append((time.time(), sending, bytes(data)))
        return data

    async def _request(
        self, generation: int, make: Callable[[], Awaitable[ModbusPDU]]
    ) -> ModbusPDU:
        """Send a pymodbus request, but give up at once when the link is declared lost.

        pymodbus does not fail an outstanding request when the socket closes; it
        waits out ``timeout`` x ``retries``. So the request is awaited in the
        caller's own task, and the loss of the link cancels that task (the way
        ``asyncio.timeout`` does) and becomes a ConnectionError here. No request
        runs in a task of its own: when the caller is cancelled (a poll loop
        stopped on link loss or close), pymodbus's ``execute`` is cancelled with
        it and nothing is left running un-awaited. ``make`` builds the request
        only when the line is free (see ``_exchange``).
        """
        lost = self._lost_future
        if lost is None or lost.done() or self._lost.is_set():
            raise ConnectionError("connection lost while waiting for the answer")
        task = asyncio.current_task()
        assert task is not None
        waiting = True
        cancelled_by_loss = False

        def on_lost(_: asyncio.Future[None]) -> None:
            nonlocal cancelled_by_loss
            if waiting:  # the callback runs later; the request may be over by then
                cancelled_by_loss = True
                task.cancel()

        lost.add_done_callback(on_lost)
        try:
            response = await self._exchange(make)
        except asyncio.CancelledError:
            if cancelled_by_loss and task.uncancel() == 0:
                raise ConnectionError("connection lost while waiting for the answer") from None
            raise
        finally:
            waiting = False
            lost.remove_done_callback(on_lost)
        if cancelled_by_loss:  # pragma: no cover - something below swallowed the cancel
            task.uncancel()
            raise ConnectionError("connection lost while waiting for the answer")
        if generation != self._generation:
            raise ConnectionError("connection replaced while waiting for the answer")
        return response

    def _trigger_loss(self, generation: int, reason: str) -> None:
        super()._trigger_loss(generation, reason)
        lost = self._lost_future
        if self._lost.is_set() and lost is not None and not lost.done():
            lost.set_result(None)

    async def _read_block(
        self, client: _Client, generation: int, block: ReadBlock
    ) -> list[int] | list[bool]:
        read = {
            "hr": client.read_holding_registers,
            "ir": client.read_input_registers,
            "co": client.read_coils,
            "di": client.read_discrete_inputs,
        }[block.table]
        response = await self._request(
            generation, lambda: read(block.start, count=block.count, device_id=self.unit)
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

    async def _read_parallel(
        self, generation: int, plans: Sequence[Any], refused: dict[int, str]
    ) -> list[list[int] | list[bool] | None]:
        """Read ``plans``' blocks spread round-robin over the open connections."""
        clients = [self._client, *self._extra_clients]
        data: list[list[int] | list[bool] | None] = [None] * len(plans)

        async def run(client: _Client, indices: range) -> None:
            for i in indices:
                try:
                    data[i] = await self._read_block(client, generation, plans[i].block)
                except _RefusedError as exc:
                    refused[i] = exc.code_name

        n = len(clients)
        results = await asyncio.gather(
            *(run(c, range(k, len(plans), n)) for k, c in enumerate(clients)),
            return_exceptions=True,
        )
        for r in results:  # a link error on any connection is a lost link
            if isinstance(r, BaseException):
                raise r
        return data

    def _decode(self, binding: _Binding, raw: Sequence[int] | Sequence[bool]) -> object:
        """The raw (device-unit) value of ``binding`` from its registers or bit."""
        if binding.address.is_bits:
            return bool(raw[0])
        return decode_registers(
            [int(r) for r in raw],
            binding.tag.datatype,
            word_le=binding.address.word_le,
            byte_swap=binding.address.byte_swap,
        )

    def _value(self, binding: _Binding, raw: Sequence[int] | Sequence[bool]) -> object:
        """The engineering value of ``binding`` from its registers or bit."""
        return binding.tag.to_eng(self._decode(binding, raw))

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
                return self._value(binding, data[blk][lo : lo + binding.size])
        raise AssertionError(f"no read block covers {binding.tag.address}")  # pragma: no cover

    # -- the supervisor

    async def _connect_once(self) -> None:
        self._generation += 1
        generation = self._generation
        self._lost.clear()
        if self._lost_future is not None and not self._lost_future.done():
            self._lost_future.cancel()
        self._lost_future = asyncio.get_running_loop().create_future()
        self._note(
            "connecting to %s unit %d (generation %d)", self._target(), self.unit, generation
        )

        def on_connect(up: bool) -> None:
            if not up:
                self._trigger_loss(generation, "connection closed")

        client = self._make_client(on_connect)
        self._client = client
        try:
            connected = await client.connect() and client.connected
        except Exception as exc:  # pyserial raises e.g. termios.error for settings a port refuses
            raise await self._unreachable(exc) from exc
        if not connected:
            raise await self._unreachable(None)
        await self._verify(client, generation)
        await self._open_extra_clients(generation, on_connect)

    async def _open_extra_clients(self, generation: int, on_connect: Callable[[bool], None]) -> None:
        """Further connections for parallel reads (``connections=N``); refusals are tolerated."""
        for k in range(1, self.connections):
            extra = self._make_client(on_connect)
            try:
                ok = await extra.connect() and extra.connected
            except Exception as exc:  # noqa: BLE001 - fewer connections, not no connection
                ok = False
                self._note("extra connection %d refused: %r", k + 1, exc)
            if not ok:
                with contextlib.suppress(Exception):
                    extra.close()
                self._note("the device accepted %d of %d connections; polling on those",
                           k, self.connections)
                return
            if generation != self._generation:
                extra.close()
                return
            self._extra_clients.append(extra)

    async def _verify(self, client: _Client, generation: int) -> None:
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
            group.set_blocks(blocks)
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
        """Poll ``group`` every ``sampling_ms`` until the link of ``generation`` is lost.

        Per block, the registers (bits) of the previous poll are kept with their
        raw values: a block that reads the same as last time costs one list
        comparison, and in a changed block only tags whose raw value changed
        are converted and compared with the last delivered value (deadband on
        the engineering value, as :meth:`_offer`). Offering an unchanged value
        again can never deliver it, so skipping it changes nothing. The cache
        lives for one connection: after a (re)connect every tag is compared
        again, and the first GOOD value follows the BAD mark as before. A
        refused block, or a value delivered by ``write``, voids its cache.
        """
        loop = asyncio.get_running_loop()
        period = group.sampling_ms / 1000.0
        client = self._client
        assert client is not None
        plans = group.plans
        last_values = self._last
        deliver = self._deliver
        good, connected = Quality.GOOD, ConnectionState.CONNECTED
        previous: dict[int, tuple[list[int] | list[bool], tuple[Any, ...]]] = {}
        outside = self._offers_outside_poll
        deadline = loop.time()
        while generation == self._generation and not self._lost.is_set():
            polled = _now()
            data: list[list[int] | list[bool] | None] = []
            refused: dict[int, str] = {}
            try:
                if self._extra_clients and len(plans) > 1:
                    data = await self._read_parallel(generation, plans, refused)
                else:
                    for i, plan in enumerate(plans):
                        try:
                            data.append(await self._read_block(client, generation, plan.block))
                        except _RefusedError as exc:
                            data.append(None)
                            refused[i] = exc.code_name
            except _LINK_ERRORS as exc:
                self._trigger_loss(generation, f"poll failed: {exc!r}")
                return
            received = _now()
            if outside != self._offers_outside_poll:
                outside = self._offers_outside_poll
                previous.clear()
            for i, plan in enumerate(plans):
                words = data[i]
                if words is None:
                    previous.pop(i, None)
                    self._offer_refused(plan, refused[i], polled, received)
                    continue
                before = previous.get(i)
                if before is not None and before[0] == words:
                    continue
                raw = plan.decode(words)
                previous[i] = (words, raw)
                if before is None:
                    changed: Iterable[int] = range(len(raw))
                else:
                    old_raw = before[1]
                    changed = [j for j in range(len(raw)) if raw[j] != old_raw[j]]
                names, convert, deadbands = plan.names, plan.convert, plan.deadbands
                for j in changed:
                    name = names[j]
                    conv = convert[j]
                    value = raw[j] if conv is None else conv(raw[j])
                    last = last_values.get(name)
                    if last is not None and last.quality is good:
                        # the decision of _offer / _differs, short-cut for the common cases
                        old = last.value
                        if old == value:
                            continue
                        if deadbands[j]:
                            if not _differs(plan.numeric[j], deadbands[j], old, value):
                                continue
                        elif value != value and old != old:  # NaN both times
                            continue
                    deliver(TagValue(name, value, good, polled, received, connected))
            deadline += period
            now = loop.time()
            if deadline < now:  # overran: skip the missed rounds rather than burst
                deadline = now
            await asyncio.sleep(deadline - now)

    def _offer_refused(
        self, plan: _BlockPlan, code_name: str, polled: datetime, received: datetime
    ) -> None:
        """Mark the tags of a block the device refused BAD (noted once per episode)."""
        for b in plan.bindings:
            last = self._last.get(b.tag.name)
            if last is None or last.quality is not Quality.BAD:
                self._note("poll of %s refused: %s", b.tag.name, code_name)
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

    # -- hooks of SupervisedDriver

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
        # Close the socket first: a poll stopped here cancels its request, and an
        # answer arriving after that would meet no request in pymodbus (a warning).
        self._drop_client()
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
        extras, self._extra_clients = self._extra_clients, []
        for c in (client, *extras):
            if c is not None:
                with contextlib.suppress(Exception):
                    c.close()


class ModbusTcpDriver(_ModbusDriver):
    """Modbus TCP :class:`~hmi.devices.base.Driver` on top of pymodbus's async client.

    Options (all keyword): ``timeout`` (1 s per request attempt, also the connect
    timeout), ``retries`` (1: a request is sent at most ``retries + 1`` times) —
    both may also come from the URL, a keyword given here wins —,
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
        timeout: float | None = None,
        retries: int | None = None,
        connect_timeout: float = 10.0,
        wait_connected: bool = True,
        backoff_initial: float = 0.1,
        backoff_max: float = 1.0,
        max_gap: int = 8,
        config_retry_s: float = 10.0,
        history: int = 200,
    ) -> None:
        self.host, self.port, options = _parse_tcp_url(url)
        super().__init__(
            url,
            tags,
            unit=options.get("unit", 1),
            on_value=on_value,
            on_state=on_state,
            on_error=on_error,
            timeout=_first(timeout, options.get("timeout"), 1.0),
            retries=_first(retries, options.get("retries"), 1),
            connect_timeout=connect_timeout,
            wait_connected=wait_connected,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            max_gap=max_gap,
            config_retry_s=config_retry_s,
            history=history,
        )
        self.connections = options.get("connections", 1)

    def _target(self) -> str:
        return f"{self.host}:{self.port}"

    def _no_answer(self) -> str:
        return (
            f"The machine controller at {self.host}:{self.port} accepts the network connection "
            f"but does not answer Modbus requests for unit {self.unit}. Check that its Modbus "
            "server is running and the unit id matches; the panel keeps retrying."
        )

    def _make_client(self, trace_connect: Callable[[bool], None]) -> AsyncModbusTcpClient:
        return AsyncModbusTcpClient(
            self.host,
            port=self.port,
            name=f"hmi {self.url}",
            timeout=self.timeout,
            retries=self.retries,
            reconnect_delay=0,  # reconnecting is the supervisor's job
            trace_packet=self._trace_packet,
            trace_connect=trace_connect,
        )

    async def _unreachable(self, exc: BaseException | None) -> DeviceError:
        detail = f": {exc}" if exc is not None else ""
        return ConnectError(f"cannot reach {self.host}:{self.port}{detail}", url=self.url)


class ModbusRtuDriver(_ModbusDriver):
    """Modbus RTU (serial line) :class:`~hmi.devices.base.Driver`, one slave ``unit`` per driver.

    The URL carries the line settings (see the module doc). Options as for
    :class:`ModbusTcpDriver`. Construction refuses (:class:`ConfigError`) a poll
    plan the line cannot carry (``line_load`` holds the figures of one that
    fits) and a ``timeout`` shorter than the longest poll request takes on the
    line. Requests go out one at a time with the spec's inter-frame silence.
    """

    def __init__(
        self,
        url: str,
        tags: Sequence[Tag],
        *,
        on_value: ValueCallback,
        on_state: StateCallback,
        on_error: Callable[[DeviceError], None] | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        connect_timeout: float = 10.0,
        wait_connected: bool = True,
        backoff_initial: float = 0.1,
        backoff_max: float = 1.0,
        max_gap: int = 8,
        config_retry_s: float = 10.0,
        history: int = 200,
    ) -> None:
        parsed = parse_rtu_url(url)
        self.line = parsed.line
        self.turnaround_ms = parsed.turnaround_ms
        self.max_load = parsed.max_load
        super().__init__(
            url,
            tags,
            unit=parsed.unit,
            on_value=on_value,
            on_state=on_state,
            on_error=on_error,
            timeout=_first(timeout, parsed.timeout, 1.0),
            retries=_first(retries, parsed.retries, 1),
            connect_timeout=connect_timeout,
            wait_connected=wait_connected,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            max_gap=max_gap,
            config_retry_s=config_retry_s,
            history=history,
        )
        self._line_lock = asyncio.Lock()
        self._line_free_at = 0.0
        self.line_load = self._check_line(self.planned_reads())

    def _line_load(self, plan: Mapping[int, Sequence[ReadBlock]]) -> LineLoad:
        line = self.line
        return rtu_line_load(
            plan,
            line.baud,
            parity=line.parity,
            bytesize=line.bytesize,
            stopbits=line.stopbits,
            turnaround_ms=self.turnaround_ms,
            max_load=self.max_load,
            port=line.port,
        )

    def _check_line(self, plan: Mapping[int, Sequence[ReadBlock]]) -> LineLoad:
        line = self.line
        load = self._line_load(plan)
        if not load.fits:
            raise ConfigError(load.explain())
        blocks = [b for group in plan.values() for b in group]
        if blocks:
            big = max(blocks, key=rtu_response_bytes)
            exchange_s = (
                (RTU_READ_REQUEST_BYTES + rtu_response_bytes(big)) * line.char_s
                + line.gap_s
                + self.turnaround_ms / 1000.0
            )
            if exchange_s > self.timeout:
                raise ConfigError(
                    f"{self.url}: timeout={self.timeout:g} s is shorter than the "
                    f"{exchange_s * 1000:,.0f} ms it takes to read {big.count} "
                    f"{_TABLES[big.table]}s at {line.baud} baud; raise the timeout above "
                    f"{math.ceil(exchange_s * 10) / 10:g} s or the baud rate"
                )
        return load

    async def _verify(self, client: _Client, generation: int) -> None:
        await super()._verify(client, generation)
        plan = self.read_plan()
        if plan != self.planned_reads():  # the device refused reads over gaps: more requests
            self.line_load = self._line_load(plan)
            if not self.line_load.fits:
                self._note("%s", self.line_load.explain(), level=logging.WARNING)

    def _target(self) -> str:
        return f"{self.line.port} ({self.line.baud} baud {self.line.frame})"

    def _no_answer(self) -> str:
        return (
            f"No answer from unit {self.unit} on the serial line {self.line.port} "
            f"({self.line.baud} baud {self.line.frame}). Check the cable and that the device's "
            "address and serial settings match the station's; the panel keeps retrying."
        )

    def _make_client(self, trace_connect: Callable[[bool], None]) -> AsyncModbusSerialClient:
        return AsyncModbusSerialClient(
            self.line.port,
            framer=FramerType.RTU,
            baudrate=self.line.baud,
            bytesize=self.line.bytesize,
            parity=self.line.parity,
            stopbits=self.line.stopbits,
            name=f"hmi {self.url}",
            timeout=self.timeout,
            retries=self.retries,
            reconnect_delay=0,  # reconnecting is the supervisor's job
            trace_packet=self._trace_packet,
            trace_connect=trace_connect,
        )

    async def _exchange(self, make: Callable[[], Awaitable[ModbusPDU]]) -> ModbusPDU:
        """One request at a time on the line, each after the 3.5-character silence."""
        loop = asyncio.get_running_loop()
        async with self._line_lock:
            wait = self._line_free_at - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                return await make()
            finally:
                self._line_free_at = loop.time() + self.line.gap_s

    def _probe_port(self) -> BaseException | None:
        """Open and close the port once to learn why pymodbus could not (runs in a thread)."""
        try:
            port = serial.serial_for_url(
                self.line.port,
                exclusive=True,
                baudrate=self.line.baud,
                bytesize=self.line.bytesize,
                parity=self.line.parity,
                stopbits=self.line.stopbits,
                timeout=0,
            )
        except Exception as exc:  # pyserial raises SerialException, termios.error, ValueError
            return exc
        port.close()
        return None

    async def _unreachable(self, exc: BaseException | None) -> DeviceError:
        if exc is None:
            exc = await asyncio.to_thread(self._probe_port)
        port, settings = self.line.port, f"{self.line.baud} baud {self.line.frame}"
        if exc is None:
            return ConnectError(
                f"could not open serial port {port} (it opens now; retrying)", url=self.url
            )
        code = getattr(exc, "errno", None)
        if code is None and exc.args and isinstance(exc.args[0], int):
            code = exc.args[0]
        text = str(exc)
        if code == errno.ENOENT or "No such file" in text:
            return ConnectError(
                f"serial port {port} does not exist: {text}",
                url=self.url,
                operator_message=(
                    f"The machine's serial adapter ({port}) is not found. Check that the "
                    "USB/serial adapter is plugged in; the panel keeps retrying."
                ),
            )
        if code == errno.EACCES:
            return ConnectError(
                f"no permission to open serial port {port}: {text}",
                url=self.url,
                operator_message=(
                    f"The station is not allowed to use the serial port {port}. Ask maintenance "
                    "to give the station's user access to it (on Linux: the dialout group)."
                ),
            )
        if code == errno.EBUSY or "lock" in text.lower():
            return ConnectError(
                f"serial port {port} is in use by another program: {text}",
                url=self.url,
                operator_message=(
                    f"The serial port {port} is in use by another program. Close that program "
                    "or ask maintenance; the panel keeps retrying."
                ),
            )
        if code == errno.EINVAL or isinstance(exc, ValueError):
            return ConnectError(
                f"serial port {port} refuses the settings {settings}: {text}",
                url=self.url,
                operator_message=(
                    f"The serial port {port} does not accept {settings}. Ask maintenance to "
                    "check the serial settings in the station configuration."
                ),
            )
        return ConnectError(f"cannot open serial port {port} ({settings}): {text}", url=self.url)
