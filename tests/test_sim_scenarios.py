"""Simulator scenarios, clocks, determinism and the Modbus TCP face.

Protocol tests run the real :class:`SimServer` (asyncua server, and the pymodbus
server of the Modbus face) in the test's own event loop on a *manual* clock, and
read it with our own drivers (``open_driver`` -> OpcUaDriver / ModbusTcpDriver).
After every ``advance`` a test waits until the driver has received what the
server published, so what the driver collects is a function of the simulated
times alone — never of wall time or CPU load.
"""

from __future__ import annotations

import asyncio
import math
import struct
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hmi.config import load
from hmi.devices.base import (
    ConnectionState,
    Quality,
    Tag,
    TagValue,
    WriteRejectedError,
    open_driver,
)
from hmi.devices.modbus import parse_address
from hmi.devices.sim.clock import ManualClock, WallClock
from hmi.devices.sim.launcher import SimulatorProcess
from hmi.devices.sim.modbus_face import REGISTER_MAP
from hmi.devices.sim.model import UINT32_MOD, MachineModel, MachineState
from hmi.devices.sim.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_duration,
    parse_scenario,
)
from hmi.devices.sim.server import SimServer
from hmi.services.counters import CounterTracker

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "resources" / "scenarios"
STATIONS = ROOT / "resources" / "stations"
EPOCH = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def run(coro: Coroutine[Any, Any, Any], timeout: float = 60.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())


def f32(x: float) -> float:
    return struct.unpack(">f", struct.pack(">f", x))[0]


def script(*events: dict[str, Any], **head: Any) -> Scenario:
    return parse_scenario({"scenario": head, "event": list(events)}, "<test>")


# ----------------------------------------------------------------------------- parsing


def test_durations() -> None:
    cases = {"90s": 90, "5m": 300, "1h30m": 5400, "1.5h": 5400, "2m05s": 125, "42": 42,
             " 1h 2m 3s ": 3723, 7: 7, 2.5: 2.5, 0: 0}  # fmt: skip
    for text, seconds in cases.items():
        assert parse_duration(text) == seconds, text
    for bad in ("", "5x", "1m1h", "-3s", -1, True, "5 minutes", None, math.inf):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_every_bad_event_is_reported_with_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        """
[scenario]
seed = "seven"
colour = "red"

[[event]]                      # 0: fine
at = "10s"
action = "stop"

[[event]]                      # 1
at = "2m"
action = "fault"
duration = "5 minutes"

[[event]]                      # 2
at = "3m"
action = "setpoint"
tag = "pressure"
value = 4.0

[[event]]                      # 3
at = "4m"
action = "fualt"
code = 103

[[event]]                      # 4
at = "5m"
action = "counter"
tag = "good_count"
value = 4294967296

[[event]]                      # 5
action = "start"
when = "6m"
""",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    actions = "block, changeover, counter, fault, idle, scrap_rate, setpoint, start, starve, stop"
    assert info.value.errors == [
        "scenario.colour: unknown key (allowed: max_press_force, name, random, seed, speed)",
        "scenario.seed: 'seven' is not a whole number",
        "event[1].code: required for action 'fault'",
        "event[1].duration: '5 minutes' is not a duration "
        "(use e.g. 90s, 5m, 1h30m or a number of seconds)",
        "event[2].tag: 'pressure' cannot be used with action 'setpoint' (expected one of "
        "temperature, press_force, hold_time, stroke, double_stroke)",
        f"event[3].action: unknown action 'fualt' (expected one of {actions})",
        "event[4].value: 4294967296 must be a whole number 0..4294967295 (a UInt32 counter)",
        'event[5].at: required (when the event happens, e.g. "2m")',
        "event[5].when: unknown key for action 'start' (allowed: action, at)",
    ]
    lines = str(info.value).splitlines()
    assert len(lines) == 9 and all(line.startswith(f"{bad}: ") for line in lines)

    # hmi-sim refuses the file as a whole: nothing listens, nothing is played.
    proc = subprocess.run(
        [sys.executable, "-m", "hmi.devices.sim", "--port", "0", "--scenario", str(bad)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "READY" not in proc.stdout
    assert f"{bad}: event[3].action: unknown action 'fualt'" in proc.stderr


def test_shipped_scenarios_and_the_modbus_demo_station_are_valid() -> None:
    files = sorted(SCENARIOS.glob("*.toml"))
    assert len(files) >= 2
    for path in files:
        assert load_scenario(path).events, path
    cfg = load(STATIONS / "demo-modbus.toml")
    assert cfg.machine.sim_protocol == "modbus" and cfg.machine.scheme == "sim"
    opc = load(STATIONS / "demo.toml")
    assert opc.machine.sim_protocol == "opcua"
    # same logical tags as the OPC UA demo, each a valid address in the register map
    assert [t.name for t in cfg.machine.tags] == [t.name for t in opc.machine.tags]
    for tag in cfg.machine.tags:
        parse_address(tag.address, tag.datatype)
        assert REGISTER_MAP[tag.name][:2] == (tag.address, tag.datatype), tag.name


# ----------------------------------------------------------------------------- model


FAULT_103 = {"at": "120s", "action": "fault", "code": 103, "duration": "300s"}


def test_scripted_fault_happens_at_its_simulated_times() -> None:
    model = MachineModel(3, epoch=EPOCH, scenario=script(FAULT_103, random=False))
    for t in range(1, 601):
        snap = model.advance_to(float(t))
        if 120 <= t < 420:
            assert (snap.state, snap.fault_code) == (MachineState.FAULTED, 103), t
        else:
            assert (snap.state, snap.fault_code) == (MachineState.RUNNING, 0), t
    # pure script: no random stop at all, and the fault starts and ends exactly on time
    assert model.transitions == [
        (0.0, MachineState.RUNNING), (120.0, MachineState.FAULTED), (420.0, MachineState.RUNNING)
    ]  # fmt: skip
    assert model.made_good + model.made_scrap > 300 / 1.5 * 0.9  # 300 s running: producing

    # With random behaviour on, the script still wins at its time.
    noisy = MachineModel(3, epoch=EPOCH, scenario=script(FAULT_103))
    noisy.advance_to(3600.0)
    assert (120.0, MachineState.FAULTED) in noisy.transitions
    assert len({s for _t, s in noisy.transitions}) >= 4  # random stops happened around it


def test_latched_fault_stop_start_setpoint_scrap_rate() -> None:
    model = MachineModel(5, epoch=EPOCH, scenario=script(
        {"at": "1m", "action": "fault", "code": 7},          # latched: no duration
        {"at": "3m", "action": "start"},
        {"at": "4m", "action": "stop"},
        {"at": "5m", "action": "start"},
        {"at": "6m", "action": "setpoint", "tag": "temperature", "value": 150.0},
        {"at": "6m", "action": "scrap_rate", "value": 1.0},
        {"at": "7m", "action": "changeover"},                # held until the next start
        random=False,
    ))  # fmt: skip
    assert model.advance_to(170).state is MachineState.FAULTED
    assert model.advance_to(180).state is MachineState.RUNNING
    assert model.advance_to(299).state is MachineState.STOPPED
    snap = model.advance_to(420)
    assert snap.state is MachineState.CHANGEOVER and snap.setpoint == 150.0
    assert abs(snap.temperature - 150.0) < 6.0  # cooled towards the new setpoint
    good, scrap = snap.good_count, snap.scrap_count
    assert model.advance_to(3600).state is MachineState.CHANGEOVER and model.good_count == good
    model.start()
    model.advance(60)
    assert model.good_count == good and model.scrap_count > scrap  # scrap rate 1.0


def test_same_seed_and_scenario_replay_identically_whatever_the_step() -> None:
    scenario = load_scenario(SCENARIOS / "shift-with-faults.toml")

    def history(seed: int, dt: float, until: float = 1800.0) -> dict[float, Any]:
        model = MachineModel(seed, epoch=EPOCH, scenario=scenario)
        out: dict[float, Any] = {}
        for i in range(1, int(until / dt) + 1):
            snap = model.advance_to(i * dt)
            out[round(i * dt, 6)] = snap
        return out

    a = history(7, 1.0)
    assert a == history(7, 1.0)  # replayed: identical, timestamps included
    assert list(a.values())[-1].timestamp == EPOCH + timedelta(minutes=30)
    # a different tick rate gives the same machine at every common time
    coarse, fine = history(7, 7.0), history(7, 0.25)
    common = [t for t in coarse if t in a]
    assert len(common) > 200
    assert all(coarse[t] == a[t] == fine[t] for t in common)
    b = history(8, 1.0)
    assert [s.good_count for s in a.values()] != [s.good_count for s in b.values()]


def test_wall_clock_speed_factor() -> None:
    wall = [100.0]
    clock = WallClock(60.0, wall=lambda: wall[0])
    assert clock.now() == 0.0  # anchored on first use
    wall[0] += 10.0
    assert clock.now() == 600.0  # ten simulated minutes in ten wall seconds
    manual = ManualClock()
    manual.advance(5)
    with pytest.raises(ValueError):
        manual.set(1.0)
    assert manual.now() == 5.0


def test_speed_factor_drives_a_real_server() -> None:
    """60x over wall time on the running server (bounds hold however loaded the CPU is)."""

    async def scenario() -> None:
        model = MachineModel(1, speed=60.0, epoch=EPOCH)
        sim = SimServer(model, port=0, tick_s=0.05)
        before = time.monotonic()
        await sim.start()
        started = time.monotonic()
        try:
            await asyncio.sleep(1.5)
            ticked_from = time.monotonic()
            sim_t = (await sim.tick()).sim_time  # the clock is read inside this tick
            ticked_by = time.monotonic()
        finally:
            await sim.stop()
        # the clock was anchored during start(), i.e. between `before` and `started`
        assert 60.0 * (ticked_from - started) - 1e-6 <= sim_t <= 60.0 * (ticked_by - before) + 1e-6
        assert sim_t >= 90.0 and model.good_count > 30  # 1.5 wall s = 90 simulated s

    run(scenario())


# ----------------------------------------------------------------------------- protocol


class Recorder:
    def __init__(self) -> None:
        self.values: list[TagValue] = []
        self._changed = asyncio.Event()

    def on_value(self, value: TagValue) -> None:
        self.values.append(value)
        self._changed.set()

    def on_state(self, state: ConnectionState) -> None:
        self._changed.set()

    def latest(self, tag: str) -> TagValue | None:
        return next((v for v in reversed(self.values) if v.tag == tag), None)

    def seq(self, tag: str) -> list[tuple[object, datetime]]:
        return [(v.value, v.source_ts) for v in self.values if v.tag == tag]

    async def until(self, pred: Callable[[], bool], timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while not pred():
                self._changed.clear()
                await self._changed.wait()


#: OPC UA tags of the simulator; 10 ms sampling so each manual step is seen quickly
EVENT_TAGS = {
    "state": ("ns=2;s=Machine.State", "int32", "state"),
    "good_count": ("ns=2;s=Machine.GoodCount", "uint32", "good_count"),
    "scrap_count": ("ns=2;s=Machine.ScrapCount", "uint32", "scrap_count"),
    "fault_code": ("ns=2;s=Machine.FaultCode", "int32", "fault_code"),
}


@asynccontextmanager
async def served(model: MachineModel, *, modbus: bool = False) -> AsyncIterator[SimServer]:
    sim = SimServer(model, port=0, clock=ManualClock(), modbus_port=0 if modbus else None)
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


async def watch_opcua(
    model: MachineModel, times: list[float]
) -> tuple[dict[str, list[tuple[object, datetime]]], list[Any]]:
    """Serve ``model`` on a manual clock, step it through ``times``; what the driver got."""
    tags = [Tag(n, a, d, sampling_ms=10) for n, (a, d, _) in EVENT_TAGS.items()]
    rec = Recorder()
    snaps = [model.snapshot()]
    async with served(model) as sim, open_driver(
        sim.url, tags, on_value=rec.on_value, on_state=rec.on_state
    ):

        def seen(snap: Any) -> Callable[[], bool]:
            def pred() -> bool:
                for name, (_a, _d, attr) in EVENT_TAGS.items():
                    last = rec.latest(name)
                    if last is None or last.value != int(getattr(snap, attr)):
                        return False
                return True

            return pred

        await rec.until(seen(snaps[0]))
        for t in times:
            snaps.append(await sim.advance_to(t))
            await rec.until(seen(snaps[-1]))
    assert all(v.quality is Quality.GOOD for v in rec.values)
    return {name: rec.seq(name) for name in EVENT_TAGS}, snaps


def expected_changes(snaps: list[Any]) -> dict[str, list[tuple[object, datetime]]]:
    """What a subscriber must see: every change between published snapshots, with its time."""
    out: dict[str, list[tuple[object, datetime]]] = {name: [] for name in EVENT_TAGS}
    for snap in snaps:
        for name, (_a, _d, attr) in EVENT_TAGS.items():
            value = int(getattr(snap, attr))
            if not out[name] or out[name][-1][0] != value:
                out[name].append((value, snap.timestamp))
    return out


def test_replay_over_opcua_gives_identical_events() -> None:
    scenario = load_scenario(SCENARIOS / "shift-with-faults.toml")
    times = [5.0 * i for i in range(1, 133)]  # 11 simulated minutes in 5 s steps

    async def once() -> tuple[dict[str, list[tuple[object, datetime]]], list[Any]]:
        return await watch_opcua(MachineModel(7, epoch=EPOCH, scenario=scenario), times)

    first, snaps = run(once())
    second, _ = run(once())
    assert first == second  # same values, same order, same source timestamps
    assert first == expected_changes(snaps)  # and exactly the model's history
    def at(seconds: float) -> datetime:
        return EPOCH + timedelta(seconds=seconds)

    state, fault = first["state"], first["fault_code"]
    assert (6, at(120)) in state and (103, at(120)) in fault  # the scripted fault, on time
    assert (1, at(420)) in state and (0, at(420)) in fault  # and its end 300 s later
    assert (5, at(600)) in state  # the scripted changeover
    assert len(first["good_count"]) > 40 and first["good_count"][-1][0] > 120  # parts made


def test_counter_wrap_and_plc_reset_are_counted_across() -> None:
    scenario = load_scenario(SCENARIOS / "counter-wrap-and-reset.toml")
    model = MachineModel(11, epoch=EPOCH, scenario=scenario)
    # 5 s steps, plus the last grid step before the reset at 300 s
    times = sorted({5.0 * i for i in range(1, 73)} | {299.9})
    seen, _snaps = run(watch_opcua(model, times))

    good = [value for value, _ts in seen["good_count"]]
    assert good[0] == UINT32_MOD - 26  # the preset at 0 s is the first reading
    trackers = {"good_count": CounterTracker(bits=32), "scrap_count": CounterTracker(bits=32)}
    counted: dict[str, int] = {}
    hows: dict[str, list[str]] = {}
    for name, tracker in trackers.items():
        steps = [tracker.update(int(value)) for value, _ts in seen[name]]  # type: ignore[call-overload]
        counted[name] = sum(inc for inc, _how in steps)
        hows[name] = [how for _inc, how in steps]
    assert hows["good_count"].count("wrap") == 1 and hows["good_count"].count("reset") == 1
    assert hows["scrap_count"].count("reset") <= 1

    # Every part is counted except those the PLC reset wiped before anyone could
    # read them (made after the last reading at 299.9 s, within the reset's grid step).
    for name, made in (("good_count", model.made_good), ("scrap_count", model.made_scrap)):
        (_t, _n, wiped, new), = [p for p in model.presets if p[1] == name and p[0] == 300.0]
        last_read = next(v for v, ts in reversed(seen[name]) if ts <= EPOCH + timedelta(seconds=299.9))
        unseen = (wiped - int(last_read)) % UINT32_MOD  # type: ignore[call-overload]
        assert new == 0 and unseen <= 1
        assert counted[name] == made - unseen, name
    assert model.made_good > 200


DEMO_OPC = load(STATIONS / "demo.toml")
DEMO_MODBUS = load(STATIONS / "demo-modbus.toml")


def test_modbus_face_shows_the_same_snapshot_as_opcua_and_takes_writes() -> None:
    scenario = load_scenario(SCENARIOS / "shift-with-faults.toml")

    async def scenario_run() -> None:
        model = MachineModel(7, epoch=EPOCH, scenario=scenario)
        names = [t.name for t in DEMO_OPC.machine.tags]
        opc_rec, mb_rec = Recorder(), Recorder()
        async with served(model, modbus=True) as sim:
            assert set(sim.urls) == {"opcua", "modbus"}
            assert sim.urls["modbus"].startswith("modbus+tcp://127.0.0.1:")
            async with open_driver(
                sim.urls["opcua"], DEMO_OPC.device_tags(),
                on_value=opc_rec.on_value, on_state=opc_rec.on_state,
            ) as opc, open_driver(
                sim.urls["modbus"], DEMO_MODBUS.device_tags(),
                on_value=mb_rec.on_value, on_state=mb_rec.on_state,
            ) as mb:  # fmt: skip
                for t in (0.0, 130.0, 611.0, 1900.0):  # running, faulted, changeover, new setpoint
                    if t:
                        await sim.advance_to(t)
                    snap = model.snapshot()
                    a, b = await opc.read(names), await mb.read(names)
                    for name in names:
                        ov, mv = a[name].value, b[name].value
                        if isinstance(ov, float):
                            assert mv == f32(ov), (t, name, ov, mv)
                        else:
                            assert mv == ov, (t, name, ov, mv)
                    assert b["state"].value == int(snap.state)
                    assert b["good_count"].value == snap.good_count
                    assert b["temperature"].value == f32(snap.temperature)
                    assert b["temperature_setpoint"].value == snap.setpoint
                assert b["temperature_setpoint"].value == 185.0  # the scripted setpoint

                # A setpoint written over Modbus (the driver reads it back) drives the model.
                written = await mb.write("temperature_setpoint", 205.5)
                assert written.value == 205.5 and model.setpoint == 205.5
                temp_before = model.temperature
                await sim.advance(60.0)
                assert model.temperature > temp_before + 10.0  # heating towards 205.5
                after = await opc.read(["temperature_setpoint", "temperature"])
                assert after["temperature_setpoint"].value == 205.5  # the OPC UA face agrees
                assert (await mb.read(["temperature"]))["temperature"].value == f32(
                    after["temperature"].value  # type: ignore[arg-type]
                )

        # Writes the face refuses, and the run coil, through a second driver.
        model = MachineModel(7, epoch=EPOCH)
        extra = [
            Tag("sp_half", "hr:0", "uint16", access="rw"),
            Tag("run", "co:0", "bool", access="rw"),
            Tag("running", "di:0", "bool"),
            Tag("state", "ir:0", "int16"),
        ]
        rec = Recorder()
        async with served(model, modbus=True) as sim, open_driver(
            sim.urls["modbus"], extra, on_value=rec.on_value, on_state=rec.on_state
        ) as mb:
            with pytest.raises(WriteRejectedError, match="ILLEGAL_ADDRESS"):
                await mb.write("sp_half", 1)  # half a float32
            assert model.setpoint == 180.0
            await mb.write("run", False)
            assert model.state is MachineState.STOPPED
            await sim.advance(5.0)
            now = await mb.read(["state", "running", "run"])
            assert [now[n].value for n in ("state", "running", "run")] == [7, False, False]
            await mb.write("run", True)
            await sim.advance(5.0)
            now = await mb.read(["state", "running", "run"])
            assert [now[n].value for n in ("state", "running", "run")] == [1, True, True]

    run(scenario_run())


def test_hmi_sim_process_serves_both_faces_on_a_manual_clock() -> None:
    tags = [Tag("state", "ir:0", "int16"), Tag("fault", "ir:1", "int16"),
            Tag("t", "ir:14", "uint32")]  # fmt: skip

    async def scenario() -> None:
        proc = SimulatorProcess()
        url = await proc.start(
            scenario=SCENARIOS / "shift-with-faults.toml", modbus_port=0, clock="manual",
            epoch=EPOCH,
        )  # fmt: skip
        try:
            assert url == proc.urls["opcua"] and url.startswith("opc.tcp://")
            assert proc.urls["modbus"].startswith("modbus+tcp://127.0.0.1:")
            assert await proc.advance("125s") == 125.0
            rec = Recorder()
            async with open_driver(
                proc.urls["modbus"], tags, on_value=rec.on_value, on_state=rec.on_state
            ) as mb:
                now = await mb.read(["state", "fault", "t"])
                assert [now[n].value for n in ("state", "fault", "t")] == [6, 103, 125]
            opc_rec = Recorder()
            async with open_driver(
                url, [Tag("state", "ns=2;s=Machine.State", "int32")],
                on_value=opc_rec.on_value, on_state=opc_rec.on_state,
            ) as opc:  # fmt: skip
                state = (await opc.read(["state"]))["state"]
                assert state.value == 6
                assert state.source_ts == EPOCH + timedelta(seconds=125)  # simulator time
            with pytest.raises(ValueError, match="only moves forward"):
                await proc.advance_to(10)
        finally:
            await proc.stop()

    run(scenario())


def test_scenario_with_random_off_is_pure_script_in_the_config() -> None:
    """``random = false`` switches random stops off in the model's own config."""
    model = MachineModel(2, scenario=script(random=False))
    assert model.config.random_stops is False
    model.advance_to(8 * 3600.0)
    assert model.transitions == [(0.0, MachineState.RUNNING)]  # 8 h without a single stop
    assert model.made_good > 8 * 3600 / 1.5 * 0.9
