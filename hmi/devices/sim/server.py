"""Serve a :class:`~hmi.devices.sim.model.MachineModel` over a real asyncua Server.

Address space (namespace URI ``urn:openmes:sim``, index 2)::

    Objects/Machine
        ns=2;s=Machine.State                 Int32   (1 running .. 7 stopped)
        ns=2;s=Machine.GoodCount             UInt32  (wraps at 2**32)
        ns=2;s=Machine.ScrapCount            UInt32
        ns=2;s=Machine.CycleTime             Double  s, last cycle
        ns=2;s=Machine.FaultCode             Int32   0 = none, 101..110
        ns=2;s=Machine.Temperature           Double  degC
        ns=2;s=Machine.Pressure              Double  bar
        ns=2;s=Machine.Speed                 Double  parts/min
        ns=2;s=Machine.Setpoint.Temperature  Double  degC, writable

Every tick (default 100 ms) the model is stepped; a value is written only when
it changed, with the simulator time as source timestamp. A client write to the
setpoint is picked up on the next tick.

Start-up speed
--------------
``Server.init()`` builds the ~10 000-node standard address space from generated
code, about 1.5-2.5 s. :func:`create_server` instead loads it lazily from a
``shelve`` cache in a per-user cache directory (asyncua's ``init(shelf_file)``),
about 0.1 s. The cache (~20 MB) is keyed by asyncua and Python version and is built in a
temporary directory, then renamed into place, so concurrent first starts (test
workers) never see half a cache. With the pure-Python ``dbm.dumb`` backend the
shelf is ``aspace.dat``/``aspace.dir``; asyncua only looks for ``aspace`` or
``aspace.db``, so an empty ``aspace`` marker file is added for that backend.
Without a cache the first start builds the address space the slow way and
spawns a low-priority ``hmi-sim --build-cache`` process, so the next start is fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncua
from asyncua import Server, ua

from hmi.devices.sim.model import MachineModel, MachineSnapshot

__all__ = [
    "NAMESPACE_URI",
    "VARIABLES",
    "SimServer",
    "address_space_cache_dir",
    "build_cache",
    "cache_ready",
    "create_server",
    "spawn_cache_builder",
]

logger = logging.getLogger(__name__)

NAMESPACE_URI = "urn:openmes:sim"
ENDPOINT_PATH = "/openmes/sim"

#: browse name -> (snapshot attribute, VariantType)
VARIABLES: dict[str, tuple[str, ua.VariantType]] = {
    "State": ("state", ua.VariantType.Int32),
    "GoodCount": ("good_count", ua.VariantType.UInt32),
    "ScrapCount": ("scrap_count", ua.VariantType.UInt32),
    "CycleTime": ("cycle_time", ua.VariantType.Double),
    "FaultCode": ("fault_code", ua.VariantType.Int32),
    "Temperature": ("temperature", ua.VariantType.Double),
    "Pressure": ("pressure", ua.VariantType.Double),
    "Speed": ("speed", ua.VariantType.Double),
    "Setpoint.Temperature": ("setpoint", ua.VariantType.Double),
}
SETPOINT = "Setpoint.Temperature"


def address_space_cache_dir() -> Path:
    """Per-user cache directory for the standard address space shelf."""
    override = os.environ.get("HMI_SIM_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("openmes-station", appauthor=False)) / "opcua"


def _cache_key() -> str:
    return f"asyncua-{asyncua.__version__}-py{sys.version_info[0]}{sys.version_info[1]}"


def cache_ready(cache_dir: Path | None = None) -> bool:
    root = cache_dir if cache_dir is not None else address_space_cache_dir()
    return (root / _cache_key() / "complete").is_file()


async def create_server(cache_dir: Path | None = None, *, use_cache: bool = True) -> Server:
    """Return an initialised (not yet started) ``Server``.

    Uses the shelf cache when it exists; otherwise builds the address space the
    slow way *without* writing a cache (writing it would double the first start);
    call :func:`build_cache` (``hmi-sim --build-cache``) for that, e.g. from a
    background process as :class:`SimServer` does.
    """
    if use_cache and cache_ready(cache_dir):
        root = cache_dir if cache_dir is not None else address_space_cache_dir()
        final = root / _cache_key()
        server = Server()
        try:
            await server.init(final / "aspace")
            return server
        except Exception:
            logger.warning("address space cache %s unusable; removing it", final, exc_info=True)
            shutil.rmtree(final, ignore_errors=True)
    server = Server()
    await server.init()
    return server


async def build_cache(cache_dir: Path | None = None) -> Path | None:
    """Write the standard address space shelf; returns its directory (None if it failed).

    Built in a temporary directory and renamed into place, so concurrent builders
    (test workers, two panels) never expose half a cache; the loser discards its copy.
    """
    root = cache_dir if cache_dir is not None else address_space_cache_dir()
    final = root / _cache_key()
    if (final / "complete").is_file():
        return final
    try:
        root.mkdir(parents=True, exist_ok=True)
        for stale in root.glob(".build-*"):  # left by a builder that was killed
            with contextlib.suppress(OSError):
                if time.time() - stale.stat().st_mtime > 600:
                    shutil.rmtree(stale, ignore_errors=True)
        build = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    except OSError:
        logger.warning("cannot write address space cache under %s", root, exc_info=True)
        return None
    try:
        server = Server()
        await server.init(build / "aspace")  # fills the address space and writes the shelf
        built = build / "aspace"
        if not built.is_file() and not built.with_suffix(".db").is_file():
            built.touch()  # dbm.dumb: asyncua checks for this name before opening the shelf
        (build / "complete").touch()
        build.rename(final)
        logger.info("address space cache written to %s", final)
    except OSError:  # another process won the race; its cache is as good as ours
        shutil.rmtree(build, ignore_errors=True)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return final if (final / "complete").is_file() else None


def spawn_cache_builder(cache_dir: Path | None = None) -> subprocess.Popen[bytes]:
    """Build the cache in a separate low-priority process (does not slow this one)."""
    args = [sys.executable, "-m", "hmi.devices.sim", "--build-cache"]
    if cache_dir is not None:
        args += ["--cache-dir", str(cache_dir)]
    return subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


class SimServer:
    """The machine model served over OPC UA. ``await start()`` then ``await stop()``."""

    def __init__(
        self,
        model: MachineModel,
        *,
        host: str = "127.0.0.1",
        port: int = 4840,
        tick_s: float = 0.1,
        cache_dir: Path | None = None,
        use_cache: bool = True,
    ) -> None:
        self.model = model
        self.host = host
        self.port = port
        self.tick_s = tick_s
        self._cache_dir = cache_dir
        self._use_cache = use_cache
        self._server: Server | None = None
        self._nodeids: dict[str, ua.NodeId] = {}
        self._published: dict[str, object] = {}
        self._ticker: asyncio.Task[None] | None = None
        self._builder: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"opc.tcp://{self.host}:{self.port}{ENDPOINT_PATH}"

    async def start(self) -> str:
        """Build the address space, start listening and ticking; return the URL."""
        try:
            loopback = ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            loopback = self.host == "localhost"
        if not loopback:
            logger.warning(
                "simulator serves WITHOUT security on non-loopback address %s", self.host
            )
        cached = self._use_cache and cache_ready(self._cache_dir)
        server = await create_server(self._cache_dir, use_cache=self._use_cache)
        server.set_endpoint(f"opc.tcp://{self.host}:{self.port}{ENDPOINT_PATH}")
        server.set_server_name("OpenMES machine simulator")
        # Explicit: a loopback simulator, no security, anonymous only.
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        server.set_identity_tokens([ua.AnonymousIdentityToken])
        idx = await server.register_namespace(NAMESPACE_URI)
        if idx != 2:
            raise RuntimeError(f"simulator namespace got index {idx}, expected 2")
        machine = await server.nodes.objects.add_object(
            ua.NodeId("Machine", idx), ua.QualifiedName("Machine", idx)
        )
        snap = self.model.snapshot()
        for name, (attr, vtype) in VARIABLES.items():
            nodeid = ua.NodeId(f"Machine.{name}", idx)
            var = await machine.add_variable(
                nodeid, ua.QualifiedName(name, idx), _value(snap, attr), varianttype=vtype
            )
            if name == SETPOINT:
                await var.set_writable()
            self._nodeids[name] = nodeid
        self._server = server
        await self._publish(snap)
        await server.start()
        if self.port == 0 and server.bserver is not None:
            self.port = server.bserver.port
        self.model.step()  # anchor the model's clock at "now"
        self._ticker = asyncio.create_task(self._tick_loop(), name="sim-tick")
        if self._use_cache and not cached:
            logger.info("no address space cache yet; building it in the background")
            with contextlib.suppress(OSError):
                self._builder = spawn_cache_builder(self._cache_dir)
        logger.info("simulator serving at %s", self.url)
        return self.url

    async def stop(self) -> None:
        task, self._ticker = self._ticker, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._builder is not None:
            self._builder.poll()  # reap it if done; otherwise it finishes on its own
            self._builder = None
        server, self._server = self._server, None
        if server is not None:
            await server.stop()
            logger.info("simulator stopped")

    async def __aenter__(self) -> SimServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def tick(self) -> MachineSnapshot:
        """One tick: take the setpoint from the node, step the model, publish changes."""
        assert self._server is not None
        dv = self._server.read_attribute_value(self._nodeids[SETPOINT])
        written = dv.Value.Value if dv is not None and dv.Value is not None else None
        if isinstance(written, int | float) and float(written) != self.model.setpoint:
            logger.info("setpoint changed to %s", written)
            self.model.set_setpoint(float(written))
            self._published[SETPOINT] = float(written)
        snap = self.model.step()
        await self._publish(snap)
        return snap

    async def _publish(self, snap: MachineSnapshot) -> None:
        assert self._server is not None
        now = datetime.now(UTC)
        for name, (attr, vtype) in VARIABLES.items():
            value = _value(snap, attr)
            if self._published.get(name, _MISSING) == value:
                continue
            self._published[name] = value
            await self._server.write_attribute_value(
                self._nodeids[name],
                ua.DataValue(
                    ua.Variant(value, vtype), SourceTimestamp=snap.timestamp, ServerTimestamp=now
                ),
            )

    async def _tick_loop(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time()
        while True:
            deadline += self.tick_s
            try:
                await self.tick()
            except Exception:
                logger.exception("simulator tick failed")
            delay = deadline - loop.time()
            if delay < 0:  # fell behind (e.g. a paused process): do not try to catch up
                deadline = loop.time()
                delay = 0
            await asyncio.sleep(delay)


_MISSING = object()


def _value(snap: MachineSnapshot, attr: str) -> object:
    value = getattr(snap, attr)
    return int(value) if attr == "state" else value
