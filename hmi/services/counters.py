"""Turning raw machine counter values into part increments.

Machine counters wrap at 2**bits and PLCs reset them (order change, power
cycle). :class:`CounterTracker` converts successive raw readings into
increments without losing or inventing parts:

* raw ≥ last: increment = raw − last (includes parts made while the link was down).
* raw < last and last was in the top quarter of the range while raw is in the
  bottom quarter: the counter wrapped; increment = raw + 2**bits − last.
* otherwise raw < last is a reset to zero followed by ``raw`` new parts.

Pure and Qt-free; the baseline (last raw value) is persisted with each count
event so a station restart neither recounts nor drops parts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CounterTracker:
    bits: int = 32
    last_raw: int | None = None

    @property
    def modulus(self) -> int:
        return 1 << self.bits

    def update(self, raw: int) -> tuple[int, str]:
        """Feed a raw value; return (increment, how) with how in first/count/wrap/reset."""
        raw = int(raw)
        if not 0 <= raw < self.modulus:
            raise ValueError(f"counter value {raw} outside 0..{self.modulus - 1}")
        last, self.last_raw = self.last_raw, raw
        if last is None:
            return 0, "first"
        if raw >= last:
            return raw - last, "count"
        quarter = self.modulus // 4
        if last >= self.modulus - quarter and raw < quarter:
            return raw + self.modulus - last, "wrap"
        return raw, "reset"
