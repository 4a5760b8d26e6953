"""Start the simulator as a child process and learn its OPC UA URL.

The composition root maps a ``sim://`` device URL to this: it starts
``python -m hmi.devices.sim`` (a real OPC UA server on loopback) and hands the
``opc.tcp://`` URL from its ``READY`` line to the ordinary OPC UA driver.

The child gets ``--parent-pid`` and exits by itself when this process dies, so
a crashed panel never leaves a simulator holding the port.

Spawning is synchronous (:meth:`SimulatorProcess.spawn`) so the station can
start the simulator before Qt is even imported; waiting for it is a
coroutine (:meth:`SimulatorProcess.wait_ready`). Two daemon threads read the
child's pipes for its whole life, so a chatty child can never block on a full
pipe, whatever the caller's event loop is doing.

With ``modbus_port`` the child serves Modbus TCP too and prints a second
``READY modbus+tcp://…`` line; :meth:`~SimulatorProcess.wait_ready` still
returns the OPC UA URL, once *every* face is ready, and ``urls`` names them all
(``{"opcua": …, "modbus": …}``). With ``clock="manual"`` the child's stdin is a
pipe and :meth:`~SimulatorProcess.advance` moves its simulated time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import IO, Literal

from hmi.devices.base import ConnectError

__all__ = ["SimulatorProcess"]

logger = logging.getLogger(__name__)

_READY = "READY "
_TIME = "TIME "
_ERROR = "ERROR "
#: URL scheme on a READY line -> key in :attr:`SimulatorProcess.urls`
_FACES = {"opc.tcp": "opcua", "modbus+tcp": "modbus"}


class SimulatorProcess:
    """``url = await sim.start(...)`` ... ``await sim.stop()`` (or ``async with``).

    Or, to overlap the simulator's boot with other start-up work::

        sim.spawn(seed=7)          # returns at once
        ...                        # build the GUI
        url = await sim.wait_ready()
    """

    def __init__(self, *, ready_timeout: float = 20.0, stop_timeout: float = 3.0) -> None:
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self.url: str | None = None  # the OPC UA URL
        #: every face's URL once ready: {"opcua": "opc.tcp://…", "modbus": "modbus+tcp://…"}
        self.urls: dict[str, str] = {}
        self.startup_s: float | None = None  # spawn -> READY, for the record
        self._expected_faces = 1
        self._replies: deque[concurrent.futures.Future[float]] = deque()
        self._command_lock = asyncio.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr_tail: deque[str] = deque(maxlen=40)
        self._ready: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._threads: list[threading.Thread] = []
        self._t0 = 0.0

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stderr_tail(self) -> str:
        return "".join(self._stderr_tail)

    def spawn(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: int | None = None,
        speed: float | None = None,
        cycle_time: float | None = None,
        cache_dir: Path | None = None,
        scenario: str | Path | None = None,
        modbus_port: int | None = None,
        clock: Literal["wall", "manual"] = "wall",
        epoch: datetime | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        """Start the simulator process and return at once (``port=0``: it picks a free port).

        ``seed``/``speed`` None: the scenario's defaults, else seed 0 and speed 1.
        ``modbus_port`` (0 = free port) adds the Modbus TCP face. ``clock="manual"``:
        time moves only through :meth:`advance`.
        """
        if self._proc is not None:
            raise RuntimeError("simulator already started")
        args = [
            sys.executable, "-m", "hmi.devices.sim",
            "--host", host, "--port", str(port),
            "--parent-pid", str(os.getpid()),
        ]  # fmt: skip
        if seed is not None:
            args += ["--seed", str(seed)]
        if speed is not None:
            args += ["--speed", str(speed)]
        if cycle_time is not None:
            args += ["--cycle-time", str(cycle_time)]
        if cache_dir is not None:
            args += ["--cache-dir", str(cache_dir)]
        if scenario is not None:
            args += ["--scenario", str(scenario)]
        if modbus_port is not None:
            args += ["--modbus-port", str(modbus_port)]
        if clock != "wall":
            args += ["--clock", clock]
        if epoch is not None:
            args += ["--epoch", epoch.isoformat()]
        args += extra_args or []
        self._expected_faces = 1 + (modbus_port is not None)
        self.urls = {}
        self._t0 = time.perf_counter()
        self._ready = concurrent.futures.Future()
        self._proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE if clock == "manual" else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._threads = [
            threading.Thread(target=self._read_stdout, args=(self._proc.stdout,),
                             name="sim-stdout", daemon=True),
            threading.Thread(target=self._read_stderr, args=(self._proc.stderr,),
                             name="sim-stderr", daemon=True),
        ]  # fmt: skip
        for t in self._threads:
            t.start()

    async def wait_ready(self) -> str:
        """The simulator's ``opc.tcp://`` URL once it serves (every face; see ``urls``).

        Raises :class:`ConnectError` (with the tail of the child's stderr) if it
        exits or is not ready within ``ready_timeout`` seconds of the spawn.
        """
        if self._proc is None:
            raise RuntimeError("simulator not spawned")
        remaining = max(0.0, self.ready_timeout - (time.perf_counter() - self._t0))
        try:
            url = await asyncio.wait_for(asyncio.wrap_future(self._ready), remaining)
        except TimeoutError:
            await self.stop()
            raise self._failed(f"simulator not ready within {self.ready_timeout:g} s") from None
        except EOFError:
            await self.stop()
            raise self._failed("simulator exited before it was ready") from None
        return url

    async def start(self, host: str = "127.0.0.1", port: int = 0, **options) -> str:
        """Spawn the simulator and return its ``opc.tcp://`` URL once it serves."""
        self.spawn(host, port, **options)
        return await self.wait_ready()

    async def advance(self, duration: float | str, timeout: float = 30.0) -> float:
        """Manual clock only: move simulated time on by ``duration`` (s or ``"5m"``).

        Returns the new simulated time once the child has published it.
        """
        return await self._command(f"advance {duration}", timeout)

    async def advance_to(self, t: float | str, timeout: float = 30.0) -> float:
        """Manual clock only: move simulated time to ``t``; returns it once published."""
        return await self._command(f"to {t}", timeout)

    async def _command(self, line: str, timeout: float) -> float:
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise RuntimeError("not a running simulator with a manual clock")
        async with self._command_lock:  # one command in flight: replies come in order
            reply: concurrent.futures.Future[float] = concurrent.futures.Future()
            self._replies.append(reply)
            stdin = proc.stdin
            await asyncio.to_thread(_write_line, stdin, line)
            return await asyncio.wait_for(asyncio.wrap_future(reply), timeout)

    async def stop(self) -> None:
        """Terminate the simulator (SIGTERM, then SIGKILL after ``stop_timeout``)."""
        await asyncio.to_thread(self.stop_blocking)

    def stop_blocking(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    logger.warning("simulator pid %d ignored SIGTERM; killing it", proc.pid)
                    proc.kill()
                    proc.wait()
            for t in self._threads:  # pipes hit EOF once the child is gone
                t.join(1.0)
        self._threads = []
        self.url = None
        self.urls = {}

    async def __aenter__(self) -> SimulatorProcess:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ internals

    def _failed(self, what: str) -> ConnectError:
        tail = self.stderr_tail().strip()
        return ConnectError(
            f"{what}; stderr tail:\n{tail}" if tail else f"{what} (no stderr output)",
            operator_message="The machine simulator could not be started. Call maintenance.",
        )

    def _read_stdout(self, stream: IO[bytes]) -> None:
        urls: dict[str, str] = {}
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace").strip()
            if line.startswith(_READY) and not self._ready.done():
                url = line[len(_READY) :].strip()
                face = _FACES.get(url.partition("://")[0].lower(), url.partition("://")[0])
                urls.setdefault(face, url)
                if len(urls) >= self._expected_faces and "opcua" in urls:
                    self.urls = dict(urls)
                    self.url = urls["opcua"]
                    self.startup_s = time.perf_counter() - self._t0
                    logger.info(
                        "simulator pid %s ready at %s after %.3f s",
                        self.pid, ", ".join(urls.values()), self.startup_s,
                    )  # fmt: skip
                    self._ready.set_result(self.url)
            elif line.startswith((_TIME, _ERROR)) and self._replies:
                reply = self._replies.popleft()
                if line.startswith(_TIME):
                    reply.set_result(float(line[len(_TIME) :]))
                else:
                    reply.set_exception(ValueError(line[len(_ERROR) :]))
            else:
                logger.debug("simulator stdout: %s", line)
        if not self._ready.done():
            self._ready.set_exception(EOFError())
        while self._replies:
            self._replies.popleft().set_exception(EOFError("simulator exited"))
        stream.close()

    def _read_stderr(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            text = raw.decode(errors="replace")
            self._stderr_tail.append(text)
            logger.debug("simulator: %s", text.rstrip())
        stream.close()


def _write_line(stream: IO[bytes], line: str) -> None:
    stream.write(line.encode() + b"\n")
    stream.flush()
