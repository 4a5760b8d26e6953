"""OEE and the other production KPIs: pure arithmetic on plain timeline records.

The time model is ISO 22400-2's (planned production time = time minus planned
stops; run time = planned production time minus unplanned stops) as Vorne's
OEE writes it out, with the six big losses broken out; docs/kpi.md has the
definitions, the worked example this module's tests check to the second, and
the choices made. In short, over a window (clipped to ``now`` while it runs)::

    all time
      - not scheduled (no shift)          -+
      - planned breaks                     |  planned stop time (a union:
      - setup & adjustments (PLANNED stops)-+  nothing counted twice)
    = planned production time (PPT)
      - breakdowns (UNPLANNED stops outside planned stop time)
    = run time
      - small stops (MICRO stops)
      - slow cycles (run - small stops - ideal x total, >= 0)
    = net run time (ideal x total)
      - production rejects (ideal x scrap outside start-up windows)
      - start-up rejects (ideal x scrap within the start-up window after a stop)
    = fully productive time (ideal x good)

    availability = run / PPT, performance = ideal x total / run,
    quality = good / total, OEE = A x P x Q = ideal x good / PPT.

A ratio whose denominator is zero is ``None`` (shown as "—"), never 0 % or
100 %. Everything is computed in integer microseconds, so the loss waterfall
adds up exactly; figures are reported in seconds. No Qt (apart from ``tr`` for
the labels), no SQL, no clock unless ``now`` is None.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import logging
import math
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from hmi.services import shiftcal
from hmi.services.i18n import tr
from hmi.services.timeline import CountRecord, Interval, StopKind, StopRecord

log = logging.getLogger(__name__)

UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_US = dt.timedelta(microseconds=1)
_FOREVER = 2**62  # µs: "has not ended" for restart detection
_HOUR_US = 3_600_000_000

Pair = tuple[int, int]


# --------------------------------------------------------------------------- µs helpers


def _us(t: dt.datetime, what: str = "time") -> int:
    try:
        return (t - _EPOCH) // _US
    except TypeError:
        raise ValueError(tr(
            "kpi", "%1 (%2) has no time zone; KPI inputs must be timezone-aware UTC times.",
            what, t)) from None


def _dt(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=us)


def _s(us: int) -> float:
    return us / 1e6


def _union(pairs: Iterable[Pair]) -> list[Pair]:
    """Merge overlapping or touching half-open intervals; empty ones are dropped."""
    out: list[Pair] = []
    last_e = None
    for s, e in sorted(pairs):
        if e <= s:
            continue
        if last_e is not None and s <= last_e:
            if e > last_e:
                out[-1] = (out[-1][0], e)
                last_e = e
        else:
            out.append((s, e))
            last_e = e
    return out


def _subtract(a: list[Pair], b: list[Pair]) -> list[Pair]:
    """``a \\ b`` for merged, sorted interval lists (linear sweep)."""
    out: list[Pair] = []
    j = 0
    for s, e in a:
        while j < len(b) and b[j][1] <= s:
            j += 1
        k = j
        cur = s
        while k < len(b) and b[k][0] < e:
            if b[k][0] > cur:
                out.append((cur, b[k][0]))
            cur = max(cur, b[k][1])
            k += 1
        if cur < e:
            out.append((cur, e))
    return out


def _length(pairs: Iterable[Pair]) -> int:
    return sum(e - s for s, e in pairs)


def _clip(pairs: Iterable[Pair], lo: int, hi: int) -> list[Pair]:
    return [(max(s, lo), min(e, hi)) for s, e in pairs if e > lo and s < hi]


# --------------------------------------------------------------------------- prepared inputs


class CountIndex:
    """Counts sorted by time with prefix sums: good/scrap of any range in O(log n).

    Build it once (``CountIndex.of(counts)``) when several windows are computed
    over the same records; :func:`compute_oee` accepts it in place of the list.
    """

    __slots__ = ("_ts", "_good", "_scrap")

    def __init__(self, counts: Sequence[CountRecord]) -> None:
        ts = [c.ts for c in counts]
        try:
            ordered = all(map(operator.le, ts, itertools.islice(ts, 1, None)))
        except TypeError:
            raise ValueError(tr(
                "kpi", "Count records mix times with and without a time zone; pass "
                "timezone-aware UTC times.")) from None
        if not ordered:
            counts = sorted(counts, key=operator.attrgetter("ts"))
            ts = [c.ts for c in counts]
        if ts:
            _us(ts[0], "count time")
        good = [c.good for c in counts]
        scrap = [c.scrap for c in counts]
        if good and (min(good) < 0 or min(scrap) < 0):
            bad = next(c for c in counts if c.good < 0 or c.scrap < 0)
            raise ValueError(tr(
                "kpi", "The count at %1 has good=%2, scrap=%3; counts are increments and "
                "must not be negative.", bad.ts.isoformat(), bad.good, bad.scrap))
        self._ts = ts
        self._good = list(itertools.accumulate(good, initial=0))
        self._scrap = list(itertools.accumulate(scrap, initial=0))

    @classmethod
    def of(cls, counts: Sequence[CountRecord] | CountIndex) -> CountIndex:
        return counts if isinstance(counts, CountIndex) else cls(counts)

    def __len__(self) -> int:
        return len(self._ts)

    def totals(self, start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
        """(good, scrap) counted in ``[start, end)``."""
        if end <= start:
            return 0, 0
        i = bisect.bisect_left(self._ts, start)
        j = bisect.bisect_left(self._ts, end)
        return self._good[j] - self._good[i], self._scrap[j] - self._scrap[i]


class _Stop(NamedTuple):
    start: int
    end: int  # open stops end at now
    open: bool
    rec: StopRecord


def _prepare_stops(stops: Iterable[StopRecord], now_us: int) -> list[_Stop]:
    out = []
    for s in stops:
        st = _us(s.start, f"stop {s.stop_id} start")
        if s.end is None:
            out.append(_Stop(st, max(st, now_us), True, s))
        else:
            out.append(_Stop(st, max(st, _us(s.end, f"stop {s.stop_id} end")), False, s))
    out.sort(key=lambda x: x.start)
    return out


# --------------------------------------------------------------------------- results


class WaterfallStep(NamedTuple):
    """One bar of the loss waterfall.

    ``kind`` "total" bars are levels (all time, PPT, run time, net run time,
    fully productive time); "loss" bars carry negative ``seconds``, a "gain"
    (faster than the ideal cycle) positive ones. Every total equals the
    previous total plus the steps between them, exactly in ``us``.
    """

    label: str
    seconds: float
    key: str
    kind: Literal["total", "loss", "gain"]
    us: int


class Loss(NamedTuple):
    """One of the six big losses, in seconds (None: unknown without an ideal cycle time)."""

    key: str
    label: str
    category: Literal["availability", "performance", "quality", "planned"]
    seconds: float | None


@dataclass(frozen=True, slots=True)
class OeeResult:
    #: The window asked for, and the one computed (clipped to ``now``).
    requested_window: Interval
    window: Interval
    in_progress: bool
    ideal_cycle_s: float | None
    planned_stops_reduce_availability: bool

    # time model, seconds
    all_time_s: float
    unscheduled_s: float
    break_s: float
    setup_s: float  # planned stops outside breaks ("setup & adjustments")
    planned_stop_time_s: float  # unscheduled + breaks (+ setup in the ISO model)
    planned_production_s: float
    unplanned_stop_s: float  # breakdowns
    run_s: float
    micro_stop_s: float
    slow_cycle_s: float | None
    speed_gain_s: float | None  # > 0 only when performance is above 100 %
    net_run_s: float | None
    production_reject_s: float | None
    startup_reject_s: float | None
    fully_productive_s: float | None

    # counts
    good: int
    scrap: int
    startup_scrap: int

    # ratios (None: the denominator is zero, or no ideal cycle time)
    availability: float | None
    performance: float | None
    quality: float | None
    oee: float | None
    performance_capped: float | None
    oee_capped: float | None

    scrap_rate: float | None
    good_per_run_hour: float | None
    good_per_planned_hour: float | None
    failures: int
    mtbf_s: float | None
    mttr_s: float | None

    six_big_losses: tuple[Loss, ...]
    waterfall: tuple[WaterfallStep, ...]
    warnings: tuple[str, ...]

    @property
    def total(self) -> int:
        return self.good + self.scrap

    @property
    def production_scrap(self) -> int:
        return self.scrap - self.startup_scrap

    @property
    def performance_exceeded(self) -> bool:
        return self.performance is not None and self.performance > 1.0


def fmt_ratio(value: float | None, digits: int = 1) -> str:
    """``"85.3 %"``, or ``"—"`` when the ratio is undefined."""
    return "—" if value is None else f"{value * 100:.{digits}f} %"


# --------------------------------------------------------------------------- compute_oee


def compute_oee(
    window: Interval,
    *,
    stops: Sequence[StopRecord],
    counts: Sequence[CountRecord] | CountIndex,
    ideal_cycle_s: float | None,
    breaks: Sequence[Interval] = (),
    now: dt.datetime | None = None,
    startup_window_s: float = 0.0,
    planned_stops_reduce_availability: bool = False,
    unscheduled: Sequence[Interval] = (),
) -> OeeResult:
    """OEE, its factors, the six big losses and the loss waterfall over ``window``.

    ``breaks`` and ``unscheduled`` (time with no shift) are planned stop time
    besides the PLANNED stops. ``ideal_cycle_s`` None or <= 0 means unknown:
    availability and quality are still computed, performance/OEE are None and
    a warning says so. ``planned_stops_reduce_availability`` selects Vorne's
    variant (changeovers are an availability loss inside PPT).
    """
    if now is None:
        now = dt.datetime.now(UTC)
    now_us = _us(now, "now")
    return _compute(
        window, _prepare_stops(stops, now_us), CountIndex.of(counts), ideal_cycle_s,
        [(_us(b.start, "break start"), _us(b.end, "break end")) for b in breaks],
        [(_us(u.start, "unscheduled start"), _us(u.end, "unscheduled end")) for u in unscheduled],
        now_us, startup_window_s, planned_stops_reduce_availability,
    )


def _compute(
    window: Interval, stops: list[_Stop], index: CountIndex, ideal_cycle_s: float | None,
    breaks: list[Pair], unscheduled: list[Pair], now_us: int, startup_window_s: float,
    vorne: bool,
) -> OeeResult:
    ws = _us(window.start, "window start")
    we = _us(window.end, "window end")
    if we < ws:
        raise ValueError(tr("kpi", "The window ends (%1) before it starts (%2).",
                            window.end.isoformat(), window.start.isoformat()))
    if not math.isfinite(startup_window_s) or startup_window_s < 0:
        raise ValueError(tr("kpi", "The start-up window must be 0 s or longer, not %1 s.",
                            startup_window_s))
    end = min(we, max(ws, now_us))
    eff = Interval(window.start, _dt(end)) if end != we else window
    all_us = end - ws

    # ---- time model (µs, merged interval lists inside [ws, end))
    planned_raw, unplanned_raw, micro_raw = [], [], []
    for st in stops:
        if st.end <= ws or st.start >= end:
            continue
        pair = (max(st.start, ws), min(st.end, end))
        kind = st.rec.kind
        if kind == StopKind.PLANNED:
            planned_raw.append(pair)
        elif kind == StopKind.UNPLANNED:
            unplanned_raw.append(pair)
        else:
            micro_raw.append(pair)
    uns = _union(_clip(unscheduled, ws, end))
    brk = _subtract(_union(_clip(breaks, ws, end)), uns)
    off = _union(uns + brk)  # calendar time off: never production time
    setup = _subtract(_union(planned_raw), off)
    pst = _union(off + setup)
    down = _subtract(_union(unplanned_raw), pst)
    micro = _subtract(_union(micro_raw), _union(pst + down))
    uns_us, brk_us, setup_us = _length(uns), _length(brk), _length(setup)
    down_us, micro_us = _length(down), _length(micro)
    if vorne:
        ppt_us = all_us - uns_us - brk_us
        run_us = ppt_us - setup_us - down_us
        pst_us = uns_us + brk_us
    else:
        pst_us = uns_us + brk_us + setup_us
        ppt_us = all_us - pst_us
        run_us = ppt_us - down_us

    # ---- counts
    good, scrap = index.totals(window.start, eff.end)
    total = good + scrap
    startup_scrap = 0
    if startup_window_s > 0 and scrap > 0:
        startup_scrap = _startup_scrap(stops, breaks, unscheduled, index, ws, end,
                                       round(startup_window_s * 1e6))

    # ---- ideal cycle
    ideal_us: int | None = None
    warnings: list[str] = []
    if ideal_cycle_s is not None and math.isfinite(ideal_cycle_s) and ideal_cycle_s > 0:
        ideal_us = round(ideal_cycle_s * 1e6)
    if ideal_us is None:
        warnings.append(tr(
            "kpi", "No ideal cycle time is set for this product, so performance and OEE "
            "cannot be computed. Set the product's ideal cycle time in the master data."))

    net_us = slow_us = gain_us = rej_us = sur_us = fully_us = None
    if ideal_us is not None:
        net_us = ideal_us * total
        rest = run_us - micro_us - net_us
        slow_us, gain_us = max(rest, 0), max(-rest, 0)
        sur_us = ideal_us * startup_scrap
        rej_us = ideal_us * (scrap - startup_scrap)
        fully_us = ideal_us * good

    # ---- ratios: None when the denominator is zero
    availability = run_us / ppt_us if ppt_us > 0 else None
    performance = net_us / run_us if (net_us is not None and run_us > 0) else None
    quality = good / total if total > 0 else None
    oee = fully_us / ppt_us if (fully_us is not None and ppt_us > 0) else None
    performance_capped, oee_capped = performance, oee
    if performance is not None and performance > 1.0:
        performance_capped = 1.0
        if availability is not None and quality is not None:
            oee_capped = availability * quality
        warnings.append(tr(
            "kpi", "Performance is %1 %, above 100 %: the ideal cycle time of %2 s is probably "
            "too long (the machine made parts faster than that). Check the product's ideal "
            "cycle time in the master data.", f"{performance * 100:.1f}", f"{ideal_cycle_s:g}"))
    if total > 0 and run_us <= 0:
        warnings.append(tr(
            "kpi", "%1 parts were counted while the machine had no run time (the whole window "
            "is planned or unplanned stop time). Check the stop records and the shift "
            "calendar.", total))

    failures, mtbf, mttr = _reliability(stops, down, run_us)

    losses = (
        Loss("breakdowns", tr("kpi", "Breakdowns (unplanned stops)"), "availability",
             _s(down_us)),
        Loss("setup", tr("kpi", "Setup and adjustments (planned stops)"),
             "availability" if vorne else "planned", _s(setup_us)),
        Loss("small_stops", tr("kpi", "Small stops (micro-stops)"), "performance", _s(micro_us)),
        Loss("slow_cycles", tr("kpi", "Slow cycles"), "performance", _opt_s(slow_us)),
        Loss("production_rejects", tr("kpi", "Production rejects"), "quality", _opt_s(rej_us)),
        Loss("startup_rejects", tr("kpi", "Start-up rejects"), "quality", _opt_s(sur_us)),
    )
    waterfall = _waterfall(all_us, uns_us, brk_us, setup_us, ppt_us, down_us, run_us, micro_us,
                           slow_us, gain_us, net_us, rej_us, sur_us, fully_us, vorne)

    return OeeResult(
        requested_window=window, window=eff, in_progress=now_us < we,
        ideal_cycle_s=ideal_cycle_s if ideal_us is not None else None,
        planned_stops_reduce_availability=vorne,
        all_time_s=_s(all_us), unscheduled_s=_s(uns_us), break_s=_s(brk_us), setup_s=_s(setup_us),
        planned_stop_time_s=_s(pst_us), planned_production_s=_s(ppt_us),
        unplanned_stop_s=_s(down_us), run_s=_s(run_us), micro_stop_s=_s(micro_us),
        slow_cycle_s=_opt_s(slow_us), speed_gain_s=_opt_s(gain_us), net_run_s=_opt_s(net_us),
        production_reject_s=_opt_s(rej_us), startup_reject_s=_opt_s(sur_us),
        fully_productive_s=_opt_s(fully_us),
        good=good, scrap=scrap, startup_scrap=startup_scrap,
        availability=availability, performance=performance, quality=quality, oee=oee,
        performance_capped=performance_capped, oee_capped=oee_capped,
        scrap_rate=scrap / total if total > 0 else None,
        good_per_run_hour=good * _HOUR_US / run_us if run_us > 0 else None,
        good_per_planned_hour=good * _HOUR_US / ppt_us if ppt_us > 0 else None,
        failures=failures, mtbf_s=mtbf, mttr_s=mttr,
        six_big_losses=losses, waterfall=waterfall, warnings=tuple(warnings),
    )


def _opt_s(us: int | None) -> float | None:
    return None if us is None else _s(us)


def _startup_scrap(stops: list[_Stop], breaks: list[Pair], unscheduled: list[Pair],
                   index: CountIndex, ws: int, end: int, sw: int) -> int:
    """Scrap counted within ``sw`` µs after each restart (end of a stop, break or gap)."""
    downs = [(s.start, _FOREVER if s.open else s.end) for s in stops
             if s.rec.kind != StopKind.MICRO and (s.open or s.end > ws - sw) and s.start < end]
    downs += [p for p in breaks if p[1] > ws - sw and p[0] < end]
    downs += [p for p in unscheduled if p[1] > ws - sw and p[0] < end]
    windows = _union(_clip(((e, e + sw) for _s0, e in _union(downs) if e < end), ws, end))
    scrap = 0
    for s, e in windows:
        scrap += index.totals(_dt(s), _dt(e))[1]
    return scrap


def _reliability(stops: list[_Stop], down: list[Pair],
                 run_us: int) -> tuple[int, float | None, float | None]:
    """Failures (unplanned episodes with breakdown time in the window), MTBF, MTTR.

    Unplanned stop records that overlap or touch form one episode (a split stop
    is one failure). Repair time runs from the episode's start to the latest
    ``repaired_at`` of its parts, or to its end when none is set (now if open).
    """
    episodes: list[list[int]] = []  # [start, end, repaired_at or -1]
    for st in stops:  # sorted by start
        if st.rec.kind != StopKind.UNPLANNED:
            continue
        rep = _us(st.rec.repaired_at, "repaired_at") if st.rec.repaired_at else -1
        if episodes and st.start <= episodes[-1][1]:
            ep = episodes[-1]
            ep[1] = max(ep[1], st.end)
            ep[2] = max(ep[2], rep)
        else:
            episodes.append([st.start, st.end, rep])
    repairs = []
    j = 0  # episodes are disjoint and sorted, and so is ``down``: one sweep
    for s, e, rep in episodes:
        while j < len(down) and down[j][1] <= s:
            j += 1
        if j < len(down) and down[j][0] < e:  # has breakdown time (inside the window)
            repairs.append(max(0, (rep if rep >= 0 else e) - s))
    n = len(repairs)
    if n == 0:
        return 0, None, None
    return n, _s(run_us) / n, _s(sum(repairs)) / n


def _waterfall(all_us: int, uns: int, brk: int, setup: int, ppt: int, down: int, run: int,
               micro: int, slow: int | None, gain: int | None, net: int | None,
               rej: int | None, sur: int | None, fully: int | None,
               vorne: bool) -> tuple[WaterfallStep, ...]:
    def total(key: str, label: str, us: int) -> WaterfallStep:
        return WaterfallStep(label, _s(us), key, "total", us)

    def loss(key: str, label: str, us: int) -> WaterfallStep:
        return WaterfallStep(label, -_s(us), key, "loss", -us)

    steps = [
        total("all", tr("kpi", "All time"), all_us),
        loss("unscheduled", tr("kpi", "Not scheduled"), uns),
        loss("breaks", tr("kpi", "Planned breaks"), brk),
    ]
    setup_step = loss("setup", tr("kpi", "Setup and adjustments"), setup)
    if not vorne:
        steps.append(setup_step)
    steps.append(total("ppt", tr("kpi", "Planned production time"), ppt))
    if vorne:
        steps.append(setup_step)
    steps += [
        loss("breakdowns", tr("kpi", "Breakdowns"), down),
        total("run", tr("kpi", "Run time"), run),
    ]
    if net is None or slow is None or gain is None:
        return tuple(steps)  # no ideal cycle time: performance losses unknown
    steps += [
        loss("small_stops", tr("kpi", "Small stops"), micro),
        loss("slow_cycles", tr("kpi", "Slow cycles"), slow),
    ]
    if gain:
        steps.append(WaterfallStep(tr("kpi", "Faster than ideal (check the ideal cycle time)"),
                                   _s(gain), "speed_gain", "gain", gain))
    assert rej is not None and sur is not None and fully is not None
    steps += [
        total("net_run", tr("kpi", "Net run time"), net),
        loss("production_rejects", tr("kpi", "Production rejects"), rej),
        loss("startup_rejects", tr("kpi", "Start-up rejects"), sur),
        total("fully_productive", tr("kpi", "Fully productive time"), fully),
    ]
    return tuple(steps)


# --------------------------------------------------------------------------- Pareto


class ParetoRow(NamedTuple):
    reason_code: str | None  # None: not classified yet
    reason_name: str | None
    count: int
    seconds: float
    cumulative_share: float  # of the chosen measure, 0..1; the last row is 1.0


def pareto(stops: Sequence[StopRecord], window: Interval, now: dt.datetime | None = None,
           by: Literal["seconds", "count"] = "seconds",
           breaks: Sequence[Interval] = ()) -> list[ParetoRow]:
    """Downtime by reason over ``window`` (planned and unplanned stops; micro-stops excluded).

    A stop counts with its time inside the window (open stops up to ``now``),
    minus ``breaks`` when given; stops with no time left are left out.
    Unclassified stops form one row with reason None. Rows are ordered by
    ``by`` (ties: the other measure, then the code), with the cumulative share
    of that measure.
    """
    if by not in ("seconds", "count"):
        raise ValueError(tr("kpi", "Pareto by '%1' is not possible; use 'seconds' or 'count'.",
                            by))
    if now is None:
        now = dt.datetime.now(UTC)
    now_us = _us(now, "now")
    ws, we = _us(window.start, "window start"), _us(window.end, "window end")
    end = min(we, max(ws, now_us))
    brk = _union(_clip(((_us(b.start), _us(b.end)) for b in breaks), ws, end))
    groups: dict[str | None, list] = {}
    for st in _prepare_stops(stops, now_us):
        if st.rec.kind == StopKind.MICRO or st.end <= ws or st.start >= end:
            continue
        part = [(max(st.start, ws), min(st.end, end))]
        us = _length(_subtract(part, brk) if brk else part)
        if us <= 0:
            continue
        g = groups.setdefault(st.rec.reason_code, [None, 0, 0])
        if g[0] is None:
            g[0] = st.rec.reason_name
        g[1] += 1
        g[2] += us
    if by == "seconds":
        def key(item):
            return (-item[1][2], -item[1][1], item[0] is None, item[0] or "")
    else:
        def key(item):
            return (-item[1][1], -item[1][2], item[0] is None, item[0] or "")
    ordered = sorted(groups.items(), key=key)
    grand = sum(g[2] if by == "seconds" else g[1] for _c, g in ordered)
    rows, running = [], 0
    for code, (name, count, us) in ordered:
        running += us if by == "seconds" else count
        rows.append(ParetoRow(code, name if code is not None else None, count, _s(us),
                              running / grand))
    return rows


# --------------------------------------------------------------------------- rollups


@dataclass(frozen=True, slots=True)
class ShiftOee:
    shift: shiftcal.ShiftInstance
    result: OeeResult
    #: True when the window cut the shift (only part of it is computed).
    partial: bool


@dataclass(frozen=True, slots=True)
class DayOee:
    day: dt.date
    result: OeeResult


def oee_for_intervals(
    windows: Sequence[Interval], *, stops: Sequence[StopRecord],
    counts: Sequence[CountRecord] | CountIndex, ideal_cycle_s: float | None,
    breaks: Sequence[Interval] = (), unscheduled: Sequence[Interval] = (),
    now: dt.datetime | None = None, startup_window_s: float = 0.0,
    planned_stops_reduce_availability: bool = False,
) -> list[OeeResult]:
    """:func:`compute_oee` for each window, preparing the records once (orders, hours, ranges)."""
    if now is None:
        now = dt.datetime.now(UTC)
    now_us = _us(now, "now")
    prepared = _prepare_stops(stops, now_us)
    index = CountIndex.of(counts)
    brk = [(_us(b.start), _us(b.end)) for b in breaks]
    uns = [(_us(u.start), _us(u.end)) for u in unscheduled]
    return [_compute(w, prepared, index, ideal_cycle_s, brk, uns, now_us, startup_window_s,
                     planned_stops_reduce_availability) for w in windows]


def oee_for_range(
    window: Interval, *, stops: Sequence[StopRecord],
    counts: Sequence[CountRecord] | CountIndex, ideal_cycle_s: float | None,
    spec: shiftcal.CalendarSpec | None = None, now: dt.datetime | None = None,
    startup_window_s: float = 0.0, planned_stops_reduce_availability: bool = False,
) -> OeeResult:
    """OEE over any range (an order's start..end, a chosen range).

    With a calendar, its planned breaks and the time covered by no shift are
    planned stop time; without one, only the PLANNED stops are.
    """
    breaks: list[Interval] = []
    unscheduled: list[Interval] = []
    if spec is not None:
        breaks = shiftcal.breaks_between(spec, window.start, window.end)
        unscheduled = shiftcal.unscheduled_between(spec, window.start, window.end)
    return compute_oee(window, stops=stops, counts=counts, ideal_cycle_s=ideal_cycle_s,
                       breaks=breaks, unscheduled=unscheduled, now=now,
                       startup_window_s=startup_window_s,
                       planned_stops_reduce_availability=planned_stops_reduce_availability)


def oee_for_shift(
    shift: shiftcal.ShiftInstance, *, stops: Sequence[StopRecord],
    counts: Sequence[CountRecord] | CountIndex, ideal_cycle_s: float | None,
    now: dt.datetime | None = None, startup_window_s: float = 0.0,
    planned_stops_reduce_availability: bool = False,
) -> OeeResult:
    """OEE of one shift instance (its planned breaks are planned stop time)."""
    return compute_oee(shift.interval, stops=stops, counts=counts, ideal_cycle_s=ideal_cycle_s,
                       breaks=shift.breaks, now=now, startup_window_s=startup_window_s,
                       planned_stops_reduce_availability=planned_stops_reduce_availability)


def oee_by_shifts(
    spec: shiftcal.CalendarSpec, window: Interval, *, stops: Sequence[StopRecord],
    counts: Sequence[CountRecord] | CountIndex, ideal_cycle_s: float | None,
    now: dt.datetime | None = None, startup_window_s: float = 0.0,
    planned_stops_reduce_availability: bool = False,
) -> list[ShiftOee]:
    """One result per shift overlapping ``window`` that has started by ``now``.

    A shift cut by the window is computed for its part inside it (``partial``).
    """
    if now is None:
        now = dt.datetime.now(UTC)
    now_us = _us(now, "now")
    prepared = _prepare_stops(stops, now_us)
    index = CountIndex.of(counts)
    out = []
    for inst in shiftcal.shifts_between(spec, window.start, window.end):
        if inst.start >= now:
            continue
        s, e = max(inst.start, window.start), min(inst.end, window.end)
        brk = [(_us(b.start), _us(b.end)) for b in inst.breaks]
        res = _compute(Interval(s, e), prepared, index, ideal_cycle_s, brk, [], now_us,
                       startup_window_s, planned_stops_reduce_availability)
        out.append(ShiftOee(inst, res, partial=(s, e) != (inst.start, inst.end)))
    return out


def oee_by_day(
    spec: shiftcal.CalendarSpec, first_day: dt.date, last_day: dt.date | None = None, *,
    stops: Sequence[StopRecord], counts: Sequence[CountRecord] | CountIndex,
    ideal_cycle_s: float | None, now: dt.datetime | None = None, startup_window_s: float = 0.0,
    planned_stops_reduce_availability: bool = False,
) -> list[DayOee]:
    """One result per local calendar day ``first_day..last_day`` (inclusive) started by ``now``.

    A day is midnight to midnight in the calendar's zone (23 h / 25 h at DST
    changes); the planned breaks inside it and the time no shift covers are
    planned stop time. A night shift is split at midnight between two days.
    """
    if now is None:
        now = dt.datetime.now(UTC)
    last_day = last_day or first_day
    now_us = _us(now, "now")
    prepared = _prepare_stops(stops, now_us)
    index = CountIndex.of(counts)
    out = []
    for i in range((last_day - first_day).days + 1):
        day = first_day + dt.timedelta(days=i)
        win = shiftcal.day_interval(day, spec.tz)
        if win.start >= now:
            break
        brk = [(_us(b.start), _us(b.end))
               for b in shiftcal.breaks_between(spec, win.start, win.end)]
        uns = [(_us(u.start), _us(u.end))
               for u in shiftcal.unscheduled_between(spec, win.start, win.end)]
        out.append(DayOee(day, _compute(win, prepared, index, ideal_cycle_s, brk, uns, now_us,
                                        startup_window_s, planned_stops_reduce_availability)))
    return out
