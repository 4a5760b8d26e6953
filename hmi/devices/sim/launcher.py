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
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import IO

from hmi.devices.base import ConnectError

__all__ = ["SimulatorProcess"]

logger = logging.getLogger(__name__)

_READY = "READY "


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
        self.url: str | None = None
        self.startup_s: float | None = None  # spawn -> READY, for the record
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
        seed: int = 0,
        speed: float = 1.0,
        cycle_time: float | None = None,
        cache_dir: Path | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        """Start the simulator process and return at once (``port=0``: it picks a free port)."""
        if self._proc is not None:
            raise RuntimeError("simulator already started")
        args = [
            sys.executable, "-m", "hmi.devices.sim",
            "--host", host, "--port", str(port),
            "--seed", str(seed), "--speed", str(speed),
            "--parent-pid", str(os.getpid()),
        ]  # fmt: skip
        if cycle_time is not None:
            args += ["--cycle-time", str(cycle_time)]
        if cache_dir is not None:
            args += ["--cache-dir", str(cache_dir)]
        args += extra_args or []
        self._t0 = time.perf_counter()
        self._ready = concurrent.futures.Future()
        self._proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
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
        """The simulator's ``opc.tcp://`` URL once it serves.

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

    async def stop(self) -> None:
        """Terminate the simulator (SIGTERM, then SIGKILL after ``stop_timeout``)."""
        await asyncio.to_thread(self.stop_blocking)

    def stop_blocking(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
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
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace").strip()
            if line.startswith(_READY) and not self._ready.done():
                self.url = line[len(_READY) :].strip()
                self.startup_s = time.perf_counter() - self._t0
                logger.info(
                    "simulator pid %s ready at %s after %.3f s", self.pid, self.url, self.startup_s
                )
                self._ready.set_result(self.url)
            else:
                logger.debug("simulator stdout: %s", line)
        if not self._ready.done():
            self._ready.set_exception(EOFError())
        stream.close()

    def _read_stderr(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            text = raw.decode(errors="replace")
            self._stderr_tail.append(text)
            logger.debug("simulator: %s", text.rstrip())
        stream.close()
