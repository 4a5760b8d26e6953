"""Barcode scanners: the :class:`Scan` value, AIM identifiers, framing, the serial scanner.

Every scanner, serial or keyboard wedge (:mod:`hmi.views.wedge`), delivers a
:class:`Scan`: the bytes as they arrived with the framing (prefix, suffix)
stripped and the AIM symbology identifier (ISO/IEC 15424, ``]C1`` etc.) kept
in ``raw``; the identifier split off into ``symbology``; ``payload`` without it
and ``text`` for display. Control characters such as GS (0x1D, the GS1 field
separator) are kept everywhere: a GS1 parser needs them.

Serial scanner design
---------------------
:class:`SerialScanner` reads with pyserial in **one worker thread** rather
than with ``loop.add_reader`` on the fd. The thread owns everything blocking
or fiddly: opening the port (pyserial's ``open`` does termios ioctls and
flushes the input), the reads with a short timeout that doubles as the clock
for ending suffix-less frames, the half-second poll for a pulled adapter to
come back, and noticing that the ``/dev/serial/by-id`` link vanished or points
to another device. A reader registered with ``add_reader`` would instead spin
on a hung-up fd (a dead tty is always "readable"), needs separate timers for
frame ends, and ties the driver to the loop's notifier implementation (qasync
maps it to QSocketNotifier). The thread hands finished results to the event
loop with ``call_soon_threadsafe``; ``on_scan``, ``on_state`` and ``on_error``
are therefore always called on the loop thread, in order.

Framing is a pure class (:class:`Framer`) fed with bytes and a clock: a frame
ends at the suffix, or after ``frame_timeout`` of silence when there is no
suffix. With a suffix, an unfinished frame older than ``frame_timeout`` is
discarded and reported, so noise or half a scan is never glued to the next
code. An oversize frame is dropped, including its tail up to the next suffix.
When the port is lost the unfinished frame is discarded too. Bytes that reach
the port before it is (re)opened are flushed by pyserial's ``open``; every
byte after the state has turned CONNECTED is read.

States: CONNECTING at start, CONNECTED while the port is open, RECONNECTING
while it is missing or lost (the station keeps looking every
``poll_interval``), CLOSED after :meth:`SerialScanner.aclose`. Errors reach
``on_error`` once per distinct cause, as :class:`ScannerPortError` (port
missing, no permission, in use, lost) or :class:`ScanRejected` (a code was
dropped), each with an ``operator_message``.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from hmi.devices.base import ConfigError, ConnectError, ConnectionState, DeviceError, StateCallback

__all__ = [
    "GS",
    "GS1_SYMBOLOGIES",
    "Framer",
    "Rejected",
    "Scan",
    "ScanCallback",
    "ScanRejected",
    "ScannerPortError",
    "SerialScanner",
    "decode_text",
    "make_scan",
    "parse_aim",
    "symbology_name",
]

logger = logging.getLogger(__name__)

#: ASCII group separator, the GS1 field separator (FNC1 inside a code).
GS = b"\x1d"

# --------------------------------------------------------------------------- AIM identifiers

_AIM = re.compile(rb"\][A-Za-z][0-9A-Za-z]")

#: Names of the identifiers met on a shop floor (ISO/IEC 15424, GS1 General Specifications).
_AIM_NAMES: dict[str, str] = {
    "]A0": "Code 39",
    "]C0": "Code 128",
    "]C1": "GS1-128",
    "]C2": "Code 128 (AIM application)",
    "]C4": "Code 128 (ISBT 128)",
    "]d1": "Data Matrix",
    "]d2": "GS1 DataMatrix",
    "]E0": "EAN-13 / UPC-A",
    "]E3": "EAN-13 with add-on",
    "]E4": "EAN-8",
    "]e0": "GS1 DataBar",
    "]F0": "Codabar",
    "]G0": "Code 93",
    "]I0": "Interleaved 2 of 5",
    "]I1": "ITF-14 / Interleaved 2 of 5 with check digit",
    "]J1": "GS1 DotCode",
    "]L0": "PDF417",
    "]Q1": "QR Code",
    "]Q3": "GS1 QR Code",
    "]z0": "Aztec",
}
#: By code character, for modifiers not listed above.
_AIM_FAMILIES: dict[str, str] = {
    "A": "Code 39",
    "C": "Code 128",
    "d": "Data Matrix",
    "E": "EAN / UPC",
    "e": "GS1 DataBar",
    "F": "Codabar",
    "G": "Code 93",
    "H": "Code 11",
    "I": "Interleaved 2 of 5",
    "J": "DotCode",
    "L": "PDF417",
    "M": "MSI",
    "Q": "QR Code",
    "U": "MaxiCode",
    "X": "other symbology",
    "Z": "keyboard / non-barcode",
    "z": "Aztec",
}
#: Identifiers whose data is GS1 element strings (application identifiers, GS-separated).
GS1_SYMBOLOGIES: frozenset[str] = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})


def parse_aim(raw: bytes) -> tuple[str | None, bytes]:
    """Split an AIM symbology identifier off ``raw``: ``(identifier or None, payload)``.

    An identifier is ``]``, a code letter and one modifier character (digit or
    letter). Anything else (``]`` alone, ``]1…``, ``]C-``, too short) is no
    identifier and the payload is ``raw`` unchanged.
    """
    if len(raw) >= 3 and _AIM.match(raw):
        return raw[:3].decode("ascii"), raw[3:]
    return None, raw


def symbology_name(aim: str | None) -> str:
    """A readable name for an AIM identifier ("GS1-128" for "]C1"); "" for None."""
    if not aim:
        return ""
    if aim in _AIM_NAMES:
        return _AIM_NAMES[aim]
    family = _AIM_FAMILIES.get(aim[1:2])
    return f"{family} ({aim})" if family else f"AIM {aim}"


def decode_text(payload: bytes) -> str:
    """Payload for display: UTF-8 when it is valid UTF-8, else Latin-1 (never fails).

    Control characters (GS, RS, EOT) are kept.
    """
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("latin-1")


@dataclass(frozen=True)
class Scan:
    """One scanned code."""

    #: ``payload`` decoded for display (UTF-8, else Latin-1), control characters kept.
    text: str
    #: Exactly what arrived, framing (prefix, suffix) stripped, AIM identifier kept.
    raw: bytes
    #: AIM identifier such as "]C1", or None when the scanner sends none.
    symbology: str | None
    #: ``raw`` without the AIM identifier.
    payload: bytes
    #: "serial:<port as configured>" or "wedge".
    source: str
    #: When the code was complete (timezone-aware UTC).
    received_ts: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def symbology_name(self) -> str:
        return symbology_name(self.symbology)

    @property
    def is_gs1(self) -> bool:
        """True when the identifier says the data are GS1 element strings."""
        return self.symbology in GS1_SYMBOLOGIES


def make_scan(raw: bytes, source: str, received_ts: datetime | None = None) -> Scan:
    """Build a :class:`Scan` from the unframed bytes of one code."""
    symbology, payload = parse_aim(raw)
    return Scan(
        text=decode_text(payload),
        raw=raw,
        symbology=symbology,
        payload=payload,
        source=source,
        received_ts=received_ts or datetime.now(UTC),
    )


ScanCallback = Callable[[Scan], None]

# --------------------------------------------------------------------------- errors


class ScannerPortError(ConnectError):
    """The scanner's serial port is missing, not permitted, busy or was lost."""

    def __init__(self, port: str, cause: str, detail: str) -> None:
        self.port = port
        self.cause = cause
        messages = {
            "not_found": f"Scanner on {port} not found. Check the cable; the station keeps looking.",
            "lost": f"Scanner on {port} was disconnected. Check the cable; the station keeps looking.",
            "permission": (
                f"The station may not open the scanner port {port}. Ask maintenance to give the "
                "station's user access to serial ports (group 'dialout'); the station keeps trying."
            ),
            "busy": (
                f"Scanner port {port} is in use by another program. Close that program or ask "
                "maintenance; the station keeps trying."
            ),
        }
        super().__init__(
            f"scanner {port}: {detail}",
            url=f"serial:{port}",
            operator_message=messages.get(
                cause,
                f"The scanner on {port} cannot be used ({detail}). Call maintenance; "
                "the station keeps trying.",
            ),
        )


class ScanRejected(DeviceError):
    """A code arrived but was not accepted (too long, incomplete, wrong prefix)."""

    def __init__(self, source: str, reason: str, size: int) -> None:
        self.source = source
        self.reason = reason
        self.size = size
        super().__init__(
            f"{source}: scan ignored: {reason}",
            operator_message=(
                f"The last scan was not accepted: {reason}. Scan again; if it keeps happening, "
                "ask maintenance to check the scanner settings."
            ),
        )


# --------------------------------------------------------------------------- framing


@dataclass(frozen=True)
class Rejected:
    """A frame the framer refused; ``reason`` is in plain words."""

    reason: str
    size: int
    head: bytes = b""


def _suffix_label(suffix: bytes) -> str:
    for name, value in (("CR", b"\r"), ("LF", b"\n"), ("CRLF", b"\r\n"), ("TAB", b"\t")):
        if suffix == value:
            return name
    return repr(suffix)


class Framer:
    """Cuts a byte stream into frames: by suffix, or by silence when there is none.

    Pure and single-threaded: :meth:`feed` takes bytes and the monotonic time
    they arrived, :meth:`poll` is called when nothing arrived; both return the
    finished frames (prefix and suffix stripped) and :class:`Rejected` entries.
    With a line-end suffix (CR, LF or CRLF), stray CR/LF bytes at either end
    of a frame are framing too, so a scanner that sends CRLF works with CR.
    """

    def __init__(
        self, *, prefix: bytes = b"", suffix: bytes = b"\r", timeout: float = 0.1, max_length: int = 512
    ) -> None:
        if not suffix and timeout <= 0:
            raise ConfigError("a scanner without a suffix needs frame_timeout > 0 to end a code")
        if max_length < 1:
            raise ConfigError(f"scanner max_length must be at least 1, got {max_length}")
        self.prefix = bytes(prefix)
        self.suffix = bytes(suffix)
        self.timeout = timeout
        self.max_length = max_length
        self._line_ends = bool(suffix) and not suffix.strip(b"\r\n")
        self._buf = bytearray()
        self._last = 0.0
        self._discarding = 0  # bytes dropped of an oversize frame still arriving
        self._head = b""  # start of that frame, for the log

    @property
    def pending(self) -> int:
        """Bytes of an unfinished frame held (0 when idle)."""
        return len(self._buf) + self._discarding

    def reset(self) -> bytes:
        """Forget an unfinished frame (the link was lost); returns what was dropped."""
        dropped = bytes(self._buf)
        self._buf.clear()
        self._discarding = 0
        return dropped

    def feed(self, data: bytes, now: float) -> list[bytes | Rejected]:
        out = self.poll(now) if self.pending else []
        self._buf += data
        self._last = now
        if self.suffix:
            while (idx := self._buf.find(self.suffix)) >= 0:
                frame = bytes(self._buf[:idx])
                del self._buf[: idx + len(self.suffix)]
                out.extend(self._finish(frame))
        # Oversize without an end in sight: drop now, keep only a possible split suffix.
        limit = self.max_length + len(self.prefix) + (4 if self._line_ends else 0)
        if len(self._buf) > limit:
            keep = len(self.suffix) - 1 if self.suffix else 0
            cut = len(self._buf) - keep
            if not self._discarding:
                self._head = bytes(self._buf[:16])
            self._discarding += cut
            del self._buf[:cut]
        return out

    def poll(self, now: float) -> list[bytes | Rejected]:
        """End the frame when ``timeout`` of silence has passed since its last byte."""
        if not self.pending or self.timeout <= 0 or now - self._last < self.timeout:
            return []
        frame = bytes(self._buf)
        self._buf.clear()
        if self.suffix and not self._discarding:
            if self._line_ends and not frame.strip(b"\r\n"):
                return []  # only a stray line end
            return [
                Rejected(
                    f"{len(frame)} byte{'' if len(frame) == 1 else 's'} came without the "
                    f"{_suffix_label(self.suffix)} suffix "
                    f"within {self.timeout * 1000:.0f} ms (is the scanner set to send it?)",
                    len(frame),
                    frame[:16],
                )
            ]
        return self._finish(frame)

    def _finish(self, frame: bytes) -> list[bytes | Rejected]:
        if self._discarding:
            size, self._discarding = self._discarding + len(frame), 0
            return [self._too_long(size, self._head)]
        if self._line_ends:
            frame = frame.strip(b"\r\n")
        if not frame:
            return []
        if self.prefix:
            if not frame.startswith(self.prefix):
                return [
                    Rejected(
                        f"the code did not start with the configured prefix {self.prefix!r} "
                        "(check the scanner's prefix setting)",
                        len(frame),
                        frame[:16],
                    )
                ]
            frame = frame[len(self.prefix):]
        if len(frame) > self.max_length:
            return [self._too_long(len(frame), frame[:16])]
        return [frame]

    def _too_long(self, size: int, head: bytes) -> Rejected:
        return Rejected(
            f"the code was {size} bytes long, more than the {self.max_length} allowed (max_length)",
            size,
            head,
        )


# --------------------------------------------------------------------------- serial scanner


class _Lost(Exception):
    """The open port stopped working (read error, link vanished)."""


_PARITIES = ("N", "E", "O", "M", "S")


class SerialScanner:
    """A serial (RS-232 / USB CDC) barcode scanner that reconnects by itself.

    Use with ``async with`` (or :meth:`start` / :meth:`aclose`). ``on_scan``,
    ``on_state`` and ``on_error`` are called on the event loop thread.
    """

    KIND = "scanner"

    def __init__(
        self,
        port: str,
        *,
        on_scan: ScanCallback,
        on_state: StateCallback,
        on_error: Callable[[DeviceError], None] | None = None,
        baudrate: int = 9600,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: float = 1,
        prefix: bytes = b"",
        suffix: bytes = b"\r",
        frame_timeout: float = 0.1,
        max_length: int = 512,
        poll_interval: float = 0.5,
        history: int = 200,
    ) -> None:
        if not port:
            raise ConfigError("the scanner port is empty (e.g. /dev/serial/by-id/usb-…)")
        if baudrate <= 0:
            raise ConfigError(f"scanner {port}: baud rate must be > 0, got {baudrate}")
        if bytesize not in (5, 6, 7, 8):
            raise ConfigError(f"scanner {port}: bytesize must be 5, 6, 7 or 8, got {bytesize}")
        if parity not in _PARITIES:
            raise ConfigError(f"scanner {port}: parity must be one of {', '.join(_PARITIES)}, got {parity!r}")
        if stopbits not in (1, 1.5, 2):
            raise ConfigError(f"scanner {port}: stopbits must be 1, 1.5 or 2, got {stopbits}")
        self.port = port
        self.source = f"serial:{port}"
        self._on_scan = on_scan
        self._on_state = on_state
        self._on_error = on_error
        self.baudrate = baudrate
        self.bytesize = bytesize
        self.parity = parity
        self.stopbits = stopbits
        self.poll_interval = poll_interval
        self._framer = Framer(prefix=prefix, suffix=suffix, timeout=frame_timeout, max_length=max_length)
        self._tick = min(0.05, frame_timeout / 4) if frame_timeout > 0 else 0.05
        self._tick = max(self._tick, 0.005)

        self._state = ConnectionState.DISCONNECTED
        self._last_error: DeviceError | None = None
        self._error_key: str | None = None  # thread side: the last cause reported
        self._events: deque[str] = deque(maxlen=history)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._serial_lock = threading.Lock()
        self._serial: Any = None
        self._closing = False

    # ------------------------------------------------------------------ public API

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def last_error(self) -> DeviceError | None:
        """The most recent port problem; None while connected."""
        return self._last_error

    @property
    def pending_bytes(self) -> int:
        """Bytes of an unfinished code held by the reader (for diagnosis and tests)."""
        return self._framer.pending

    def recent_events(self) -> list[str]:
        """Ring buffer of recent port events and frames (hex), oldest first."""
        return list(self._events)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Start the reader thread. Returns at once; a missing port is not an error here."""
        if self._closing:
            raise ConnectError("scanner is closed", url=self.source)
        if self._thread is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._set_state(ConnectionState.CONNECTING)
        self._thread = threading.Thread(target=self._run, name=f"scanner {self.port}", daemon=True)
        self._thread.start()

    async def aclose(self) -> None:
        """Stop reading, close the port and report CLOSED. Idempotent."""
        if self._closing:
            return
        self._closing = True
        self._stop.set()
        with self._serial_lock:  # the reader closes the port under the same lock
            if self._serial is not None:
                try:
                    self._serial.cancel_read()  # wake the reader now rather than after its tick
                except Exception:  # noqa: BLE001 - best effort; the reader also polls _stop
                    pass
        thread, self._thread = self._thread, None
        if thread is not None:
            deadline = time.monotonic() + 5.0
            while thread.is_alive() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            if thread.is_alive():
                logger.warning("scanner %s: reader thread did not stop within 5 s", self.port)
        self._note("closed")
        self._set_state(ConnectionState.CLOSED)

    # ------------------------------------------------------------------ loop-thread side

    def _note(self, msg: str, *args: object, level: int = logging.DEBUG) -> None:
        text = msg % args if args else msg
        self._events.append(f"{datetime.now(UTC).isoformat(timespec='milliseconds')} {text}")
        logger.log(level, "scanner %s: %s", self.port, text)

    def _set_state(self, state: ConnectionState) -> None:
        if state is self._state or (self._closing and state is not ConnectionState.CLOSED):
            return
        self._state = state
        if state is ConnectionState.CONNECTED:
            self._last_error = None
        self._note("state -> %s", state, level=logging.INFO)
        try:
            self._on_state(state)
        except Exception:
            logger.exception("on_state callback failed for scanner %s", self.port)

    def _deliver(self, scan: Scan) -> None:
        if self._closing:
            return
        try:
            self._on_scan(scan)
        except Exception:
            logger.exception("on_scan callback failed for scanner %s", self.port)

    def _report(self, error: DeviceError) -> None:
        if self._closing:
            return
        if isinstance(error, ScannerPortError):
            self._last_error = error
        if self._on_error is not None:
            try:
                self._on_error(error)
            except Exception:
                logger.exception("on_error callback failed for scanner %s", self.port)

    def _post(self, fn: Callable[..., None], *args: object) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the loop is closed: the station is shutting down
            self._stop.set()

    # ------------------------------------------------------------------ reader thread

    def _run(self) -> None:
        while not self._stop.is_set():
            ser = self._open()
            if ser is None:
                self._post(self._set_state, ConnectionState.RECONNECTING)
                self._stop.wait(self.poll_interval)
                continue
            with self._serial_lock:
                self._serial = ser
            self._error_key = None
            self._post(self._set_state, ConnectionState.CONNECTED)
            try:
                self._read_until_lost(ser)
            except _Lost as exc:
                if not self._stop.is_set():
                    self._note("link lost: %s", exc, level=logging.WARNING)
                    self._fail("lost", str(exc))
            finally:
                with self._serial_lock:
                    self._serial = None
                    try:
                        ser.close()
                    except Exception:  # noqa: BLE001 - a dead port may fail to close
                        pass
                dropped = self._framer.reset()
                if dropped:
                    self._note(
                        "discarded %d bytes of an unfinished code: %s",
                        len(dropped),
                        dropped[:32].hex(" "),
                        level=logging.WARNING,
                    )
            if not self._stop.is_set():
                self._post(self._set_state, ConnectionState.RECONNECTING)

    def _fail(self, cause: str, detail: str) -> None:
        """Report a port problem once per distinct cause (the poll repeats every half second).

        The state turns RECONNECTING first, so a listener sees the error in that state.
        """
        self._post(self._set_state, ConnectionState.RECONNECTING)
        key = f"{cause}:{detail}"
        if key == self._error_key:
            return
        # A lost adapter is then missing: one message for the operator, not two.
        repeat = cause == "not_found" and (self._error_key or "").startswith("lost:")
        self._error_key = key
        self._note("%s", detail, level=logging.WARNING)
        if repeat:
            return
        self._post(self._report, ScannerPortError(self.port, cause, detail))

    def _open(self) -> Any:
        import serial  # pyserial; imported here so the module stays cheap to import

        try:
            ser = serial.Serial(
                self.port,
                baudrate=self.baudrate,
                bytesize=self.bytesize,
                parity=self.parity,
                stopbits=self.stopbits,
                timeout=self._tick,
                exclusive=True,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            code = getattr(exc, "errno", None)
            if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO) or not os.path.exists(self.port):
                self._fail("not_found", f"{self.port} does not exist")
            elif code in (errno.EACCES, errno.EPERM):
                self._fail("permission", f"permission denied opening {self.port}")
            elif code in (errno.EAGAIN, errno.EBUSY):
                self._fail("busy", f"{self.port} is locked by another program")
            else:
                self._fail("other", f"cannot open {self.port}: {exc}")
            return None
        self._note("opened %s (%d %d%s%g)", self.port, self.baudrate, self.bytesize, self.parity,
                   self.stopbits, level=logging.INFO)
        return ser

    def _device_id(self, fd: int) -> int:
        try:
            return os.fstat(fd).st_rdev
        except OSError:
            return -1

    def _read_until_lost(self, ser: Any) -> None:
        import serial

        device = self._device_id(ser.fileno())
        next_check = time.monotonic() + self.poll_interval
        while not self._stop.is_set():
            try:
                data = ser.read(ser.in_waiting or 1)
            except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
                # TypeError/AttributeError: aclose() cancelled the read while the port closed.
                if self._stop.is_set():
                    return
                raise _Lost(f"read failed: {exc}") from exc
            now = time.monotonic()
            results = self._framer.feed(data, now) if data else self._framer.poll(now)
            if results:
                self._dispatch(results)
            if now >= next_check:
                next_check = now + self.poll_interval
                try:
                    current = os.stat(self.port).st_rdev
                except OSError:
                    raise _Lost(f"{self.port} disappeared") from None
                if current != device:
                    raise _Lost(f"{self.port} now points to another device")

    def _dispatch(self, results: list[bytes | Rejected]) -> None:
        received = datetime.now(UTC)
        for item in results:
            if isinstance(item, Rejected):
                self._note("code dropped: %s (starts %s)", item.reason, item.head.hex(" "),
                           level=logging.WARNING)
                self._post(self._report, ScanRejected(self.source, item.reason, item.size))
                continue
            self._note("frame %d bytes: %s", len(item), item[:64].hex(" "))
            self._post(self._deliver, make_scan(item, self.source, received))
