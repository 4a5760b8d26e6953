"""ModbusTcpDriver against a real pymodbus TCP server on loopback (no mocks).

Also here: tag scaling (shared with RTU), and two kinds of unresponsive peer
that a pymodbus server cannot play — a TCP server that accepts and never
answers (:class:`SilentServer`) and a proxy that stops passing answers
mid-session (:class:`MutingProxy`).

The server is pymodbus 3.16's ``ModbusTcpServer`` with a ``SimDevice`` datastore
(the old ``ModbusSequentialDataBlock``/``ModbusServerContext`` are deprecated in
3.16 and only wrap SimData; ``ModbusSequentialDataBlock(address, …)`` maps to
``SimData(address - 1, …)``, i.e. its addresses start at 1). SimData addresses
are the zero-based protocol addresses the client sends. Tests write raw values
into the datastore with ``server.async_setValues(device_id, func_code, …)``.
"""

from __future__ import annotations

import asyncio
import math
import struct
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from hmi.devices.base import (
    ConfigError,
    ConnectError,
    ConnectionState,
    DeviceError,
    DeviceTimeout,
    Quality,
    Tag,
    TagNotFoundError,
    TagValue,
    UnsupportedSchemeError,
    WriteRejectedError,
    WriteVerifyError,
    open_driver,
)
from hmi.devices.modbus import (
    ModbusRtuDriver,
    ModbusTcpDriver,
    ReadBlock,
    decode_registers,
    encode_value,
    parse_address,
    parse_url,
    plan_reads,
)

UNIT = 1
CLAMPED_HR = 50  # the test device limits writes to this holding register to <= 100
FC_CO, FC_DI, FC_HR, FC_IR = 15, 2, 16, 4  # function codes used to poke the datastore


def run(coro: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())


class Recorder:
    """Collects driver callbacks; ``await until(pred)`` wakes on every callback."""

    def __init__(self) -> None:
        self.values: list[TagValue] = []
        self.states: list[ConnectionState] = []
        self.errors: list[DeviceError] = []
        self._changed = asyncio.Event()

    def on_value(self, value: TagValue) -> None:
        self.values.append(value)
        self._changed.set()

    def on_state(self, state: ConnectionState) -> None:
        self.states.append(state)
        self._changed.set()

    def on_error(self, error: DeviceError) -> None:
        self.errors.append(error)
        self._changed.set()

    def of(self, tag: str) -> list[TagValue]:
        return [v for v in self.values if v.tag == tag]

    def latest(self, tag: str) -> TagValue | None:
        found = self.of(tag)
        return found[-1] if found else None

    async def until(self, pred: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
        try:
            async with asyncio.timeout(timeout):
                while not pred():
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout} s waiting for {what or pred}; "
                f"states={self.states} values={self.values[-10:]}"
            ) from None


async def _clamp(
    function_code: int,
    start_address: int,
    address: int,
    count: int,
    registers: list[int],
    set_values: list[int] | list[bool] | None,
) -> None:
    """SimDevice action: the 'PLC' limits holding register CLAMPED_HR to 100."""
    if set_values is not None and function_code in (6, 16):
        if address <= CLAMPED_HR < address + count:
            i = CLAMPED_HR - address
            set_values[i] = min(int(set_values[i]), 100)  # type: ignore[call-overload]
    return None


def make_device(registers: int = 400, bits: int = 256, unit: int = UNIT) -> SimDevice:
    # Four separate tables (not the shared block), coils/DI addressed per bit.
    return SimDevice(
        unit,
        simdata=(
            [SimData(0, count=bits, values=False, datatype=DataType.BITS)],
            [SimData(0, count=bits, values=False, datatype=DataType.BITS)],
            [SimData(0, count=registers, values=0, datatype=DataType.REGISTERS)],
            [SimData(0, count=registers, values=0, datatype=DataType.REGISTERS)],
        ),
        action=_clamp,
    )


async def start_server(port: int = 0) -> tuple[ModbusTcpServer, int]:
    server = ModbusTcpServer(make_device(), address=("127.0.0.1", port))
    await server.serve_forever(background=True)
    bound = server.transport.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    return server, bound


def _f32(x: float) -> float:
    return struct.unpack(">f", struct.pack(">f", x))[0]


# (datatype, raw registers as big-endian "ABCD", expected value)
CASES: list[tuple[str, list[int], object]] = [
    ("int16", [0xFFFE], -2),
    ("uint16", [0xFFFE], 65534),
    ("int32", [0xFFFE, 0x1DC0], -123456),
    ("uint32", [0x1234, 0x5678], 0x12345678),
    ("float32", list(struct.unpack(">HH", struct.pack(">f", 3.14))), _f32(3.14)),
    ("float64", list(struct.unpack(">HHHH", struct.pack(">d", -2.718281828))), -2.718281828),
    ("bool", [7], True),
]


# --------------------------------------------------------------------------- pure functions


def test_parse_address_and_url() -> None:
    assert parse_address("hr:100", "float32").offset == 100
    a = parse_address("IR:30:le", "int32")
    assert (a.table, a.word_le, a.byte_swap, a.read_only) == ("ir", True, False, True)
    assert parse_address("hr:1:le:swap", "float64").byte_swap
    for bad, dtype in [
        ("hr", "int16"),
        ("xx:1", "int16"),
        ("hr:-1", "int16"),
        ("hr:1:mid", "int16"),
        ("hr:1:be:le", "int32"),
        ("co:5", "int16"),
        ("co:5:le", "bool"),
        ("hr:65535", "int32"),
    ]:
        with pytest.raises(ConfigError):
            parse_address(bad, dtype)
    with pytest.raises(ConfigError, match="string"):
        parse_address("hr:10", "string")
    assert parse_url("modbus+tcp://plc.local") == ("plc.local", 502, 1)
    assert parse_url("modbus+tcp://10.0.0.5:5020?unit=7") == ("10.0.0.5", 5020, 7)
    assert parse_url("modbus+tcp://10.0.0.5:5020/?device_id=3")[2] == 3
    assert parse_url("modbus+tcp://h?unit=2&timeout=0.5&retries=0") == ("h", 502, 2)
    for bad_url, complaint in [
        ("modbus+tcp://h?unit=x", "unit='x' must be a whole number"),
        ("modbus+tcp://h?unit=256", "unit='256' must be from 0 to 255"),
        ("modbus+tcp://h?slave=1", "unknown option 'slave'"),
        ("modbus+tcp://:502", "names no host"),
        ("modbus+tcp://h?timeout=0", "timeout='0' must be a number above 0"),
        ("modbus+tcp://h?retries=-1", "retries='-1' must be from 0"),
        ("modbus+tcp://h?unit=1&unit=2", "given twice"),
    ]:
        with pytest.raises(ConfigError, match=complaint):
            parse_url(bad_url)
    # URL options reach the driver; a keyword given in code wins over the URL
    drv = ModbusTcpDriver(
        "modbus+tcp://h?timeout=0.25&retries=3",
        [Tag("t", "hr:1", "int16")],
        on_value=print,
        on_state=print,
    )
    assert (drv.timeout, drv.retries) == (0.25, 3)
    drv = ModbusTcpDriver(
        "modbus+tcp://h?timeout=0.25",
        [Tag("t", "hr:1", "int16")],
        on_value=print,
        on_state=print,
        timeout=2,
    )
    assert (drv.timeout, drv.retries) == (2, 1)


def test_encode_decode_orders() -> None:
    # 0x12345678 in the four usual layouts
    assert encode_value("uint32", 0x12345678) == [0x1234, 0x5678]
    assert encode_value("uint32", 0x12345678, word_le=True) == [0x5678, 0x1234]
    assert encode_value("uint32", 0x12345678, byte_swap=True) == [0x3412, 0x7856]
    assert encode_value("uint32", 0x12345678, word_le=True, byte_swap=True) == [0x7856, 0x3412]
    for dtype, regs, expected in CASES:
        for le in (False, True):
            for swap in (False, True):
                encoded = encode_value(dtype, expected, word_le=le, byte_swap=swap)
                assert decode_registers(encoded, dtype, word_le=le, byte_swap=swap) == expected
        if dtype != "bool":
            assert decode_registers(regs, dtype) == expected
    with pytest.raises(ValueError):
        encode_value("int16", 40000)
    with pytest.raises(ValueError):
        encode_value("uint16", 1.5)
    with pytest.raises(ValueError):
        encode_value("float32", math.inf)
    with pytest.raises(ValueError):
        encode_value("float32", 1e39)
    with pytest.raises(ValueError):
        encode_value("bool", 1)


def test_plan_reads_grouping() -> None:
    # 201 single-register tags hr:0..hr:200 -> 2 requests, none over 125 registers
    blocks = plan_reads(("hr", i, 1) for i in range(201))
    assert blocks == [ReadBlock("hr", 0, 125), ReadBlock("hr", 125, 76)]
    assert all(b.count <= 125 for b in blocks)
    # small gaps (<= 8 unused) are read over, a bigger gap splits
    assert plan_reads([("hr", 0, 2), ("hr", 10, 2)]) == [ReadBlock("hr", 0, 12)]
    assert plan_reads([("hr", 0, 2), ("hr", 11, 2)]) == [
        ReadBlock("hr", 0, 2),
        ReadBlock("hr", 11, 2),
    ]
    # a multi-register value never straddles two requests; tables never mix
    blocks = plan_reads([("hr", 0, 1), ("hr", 122, 4), ("ir", 0, 1), ("co", 0, 1)])
    assert ReadBlock("hr", 0, 1) in blocks and ReadBlock("hr", 122, 4) in blocks
    assert {b.table for b in blocks} == {"hr", "ir", "co"}
    # bits: up to 2000 per request
    bits = plan_reads(("co", i, 1) for i in range(2500))
    assert [b.count for b in bits] == [2000, 500]
    assert plan_reads([("hr", 5, 2), ("hr", 6, 2)]) == [ReadBlock("hr", 5, 3)]


def test_open_driver_scheme() -> None:
    tags = [Tag("t", "hr:1", "int16")]
    drv = open_driver(
        "modbus+tcp://127.0.0.1:1502", tags, on_value=lambda v: None, on_state=lambda s: None
    )
    assert isinstance(drv, ModbusTcpDriver)
    rtu = open_driver("modbus+rtu:///dev/ttyUSB0", tags, on_value=print, on_state=print)
    assert isinstance(rtu, ModbusRtuDriver)
    assert (rtu.line.port, rtu.line.baud, rtu.line.frame, rtu.unit) == (
        "/dev/ttyUSB0",
        19200,
        "8E1",
        1,
    )
    with pytest.raises(UnsupportedSchemeError):
        open_driver("modbus+udp://h", tags, on_value=print, on_state=print)
    with pytest.raises(ConfigError, match="string"):
        ModbusTcpDriver(
            "modbus+tcp://h",
            [Tag("s", "hr:1", "string")],
            on_value=print,
            on_state=print,
        )


# --------------------------------------------------------------------------- against a server


def test_datatypes_big_and_little_endian_words() -> None:
    async def scenario() -> None:
        server, port = await start_server()
        tags: list[Tag] = []
        offset = 0
        for dtype, regs, _ in CASES:
            for order in ("be", "le"):
                raw = list(reversed(regs)) if order == "le" else list(regs)
                await server.async_setValues(UNIT, FC_HR, offset, raw)
                tags.append(Tag(f"{dtype}_{order}", f"hr:{offset}:{order}", dtype))
                offset += len(regs) + 2
        await server.async_setValues(UNIT, FC_IR, 20, [0x5678, 0x1234])
        await server.async_setValues(UNIT, FC_CO, 3, [True])
        await server.async_setValues(UNIT, FC_DI, 7, [True])
        tags += [
            Tag("ir_u32_le", "ir:20:le", "uint32"),
            Tag("ir_u32_swap", "ir:20:swap", "uint32"),
            Tag("coil3", "co:3", "bool"),
            Tag("coil4", "co:4", "bool"),
            Tag("di7", "di:7", "bool"),
        ]
        rec = Recorder()
        url = f"modbus+tcp://127.0.0.1:{port}?unit={UNIT}"
        try:
            async with ModbusTcpDriver(
                url, tags, on_value=rec.on_value, on_state=rec.on_state
            ) as drv:
                await rec.until(lambda: all(rec.latest(t.name) for t in tags), what="all values")
                for dtype, _, expected in CASES:
                    for order in ("be", "le"):
                        got = rec.latest(f"{dtype}_{order}")
                        assert got is not None and got.quality is Quality.GOOD
                        assert got.value == expected, (dtype, order, got.value)
                assert rec.latest("ir_u32_le").value == 0x12345678  # type: ignore[union-attr]
                assert rec.latest("ir_u32_swap").value == 0x78563412  # type: ignore[union-attr]
                assert rec.latest("coil3").value is True  # type: ignore[union-attr]
                assert rec.latest("coil4").value is False  # type: ignore[union-attr]
                assert rec.latest("di7").value is True  # type: ignore[union-attr]
                # all 19 tags fit in few requests (same sampling period, small gaps)
                assert sum(len(b) for b in drv.read_plan().values()) == 4  # hr, ir, co, di
                # only changes are delivered; a change arrives with GOOD quality
                before = len(rec.of("uint16_be"))
                await asyncio.sleep(0.35)
                assert len(rec.of("uint16_be")) == before
                await server.async_setValues(UNIT, FC_HR, 6, [0])  # uint16_be
                await rec.until(lambda: rec.latest("uint16_be").value == 0)  # type: ignore[union-attr]
                read = await drv.read(["int32_le", "coil3"])
                assert read["int32_le"].value == -123456 and read["coil3"].value is True
                ts = rec.latest("uint16_be").source_ts  # type: ignore[union-attr]
                assert ts.tzinfo is not None and ts.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
                assert any(">>" in f for f in drv.recent_frames())
            assert rec.states[-1] is ConnectionState.CLOSED
        finally:
            await server.shutdown()

    run(scenario())


def test_deadband() -> None:
    async def scenario() -> None:
        server, port = await start_server()
        await server.async_setValues(UNIT, FC_HR, 0, [100])
        rec = Recorder()
        tags = [Tag("level", "hr:0", "uint16", sampling_ms=20, deadband=5)]
        try:
            async with ModbusTcpDriver(
                f"modbus+tcp://127.0.0.1:{port}", tags, on_value=rec.on_value, on_state=rec.on_state
            ):
                await rec.until(lambda: bool(rec.of("level")))
                await server.async_setValues(UNIT, FC_HR, 0, [104])
                await asyncio.sleep(0.15)
                assert [v.value for v in rec.of("level")] == [100]
                await server.async_setValues(UNIT, FC_HR, 0, [106])
                await rec.until(lambda: rec.latest("level").value == 106)  # type: ignore[union-attr]
        finally:
            await server.shutdown()

    run(scenario())


def test_write_read_back_verify_and_refusals() -> None:
    async def scenario() -> None:
        server, port = await start_server()
        tags = [
            Tag("setpoint", "hr:10:le", "float32", access="rw"),
            Tag("count", "hr:20", "int32", access="rw"),
            Tag("speed", "hr:30", "uint16", access="rw"),
            Tag("limited", f"hr:{CLAMPED_HR}", "uint16", access="rw"),
            Tag("start", "co:2", "bool", access="rw"),
            Tag("ro_hr", "hr:40", "int16"),
            Tag("ro_ir", "ir:1", "int16", access="rw"),
            Tag("ro_di", "di:1", "bool", access="rw"),
        ]
        rec = Recorder()
        try:
            async with ModbusTcpDriver(
                f"modbus+tcp://127.0.0.1:{port}", tags, on_value=rec.on_value, on_state=rec.on_state
            ) as drv:
                result = await drv.write("setpoint", 72.5)
                assert result.value == 72.5 and result.quality is Quality.GOOD
                raw = await server.async_getValues(UNIT, 3, 10, 2)
                assert raw == list(reversed(struct.unpack(">HH", struct.pack(">f", 72.5))))
                assert (await drv.write("count", -70000)).value == -70000
                assert (await drv.write("speed", 1500)).value == 1500
                assert (await drv.write("start", True)).value is True
                assert (await server.async_getValues(UNIT, 1, 2, 1)) == [True]
                assert (await drv.write("limited", 80)).value == 80
                await rec.until(lambda: getattr(rec.latest("speed"), "value", None) == 1500)

                with pytest.raises(WriteVerifyError) as verify:
                    await drv.write("limited", 500)
                assert (verify.value.written, verify.value.read_back) == (500, 100)

                for name, value in [("ro_hr", 1), ("ro_ir", 1), ("ro_di", True)]:
                    with pytest.raises(WriteRejectedError):
                        await drv.write(name, value)
                with pytest.raises(WriteRejectedError, match="between"):
                    await drv.write("speed", -1)
                with pytest.raises(WriteRejectedError):
                    await drv.write("start", 1)
                assert any("not confirmed" in e for e in drv.recent_events())
                assert drv.state is ConnectionState.CONNECTED
        finally:
            await server.shutdown()

    run(scenario())


def test_missing_address_reported_at_connect() -> None:
    async def scenario() -> None:
        server, port = await start_server()
        tags = [Tag("ok", "hr:3", "int16"), Tag("gone", "hr:1000", "int16")]
        try:
            with pytest.raises(TagNotFoundError) as err:
                async with ModbusTcpDriver(
                    f"modbus+tcp://127.0.0.1:{port}", tags, on_value=print, on_state=print
                ):
                    pass
            assert err.value.missing == (("gone", "hr:1000"),)
        finally:
            await server.shutdown()

    run(scenario())


def test_server_dropped_and_back() -> None:
    async def scenario() -> None:
        server, port = await start_server()
        await server.async_setValues(UNIT, FC_HR, 5, [42])
        await server.async_setValues(UNIT, FC_CO, 1, [True])
        tags = [
            Tag("temp", "hr:5", "uint16", sampling_ms=50, access="rw"),
            Tag("run", "co:1", "bool", sampling_ms=200),
        ]
        rec = Recorder()
        url = f"modbus+tcp://127.0.0.1:{port}"
        async with ModbusTcpDriver(url, tags, on_value=rec.on_value, on_state=rec.on_state) as drv:
            await rec.until(lambda: bool(rec.of("temp")) and bool(rec.of("run")))
            await server.shutdown()
            t_down = time.monotonic()
            await rec.until(
                lambda: all(
                    getattr(rec.latest(t.name), "quality", None) is Quality.BAD for t in tags
                ),
                timeout=2.0,
                what="BAD values",
            )
            assert time.monotonic() - t_down < 0.5
            assert ConnectionState.RECONNECTING in rec.states
            bad = rec.latest("temp")
            assert bad is not None and bad.value == 42
            assert bad.connection is ConnectionState.RECONNECTING
            with pytest.raises(ConnectError, match="not connected"):
                await drv.write("temp", 1)
            # Backoff 0.1, 0.2, 0.4, 0.8 s (retries at ~0.1, 0.3, 0.7, 1.5 s), then capped
            # at 1 s: restarting at 1.6 s is close to the worst case (next try ~2.5 s).
            await asyncio.sleep(1.6)
            assert drv.state is ConnectionState.RECONNECTING
            retries = [e.rsplit(" ", 2)[-2] for e in drv.recent_events() if "retry in" in e]
            assert retries[:4] == ["0.10", "0.20", "0.40", "0.80"]

            server2, _ = await start_server(port)
            await server2.async_setValues(UNIT, FC_HR, 5, [43])
            await server2.async_setValues(UNIT, FC_CO, 1, [True])
            t_up = time.monotonic()
            try:
                await rec.until(
                    lambda: all(
                        getattr(rec.latest(t.name), "quality", None) is Quality.GOOD for t in tags
                    ),
                    timeout=3.0,
                    what="GOOD again",
                )
                elapsed = time.monotonic() - t_up
                assert elapsed < 2.0, f"recovered in {elapsed:.2f} s"
                assert drv.state is ConnectionState.CONNECTED
                assert rec.latest("temp").value == 43  # type: ignore[union-attr]
                assert rec.latest("run").value is True  # type: ignore[union-attr]
                assert rec.states == [
                    ConnectionState.CONNECTING,
                    ConnectionState.CONNECTED,
                    ConnectionState.RECONNECTING,
                    ConnectionState.CONNECTED,
                ]
                assert any("link lost" in e for e in drv.recent_events())
            finally:
                await server2.shutdown()

    run(scenario())


def test_no_server_then_wait_connected_false() -> None:
    async def scenario() -> None:
        server, port = await start_server()
        await server.shutdown()
        rec = Recorder()
        drv = ModbusTcpDriver(
            f"modbus+tcp://127.0.0.1:{port}",
            [Tag("x", "hr:0", "int16")],
            on_value=rec.on_value,
            on_state=rec.on_state,
            wait_connected=False,
            timeout=0.5,
        )
        async with drv:
            assert drv.state is ConnectionState.CONNECTING
            await asyncio.sleep(0.4)
            assert drv.last_error is not None
            server2, _ = await start_server(port)
            try:
                await rec.until(lambda: bool(rec.of("x")), timeout=3.0)
                assert rec.latest("x").quality is Quality.GOOD  # type: ignore[union-attr]
            finally:
                await server2.shutdown()

    run(scenario())


def test_gap_the_device_refuses_is_replanned() -> None:
    async def scenario() -> None:
        # hr 0..3 and 8..11 exist, 4..7 do not: the merged read 0..11 is refused
        holey = SimDevice(
            UNIT,
            simdata=[
                SimData(0, count=4, values=0, datatype=DataType.REGISTERS),
                SimData(8, count=4, values=0, datatype=DataType.REGISTERS),
            ],
        )
        server = ModbusTcpServer(holey, address=("127.0.0.1", 0))
        await server.serve_forever(background=True)
        port = server.transport.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        await server.async_setValues(UNIT, FC_HR, 1, [11])
        await server.async_setValues(UNIT, FC_HR, 9, [99])
        tags = [Tag("a", "hr:1", "uint16"), Tag("b", "hr:9", "uint16")]
        assert plan_reads(b for b in [("hr", 1, 1), ("hr", 9, 1)]) == [ReadBlock("hr", 1, 9)]
        rec = Recorder()
        try:
            async with ModbusTcpDriver(
                f"modbus+tcp://127.0.0.1:{port}", tags, on_value=rec.on_value, on_state=rec.on_state
            ) as drv:
                await rec.until(lambda: bool(rec.of("a")) and bool(rec.of("b")))
                assert (rec.latest("a").value, rec.latest("b").value) == (11, 99)  # type: ignore[union-attr]
                assert drv.read_plan() == {100: [ReadBlock("hr", 1, 1), ReadBlock("hr", 9, 1)]}
        finally:
            await server.shutdown()

    run(scenario())


# --------------------------------------------------------------------------- scaling


def test_scaled_tags_read_write_and_deadband_in_engineering_units() -> None:
    async def scenario() -> None:
        server, port = await start_server()
        await server.async_setValues(UNIT, FC_HR, 0, [(-215) & 0xFFFF])  # int16 -215
        await server.async_setValues(UNIT, FC_HR, 1, [100])
        await server.async_setValues(
            UNIT, FC_HR, 2, list(struct.unpack(">HH", struct.pack(">f", 1.25)))
        )
        await server.async_setValues(UNIT, FC_HR, 20, [100])
        tags = [
            Tag("temp", "hr:0", "int16", unit="°C", scale=0.1),
            Tag("flow", "hr:1", "uint16", scale=0.5, offset=-40),
            Tag("press", "hr:2", "float32", scale=2, offset=1),
            Tag("sp", "hr:10", "int16", unit="°C", scale=0.1, access="rw"),
            Tag("lim", f"hr:{CLAMPED_HR}", "uint16", scale=0.5, access="rw"),
            Tag("level", "hr:20", "uint16", scale=0.1, deadband=0.5, sampling_ms=20),
        ]
        rec = Recorder()
        try:
            async with ModbusTcpDriver(
                f"modbus+tcp://127.0.0.1:{port}", tags, on_value=rec.on_value, on_state=rec.on_state
            ) as drv:
                await rec.until(lambda: all(rec.latest(t.name) for t in tags), what="all values")
                assert rec.latest("temp").value == pytest.approx(-21.5)  # type: ignore[union-attr]
                assert rec.latest("flow").value == pytest.approx(10.0)  # type: ignore[union-attr]
                assert rec.latest("press").value == pytest.approx(3.5)  # type: ignore[union-attr]
                read = await drv.read(["temp", "flow"])
                assert read["temp"].value == pytest.approx(-21.5)

                # an engineering value goes to the device as raw counts and comes back scaled
                result = await drv.write("sp", 72.5)
                assert result.value == pytest.approx(72.5)
                assert await server.async_getValues(UNIT, 3, 10, 1) == [725]
                # a value between raw steps is rounded; the write returns what the device holds
                assert (await drv.write("sp", 72.54)).value == pytest.approx(72.5)
                assert (await drv.write("sp", -12.3)).value == pytest.approx(-12.3)
                assert await server.async_getValues(UNIT, 3, 10, 1) == [(-123) & 0xFFFF]
                # the range refusal speaks engineering units, not raw counts
                with pytest.raises(WriteRejectedError, match=r"between -3276\.8 and 3276\.7 °C"):
                    await drv.write("sp", 4000)
                assert await server.async_getValues(UNIT, 3, 10, 1) == [(-123) & 0xFFFF]
                with pytest.raises(WriteRejectedError, match="finite"):
                    await drv.write("sp", math.nan)

                # read-back is compared raw; the mismatch is reported in engineering units
                assert (await drv.write("lim", 40)).value == pytest.approx(40.0)  # raw 80
                with pytest.raises(WriteVerifyError) as verify:
                    await drv.write("lim", 80)  # raw 160, the device clamps to raw 100
                assert verify.value.written == 80
                assert verify.value.read_back == pytest.approx(50.0)

                # deadband 0.5 (engineering) = 5 raw counts at scale 0.1
                await server.async_setValues(UNIT, FC_HR, 20, [104])  # 10.4: within the deadband
                await asyncio.sleep(0.2)
                assert [v.value for v in rec.of("level")] == [pytest.approx(10.0)]
                await server.async_setValues(UNIT, FC_HR, 20, [106])  # 10.6: beyond it
                await rec.until(lambda: len(rec.of("level")) == 2, what="level change")
                assert rec.latest("level").value == pytest.approx(10.6)  # type: ignore[union-attr]
        finally:
            await server.shutdown()

    run(scenario())


# --------------------------------------------------------------------------- unresponsive peers


class SilentServer:
    """Accepts TCP connections and reads every request, but never answers."""

    def __init__(self) -> None:
        self.bytes_seen = 0
        self.port = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None

    async def start(self, port: int = 0) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        while data := await reader.read(4096):
            self.bytes_seen += len(data)

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()


class MutingProxy:
    """Passes Modbus TCP to a real server; while ``muted`` the answers are dropped.

    Requests still reach the server (as when a reply path breaks): a write
    made while muted takes effect without the station hearing back.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.muted = False
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        self._writers += [writer, up_writer]

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, answers: bool) -> None:
            while data := await src.read(4096):
                if answers and self.muted:
                    continue
                dst.write(data)
                await dst.drain()
            dst.close()

        await asyncio.gather(
            pipe(reader, up_writer, False), pipe(up_reader, writer, True), return_exceptions=True
        )

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()


def test_server_that_never_answers() -> None:
    async def scenario() -> None:
        silent = SilentServer()
        port = await silent.start()
        url = f"modbus+tcp://127.0.0.1:{port}"
        tags = [Tag("x", "hr:0", "int16", sampling_ms=50)]
        # waiting for the connection: refused after connect_timeout, saying why
        t0 = time.monotonic()
        with pytest.raises(ConnectError, match="got no answer from unit 1") as err:
            async with ModbusTcpDriver(
                url,
                tags,
                on_value=print,
                on_state=print,
                timeout=0.2,
                retries=0,
                connect_timeout=1.0,
            ):
                pass
        assert time.monotonic() - t0 < 3.0
        assert isinstance(err.value.__cause__, DeviceTimeout)
        assert silent.bytes_seen >= 12  # at least one Modbus request went out

        # running in the background: the error reaches the operator, no value is invented
        rec = Recorder()
        drv = ModbusTcpDriver(
            url,
            tags,
            on_value=rec.on_value,
            on_state=rec.on_state,
            on_error=rec.on_error,
            wait_connected=False,
            timeout=0.2,
            retries=0,
        )
        async with drv:
            await rec.until(lambda: bool(rec.errors), what="an error report")
            error = rec.errors[0]
            assert isinstance(error, DeviceTimeout)
            assert "does not answer Modbus requests for unit 1" in error.operator_message
            assert drv.state is ConnectionState.CONNECTING and not rec.values
            # a real device takes the port over: values arrive, GOOD
            await silent.close()
            server, _ = await start_server(port)
            await server.async_setValues(UNIT, FC_HR, 0, [5])
            t_up = time.monotonic()
            try:
                await rec.until(lambda: bool(rec.of("x")), timeout=5.0, what="a value")
                assert time.monotonic() - t_up < 3.0
                assert rec.latest("x").value == 5  # type: ignore[union-attr]
                assert rec.latest("x").quality is Quality.GOOD  # type: ignore[union-attr]
                assert drv.state is ConnectionState.CONNECTED and drv.last_error is None
            finally:
                await server.shutdown()

    run(scenario())


def test_server_goes_silent_mid_session_and_answers_again() -> None:
    async def scenario() -> None:
        server, server_port = await start_server()
        await server.async_setValues(UNIT, FC_HR, 5, [42])
        proxy = MutingProxy(server_port)
        port = await proxy.start()
        tags = [Tag("temp", "hr:5", "uint16", sampling_ms=50, access="rw")]
        rec = Recorder()
        try:
            async with ModbusTcpDriver(
                f"modbus+tcp://127.0.0.1:{port}",
                tags,
                on_value=rec.on_value,
                on_state=rec.on_state,
                on_error=rec.on_error,
                timeout=0.25,
                retries=1,
            ) as drv:
                await rec.until(lambda: bool(rec.of("temp")))
                proxy.muted = True
                t_mute = time.monotonic()
                # the write reaches the machine but its answer does not: the operator is told
                with pytest.raises((DeviceTimeout, ConnectError)) as err:
                    await drv.write("temp", 7)
                assert err.value.operator_message
                await rec.until(
                    lambda: rec.latest("temp").quality is Quality.BAD,  # type: ignore[union-attr]
                    what="BAD value",
                )
                # 2 x 0.25 s without an answer; allow for a loaded machine
                assert time.monotonic() - t_mute < 2.0
                assert ConnectionState.RECONNECTING in rec.states
                assert rec.latest("temp").value == 42  # type: ignore[union-attr]
                # reconnects reach the socket but get no answer: a timeout, values stay BAD
                await rec.until(
                    lambda: any(isinstance(e, DeviceTimeout) for e in rec.errors),
                    what="DeviceTimeout report",
                )
                await asyncio.sleep(0.3)
                assert rec.latest("temp").quality is Quality.BAD  # type: ignore[union-attr]
                assert drv.state is ConnectionState.RECONNECTING

                proxy.muted = False
                t_up = time.monotonic()
                await rec.until(
                    lambda: rec.latest("temp").quality is Quality.GOOD,  # type: ignore[union-attr]
                    timeout=5.0,
                    what="GOOD again",
                )
                assert time.monotonic() - t_up < 3.0
                assert rec.latest("temp").value == 7  # the unconfirmed write had taken effect
                assert drv.state is ConnectionState.CONNECTED
        finally:
            await proxy.close()
            await server.shutdown()

    run(scenario())


# --------------------------------------------------------------------------- poll cost (issue 3)


def test_unchanged_registers_cost_nothing_and_a_change_arrives_next_poll(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Change detection: an unchanged register map builds no values at all, poll after poll.

    Without it every poll decodes and builds a TagValue per tag only for the
    deadband check to throw it away; counting the TagValues the driver builds
    tells the two apart (the deliveries alone would not).
    """
    import hmi.devices.modbus as modbus_module

    built: list[str] = []

    def counting_tag_value(tag: str, *args: Any) -> TagValue:
        built.append(tag)
        return TagValue(tag, *args)

    monkeypatch.setattr(modbus_module, "TagValue", counting_tag_value)

    async def scenario() -> None:
        server, port = await start_server()
        await server.async_setValues(UNIT, FC_HR, 0, list(range(1, 41)))
        await server.async_setValues(UNIT, FC_HR, 60, [0x4049, 0x0FDB])  # float32 3.1415927
        await server.async_setValues(UNIT, FC_CO, 0, [True, False, True])
        tags = [Tag(f"u{i}", f"hr:{i}", "uint16", sampling_ms=20) for i in range(40)]
        tags += [
            Tag("pi", "hr:60", "float32", sampling_ms=20),
            Tag("pi_le", "hr:60:le", "float32", sampling_ms=20),  # same registers, other order
            Tag("scaled", "hr:3", "int16", sampling_ms=20, scale=0.5, offset=10, access="rw"),
            Tag("band", "hr:7", "uint16", sampling_ms=20, deadband=5),
            Tag("coil", "co:2", "bool", sampling_ms=20),
        ]
        rec = Recorder()
        try:
            async with ModbusTcpDriver(
                f"modbus+tcp://127.0.0.1:{port}",
                tags,
                on_value=rec.on_value,
                on_state=rec.on_state,
                history=1000,
            ) as drv:
                await rec.until(lambda: all(rec.of(t.name) for t in tags), what="first values")
                assert rec.latest("pi").value == _f32(3.1415927)  # type: ignore[union-attr]
                assert rec.latest("scaled").value == 4 * 0.5 + 10  # type: ignore[union-attr]
                first_round = len(built)
                assert first_round == len(tags) == len(rec.values)

                sent_before = sum(">>" in f for f in drv.recent_frames())
                await asyncio.sleep(0.3)  # ≈15 polls of an unchanged device
                polls = sum(">>" in f for f in drv.recent_frames()) - sent_before
                assert polls >= 5 * 2, "the driver kept polling (hr and co blocks)"
                assert len(rec.values) == len(tags), "nothing repeated"
                assert len(built) == first_round, "an unchanged poll built values"

                # one register changes: that tag, and only it, arrives with the next poll
                await server.async_setValues(UNIT, FC_HR, 20, [999])
                t0 = time.monotonic()
                await rec.until(lambda: rec.latest("u20").value == 999)  # type: ignore[union-attr]
                assert time.monotonic() - t0 < 0.5  # a poll is 20 ms; generous for a busy box
                await asyncio.sleep(0.1)
                assert [v.tag for v in rec.values[len(tags) :]] == ["u20"]
                assert built[first_round:] == ["u20"]

                # inside the deadband: compared (built nothing), not delivered; beyond: delivered
                await server.async_setValues(UNIT, FC_HR, 7, [10])  # band was 8
                await asyncio.sleep(0.1)
                assert len(rec.of("band")) == 1
                await server.async_setValues(UNIT, FC_HR, 7, [14])
                await rec.until(lambda: rec.latest("band").value == 14)  # type: ignore[union-attr]

                # a write delivers outside the poll; the device then reverting to the old
                # registers must still be seen as a change
                assert (await drv.write("scaled", 30)).value == 30
                await server.async_setValues(UNIT, FC_HR, 3, [4])
                await rec.until(lambda: rec.latest("scaled").value == 12)  # type: ignore[union-attr]
                assert [v.value for v in rec.of("scaled")] == [12, 30, 12]
                assert all(v.quality is Quality.GOOD for v in rec.values)
        finally:
            await server.shutdown()

    run(scenario())


def test_poll_stopped_on_link_loss_leaves_no_request_running() -> None:
    """A poll cancelled mid-request must take its pymodbus request down with it.

    Otherwise the request runs on un-awaited and ends as 'Task exception was
    never retrieved' (ModbusIOException from TransactionManager.execute).
    """

    async def scenario() -> None:
        import gc

        loop = asyncio.get_running_loop()
        unhandled: list[dict[str, Any]] = []
        loop.set_exception_handler(lambda _loop, context: unhandled.append(context))
        server, server_port = await start_server()
        proxy = MutingProxy(server_port)
        port = await proxy.start()
        tags = [
            Tag(f"{table}{i}", f"{table}:{i}", "bool" if table == "co" else "uint16", 10)
            for i in range(3)
            for table in ("hr", "ir", "co")
        ]
        rec = Recorder()
        try:
            async with ModbusTcpDriver(
                f"modbus+tcp://127.0.0.1:{port}",
                tags,
                on_value=rec.on_value,
                on_state=rec.on_state,
                on_error=rec.on_error,
                timeout=0.15,
                retries=0,
            ) as drv:
                await rec.until(lambda: len(rec.values) == len(tags))
                for _ in range(2):  # lose the link twice, with polls and a write in flight
                    proxy.muted = True
                    with pytest.raises((DeviceTimeout, ConnectError)):
                        await drv.read(["hr1"])
                    await rec.until(
                        lambda: rec.latest("hr0").quality is Quality.BAD,  # type: ignore[union-attr]
                        what="BAD",
                    )
                    await asyncio.sleep(0.4)  # longer than any abandoned request could run
                    proxy.muted = False
                    await rec.until(
                        lambda: rec.latest("hr0").quality is Quality.GOOD,  # type: ignore[union-attr]
                        timeout=5.0,
                        what="GOOD again",
                    )
            await asyncio.sleep(0.4)
            gc.collect()
            await asyncio.sleep(0)
            assert unhandled == []
        finally:
            await proxy.close()
            await server.shutdown()

    run(scenario())


def test_reads_spread_over_several_connections_give_the_same_values_and_survive_a_restart(
) -> None:
    """``connections=3``: four tables read over three sockets; values exact; loss and return."""

    async def scenario() -> None:
        server, port = await start_server()
        await server.async_setValues(UNIT, FC_HR, 0, [0x1234, 0x5678])
        await server.async_setValues(UNIT, FC_HR, 300, [7])
        await server.async_setValues(UNIT, FC_IR, 10, [42])
        await server.async_setValues(UNIT, FC_CO, 5, [True])
        await server.async_setValues(UNIT, FC_DI, 9, [True])
        tags = [Tag("u32", "hr:0", "uint32"), Tag("far", "hr:300", "uint16"),
                Tag("ir10", "ir:10", "uint16"), Tag("co5", "co:5", "bool"),
                Tag("di9", "di:9", "bool")]
        rec = Recorder()
        url = f"modbus+tcp://127.0.0.1:{port}?unit={UNIT}&connections=3"
        try:
            async with ModbusTcpDriver(url, tags, on_value=rec.on_value, on_state=rec.on_state,
                                       backoff_max=0.2) as drv:
                await rec.until(lambda: all(rec.latest(t.name) for t in tags), what="all values")
                assert drv.connections == 3 and len(drv._extra_clients) == 2
                assert [rec.latest(n).value for n in ("u32", "far", "ir10", "co5", "di9")] == \
                    [0x12345678, 7, 42, True, True]
                assert sum(len(b) for b in drv.read_plan().values()) == 5  # far hr is its own read
                await server.async_setValues(UNIT, FC_HR, 300, [8])
                await rec.until(lambda: rec.latest("far").value == 8, what="a change")
                await server.shutdown()
                await rec.until(lambda: rec.latest("far").quality is Quality.BAD, what="BAD")
                server, _ = await start_server(port)
                await server.async_setValues(UNIT, FC_HR, 300, [9])
                await rec.until(lambda: rec.latest("far").value == 9
                                and rec.latest("far").quality is Quality.GOOD,
                                timeout=5.0, what="back")
                assert len(drv._extra_clients) == 2
        finally:
            await server.shutdown()

    run(scenario())


def test_connections_option_is_checked() -> None:
    with pytest.raises(ConfigError, match="connections"):
        parse_url("modbus+tcp://plc?connections=0")
    with pytest.raises(ConfigError, match="connections"):
        parse_url("modbus+tcp://plc?connections=9")
