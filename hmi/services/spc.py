"""Statistical process control, pure Python: chart constants, limits, rules, capability.

No Qt, no SQL, no numpy: the station evaluates a new value the moment it is entered,
and a report computes the same figures from stored values with the same code.

Constants are computed from their definitions, not copied from a table:

* ``d2(n)`` — expected range of ``n`` standard normal values,
  ``∫ [1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ] dx``;
* ``d3(n)`` — standard deviation of that range, from
  ``E[W²] = 2 ∬_{x<y} [1 − Φ(y)ⁿ − (1 − Φ(x))ⁿ + (Φ(y) − Φ(x))ⁿ] dx dy``;
* ``c4(n) = √(2/(n−1)) · Γ(n/2) / Γ((n−1)/2)``;

and the factors from those (A2, D3, D4, A3, B3, B4, E2). ``tests/test_spc.py``
checks them against the published table (ASTM E2587 / Montgomery Appendix VI) and
the limits against textbook examples.

Limits are computed from a *baseline* the engineer chooses and then frozen; the
functions here never decide which points form the baseline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from hmi.services.i18n import tr

CTX = "spc"

__all__ = [
    "NELSON",
    "WESTERN_ELECTRIC",
    "Capability",
    "Limits",
    "RuleHit",
    "c4",
    "c_chart",
    "capability",
    "d2",
    "d3",
    "factors",
    "imr",
    "np_chart",
    "p_chart",
    "rule_hits",
    "u_chart",
    "xbar_r",
    "xbar_s",
]

_SQRT2 = math.sqrt(2.0)


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / _SQRT2)


_H = 0.02  # integration step (standard normal units); the tables are given to 3-4 digits
_GRID = [-8.0 + i * _H for i in range(int(16.0 / _H) + 1)]
_CDF = [_phi(x) for x in _GRID]


def _check_n(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 2 or n > 50:
        raise ValueError(f"subgroup size must be a whole number from 2 to 50, got {n!r}")


@cache
def d2(n: int) -> float:
    """Expected range of ``n`` independent standard normal values."""
    _check_n(n)
    # Simpson's rule over [-8, 8]: the integrand vanishes at both ends.
    total = 0.0
    last = len(_CDF) - 1
    for i, f in enumerate(_CDF):
        w = 1 if i in (0, last) else (4 if i % 2 else 2)
        total += w * (1.0 - f**n - (1.0 - f) ** n)
    return total * _H / 3.0


@cache
def d3(n: int) -> float:
    """Standard deviation of the range of ``n`` standard normal values."""
    _check_n(n)
    cdf = _CDF
    top = [f**n for f in cdf]
    bottom = [(1.0 - f) ** n for f in cdf]
    m = len(cdf)
    total = 0.0
    # 2-D trapezoid over the triangle x < y: points on the diagonal (x = y) weigh 1/2.
    for j in range(m):
        fy, ty = cdf[j], top[j]
        row = 0.5 * (1.0 - ty - bottom[j])
        for i in range(j):
            row += 1.0 - ty - bottom[i] + (fy - cdf[i]) ** n
        total += row
    second_moment = 2.0 * total * _H * _H
    return math.sqrt(max(0.0, second_moment - d2(n) ** 2))


@cache
def c4(n: int) -> float:
    """Bias of the sample standard deviation: E[s] = c4 · σ."""
    _check_n(n)
    return math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


@cache
def factors(n: int) -> dict[str, float]:
    """A2, D3, D4, A3, B3, B4, E2 (and d2, d3, c4) for subgroup size ``n``."""
    dd2, dd3, cc4 = d2(n), d3(n), c4(n)
    s = math.sqrt(n)
    b = 3.0 * math.sqrt(1.0 - cc4 * cc4) / cc4
    return {
        "d2": dd2, "d3": dd3, "c4": cc4,
        "A2": 3.0 / (dd2 * s), "D3": max(0.0, 1.0 - 3.0 * dd3 / dd2),
        "D4": 1.0 + 3.0 * dd3 / dd2, "A3": 3.0 / (cc4 * s),
        "B3": max(0.0, 1.0 - b), "B4": 1.0 + b, "E2": 3.0 / dd2,
    }


# --------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class Limits:
    """Centre line and 3-sigma limits of one chart (``sigma`` is the chart's own σ)."""

    center: float
    ucl: float
    lcl: float

    @property
    def sigma(self) -> float:
        return (self.ucl - self.center) / 3.0

    def zone(self, value: float) -> float:
        """How many chart sigmas ``value`` lies from the centre (signed)."""
        s = self.sigma
        return (value - self.center) / s if s > 0 else 0.0


def _subgroups(groups: Sequence[Sequence[float]]) -> tuple[int, list[list[float]]]:
    data = [list(map(float, g)) for g in groups]
    if len(data) < 2:
        raise ValueError(tr(CTX, "at least two subgroups are needed for control limits"))
    sizes = {len(g) for g in data}
    if len(sizes) != 1:
        raise ValueError(tr(CTX, "all subgroups must have the same size, got sizes %1",
                            sorted(sizes)))
    (n,) = sizes
    _check_n(n)
    return n, data


def xbar_r(groups: Sequence[Sequence[float]]) -> tuple[Limits, Limits, float]:
    """X̄ and R chart limits and σ̂ = R̄/d2 from a baseline of equal-size subgroups."""
    n, data = _subgroups(groups)
    f = factors(n)
    means = [sum(g) / n for g in data]
    ranges = [max(g) - min(g) for g in data]
    xbb = sum(means) / len(means)
    rbar = sum(ranges) / len(ranges)
    return (Limits(xbb, xbb + f["A2"] * rbar, xbb - f["A2"] * rbar),
            Limits(rbar, f["D4"] * rbar, f["D3"] * rbar), rbar / f["d2"])


def xbar_s(groups: Sequence[Sequence[float]]) -> tuple[Limits, Limits, float]:
    """X̄ and S chart limits and σ̂ = s̄/c4 from a baseline of equal-size subgroups."""
    n, data = _subgroups(groups)
    f = factors(n)
    means = [sum(g) / n for g in data]
    sds = [math.sqrt(sum((x - m) ** 2 for x in g) / (n - 1)) for g, m in zip(data, means,
                                                                            strict=True)]
    xbb = sum(means) / len(means)
    sbar = sum(sds) / len(sds)
    return (Limits(xbb, xbb + f["A3"] * sbar, xbb - f["A3"] * sbar),
            Limits(sbar, f["B4"] * sbar, f["B3"] * sbar), sbar / f["c4"])


def imr(values: Sequence[float]) -> tuple[Limits, Limits, float]:
    """Individuals and moving-range (span 2) limits and σ̂ = MR̄/d2(2)."""
    xs = [float(v) for v in values]
    if len(xs) < 3:
        raise ValueError(tr(CTX, "at least three values are needed for individuals limits"))
    mrs = [abs(b - a) for a, b in zip(xs, xs[1:], strict=False)]
    xbar = sum(xs) / len(xs)
    mrbar = sum(mrs) / len(mrs)
    f = factors(2)
    return (Limits(xbar, xbar + f["E2"] * mrbar, xbar - f["E2"] * mrbar),
            Limits(mrbar, f["D4"] * mrbar, f["D3"] * mrbar), mrbar / f["d2"])


def p_chart(defectives: Sequence[int], sizes: Sequence[int]) -> list[Limits]:
    """Fraction nonconforming: limits per sample (they widen for smaller samples)."""
    if len(defectives) != len(sizes) or not sizes:
        raise ValueError("one sample size per count is needed")
    if any(n <= 0 for n in sizes) or any(d < 0 or d > n for d, n in zip(defectives, sizes,
                                                                          strict=True)):
        raise ValueError(tr(CTX, "counts must lie between 0 and their sample size"))
    pbar = sum(defectives) / sum(sizes)
    out = []
    for n in sizes:
        w = 3.0 * math.sqrt(pbar * (1.0 - pbar) / n)
        out.append(Limits(pbar, min(1.0, pbar + w), max(0.0, pbar - w)))
    return out


def np_chart(defectives: Sequence[int], n: int) -> Limits:
    """Number nonconforming in samples of constant size ``n``."""
    if not defectives or n <= 0:
        raise ValueError(tr(CTX, "counts and a positive sample size are needed"))
    pbar = sum(defectives) / (len(defectives) * n)
    w = 3.0 * math.sqrt(n * pbar * (1.0 - pbar))
    return Limits(n * pbar, n * pbar + w, max(0.0, n * pbar - w))


def c_chart(counts: Sequence[int]) -> Limits:
    """Nonconformities per inspection unit of constant size."""
    if not counts:
        raise ValueError(tr(CTX, "counts are needed"))
    cbar = sum(counts) / len(counts)
    w = 3.0 * math.sqrt(cbar)
    return Limits(cbar, cbar + w, max(0.0, cbar - w))


def u_chart(counts: Sequence[int], units: Sequence[float]) -> list[Limits]:
    """Nonconformities per unit with varying numbers of units: limits per sample."""
    if len(counts) != len(units) or not units or any(u <= 0 for u in units):
        raise ValueError("one positive number of units per count is needed")
    ubar = sum(counts) / sum(units)
    out = []
    for n in units:
        w = 3.0 * math.sqrt(ubar / n)
        out.append(Limits(ubar, ubar + w, max(0.0, ubar - w)))
    return out


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class RuleHit:
    """Rule ``rule`` fired at point ``index``; ``points`` are the points involved."""

    rule: int
    index: int
    points: tuple[int, ...]
    text: str


NELSON = (1, 2, 3, 4, 5, 6, 7, 8)
#: The Western Electric rules, numbered here as the Nelson rules they are:
#: 1 (beyond 3σ), 5 (2 of 3 beyond 2σ), 6 (4 of 5 beyond 1σ) and an 8-in-a-row run.
WESTERN_ELECTRIC = (1, 5, 6, 9)

_TEXT = {
    1: "a point beyond the 3-sigma limits",
    2: "nine points in a row on the same side of the centre line",
    3: "six points in a row steadily increasing or decreasing",
    4: "fourteen points in a row alternating up and down",
    5: "two of three points in a row beyond 2 sigma on the same side",
    6: "four of five points in a row beyond 1 sigma on the same side",
    7: "fifteen points in a row within 1 sigma of the centre line",
    8: "eight points in a row beyond 1 sigma, on either side",
    9: "eight points in a row on the same side of the centre line",
}


def rule_hits(values: Sequence[float], limits: Limits | Sequence[Limits],
              rules: Sequence[int] = NELSON, *, only_last: bool = False) -> list[RuleHit]:
    """Every firing of ``rules`` in ``values`` (each reported where its pattern completes).

    ``limits`` may be one :class:`Limits` or one per point (p and u charts). With
    ``only_last`` only the firings completed by the newest value are returned — what
    the station asks when a value is entered.
    """
    xs = [float(v) for v in values]
    per_point = [limits] * len(xs) if isinstance(limits, Limits) else list(limits)
    if len(per_point) != len(xs):
        raise ValueError("one Limits per value is needed")
    z = [lim.zone(x) for x, lim in zip(xs, per_point, strict=True)]
    hits: list[RuleHit] = []
    start = len(xs) - 1 if only_last else 0
    for i in range(start, len(xs)):
        for rule in rules:
            involved = _fires(rule, xs, z, i)
            if involved is not None:
                hits.append(RuleHit(rule, i, involved, _TEXT[rule]))
    return hits


def _side(v: float) -> int:
    return 1 if v > 0 else (-1 if v < 0 else 0)


def _fires(rule: int, xs: list[float], z: list[float], i: int) -> tuple[int, ...] | None:
    def window(k: int) -> range | None:
        return range(i - k + 1, i + 1) if i - k + 1 >= 0 else None

    if rule == 1:
        return (i,) if abs(z[i]) > 3.0 else None
    if rule in (2, 9):
        w = window(9 if rule == 2 else 8)
        if w is None:
            return None
        sides = {_side(z[j]) for j in w}
        return tuple(w) if len(sides) == 1 and 0 not in sides else None
    if rule == 3:
        w = window(6)
        if w is None:
            return None
        d = [xs[j + 1] - xs[j] for j in range(w.start, i)]
        return tuple(w) if all(x > 0 for x in d) or all(x < 0 for x in d) else None
    if rule == 4:
        w = window(14)
        if w is None:
            return None
        d = [xs[j + 1] - xs[j] for j in range(w.start, i)]
        ok = all(a * b < 0 for a, b in zip(d, d[1:], strict=False)) and all(x != 0 for x in d)
        return tuple(w) if ok else None
    if rule in (5, 6):
        k, m, beyond = (3, 2, 2.0) if rule == 5 else (5, 4, 1.0)
        w = window(k)
        if w is None:
            return None
        for side in (1, -1):
            pts = [j for j in w if side * z[j] > beyond]
            # the newest point must be one of them, so the firing is new with it
            if len(pts) >= m and i in pts:
                return tuple(pts)
        return None
    if rule == 7:
        w = window(15)
        if w is None:
            return None
        return tuple(w) if all(abs(z[j]) < 1.0 for j in w) else None
    if rule == 8:
        w = window(8)
        if w is None:
            return None
        return tuple(w) if all(abs(z[j]) > 1.0 for j in w) else None
    raise ValueError(f"unknown rule {rule}")


# --------------------------------------------------------------------------- capability


@dataclass(frozen=True)
class Capability:
    cp: float | None
    cpk: float | None
    pp: float | None
    ppk: float | None
    n: int
    #: "" or why the figures should not be trusted yet
    warning: str
    #: "capable" (≥ 1.33), "marginal" (1.00–1.33), "not capable" (< 1.00), by Cpk (else Ppk)
    band: str


#: Fewer values than this and capability indices are too uncertain to act on.
MIN_CAPABILITY_N = 30


def capability(values: Sequence[float], *, lsl: float | None, usl: float | None,
               sigma_within: float | None) -> Capability:
    """Cp/Cpk from the within-subgroup σ̂ (chart), Pp/Ppk from the overall sample s."""
    xs = [float(v) for v in values]
    n = len(xs)
    if lsl is None and usl is None:
        raise ValueError(tr(CTX, "capability needs at least one specification limit"))
    if lsl is not None and usl is not None and not lsl < usl:
        raise ValueError(tr(CTX, "the lower specification limit must be below the upper one"))
    if n < 2:
        raise ValueError(tr(CTX, "capability needs at least two values"))
    mean = sum(xs) / n
    s = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))

    def indices(sigma: float | None) -> tuple[float | None, float | None]:
        if sigma is None or sigma <= 0:
            return None, None
        whole = (usl - lsl) / (6 * sigma) if lsl is not None and usl is not None else None
        sides = []
        if usl is not None:
            sides.append((usl - mean) / (3 * sigma))
        if lsl is not None:
            sides.append((mean - lsl) / (3 * sigma))
        return whole, min(sides)

    cp, cpk = indices(sigma_within)
    pp, ppk = indices(s)
    key = cpk if cpk is not None else ppk
    band = "" if key is None else (
        "capable" if key >= 1.33 else "marginal" if key >= 1.0 else "not capable")
    warning = ""
    if n < MIN_CAPABILITY_N:
        warning = (f"only {n} values: capability estimated from fewer than "
                   f"{MIN_CAPABILITY_N} values is too uncertain to act on")
    return Capability(cp, cpk, pp, ppk, n, warning, band)
