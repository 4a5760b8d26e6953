"""OpcUaDriver against real asyncua servers on loopback (no mocks)."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest
from asyncua import ua

from hmi.devices.base import (
    ConfigError,
    ConnectError,
    ConnectionState,
    DeviceError,
    Quality,
    Tag,
    TagNotFoundError,
    TagValue,
    UnsupportedSchemeError,
    WriteRejectedError,
    WriteVerifyError,
    open_driver,
)
from hmi.devices.opcua import OpcUaDriver
from tests.fixtures.simulator import BareOpcUaServer


def run(coro: Coroutine[Any, Any, Any], timeout: float = 60.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())


class Recorder:
    """Collects driver callbacks; ``await until(pred)`` wakes on every callback."""

    def __init__(self) -> None:
        self.values: list[TagValue] = []
        self.states: list[ConnectionState] = []
        self.errors: list[DeviceError] = []
        self._changed = asyncio.Event()

    def on_value(self, value: TagValue) -> None:
        self.values.append(value)
        self._changed.set()

    def on_state(self, state: ConnectionState) -> None:
        self.states.append(state)
        self._changed.set()

    def on_error(self, error: DeviceError) -> None:
        self.errors.append(error)
        self._changed.set()

    def of(self, tag: str) -> list[TagValue]:
        return [v for v in self.values if v.tag == tag]

    def latest(self, tag: str) -> TagValue | None:
        found = self.of(tag)
        return found[-1] if found else None

    async def until(self, pred: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
        try:
            async with asyncio.timeout(timeout):
                while not pred():
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout} s waiting for {what or pred}; "
                f"states={self.states} values={self.values[-10:]}"
            ) from None


def driver(url: str, tags: list[Tag], rec: Recorder, **options: Any) -> OpcUaDriver:
    drv = open_driver(url, tags, on_value=rec.on_value, on_state=rec.on_state, **options)
    assert isinstance(drv, OpcUaDriver)
    return drv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_no_leftover_tasks() -> None:
    """No client-side task may outlive ``aclose`` (the test server's own tasks may)."""
    others = [
        t
        for t in asyncio.all_tasks()
        if t is not asyncio.current_task()
        and "/asyncua/server/" not in t.get_coro().cr_code.co_filename  # type: ignore[union-attr]
    ]
    assert not others, f"tasks left running after aclose: {others}"


ALL_TYPES: list[tuple[str, str, object, ua.VariantType]] = [
    ("Flag", "bool", True, ua.VariantType.Boolean),
    ("I16", "int16", -12345, ua.VariantType.Int16),
    ("U16", "uint16", 65000, ua.VariantType.UInt16),
    ("I32", "int32", -2_000_000_000, ua.VariantType.Int32),
    ("U32", "uint32", 4_000_000_000, ua.VariantType.UInt32),
    ("F32", "float32", 1.5, ua.VariantType.Float),
    ("F64", "float64", 3.141592653589793, ua.VariantType.Double),
    ("Text", "string", "Order 4711 – Lot Ä", ua.VariantType.String),
]


def test_reads_and_subscribes_every_datatype() -> None:
    async def scenario() -> None:
        async with BareOpcUaServer() as srv:
            tags = []
            for name, dtype, value, vtype in ALL_TYPES:
                tags.append(Tag(name.lower(), await srv.add_variable(name, value, vtype), dtype))
            rec = Recorder()
            before = datetime.now(UTC)
            async with driver(srv.url, tags, rec) as drv:
                assert drv.state is ConnectionState.CONNECTED
                got = await drv.read([t.name for t in tags])
                for name, _dtype, value, _vtype in ALL_TYPES:
                    tv = got[name.lower()]
                    assert tv.value == value, name
                    assert type(tv.value) is type(value), name
                    assert tv.quality is Quality.GOOD
                    assert tv.source_ts.tzinfo is not None and tv.received_ts >= before
                    assert tv.connection is ConnectionState.CONNECTED
                # the subscriptions deliver the initial value of every tag too
                await rec.until(
                    lambda: all(rec.latest(t.name) for t in tags), what="initial values"
                )
                assert {t.name: rec.latest(t.name).value for t in tags} == {  # type: ignore[union-attr]
                    n.lower(): v for n, _d, v, _vt in ALL_TYPES
                }
            assert rec.states == [
                ConnectionState.CONNECTING,
                ConnectionState.CONNECTED,
                ConnectionState.CLOSED,
            ]
            assert_no_leftover_tasks()

    run(scenario())


def test_nsu_addresses_resolve_to_the_namespace_index() -> None:
    async def scenario() -> None:
        async with BareOpcUaServer() as srv:
            await srv.add_variable("Speed", 42.0, ua.VariantType.Double)
            tag = Tag("speed", f"nsu={BareOpcUaServer.NAMESPACE};s=Speed")
            async with driver(srv.url, [tag], Recorder()) as drv:
                assert (await drv.read(["speed"]))["speed"].value == 42.0

    run(scenario())


def test_deadband_suppresses_small_changes() -> None:
    async def scenario() -> None:
        async with BareOpcUaServer() as srv:
            addr = await srv.add_variable("Temp", 10.0, ua.VariantType.Double)
            tag = Tag("temp", addr, "float64", sampling_ms=50, deadband=1.0)
            rec = Recorder()
            async with driver(srv.url, [tag], rec):
                await rec.until(lambda: len(rec.of("temp")) == 1, what="initial value")
                await srv.write("Temp", 10.5, ua.VariantType.Double)  # |0.5| <= 1.0: suppressed
                await srv.write("Temp", 12.0, ua.VariantType.Double)  # |1.5| > 1.0: reported
                await rec.until(lambda: rec.latest("temp").value == 12.0, what="12.0")  # type: ignore[union-attr]
                # notifications arrive in order, so 10.5 would have come before 12.0
                assert [v.value for v in rec.of("temp")] == [10.0, 12.0]

    run(scenario())


def test_write_is_confirmed_by_read_back() -> None:
    async def scenario() -> None:
        async with BareOpcUaServer() as srv:
            tags = [
                Tag("sp", await srv.add_variable("Sp", 0.0, ua.VariantType.Float, writable=True), "float32", access="rw"),
                Tag("mode", await srv.add_variable("Mode", 0, ua.VariantType.Int16, writable=True), "int16", access="rw"),
                Tag("run", await srv.add_variable("Run", False, ua.VariantType.Boolean, writable=True), "bool", access="rw"),
            ]  # fmt: skip
            async with driver(srv.url, tags, Recorder()) as drv:
                tv = await drv.write("sp", 0.1)  # not exact in float32: must still verify
                assert tv.quality is Quality.GOOD and abs(tv.value - 0.1) < 1e-6  # type: ignore[operator]
                assert (await drv.write("mode", -3)).value == -3
                assert (await drv.write("run", True)).value is True
                assert srv.read("Mode") == -3 and srv.read("Run") is True

                with pytest.raises(WriteRejectedError, match="between -32768 and 32767"):
                    await drv.write("mode", 40000)
                with pytest.raises(WriteRejectedError, match="on/off"):
                    await drv.write("run", 1)
                assert srv.read("Mode") == -3  # nothing was sent

    run(scenario())


def test_write_that_the_device_overrides_raises_verify_error() -> None:
    def clamp_at_50(node: Any, attr: ua.AttributeIds, dv: ua.DataValue) -> None:
        clamped = min(float(dv.Value.Value), 50.0)
        node.attributes[attr].value = ua.DataValue(ua.Variant(clamped, ua.VariantType.Double))

    def install(srv: BareOpcUaServer) -> None:
        assert srv.server is not None
        srv.server.set_attribute_value_setter(ua.NodeId("Limit", srv.idx), clamp_at_50)

    async def scenario() -> None:
        async with BareOpcUaServer() as srv:
            addr = await srv.add_variable("Limit", 10.0, ua.VariantType.Double, writable=True)
            srv.on_start(install)
            tag = Tag("speed_limit", addr, "float64", access="rw")
            async with driver(srv.url, [tag], Recorder()) as drv:
                assert (await drv.write("speed_limit", 40.0)).value == 40.0
                with pytest.raises(WriteVerifyError) as info:
                    await drv.write("speed_limit", 80.0)
                err = info.value
                assert (err.tag, err.written, err.read_back) == ("speed_limit", 80.0, 50.0)
                assert "speed_limit" in str(err) and "50.0" in str(err)
                assert "speed_limit" in err.operator_message

    run(scenario())


def test_write_to_read_only_node_is_rejected_with_the_tag_named() -> None:
    async def scenario() -> None:
        async with BareOpcUaServer() as srv:
            addr = await srv.add_variable("Count", 5, ua.VariantType.UInt32)  # not writable
            tags = [Tag("count_rw", addr, "uint32", access="rw"), Tag("count", addr, "uint32")]
            async with driver(srv.url, tags, Recorder()) as drv:
                with pytest.raises(WriteRejectedError, match="count_rw") as info:
                    await drv.write("count_rw", 7)
                assert "Bad" in info.value.reason  # the device's status code is named
                with pytest.raises(
                    WriteRejectedError, match="read-only in the station configuration"
                ):
                    await drv.write("count", 7)
                with pytest.raises(ConfigError, match="no tag named 'nope'"):
                    await drv.write("nope", 1)
            assert srv.read("Count") == 5

    run(scenario())


def test_unknown_addresses_raise_tag_not_found_listing_all() -> None:
    async def scenario() -> None:
        async with BareOpcUaServer() as srv:
            good = await srv.add_variable("Here", 1.0, ua.VariantType.Double)
            tags = [
                Tag("here", good),
                Tag("gone", "ns=2;s=Machine.DoesNotExist"),
                Tag("other_ns", "nsu=urn:nowhere;s=X"),
                Tag("folder", "i=85"),  # exists, but is the Objects folder, not a variable
            ]
            rec = Recorder()
            with pytest.raises(TagNotFoundError) as info:
                async with driver(srv.url, tags, rec):
                    pass
            err = info.value
            assert err.tag == "gone" and err.address == "ns=2;s=Machine.DoesNotExist"
            assert [t for t, _a in err.missing] == ["gone", "other_ns", "folder"]
            assert "ns=2;s=Machine.DoesNotExist" in err.operator_message
            assert rec.states[-1] is ConnectionState.CLOSED
            assert_no_leftover_tasks()

    run(scenario())


def test_open_driver_refuses_what_it_cannot_handle() -> None:
    noop = lambda _x: None  # noqa: E731
    for url, scheme in [
        ("s7://192.168.0.10", "s7"),
    ]:
        with pytest.raises(UnsupportedSchemeError, match=re.escape(scheme)) as info:
            open_driver(url, [], on_value=noop, on_state=noop)
        assert info.value.scheme == scheme and scheme in info.value.operator_message
    with pytest.raises(UnsupportedSchemeError, match="started by the application"):
        open_driver("sim://", [], on_value=noop, on_state=noop)
    with pytest.raises(ConfigError, match="bad_addr"):
        open_driver(
            "opc.tcp://127.0.0.1:4840",
            [Tag("bad_addr", "Machine.State")],
            on_value=noop,
            on_state=noop,
        )
    with pytest.raises(ValueError, match="datatype 'double'"):
        Tag("x", "ns=2;s=X", "double")


def test_connect_timeout_gives_operator_message_and_leaves_nothing_running() -> None:
    async def scenario() -> None:
        url = f"opc.tcp://127.0.0.1:{free_port()}/nothing"
        rec = Recorder()
        t0 = time.monotonic()
        with pytest.raises(ConnectError) as info:
            async with driver(url, [Tag("x", "ns=2;s=X")], rec, connect_timeout=0.6):
                pass
        assert time.monotonic() - t0 < 2.0
        assert "within 0.6 s" in str(info.value)
        assert "keeps retrying" in info.value.operator_message
        assert rec.states == [ConnectionState.CONNECTING, ConnectionState.CLOSED]
        assert_no_leftover_tasks()

        # background mode: returns at once, keeps trying, closes cleanly
        rec = Recorder()
        drv = driver(url, [Tag("x", "ns=2;s=X")], rec, wait_connected=False, on_error=rec.on_error)
        async with drv:
            assert drv.state is ConnectionState.CONNECTING
            await rec.until(lambda: bool(rec.errors), what="a connect error")
            assert isinstance(rec.errors[0], ConnectError) and url in str(rec.errors[0])
            with pytest.raises(ConnectError) as not_connected:
                await drv.read(["x"])
            assert "not connected" in str(not_connected.value)
        assert drv.state is ConnectionState.CLOSED
        assert isinstance(drv.last_error, DeviceError)
        assert_no_leftover_tasks()

    run(scenario())


def test_server_loss_marks_values_bad_then_reconnects_within_2s() -> None:
    async def scenario() -> None:
        srv = BareOpcUaServer()
        await srv.start()
        port = srv.port
        temp = await srv.add_variable("Temp", 20.0, ua.VariantType.Double)
        count = await srv.add_variable("Count", 1, ua.VariantType.UInt32)
        tags = [Tag("temp", temp, sampling_ms=50), Tag("count", count, "uint32", sampling_ms=200)]
        rec = Recorder()
        async with driver(srv.url, tags, rec, wait_connected=False) as drv:
            await rec.until(
                lambda: rec.latest("temp") is not None and rec.latest("count") is not None,
                what="initial values",
            )
            await srv.write("Temp", 21.5, ua.VariantType.Double)
            await rec.until(lambda: rec.latest("temp").value == 21.5, what="21.5")  # type: ignore[union-attr]

            n_before = len(rec.values)
            await srv.stop()
            await rec.until(
                lambda: all(
                    (v := rec.latest(t.name)) is not None and v.quality is Quality.BAD for t in tags
                ),
                what="BAD values",
            )
            assert drv.state is ConnectionState.RECONNECTING
            bad = {v.tag: v for v in rec.values[n_before:]}
            assert bad["temp"].value == 21.5  # last value kept, marked BAD
            assert bad["count"].value == 1
            assert all(v.connection is ConnectionState.RECONNECTING for v in bad.values())
            assert ConnectionState.RECONNECTING in rec.states

            # let the backoff reach its cap (retries every 1 s), then restart
            await asyncio.sleep(1.5)  # deliberately stay down for a while (not a wait-for-event)
            assert srv.server is None and srv.port == port
            await srv.start()
            t_up = time.monotonic()
            n_down = len(rec.values)
            await rec.until(
                lambda: all(
                    any(v.tag == t.name and v.quality is Quality.GOOD for v in rec.values[n_down:])
                    for t in tags
                ),
                timeout=3.0,
                what="fresh GOOD values after restart",
            )
            elapsed = time.monotonic() - t_up
            assert drv.state is ConnectionState.CONNECTED
            assert elapsed < 2.0, f"reconnect took {elapsed:.2f} s"
            print(f"reconnect after server restart: {elapsed:.3f} s")
            # after restart the server has its initial values again; they are fresh, not cached
            assert rec.latest("temp").value == 20.0  # type: ignore[union-attr]
            assert any("link lost" in e for e in drv.recent_events())
        await srv.stop()
        assert rec.states[-1] is ConnectionState.CLOSED
        assert_no_leftover_tasks()

    run(scenario())
