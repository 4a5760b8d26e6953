"""ModbusRtuDriver: URL, line-capacity arithmetic, and the driver over a serial cable.

The cable is a pair of pseudo-terminals joined by a copying thread
(:class:`tests.fixtures.ptys.PtyLink`); pymodbus's own ``ModbusSerialServer``
(RTU framer) plays the slaves on one end, the driver opens the other end by
name, as it would open ``/dev/ttyUSB0``. ``unplug()`` cuts the cable.

Two things about ptys shape these tests:

* A pty has no line timing: bytes arrive at once whatever the baud rate, so
  the baud rate only matters to the driver's own arithmetic (the inter-frame
  silence it keeps, the capacity check). Functional tests use 115200 baud.
* Some kernels refuse parity on a pty (``tcsetattr`` gives EINVAL for
  PARENB, as this machine's does), so the functional tests use 8N1; the
  spec default 8E1 is covered by the URL and arithmetic tests.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial
from pymodbus.server import ModbusSerialServer

from hmi.devices.base import (
    ConfigError,
    ConnectError,
    ConnectionState,
    DeviceTimeout,
    Quality,
    Tag,
    WriteRejectedError,
    WriteVerifyError,
)
from hmi.devices.modbus import (
    ModbusRtuDriver,
    ReadBlock,
    SerialLine,
    parse_rtu_url,
    rtu_line_load,
)
from tests.fixtures.ptys import PtyLink
from tests.test_devices_modbus import (
    CASES,
    CLAMPED_HR,
    FC_CO,
    FC_DI,
    FC_HR,
    FC_IR,
    Recorder,
    make_device,
    run,
)

BAUD = 115200


@pytest.fixture
def cable(tmp_path: Path) -> Iterator[PtyLink]:
    link = PtyLink(tmp_path)
    yield link
    link.close()


def rtu_url(path: str, **options: object) -> str:
    query = {"baud": BAUD, "parity": "N", **options}
    return f"modbus+rtu://{path}?" + "&".join(f"{k}={v}" for k, v in query.items())


async def start_slaves(path: str, *units: int) -> ModbusSerialServer:
    server = ModbusSerialServer(
        [make_device(unit=u) for u in units or (1,)], port=path, baudrate=BAUD, parity="N"
    )
    await server.serve_forever(background=True)
    return server


# --------------------------------------------------------------------------- URL


def test_parse_rtu_url_defaults_options_and_refusals() -> None:
    url = parse_rtu_url("modbus+rtu:///dev/ttyUSB0")
    assert url.line == SerialLine("/dev/ttyUSB0", 19200, "E", 8, 1)  # the spec's 8E1
    assert (url.unit, url.timeout, url.retries, url.turnaround_ms, url.max_load) == (
        1,
        None,
        None,
        5.0,
        0.9,
    )
    url = parse_rtu_url(
        "modbus+rtu:///dev/serial/by-id/usb-FTDI%20A?baud=9600&parity=n&stopbits=2&unit=17"
        "&timeout=0.5&retries=0&turnaround_ms=12&max_load=1"
    )
    assert url.line == SerialLine("/dev/serial/by-id/usb-FTDI A", 9600, "N", 8, 2)
    assert (url.unit, url.timeout, url.retries, url.turnaround_ms, url.max_load) == (
        17,
        0.5,
        0,
        12.0,
        1.0,
    )
    drv = ModbusRtuDriver(
        "modbus+rtu:///dev/ttyS1?retries=0&timeout=0.3&unit=9", [], on_value=print, on_state=print
    )
    assert (drv.retries, drv.timeout, drv.unit) == (0, 0.3, 9)  # URL options reach the driver
    assert parse_rtu_url("modbus+rtu://COM3?parity=odd").line.port == "COM3"
    assert parse_rtu_url("modbus+rtu://COM3?parity=odd").line.frame == "8O1"
    for bad, complaint in [
        ("modbus+rtu://", "names no serial port"),
        ("modbus+rtu://dev/ttyUSB0", "three slashes"),
        ("modbus+rtu:///dev/ttyS0?baud=fast", "baud='fast' must be a whole number"),
        ("modbus+rtu:///dev/ttyS0?parity=X", "parity='X' must be N .none., E .even. or O .odd."),
        ("modbus+rtu:///dev/ttyS0?bytesize=7", "bytesize='7' must be 8.*Modbus ASCII"),
        ("modbus+rtu:///dev/ttyS0?stopbits=3", "stopbits='3' must be from 1 to 2"),
        ("modbus+rtu:///dev/ttyS0?unit=0", "unit='0' must be from 1 to 247"),
        ("modbus+rtu:///dev/ttyS0?unit=248", "unit='248' must be from 1 to 247"),
        ("modbus+rtu:///dev/ttyS0?timeout=-1", "timeout='-1' must be a number above 0"),
        (
            "modbus+rtu:///dev/ttyS0?max_load=1.5",
            "max_load='1.5' must be a number above 0 and at most 1",
        ),
        ("modbus+rtu:///dev/ttyS0?speed=9600", "unknown option 'speed' .known: baud,"),
        ("modbus+rtu:///dev/ttyS0?baud=9600&baudrate=19200", "given twice"),
        ("modbus+tcp://h", "needs a modbus\\+rtu:// URL"),
    ]:
        with pytest.raises(ConfigError, match=complaint):
            parse_rtu_url(bad)


# --------------------------------------------------------------------------- line capacity


def test_line_load_exact_figures() -> None:
    # 9600 8E1: 11 bits a character; 10 registers: 8-byte request + 25-byte answer
    load = rtu_line_load({100: [ReadBlock("hr", 0, 10)]}, 9600)
    char = 11 / 9600
    assert load.line.bits_per_char == 11 and load.line.char_s == pytest.approx(char)
    assert load.line.gap_s == pytest.approx(3.5 * char)
    (g,) = load.groups
    assert (g.sampling_ms, g.requests, g.bytes) == (100, 1, 33)
    assert g.line_s == pytest.approx(33 * char + 2 * 3.5 * char + 0.005)  # 50.83 ms
    assert load.load == pytest.approx(0.508333, rel=1e-5) and load.fits

    # above 19200 baud the gap is a fixed 1.75 ms; coils answer ceil(N/8) data bytes
    load = rtu_line_load(
        {50: [ReadBlock("hr", 0, 125), ReadBlock("co", 0, 20)]},
        115200,
        parity="N",
        turnaround_ms=5,
    )
    (g,) = load.groups
    assert (g.requests, g.bytes) == (2, (8 + 5 + 250) + (8 + 5 + 3))
    assert g.line_s == pytest.approx(279 * 10 / 115200 + 2 * (2 * 0.00175 + 0.005))
    assert load.load == pytest.approx(g.line_s / 0.05)
    # at exactly 19200 the 3.5 characters still count: 8E1 -> 2.005 ms
    assert rtu_line_load({}, 19200).line.gap_s == pytest.approx(3.5 * 11 / 19200)
    # two stop bits, no parity: 11 bits again
    assert SerialLine("p", 9600, "N", 8, 2).bits_per_char == 11

    # several groups add up as shares of the line
    load = rtu_line_load(
        {100: [ReadBlock("hr", 0, 10)], 1000: [ReadBlock("di", 0, 9)]}, 9600, max_load=0.5
    )
    di = (8 + 5 + 2) * char + 2 * 3.5 * char + 0.005
    assert load.groups[1].line_s == pytest.approx(di)
    assert load.load == pytest.approx(0.508333 + di, rel=1e-5)
    assert not load.fits  # over the 50 % asked for


def test_line_that_cannot_carry_the_plan_is_refused_with_the_arithmetic() -> None:
    # 2 reads of 60 registers every 100 ms at 9600 8E1: 2 x (8 + 125) = 266 bytes
    # = 304.8 ms + 4 gaps of 4.010 ms + 2 x 5 ms = 330.8 ms of line per 100 ms
    plan = {100: [ReadBlock("hr", 0, 60), ReadBlock("hr", 100, 60)]}
    load = rtu_line_load(plan, 9600, port="/dev/ttyUSB0")
    assert load.load == pytest.approx(3.3083, rel=1e-4) and not load.fits
    assert load.slower_rates() == {100: 370}  # 330.8 ms / 0.9 = 367.6 -> 370
    assert load.fitting_baud() == 57600  # 38400 would need 93 %
    assert load.explain() == (
        "RTU line /dev/ttyUSB0 at 9600 baud 8E1 cannot carry the poll plan: 2 requests, "
        "266 bytes per 100 ms cycle = 331 ms of line time (11 bits/char, 1.146 ms/char, "
        "+ two 3.5-char gaps of 4.010 ms + 5 ms turnaround per request) > 90 ms allowed "
        "(90% of the cycle); lower the rate (sampling_ms ≥ 370) or raise the baud rate "
        "(57600 would carry it; set it on the device too)"
    )

    # the driver refuses such a plan when it is built, before touching the port
    tags = [Tag(f"r{i}", f"hr:{i}", "uint16") for i in range(60)]
    tags += [Tag(f"s{i}", f"hr:{100 + i}", "uint16") for i in range(60)]
    with pytest.raises(ConfigError) as err:
        ModbusRtuDriver("modbus+rtu:///dev/ttyUSB0?baud=9600", tags, on_value=print, on_state=print)
    assert str(err.value) == load.explain()
    assert "sampling_ms ≥ 370" in err.value.operator_message
    # ... and takes it at the suggested rate, or at the suggested baud rate
    slow = [Tag(t.name, t.address, t.datatype, sampling_ms=370) for t in tags]
    drv = ModbusRtuDriver(
        "modbus+rtu:///dev/ttyUSB0?baud=9600", slow, on_value=print, on_state=print
    )
    assert drv.line_load.load == pytest.approx(330.83 / 370, rel=1e-3)
    ModbusRtuDriver("modbus+rtu:///dev/ttyUSB0?baud=57600", tags, on_value=print, on_state=print)

    # many small requests: turnaround and gaps dominate, no baud rate helps
    many = [Tag(f"t{i}", f"hr:{i * 20}", "uint16", sampling_ms=100) for i in range(12)]
    with pytest.raises(ConfigError, match="even 115200 baud would not carry it"):
        ModbusRtuDriver("modbus+rtu:///dev/ttyUSB0?baud=9600", many, on_value=print, on_state=print)

    # two poll groups: each group's share, the total, and a stretched rate for each
    mixed = [
        Tag("fast", "hr:0", "uint16", sampling_ms=20),
        Tag("slow", "co:0", "bool", sampling_ms=1000),
    ]
    with pytest.raises(ConfigError) as err:
        ModbusRtuDriver(
            "modbus+rtu:///dev/ttyUSB0?baud=1200", mixed, on_value=print, on_state=print
        )
    text = str(err.value)
    assert (
        "20 ms group: 1 request, 15 bytes" in text and "1000 ms group: 1 request, 14 bytes" in text
    )
    assert "together" in text and "(sampling_ms 20 → " in text

    # a timeout shorter than the longest request takes on the line is refused too:
    # 125 registers at 1200 baud 8N1 = 263 bytes x 8.33 ms + 29 ms gap + 5 ms = 2,226 ms
    big = [Tag(f"b{i}", f"hr:{i}", "uint16", sampling_ms=10_000) for i in range(125)]
    with pytest.raises(ConfigError) as err:
        ModbusRtuDriver(
            "modbus+rtu:///dev/ttyS0?baud=1200&parity=N", big, on_value=print, on_state=print
        )
    assert str(err.value).endswith(
        "timeout=1 s is shorter than the 2,226 ms it takes to read 125 holding registers at "
        "1200 baud; raise the timeout above 2.3 s or the baud rate"
    )
    ModbusRtuDriver(
        "modbus+rtu:///dev/ttyS0?baud=1200&parity=N&timeout=2.5",
        big,
        on_value=print,
        on_state=print,
    )


# --------------------------------------------------------------------------- over the cable


def test_rtu_datatypes_writes_and_two_units_on_one_line(cable: PtyLink) -> None:
    async def scenario() -> None:
        server = await start_slaves(cable.path_a, 1, 2)
        tags: list[Tag] = []
        offset = 0
        for dtype, regs, _ in CASES:
            for order in ("be", "le"):
                raw = list(reversed(regs)) if order == "le" else list(regs)
                await server.async_setValues(1, FC_HR, offset, raw)
                tags.append(Tag(f"{dtype}_{order}", f"hr:{offset}:{order}", dtype))
                offset += len(regs) + 2
        await server.async_setValues(1, FC_IR, 20, [0x5678, 0x1234])
        await server.async_setValues(1, FC_CO, 3, [True])
        await server.async_setValues(1, FC_DI, 7, [True])
        await server.async_setValues(1, FC_HR, 100, [215])
        await server.async_setValues(2, FC_HR, 100, [999])
        tags += [
            Tag("ir_u32_le", "ir:20:le", "uint32"),
            Tag("coil3", "co:3", "bool", access="rw"),
            Tag("di7", "di:7", "bool"),
            Tag("temp", "hr:100", "int16", scale=0.1, access="rw"),
            Tag("setpoint", "hr:110:le", "float32", access="rw"),
            Tag("limited", f"hr:{CLAMPED_HR}", "uint16", access="rw"),
        ]
        rec = Recorder()
        try:
            async with ModbusRtuDriver(
                rtu_url(cable.path_b, unit=1), tags, on_value=rec.on_value, on_state=rec.on_state
            ) as drv:
                await rec.until(lambda: all(rec.latest(t.name) for t in tags), what="all values")
                for dtype, _, expected in CASES:
                    for order in ("be", "le"):
                        got = rec.latest(f"{dtype}_{order}")
                        assert got is not None and got.quality is Quality.GOOD
                        assert got.value == expected, (dtype, order, got.value)
                assert rec.latest("ir_u32_le").value == 0x12345678  # type: ignore[union-attr]
                assert rec.latest("coil3").value is True  # type: ignore[union-attr]
                assert rec.latest("di7").value is True  # type: ignore[union-attr]
                assert rec.latest("temp").value == pytest.approx(21.5)  # type: ignore[union-attr]
                # RTU frames on the wire: unit 1, function 3, ..., CRC
                sent = [f.split(">> ")[1] for f in drv.recent_frames() if ">>" in f]
                assert any(f.startswith("01 03 ") for f in sent)

                # writes with read-back
                assert (await drv.write("setpoint", 72.5)).value == 72.5
                raw = await server.async_getValues(1, 3, 110, 2)
                assert raw == list(reversed(struct.unpack(">HH", struct.pack(">f", 72.5))))
                assert (await drv.write("coil3", False)).value is False
                assert await server.async_getValues(1, 1, 3, 1) == [False]
                assert (await drv.write("temp", -3.2)).value == pytest.approx(-3.2)
                assert await server.async_getValues(1, 3, 100, 1) == [(-32) & 0xFFFF]
                assert (await drv.write("limited", 90)).value == 90
                with pytest.raises(WriteVerifyError) as verify:
                    await drv.write("limited", 300)  # the slave clamps to 100
                assert (verify.value.written, verify.value.read_back) == (300, 100)
                with pytest.raises(WriteRejectedError):
                    await drv.write("di7", False)
                await rec.until(lambda: rec.latest("coil3").value is False)  # type: ignore[union-attr]
                assert drv.state is ConnectionState.CONNECTED
            # the port is free again; the second slave on the same line answers for itself
            rec2 = Recorder()
            async with ModbusRtuDriver(
                rtu_url(cable.path_b, unit=2),
                [Tag("temp", "hr:100", "int16", scale=0.1)],
                on_value=rec2.on_value,
                on_state=rec2.on_state,
            ) as drv2:
                await rec2.until(lambda: bool(rec2.of("temp")))
                assert rec2.latest("temp").value == pytest.approx(99.9)  # type: ignore[union-attr]
                sent = [f.split(">> ")[1] for f in drv2.recent_frames() if ">>" in f]
                assert sent and all(f.startswith("02 ") for f in sent)
        finally:
            await server.shutdown()

    run(scenario())


def test_rtu_keeps_the_inter_frame_silence(cable: PtyLink) -> None:
    # At 1200 baud 8N1 the spec's 3.5-character silence is 29.2 ms. The pty
    # answers at once, so without the driver's pause the next request would
    # follow the answer within a millisecond.
    async def scenario() -> None:
        server = await start_slaves(cable.path_a)
        gap = 3.5 * 10 / 1200
        tags = [
            Tag("a", "hr:0", "uint16", sampling_ms=1000),
            Tag("b", "co:0", "bool", sampling_ms=1000),
            Tag("c", "di:0", "bool", sampling_ms=1000),
            Tag("d", "ir:0", "uint16", sampling_ms=2000),
        ]
        rec = Recorder()
        try:
            async with ModbusRtuDriver(
                rtu_url(cable.path_b, baud=1200), tags, on_value=rec.on_value, on_state=rec.on_state
            ) as drv:
                await rec.until(lambda: all(rec.latest(t.name) for t in tags), what="all values")
                frames = [(float(f.split()[0]), ">>" in f) for f in drv.recent_frames()]
                pauses = [
                    t2 - t1
                    for (t1, sent1), (t2, sent2) in zip(frames, frames[1:], strict=False)
                    if not sent1 and sent2
                ]
                assert len(pauses) >= 5  # verify reads, then the first poll rounds
                assert min(pauses) >= gap * 0.95, pauses
        finally:
            await server.shutdown()

    run(scenario())


def test_rtu_cable_unplugged_and_back(cable: PtyLink) -> None:
    async def scenario() -> None:
        server = await start_slaves(cable.path_a)
        await server.async_setValues(1, FC_HR, 5, [42])
        tags = [
            Tag("temp", "hr:5", "uint16", sampling_ms=50, access="rw"),
            Tag("run", "co:1", "bool"),
        ]
        rec = Recorder()
        try:
            async with ModbusRtuDriver(
                rtu_url(cable.path_b, timeout=0.2, retries=1),
                tags,
                on_value=rec.on_value,
                on_state=rec.on_state,
                on_error=rec.on_error,
            ) as drv:
                await rec.until(lambda: bool(rec.of("temp")) and bool(rec.of("run")))
                cable.unplug()
                t_cut = time.monotonic()
                await rec.until(
                    lambda: all(
                        getattr(rec.latest(t.name), "quality", None) is Quality.BAD for t in tags
                    ),
                    what="BAD values",
                )
                assert time.monotonic() - t_cut < 3.0  # 2 x 0.2 s without an answer, then BAD
                assert drv.state is ConnectionState.RECONNECTING
                assert rec.latest("temp").value == 42  # type: ignore[union-attr]
                with pytest.raises(ConnectError, match="not connected"):
                    await drv.write("temp", 1)
                # each reconnect opens the port fine but hears nothing: said in plain words
                await rec.until(lambda: bool(rec.errors), what="an error report")
                error = rec.errors[-1]
                assert isinstance(error, DeviceTimeout)
                assert f"No answer from unit 1 on the serial line {cable.path_b}" in (
                    error.operator_message
                )

                await server.async_setValues(1, FC_HR, 5, [43])
                cable.replug()
                t_plug = time.monotonic()
                await rec.until(
                    lambda: all(
                        getattr(rec.latest(t.name), "quality", None) is Quality.GOOD for t in tags
                    ),
                    timeout=5.0,
                    what="GOOD again",
                )
                assert time.monotonic() - t_plug < 3.0
                assert rec.latest("temp").value == 43  # type: ignore[union-attr]
                assert drv.state is ConnectionState.CONNECTED and drv.last_error is None
        finally:
            await server.shutdown()

    run(scenario())


def test_rtu_port_missing_or_busy_is_named(tmp_path: Path, cable: PtyLink) -> None:
    async def scenario() -> None:
        tags = [Tag("x", "hr:0", "uint16")]
        rec = Recorder()
        missing = tmp_path / "ttyUSB9"
        async with ModbusRtuDriver(
            rtu_url(str(missing)),
            tags,
            on_value=rec.on_value,
            on_state=rec.on_state,
            on_error=rec.on_error,
            wait_connected=False,
        ):
            await rec.until(lambda: bool(rec.errors), what="an error report")
        error = rec.errors[0]
        assert isinstance(error, ConnectError)
        assert f"serial port {missing} does not exist" in str(error)
        assert "USB/serial adapter is plugged in" in error.operator_message

        # another program holds the port (pyserial's exclusive lock, as pymodbus takes it)
        holder = serial.serial_for_url(cable.path_b, exclusive=True, baudrate=BAUD)
        try:
            rec = Recorder()
            async with ModbusRtuDriver(
                rtu_url(cable.path_b),
                tags,
                on_value=rec.on_value,
                on_state=rec.on_state,
                on_error=rec.on_error,
                wait_connected=False,
            ):
                await rec.until(lambda: bool(rec.errors), what="an error report")
            assert "in use by another program" in rec.errors[0].operator_message
            assert not rec.values
        finally:
            holder.close()

    run(scenario())
