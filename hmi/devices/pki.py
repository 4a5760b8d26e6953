"""The station's OPC UA certificate and its trust store (no Qt).

Layout of a PKI directory (``[machine.opcua] pki_dir``, default ``{data_dir}/pki``)::

    own/cert.der     the station's application instance certificate (give it to the
                     machine's administrator so the server trusts the station)
    own/key.pem      its RSA 2048 private key, mode 0600
    trusted/         server certificates (or CA certificates) an administrator accepted
    rejected/        server certificates met but not trusted, kept for review

Design
------
* The station's certificate is made on first use with asyncua's own generator
  (:mod:`asyncua.crypto.cert_gen`): self-signed, SubjectAltName with the
  application URI and the host name, valid :data:`OWN_CERT_DAYS` days. The key
  file is created with mode 0600 from the start (never world-readable, not even
  for a moment). An existing certificate is never replaced silently while it is
  valid: a server trusts exactly that certificate, so a new one would break the
  connection. If the configured application URI differs from the one in the
  certificate the station refuses with a message saying what to do; an expired
  certificate is replaced (with a warning), because no server accepts it anyway.
* A server certificate is trusted when the same certificate (SHA-256 of the DER)
  is in ``trusted/`` and within its validity period, or when asyncua's
  :class:`~asyncua.crypto.truststore.TrustStore` validates it against the
  certificates there (a CA an administrator trusted). Anything else is refused
  with :class:`UntrustedServerError` and saved to ``rejected/`` so
  ``hmi certs list`` shows it and ``hmi certs accept THUMBPRINT`` moves it to
  ``trusted/``. Nothing is ever trusted silently.
* :meth:`Pki.trust_state` is a cheap fingerprint of ``trusted/`` (names and
  mtimes) so a waiting driver can notice an acceptance without polling the server.
* :class:`OpcUaSecurity` carries the connection's security settings (policy,
  mode, login, PKI directory) from the station file to the driver and the CLI.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import socket
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hmi.devices.base import ConfigError, ConnectError, DeviceError

__all__ = [
    "AUTH_METHODS",
    "MODES",
    "OWN_CERT_DAYS",
    "POLICIES",
    "CertInfo",
    "OpcUaSecurity",
    "Pki",
    "PkiError",
    "UntrustedServerError",
    "cert_info",
    "normalise_thumbprint",
    "read_password_file",
    "thumbprint",
]

logger = logging.getLogger(__name__)

#: Security policies the station can use (OPC UA names without the URI prefix).
POLICIES: tuple[str, ...] = ("None", "Basic256Sha256", "Aes128Sha256RsaOaep", "Aes256Sha256RsaPss")
MODES: tuple[str, ...] = ("Sign", "SignAndEncrypt")
AUTH_METHODS: tuple[str, ...] = ("anonymous", "username", "certificate")
#: Lifetime of the station's own certificate. Long on purpose: every renewal has to be
#: trusted again on each server the station talks to.
OWN_CERT_DAYS = 5 * 365


class _QuietTrustStore(logging.Filter):
    """asyncua's TrustStore logs a full traceback for every untrusted certificate; we
    report that case ourselves (UntrustedServerError), so drop just that record."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Not trusted certificate used")


logging.getLogger("asyncuagds.validate").addFilter(_QuietTrustStore())


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class OpcUaSecurity:
    """How an OPC UA connection is secured and how the station logs in.

    ``policy`` / ``mode`` name the endpoint to use; ``"None"`` is refused unless
    ``allow_insecure``. ``auth`` is ``anonymous``, ``username`` (password from
    ``password_file``, which must not be readable by group or others) or
    ``certificate`` (the station's own certificate is the user identity).
    ``extra_trusted`` lists certificate files trusted in addition to ``trusted/``
    without being copied there (the built-in simulator's certificate for
    ``sim://``).
    """

    policy: str = "Basic256Sha256"
    mode: str = "SignAndEncrypt"
    allow_insecure: bool = False
    auth: str = "anonymous"
    username: str = ""
    password_file: Path | None = None
    pki_dir: Path | None = None
    application_uri: str = "urn:openmes:station-hmi"
    extra_trusted: tuple[Path, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.policy not in POLICIES:
            raise ConfigError(
                f"machine.opcua.security_policy: {self.policy!r} is not one of {', '.join(POLICIES)}"
            )
        if self.policy == "None" and not self.allow_insecure:
            raise ConfigError(
                "machine.opcua.security_policy: 'None' sends everything unsigned and unencrypted; "
                "set allow_insecure = true to accept that (isolated networks only)"
            )
        if self.secure and self.mode not in MODES:
            raise ConfigError(f"machine.opcua.security_mode: {self.mode!r} is not one of {', '.join(MODES)}")
        if self.auth not in AUTH_METHODS:
            raise ConfigError(f"machine.opcua.auth: {self.auth!r} is not one of {', '.join(AUTH_METHODS)}")
        if self.auth == "username" and (not self.username or self.password_file is None):
            raise ConfigError("machine.opcua: auth = 'username' needs username and password_file")
        if self.auth == "certificate" and not self.secure:
            raise ConfigError(
                "machine.opcua.auth: certificate login needs a security policy other than 'None'"
            )
        if (self.secure or self.auth == "certificate") and self.pki_dir is None:
            raise ConfigError("machine.opcua.pki_dir: a PKI directory is needed for a secure connection")

    @property
    def secure(self) -> bool:
        return self.policy != "None"

    @property
    def label(self) -> str:
        return "None" if not self.secure else f"{self.policy}/{self.mode}"

    def trusting(self, *paths: Path) -> OpcUaSecurity:
        """A copy that also trusts the certificate files ``paths`` (not copied to trusted/)."""
        return replace(self, extra_trusted=(*self.extra_trusted, *paths))

    def password(self) -> str:
        """The login password (read from ``password_file``); '' unless auth is username."""
        if self.auth != "username" or self.password_file is None:
            return ""
        return read_password_file(self.password_file)


def read_password_file(path: Path) -> str:
    """Read a password file; refuse it unless only its owner can read it (0600 or stricter)."""
    from hmi.secrets import SecretError, check_private_file

    try:
        check_private_file(path, "machine.opcua.password_file")
    except SecretError as exc:
        raise ConfigError(str(exc)) from None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"machine.opcua.password_file: cannot read {path} ({exc})") from None
    password = text.rstrip("\r\n")
    if not password:
        raise ConfigError(f"machine.opcua.password_file: {path} is empty")
    return password


# --------------------------------------------------------------------------- certificates


def thumbprint(der: bytes) -> str:
    """SHA-256 over the DER certificate, lowercase hex (64 characters)."""
    return hashlib.sha256(der).hexdigest()


def normalise_thumbprint(text: str) -> str:
    """``AB:CD ef…`` -> ``abcdef…``; raise :class:`PkiError` unless it is hex."""
    cleaned = re.sub(r"[\s:]", "", text).lower()
    if not re.fullmatch(r"[0-9a-f]+", cleaned or "-"):
        raise PkiError(f"{text!r} is not a certificate thumbprint (hex digits, as `hmi certs list` shows)")
    return cleaned


@dataclass(frozen=True)
class CertInfo:
    """What a person needs to decide about a certificate."""

    der: bytes
    thumbprint: str
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    application_uri: str
    path: Path | None = None
    status: Literal["own", "trusted", "rejected", "server", "extra"] = "server"

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.der)

    def valid_at(self, when: datetime | None = None) -> bool:
        when = when or datetime.now(UTC)
        return self.not_before <= when <= self.not_after

    @property
    def validity(self) -> str:
        return f"{self.not_before:%Y-%m-%d} to {self.not_after:%Y-%m-%d}"

    def describe(self) -> str:
        expired = "" if self.valid_at() else "  (NOT VALID NOW)"
        lines = [
            f"{self.thumbprint}",
            f"    subject  {self.subject}",
            f"    uri      {self.application_uri or '-'}",
            f"    valid    {self.validity}{expired}",
        ]
        if self.path is not None:
            lines.append(f"    file     {self.path}")
        return "\n".join(lines)


def cert_info(der: bytes, path: Path | None = None, status: str = "server") -> CertInfo:
    """Parse ``der`` (the first certificate if it is a chain)."""
    cert = _load_first(der)
    der = cert.public_bytes(serialization.Encoding.DER)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        uris = san.get_values_for_type(x509.UniformResourceIdentifier)
    except x509.ExtensionNotFound:
        uris = []
    return CertInfo(
        der=der,
        thumbprint=thumbprint(der),
        subject=cert.subject.rfc4514_string() or "(empty subject)",
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        application_uri=uris[0] if uris else "",
        path=path,
        status=status,  # type: ignore[arg-type]
    )


def _load_first(data: bytes) -> x509.Certificate:
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    try:
        return x509.load_der_x509_certificate(data)
    except ValueError:
        # A chain (several DER certificates back to back): take the first one.
        length = int.from_bytes(data[2:4], "big") + 4
        return x509.load_der_x509_certificate(data[:length])


class PkiError(DeviceError):
    """A trust-store operation could not be done (unknown thumbprint, bad certificate…)."""

    def __init__(self, message: str) -> None:
        super().__init__(
            message,
            operator_message=f"The station's certificate store reported a problem: {message}. "
            "Ask an administrator.",
        )


class UntrustedServerError(ConnectError):
    """The server presented a certificate the station does not trust; nothing was sent.

    Carries what an administrator needs to decide: ``subject``, ``thumbprint``
    (SHA-256), ``not_before`` / ``not_after`` and ``path`` (the copy in ``rejected/``).
    """

    def __init__(self, url: str, info: CertInfo, reason: str) -> None:
        self.info = info
        self.subject = info.subject
        self.thumbprint = info.thumbprint
        self.not_before = info.not_before
        self.not_after = info.not_after
        self.path = info.path
        self.reason = reason
        where = f"; saved to {info.path}" if info.path is not None else ""
        super().__init__(
            f"the server at {url} presented a certificate this station does not trust ({reason}): "
            f"subject {info.subject}, SHA-256 {info.thumbprint}, valid {info.validity}{where}. "
            f"If it is the right machine, an administrator accepts it with: "
            f"hmi certs accept {info.thumbprint[:16]}",
            url=url,
            operator_message=(
                "The machine controller's security certificate is not trusted, so the station "
                "did not connect. An administrator must check and accept it "
                f"(hmi certs accept {info.thumbprint[:16]})."
            ),
        )


# --------------------------------------------------------------------------- the store


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` atomically; the file has ``mode`` from its first byte on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _safe_name(info: CertInfo) -> str:
    cert = info.certificate
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    cn = str(cns[0].value) if cns else "certificate"
    return (re.sub(r"[^A-Za-z0-9_.-]+", "_", cn).strip("._") or "certificate")[:60]


class Pki:
    """One PKI directory: the station's own certificate, ``trusted/`` and ``rejected/``."""

    def __init__(self, root: Path, *, extra_trusted: Sequence[Path] = ()) -> None:
        self.root = Path(root)
        self.own_cert = self.root / "own" / "cert.der"
        self.own_key = self.root / "own" / "key.pem"
        self.trusted_dir = self.root / "trusted"
        self.rejected_dir = self.root / "rejected"
        self.extra_trusted = tuple(Path(p) for p in extra_trusted)

    def ensure_dirs(self) -> None:
        for d in (self.root / "own", self.trusted_dir, self.rejected_dir):
            d.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self.root / "own", 0o700)

    # -- the station's own certificate

    def own_certificate(self) -> CertInfo | None:
        """The station's certificate, if it has been made."""
        try:
            return cert_info(self.own_cert.read_bytes(), self.own_cert, "own")
        except FileNotFoundError:
            return None
        except ValueError as exc:
            raise PkiError(f"{self.own_cert} is not a certificate ({exc})") from None

    def ensure_own_certificate(
        self, application_uri: str, hostname: str | None = None
    ) -> tuple[Path, Path]:
        """Make the station's key and certificate if missing; return ``(cert, key)`` paths.

        Blocking (RSA key generation, ~0.1 s): call it from a thread on the event loop.
        """
        from asyncua.crypto import cert_gen

        hostname = hostname or socket.gethostname()
        self.ensure_dirs()
        key = None
        if self.own_key.is_file():
            mode = stat.S_IMODE(self.own_key.stat().st_mode)
            if mode & 0o077:
                logger.warning("%s had mode %04o; restricting it to 0600", self.own_key, mode)
                os.chmod(self.own_key, 0o600)
            try:
                key = serialization.load_pem_private_key(self.own_key.read_bytes(), password=None)
            except (ValueError, TypeError) as exc:
                raise PkiError(
                    f"{self.own_key} is not a usable private key ({exc}); delete {self.root / 'own'} "
                    "to make a new station certificate (servers must then trust the new one)"
                ) from None
        current = self.own_certificate() if key is not None else None
        if current is not None:
            mine = key.public_key().public_numbers()  # type: ignore[union-attr]
            if current.certificate.public_key().public_numbers() != mine:  # type: ignore[union-attr]
                logger.warning("%s does not belong to %s; making a new certificate",
                               self.own_cert, self.own_key)
            elif not current.valid_at():
                logger.warning("station certificate %s expired (%s); making a new one — servers "
                               "must trust the new certificate", self.own_cert, current.validity)
            elif application_uri != current.application_uri:
                raise PkiError(
                    f"the station certificate {self.own_cert} was made for application URI "
                    f"{current.application_uri!r}, but the station is configured as {application_uri!r}. "
                    f"Set machine.opcua.application_uri = {current.application_uri!r}, or delete "
                    f"{self.root / 'own'} to make a new certificate (servers must then trust it)"
                )
            else:
                return self.own_cert, self.own_key
        if key is None:
            key = cert_gen.generate_private_key()
            _write_private(self.own_key, cert_gen.dump_private_key_as_pem(key))
        names: list[x509.GeneralName] = [
            x509.UniformResourceIdentifier(application_uri),
            x509.DNSName(hostname),
        ]
        cert = cert_gen.generate_self_signed_app_certificate(
            key,  # type: ignore[arg-type]
            application_uri,
            {},
            names,
            extended=[ExtendedKeyUsageOID.CLIENT_AUTH],
            days=OWN_CERT_DAYS,
        )
        _write_private(self.own_cert, cert.public_bytes(serialization.Encoding.DER), mode=0o644)
        logger.info("station certificate made: %s (SHA-256 %s)", self.own_cert,
                    thumbprint(cert.public_bytes(serialization.Encoding.DER)))
        return self.own_cert, self.own_key

    # -- listing and decisions

    def _scan(self, directory: Path, status: str) -> list[CertInfo]:
        found: list[CertInfo] = []
        try:
            entries = sorted(directory.iterdir())
        except FileNotFoundError:
            return found
        for path in entries:
            if not path.is_file() or path.name.startswith(".") or path.suffix.lower() not in (".der", ".pem"):
                continue
            try:
                found.append(cert_info(path.read_bytes(), path, status))
            except (OSError, ValueError):
                logger.warning("%s is not a readable certificate; ignored", path)
        return found

    def trusted(self) -> list[CertInfo]:
        return self._scan(self.trusted_dir, "trusted")

    def rejected(self) -> list[CertInfo]:
        return self._scan(self.rejected_dir, "rejected")

    def find(self, thumb: str) -> CertInfo:
        """The trusted or rejected certificate whose thumbprint starts with ``thumb``."""
        prefix = normalise_thumbprint(thumb)
        if len(prefix) < 8:
            raise PkiError(f"give at least 8 hex digits of the thumbprint, not {thumb!r}")
        matches = [c for c in self.trusted() + self.rejected() if c.thumbprint.startswith(prefix)]
        if not matches:
            raise PkiError(
                f"no certificate with thumbprint {thumb} in {self.root} (see `hmi certs list`)"
            )
        if len({c.thumbprint for c in matches}) > 1:
            raise PkiError(f"thumbprint {thumb} is ambiguous; give more digits")
        # the same certificate may be in both directories; trusted wins for display
        return matches[0]

    def accept(self, thumb: str) -> CertInfo:
        """Trust the certificate ``thumb`` (moves it from rejected/ to trusted/)."""
        info = self.find(thumb)
        if info.status == "trusted":
            for dup in self.rejected():
                if dup.thumbprint == info.thumbprint and dup.path is not None:
                    dup.path.unlink(missing_ok=True)
            return info
        assert info.path is not None
        self.trusted_dir.mkdir(parents=True, exist_ok=True)
        target = self.trusted_dir / info.path.name
        os.replace(info.path, target)
        logger.warning("certificate %s (%s) is now trusted", info.thumbprint, info.subject)
        return replace(info, path=target, status="trusted")

    def reject(self, thumb: str, *, delete: bool = False) -> CertInfo:
        """Stop trusting ``thumb`` (moves it to rejected/), or with ``delete`` remove it entirely."""
        info = self.find(thumb)
        assert info.path is not None
        if delete:
            for c in self.trusted() + self.rejected():
                if c.thumbprint == info.thumbprint and c.path is not None:
                    c.path.unlink(missing_ok=True)
            return replace(info, path=None, status="rejected")
        if info.status == "rejected":
            return info
        self.rejected_dir.mkdir(parents=True, exist_ok=True)
        target = self.rejected_dir / info.path.name
        os.replace(info.path, target)
        logger.warning("certificate %s (%s) is no longer trusted", info.thumbprint, info.subject)
        return replace(info, path=target, status="rejected")

    def trust(self, der: bytes) -> CertInfo:
        """Put ``der`` into trusted/ directly (tools and tests; the CLI uses accept)."""
        info = cert_info(der)
        self.trusted_dir.mkdir(parents=True, exist_ok=True)
        target = self.trusted_dir / f"{_safe_name(info)}_{info.thumbprint[:16]}.der"
        if not target.exists():
            _write_private(target, info.der, mode=0o644)
        return replace(info, path=target, status="trusted")

    def trust_state(self) -> tuple[tuple[str, int], ...]:
        """A cheap fingerprint of trusted/ (names and mtimes); changes when anything is accepted."""
        try:
            return tuple(sorted((e.name, e.stat().st_mtime_ns) for e in os.scandir(self.trusted_dir)))
        except FileNotFoundError:
            return ()

    # -- checking a server

    def _extra(self) -> list[CertInfo]:
        found = []
        for path in self.extra_trusted:
            try:
                found.append(cert_info(path.read_bytes(), path, "extra"))
            except (OSError, ValueError):
                logger.warning("extra trusted certificate %s cannot be read; ignored", path)
        return found

    async def verify_server(self, der: bytes, url: str) -> CertInfo:
        """Return the server certificate's info if it is trusted; otherwise save it to
        rejected/ and raise :class:`UntrustedServerError`."""
        try:
            info = cert_info(der)
        except ValueError as exc:
            raise ConnectError(
                f"the server at {url} sent a certificate that cannot be read ({exc})", url=url
            ) from None
        known = {c.thumbprint: c for c in self.trusted() + self._extra()}
        if info.thumbprint in known:
            if not info.valid_at():
                raise UntrustedServerError(
                    url, replace(info, path=known[info.thumbprint].path),
                    f"the trusted certificate is not valid now, only {info.validity}; the server "
                    "needs a renewed certificate",
                )
            return replace(info, path=known[info.thumbprint].path, status="trusted")
        if any(c.status == "trusted" for c in known.values()) and await self._issued_by_trusted_ca(info):
            return replace(info, status="trusted")
        raise UntrustedServerError(url, self._save_rejected(info), "it is not in the trust store")

    async def _issued_by_trusted_ca(self, info: CertInfo) -> bool:
        from asyncua.crypto.truststore import TrustStore

        store = TrustStore([self.trusted_dir], [])
        try:
            await store.load()
        except (OSError, ValueError):
            logger.warning("the trust store %s could not be loaded", self.trusted_dir, exc_info=True)
            return False
        return store.validate(info.certificate)

    def _save_rejected(self, info: CertInfo) -> CertInfo:
        for existing in self.rejected():
            if existing.thumbprint == info.thumbprint:
                return existing
        target = self.rejected_dir / f"{_safe_name(info)}_{info.thumbprint[:16]}.der"
        try:
            _write_private(target, info.der, mode=0o644)
        except OSError:
            logger.warning("cannot save the rejected certificate to %s", target, exc_info=True)
            return info
        logger.warning("untrusted server certificate saved to %s", target)
        return replace(info, path=target, status="rejected")
