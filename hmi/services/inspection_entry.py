"""Checking a measured value as it is typed at the station. Pure core.

What the operator enters is refused with a message saying what is wrong and what to
do — never stored wrong:

* not a number ("12,5" is accepted as 12.5; "12.5.1", "abc", "" are not);
* impossible for the characteristic (outside ``physical_min``..``physical_max``, e.g.
  a negative length, or beyond the gauge's range) — almost always a typing slip;
* finer than the gauge resolves (12.345 with a 0.01 mm gauge: a digit was invented
  or the wrong gauge is named).

A value that passes those checks gets its verdict against the specification
(``lsl``/``usl``): in spec, or out of spec low/high, with how far. An out-of-spec
value *is* stored (it is the truth about the part); the caller then asks for the
reaction (re-measure, hold, disposition).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from hmi.services.i18n import tr

__all__ = ["EntryError", "Spec", "Verdict", "check_entry"]

CTX = "inspections"


class EntryError(ValueError):
    """The entered text cannot be stored as a measurement; the message says why."""


@dataclass(frozen=True)
class Spec:
    lsl: float | None = None
    usl: float | None = None
    target: float | None = None
    unit: str = ""
    #: the gauge's smallest step (e.g. 0.01); None: not checked
    resolution: float | None = None
    #: values outside these are impossible, not merely out of spec
    physical_min: float | None = None
    physical_max: float | None = None


@dataclass(frozen=True)
class Verdict:
    value: float
    in_spec: bool
    #: "" in spec; "low" / "high" otherwise
    side: str
    #: distance outside the limit (0 in spec), in the characteristic's unit
    beyond: float
    text: str


def _fmt(x: float, unit: str) -> str:
    return f"{x:g} {unit}".strip()


def check_entry(text: str, spec: Spec) -> Verdict:
    """Parse and check one measured value; raise :class:`EntryError` if it cannot be stored."""
    raw = (text or "").strip().replace(",", ".").replace("−", "-")
    if not raw:
        raise EntryError(tr(CTX, "Enter the measured value."))
    try:
        dec = Decimal(raw)
    except InvalidOperation:
        raise EntryError(tr(CTX, "“%1” is not a number. Enter digits, e.g. 12.05.",
                              text.strip())) from None
    if not dec.is_finite():
        raise EntryError(tr(CTX, "“%1” is not a measurement.", text.strip()))
    value = float(dec)
    unit = spec.unit
    if spec.physical_min is not None and value < spec.physical_min:
        raise EntryError(tr(CTX, "%1 is impossible here (it cannot be below %2). Check the value "
                            "and enter it again.", _fmt(value, unit),
                            _fmt(spec.physical_min, unit)))
    if spec.physical_max is not None and value > spec.physical_max:
        raise EntryError(tr(CTX, "%1 is impossible here (it cannot be above %2). Check the value "
                            "and enter it again.", _fmt(value, unit),
                            _fmt(spec.physical_max, unit)))
    if spec.resolution is not None and spec.resolution > 0:
        step = Decimal(str(spec.resolution))
        if (dec / step) % 1 != 0:
            raise EntryError(tr(
                CTX, "%1 has more digits than the gauge resolves (%2 steps). Read the gauge "
                "again, or scan the gauge you really used.", raw, _fmt(spec.resolution, unit)))
    if spec.lsl is not None and value < spec.lsl:
        beyond = spec.lsl - value
        return Verdict(value, False, "low", beyond,
                       tr(CTX, "%1 is BELOW the lower limit %2 by %3.", _fmt(value, unit),
                          _fmt(spec.lsl, unit), _fmt(_round(beyond), unit)))
    if spec.usl is not None and value > spec.usl:
        beyond = value - spec.usl
        return Verdict(value, False, "high", beyond,
                       tr(CTX, "%1 is ABOVE the upper limit %2 by %3.", _fmt(value, unit),
                          _fmt(spec.usl, unit), _fmt(_round(beyond), unit)))
    return Verdict(value, True, "", 0.0,
                   tr(CTX, "%1 is within the specification.", _fmt(value, unit)))


def _round(x: float) -> float:
    """Hide float noise in differences (12.21 − 12.2 = 0.0100000000000016)."""
    if x == 0:
        return 0.0
    digits = max(0, 6 - int(math.floor(math.log10(abs(x)))))
    return round(x, digits)
