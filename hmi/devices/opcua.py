"""OPC UA driver (asyncua client) implementing :class:`hmi.devices.base.Driver`.

Design
------
* One **supervisor task** owns the connection. Each connection attempt builds a
  fresh ``asyncua.Client`` through :class:`OpcUaConnector` (asyncua's own
  auto-reconnect is left off so the backoff, the state enum and the BAD
  re-delivery are ours and testable). The attempt connects, verifies that every
  configured address exists (one batched read of the NodeClass attribute; all
  bad addresses are reported together), and creates one subscription per
  distinct ``sampling_ms``.
* **Security** (:class:`hmi.devices.pki.OpcUaSecurity`): every attempt first
  asks the server for its endpoints over an unsecured discovery channel (as
  every OPC UA client does), picks the endpoint with the configured policy and
  mode — or fails with :class:`SecurityMismatchError` listing what the server
  offers — and checks the server certificate against the station's trust store
  *before* anything else is sent (:meth:`hmi.devices.pki.Pki.verify_server`).
  An unknown certificate is refused (:class:`~hmi.devices.pki.UntrustedServerError`)
  and saved to ``rejected/``. Then the secure channel and the session are opened
  with the station's own certificate, logging in anonymously, with user name and
  password, or with the station certificate. The discovery step doubles as a
  phase-by-phase probe, so a port that accepts TCP but never answers gets a
  message saying exactly that.
* Errors that only an administrator can fix (untrusted certificate, no matching
  endpoint, login refused, station certificate refused) are not retried in a
  tight loop: the next attempt waits ``config_retry_s``, or for an untrusted
  server certificate only until the trust store changes (``hmi certs accept``
  is picked up within :data:`TRUST_POLL_S` without a restart). With
  ``wait_connected`` they fail ``async with`` at once, like a missing address.
* Loss is detected three ways: asyncua's ``connection_lost_callback`` (socket
  closed, or its keep-alive probe of ``ServerStatus.State`` failed), a
  subscription status change with a Bad code, or a failed ``read``/``write``.
  On loss the driver goes RECONNECTING, immediately re-delivers every tag's last
  value with quality BAD, and retries: first at once, then with exponential
  backoff from ``backoff_initial`` (0.1 s) capped at ``backoff_max`` (1 s).
* Each connection has a *generation* number; notifications from an older
  connection are dropped so a late GOOD value can never overwrite the BAD mark.
* **Scaling**: values are delivered in engineering units (``tag.to_eng``); a
  write converts with ``tag.to_raw`` before the type and range check (range
  errors are given in engineering units), reads the raw value back, compares
  raw with raw and returns the engineering value. The subscription deadband is
  sent in device units (``tag.raw_deadband``).
* **Throughput** (1,000 tags at 100 ms, docs/performance.md "Device
  throughput"): each subscription publishes at half its sampling interval
  (:func:`publishing_plan`, not below :data:`MIN_PUBLISHING_MS`) and every
  monitored item has a queue of at least 3 (DiscardOldest), so a publish that
  comes late still carries every value written meanwhile, oldest first — the
  last value delivered for a tag is always its latest. PublishResponses are
  decoded by :mod:`hmi.devices.opcua_publish` (scalar data changes straight into
  tuples; any other shape by asyncua's generic decoder) and the driver's own
  publish callback delivers the data changes in order, synchronously, inside
  asyncua's publish loop — no event object, queue or task per value, and the
  next PublishRequest goes out only after the values are delivered (natural
  back-pressure). Status changes (and events) still go through asyncua's
  iterator API to one *pump* task per subscription; its bounded queue
  overflowing is treated as a lost link.
* A ring buffer (``recent_events()``) keeps the last 200 link events for
  diagnosis.
* :func:`browse_variables` walks a server's address space for ``hmi tags browse``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import struct
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from asyncua import Client, ua
from asyncua.common.subscription import (
    DataChangeEvent,
    OverflowPolicy,
    StatusChangeEvent,
    Subscription,
)
from asyncua.crypto import security_policies, uacrypto
from asyncua.ua.uaerrors import UaError, UaStatusCodeError, UaStructParsingError

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
from hmi.devices.opcua_publish import FastDataChange, decode_publish_response
from hmi.devices.pki import OpcUaSecurity, Pki, PkiError, UntrustedServerError, thumbprint

__all__ = [
    "ADMIN_ERRORS",
    "AuthenticationError",
    "BrowsedVariable",
    "ClientCertificateRejectedError",
    "OpcUaConnector",
    "OpcUaDriver",
    "SecurityMismatchError",
    "browse_variables",
]

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

#: configured policy name -> asyncua policy class
_POLICIES: dict[str, type[security_policies.SecurityPolicy]] = {
    "None": security_policies.SecurityPolicyNone,
    "Basic256Sha256": security_policies.SecurityPolicyBasic256Sha256,
    "Aes128Sha256RsaOaep": security_policies.SecurityPolicyAes128Sha256RsaOaep,
    "Aes256Sha256RsaPss": security_policies.SecurityPolicyAes256Sha256RsaPss,
}
_POLICY_NAMES = {cls.URI: name for name, cls in _POLICIES.items()}
_MODES = {
    "None": ua.MessageSecurityMode.None_,
    "Sign": ua.MessageSecurityMode.Sign,
    "SignAndEncrypt": ua.MessageSecurityMode.SignAndEncrypt,
}
_TOKEN_NAMES = {
    ua.UserTokenType.Anonymous: "anonymous",
    ua.UserTokenType.UserName: "username",
    ua.UserTokenType.Certificate: "certificate",
    ua.UserTokenType.IssuedToken: "issued token",
}
_LOGIN_REFUSED = {
    ua.StatusCodes.BadUserAccessDenied,
    ua.StatusCodes.BadIdentityTokenInvalid,
    ua.StatusCodes.BadIdentityTokenRejected,
    ua.StatusCodes.BadUserSignatureInvalid,
}
_CERT_REFUSED = {
    ua.StatusCodes.BadCertificateUntrusted,
    ua.StatusCodes.BadCertificateInvalid,
    ua.StatusCodes.BadCertificateUriInvalid,
    ua.StatusCodes.BadCertificateUseNotAllowed,
    ua.StatusCodes.BadCertificateTimeInvalid,
    ua.StatusCodes.BadCertificateRevoked,
    ua.StatusCodes.BadCertificateIssuerRevoked,
    ua.StatusCodes.BadSecurityChecksFailed,
}
#: How often a driver waiting on an untrusted server certificate looks at trusted/.
TRUST_POLL_S = 0.5
#: Shortest publishing interval the driver asks for (ms), whatever the sampling interval.
MIN_PUBLISHING_MS = 20.0
#: Smallest monitored-item queue the driver asks for.
MIN_QUEUE_SIZE = 3
#: Status-change/event notifications the pump of one subscription may have waiting;
#: more means the loop is starved (data changes do not queue: they are delivered in
#: the publish callback).
PUMP_QUEUE = 1_000
_STATUS_NOT_GOOD = 0xC0000000  # the StatusCode severity bits; 0 means Good


# --------------------------------------------------------------------------- errors


class SecurityMismatchError(ConfigError):
    """The server offers no endpoint (or login) matching the station's security settings."""

    def __init__(self, message: str, *, offered: Sequence[str]) -> None:
        self.offered = list(offered)
        super().__init__(message)


class AuthenticationError(ConnectError):
    """The server refused the station's login (user name/password or certificate)."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(
            message,
            url=url,
            operator_message=(
                "The machine controller refused the station's login, so the station did not "
                "connect. Ask maintenance to check the OPC UA login settings."
            ),
        )


class ClientCertificateRejectedError(ConnectError):
    """The server does not accept the station's own certificate."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(
            message,
            url=url,
            operator_message=(
                "The machine controller does not trust this station yet, so it did not connect. "
                "An administrator must trust the station's certificate on the controller."
            ),
        )


#: Errors only an administrator can fix: retried slowly, fatal for ``wait_connected``.
ADMIN_ERRORS: tuple[type[DeviceError], ...] = (
    UntrustedServerError,
    SecurityMismatchError,
    AuthenticationError,
    ClientCertificateRejectedError,
    PkiError,
)


# --------------------------------------------------------------------------- helpers


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


def publishing_plan(sampling_ms: float) -> tuple[float, int]:
    """(publishing interval in ms, monitored-item queue size) for one sampling interval.

    Publishing at half the sampling interval (never below :data:`MIN_PUBLISHING_MS`)
    and queueing what two publishing intervals can hold plus one (at least
    :data:`MIN_QUEUE_SIZE`) means a publishing cycle that comes late, or a
    PublishRequest still on its way, costs latency but never a value.
    """
    publishing = max(sampling_ms / 2, MIN_PUBLISHING_MS)
    return publishing, _queue_size(publishing, sampling_ms)


def _queue_size(publishing_ms: float, sampling_ms: float) -> int:
    return max(MIN_QUEUE_SIZE, math.ceil(2 * publishing_ms / sampling_ms) + 1)


def _quality_bits(status: int) -> Quality:
    """Quality of a StatusCode given as its 32-bit value (severity in the top two bits)."""
    severity = status & _STATUS_NOT_GOOD
    if severity == 0:
        return Quality.GOOD
    return Quality.UNCERTAIN if severity == 0x40000000 else Quality.BAD


def _use_fast_publish(client: Client) -> None:
    """Have *client*'s publish loop decode with :func:`decode_publish_response`.

    The same request as asyncua's ``UaSession.publish`` (asyncua 2.1), only the
    response decoding differs; errors surface exactly as asyncua's do.
    """
    session = client.uaclient.session

    async def publish(acks: list[ua.SubscriptionAcknowledgement]) -> ua.PublishResponse:
        request = ua.PublishRequest()
        request.Parameters.SubscriptionAcknowledgements = acks if acks else []
        data = await session._send_request(request, timeout=0)
        try:
            return decode_publish_response(data)
        except Exception as ex:
            logger.exception("Error parsing notification from server")
            raise UaStructParsingError from ex

    session.publish = publish  # type: ignore[method-assign]


def parse_address(address: str) -> ua.NodeId:
    """Parse ``ns=2;s=...`` / ``nsu=urn:...;s=...`` / ``i=85``; raise ConfigError otherwise."""
    try:
        return ua.NodeId.from_string(address)
    except (UaError, ValueError) as exc:
        raise ConfigError(f"{address!r} is not an OPC UA NodeId ({exc})") from exc


def _num(x: float) -> str:
    return f"{x:.10g}"


def _coerce(tag: Tag, value: object) -> ua.Variant:
    """Build the Variant for the engineering ``value`` (scaled to raw), or refuse it."""
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
    if isinstance(value, float) and not math.isfinite(value):
        raise WriteRejectedError(tag.name, value, "the value must be a finite number")
    raw = tag.to_raw(value)
    assert isinstance(raw, int | float)
    if bounds is not None:
        if isinstance(raw, float) and not raw.is_integer():
            raise WriteRejectedError(tag.name, value, "the value must be a whole number")
        number = int(raw)
        low, high = bounds
        if not low <= number <= high:
            if tag.scaled:
                ends = (tag.to_eng(low), tag.to_eng(high))
                lo_e, hi_e = sorted(float(e) for e in ends)  # type: ignore[arg-type]
                limits = f"between {_num(lo_e)} and {_num(hi_e)}"
            else:
                limits = f"between {low} and {high}"
            raise WriteRejectedError(tag.name, value, f"the value must be {limits}")
        return ua.Variant(number, vtype)
    number_f = float(raw)
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
    """Compare the raw value written with the raw value read back."""
    if tag.datatype == "float32" and isinstance(read_back, int | float):
        as_f32 = struct.unpack("<f", struct.pack("<f", float(written.Value)))[0]
        return as_f32 == float(read_back)
    if tag.datatype == "bool":
        return isinstance(read_back, bool) and read_back is written.Value
    return bool(read_back == written.Value)


def describe_endpoint(ep: ua.EndpointDescription) -> str:
    """``Basic256Sha256/SignAndEncrypt``, or ``None`` for an unsecured endpoint."""
    uri = ep.SecurityPolicyUri or ""
    policy = _POLICY_NAMES.get(uri, uri.rpartition("#")[2] or uri)
    if ep.SecurityMode == ua.MessageSecurityMode.None_ or policy == "None":
        return "None"
    return f"{policy}/{ep.SecurityMode.name}"


def _first_cert(der: bytes) -> bytes:
    """The first certificate of a DER chain (servers may send their chain)."""
    cert = uacrypto.x509_from_der(der)
    return uacrypto.der_from_x509(cert)


# --------------------------------------------------------------------------- connecting


class OpcUaConnector:
    """Builds a connected, logged-in ``asyncua.Client`` with the configured security.

    Shared by :class:`OpcUaDriver` (one call per connection attempt) and
    ``hmi tags browse``. ``security=None`` means no security and anonymous login
    (loopback tests and tools); a station always passes its ``[machine.opcua]``.
    The password is read from its file here, once, so a bad file fails at once.
    """

    def __init__(
        self,
        url: str,
        security: OpcUaSecurity | None = None,
        *,
        request_timeout: float = 4.0,
        keepalive_s: float = 1.0,
        name: str = "OpenMES station HMI",
    ) -> None:
        self.url = url
        self.security = security
        self.request_timeout = request_timeout
        self.keepalive_s = keepalive_s
        self.name = name
        self.pki: Pki | None = None
        if security is not None and security.pki_dir is not None:
            self.pki = Pki(security.pki_dir, extra_trusted=security.extra_trusted)
        self._password = security.password() if security is not None else ""
        self._own: tuple[Path, Path] | None = None

    @property
    def label(self) -> str:
        if self.security is None:
            return "None (no security configured)"
        return f"{self.security.label}, {self.security.auth} login"

    @property
    def application_uri(self) -> str:
        return self.security.application_uri if self.security else "urn:openmes:station-hmi"

    async def own_certificate(self) -> tuple[Path, Path]:
        """The station's (certificate, key) files, made on first use (off the event loop)."""
        if self._own is None:
            assert self.pki is not None
            self._own = await asyncio.to_thread(self.pki.ensure_own_certificate, self.application_uri)
        return self._own

    async def connect(
        self, lost: Callable[[Exception], Awaitable[None]] | None = None
    ) -> Client:
        """Discover, check trust, open the secure channel and session; return the client."""
        client = Client(self.url, timeout=self.request_timeout, watchdog_intervall=self.keepalive_s)
        client.name = client.description = self.name
        client.application_uri = self.application_uri
        client.session_timeout = 60_000  # ms; a dead panel's session is freed after a minute
        try:
            endpoints = await self._discover(client)
            endpoint = self._choose(endpoints)
            if self.security is not None and self.security.secure:
                await self._secure(client, endpoint)
            await self._login(client, endpoint)
            client.connection_lost_callback = lost
            await self._open_session(client)
        except BaseException:
            with contextlib.suppress(Exception):
                client.disconnect_socket()
            raise
        return client

    # -- steps

    async def _discover(self, client: Client) -> list[ua.EndpointDescription]:
        """GetEndpoints over a discovery channel, phase by phase for a precise message."""
        t = self.request_timeout
        host = f"{client.server_url.hostname}:{client.server_url.port}"
        phase = "tcp"
        try:
            await client.connect_socket()
            phase = "Hello"
            await client.send_hello()
            phase = "OpenSecureChannel request"
            await client.open_secure_channel()
            phase = "GetEndpoints request"
            endpoints = await client.get_endpoints()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close_secure_channel(), t)
            return endpoints
        except TimeoutError as exc:
            if phase == "tcp":
                raise DeviceTimeout(
                    f"no TCP connection to {host} within {t:g} s ({self.url}); "
                    "check that the machine is on and reachable"
                ) from exc
            raise DeviceTimeout(
                f"{self.url} accepted the TCP connection but did not answer the OPC UA {phase} "
                f"within {t:g} s; check that this address is the machine's OPC UA server and that "
                "the server is not hung"
            ) from exc
        except UaStatusCodeError as exc:
            name = ua.StatusCode(exc.code).name
            raise ConnectError(f"{self.url} refused the {phase}: {name}", url=self.url) from exc
        except (OSError, ConnectionError) as exc:
            raise ConnectError(f"cannot reach {self.url}: {exc}", url=self.url) from exc
        except UaError as exc:
            raise ConnectError(f"{self.url} failed during the {phase}: {exc}", url=self.url) from exc
        finally:
            client.disconnect_socket()

    def _choose(self, endpoints: Sequence[ua.EndpointDescription]) -> ua.EndpointDescription:
        policy = self.security.policy if self.security else "None"
        mode = self.security.mode if self.security and self.security.secure else "None"
        uri, wanted_mode = _POLICIES[policy].URI, _MODES[mode]
        for ep in endpoints:
            if (
                ep.EndpointUrl.startswith(ua.OPC_TCP_SCHEME)
                and ep.SecurityPolicyUri == uri
                and ep.SecurityMode == wanted_mode
            ):
                return ep
        offered = sorted({describe_endpoint(ep) for ep in endpoints})
        wanted = "None" if policy == "None" else f"{policy}/{mode}"
        raise SecurityMismatchError(
            f"{self.url} offers no endpoint with security {wanted}; it offers: "
            + (", ".join(offered) or "nothing")
            + ". Set machine.opcua.security_policy / security_mode to one of these",
            offered=offered,
        )

    async def _secure(self, client: Client, ep: ua.EndpointDescription) -> None:
        assert self.security is not None and self.pki is not None
        if not ep.ServerCertificate:
            raise ConnectError(
                f"{self.url} offers {describe_endpoint(ep)} but sent no server certificate",
                url=self.url,
            )
        # The station certificate first: after a refused first attempt an administrator
        # finds both certificates to exchange (``hmi certs list``).
        cert, key = await self.own_certificate()
        info = await self.pki.verify_server(_first_cert(ep.ServerCertificate), self.url)
        await client.set_security(
            _POLICIES[self.security.policy],
            str(cert),
            str(key),
            server_certificate=uacrypto.CertProperties(info.der, "der"),
            mode=_MODES[self.security.mode],
        )

    async def _login(self, client: Client, ep: ua.EndpointDescription) -> None:
        auth = self.security.auth if self.security else "anonymous"
        token = {
            "anonymous": ua.UserTokenType.Anonymous,
            "username": ua.UserTokenType.UserName,
            "certificate": ua.UserTokenType.Certificate,
        }[auth]
        accepted = [t.TokenType for t in ep.UserIdentityTokens or []]
        if token not in accepted:
            names = sorted({_TOKEN_NAMES.get(t, str(t)) for t in accepted})
            raise SecurityMismatchError(
                f"{self.url} does not accept {auth} login on {describe_endpoint(ep)}; it accepts: "
                + (", ".join(names) or "nothing")
                + ". Set machine.opcua.auth accordingly",
                offered=names,
            )
        if auth == "username":
            assert self.security is not None
            client.set_user(self.security.username)
            client.set_password(self._password)
        elif auth == "certificate":
            cert, key = await self.own_certificate()
            await client.load_client_certificate(str(cert))
            await client.load_private_key(key)

    async def _open_session(self, client: Client) -> None:
        limit = self.request_timeout * 2 + 1.0
        try:
            await asyncio.wait_for(client.connect(), limit)
        except TimeoutError as exc:
            raise DeviceTimeout(
                f"{self.url} did not complete the OPC UA session set-up within {limit:g} s"
            ) from exc
        except UaStatusCodeError as exc:
            raise self._refusal(exc) from exc
        except (OSError, ConnectionError) as exc:
            raise ConnectError(f"cannot reach {self.url}: {exc}", url=self.url) from exc

    def _refusal(self, exc: UaStatusCodeError) -> DeviceError:
        code = exc.code
        name = ua.StatusCode(code).name
        auth = self.security.auth if self.security else "anonymous"
        if code in _LOGIN_REFUSED:
            who = {
                "anonymous": "the anonymous login",
                "username": f"the login as user {self.security.username!r}" if self.security else "",
                "certificate": "the login with the station certificate",
            }[auth]
            hint = {
                "anonymous": "set machine.opcua.auth to the login the server expects",
                "username": "check machine.opcua.username and the password file",
                "certificate": "the server must map the station certificate to a user",
            }[auth]
            return AuthenticationError(f"{self.url} refused {who} ({name}); {hint}", url=self.url)
        if code in _CERT_REFUSED and self._own is not None:
            cert = self._own[0]
            try:
                thumb = thumbprint(cert.read_bytes())
            except OSError:
                thumb = "?"
            return ClientCertificateRejectedError(
                f"{self.url} does not accept this station's certificate ({name}): {cert}, "
                f"SHA-256 {thumb}. An administrator must trust it on the server",
                url=self.url,
            )
        return ConnectError(f"{self.url} refused the session: {name}", url=self.url)


# --------------------------------------------------------------------------- the driver


@dataclass
class _Binding:
    """A tag bound to its parsed (and, once connected, resolved) NodeId."""

    tag: Tag
    address: ua.NodeId
    nodeid: ua.NodeId | None = None  # resolved on the live connection
    handles: list[int] = field(default_factory=list)


class OpcUaDriver(SupervisedDriver["_Binding"]):
    """OPC UA :class:`~hmi.devices.base.Driver` on top of ``asyncua.Client``.

    Options (all keyword): ``security`` (:class:`~hmi.devices.pki.OpcUaSecurity`;
    None: no security, anonymous — for loopback tests and tools), ``connect_timeout``
    (10 s, only with ``wait_connected``), ``wait_connected`` (True: ``async with``
    returns once connected or raises :class:`ConnectError`; False: returns at once
    and keeps connecting in the background), ``request_timeout`` (4 s per OPC UA
    request), ``keepalive_s`` (1 s between liveness probes), ``backoff_initial``
    (0.1 s), ``backoff_max`` (1 s), ``config_retry_s`` (10 s between retries after
    a configuration error such as a missing address or an untrusted server),
    ``on_error`` (called with each new :class:`DeviceError` the supervisor meets),
    ``history`` (200 ring-buffer entries).
    """

    def __init__(
        self,
        url: str,
        tags: Sequence[Tag],
        *,
        on_value: ValueCallback,
        on_state: StateCallback,
        on_error: Any = None,
        security: OpcUaSecurity | None = None,
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
        self._connector = OpcUaConnector(
            url, security, request_timeout=request_timeout, keepalive_s=keepalive_s
        )
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
        self._pumps: list[asyncio.Task[None]] = []
        #: Data-change values delivered per decoding path (diagnostics, tests).
        self.decoded = {"fast": 0, "generic": 0}
        self._connected = asyncio.Event()
        # After an error only an administrator can fix: (error, trust store before the attempt).
        self._hold: tuple[DeviceError, object] | None = None

    @property
    def pki(self) -> Pki | None:
        """The station's trust store for this connection (None without security)."""
        return self._connector.pki

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
            b.tag.name: self._to_tag_value(b.tag, dv, received, ConnectionState.CONNECTED)
            for b, dv in zip(bindings, dvs, strict=True)
        }

    async def write(self, name: str, value: object) -> TagValue:
        """Write ``value`` (engineering units) and return the read-back value once it confirms."""
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
        self._note("write %s = %r (raw %r)", name, value, variant.Value)
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
        raw_back = dv.Value.Value if dv.Value is not None else None
        result = self._to_tag_value(tag, dv, _now(), ConnectionState.CONNECTED)
        if result.quality is not Quality.GOOD or not _same(tag, variant, raw_back):
            self._note(
                "write %s not confirmed: read back %r (%s)", name, raw_back, result.quality
            )
            raise WriteVerifyError(name, tag.to_eng(variant.Value), result.value)
        return result

    # ------------------------------------------------------------------ internals

    def _link_error(self, what: str, exc: BaseException) -> DeviceError:
        if isinstance(exc, TimeoutError):
            return DeviceTimeout(f"{what} on {self.url} timed out after {self.request_timeout:g} s")
        return ConnectError(f"{what} on {self.url} failed: {exc}", url=self.url)

    def _to_tag_value(
        self, tag: Tag, dv: ua.DataValue, received: datetime, connection: ConnectionState
    ) -> TagValue:
        # Runs for every notification (≈10k/s): the common case (Good, UTC timestamp,
        # unscaled tag) takes no function call besides TagValue itself.
        status = dv.StatusCode
        if status is None or not status.value & _STATUS_NOT_GOOD:
            quality = Quality.GOOD
        else:
            quality = quality_of(status)
        variant = dv.Value
        raw = variant.Value if variant is not None else None
        source = dv.SourceTimestamp or dv.ServerTimestamp
        if source is None:
            source = received
        elif source.tzinfo is not UTC:
            source = _aware(source) or received
        value = tag.to_eng(raw) if tag.scaled else raw
        return TagValue(tag.name, value, quality, source, received, connection)

    # -- notifications

    def _on_publish(
        self, sub: Subscription, generation: int, result: ua.PublishResult
    ) -> Awaitable[None] | None:
        """asyncua's publish loop hands every PublishResult of *sub* here.

        Data changes (fast-decoded :class:`FastDataChange` or asyncua's own
        ``DataChangeNotification``) are delivered at once, in order; anything
        else goes on to asyncua's handling (the subscription's iterator queue,
        drained by :meth:`_pump`). Returning asyncua's coroutine lets the publish
        loop await it, as it would have.
        """
        message = result.NotificationMessage
        data = message.NotificationData
        if not data:
            return sub.publish_callback(result)  # keep-alive: asyncua's bookkeeping
        if generation != self._generation or self._lost.is_set() or self._closing:
            return None  # a connection we already gave up on: nothing may come from it
        rest = []
        try:
            received = _now()
            for notification in data:
                if type(notification) is FastDataChange:
                    self._deliver_fast(notification, received)
                elif isinstance(notification, ua.DataChangeNotification):
                    self._deliver_generic(notification, received)
                else:
                    rest.append(notification)
        except Exception as exc:  # a bug here must not silently stop the values
            logger.exception("OPC UA publish callback failed for %s", self.url)
            self._trigger_loss(generation, f"notification delivery failed: {exc!r}")
            return None
        sub.last_publish_at = time.monotonic()
        sub.last_sequence_number = int(message.SequenceNumber)
        if rest:
            message.NotificationData = rest  # still non-empty: asyncua acknowledges it
            return sub.publish_callback(result)
        return None

    def _deliver_fast(self, notification: FastDataChange, received: datetime) -> None:
        # Runs for every value (≈10k/s): plain tuples, no function call in the common
        # case (Good, unscaled) besides TagValue itself and the delivery.
        by_handle = self._by_handle
        deliver = self._deliver
        connected = ConnectionState.CONNECTED
        good = Quality.GOOD
        self.decoded["fast"] += len(notification.items)
        for handle, raw, status, source, server in notification.items:
            binding = by_handle.get(handle)
            if binding is None:
                continue
            tag = binding.tag
            deliver(
                TagValue(
                    tag.name,
                    tag.to_eng(raw) if tag.scaled else raw,
                    good if not status & _STATUS_NOT_GOOD else _quality_bits(status),
                    source or server or received,
                    received,
                    connected,
                )
            )

    def _deliver_generic(self, notification: ua.DataChangeNotification, received: datetime) -> None:
        by_handle = self._by_handle
        connected = ConnectionState.CONNECTED
        self.decoded["generic"] += len(notification.MonitoredItems)
        for item in notification.MonitoredItems:
            binding = by_handle.get(item.ClientHandle)
            if binding is not None:
                self._deliver(self._to_tag_value(binding.tag, item.Value, received, connected))

    async def _pump(self, sub: Subscription, generation: int) -> None:
        """Deliver one subscription's status changes (asyncua's iterator queue) in order."""
        by_handle = self._by_handle
        connected = ConnectionState.CONNECTED
        try:
            async for event in sub:
                if generation != self._generation or self._lost.is_set() or self._closing:
                    return  # a connection we already gave up on: nothing may come from it
                if type(event) is StatusChangeEvent:
                    self._on_status_change(generation, event.notification)
                elif type(event) is DataChangeEvent:  # only if asyncua replays (republish)
                    item = event.data.monitored_item
                    binding = by_handle.get(item.ClientHandle)
                    if binding is not None:
                        self._deliver(
                            self._to_tag_value(binding.tag, item.Value, _now(), connected)
                        )
        except Exception as exc:  # a bug here must not silently stop the values
            logger.exception("OPC UA notification pump failed for %s", self.url)
            self._trigger_loss(generation, f"notification pump failed: {exc!r}")

    def _on_status_change(self, generation: int, status: ua.StatusChangeNotification) -> None:
        code = status.Status
        if code is not None and code.is_bad():
            self._trigger_loss(generation, f"subscription status {code.name}")

    async def _on_connection_lost(self, generation: int, exc: Exception) -> None:
        self._trigger_loss(generation, f"connection lost: {exc!r}")

    async def _wait_out_hold(self) -> None:
        """After an administrator-only error: wait ``config_retry_s`` — for an untrusted
        server certificate only until trusted/ changes (an acceptance is picked up at once)."""
        hold, self._hold = self._hold, None
        if hold is None:
            return
        error, trust_before = hold
        pki = self._connector.pki
        watch = isinstance(error, UntrustedServerError) and pki is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config_retry_s
        self._note("next attempt in up to %g s (%s)", self.config_retry_s, type(error).__name__)
        while (remaining := deadline - loop.time()) > 0:
            await asyncio.sleep(min(TRUST_POLL_S, remaining) if watch else remaining)
            if watch and pki is not None and pki.trust_state() != trust_before:
                self._note("trust store changed; retrying now")
                return

    async def _connect_once(self) -> None:
        await self._wait_out_hold()
        self._generation += 1
        generation = self._generation
        self._lost.clear()
        self._note("connecting (generation %d, security %s)", generation, self._connector.label)
        pki = self._connector.pki
        trust_before = pki.trust_state() if pki is not None else None

        async def lost(exc: Exception) -> None:
            await self._on_connection_lost(generation, exc)

        try:
            client = await self._connector.connect(lost)
        except ADMIN_ERRORS as exc:
            self._hold = (exc, trust_before)
            if self.wait_connected and not self._settled.is_set():
                self._fatal = exc  # like a missing address: fail ``async with`` at once
                self._settled.set()
            raise
        self._client = client
        _use_fast_publish(client)
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
        for sampling_ms, members in sorted(groups.items()):
            publishing_ms, queue_size = publishing_plan(sampling_ms)
            # Iterator mode (no handler): the pump below takes status changes.
            sub = await client.create_subscription(
                publishing_ms, None, queue_maxsize=PUMP_QUEUE, overflow=OverflowPolicy.DISCONNECT
            )
            # Our publish callback instead of asyncua's (see _on_publish); set before
            # any monitored item exists, so no data change can take the other way.
            client.uaclient.session._subscription_callbacks[sub.subscription_id] = partial(
                self._on_publish, sub, generation
            )
            sub.set_overflow_disconnect_handler(
                lambda: self._trigger_loss(generation, "notification queue overflowed")
            )
            self._subscriptions.append(sub)
            self._pumps.append(
                asyncio.create_task(
                    self._pump(sub, generation), name=f"opcua-pump {self.url} {sampling_ms} ms"
                )
            )
            # The server may revise the publishing interval (asyncua then keeps the
            # revised one); size the queues for what it will really be.
            revised = float(sub.parameters.RequestedPublishingInterval or publishing_ms)
            queue_size = _queue_size(revised, sampling_ms)
            self._note(
                "subscription %d ms: publishing every %g ms, queue size %d",
                sampling_ms,
                revised,
                queue_size,
            )
            requests = []
            for b in members:
                handle += 1
                self._by_handle[handle] = b
                params = ua.MonitoringParameters()
                params.ClientHandle = handle
                params.SamplingInterval = float(sampling_ms)
                params.QueueSize = queue_size
                params.DiscardOldest = True  # a full queue loses its oldest value, never the latest
                if b.tag.is_numeric and b.tag.deadband > 0:
                    flt = ua.DataChangeFilter()
                    flt.Trigger = ua.DataChangeTrigger.StatusValue
                    flt.DeadbandType = ua.DeadbandType.Absolute
                    flt.DeadbandValue = float(b.tag.raw_deadband)  # the server compares raw values
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
        """Tear the current client down without leaving asyncua tasks (or pumps) behind."""
        client, self._client = self._client, None
        self._subscriptions = []
        pumps, self._pumps = self._pumps, []
        for pump in pumps:
            pump.cancel()
        try:
            if client is not None:
                await self._close_client(client, graceful=graceful)
        finally:
            if pumps:
                # asyncio.wait, not ``await pump``: a cancellation of *this* task (aclose
                # cancelling the supervisor) must not be taken for the pump's own.
                await asyncio.wait(pumps)

    async def _close_client(self, client: Client, *, graceful: bool) -> None:
        client.connection_lost_callback = None
        task = asyncio.current_task()
        cancelling = task.cancelling() if task is not None else 0
        try:
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
        finally:
            if task is not None and task.cancelling() > cancelling:
                # asyncua's task clean-up (Client._cancel_task) swallows a CancelledError
                # meant for *this* task (aclose cancelling the supervisor mid-reconnect);
                # without this the supervisor would reconnect and aclose wait forever.
                raise asyncio.CancelledError


# --------------------------------------------------------------------------- browsing

#: OPC UA DataType (namespace 0) -> station datatype
STATION_DATATYPES: dict[int, str] = {
    ua.ObjectIds.Boolean: "bool",
    ua.ObjectIds.Int16: "int16",
    ua.ObjectIds.UInt16: "uint16",
    ua.ObjectIds.Int32: "int32",
    ua.ObjectIds.UInt32: "uint32",
    ua.ObjectIds.Float: "float32",
    ua.ObjectIds.Double: "float64",
    ua.ObjectIds.String: "string",
    ua.ObjectIds.Duration: "float64",  # a Double on the wire
}


@dataclass(frozen=True)
class BrowsedVariable:
    """A Variable found by :func:`browse_variables`.

    ``datatype`` is the station datatype, or None with ``reason`` saying why the
    variable cannot be used as a tag (unsupported DataType, an array).
    """

    path: tuple[str, ...]
    nodeid: str
    ua_datatype: str
    datatype: str | None
    writable: bool
    unit: str = ""
    reason: str = ""


def _plain(nodeid: ua.NodeId) -> ua.NodeId:
    return ua.NodeId(nodeid.Identifier, nodeid.NamespaceIndex, nodeid.NodeIdType)


async def _browse_many(
    client: Client, nodeids: Sequence[ua.NodeId], reftype: int, *, chunk: int = 200
) -> list[list[ua.ReferenceDescription]]:
    """Forward references of type ``reftype`` (and subtypes) of every node, batched."""
    out: list[list[ua.ReferenceDescription]] = []
    for i in range(0, len(nodeids), chunk):
        params = ua.BrowseParameters()
        params.View.Timestamp = ua.get_win_epoch()
        params.RequestedMaxReferencesPerNode = 0
        for nid in nodeids[i : i + chunk]:
            desc = ua.BrowseDescription()
            desc.NodeId = nid
            desc.BrowseDirection = ua.BrowseDirection.Forward
            desc.ReferenceTypeId = ua.NodeId(reftype)
            desc.IncludeSubtypes = True
            desc.NodeClassMask = ua.NodeClass.Unspecified
            desc.ResultMask = ua.BrowseResultMask.All
            params.NodesToBrowse.append(desc)
        results = await client.uaclient.browse(params)
        for result in results:
            refs = list(result.References or [])
            cp = result.ContinuationPoint
            while cp:
                nxt = ua.BrowseNextParameters()
                nxt.ContinuationPoints = [cp]
                nxt.ReleaseContinuationPoints = False
                more = await client.uaclient.browse_next(nxt)
                if not more:
                    break
                refs.extend(more[0].References or [])
                cp = more[0].ContinuationPoint
            out.append(refs)
    return out


async def browse_variables(
    client: Client, root: str = "i=85", depth: int = 5, *, limit: int = 20_000
) -> list[BrowsedVariable]:
    """Every Variable under ``root`` (default: the Objects folder) down to ``depth`` levels.

    Follows hierarchical references except HasProperty (properties are metadata),
    skips the standard ``Server`` object unless it is the root, and reads each
    variable's DataType, ValueRank, AccessLevel and ``EngineeringUnits`` property.
    Raises :class:`ConfigError` if ``root`` is not a node of the server.
    """
    root_id = parse_address(root)
    (cls,) = await client.read_attributes([client.get_node(root_id)], ua.AttributeIds.NodeClass)
    if not cls.StatusCode.is_good():
        raise ConfigError(f"--root {root}: no such node on the server ({cls.StatusCode.name})")
    server_obj = ua.NodeId(ua.ObjectIds.Server)
    seen = {root_id}
    found: list[tuple[ua.NodeId, tuple[str, ...]]] = []
    level: list[tuple[ua.NodeId, tuple[str, ...]]] = [(root_id, ())]
    for _ in range(depth):
        if not level or len(found) >= limit:
            break
        refs_per_node = await _browse_many(
            client, [nid for nid, _ in level], ua.ObjectIds.HierarchicalReferences
        )
        nxt: list[tuple[ua.NodeId, tuple[str, ...]]] = []
        for (_, path), refs in zip(level, refs_per_node, strict=True):
            for ref in refs:
                if ref.ReferenceTypeId == ua.NodeId(ua.ObjectIds.HasProperty):
                    continue
                if getattr(ref.NodeId, "ServerIndex", 0):  # lives on another server
                    continue
                child = _plain(ref.NodeId)
                if child in seen or (child == server_obj and root_id != server_obj):
                    continue
                seen.add(child)
                child_path = (*path, ref.BrowseName.Name or str(child.Identifier))
                if ref.NodeClass == ua.NodeClass.Variable:
                    found.append((child, child_path))
                if ref.NodeClass in (ua.NodeClass.Object, ua.NodeClass.Variable):
                    nxt.append((child, child_path))
        level = nxt
    found = found[:limit]
    if not found:
        return []
    nodes = [client.get_node(nid) for nid, _ in found]
    dtypes = await client.read_attributes(nodes, ua.AttributeIds.DataType)
    ranks = await client.read_attributes(nodes, ua.AttributeIds.ValueRank)
    access = await client.read_attributes(nodes, ua.AttributeIds.AccessLevel)
    units = await _engineering_units(client, [nid for nid, _ in found])
    out = []
    for (nid, path), dt, rank, acc, unit in zip(found, dtypes, ranks, access, units, strict=True):
        dtype_id = dt.Value.Value if dt.Value is not None else None
        ua_name = _datatype_name(dtype_id)
        datatype = (
            STATION_DATATYPES.get(dtype_id.Identifier)
            if isinstance(dtype_id, ua.NodeId) and dtype_id.NamespaceIndex == 0
            else None
        )
        value_rank = rank.Value.Value if rank.Value is not None else -1
        level_bits = acc.Value.Value if acc.Value is not None else 0
        reason = ""
        if datatype is None:
            reason = f"datatype {ua_name} is not supported by the station"
        elif isinstance(value_rank, int) and value_rank >= 0:
            reason, datatype = f"an array ({ua_name}, ValueRank {value_rank}) is not supported", None
        out.append(
            BrowsedVariable(
                path=path,
                nodeid=nid.to_string(),
                ua_datatype=ua_name,
                datatype=datatype,
                writable=bool(int(level_bits or 0) & int(ua.AccessLevelType.CurrentWrite)),
                unit=unit,
                reason=reason,
            )
        )
    return out


def _datatype_name(dtype: object) -> str:
    if not isinstance(dtype, ua.NodeId):
        return "unknown"
    if dtype.NamespaceIndex == 0 and isinstance(dtype.Identifier, int):
        return ua.ObjectIdNames.get(dtype.Identifier, dtype.to_string())
    return dtype.to_string()


async def _engineering_units(client: Client, nodeids: Sequence[ua.NodeId]) -> list[str]:
    """The EngineeringUnits display name of every node ('' where there is none)."""
    props = await _browse_many(client, nodeids, ua.ObjectIds.HasProperty)
    eu_nodes: dict[int, ua.NodeId] = {}
    for i, refs in enumerate(props):
        for ref in refs:
            if ref.BrowseName.Name == "EngineeringUnits":
                eu_nodes[i] = _plain(ref.NodeId)
                break
    units = [""] * len(nodeids)
    if eu_nodes:
        values = await client.read_attributes([client.get_node(n) for n in eu_nodes.values()])
        for i, dv in zip(eu_nodes, values, strict=True):
            eu = dv.Value.Value if dv.Value is not None else None
            text = getattr(getattr(eu, "DisplayName", None), "Text", None)
            units[i] = str(text) if text else ""
    return units
