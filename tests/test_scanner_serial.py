"""SerialScanner against pseudo-terminals standing in for a USB serial scanner (no mocks).

The test plays the scanner on the pty master (``PtyPort.send``); the scanner
under test opens the slave through a symlink, as it would open
``/dev/serial/by-id/...``. ``unplug()`` closes the master (reads fail with EIO,
the link vanishes) exactly like a pulled USB adapter.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
import serial

from hmi.config import ScannerSection
from hmi.devices.base import ConnectionState, DeviceError
from hmi.devices.scanner import (
    GS,
    Scan,
    ScannerPortError,
    ScanRejected,
    SerialScanner,
    parse_aim,
    symbology_name,
)
from tests.fixtures.ptys import PtyPort

CS = ConnectionState


def run(coro: Coroutine[Any, Any, Any], timeout: float = 20.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())


class Recorder:
    """Collects the scanner's callbacks; ``await until(pred)`` wakes on every callback."""

    def __init__(self) -> None:
        self.scans: list[Scan] = []
        self.states: list[ConnectionState] = []
        self.errors: list[DeviceError] = []
        self._changed = asyncio.Event()

    def on_scan(self, scan: Scan) -> None:
        self.scans.append(scan)
        self._changed.set()

    def on_state(self, state: ConnectionState) -> None:
        self.states.append(state)
        self._changed.set()

    def on_error(self, error: DeviceError) -> None:
        self.errors.append(error)
        self._changed.set()

    async def until(self, pred: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not pred():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"timed out waiting for {what or pred}: scans={self.scans} "
                    f"states={self.states} errors={self.errors}"
                )
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 0.1))
            except TimeoutError:
                pass

    def scanner(self, port: str, **options: Any) -> SerialScanner:
        return SerialScanner(port, on_scan=self.on_scan, on_state=self.on_state,
                             on_error=self.on_error, **options)


async def scans_of(pty: PtyPort, wire: bytes, count: int, **options: Any) -> Recorder:
    """Open a scanner on ``pty``, send ``wire`` once connected, wait for ``count`` scans."""
    rec = Recorder()
    async with rec.scanner(pty.path, **options):
        await rec.until(lambda: CS.CONNECTED in rec.states, what="CONNECTED")
        pty.send(wire)
        await rec.until(lambda: len(rec.scans) >= count, what=f"{count} scans")
        await asyncio.sleep(0.15)  # anything extra (a split frame) would show up now
    return rec


# --------------------------------------------------------------------------- framing


@pytest.mark.parametrize(
    ("suffix", "wire"),
    [
        (b"\r", b"]C1ABC-123\r"),
        (b"\n", b"]C1ABC-123\n"),
        (b"\r\n", b"]C1ABC-123\r\n"),
        (b"\t", b"]C1ABC-123\t"),
        (b"\x03", b"]C1ABC-123\x03"),  # custom: ETX
    ],
    ids=["CR", "LF", "CRLF", "TAB", "custom-ETX"],
)
def test_each_suffix_ends_a_code(pty_port: PtyPort, suffix: bytes, wire: bytes) -> None:
    rec = run(scans_of(pty_port, wire, 1, suffix=suffix))
    assert len(rec.scans) == 1
    scan = rec.scans[0]
    assert scan.raw == b"]C1ABC-123"  # framing stripped, AIM kept
    assert scan.payload == b"ABC-123"
    assert scan.text == "ABC-123"
    assert scan.symbology == "]C1"
    assert scan.symbology_name == "GS1-128"
    assert scan.source == f"serial:{pty_port.path}"
    assert scan.received_ts.tzinfo is UTC
    assert rec.states == [CS.CONNECTING, CS.CONNECTED, CS.CLOSED]
    assert rec.errors == []


def test_scanner_sending_crlf_works_when_cr_is_configured(pty_port: PtyPort) -> None:
    rec = run(scans_of(pty_port, b"]E04006381333931\r\n]E04006381333932\r\n", 2, suffix=b"\r"))
    assert [s.raw for s in rec.scans] == [b"]E04006381333931", b"]E04006381333932"]
    assert rec.errors == []


def test_prefix_is_stripped_and_a_code_without_it_is_refused(pty_port: PtyPort) -> None:
    async def scenario() -> Recorder:
        rec = Recorder()
        async with rec.scanner(pty_port.path, prefix=b"\x02", suffix=b"\x03"):
            await rec.until(lambda: CS.CONNECTED in rec.states)
            pty_port.send(b"\x02]d2LOT42\x03")
            await rec.until(lambda: len(rec.scans) == 1)
            pty_port.send(b"NOPREFIX\x03")
            await rec.until(lambda: len(rec.errors) == 1)
            pty_port.send(b"\x02]d2LOT43\x03")
            await rec.until(lambda: len(rec.scans) == 2)
        return rec

    rec = run(scenario())
    assert [(s.symbology, s.payload, s.raw) for s in rec.scans] == [
        ("]d2", b"LOT42", b"]d2LOT42"),
        ("]d2", b"LOT43", b"]d2LOT43"),
    ]
    (err,) = rec.errors
    assert isinstance(err, ScanRejected)
    assert "prefix" in err.reason and "b'\\x02'" in err.reason
    assert "Scan again" in err.operator_message


def test_aim_identifiers_and_back_to_back_codes_in_one_write(pty_port: PtyPort) -> None:
    wire = b"]C1(01)12345\r]d2DM-PAYLOAD\r]Q3QR-PAYLOAD\rPLAIN-CODE\r"
    rec = run(scans_of(pty_port, wire, 4))
    assert [(s.symbology, s.payload) for s in rec.scans] == [
        ("]C1", b"(01)12345"),
        ("]d2", b"DM-PAYLOAD"),
        ("]Q3", b"QR-PAYLOAD"),
        (None, b"PLAIN-CODE"),
    ]
    assert [s.is_gs1 for s in rec.scans] == [True, True, True, False]
    assert [s.symbology_name for s in rec.scans] == ["GS1-128", "GS1 DataMatrix", "GS1 QR Code", ""]
    assert rec.scans[3].raw == b"PLAIN-CODE"


def test_raw_bytes_kept_exactly_with_gs_and_a_non_utf8_byte(pty_port: PtyPort) -> None:
    code = b"]d2" + b"0104012345678901" + b"10LOT\xe9" + GS + b"21SN0001"
    rec = run(scans_of(pty_port, code + b"\r", 1))
    (scan,) = rec.scans
    assert scan.raw == code
    assert scan.payload == code[3:]
    assert GS in scan.payload
    assert scan.text == "0104012345678901" + "10LOTé" + "\x1d" + "21SN0001"  # Latin-1, GS kept


def test_utf8_payload_is_decoded_as_utf8(pty_port: PtyPort) -> None:
    rec = run(scans_of(pty_port, "]Q1Grüße-µ\r".encode(), 1))
    assert rec.scans[0].text == "Grüße-µ"


def test_without_suffix_silence_ends_the_code(pty_port: PtyPort) -> None:
    async def scenario() -> tuple[Recorder, float]:
        rec = Recorder()
        async with rec.scanner(pty_port.path, suffix=b"", frame_timeout=0.4):
            await rec.until(lambda: CS.CONNECTED in rec.states)
            # Sent byte by byte: the gaps (ms) are far below the 400 ms frame timeout.
            pty_port.send(b"]E04006381333931", char_delay=0.002)
            sent = time.monotonic()
            await rec.until(lambda: len(rec.scans) == 1)
            latency = time.monotonic() - sent
            pty_port.send(b"]A0PART-77")
            await rec.until(lambda: len(rec.scans) == 2)
        return rec, latency

    rec, latency = run(scenario())
    assert [s.raw for s in rec.scans] == [b"]E04006381333931", b"]A0PART-77"]
    assert rec.scans[0].symbology == "]E0" and rec.scans[1].symbology == "]A0"
    assert latency >= 0.35, f"a code must not end before the frame timeout (ended after {latency:.3f} s)"


def test_missing_suffix_is_reported_not_glued_to_the_next_code(pty_port: PtyPort) -> None:
    async def scenario() -> Recorder:
        rec = Recorder()
        async with rec.scanner(pty_port.path, suffix=b"\r", frame_timeout=0.2):
            await rec.until(lambda: CS.CONNECTED in rec.states)
            pty_port.send(b"HALF-A-CO")
            await rec.until(lambda: len(rec.errors) == 1)
            pty_port.send(b"]C1WHOLE\r")
            await rec.until(lambda: len(rec.scans) == 1)
        return rec

    rec = run(scenario())
    assert rec.scans[0].raw == b"]C1WHOLE"
    (err,) = rec.errors
    assert isinstance(err, ScanRejected)
    assert "without the CR suffix" in err.reason and err.size == 9


def test_oversize_code_is_dropped_and_the_next_one_arrives(pty_port: PtyPort) -> None:
    async def scenario() -> Recorder:
        rec = Recorder()
        async with rec.scanner(pty_port.path, max_length=32):
            await rec.until(lambda: CS.CONNECTED in rec.states)
            # 100 bytes in three writes, so the reader sees it grow past the limit.
            big = b"]C1" + b"9" * 97
            for part in (big[:40], big[40:80], big[80:] + b"\r"):
                pty_port.send(part)
                await asyncio.sleep(0.03)
            pty_port.send(b"]C1OK-1\r")
            await rec.until(lambda: len(rec.scans) == 1 and len(rec.errors) == 1)
            await asyncio.sleep(0.15)
        return rec

    rec = run(scenario())
    assert [s.raw for s in rec.scans] == [b"]C1OK-1"]
    (err,) = rec.errors
    assert isinstance(err, ScanRejected)
    assert err.size == 100
    assert "100 bytes" in err.reason and "32" in err.reason and "max_length" in err.reason


# --------------------------------------------------------------------------- the link


def test_unplug_then_replug_reconnects_and_drops_the_partial_code(pty_port: PtyPort) -> None:
    async def scenario() -> tuple[Recorder, SerialScanner, float]:
        rec = Recorder()
        async with rec.scanner(pty_port.path, frame_timeout=10.0) as scanner:
            await rec.until(lambda: CS.CONNECTED in rec.states)
            pty_port.send(b"]C1BEFORE\r")
            await rec.until(lambda: len(rec.scans) == 1)
            pty_port.send(b"]C1PARTIAL")  # the cable is pulled in the middle of a code
            await rec.until(lambda: scanner.pending_bytes == 10, what="partial code read")
            pty_port.unplug()
            await rec.until(lambda: rec.states[-1] is CS.RECONNECTING, what="RECONNECTING")
            assert scanner.state is CS.RECONNECTING
            await asyncio.sleep(0.6)  # the station polls while the adapter is away
            pty_port.replug()
            plugged = time.monotonic()
            await rec.until(lambda: rec.states[-1] is CS.CONNECTED, what="CONNECTED again")
            reconnect = time.monotonic() - plugged
            pty_port.send(b"]C1AFTER\r")
            await rec.until(lambda: len(rec.scans) == 2)
            assert scanner.last_error is None
        return rec, scanner, reconnect

    rec, scanner, reconnect = run(scenario())
    assert [s.raw for s in rec.scans] == [b"]C1BEFORE", b"]C1AFTER"]  # PARTIAL not glued on
    assert rec.states == [CS.CONNECTING, CS.CONNECTED, CS.RECONNECTING, CS.CONNECTED, CS.CLOSED]
    (err,) = rec.errors  # one message for the pulled cable, not one per poll
    assert isinstance(err, ScannerPortError) and err.cause == "lost"
    assert err.operator_message == (
        f"Scanner on {pty_port.path} was disconnected. Check the cable; the station keeps looking."
    )
    assert any("discarded 10 bytes" in e for e in scanner.recent_events())
    assert reconnect < 2.0, f"reconnect took {reconnect:.2f} s"
    print(f"replug -> CONNECTED after {reconnect * 1000:.0f} ms")


def test_port_missing_at_start_then_appearing(tmp_path: Path) -> None:
    link = tmp_path / "usb-Scanner_Later-if00"

    async def scenario() -> tuple[Recorder, SerialScanner, float]:
        rec = Recorder()
        later: PtyPort | None = None
        try:
            async with rec.scanner(str(link)) as scanner:
                await rec.until(lambda: len(rec.errors) == 1, what="not-found error")
                assert scanner.state is CS.RECONNECTING
                await asyncio.sleep(1.2)  # two more polls: still looking, no repeated message
                assert len(rec.errors) == 1 and CS.CONNECTED not in rec.states
                later = PtyPort(link)  # the scanner is plugged in
                plugged = time.monotonic()
                await rec.until(lambda: CS.CONNECTED in rec.states, what="CONNECTED")
                found = time.monotonic() - plugged
                later.send(b"]C1HELLO\r")
                await rec.until(lambda: len(rec.scans) == 1)
        finally:
            if later is not None:
                later.close()
        return rec, scanner, found

    rec, scanner, found = run(scenario())
    (err,) = rec.errors
    assert isinstance(err, ScannerPortError) and err.cause == "not_found"
    assert err.operator_message == (
        f"Scanner on {link} not found. Check the cable; the station keeps looking."
    )
    assert rec.states == [CS.CONNECTING, CS.RECONNECTING, CS.CONNECTED, CS.CLOSED]
    assert rec.scans[0].payload == b"HELLO"
    assert found < 2.0, f"found the port after {found:.2f} s"
    print(f"port appeared -> CONNECTED after {found * 1000:.0f} ms")


def test_close_releases_the_port(pty_port: PtyPort) -> None:
    async def scenario() -> SerialScanner:
        rec = Recorder()
        scanner = rec.scanner(pty_port.path)
        async with scanner:
            await rec.until(lambda: CS.CONNECTED in rec.states)
            with pytest.raises(serial.SerialException, match="exclusively lock"):
                serial.Serial(pty_port.path, exclusive=True)  # we hold it
        assert scanner.state is CS.CLOSED
        return scanner

    run(scenario())
    serial.Serial(pty_port.path, exclusive=True).close()  # free again after aclose()


def test_bad_settings_are_refused_with_the_reason() -> None:
    def make(**kw: Any) -> SerialScanner:
        return SerialScanner("/dev/ttyX", on_scan=print, on_state=print, **kw)

    with pytest.raises(DeviceError, match="parity must be one of N, E, O, M, S, got 'X'"):
        make(parity="X")
    with pytest.raises(DeviceError, match="without a suffix needs frame_timeout > 0"):
        make(suffix=b"", frame_timeout=0)
    with pytest.raises(DeviceError, match="port is empty"):
        SerialScanner("", on_scan=print, on_state=print)


# --------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"]C1(01)123", ("]C1", b"(01)123")),
        (b"]d2010", ("]d2", b"010")),
        (b"]Q3X", ("]Q3", b"X")),
        (b"]E0", ("]E0", b"")),
        (b"]zC1", ("]zC", b"1")),  # Aztec modifiers run to C
        (b"4006381333931", (None, b"4006381333931")),
        (b"]C", (None, b"]C")),  # too short
        (b"]1C0", (None, b"]1C0")),  # code must be a letter
        (b"]C-12", (None, b"]C-12")),  # modifier must be a digit or letter
        (b"[C1x", (None, b"[C1x")),
    ],
)
def test_parse_aim(raw: bytes, expected: tuple[str | None, bytes]) -> None:
    assert parse_aim(raw) == expected


def test_symbology_names() -> None:
    assert symbology_name("]E0") == "EAN-13 / UPC-A"
    assert symbology_name("]A0") == "Code 39"
    assert symbology_name("]C3") == "Code 128 (]C3)"  # family known, modifier not listed
    assert symbology_name("]Y0") == "AIM ]Y0"
    assert symbology_name(None) == ""


def test_scanner_section_in_the_station_file() -> None:
    sec = ScannerSection(port=" /dev/serial/by-id/usb-X ", suffix="crlf", prefix="\u0002",
                         parity="E", bytesize=7, frame_timeout_ms=50)
    opts = sec.serial_options()
    assert opts == {
        "port": "/dev/serial/by-id/usb-X", "baudrate": 9600, "bytesize": 7, "parity": "E",
        "stopbits": 1, "prefix": b"\x02", "suffix": b"\r\n", "frame_timeout": 0.05,
        "max_length": 512,
    }
    assert ScannerSection(suffix="\u0003").suffix_bytes == b"\x03"
    assert ScannerSection(suffix="").suffix_bytes == b""
    with pytest.raises(ValueError, match="unknown suffix 'CR LF'.*CR, LF, CRLF, TAB or NONE"):
        ScannerSection(suffix="CR LF")
    with pytest.raises(ValueError, match="only hold byte values"):
        ScannerSection(prefix="€")
    with pytest.raises(ValueError, match="suffix = NONE a code can only end by silence"):
        ScannerSection(port="/dev/ttyACM0", suffix="NONE", frame_timeout_ms=0)
