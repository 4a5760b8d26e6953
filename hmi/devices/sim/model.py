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
* Recipe setpoints (press force kN, hold time s, stroke mm, double stroke on/off)
  are writable; the measured press force follows the force setpoint with a
  short lag plus noise (its own random stream, so the rest of the history does
  not depend on it). Like a real PLC, the model CLAMPS the force setpoint to
  ``max_press_force_kn`` (default 32 kN): writing 34 stores 32, and a client
  that reads back sees 32. Hold time and stroke are clamped at 0 from below.

Time grid
---------
The model integrates on a fixed grid of ``step_s`` (0.1 s) simulated seconds,
counted from 0 by an integer step number. :meth:`MachineModel.advance_to` runs
every grid step up to the requested time and reports that time; the values are
those of the last grid step at or before it. So the history is a function of
(seed, config, scenario) alone: stepping by 0.25 s or by 10 s gives the same
snapshot at every common time, and a replay is identical whatever the tick rate.

Scripted events
---------------
A :class:`~hmi.devices.sim.scenario.Scenario` is applied on the same grid: an
event ``at`` T takes effect at the first grid step at or after T (T itself when
T is a multiple of 0.1 s; events at 0 s before the first step). Within a grid
step the order is: machine logic (part completion, end of a timed stop), then
the events due, then the process values — so a scripted event overrides what
the random behaviour did at that moment. With ``random = false`` no random
fault, micro-stop, idle or changeover happens at all; cycles stay jittered and
scrap stays random at ``scrap_rate``.
"""

from __future__ import annotations

import enum
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from hmi.devices.sim.scenario import Scenario, ScenarioEvent

__all__ = [
    "RECIPE_SETPOINTS",
    "UINT32_MOD",
    "MachineConfig",
    "MachineModel",
    "MachineSnapshot",
    "MachineState",
]

logger = logging.getLogger(__name__)

UINT32_MOD = 2**32

#: Recipe setpoints the machine takes (model attribute ``<name>_sp``; what
#: :meth:`MachineModel.set_recipe_setpoint` and scenario ``setpoint`` events name).
RECIPE_SETPOINTS: tuple[str, ...] = ("press_force", "hold_time", "stroke", "double_stroke")


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
    step_s: float = 0.1  # integration grid (simulated seconds)
    random_stops: bool = True  # False: no random fault/micro-stop/idle/changeover
    # recipe setpoints at start-up, and how the press answers them
    press_force_kn: float = 20.0
    max_press_force_kn: float = 32.0  # the PLC clamps the force setpoint to this
    press_force_tau_s: float = 0.3
    press_force_noise_kn: float = 0.05
    hold_time_s: float = 0.5
    stroke_mm: float = 45.0
    double_stroke: bool = False


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
    # recipe setpoints and the measured press force
    press_force_sp: float = 0.0
    hold_time_sp: float = 0.0
    stroke_sp: float = 0.0
    double_stroke_sp: bool = False
    press_force: float = 0.0


class MachineModel:
    """A simulated production machine.

    ``clock`` (default ``time.monotonic``) is only read by :meth:`step` without
    an argument; ``speed`` scales that clock to simulated time in :meth:`step`.
    The server instead drives :meth:`advance_to` from a
    :class:`~hmi.devices.sim.clock.SimClock`. ``epoch`` is the UTC time at
    simulated time 0 (source timestamps are ``epoch + sim_time``). ``scenario``
    scripts events on the simulated time line (see the module docstring).
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
        scenario: Scenario | None = None,
    ) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        config = config or MachineConfig()
        if scenario is not None and not scenario.random:
            config = replace(config, random_stops=False)
        if scenario is not None and scenario.max_press_force is not None:
            config = replace(config, max_press_force_kn=scenario.max_press_force)
        if not config.max_press_force_kn > 0:
            raise ValueError(f"max_press_force_kn must be > 0, got {config.max_press_force_kn}")
        if not config.step_s > 0:
            raise ValueError(f"step_s must be > 0, got {config.step_s}")
        self.config = config
        self.speed = speed
        self.seed = seed
        self._clock = clock
        self._last_clock: float | None = None
        self.epoch = epoch or datetime.now(UTC)
        self._rng = random.Random(seed)
        self.sim_time = 0.0  # the time last advanced to (what snapshots report)
        self._k = 0  # grid steps done
        self._now = 0.0  # time of the last grid step (what the logic sees)
        self.state = MachineState.RUNNING
        self.good_count = good_count % UINT32_MOD
        self.scrap_count = scrap_count % UINT32_MOD
        #: parts made since the model was created, never wrapped or preset (ground truth)
        self.made_good = 0
        self.made_scrap = 0
        self.scrap_rate = config.scrap_rate
        self.cycle_time = 0.0
        self.fault_code = 0
        self.setpoint = config.setpoint_c
        self._temp_true = config.setpoint_c
        self._pressure_true = config.pressure_running_bar
        self.temperature = self._temp_true
        self.pressure = self._pressure_true
        self.speed_ppm = 0.0
        # recipe setpoints (see RECIPE_SETPOINTS); press force noise has its own stream
        self._force_rng = random.Random(f"{seed}/press-force")
        self.press_force_sp = self.clamp_recipe("press_force", config.press_force_kn)
        self.hold_time_sp = self.clamp_recipe("hold_time", config.hold_time_s)
        self.stroke_sp = self.clamp_recipe("stroke", config.stroke_mm)
        self.double_stroke_sp = bool(config.double_stroke)
        self._force_true = float(self.press_force_sp)
        self.press_force = self._force_true
        self._state_until = math.inf  # end of a timed non-running state
        self._cycle_started = 0.0
        self._cycle_len = self._draw_cycle()
        self._parts_to_changeover = self._rng.randint(*config.changeover_every)
        self.transitions: list[tuple[float, MachineState]] = [(0.0, self.state)]
        self.scenario = scenario
        self._script: list[ScenarioEvent] = list(scenario.events) if scenario else []
        self._next_event = 0
        #: (grid time, event) for every scripted event applied so far
        self.applied: list[tuple[float, ScenarioEvent]] = []
        #: (grid time, counter, value before, value after) for every counter preset
        self.presets: list[tuple[float, str, int, int]] = []
        self._apply_due()  # events at 0 s

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
        return self.advance_to(self.sim_time + dt)

    def advance_to(self, t: float) -> MachineSnapshot:
        """Advance to simulated time ``t`` (no-op if ``t`` is not later than now)."""
        if not math.isfinite(t):
            raise ValueError(f"time must be finite, got {t}")
        h = self.config.step_s
        target = math.floor(t / h + 1e-9)
        while self._k < target:
            self._k += 1
            self._now = round(self._k * h, 9)
            self._grid_step(h)
        if t > self.sim_time:
            self.sim_time = t
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
            press_force_sp=self.press_force_sp,
            hold_time_sp=self.hold_time_sp,
            stroke_sp=self.stroke_sp,
            double_stroke_sp=self.double_stroke_sp,
            press_force=round(self.press_force, 3),
        )

    # ------------------------------------------------------------------ commands

    def set_setpoint(self, value: float) -> None:
        if not math.isfinite(value):
            raise ValueError(f"setpoint must be finite, got {value}")
        self.setpoint = float(value)

    def clamp_recipe(self, name: str, value: float | bool) -> float | bool:
        """What the PLC stores when ``value`` is written to recipe setpoint ``name``.

        Press force is clamped to ``0 .. max_press_force_kn``, hold time and stroke
        to ``>= 0``; double stroke is on/off. A non-finite number is refused
        (ValueError), as the faces refuse it.
        """
        if name not in RECIPE_SETPOINTS:
            raise ValueError(
                f"unknown recipe setpoint {name!r} (expected one of {', '.join(RECIPE_SETPOINTS)})"
            )
        if name == "double_stroke":
            return bool(value)
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{name} setpoint must be finite, got {value}")
        if name == "press_force":
            return min(max(value, 0.0), self.config.max_press_force_kn)
        return max(value, 0.0)

    def set_recipe_setpoint(self, name: str, value: float | bool) -> float | bool:
        """Set recipe setpoint ``name`` (clamped, see :meth:`clamp_recipe`); returns what is stored."""
        stored = self.clamp_recipe(name, value)
        if stored != value:
            logger.info("recipe setpoint %s = %r clamped to %r", name, value, stored)
        setattr(self, f"{name}_sp", stored)
        return stored

    def stop(self) -> None:
        """The machine goes STOPPED at once and stays there until :meth:`start`."""
        self._enter(MachineState.STOPPED, math.inf)

    def start(self) -> None:
        """Reset and start: from any non-running state (a latched fault too) back to RUNNING."""
        if self.state is not MachineState.RUNNING:
            self._start_running()

    def fault(self, code: int, duration: float | None = None) -> None:
        """FAULTED with ``code`` for ``duration`` s (None: latched until :meth:`start`)."""
        self.fault_code = int(code)
        self._enter(MachineState.FAULTED, self._until(duration))

    def hold(self, state: MachineState, duration: float | None = None) -> None:
        """Enter a non-running, non-fault state for ``duration`` s (None: until :meth:`start`)."""
        if state in (MachineState.RUNNING, MachineState.FAULTED):
            raise ValueError(f"hold() is for stop states, not {state.name}")
        self._enter(state, math.inf if state is MachineState.STOPPED else self._until(duration))

    def preset_counter(self, which: str, value: int) -> None:
        """Set the good or scrap counter (what a PLC preset or reset does)."""
        if which not in ("good_count", "scrap_count"):
            raise ValueError(f"unknown counter {which!r}")
        old = getattr(self, which)
        setattr(self, which, int(value) % UINT32_MOD)
        self.presets.append((self._now, which, old, getattr(self, which)))

    def set_scrap_rate(self, rate: float) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"scrap rate must be 0..1, got {rate}")
        self.scrap_rate = float(rate)

    # ------------------------------------------------------------------ internals

    def _until(self, duration: float | None) -> float:
        return math.inf if duration is None else self._now + duration

    def _draw_cycle(self) -> float:
        c = self.config
        return max(
            0.2 * c.ideal_cycle_s,
            self._rng.gauss(c.ideal_cycle_s, c.cycle_jitter * c.ideal_cycle_s),
        )

    def _enter(self, state: MachineState, until: float) -> None:
        if state is not self.state:
            self.transitions.append((self._now, state))
        self.state = state
        self._state_until = until
        if state is not MachineState.FAULTED:
            self.fault_code = 0

    def _start_running(self) -> None:
        self._enter(MachineState.RUNNING, math.inf)
        self._cycle_started = self._now
        self._cycle_len = self._draw_cycle()

    def _grid_step(self, h: float) -> None:
        c = self.config
        now = self._now
        # 1. machine logic
        if self.state is MachineState.RUNNING:
            if now - self._cycle_started >= self._cycle_len - 1e-9:
                self._complete_part()
        elif self.state is not MachineState.STOPPED and now >= self._state_until - 1e-9:
            self._start_running()
        # 2. the script overrides what just happened
        self._apply_due()
        # 3. process values: first-order lags plus measurement noise
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
        self._force_true += (self.press_force_sp - self._force_true) * (
            1.0 - math.exp(-h / c.press_force_tau_s)
        )
        self.press_force = max(
            0.0, self._force_true + self._force_rng.gauss(0.0, c.press_force_noise_kn)
        )

    def _complete_part(self) -> None:
        c = self.config
        rng = self._rng
        self.cycle_time = self._now - self._cycle_started
        if rng.random() < self.scrap_rate:
            self.scrap_count = (self.scrap_count + 1) % UINT32_MOD
            self.made_scrap += 1
        else:
            self.good_count = (self.good_count + 1) % UINT32_MOD
            self.made_good += 1
        self._cycle_started = self._now
        self._cycle_len = self._draw_cycle()
        if not c.random_stops:
            return
        self._parts_to_changeover -= 1
        roll = rng.random()
        if self._parts_to_changeover <= 0:
            self._parts_to_changeover = rng.randint(*c.changeover_every)
            self._enter(MachineState.CHANGEOVER, self._now + rng.uniform(*c.changeover_s))
        elif roll < c.fault_prob:
            code = rng.randint(101, 110)
            self._enter(MachineState.FAULTED, self._now + rng.uniform(*c.fault_s))
            self.fault_code = code
        elif roll < c.fault_prob + c.microstop_prob:
            state = MachineState.STARVED if rng.random() < 0.5 else MachineState.BLOCKED
            self._enter(state, self._now + rng.uniform(*c.microstop_s))
        elif roll < c.fault_prob + c.microstop_prob + c.idle_prob:
            self._enter(MachineState.IDLE, self._now + rng.uniform(*c.idle_s))

    def _apply_due(self) -> None:
        script = self._script
        while self._next_event < len(script) and script[self._next_event].at <= self._now + 1e-9:
            event = script[self._next_event]
            self._next_event += 1
            self._apply(event)
            self.applied.append((self._now, event))
            logger.info("scenario t=%.1f s: %s", self._now, event.describe())

    def _apply(self, event: ScenarioEvent) -> None:
        action = event.action
        if action == "fault":
            assert event.code is not None
            self.fault(event.code, event.duration)
        elif action in _HOLD_STATES:
            self.hold(_HOLD_STATES[action], event.duration)
        elif action == "stop":
            self.stop()
        elif action == "start":
            self.start()
        elif action == "setpoint":
            assert event.value is not None
            if event.tag in (None, "temperature"):
                self.set_setpoint(event.value)
            else:  # a recipe setpoint changed "at the machine panel"
                self.set_recipe_setpoint(event.tag, event.value)
        elif action == "scrap_rate":
            assert event.value is not None
            self.set_scrap_rate(event.value)
        elif action == "counter":
            assert event.tag is not None and event.value is not None
            self.preset_counter(event.tag, int(event.value))
        else:  # pragma: no cover - the scenario parser refuses unknown actions
            raise ValueError(f"unknown scenario action {action!r}")


_HOLD_STATES: dict[str, MachineState] = {
    "changeover": MachineState.CHANGEOVER,
    "starve": MachineState.STARVED,
    "block": MachineState.BLOCKED,
    "idle": MachineState.IDLE,
}
