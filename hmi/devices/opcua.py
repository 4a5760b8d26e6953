"""OPC UA driver (asyncua client) implementing :class:`hmi.devices.base.Driver`.

Design
------
* One **supervisor task** owns the connection. Each connection attempt builds a
  fresh ``asyncua.Client`` (asyncua's own auto-reconnect is left off so the
  backoff, the state enum and the BAD re-delivery are ours and testable). The
  attempt connects, verifies that every configured address exists (one batched
  read of the NodeClass attribute; all bad addresses are reported together),
  and creates one subscription per distinct ``sampling_ms``.
* Loss is detected three ways: asyncua's ``connection_lost_callback`` (socket
  closed, or its keep-alive probe of ``ServerStatus.State`` failed), a
  subscription status change with a Bad code, or a failed ``read``/``write``.
  On loss the driver goes RECONNECTING, immediately re-delivers every tag's last
  value with quality BAD, and retries: first at once, then with exponential
  backoff from ``backoff_initial`` (0.1 s) capped at ``backoff_max`` (1 s).
* Each connection has a *generation* number; notifications from an older
  connection are dropped so a late GOOD value can never overwrite the BAD mark.
* ``write`` builds the ``ua.Variant`` from the tag's datatype, then reads the
  value back and raises :class:`WriteVerifyError` unless it matches.
* A ring buffer (``recent_events()``) keeps the last 200 link events for
  diagnosis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from asyncua import Client, ua
from asyncua.common.subscription import DataChangeNotif, Subscription
from asyncua.ua.uaerrors import UaError, UaStatusCodeError

from hmi.devices.base import (
    ConfigError,
    ConnectError,
    ConnectionState,
    DeviceError,
    DeviceTimeout,
    Quality,
    StateCallback,
    Tag,
    TagNotFoundError,
    TagValue,
    ValueCallback,
    WriteRejectedError,
    WriteVerifyError,
)
from hmi.devices.link import SupervisedDriver
from hmi.devices.link import now_utc as _now

__all__ = ["OpcUaDriver"]

logger = logging.getLogger(__name__)

#: tag datatype -> (VariantType, DataType NodeId numeric id, integer range or None)
_TYPES: dict[str, tuple[ua.VariantType, int, tuple[int, int] | None]] = {
    "bool": (ua.VariantType.Boolean, ua.ObjectIds.Boolean, None),
    "int16": (ua.VariantType.Int16, ua.ObjectIds.Int16, (-(2**15), 2**15 - 1)),
    "uint16": (ua.VariantType.UInt16, ua.ObjectIds.UInt16, (0, 2**16 - 1)),
    "int32": (ua.VariantType.Int32, ua.ObjectIds.Int32, (-(2**31), 2**31 - 1)),
    "uint32": (ua.VariantType.UInt32, ua.ObjectIds.UInt32, (0, 2**32 - 1)),
    "float32": (ua.VariantType.Float, ua.ObjectIds.Float, None),
    "float64": (ua.VariantType.Double, ua.ObjectIds.Double, None),
    "string": (ua.VariantType.String, ua.ObjectIds.String, None),
}

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)




def _aware(ts: datetime | None) -> datetime | None:
    if ts is None:
        return None
    if ts.tzinfo is None:
        return ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC)


def quality_of(status: ua.StatusCode | None) -> Quality:
    """Map an OPC UA StatusCode to a :class:`Quality` (missing status means Good)."""
    if status is None or status.is_good():
        return Quality.GOOD
    if status.is_uncertain():
        return Quality.UNCERTAIN
    return Quality.BAD


def parse_address(address: str) -> ua.NodeId:
    """Parse ``ns=2;s=...`` / ``nsu=urn:...;s=...`` / ``i=85``; raise ConfigError otherwise."""
    try:
        return ua.NodeId.from_string(address)
    except (UaError, ValueError) as exc:
        raise ConfigError(f"{address!r} is not an OPC UA NodeId ({exc})") from exc


def _coerce(tag: Tag, value: object) -> ua.Variant:
    """Build the Variant for ``value`` according to the tag's datatype, or refuse it."""
    vtype, _, bounds = _TYPES[tag.datatype]
    if tag.datatype == "bool":
        if not isinstance(value, bool):
            raise WriteRejectedError(tag.name, value, "the value must be on/off (true or false)")
        return ua.Variant(value, vtype)
    if tag.datatype == "string":
        if not isinstance(value, str):
            raise WriteRejectedError(tag.name, value, "the value must be text")
        return ua.Variant(value, vtype)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WriteRejectedError(tag.name, value, f"the value must be a number ({tag.datatype})")
    if bounds is not None:
        if isinstance(value, float) and not value.is_integer():
            raise WriteRejectedError(tag.name, value, "the value must be a whole number")
        number = int(value)
        low, high = bounds
        if not low <= number <= high:
            raise WriteRejectedError(tag.name, value, f"the value must be between {low} and {high}")
        return ua.Variant(number, vtype)
    number_f = float(value)
    if not math.isfinite(number_f):
        raise WriteRejectedError(tag.name, value, "the value must be a finite number")
    if tag.datatype == "float32":
        try:
            struct.pack("<f", number_f)
        except OverflowError:
            raise WriteRejectedError(
                tag.name, value, "the value is too large for float32"
            ) from None
    return ua.Variant(number_f, vtype)


def _same(tag: Tag, written: ua.Variant, read_back: object) -> bool:
    if tag.datatype == "float32" and isinstance(read_back, int | float):
        as_f32 = struct.unpack("<f", struct.pack("<f", float(written.Value)))[0]
        return as_f32 == float(read_back)
    if tag.datatype == "bool":
        return isinstance(read_back, bool) and read_back is written.Value
    return bool(read_back == written.Value)


@dataclass
class _Binding:
    """A tag bound to its parsed (and, once connected, resolved) NodeId."""

    tag: Tag
    address: ua.NodeId
    nodeid: ua.NodeId | None = None  # resolved on the live connection
    handles: list[int] = field(default_factory=list)


class _SubscriptionHandler:
    """asyncua callback handler bound to one connection generation."""

    def __init__(self, driver: OpcUaDriver, generation: int) -> None:
        self._driver = driver
        self._generation = generation

    def datachange_notification(self, node: Any, val: Any, data: DataChangeNotif) -> None:
        self._driver._on_datachange(self._generation, data)

    def status_change_notification(self, status: ua.StatusChangeNotification) -> None:
        self._driver._on_status_change(self._generation, status)


class OpcUaDriver(SupervisedDriver["_Binding"]):
    """OPC UA :class:`~hmi.devices.base.Driver` on top of ``asyncua.Client``.

    Options (all keyword): ``connect_timeout`` (10 s, only with ``wait_connected``),
    ``wait_connected`` (True: ``async with`` returns once connected or raises
    :class:`ConnectError`; False: returns at once and keeps connecting in the
    background), ``request_timeout`` (4 s per OPC UA request), ``keepalive_s``
    (1 s between liveness probes), ``backoff_initial`` (0.1 s), ``backoff_max``
    (1 s), ``config_retry_s`` (10 s between retries after a configuration error
    such as a missing address), ``on_error`` (called with each new
    :class:`DeviceError` the supervisor meets), ``history`` (200 ring-buffer
    entries).
    """

    def __init__(
        self,
        url: str,
        tags: Sequence[Tag],
        *,
        on_value: ValueCallback,
        on_state: StateCallback,
        on_error: Any = None,
        connect_timeout: float = 10.0,
        wait_connected: bool = True,
        request_timeout: float = 4.0,
        keepalive_s: float = 1.0,
        backoff_initial: float = 0.1,
        backoff_max: float = 1.0,
        config_retry_s: float = 10.0,
        history: int = 200,
    ) -> None:
        if not url.lower().startswith("opc.tcp://"):
            raise ConfigError(f"OpcUaDriver needs an opc.tcp:// URL, got {url!r}")
        self.request_timeout = request_timeout
        self.keepalive_s = keepalive_s

        bindings: dict[str, _Binding] = {}
        bad: list[str] = []
        for tag in tags:
            if tag.name in bindings:
                raise ConfigError(f"tag name {tag.name!r} is configured twice")
            try:
                bindings[tag.name] = _Binding(tag, parse_address(tag.address))
            except ConfigError:
                bad.append(f"{tag.name} ({tag.address})")
        if bad:
            raise ConfigError("not OPC UA NodeIds: " + ", ".join(bad))
        super().__init__(
            url,
            bindings,
            on_value=on_value,
            on_state=on_state,
            on_error=on_error,
            connect_timeout=connect_timeout,
            wait_connected=wait_connected,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            config_retry_s=config_retry_s,
            history=history,
        )
        self._by_handle: dict[int, _Binding] = {}
        self._client: Client | None = None
        self._subscriptions: list[Subscription] = []
        self._connected = asyncio.Event()

    # ------------------------------------------------------------------ public API

    async def read(self, names: Sequence[str]) -> dict[str, TagValue]:
        """Read the current value of ``names`` from the device in one request."""
        bindings = [self._binding(name) for name in names]
        client = self._require_client()
        nodes = [client.get_node(b.nodeid) for b in bindings if b.nodeid is not None]
        generation = self._generation
        try:
            dvs = await asyncio.wait_for(client.read_attributes(nodes), self.request_timeout)
        except (TimeoutError, ConnectionError, OSError) as exc:
            self._trigger_loss(generation, f"read failed: {exc!r}")
            raise self._link_error("read", exc) from exc
        received = _now()
        return {
            b.tag.name: self._to_tag_value(b.tag.name, dv, received, ConnectionState.CONNECTED)
            for b, dv in zip(bindings, dvs, strict=True)
        }

    async def write(self, name: str, value: object) -> TagValue:
        """Write ``value`` and return the read-back value once it confirms the write."""
        binding = self._binding(name)
        tag = binding.tag
        if tag.access != "rw":
            raise WriteRejectedError(
                name, value, "the tag is read-only in the station configuration"
            )
        variant = _coerce(tag, value)
        client = self._require_client()
        assert binding.nodeid is not None
        node = client.get_node(binding.nodeid)
        generation = self._generation
        self._note("write %s = %r", name, variant.Value)
        try:
            await asyncio.wait_for(
                node.write_attribute(ua.AttributeIds.Value, ua.DataValue(variant)),
                self.request_timeout,
            )
            (dv,) = await asyncio.wait_for(client.read_attributes([node]), self.request_timeout)
        except UaStatusCodeError as exc:
            reason = f"the machine refused it ({ua.StatusCode(exc.code).name})"
            self._note("write %s rejected: %s", name, reason)
            raise WriteRejectedError(name, value, reason) from exc
        except (TimeoutError, ConnectionError, OSError) as exc:
            self._trigger_loss(generation, f"write failed: {exc!r}")
            raise self._link_error("write", exc) from exc
        result = self._to_tag_value(name, dv, _now(), ConnectionState.CONNECTED)
        if result.quality is not Quality.GOOD or not _same(tag, variant, result.value):
            self._note(
                "write %s not confirmed: read back %r (%s)", name, result.value, result.quality
            )
            raise WriteVerifyError(name, variant.Value, result.value)
        return result

    # ------------------------------------------------------------------ internals

    def _link_error(self, what: str, exc: BaseException) -> DeviceError:
        if isinstance(exc, TimeoutError):
            return DeviceTimeout(f"{what} on {self.url} timed out after {self.request_timeout:g} s")
        return ConnectError(f"{what} on {self.url} failed: {exc}", url=self.url)

    def _to_tag_value(
        self, name: str, dv: ua.DataValue, received: datetime, connection: ConnectionState
    ) -> TagValue:
        quality = quality_of(dv.StatusCode)
        value = dv.Value.Value if dv.Value is not None else None
        source = _aware(dv.SourceTimestamp) or _aware(dv.ServerTimestamp) or received
        return TagValue(name, value, quality, source, received, connection)

    # -- subscription callbacks (run on the loop, via asyncio tasks made by asyncua)

    def _on_datachange(self, generation: int, data: DataChangeNotif) -> None:
        if generation != self._generation or self._lost.is_set() or self._closing:
            return  # late notification from a connection we already gave up on
        binding = self._by_handle.get(data.subscription_data.client_handle)
        if binding is None:
            return
        dv = data.monitored_item.Value
        self._deliver(self._to_tag_value(binding.tag.name, dv, _now(), ConnectionState.CONNECTED))

    def _on_status_change(self, generation: int, status: ua.StatusChangeNotification) -> None:
        code = status.Status
        if code is not None and code.is_bad():
            self._trigger_loss(generation, f"subscription status {code.name}")

    async def _on_connection_lost(self, generation: int, exc: Exception) -> None:
        self._trigger_loss(generation, f"connection lost: {exc!r}")

    async def _connect_once(self) -> None:
        self._generation += 1
        generation = self._generation
        self._lost.clear()
        self._note("connecting (attempt generation %d)", generation)
        client = Client(self.url, timeout=self.request_timeout, watchdog_intervall=self.keepalive_s)
        client.name = client.description = "OpenMES station HMI"
        client.application_uri = "urn:openmes:station-hmi"
        client.session_timeout = 60_000  # ms; a dead panel's session is freed after a minute

        async def lost(exc: Exception) -> None:
            await self._on_connection_lost(generation, exc)

        client.connection_lost_callback = lost
        self._client = client
        try:
            await asyncio.wait_for(client.connect(), self.request_timeout + 1.0)
        except TimeoutError as exc:
            raise DeviceTimeout(
                f"{self.url} did not answer within {self.request_timeout:g} s"
            ) from exc
        except (OSError, ConnectionError) as exc:
            raise ConnectError(f"cannot reach {self.url}: {exc}", url=self.url) from exc
        await self._resolve_and_verify(client)
        await self._subscribe(client, generation)

    async def _resolve_and_verify(self, client: Client) -> None:
        namespaces: list[str] | None = None
        missing: list[tuple[str, str]] = []
        candidates: list[_Binding] = []
        for b in self._bindings.values():
            b.nodeid = None
            address = b.address
            if isinstance(address, ua.ExpandedNodeId) and address.NamespaceUri:
                if namespaces is None:
                    namespaces = await client.get_namespace_array()
                if address.NamespaceUri not in namespaces:
                    missing.append((b.tag.name, b.tag.address))
                    continue
                b.nodeid = ua.NodeId(
                    address.Identifier, namespaces.index(address.NamespaceUri), address.NodeIdType
                )
            else:
                b.nodeid = ua.NodeId(address.Identifier, address.NamespaceIndex, address.NodeIdType)
            candidates.append(b)
        nodes = [client.get_node(b.nodeid) for b in candidates if b.nodeid is not None]
        classes = await client.read_attributes(nodes, ua.AttributeIds.NodeClass)
        types = await client.read_attributes(nodes, ua.AttributeIds.DataType)
        for b, cls, dtype in zip(candidates, classes, types, strict=True):
            node_class = cls.Value.Value if cls.Value is not None else None
            if not cls.StatusCode.is_good() or node_class != ua.NodeClass.Variable:
                missing.append((b.tag.name, b.tag.address))
                continue
            expected = ua.NodeId(_TYPES[b.tag.datatype][1])
            actual = dtype.Value.Value if dtype.Value is not None else None
            if actual is not None and actual != expected:
                self._note(
                    "tag %s (%s): device datatype %s differs from configured %s",
                    b.tag.name,
                    b.tag.address,
                    actual.to_string(),
                    b.tag.datatype,
                    level=logging.WARNING,
                )
        if missing:
            order = list(self._bindings)
            missing.sort(key=lambda pair: order.index(pair[0]))
            raise TagNotFoundError(missing[0][0], missing[0][1], missing=missing)

    async def _subscribe(self, client: Client, generation: int) -> None:
        groups: dict[int, list[_Binding]] = {}
        for b in self._bindings.values():
            groups.setdefault(b.tag.sampling_ms, []).append(b)
        self._by_handle = {}
        self._subscriptions = []
        handle = 0
        failures: list[str] = []
        handler = _SubscriptionHandler(self, generation)
        for sampling_ms, members in sorted(groups.items()):
            sub = await client.create_subscription(sampling_ms, handler)
            self._subscriptions.append(sub)
            requests = []
            for b in members:
                handle += 1
                self._by_handle[handle] = b
                params = ua.MonitoringParameters()
                params.ClientHandle = handle
                params.SamplingInterval = float(sampling_ms)
                params.QueueSize = 1
                params.DiscardOldest = True
                if b.tag.is_numeric and b.tag.deadband > 0:
                    flt = ua.DataChangeFilter()
                    flt.Trigger = ua.DataChangeTrigger.StatusValue
                    flt.DeadbandType = ua.DeadbandType.Absolute
                    flt.DeadbandValue = float(b.tag.deadband)
                    params.Filter = flt
                request = ua.MonitoredItemCreateRequest()
                request.ItemToMonitor = ua.ReadValueId(
                    NodeId=b.nodeid, AttributeId=ua.AttributeIds.Value
                )
                request.MonitoringMode = ua.MonitoringMode.Reporting
                request.RequestedParameters = params
                requests.append(request)
            results = await sub.create_monitored_items(requests)
            for b, result in zip(members, results, strict=True):
                if isinstance(result, ua.StatusCode):
                    failures.append(f"{b.tag.name} ({result.name})")
        self._note(
            "subscribed %d tags in %d subscription(s)",
            len(self._by_handle),
            len(self._subscriptions),
        )
        if failures:
            raise DeviceError(
                "device refused to monitor: " + ", ".join(failures),
                operator_message=(
                    "The machine controller refused to send some values: "
                    + ", ".join(failures)
                    + ". Ask maintenance to check the tag configuration."
                ),
            )

    # -- hooks of SupervisedDriver

    LINK_ERRORS = (TimeoutError, OSError, UaError, ConnectionError)
    KIND = "opcua"

    async def _on_connected(self) -> None:
        self._connected.set()

    async def _on_lost(self) -> None:
        self._connected.clear()

    async def _drop(self, *, graceful: bool) -> None:
        await self._drop_client(graceful=graceful)

    async def _drop_client(self, *, graceful: bool) -> None:
        """Tear the current client down without leaving asyncua tasks behind."""
        client, self._client = self._client, None
        self._subscriptions = []
        if client is None:
            return
        client.connection_lost_callback = None
        if graceful:
            try:
                await asyncio.wait_for(client.disconnect(), self.request_timeout)
                return
            except Exception as exc:  # best effort on the way out
                self._note("disconnect failed: %r", exc)
        # Dead link: cancel asyncua's helper tasks (close_session does that first),
        # skip the CloseSession round trip's outcome, then drop the socket.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.close_session(), 0.5)
        with contextlib.suppress(Exception):
            client.disconnect_socket()
