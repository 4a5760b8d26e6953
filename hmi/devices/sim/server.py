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
        ns=2;s=Machine.Recipe.PressForce     Double  kN, writable (clamped to the machine maximum)
        ns=2;s=Machine.Recipe.HoldTime       Double  s, writable
        ns=2;s=Machine.Recipe.Stroke         Double  mm, writable
        ns=2;s=Machine.Recipe.DoubleStroke   Boolean writable
        ns=2;s=Machine.PressForce            Double  kN, measured (follows the force setpoint)

Every tick (default 100 ms) the model is advanced to the clock's simulated time
(:mod:`hmi.devices.sim.clock`: wall time × speed, or a manual clock that moves
only through :meth:`SimServer.advance`, with no tick loop at all); a value is
written only when it changed, with the simulator time as source timestamp. A
client write to a writable node (:data:`WRITABLE`) is noticed on the next tick
by comparing the node with what the simulator last published there (not with
the model, whose setpoint may have been changed by a scenario or the Modbus
face meanwhile). The press force setpoint node stores what the PLC would: a
value setter clamps every write at once (``MachineModel.clamp_recipe``), so a
client reading back right after writing 34 kN sees 32 kN.

With ``modbus_port`` set, the same model is also served over Modbus TCP
(:mod:`hmi.devices.sim.modbus_face`), published on the same tick; ``urls``
names both faces.

Structure: :meth:`SimServer.start` creates the server
(:func:`create_server`), configures endpoint and security
(:meth:`SimServer._configure_endpoint`), builds the ``Machine`` object
(:meth:`SimServer._build_address_space`), then starts listening, the Modbus
face and the tick loop.

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
import dataclasses
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
from typing import TYPE_CHECKING, Any

import asyncua
from asyncua import Server, ua

from hmi.devices.sim.clock import SimClock, WallClock
from hmi.devices.sim.model import MachineModel, MachineSnapshot

if TYPE_CHECKING:
    from hmi.devices.sim.modbus_face import ModbusFace

__all__ = [
    "NAMESPACE_URI",
    "VARIABLES",
    "WRITABLE",
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
    "Recipe.PressForce": ("press_force_sp", ua.VariantType.Double),
    "Recipe.HoldTime": ("hold_time_sp", ua.VariantType.Double),
    "Recipe.Stroke": ("stroke_sp", ua.VariantType.Double),
    "Recipe.DoubleStroke": ("double_stroke_sp", ua.VariantType.Boolean),
    "PressForce": ("press_force", ua.VariantType.Double),
}
SETPOINT = "Setpoint.Temperature"
#: writable browse name -> what a client write sets ("temperature" or a recipe setpoint)
WRITABLE: dict[str, str] = {
    SETPOINT: "temperature",
    "Recipe.PressForce": "press_force",
    "Recipe.HoldTime": "hold_time",
    "Recipe.Stroke": "stroke",
    "Recipe.DoubleStroke": "double_stroke",
}
#: nodes whose writes the PLC clamps at once (browse name -> recipe setpoint)
CLAMPED: dict[str, str] = {"Recipe.PressForce": "press_force"}


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


# -- the simulator's OPC UA certificate (secure endpoints for the demo) -------------

SIM_APPLICATION_URI = "urn:openmes:sim:server"
SECURE_POLICIES = (
    ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
    ua.SecurityPolicyType.Basic256Sha256_Sign,
    ua.SecurityPolicyType.Aes128Sha256RsaOaep_SignAndEncrypt,
    ua.SecurityPolicyType.Aes128Sha256RsaOaep_Sign,
    ua.SecurityPolicyType.Aes256Sha256RsaPss_SignAndEncrypt,
    ua.SecurityPolicyType.Aes256Sha256RsaPss_Sign,
)


def certificate_paths(cache_dir: Path | None = None) -> tuple[Path, Path]:
    """Where the simulator keeps its (certificate DER, private key PEM): ``<cache>/pki/``."""
    root = cache_dir if cache_dir is not None else address_space_cache_dir()
    return root / "pki" / "sim-cert.der", root / "pki" / "sim-key.pem"


def ensure_certificate(cache_dir: Path | None = None) -> tuple[Path, Path] | None:
    """The simulator's certificate and key, made once and reused (None if not writable).

    Made in a temporary directory and renamed into place, like the address-space
    cache, so concurrent first starts never see half a pair.
    """
    cert, key = certificate_paths(cache_dir)
    if cert.is_file() and key.is_file():
        return cert, key
    import socket

    from asyncua.crypto import cert_gen
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import ExtendedKeyUsageOID

    try:
        cert.parent.parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=".pki-", dir=cert.parent.parent))  # mode 0700
    except OSError:
        return None
    try:
        pk = cert_gen.generate_private_key()
        (build / key.name).write_bytes(cert_gen.dump_private_key_as_pem(pk))
        os.chmod(build / key.name, 0o600)
        names: list[x509.GeneralName] = [
            x509.UniformResourceIdentifier(SIM_APPLICATION_URI),
            x509.DNSName(socket.gethostname()),
            x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        ]
        made = cert_gen.generate_self_signed_app_certificate(
            pk, "OpenMES machine simulator", {}, names,
            extended=[ExtendedKeyUsageOID.SERVER_AUTH], days=3650,
        )  # fmt: skip
        (build / cert.name).write_bytes(made.public_bytes(Encoding.DER))
        build.rename(cert.parent)
    except OSError:  # another process won the race (its pair is as good), or not writable
        shutil.rmtree(build, ignore_errors=True)
    return (cert, key) if cert.is_file() and key.is_file() else None


class SimServer:
    """The machine model served over OPC UA (and optionally Modbus TCP).

    ``await start()`` then ``await stop()`` (or ``async with``). ``clock`` defaults
    to a :class:`~hmi.devices.sim.clock.WallClock` at ``model.speed``; with a
    :class:`~hmi.devices.sim.clock.ManualClock` no tick loop runs and time moves
    only through :meth:`advance` / :meth:`advance_to`. ``modbus_port`` (0 = a
    free port) adds the Modbus TCP face on ``modbus_host`` (default ``host``).
    """

    def __init__(
        self,
        model: MachineModel,
        *,
        host: str = "127.0.0.1",
        port: int = 4840,
        tick_s: float = 0.1,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        clock: SimClock | None = None,
        modbus_port: int | None = None,
        modbus_host: str | None = None,
    ) -> None:
        self.model = model
        self.host = host
        self.port = port
        self.tick_s = tick_s
        self.clock: SimClock = clock if clock is not None else WallClock(model.speed)
        self._cache_dir = cache_dir
        self._use_cache = use_cache
        self._server: Server | None = None
        self._nodeids: dict[str, ua.NodeId] = {}
        self._published: dict[str, object] = {}
        self._ticker: asyncio.Task[None] | None = None
        self._builder: subprocess.Popen[bytes] | None = None
        self.modbus: ModbusFace | None = None
        if modbus_port is not None:
            from hmi.devices.sim.modbus_face import ModbusFace

            self.modbus = ModbusFace(model, host=modbus_host or host, port=modbus_port)

    @property
    def url(self) -> str:
        return f"opc.tcp://{self.host}:{self.port}{ENDPOINT_PATH}"

    @property
    def urls(self) -> dict[str, str]:
        """Every face's URL: ``{"opcua": "opc.tcp://…", "modbus": "modbus+tcp://…"}``."""
        urls = {"opcua": self.url}
        if self.modbus is not None:
            urls["modbus"] = self.modbus.url
        return urls

    async def start(self) -> str:
        """Build the address space, start listening and ticking; return the OPC UA URL."""
        cached = self._use_cache and cache_ready(self._cache_dir)
        server = await create_server(self._cache_dir, use_cache=self._use_cache)
        self._configure_endpoint(server)
        await self._add_security(server)
        await self._build_address_space(server)
        self._server = server
        snap = self.model.advance_to(self.clock.now())  # anchors a wall clock at "now"
        await self._publish(snap)
        await server.start()
        if self.port == 0 and server.bserver is not None:
            self.port = server.bserver.port
        if self.modbus is not None:
            try:
                await self.modbus.start(snap)
            except BaseException:
                await self.stop()
                raise
        if not self.clock.manual:
            self._ticker = asyncio.create_task(self._tick_loop(), name="sim-tick")
        if self._use_cache and not cached:
            logger.info("no address space cache yet; building it in the background")
            with contextlib.suppress(OSError):
                self._builder = spawn_cache_builder(self._cache_dir)
        logger.info("simulator serving at %s", ", ".join(self.urls.values()))
        return self.url

    def _configure_endpoint(self, server: Server) -> None:
        """Endpoint URL, name, security policies and identity tokens."""
        try:
            loopback = ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            loopback = self.host == "localhost"
        if not loopback:
            logger.warning(
                "simulator serves WITHOUT security on non-loopback address %s", self.host
            )
        server.set_endpoint(f"opc.tcp://{self.host}:{self.port}{ENDPOINT_PATH}")
        server.set_server_name("OpenMES machine simulator")
        # Explicit: a loopback simulator, no security, anonymous only
        # (_add_security adds the secure endpoints when it has a certificate).
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        server.set_identity_tokens([ua.AnonymousIdentityToken])

    async def _add_security(self, server: Server) -> None:
        """Also offer every secure policy, with the certificate of :func:`ensure_certificate`.

        ``None`` stays offered (loopback tools and tests); the station's demo connects
        with Basic256Sha256/SignAndEncrypt and trusts this certificate for ``sim://`` only.
        """
        paths = await asyncio.to_thread(ensure_certificate, self._cache_dir)
        if paths is None:
            logger.warning("no simulator certificate; serving without security only")
            return
        await server.set_application_uri(SIM_APPLICATION_URI)
        await server.load_certificate(str(paths[0]))
        await server.load_private_key(str(paths[1]))
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity, *SECURE_POLICIES])

    async def _build_address_space(self, server: Server) -> None:
        """``Objects/Machine`` with one variable per entry of :data:`VARIABLES`."""
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
            if name in WRITABLE:
                await var.set_writable()
            if name in CLAMPED:
                server.set_attribute_value_setter(nodeid, self._clamping_setter(CLAMPED[name]))
            self._nodeids[name] = nodeid

    def _clamping_setter(self, setpoint: str):  # noqa: ANN202 - asyncua's setter signature
        """A value setter storing what the PLC keeps: the written value clamped by the model."""
        model = self.model

        def setter(node: Any, attr: ua.AttributeIds, dv: ua.DataValue) -> None:
            value = dv.Value.Value if dv.Value is not None else None
            if isinstance(value, float):
                try:
                    clamped = model.clamp_recipe(setpoint, value)
                except ValueError:
                    clamped = value  # refused on the next tick (model keeps its value)
                if clamped != value:
                    logger.info("PLC clamps %s: %s -> %s", setpoint, value, clamped)
                    dv = dataclasses.replace(dv, Value=ua.Variant(clamped, dv.Value.VariantType))
            attval = node.attributes[attr]
            attval.value = dv
            attval.value_callback = None

        return setter

    async def stop(self) -> None:
        task, self._ticker = self._ticker, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._builder is not None:
            self._builder.poll()  # reap it if done; otherwise it finishes on its own
            self._builder = None
        if self.modbus is not None:
            await self.modbus.stop()
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
        """One tick: take client writes, advance the model to the clock, publish changes."""
        assert self._server is not None
        self._take_opcua_writes()
        snap = self.model.advance_to(self.clock.now())
        await self._publish(snap)
        if self.modbus is not None:
            await self.modbus.publish(snap)
        return snap

    async def advance(self, dt: float) -> MachineSnapshot:
        """Manual clock only: move simulated time on by ``dt`` seconds and tick once."""
        return await self.advance_to(self.clock.now() + dt)

    async def advance_to(self, t: float) -> MachineSnapshot:
        """Manual clock only: move simulated time to ``t`` and tick once (publishes it all)."""
        if not self.clock.manual:
            raise RuntimeError("advance() needs a manual clock; this simulator follows wall time")
        self.clock.set(t)  # type: ignore[attr-defined]
        return await self.tick()

    def _take_opcua_writes(self) -> None:
        assert self._server is not None
        for name, target in WRITABLE.items():
            dv = self._server.read_attribute_value(self._nodeids[name])
            written = dv.Value.Value if dv is not None and dv.Value is not None else None
            published = self._published.get(name, _MISSING)
            if not isinstance(written, int | float) or written == published:
                continue
            logger.info("OPC UA client set %s to %s", target, written)
            self._published[name] = written
            try:
                if target == "temperature":
                    self.model.set_setpoint(float(written))
                else:
                    self.model.set_recipe_setpoint(target, written)
            except ValueError:
                logger.warning("%s = %r refused; restoring the model's value", target, written)
                self._published.pop(name, None)  # the next publish writes the model's value

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
