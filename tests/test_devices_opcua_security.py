"""OPC UA security against real asyncua servers on loopback: policies, logins, trust store.

Two servers run for the whole module in a helper thread (certificates are made
once per module; RSA key generation is the slow part):

* ``secure``: every policy (Basic256Sha256, Aes128Sha256RsaOaep, Aes256Sha256RsaPss)
  in Sign and SignAndEncrypt, no None endpoint, user-name and certificate login only
  (no anonymous), with a user manager that records who logged in;
* ``strict``: Basic256Sha256/Sign only, and it refuses every client certificate.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from asyncua import Server, ua
from asyncua.common.utils import ServiceError
from asyncua.crypto import cert_gen
from asyncua.crypto.permission_rules import User, UserRole
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from hmi import config
from hmi.devices.base import ConfigError, ConnectionState, Quality, Tag, open_driver
from hmi.devices.opcua import (
    AuthenticationError,
    ClientCertificateRejectedError,
    OpcUaDriver,
    SecurityMismatchError,
)
from hmi.devices.pki import OpcUaSecurity, Pki, PkiError, UntrustedServerError, thumbprint
from hmi.devices.sim.server import create_server
from tests.fixtures.simulator import LoopThread
from tests.test_devices_opcua import Recorder

APP_URI = "urn:test-site:st-99:hmi"
PASSWORD = "s3cret-Ä"
VALUE = 42.5
POLICIES = ["Basic256Sha256", "Aes128Sha256RsaOaep", "Aes256Sha256RsaPss"]
MODES = ["Sign", "SignAndEncrypt"]


def run(coro: Coroutine[Any, Any, Any], timeout: float = 60.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())


class Users:
    """asyncua user manager: operator / PASSWORD, or an allowed certificate."""

    def __init__(self) -> None:
        self.allowed_certs: set[str] = set()
        self.logins: list[tuple[str, str]] = []
        self.refused: list[str] = []

    def get_user(self, iserver: Any, username: Any = None, password: Any = None,
                 certificate: Any = None) -> User | None:  # fmt: skip
        if username is not None:
            if username == "operator" and password == PASSWORD:
                self.logins.append(("username", username))
                return User(role=UserRole.User, name=username)
            self.refused.append(f"username {username}")
            return None
        if certificate is not None:
            der = certificate if isinstance(certificate, bytes) else certificate.public_bytes(Encoding.DER)
            if thumbprint(der) in self.allowed_certs:
                self.logins.append(("certificate", thumbprint(der)))
                return User(role=UserRole.User, name="station")
            self.refused.append("certificate")
        return None


@dataclass
class Servers:
    secure_url: str
    strict_url: str
    server_der: bytes
    users: Users
    pki: Pki  # the station's trust store: own certificate made, server trusted
    password_file: Path
    tmp: Path


def _make_cert(directory: Path, uri: str) -> tuple[Path, Path, bytes]:
    key = cert_gen.generate_private_key()
    names: list[x509.GeneralName] = [
        x509.UniformResourceIdentifier(uri),
        x509.DNSName(socket.gethostname()),
    ]
    cert = cert_gen.generate_self_signed_app_certificate(
        key, uri, {}, names, extended=[ExtendedKeyUsageOID.SERVER_AUTH], days=30
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "key.pem").write_bytes(cert_gen.dump_private_key_as_pem(key))
    der = cert.public_bytes(Encoding.DER)
    (directory / "cert.der").write_bytes(der)
    return directory / "cert.der", directory / "key.pem", der


async def _start_server(
    cert: Path, key: Path, uri: str, policies: list[ua.SecurityPolicyType], users: Users | None
) -> Server:
    server = await create_server()
    server.set_endpoint("opc.tcp://127.0.0.1:0/secure")
    await server.set_application_uri(uri)
    await server.load_certificate(str(cert))
    await server.load_private_key(str(key))
    server.set_security_policy(policies)
    server.set_identity_tokens([ua.UserNameIdentityToken, ua.X509IdentityToken])
    if users is not None:
        server.iserver.user_manager = users
    idx = await server.register_namespace("urn:test")
    await server.nodes.objects.add_variable(
        ua.NodeId("Value", idx), ua.QualifiedName("Value", idx), VALUE, varianttype=ua.VariantType.Double
    )
    await server.start()
    return server


async def _refuse_every_client(cert: x509.Certificate, app: ua.ApplicationDescription) -> None:
    raise ServiceError(ua.StatusCodes.BadCertificateUntrusted)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    tmp = tmp_path_factory.mktemp("opcua-security")
    s_cert, s_key, s_der = _make_cert(tmp / "server", "urn:test:secure-server")
    users = Users()
    all_secure = [getattr(ua.SecurityPolicyType, f"{p}_{m}") for p in POLICIES for m in MODES]
    loop = LoopThread()
    secure = loop.run(_start_server(s_cert, s_key, "urn:test:secure-server", all_secure, users))
    sign_only = [ua.SecurityPolicyType.Basic256Sha256_Sign]
    strict = loop.run(_start_server(s_cert, s_key, "urn:test:secure-server", sign_only, users))
    strict.set_certificate_validator(_refuse_every_client)
    pki = Pki(tmp / "station-pki")
    pki.ensure_own_certificate(APP_URI)
    pki.trust(s_der)
    own = pki.own_certificate()
    assert own is not None
    users.allowed_certs.add(own.thumbprint)
    password_file = tmp / "password"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    try:
        yield Servers(
            secure_url=f"opc.tcp://127.0.0.1:{secure.bserver.port}/secure",  # type: ignore[union-attr]
            strict_url=f"opc.tcp://127.0.0.1:{strict.bserver.port}/secure",  # type: ignore[union-attr]
            server_der=s_der, users=users, pki=pki, password_file=password_file, tmp=tmp,
        )  # fmt: skip
    finally:
        loop.run(secure.stop())
        loop.run(strict.stop())
        loop.close()


def security(s: Servers, **changes: Any) -> OpcUaSecurity:
    base: dict[str, Any] = dict(
        auth="username", username="operator", password_file=s.password_file,
        pki_dir=s.pki.root, application_uri=APP_URI,
    )  # fmt: skip
    base.update(changes)
    return OpcUaSecurity(**base)


def driver(url: str, sec: OpcUaSecurity, rec: Recorder, **options: Any) -> OpcUaDriver:
    drv = open_driver(url, [Tag("value", "nsu=urn:test;s=Value")], on_value=rec.on_value,
                      on_state=rec.on_state, on_error=rec.on_error, security=sec, **options)  # fmt: skip
    assert isinstance(drv, OpcUaDriver)
    return drv


# --------------------------------------------------------------------------- negotiation


def test_every_policy_and_mode_negotiates_and_reads(servers: Servers) -> None:
    async def scenario() -> None:
        for policy in POLICIES:
            for mode in MODES:
                rec = Recorder()
                sec = security(servers, policy=policy, mode=mode)
                async with driver(servers.secure_url, sec, rec) as drv:
                    got = (await drv.read(["value"]))["value"]
                    assert (got.value, got.quality) == (VALUE, Quality.GOOD), (policy, mode)
                    assert any(f"security {policy}/{mode}" in e for e in drv.recent_events())
                    client = drv._client
                    assert client is not None
                    assert client.security_policy.URI.endswith(
                        {"Basic256Sha256": "Basic256Sha256", "Aes128Sha256RsaOaep": "Aes128_Sha256_RsaOaep",
                         "Aes256Sha256RsaPss": "Aes256_Sha256_RsaPss"}[policy])  # fmt: skip
                    assert client.security_policy.Mode == getattr(ua.MessageSecurityMode, mode)
        # every one of the six sessions logged in as the operator (the password got through)
        assert servers.users.logins.count(("username", "operator")) >= 6

    run(scenario())


def test_certificate_login_uses_the_station_certificate(servers: Servers) -> None:
    async def scenario() -> None:
        own = servers.pki.own_certificate()
        assert own is not None
        before = len(servers.users.logins)
        sec = security(servers, auth="certificate", username="", password_file=None)
        async with driver(servers.secure_url, sec, Recorder()) as drv:
            assert (await drv.read(["value"]))["value"].value == VALUE
        assert servers.users.logins[before:] == [("certificate", own.thumbprint)]

        # another station (its own, unknown certificate) is refused, with a clear message
        other = servers.tmp / "other-station"
        Pki(other).trust(servers.server_der)
        sec = security(servers, auth="certificate", username="", password_file=None, pki_dir=other)
        rec = Recorder()
        with pytest.raises(AuthenticationError) as info:
            async with driver(servers.secure_url, sec, rec):
                pass
        assert "refused the login with the station certificate (BadUserAccessDenied)" in str(info.value)
        assert "login" in info.value.operator_message
        assert rec.states[-1] is ConnectionState.CLOSED

    run(scenario())


def test_wrong_password_is_refused_clearly_and_not_retried_in_a_loop(servers: Servers) -> None:
    wrong = servers.tmp / "wrong-password"
    wrong.write_text("not-the-password\n", encoding="utf-8")
    wrong.chmod(0o600)

    async def scenario() -> None:
        sec = security(servers, password_file=wrong)
        t0 = time.monotonic()
        with pytest.raises(AuthenticationError) as info:
            async with driver(servers.secure_url, sec, Recorder(), connect_timeout=10):
                pass
        assert time.monotonic() - t0 < 5.0  # refused at once, not after the connect timeout
        text = str(info.value)
        assert "refused the login as user 'operator' (BadUserAccessDenied)" in text
        assert "password file" in text and "not-the-password" not in text
        assert "refused the station's login" in info.value.operator_message

        # in the background the refusal is reported once and retried only after config_retry_s
        refused_before = len(servers.users.refused)
        rec = Recorder()
        async with driver(servers.secure_url, sec, rec, wait_connected=False, config_retry_s=30):
            await rec.until(lambda: bool(rec.errors), what="the login error")
            await asyncio.sleep(1.0)  # deliberately: would be ~10 more attempts in a tight loop
        assert isinstance(rec.errors[0], AuthenticationError) and len(rec.errors) == 1
        assert len(servers.users.refused) - refused_before == 1

    run(scenario())


def test_password_file_must_exist_and_be_private(servers: Servers, tmp_path: Path) -> None:
    loose = tmp_path / "pw"
    loose.write_text(PASSWORD, encoding="utf-8")
    loose.chmod(0o644)
    with pytest.raises(ConfigError) as info:
        driver(servers.secure_url, security(servers, password_file=loose), Recorder())
    assert f"{loose} can be read by other users (mode 0644)" in str(info.value)
    assert f"chmod 600 {loose}" in str(info.value)
    with pytest.raises(ConfigError, match="does not exist"):
        driver(servers.secure_url, security(servers, password_file=tmp_path / "nope"), Recorder())


def test_policy_none_needs_allow_insecure(tmp_path: Path) -> None:
    demo = config.demo_config_path().read_text(encoding="utf-8")
    station = demo.replace('security_policy = "Basic256Sha256"', 'security_policy = "None"')
    assert station != demo
    with pytest.raises(config.ConfigError) as info:
        config.parse(station, tmp_path / "st.toml")
    assert ("machine.opcua.security_policy: 'None' sends everything unsigned and unencrypted; "
            "set allow_insecure = true") in str(info.value)  # fmt: skip
    cfg = config.parse(station.replace("[machine.opcua]", "[machine.opcua]\nallow_insecure = true"),
                       tmp_path / "st.toml")  # fmt: skip
    sec = cfg.opcua_security(tmp_path)
    assert (sec.policy, sec.allow_insecure, sec.secure) == ("None", True, False)
    with pytest.raises(ConfigError, match="allow_insecure"):  # the driver settings check it too
        OpcUaSecurity(policy="None", pki_dir=tmp_path)


def test_station_file_becomes_driver_security(tmp_path: Path) -> None:
    cfg = config.load(config.resources_dir() / "stations" / "opcua-machine.toml")
    sec = cfg.opcua_security(tmp_path)
    assert sec.application_uri == "urn:ACME-PLANT1:ST-31:hmi"
    assert sec.pki_dir == tmp_path / "pki"
    assert (sec.policy, sec.mode, sec.auth, sec.username) == (
        "Basic256Sha256", "SignAndEncrypt", "username", "mes-station-31")
    assert sec.password_file == Path("/etc/openmes/opcua-password")
    text = config.demo_config_path().read_text(encoding="utf-8")
    bad = text.replace("[machine.opcua]", '[machine.opcua]\nauth = "username"')
    with pytest.raises(config.ConfigError) as info:
        config.parse(bad, tmp_path / "st.toml")
    assert "machine.opcua.username: required when auth = 'username'" in str(info.value)
    assert "machine.opcua.password_file: required when auth = 'username'" in str(info.value)


# --------------------------------------------------------------------------- mismatches


def test_server_without_the_requested_policy_lists_what_it_offers(servers: Servers) -> None:
    async def scenario() -> None:
        with pytest.raises(SecurityMismatchError) as info:
            async with driver(servers.strict_url, security(servers, policy="Aes256Sha256RsaPss"),
                              Recorder()):  # fmt: skip
                pass
        assert info.value.offered == ["Basic256Sha256/Sign"]
        assert ("offers no endpoint with security Aes256Sha256RsaPss/SignAndEncrypt; "
                "it offers: Basic256Sha256/Sign") in str(info.value)  # fmt: skip

        # the secure server has no unsecured endpoint at all
        sec = security(servers, policy="None", allow_insecure=True)
        with pytest.raises(SecurityMismatchError) as info:
            async with driver(servers.secure_url, sec, Recorder()):
                pass
        assert len(info.value.offered) == 6 and "None" not in info.value.offered
        assert "Aes128Sha256RsaOaep/Sign" in str(info.value)

        # nor does it let anyone in anonymously: said before any login is tried
        with pytest.raises(SecurityMismatchError, match="accepts: certificate, username"):
            async with driver(servers.secure_url, security(servers, auth="anonymous", username="",
                              password_file=None), Recorder()):  # fmt: skip
                pass

    run(scenario())


def test_server_that_refuses_the_station_certificate_says_which_one(servers: Servers) -> None:
    async def scenario() -> None:
        own = servers.pki.own_certificate()
        assert own is not None
        with pytest.raises(ClientCertificateRejectedError) as info:
            async with driver(servers.strict_url, security(servers, mode="Sign"), Recorder()):
                pass
        text = str(info.value)
        assert "does not accept this station's certificate (BadCertificateUntrusted)" in text
        assert str(servers.pki.own_cert) in text and own.thumbprint in text
        assert "trust the station's certificate" in info.value.operator_message

    run(scenario())


# --------------------------------------------------------------------------- trust store


def test_unknown_server_certificate_is_refused_saved_and_accepted_without_restart(
    servers: Servers,
) -> None:
    fresh = servers.tmp / "fresh-station"
    shutil.copytree(servers.pki.root / "own", fresh / "own")  # same station, empty trust store
    sec = security(servers, pki_dir=fresh)
    pki = Pki(fresh)

    async def scenario() -> None:
        rec = Recorder()
        t0 = time.monotonic()
        with pytest.raises(UntrustedServerError) as info:
            async with driver(servers.secure_url, sec, rec):
                pass
        assert time.monotonic() - t0 < 5.0
        err = info.value
        assert err.thumbprint == thumbprint(servers.server_der)
        assert err.subject == "CN=urn:test:secure-server"
        assert err.not_before < err.not_after
        assert err.path is not None and err.path.parent == fresh / "rejected" and err.path.is_file()
        assert f"hmi certs accept {err.thumbprint[:16]}" in str(err)
        assert "administrator must check and accept it" in err.operator_message
        assert [c.thumbprint for c in pki.rejected()] == [err.thumbprint]
        assert pki.trusted() == []  # never trusted silently

        # a station running in the background keeps waiting, without hammering the server...
        rec = Recorder()
        async with driver(servers.secure_url, sec, rec, wait_connected=False,
                          config_retry_s=30) as drv:  # fmt: skip
            await rec.until(lambda: bool(rec.errors), what="the untrusted-certificate error")
            assert isinstance(rec.errors[0], UntrustedServerError)
            await asyncio.sleep(1.0)  # deliberately: a tight loop would try ~10 times meanwhile
            attempts = sum("connecting (generation" in e for e in drv.recent_events())
            assert attempts == 1, drv.recent_events()
            assert drv.state is ConnectionState.CONNECTING

            # ...and connects soon after an administrator accepts it (not after config_retry_s)
            accepted = pki.accept(err.thumbprint[:12])
            assert accepted.path == fresh / "trusted" / err.path.name  # type: ignore[union-attr]
            t_accept = time.monotonic()
            await rec.until(lambda: drv.state is ConnectionState.CONNECTED, timeout=10.0,
                            what="connected after the acceptance")  # fmt: skip
            waited = time.monotonic() - t_accept
            assert waited < 5.0, f"took {waited:.2f} s to notice the acceptance"
            assert (await drv.read(["value"]))["value"].value == VALUE
        assert pki.rejected() == []

    run(scenario())


def test_station_certificate_is_made_once_with_a_private_key(servers: Servers, tmp_path: Path) -> None:
    pki = servers.pki
    own = pki.own_certificate()
    assert own is not None
    assert own.application_uri == APP_URI
    san = own.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert socket.gethostname() in san.get_values_for_type(x509.DNSName)
    assert os.stat(pki.own_key).st_mode & 0o777 == 0o600
    assert pki.ensure_own_certificate(APP_URI) == (pki.own_cert, pki.own_key)
    assert pki.own_certificate() == own  # reused, not remade

    # a different application URI never silently replaces the certificate servers trust
    with pytest.raises(PkiError) as info:
        pki.ensure_own_certificate("urn:elsewhere:hmi")
    assert f"made for application URI {APP_URI!r}" in str(info.value)
    assert "delete" in str(info.value)
    assert pki.own_certificate() == own
