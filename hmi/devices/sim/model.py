"""Deterministic machine model behind the simulator.

Everything random comes from one ``random.Random(seed)`` and everything timed
from the model's own simulated clock, so the same seed driven by the same
sequence of ``step(now)`` / ``advance(dt)`` calls gives the same history —
tests drive it without wall time.

Behaviour (defaults in :class:`MachineConfig`):

* RUNNING: a part completes every ideal cycle time (1.5 s) ± jitter; about 3 %
  of parts are scrap. Good and scrap counters are UInt32 and wrap at 2**32.
* After a part, occasionally a micro-stop (STARVED or BLOCKED for a few
  seconds), a fault (FAULTED with a code 101..110 for some seconds), a short
  IDLE, and after a few hundred parts a CHANGEOVER.
* STOPPED only on request (:meth:`MachineModel.stop`).
* Temperature follows a writable setpoint with a first-order lag plus
  measurement noise (the heater trips to ambient while FAULTED or STOPPED);
  pressure is high while running; speed is parts per minute from the last cycle.

Integration runs in sub-steps of at most ``max_substep`` simulated seconds so
the result does not depend on how coarsely the caller steps.
"""

from __future__ import annotations

import enum
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["MachineConfig", "MachineModel", "MachineSnapshot", "MachineState", "UINT32_MOD"]

UINT32_MOD = 2**32


class MachineState(enum.IntEnum):
    RUNNING = 1
    IDLE = 2
    STARVED = 3
    BLOCKED = 4
    CHANGEOVER = 5
    FAULTED = 6
    STOPPED = 7


@dataclass(frozen=True)
class MachineConfig:
    ideal_cycle_s: float = 1.5
    cycle_jitter: float = 0.08  # relative standard deviation of a cycle
    scrap_rate: float = 0.03
    microstop_prob: float = 0.02  # per completed part
    microstop_s: tuple[float, float] = (2.0, 8.0)
    fault_prob: float = 0.006  # per completed part
    fault_s: tuple[float, float] = (5.0, 30.0)
    idle_prob: float = 0.003
    idle_s: tuple[float, float] = (5.0, 20.0)
    changeover_every: tuple[int, int] = (300, 600)  # parts between changeovers
    changeover_s: tuple[float, float] = (30.0, 90.0)
    ambient_c: float = 22.0
    setpoint_c: float = 180.0
    temp_tau_s: float = 20.0
    temp_noise_c: float = 0.15
    pressure_running_bar: float = 4.2
    pressure_idle_bar: float = 1.0
    pressure_tau_s: float = 1.5
    pressure_noise_bar: float = 0.03
    max_substep: float = 0.1


@dataclass(frozen=True)
class MachineSnapshot:
    """What the machine shows at one instant (what the OPC UA server publishes)."""

    sim_time: float
    timestamp: datetime
    state: MachineState
    good_count: int
    scrap_count: int
    cycle_time: float
    fault_code: int
    temperature: float
    pressure: float
    speed: float
    setpoint: float


class MachineModel:
    """A simulated production machine.

    ``clock`` (default ``time.monotonic``) is only read by :meth:`step` without
    an argument; ``speed`` scales wall time to simulated time in :meth:`step`.
    ``epoch`` is the UTC time at simulated time 0 (source timestamps are
    ``epoch + sim_time``).
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        config: MachineConfig | None = None,
        speed: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        epoch: datetime | None = None,
        good_count: int = 0,
        scrap_count: int = 0,
    ) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self.config = config or MachineConfig()
        self.speed = speed
        self._clock = clock
        self._last_clock: float | None = None
        self.epoch = epoch or datetime.now(UTC)
        self._rng = random.Random(seed)
        self.sim_time = 0.0
        self.state = MachineState.RUNNING
        self.good_count = good_count % UINT32_MOD
        self.scrap_count = scrap_count % UINT32_MOD
        self.cycle_time = 0.0
        self.fault_code = 0
        self.setpoint = self.config.setpoint_c
        self._temp_true = self.config.setpoint_c
        self._pressure_true = self.config.pressure_running_bar
        self.temperature = self._temp_true
        self.pressure = self._pressure_true
        self.speed_ppm = 0.0
        self._state_until = math.inf  # end of a timed non-running state
        self._cycle_started = 0.0
        self._cycle_len = self._draw_cycle()
        self._parts_to_changeover = self._rng.randint(*self.config.changeover_every)
        self.transitions: list[tuple[float, MachineState]] = [(0.0, self.state)]

    # ------------------------------------------------------------------ driving

    def step(self, now: float | None = None) -> MachineSnapshot:
        """Advance to clock reading ``now`` (default: read the clock), scaled by ``speed``."""
        if now is None:
            now = self._clock()
        if self._last_clock is not None and now > self._last_clock:
            self.advance((now - self._last_clock) * self.speed)
        self._last_clock = now if self._last_clock is None else max(now, self._last_clock)
        return self.snapshot()

    def advance(self, dt: float) -> MachineSnapshot:
        """Advance simulated time by ``dt`` seconds."""
        if dt < 0:
            raise ValueError(f"dt must be >= 0, got {dt}")
        remaining = dt
        while remaining > 1e-12:
            h = min(remaining, self.config.max_substep)
            self._substep(h)
            remaining -= h
        return self.snapshot()

    def snapshot(self) -> MachineSnapshot:
        return MachineSnapshot(
            sim_time=self.sim_time,
            timestamp=self.epoch + timedelta(seconds=self.sim_time),
            state=self.state,
            good_count=self.good_count,
            scrap_count=self.scrap_count,
            cycle_time=round(self.cycle_time, 3),
            fault_code=self.fault_code,
            temperature=round(self.temperature, 2),
            pressure=round(self.pressure, 3),
            speed=round(self.speed_ppm, 2),
            setpoint=self.setpoint,
        )

    # ------------------------------------------------------------------ commands

    def set_setpoint(self, value: float) -> None:
        if not math.isfinite(value):
            raise ValueError(f"setpoint must be finite, got {value}")
        self.setpoint = float(value)

    def stop(self) -> None:
        """The machine goes STOPPED at once and stays there until :meth:`start`."""
        self._enter(MachineState.STOPPED, math.inf)

    def start(self) -> None:
        if self.state is MachineState.STOPPED:
            self._start_running()

    # ------------------------------------------------------------------ internals

    def _draw_cycle(self) -> float:
        c = self.config
        return max(
            0.2 * c.ideal_cycle_s,
            self._rng.gauss(c.ideal_cycle_s, c.cycle_jitter * c.ideal_cycle_s),
        )

    def _enter(self, state: MachineState, until: float) -> None:
        if state is not self.state:
            self.transitions.append((self.sim_time, state))
        self.state = state
        self._state_until = until

    def _start_running(self) -> None:
        self.fault_code = 0
        self._enter(MachineState.RUNNING, math.inf)
        self._cycle_started = self.sim_time
        self._cycle_len = self._draw_cycle()

    def _substep(self, h: float) -> None:
        c = self.config
        self.sim_time += h
        if self.state is MachineState.RUNNING:
            if self.sim_time - self._cycle_started >= self._cycle_len:
                self._complete_part()
        elif self.state is not MachineState.STOPPED and self.sim_time >= self._state_until:
            self._start_running()

        # process values: first-order lags plus measurement noise
        heating = self.state not in (MachineState.FAULTED, MachineState.STOPPED)
        target_t = self.setpoint if heating else c.ambient_c
        self._temp_true += (target_t - self._temp_true) * (1.0 - math.exp(-h / c.temp_tau_s))
        self.temperature = self._temp_true + self._rng.gauss(0.0, c.temp_noise_c)
        running = self.state is MachineState.RUNNING
        target_p = c.pressure_running_bar if running else c.pressure_idle_bar
        self._pressure_true += (target_p - self._pressure_true) * (
            1.0 - math.exp(-h / c.pressure_tau_s)
        )
        self.pressure = max(0.0, self._pressure_true + self._rng.gauss(0.0, c.pressure_noise_bar))
        self.speed_ppm = 60.0 / self.cycle_time if running and self.cycle_time > 0 else 0.0

    def _complete_part(self) -> None:
        c = self.config
        rng = self._rng
        self.cycle_time = self.sim_time - self._cycle_started
        if rng.random() < c.scrap_rate:
            self.scrap_count = (self.scrap_count + 1) % UINT32_MOD
        else:
            self.good_count = (self.good_count + 1) % UINT32_MOD
        self._parts_to_changeover -= 1
        self._cycle_started = self.sim_time
        self._cycle_len = self._draw_cycle()

        roll = rng.random()
        if self._parts_to_changeover <= 0:
            self._parts_to_changeover = rng.randint(*c.changeover_every)
            self._enter(MachineState.CHANGEOVER, self.sim_time + rng.uniform(*c.changeover_s))
        elif roll < c.fault_prob:
            self.fault_code = rng.randint(101, 110)
            self._enter(MachineState.FAULTED, self.sim_time + rng.uniform(*c.fault_s))
        elif roll < c.fault_prob + c.microstop_prob:
            state = MachineState.STARVED if rng.random() < 0.5 else MachineState.BLOCKED
            self._enter(state, self.sim_time + rng.uniform(*c.microstop_s))
        elif roll < c.fault_prob + c.microstop_prob + c.idle_prob:
            self._enter(MachineState.IDLE, self.sim_time + rng.uniform(*c.idle_s))
