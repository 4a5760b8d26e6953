"""Start the simulator as a child process and learn its OPC UA URL.

The composition root maps a ``sim://`` device URL to this: it starts
``python -m hmi.devices.sim`` (a real OPC UA server on loopback) and hands the
``opc.tcp://`` URL from its ``READY`` line to the ordinary OPC UA driver.

The child gets ``--parent-pid`` and exits by itself when this process dies, so
a crashed panel never leaves a simulator holding the port.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections import deque
from pathlib import Path

from hmi.devices.base import ConnectError

__all__ = ["SimulatorProcess"]

logger = logging.getLogger(__name__)

_READY = "READY "


class SimulatorProcess:
    """``url = await sim.start(...)`` ... ``await sim.stop()`` (or ``async with``)."""

    def __init__(self, *, ready_timeout: float = 20.0, stop_timeout: float = 3.0) -> None:
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self.url: str | None = None
        self.startup_s: float | None = None  # spawn -> READY, for the record
        self._proc: asyncio.subprocess.Process | None = None
        self._stderr_tail: deque[str] = deque(maxlen=40)
        self._pumps: list[asyncio.Task[None]] = []

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    def stderr_tail(self) -> str:
        return "".join(self._stderr_tail)

    async def start(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: int = 0,
        speed: float = 1.0,
        cycle_time: float | None = None,
        cache_dir: Path | None = None,
        extra_args: list[str] | None = None,
    ) -> str:
        """Spawn the simulator and return its ``opc.tcp://`` URL once it serves.

        ``port=0`` lets the simulator pick a free port. Raises :class:`ConnectError`
        (with the tail of the child's stderr) if it exits or is not ready in time.
        """
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
        t0 = time.perf_counter()
        self._proc = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._pumps.append(asyncio.create_task(self._pump_stderr(self._proc.stderr)))
        try:
            url = await asyncio.wait_for(self._read_ready(self._proc.stdout), self.ready_timeout)
        except TimeoutError:
            await self.stop()
            raise self._failed(f"simulator not ready within {self.ready_timeout:g} s") from None
        except EOFError:
            await self.stop()
            raise self._failed("simulator exited before it was ready") from None
        self.startup_s = time.perf_counter() - t0
        self._pumps.append(asyncio.create_task(self._drain(self._proc.stdout)))
        self.url = url
        logger.info(
            "simulator pid %d ready at %s after %.3f s", self._proc.pid, url, self.startup_s
        )
        return url

    async def stop(self) -> None:
        """Terminate the simulator (SIGTERM, then SIGKILL after ``stop_timeout``)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), self.stop_timeout)
            except TimeoutError:
                logger.warning("simulator pid %d ignored SIGTERM; killing it", proc.pid)
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        elif proc is not None:
            await proc.wait()
        pumps, self._pumps = self._pumps, []
        for task in pumps:  # pipes hit EOF once the child is gone
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 1.0)
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

    @staticmethod
    async def _read_ready(stream: asyncio.StreamReader) -> str:
        while True:
            raw = await stream.readline()
            if not raw:
                raise EOFError
            line = raw.decode(errors="replace").strip()
            if line.startswith(_READY):
                return line[len(_READY) :].strip()
            logger.debug("simulator stdout: %s", line)

    async def _pump_stderr(self, stream: asyncio.StreamReader) -> None:
        while raw := await stream.readline():
            text = raw.decode(errors="replace")
            self._stderr_tail.append(text)
            logger.debug("simulator: %s", text.rstrip())

    @staticmethod
    async def _drain(stream: asyncio.StreamReader) -> None:
        while await stream.readline():
            pass
