"""``hmi tags browse`` and ``hmi certs`` through :func:`hmi.cli.main`, against real servers.

The simulator (session fixture, a real process) serves secure endpoints with its
own certificate: browsing it with the default security first fails because its
certificate is unknown, ``hmi certs accept`` trusts it, and then the snippet is
printed. The snippet is loaded through :mod:`hmi.config` (the real schema) as the
tag map of a station. A second, plain asyncua server has what the simulator
lacks: engineering units, an unsupported datatype, an array, nested folders and
NodeIds that need TOML escaping.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from asyncua import Server, ua

from hmi import cli, config
from hmi.devices.sim.server import VARIABLES
from tests.fixtures.simulator import LoopThread, RunningSim


@pytest.fixture(autouse=True)
def _keep_log_levels() -> Iterator[None]:
    """The CLI quiets asyncua's logger for the process; give it back to other tests."""
    level = logging.getLogger("asyncua").level
    yield
    logging.getLogger("asyncua").setLevel(level)


def hmi(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def station_with(snippet: str, url: str) -> str:
    return (
        '[station]\nsite = "S"\narea = "A"\nline = "L"\nid = "ST-1"\nname = "Browse test"\n\n'
        f'[machine]\nurl = "{url}"\n\n{snippet}'
    )


def test_browse_the_simulator_after_accepting_its_certificate(
    sim_server: RunningSim, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    browse = ("tags", "browse", sim_server.url, "--root", "ns=2;s=Machine", "--data-dir", data)

    # default security (Basic256Sha256/SignAndEncrypt): the simulator's certificate is unknown
    code, out, err = hmi(capsys, *browse)
    assert code == 2 and out == ""
    assert "presented a certificate this station does not trust" in err
    thumb = re.search(r"SHA-256 ([0-9a-f]{64})", err).group(1)  # type: ignore[union-attr]
    assert f"hmi certs accept {thumb[:16]} --data-dir {data}" in err

    code, out, _ = hmi(capsys, "certs", "list", "--data-dir", data)
    assert code == 0
    rejected = out.split("Rejected servers (1):")[1]
    assert thumb in rejected and "CN=OpenMES machine simulator" in rejected
    assert "Trusted servers (0):" in out
    station_cert = out.split("Station certificate")[1].split("Trusted servers")[0]
    assert str(data / "pki" / "own" / "cert.der") in station_cert  # made by the first attempt

    code, out, _ = hmi(capsys, "certs", "accept", thumb[:10].upper(), "--data-dir", data)
    assert code == 0 and "trusted: CN=OpenMES machine simulator" in out
    assert [p.suffix for p in (data / "pki" / "trusted").iterdir()] == [".der"]
    assert not any((data / "pki" / "rejected").iterdir())

    code, snippet, err = hmi(capsys, *browse)
    assert code == 0, err
    tags = tomllib.loads(snippet)["machine"]["tags"]
    by_addr = {t["address"]: t for t in tags}
    assert set(by_addr) == {f"ns=2;s=Machine.{name}" for name in VARIABLES}
    assert by_addr["ns=2;s=Machine.GoodCount"] == {
        "name": "good_count", "address": "ns=2;s=Machine.GoodCount", "datatype": "uint32"}
    assert by_addr["ns=2;s=Machine.State"]["datatype"] == "int32"
    assert by_addr["ns=2;s=Machine.Setpoint.Temperature"]["name"] == "setpoint_temperature"
    assert by_addr["ns=2;s=Machine.Setpoint.Temperature"]["access"] == "rw"
    assert "access" not in by_addr["ns=2;s=Machine.Temperature"]

    # the snippet is a valid tag map for the real station schema (state/good/scrap included)
    cfg = config.parse(station_with(snippet, sim_server.url), tmp_path / "station.toml")
    assert [t.name for t in cfg.machine.tags] == [t["name"] for t in tags]
    assert {t.address: t.datatype for t in cfg.device_tags()} == {
        a: t["datatype"] for a, t in by_addr.items()}

    # revoking trust makes the next browse fail again
    code, out, _ = hmi(capsys, "certs", "reject", thumb, "--data-dir", data)
    assert code == 0 and "rejected (kept in" in out
    code, _, err = hmi(capsys, *browse)
    assert code == 2 and "does not trust" in err


async def _plain_server() -> Server:
    from hmi.devices.sim.server import create_server

    server = await create_server()
    server.set_endpoint("opc.tcp://127.0.0.1:0/plain")
    server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    server.set_identity_tokens([ua.AnonymousIdentityToken])
    idx = await server.register_namespace("urn:test:browse")
    line = await server.nodes.objects.add_object(ua.NodeId("Line", idx), ua.QualifiedName("Line", idx))
    press = await line.add_folder(ua.NodeId("Line.Press", idx), ua.QualifiedName("Press", idx))
    temp = await press.add_variable(ua.NodeId("Line.Press.MeltTemp", idx),
                                    ua.QualifiedName("MeltTemp", idx), 230.0)  # fmt: skip
    await temp.set_writable()
    eu = ua.EUInformation(NamespaceUri="http://www.opcfoundation.org/UA/units/un/cefact",
                          UnitId=4408652, DisplayName=ua.LocalizedText("°C"),
                          Description=ua.LocalizedText("degree Celsius"))  # fmt: skip
    await temp.add_property(ua.NodeId("Line.Press.MeltTemp.EU", idx),
                            ua.QualifiedName("EngineeringUnits", 0), eu)  # fmt: skip
    await press.add_variable(ua.NodeId("Line.Press.Count64", idx), ua.QualifiedName("Count64", idx),
                             ua.Variant(5, ua.VariantType.Int64))  # fmt: skip
    await press.add_variable(ua.NodeId("Line.Press.Profile", idx), ua.QualifiedName("Profile", idx),
                             ua.Variant([1.0, 2.0], ua.VariantType.Double))  # fmt: skip
    await line.add_variable(ua.NodeId('"DB_MES"."State"', idx), ua.QualifiedName('"DB_MES"."State"', idx),
                            ua.Variant(1, ua.VariantType.Int32))  # fmt: skip
    await line.add_variable(ua.NodeId("Line.Mode", idx), ua.QualifiedName("OPMode", idx),
                            ua.Variant(2, ua.VariantType.Int16))  # fmt: skip
    await server.start()
    return server


@pytest.fixture(scope="module")
def plain_server() -> Iterator[str]:
    loop = LoopThread()
    server = loop.run(_plain_server())
    try:
        yield f"opc.tcp://127.0.0.1:{server.bserver.port}/plain"  # type: ignore[union-attr]
    finally:
        loop.run(server.stop())
        loop.close()


def test_browse_reports_units_and_comments_out_what_cannot_be_a_tag(
    plain_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, snippet, err = hmi(capsys, "tags", "browse", plain_server, "--root", "ns=2;s=Line",
                             "--security-policy", "None", "--allow-insecure",
                             "--data-dir", tmp_path)  # fmt: skip
    assert code == 0, err
    tags = {t["name"]: t for t in tomllib.loads(snippet)["machine"]["tags"]}
    assert tags == {
        "press_melt_temp": {"name": "press_melt_temp", "address": "ns=2;s=Line.Press.MeltTemp",
                            "datatype": "float64", "access": "rw", "unit": "°C"},
        "db_mes_state": {"name": "db_mes_state", "address": 'ns=2;s="DB_MES"."State"',
                         "datatype": "int32"},
        "op_mode": {"name": "op_mode", "address": "ns=2;s=Line.Mode", "datatype": "int16"},
    }  # fmt: skip
    assert "# not usable: datatype Int64 is not supported by the station" in snippet
    assert '# address = "ns=2;s=Line.Press.Count64"' in snippet
    assert "# not usable: an array (Double, ValueRank 0) is not supported" in snippet
    assert "EngineeringUnits" not in snippet  # properties are metadata, not tags
    assert "# 3 usable of 5 variables." in snippet
    # --depth 1 stays on the first level
    code, shallow, _ = hmi(capsys, "tags", "browse", plain_server, "--root", "ns=2;s=Line",
                           "--depth", "1", "--security-policy", "None", "--allow-insecure",
                           "--data-dir", tmp_path)  # fmt: skip
    assert code == 0
    assert set(t["name"] for t in tomllib.loads(shallow)["machine"]["tags"]) == {"db_mes_state", "op_mode"}


def test_browse_and_certs_errors_are_clear(
    plain_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    insecure = ("--security-policy", "None", "--allow-insecure", "--data-dir", tmp_path)
    code, out, err = hmi(capsys, "tags", "browse", "opc.tcp://127.0.0.1:9/none", *insecure)
    assert (code, out) == (2, "")
    assert err.startswith("hmi: cannot reach opc.tcp://127.0.0.1:9/none")

    code, _, err = hmi(capsys, "tags", "browse", plain_server, "--security-policy", "None",
                       "--data-dir", tmp_path)  # fmt: skip
    assert code == 2 and "--allow-insecure" in err

    code, _, err = hmi(capsys, "tags", "browse", plain_server, "--data-dir", tmp_path)
    assert code == 2
    assert "offers no endpoint with security Basic256Sha256/SignAndEncrypt; it offers: None" in err

    code, _, err = hmi(capsys, "tags", "browse", plain_server, "--root", "ns=2;s=Nowhere", *insecure)
    assert code == 2 and "--root ns=2;s=Nowhere: no such node on the server" in err

    code, _, err = hmi(capsys, "tags", "browse", "http://example.com", *insecure)
    assert code == 2 and "is not an OPC UA address" in err

    code, _, err = hmi(capsys, "certs", "accept", "deadbeef00", "--data-dir", tmp_path)
    assert code == 2 and "no certificate with thumbprint deadbeef00" in err
    code, _, err = hmi(capsys, "certs", "accept", "xyz", "--data-dir", tmp_path)
    assert code == 2 and "is not a certificate thumbprint" in err

    code, out, _ = hmi(capsys, "certs", "list", "--demo", "--data-dir", tmp_path)
    assert code == 0 and f"PKI directory: {tmp_path / 'demo' / 'pki'}" in out
    assert "none yet; it is made on the first secure connection" in out
