"""Simulated-time clocks for the simulator.

The simulator never reads wall time directly: :class:`~hmi.devices.sim.server.SimServer`
asks a clock for the *simulated* time (seconds since the simulator started) and
advances the model to it. Two clocks:

* :class:`WallClock` — ``start + speed × (wall elapsed)``. Anchored on the first
  :meth:`~WallClock.now` call, so a slow server start does not make the machine
  jump ahead. ``wall`` is injectable (default ``time.monotonic``), so the speed
  factor can be checked without waiting.
* :class:`ManualClock` — only moves when told (:meth:`~ManualClock.advance`,
  :meth:`~ManualClock.set`). The server runs no tick loop on it; tests (and
  ``hmi-sim --clock manual``) step simulated time deterministically and without
  wall waits.

Both are monotonic: simulated time never goes backwards.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

__all__ = ["ManualClock", "SimClock", "WallClock"]


@runtime_checkable
class SimClock(Protocol):
    """Where the simulator's time comes from."""

    #: True when time moves only on request (no tick loop runs).
    manual: bool

    def now(self) -> float:
        """Simulated seconds since the simulator started."""
        ...


class WallClock:
    """Simulated time = ``start + speed × (wall() - anchor)``; anchored on first use."""

    manual = False

    def __init__(
        self, speed: float = 1.0, *, start: float = 0.0, wall: Callable[[], float] = time.monotonic
    ) -> None:
        if not math.isfinite(speed) or speed <= 0:
            raise ValueError(f"speed must be a finite number > 0, got {speed}")
        self.speed = float(speed)
        self.start = float(start)
        self._wall = wall
        self._anchor: float | None = None

    def now(self) -> float:
        wall = self._wall()
        if self._anchor is None:
            self._anchor = wall
        return self.start + self.speed * max(0.0, wall - self._anchor)


class ManualClock:
    """Simulated time that moves only when :meth:`advance` or :meth:`set` is called."""

    manual = True

    def __init__(self, start: float = 0.0) -> None:
        self._t = float(start)

    def now(self) -> float:
        return self._t

    def advance(self, dt: float) -> float:
        if not math.isfinite(dt) or dt < 0:
            raise ValueError(f"a manual clock only moves forward; got dt={dt}")
        self._t += dt
        return self._t

    def set(self, t: float) -> float:
        if not math.isfinite(t) or t < self._t:
            raise ValueError(f"a manual clock only moves forward: {t} < {self._t}")
        self._t = float(t)
        return self._t
