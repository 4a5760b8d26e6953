"""The machine model (pure, scripted clock) and the simulator process (real OPC UA)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Coroutine
from dataclasses import replace
from datetime import UTC, datetime
from statistics import mean
from typing import Any

import pytest

from hmi.devices.base import ConnectError, ConnectionState, Quality, Tag, TagValue, open_driver
from hmi.devices.sim.launcher import SimulatorProcess
from hmi.devices.sim.model import UINT32_MOD, MachineConfig, MachineModel, MachineState
from tests.fixtures.simulator import RunningSim

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def run(coro: Coroutine[Any, Any, Any], timeout: float = 60.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())


# ----------------------------------------------------------------------------- model


def scripted_history(seed: int, seconds: float = 1800.0, dt: float = 0.25) -> list[tuple]:
    ticks = iter([i * dt for i in range(int(seconds / dt) + 1)])
    model = MachineModel(seed, clock=lambda: next(ticks), epoch=EPOCH)
    history = []
    for _ in range(int(seconds / dt) + 1):
        s = model.step()  # reads the scripted clock, never wall time
        history.append(
            (s.state, s.good_count, s.scrap_count, s.fault_code, s.temperature, s.timestamp)
        )
    return history


def test_same_seed_and_clock_give_the_same_history() -> None:
    a = scripted_history(42)
    assert a == scripted_history(42)
    assert a != scripted_history(43)
    assert a[-1][5] == datetime(2026, 1, 1, 0, 30, tzinfo=UTC)  # source time = simulator time


def test_model_behaves_like_a_machine_over_a_shift() -> None:
    model = MachineModel(3, epoch=EPOCH)
    faults: set[int] = set()
    for _ in range(8 * 3600):  # 8 h in 1 s steps
        snap = model.advance(1.0)
        assert snap.state in MachineState
        if snap.state is MachineState.FAULTED:
            faults.add(snap.fault_code)
        else:
            assert snap.fault_code == 0
    seen = {state for _t, state in model.transitions}
    assert {MachineState.RUNNING, MachineState.FAULTED, MachineState.CHANGEOVER} <= seen
    assert seen & {MachineState.STARVED, MachineState.BLOCKED}
    assert faults and faults <= set(range(101, 111))
    parts = model.good_count + model.scrap_count
    assert 0.02 < model.scrap_count / parts < 0.045  # ~3 % scrap
    # at most one part per ideal cycle minus jitter; well below that because of stops
    assert 8 * 3600 / 1.5 * 0.5 < parts < 8 * 3600 / 1.5 * 1.05
    model.stop()
    assert model.advance(600).state is MachineState.STOPPED and model.snapshot().speed == 0
    model.start()
    assert model.snapshot().state is MachineState.RUNNING


def test_counters_wrap_at_2_pow_32() -> None:
    model = MachineModel(5, good_count=UINT32_MOD - 2, scrap_count=UINT32_MOD - 1, epoch=EPOCH)
    good_before, scrap_before = model.good_count, model.scrap_count
    model.advance(600)
    made_good = (model.good_count - good_before) % UINT32_MOD
    made_scrap = (model.scrap_count - scrap_before) % UINT32_MOD
    assert made_good > 2 and made_scrap >= 1
    assert model.good_count == made_good - 2  # wrapped through 0
    assert model.scrap_count == made_scrap - 1
    assert 0 <= model.good_count < UINT32_MOD and 0 <= model.scrap_count < UINT32_MOD


def test_setpoint_change_drives_temperature_with_a_lag() -> None:
    quiet = replace(MachineConfig(), fault_prob=0.0, changeover_every=(10**9, 10**9))
    model = MachineModel(11, config=quiet, epoch=EPOCH)
    settled = [model.advance(1.0).temperature for _ in range(60)]
    assert abs(mean(settled) - 180.0) < 0.5
    model.set_setpoint(220.0)
    after = [model.advance(1.0).temperature for _ in range(120)]
    assert after[0] < 185.0  # first-order lag: no jump
    assert mean(after[:5]) < mean(after[10:15]) < mean(after[30:35])  # rising trend
    # after[i] is at t = i + 1 s; one time constant (20 s) gives 63 % of the 40 K step
    assert 203.0 < mean(after[17:22]) < 207.5
    assert abs(mean(after[-10:]) - 220.0) < 1.0  # settles at the new setpoint


# ----------------------------------------------------------------------------- process

SIM_TAGS = [
    Tag("state", "ns=2;s=Machine.State", "int32"),
    Tag("good", "ns=2;s=Machine.GoodCount", "uint32"),
    Tag("scrap", "ns=2;s=Machine.ScrapCount", "uint32"),
    Tag("cycle", "ns=2;s=Machine.CycleTime", "float64", "s"),
    Tag("fault", "ns=2;s=Machine.FaultCode", "int32"),
    Tag("temp", "ns=2;s=Machine.Temperature", "float64", "degC"),
    Tag("pressure", "ns=2;s=Machine.Pressure", "float64", "bar"),
    Tag("speed", "ns=2;s=Machine.Speed", "float64", "1/min"),
    Tag("setpoint", "ns=2;s=Machine.Setpoint.Temperature", "float64", "degC", access="rw"),
]


def test_simulator_process_serves_a_running_machine(sim_server: RunningSim) -> None:
    assert sim_server.url.startswith("opc.tcp://127.0.0.1:") and sim_server.url.endswith(
        "/openmes/sim"
    )
    assert sim_server.startup_s > 0

    async def scenario() -> None:
        values: list[TagValue] = []
        changed = asyncio.Event()

        def on_value(v: TagValue) -> None:
            values.append(v)
            changed.set()

        async def until(pred: Any, timeout: float) -> None:
            async with asyncio.timeout(timeout):
                while not pred():
                    changed.clear()
                    await changed.wait()

        def goods() -> list[int]:
            return [v.value for v in values if v.tag == "good"]  # type: ignore[misc]

        async with open_driver(
            sim_server.url, SIM_TAGS, on_value=on_value, on_state=lambda s: None
        ) as drv:
            assert drv.state is ConnectionState.CONNECTED
            now = await drv.read([t.name for t in SIM_TAGS])
            assert all(v.quality is Quality.GOOD for v in now.values())
            assert now["state"].value in range(1, 8)
            assert abs((now["temp"].source_ts - datetime.now(UTC)).total_seconds()) < 600
            await until(lambda: len(set(goods())) >= 3, timeout=15)  # parts are being made
            seq = goods()
            assert all((b - a) % UINT32_MOD >= 1 for a, b in zip(seq, seq[1:], strict=False))
            assert {v.value for v in values if v.tag == "state"} <= set(range(1, 8))

            # the model reacts to a setpoint written over OPC UA
            start_temp = now["temp"].value
            old_sp = now["setpoint"].value
            try:
                assert (await drv.write("setpoint", old_sp + 100.0)).value == old_sp + 100.0
                await until(
                    lambda: any(v.tag == "temp" and v.value > start_temp + 5.0 for v in values),
                    timeout=15,
                )
            finally:
                await drv.write("setpoint", old_sp)

    run(scenario())


def test_launcher_reports_a_simulator_that_cannot_start() -> None:
    async def scenario() -> None:
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            proc = SimulatorProcess(ready_timeout=20)
            with pytest.raises(ConnectError) as info:
                await proc.start(port=port)
            assert "exited before it was ready" in str(info.value)
            assert "cannot listen" in str(info.value)  # the tail of the child's stderr
            assert not proc.running

    run(scenario())


def test_simulator_exits_when_its_parent_dies() -> None:
    parent_code = (
        "import asyncio, sys\n"
        "from hmi.devices.sim.launcher import SimulatorProcess\n"
        "async def main():\n"
        "    p = SimulatorProcess()\n"
        "    await p.start()\n"
        "    print(p.pid, flush=True)\n"
        "    await asyncio.Event().wait()\n"
        "asyncio.run(main())\n"
    )

    async def scenario() -> None:
        parent = await asyncio.create_subprocess_exec(
            sys.executable, "-c", parent_code, stdout=subprocess.PIPE
        )
        assert parent.stdout is not None
        sim_pid = int((await parent.stdout.readline()).decode())
        pidfd = os.pidfd_open(sim_pid)
        try:
            parent.kill()  # SIGKILL: no chance to stop its child
            await parent.wait()
            gone = asyncio.Event()
            loop = asyncio.get_running_loop()
            loop.add_reader(pidfd, gone.set)  # readable once the process has exited
            try:
                async with asyncio.timeout(5):
                    await gone.wait()
            finally:
                loop.remove_reader(pidfd)
        finally:
            os.close(pidfd)

    run(scenario())
