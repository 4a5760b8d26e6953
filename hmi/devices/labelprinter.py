"""The raw link to a network label printer: bytes to ``host:9100`` over TCP (asyncio, no Qt).

Public API:

* :class:`RawPrinterLink(host, port=9100, *, connect_timeout=3.0, send_timeout=10.0)`
  — ``await link.connect()`` gives a :class:`PrinterConnection`;
  ``await link.send(data)`` is connect + :meth:`PrinterConnection.send_all` +
  :meth:`PrinterConnection.close`; ``await link.query(request, terminator=b"\\x03")``
  sends a request (e.g. ``~HS`` or ``^HW``) and returns the answer up to and
  including ``terminator``. ``link.target`` is ``"host:port"``.
* :class:`PrinterConnection` — ``send_all(data)`` (write + drain within the send
  timeout), ``finish()`` (half-close, wait until the printer closes its side,
  close), ``read_until(terminator, timeout)``, ``close()``, ``abort()``.
* :func:`parse_target("host:port")` — split a printer address (port defaults to 9100).
* Errors, all :class:`~hmi.devices.base.DeviceError` with an ``operator_message``:
  :class:`PrinterError` (base; ``target``, ``maybe_delivered``),
  :class:`PrinterUnreachable` (refused, no route, name unknown: nothing was sent),
  :class:`PrinterTimeout` (connect or send took too long),
  :class:`PrinterConnectionLost` (the link broke after bytes may have gone out).

``maybe_delivered`` is what a print queue needs: ``False`` means the printer
certainly got no byte of this attempt (the connection never opened), ``True``
means it may have received some or all of them. Port 9100 carries no
acknowledgement; the most this layer can confirm is a clean end: after the
last byte the station half-closes (FIN), and the printer closing its side in
turn means it has read everything up to that FIN (a Zebra print server closes
the raw port when the host does). A printer that keeps the connection open
instead makes :meth:`PrinterConnection.finish` time out: "maybe delivered".
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from hmi.devices.base import DeviceError

__all__ = [
    "DEFAULT_PORT",
    "PrinterConnection",
    "PrinterConnectionLost",
    "PrinterError",
    "PrinterTimeout",
    "PrinterUnreachable",
    "RawPrinterLink",
    "parse_target",
]

DEFAULT_PORT = 9100


class PrinterError(DeviceError):
    """Printing over the raw port failed. ``maybe_delivered``: see the module docstring."""

    maybe_delivered: bool = False

    def __init__(self, message: str, *, target: str, operator_message: str, maybe_delivered: bool) -> None:
        self.target = target
        self.maybe_delivered = maybe_delivered
        super().__init__(message, operator_message=operator_message)


class PrinterUnreachable(PrinterError):
    """The printer could not be connected to (refused, unknown host, no route): nothing was sent."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(
            f"label printer {target} unreachable: {reason}",
            target=target,
            maybe_delivered=False,
            operator_message=(
                f"The label printer {target} does not answer ({reason}). Check that it is switched "
                "on, online and on the network; waiting labels are printed when it is back."
            ),
        )


class PrinterTimeout(PrinterError):
    """Connecting or sending took longer than allowed."""

    def __init__(self, target: str, stage: str, seconds: float, *, maybe_delivered: bool) -> None:
        self.stage = stage
        super().__init__(
            f"label printer {target}: {stage} timed out after {seconds:g} s",
            target=target,
            maybe_delivered=maybe_delivered,
            operator_message=(
                f"The label printer {target} did not respond in time ({stage}). Check that it is "
                "not paused, out of labels or busy; waiting labels are kept."
            ),
        )


class PrinterConnectionLost(PrinterError):
    """The connection broke after it was open: some or all bytes may have reached the printer."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(
            f"label printer {target}: connection lost while sending: {reason}",
            target=target,
            maybe_delivered=True,
            operator_message=(
                f"The connection to the label printer {target} broke while a label was being "
                "sent. Check the printer before printing that label again."
            ),
        )


def parse_target(target: str) -> tuple[str, int]:
    """``"host"``, ``"host:port"`` or ``"[v6]:port"`` → (host, port)."""
    t = target.strip()
    if t.startswith("["):
        host, _, rest = t[1:].partition("]")
        port = rest.lstrip(":") or str(DEFAULT_PORT)
    elif t.count(":") == 1:
        host, port = t.split(":")
    else:
        host, port = t, str(DEFAULT_PORT)
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"printer address {target!r} is not host:port (e.g. 10.0.0.5:9100)")
    return host, int(port)


class PrinterConnection:
    """One open TCP connection to the printer."""

    def __init__(self, link: RawPrinterLink, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._link = link
        self._reader = reader
        self._writer = writer
        self._closed = False

    async def send_all(self, data: bytes) -> None:
        """Write every byte and wait until the OS send buffer took them (within the send timeout)."""
        link = self._link
        try:
            self._writer.write(data)
            await asyncio.wait_for(self._writer.drain(), link.send_timeout)
        except TimeoutError:
            self.abort()
            raise PrinterTimeout(link.target, "sending", link.send_timeout, maybe_delivered=True) from None
        except OSError as exc:
            self.abort()
            raise PrinterConnectionLost(link.target, _reason(exc)) from exc

    async def read_until(self, terminator: bytes, timeout: float) -> bytes:
        """Read the printer's answer up to and including ``terminator``."""
        link = self._link
        try:
            return await asyncio.wait_for(self._reader.readuntil(terminator), timeout)
        except TimeoutError:
            raise PrinterTimeout(link.target, "waiting for its answer", timeout, maybe_delivered=True) from None
        except asyncio.IncompleteReadError as exc:
            raise PrinterConnectionLost(link.target, "closed before answering") from exc
        except (OSError, asyncio.LimitOverrunError) as exc:
            raise PrinterConnectionLost(link.target, _reason(exc)) from exc

    async def finish(self) -> None:
        """End the job: half-close (FIN after the last byte), wait until the printer closes its
        side, then close. The printer closing after our FIN means it read every byte we sent.
        Anything it answers meanwhile is discarded. A reset or timeout raises (maybe delivered)."""
        link = self._link
        try:
            if self._writer.can_write_eof():
                self._writer.write_eof()
            async with asyncio.timeout(link.send_timeout):
                while await self._reader.read(4096):
                    pass
        except TimeoutError:
            self.abort()
            raise PrinterTimeout(
                link.target, "waiting for it to take the whole label", link.send_timeout, maybe_delivered=True
            ) from None
        except OSError as exc:
            self.abort()
            raise PrinterConnectionLost(link.target, _reason(exc)) from exc
        await self.close()

    async def close(self) -> None:
        """Flush, close and wait until the connection is closed (a reset or timeout raises)."""
        if self._closed:
            return
        self._closed = True
        link = self._link
        try:
            self._writer.close()
            await asyncio.wait_for(self._writer.wait_closed(), link.send_timeout)
        except TimeoutError:
            self.abort()
            raise PrinterTimeout(link.target, "closing", link.send_timeout, maybe_delivered=True) from None
        except OSError as exc:
            raise PrinterConnectionLost(link.target, _reason(exc)) from exc

    def abort(self) -> None:
        self._closed = True
        with contextlib.suppress(Exception):
            self._writer.transport.abort()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the printer"
    if isinstance(exc, BrokenPipeError):
        return "the printer closed the connection"
    if isinstance(exc, socket.gaierror):
        return "unknown host name"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text.lower() if isinstance(text, str) else str(text)


class RawPrinterLink:
    """Where and how patiently to talk to one raw-port printer."""

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        *,
        connect_timeout: float = 3.0,
        send_timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.connect_timeout = connect_timeout
        self.send_timeout = send_timeout

    @classmethod
    def from_target(cls, target: str, **timeouts: float) -> RawPrinterLink:
        host, port = parse_target(target)
        return cls(host, port, **timeouts)

    @property
    def target(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    async def connect(self) -> PrinterConnection:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), self.connect_timeout
            )
        except TimeoutError:
            raise PrinterTimeout(self.target, "connecting", self.connect_timeout, maybe_delivered=False) from None
        except OSError as exc:
            raise PrinterUnreachable(self.target, _reason(exc)) from exc
        return PrinterConnection(self, reader, writer)

    async def send(self, data: bytes) -> None:
        """Connect, send every byte, close cleanly; raises a :class:`PrinterError` otherwise."""
        conn = await self.connect()
        try:
            await conn.send_all(data)
            await conn.finish()
        finally:
            if not conn._closed:
                conn.abort()

    async def query(self, request: bytes, *, terminator: bytes = b"\x03", timeout: float | None = None) -> bytes:
        """Send ``request`` and return the answer up to ``terminator`` (ZPL answers end in ETX)."""
        conn = await self.connect()
        try:
            await conn.send_all(request)
            answer = await conn.read_until(terminator, self.send_timeout if timeout is None else timeout)
            await conn.close()
            return answer
        finally:
            if not conn._closed:
                conn.abort()
