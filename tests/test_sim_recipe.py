"""The simulator's recipe setpoints: the model (clamp, force follows, scenario changes)
and both faces (a client writing 34 kN reads back what the PLC keeps: 32 kN)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime
from statistics import mean
from typing import Any

import pytest

from hmi import config
from hmi.devices.base import ConnectionState, TagValue, WriteVerifyError, open_driver
from hmi.devices.sim.clock import ManualClock
from hmi.devices.sim.model import MachineConfig, MachineModel
from hmi.devices.sim.scenario import ScenarioError, parse_scenario
from hmi.devices.sim.server import SimServer

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
STATIONS = config.resources_dir() / "stations"
RECIPE_TAGS = ["press_force_sp", "hold_time_sp", "stroke_sp", "double_stroke_sp", "press_force"]


def run(coro: Coroutine[Any, Any, Any], timeout: float = 60.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())


def test_press_force_setpoint_is_clamped_and_the_actual_follows_it() -> None:
    model = MachineModel(3, config=MachineConfig(random_stops=False), epoch=EPOCH)
    assert model.snapshot().press_force_sp == 20.0  # the default
    assert model.set_recipe_setpoint("press_force", 34.0) == 32.0  # the PLC limits it
    assert model.press_force_sp == 32.0
    assert model.set_recipe_setpoint("press_force", 27.5) == 27.5
    forces = [model.advance(0.5).press_force for _ in range(20)]
    assert abs(mean(forces[4:]) - 27.5) < 0.05 and max(forces) < 28.0  # noise ~0.05 kN
    assert len(set(forces)) > 5  # noisy, not a constant
    assert model.set_recipe_setpoint("stroke", -3.0) == 0.0
    assert model.set_recipe_setpoint("double_stroke", 1) is True
    snap = model.snapshot()
    assert (snap.stroke_sp, snap.double_stroke_sp) == (0.0, True)
    with pytest.raises(ValueError, match="finite"):
        model.set_recipe_setpoint("hold_time", float("nan"))
    with pytest.raises(ValueError, match="unknown recipe setpoint"):
        model.set_recipe_setpoint("speed", 3.0)


def test_recipe_values_do_not_change_the_rest_of_the_history() -> None:
    """The press force noise has its own random stream: old seeds replay as before."""
    a = MachineModel(9, epoch=EPOCH)
    b = MachineModel(9, epoch=EPOCH)
    b.set_recipe_setpoint("press_force", 30.0)
    for _ in range(600):
        sa, sb = a.advance(1.0), b.advance(1.0)
        assert (sa.state, sa.good_count, sa.temperature) == (sb.state, sb.good_count,
                                                             sb.temperature)


def test_scenario_changes_a_recipe_setpoint_at_the_panel_and_sets_the_machine_maximum() -> None:
    scenario = parse_scenario({
        "scenario": {"random": False, "max_press_force": 28.0},
        "event": [
            {"at": "5s", "action": "setpoint", "tag": "press_force", "value": 30.0},
            {"at": "6s", "action": "setpoint", "tag": "double_stroke", "value": True},
            {"at": "7s", "action": "setpoint", "tag": "stroke", "value": 51.5},
        ],
    })
    model = MachineModel(1, epoch=EPOCH, scenario=scenario)
    assert model.config.max_press_force_kn == 28.0
    assert model.advance_to(4.9).press_force_sp == 20.0
    snap = model.advance_to(8.0)
    assert snap.press_force_sp == 28.0  # clamped to this machine's maximum
    assert snap.double_stroke_sp is True and snap.stroke_sp == 51.5
    assert abs(model.advance_to(12.0).press_force - 28.0) < 0.3

    with pytest.raises(ScenarioError) as info:
        parse_scenario({
            "scenario": {"max_press_force": -1},
            "event": [{"at": 1, "action": "setpoint", "tag": "double_stroke", "value": 2},
                      {"at": 1, "action": "setpoint", "tag": "stroke", "value": "long"}],
        })
    assert info.value.errors == [
        "scenario.max_press_force: -1 must be a number of kN > 0",
        "event[0].value: 2 must be true or false (or 1 / 0)",
        "event[1].value: 'long' must be a finite number",
    ]


class Recorder:
    def __init__(self) -> None:
        self.values: list[TagValue] = []

    def on_value(self, tv: TagValue) -> None:
        self.values.append(tv)

    def on_state(self, state: ConnectionState) -> None:
        pass


@pytest.mark.parametrize("face", ["opcua", "modbus"])
def test_both_faces_serve_the_recipe_setpoints_and_clamp_the_force(face: str) -> None:
    station = config.load(STATIONS / ("demo.toml" if face == "opcua" else "demo-modbus.toml"))

    async def scenario() -> None:
        model = MachineModel(7, config=MachineConfig(random_stops=False), epoch=EPOCH)
        sim = SimServer(model, port=0, clock=ManualClock(), modbus_port=0)
        await sim.start()
        rec = Recorder()
        try:
            async with open_driver(sim.urls[face], station.device_tags(),
                                   on_value=rec.on_value, on_state=rec.on_state) as drv:
                first = await drv.read(RECIPE_TAGS)
                assert [first[n].value for n in RECIPE_TAGS[:4]] == [20.0, 0.5, 45.0, False]
                await drv.write("stroke_sp", 50.5)
                await drv.write("double_stroke_sp", True)
                await drv.write("hold_time_sp", 0.75)
                with pytest.raises(WriteVerifyError) as info:
                    await drv.write("press_force_sp", 34.0)
                assert (info.value.written, info.value.read_back) == (34.0, 32.0)
                await sim.advance(3.0)  # OPC UA writes reach the model on the next tick
                assert (model.stroke_sp, model.double_stroke_sp) == (50.5, True)
                assert (model.hold_time_sp, model.press_force_sp) == (0.75, 32.0)
                now = await drv.read(RECIPE_TAGS)
                assert now["press_force_sp"].value == 32.0
                assert abs(now["press_force"].value - 32.0) < 0.3  # the actual followed
                # a change at the machine panel shows on the face
                model.set_recipe_setpoint("stroke", 47.0)
                await sim.advance(0.1)
                assert (await drv.read(["stroke_sp"]))["stroke_sp"].value == 47.0
        finally:
            await sim.stop()

    run(scenario())
