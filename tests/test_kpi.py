"""OEE on the ISO 22400 / Vorne time model: the worked example of docs/kpi.md, and the edges."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from hmi.services import kpi, shiftcal
from hmi.services.kpi import compute_oee, pareto
from hmi.services.timeline import CountRecord, Interval, StopKind, StopRecord
from tests.test_shiftcal import DEMO, ROUND_THE_CLOCK

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = dt.UTC
U, P, M = StopKind.UNPLANNED, StopKind.PLANNED, StopKind.MICRO


def T(h: int, m: int = 0, s: int = 0, day: int = 2) -> dt.datetime:
    """Berlin wall-clock time on Monday 2026-03-02 (CET, UTC+1), as UTC."""
    return dt.datetime(2026, 3, day, h, m, s, tzinfo=BERLIN).astimezone(UTC)


_ids = iter(range(1, 10_000))


def stop(start: dt.datetime, end: dt.datetime | None, kind: StopKind, code: str | None = None,
         name: str | None = None, **kw) -> StopRecord:
    return StopRecord(f"s{next(_ids)}", start, end, kind, code, name, **kw)


def waterfall_adds_up(result: kpi.OeeResult) -> None:
    """Every total is the previous total plus the steps between, exactly (in µs)."""
    level = None
    for step in result.waterfall:
        if step.kind == "total":
            assert level is None or level == step.us, step
            level = step.us
        else:
            level += step.us


# --------------------------------------------------------------------------- the worked example

# docs/kpi.md, "Worked example": Early shift of Monday 2026-03-02 on the demo calendar.
EXAMPLE_STOPS = [
    stop(T(8, 45), T(9, 20), U, "MECH-HYD-LEAK", "Leak", repaired_at=T(9, 15)),  # 15 min in break
    stop(T(10, 5), T(10, 17), U, "MECH-JAM", "Part jammed"),
    stop(T(12, 0), T(12, 40), P, "CHANGEOVER", "Changeover"),
    stop(T(13, 0), T(13, 15), U, "MAT-STARVED", "Starved (no material)"),
    *[stop(T(h, m), T(h, m + 1, 30), M) for h, m in
      [(6, 30), (7, 0), (7, 30), (8, 0), (10, 30), (11, 0), (13, 30), (13, 45)]],
    stop(T(5, 0), T(5, 50), U, "ELEC", "Electrical"),  # before the shift: ignored
]
EXAMPLE_COUNTS = [
    CountRecord(T(5, 59), good=999),  # Night shift: ignored
    CountRecord(T(6, 30), good=5000),
    CountRecord(T(9, 21), scrap=20),  # within 5 min after the leak+breakfast block ends
    CountRecord(T(10, 30), good=6700),
    CountRecord(T(12, 41), scrap=40),  # within 5 min after lunch+changeover
    CountRecord(T(13, 40), scrap=240),
    CountRecord(T(14, 0), good=777),  # Late shift (half-open window): ignored
]


@pytest.fixture(scope="module")
def example() -> kpi.OeeResult:
    shift = shiftcal.shift_at(DEMO, T(7))
    assert shift.name == "Early"
    return kpi.oee_for_shift(shift, stops=EXAMPLE_STOPS, counts=EXAMPLE_COUNTS,
                             ideal_cycle_s=1.5, now=T(15), startup_window_s=300)


def test_worked_example_time_model(example) -> None:
    r = example
    assert r.all_time_s == 28_800
    assert r.break_s == 2_700 and r.setup_s == 2_400 and r.unscheduled_s == 0
    assert r.planned_stop_time_s == 5_100
    assert r.planned_production_s == 23_700
    assert r.unplanned_stop_s == 2_820  # 20 + 12 + 15 min: the leak's 15 min in the break once
    assert r.run_s == 20_880
    assert r.micro_stop_s == 720
    assert r.net_run_s == 18_000 and r.slow_cycle_s == 2_160 and r.speed_gain_s == 0
    assert (r.good, r.scrap, r.startup_scrap, r.total) == (11_700, 300, 60, 12_000)
    assert r.production_reject_s == 360 and r.startup_reject_s == 90
    assert r.fully_productive_s == 17_550
    assert not r.in_progress and r.warnings == ()


def test_worked_example_ratios(example) -> None:
    r = example
    assert r.availability == 20_880 / 23_700 == pytest.approx(0.881013, abs=1e-6)
    assert r.performance == 18_000 / 20_880 == pytest.approx(0.862069, abs=1e-6)
    assert r.quality == 0.975
    assert r.oee == 17_550 / 23_700 == pytest.approx(0.740506, abs=1e-6)
    assert r.oee == pytest.approx(r.availability * r.performance * r.quality, rel=1e-12)
    assert r.oee_capped == r.oee and r.performance_capped == r.performance
    assert r.scrap_rate == 0.025
    assert r.good_per_run_hour == pytest.approx(2017.241, abs=1e-3)  # 11,700 / 5.8 h
    assert r.good_per_planned_hour == pytest.approx(1777.215, abs=1e-3)  # 11,700 / 6.583 h
    assert r.failures == 3
    assert r.mtbf_s == 6_960  # 20,880 s / 3
    assert r.mttr_s == 1_140  # (30 min to repaired_at + 12 + 15) / 3
    assert kpi.fmt_ratio(r.oee) == "74.1 %" and kpi.fmt_ratio(None) == "—"


def test_worked_example_six_big_losses_and_waterfall(example) -> None:
    r = example
    assert {loss.key: (loss.category, loss.seconds) for loss in r.six_big_losses} == {
        "breakdowns": ("availability", 2_820), "setup": ("planned", 2_400),
        "small_stops": ("performance", 720), "slow_cycles": ("performance", 2_160),
        "production_rejects": ("quality", 360), "startup_rejects": ("quality", 90),
    }
    assert [(s.key, s.seconds) for s in r.waterfall] == [
        ("all", 28_800), ("unscheduled", 0), ("breaks", -2_700), ("setup", -2_400),
        ("ppt", 23_700), ("breakdowns", -2_820), ("run", 20_880), ("small_stops", -720),
        ("slow_cycles", -2_160), ("net_run", 18_000), ("production_rejects", -360),
        ("startup_rejects", -90), ("fully_productive", 17_550),
    ]
    waterfall_adds_up(r)
    # the whole waterfall: all time minus every loss is the fully productive time
    assert sum(s.us for s in r.waterfall if s.kind != "total") == \
        r.waterfall[-1].us - r.waterfall[0].us
    label, seconds, *_ = r.waterfall[0]
    assert (label, seconds) == ("All time", 28_800)


def test_vorne_variant_counts_changeovers_as_availability_loss() -> None:
    shift = shiftcal.shift_at(DEMO, T(7))
    r = kpi.oee_for_shift(shift, stops=EXAMPLE_STOPS, counts=EXAMPLE_COUNTS, ideal_cycle_s=1.5,
                          now=T(15), startup_window_s=300, planned_stops_reduce_availability=True)
    assert r.planned_production_s == 26_100 and r.run_s == 20_880
    assert r.availability == 0.8
    assert r.oee == 17_550 / 26_100
    assert [s.key for s in r.waterfall][:6] == ["all", "unscheduled", "breaks", "ppt", "setup",
                                                "breakdowns"]
    assert dict((loss.key, loss.category) for loss in r.six_big_losses)["setup"] == "availability"
    waterfall_adds_up(r)


# --------------------------------------------------------------------------- edges

WIN = Interval(T(6), T(14))


def test_stop_overlapping_a_break_and_a_planned_stop_is_counted_once() -> None:
    brk = [Interval(T(9), T(9, 30))]
    stops = [
        stop(T(8, 50), T(9, 40), U, "ELEC"),  # 50 min, 30 of them in the break
        stop(T(9, 20), T(9, 50), P, "PLANNED-MAINT"),  # 10 min in the break
        stop(T(9, 45), T(9, 55), U, "MECH"),  # overlaps the other two stops
        stop(T(9, 52), T(9, 53), M),  # inside an unplanned stop: not a small stop
    ]
    r = compute_oee(WIN, stops=stops, counts=[], ideal_cycle_s=2.0, breaks=brk, now=T(15))
    assert r.break_s == 1_800
    assert r.setup_s == 20 * 60  # 09:30-09:50
    assert r.unplanned_stop_s == (10 + 5) * 60  # 08:50-09:00 and 09:50-09:55
    assert r.micro_stop_s == 0
    assert r.planned_production_s == 8 * 3600 - 50 * 60
    assert r.failures == 2
    waterfall_adds_up(r)


def test_window_in_progress_and_open_stop_end_at_now() -> None:
    stops = [stop(T(9), None, U, "ELEC")]  # still going on
    counts = [CountRecord(T(8), good=1000), CountRecord(T(9, 30), good=5)]
    r = compute_oee(WIN, stops=stops, counts=counts, ideal_cycle_s=3.0, now=T(10))
    assert r.in_progress and r.window == Interval(T(6), T(10))
    assert r.requested_window == WIN
    assert r.all_time_s == 4 * 3600 and r.planned_production_s == 4 * 3600
    assert r.unplanned_stop_s == 3600 and r.run_s == 3 * 3600
    assert r.good == 1005
    assert r.performance == 3.0 * 1005 / (3 * 3600)
    assert r.mttr_s == 3600  # the open stop's repair so far
    # an hour later the same records give more downtime: nothing is cached
    later = compute_oee(WIN, stops=stops, counts=counts, ideal_cycle_s=3.0, now=T(11))
    assert later.unplanned_stop_s == 7200


def test_window_not_started_yet_has_no_ratios() -> None:
    r = compute_oee(WIN, stops=[], counts=[], ideal_cycle_s=1.5, now=T(5))
    assert r.all_time_s == 0 and r.in_progress
    assert (r.availability, r.performance, r.quality, r.oee) == (None, None, None, None)
    assert r.mtbf_s is None and r.mttr_s is None and r.scrap_rate is None
    assert r.good_per_run_hour is None and r.good_per_planned_hour is None


def test_zero_production_gives_zero_performance_and_no_quality() -> None:
    r = compute_oee(WIN, stops=[], counts=[], ideal_cycle_s=1.5, now=T(15))
    assert r.availability == 1.0
    assert r.performance == 0.0  # the machine had 8 h run time and made nothing
    assert r.quality is None  # no parts: no quality figure, not 0 % and not 100 %
    assert r.oee == 0.0
    assert r.slow_cycle_s == 8 * 3600
    waterfall_adds_up(r)


def test_all_planned_stop_time_gives_no_ratios_instead_of_division_by_zero() -> None:
    r = compute_oee(WIN, stops=[stop(T(5), T(15), P, "PLANNED-MAINT")], counts=[],
                    ideal_cycle_s=1.5, now=T(15))
    assert r.planned_production_s == 0
    assert (r.availability, r.performance, r.oee) == (None, None, None)
    # breakdown all shift long: availability 0 %, performance undefined
    r = compute_oee(WIN, stops=[stop(T(5), T(15), U, "ELEC")], counts=[],
                    ideal_cycle_s=1.5, now=T(15))
    assert r.availability == 0.0 and r.performance is None and r.oee == 0.0


def test_performance_above_100_percent_is_kept_and_warned_about() -> None:
    counts = [CountRecord(T(7), good=19_000, scrap=1_000)]  # 20,000 parts in 8 h
    r = compute_oee(WIN, stops=[], counts=counts, ideal_cycle_s=1.8, now=T(15))
    assert r.performance == 1.25  # 1.8 s x 20,000 / 28,800 s: raw, not clipped
    assert r.performance_exceeded and r.performance_capped == 1.0
    assert r.oee == 1.1875  # 1.8 s x 19,000 / 28,800 s
    assert r.oee_capped == 0.95
    assert len(r.warnings) == 1
    assert "125.0 %" in r.warnings[0] and "1.8 s" in r.warnings[0]
    assert "ideal cycle time" in r.warnings[0]
    assert r.slow_cycle_s == 0 and r.speed_gain_s == 7_200
    assert [s.key for s in r.waterfall if s.kind == "gain"] == ["speed_gain"]
    waterfall_adds_up(r)


def test_no_ideal_cycle_time_keeps_availability_and_quality() -> None:
    counts = [CountRecord(T(7), good=90, scrap=10)]
    r = compute_oee(WIN, stops=[stop(T(8), T(9), U, "ELEC")], counts=counts,
                    ideal_cycle_s=0.0, now=T(15))
    assert r.availability == 7 / 8 and r.quality == 0.9
    assert r.performance is None and r.oee is None and r.ideal_cycle_s is None
    assert r.slow_cycle_s is None and r.fully_productive_s is None
    assert "No ideal cycle time" in r.warnings[0]
    assert r.waterfall[-1].key == "run"
    waterfall_adds_up(r)


def test_startup_rejects_after_the_end_of_stops() -> None:
    stops = [stop(T(7), T(7, 30), P, "CHANGEOVER"), stop(T(10), T(10, 20), U, "ELEC"),
             stop(T(11), T(11, 0, 30), M)]
    counts = [
        CountRecord(T(5, 58), scrap=100),  # outside the window
        CountRecord(T(6, 1), scrap=1),  # the shift start is not a restart here
        CountRecord(T(7, 30), scrap=3),  # at the end of the changeover: start-up
        CountRecord(T(7, 39, 59), scrap=4),  # 9:59 after it: start-up
        CountRecord(T(7, 40), scrap=5),  # 10 min after: production
        CountRecord(T(10, 25), scrap=6),  # after the breakdown: start-up
        CountRecord(T(11, 1), scrap=7),  # after a micro-stop: production
        CountRecord(T(12), good=1000),
    ]
    r = compute_oee(WIN, stops=stops, counts=counts, ideal_cycle_s=2.0, now=T(15),
                    startup_window_s=600)
    assert r.scrap == 26 and r.startup_scrap == 13 and r.production_scrap == 13
    assert r.startup_reject_s == 26 and r.production_reject_s == 26
    # a stop ending just before the window still makes a start-up window inside it
    r = compute_oee(Interval(T(7, 35), T(14)), stops=stops, counts=counts, ideal_cycle_s=2.0,
                    now=T(15), startup_window_s=600)
    assert r.startup_scrap == 4 + 6
    # the same records without a start-up window: every reject is a production reject
    r = compute_oee(WIN, stops=stops, counts=counts, ideal_cycle_s=2.0, now=T(15))
    assert r.startup_scrap == 0 and r.production_reject_s == 52


def test_mtbf_and_mttr_count_a_split_stop_once() -> None:
    stops = [
        stop(T(7), T(7, 10), U, "ELEC", cause="faulted"),
        stop(T(7, 10), T(7, 40), U, "WAIT-MAINT", repaired_at=T(7, 35)),  # split part
        stop(T(9), T(9, 20), U, "MECH-JAM"),
        stop(T(11), T(11, 1), M),  # micro: not a failure
        stop(T(12), T(12, 30), P, "CHANGEOVER"),  # planned: not a failure
        stop(T(12, 10), T(12, 20), U, "ELEC"),  # wholly inside the changeover: no failure
    ]
    r = compute_oee(WIN, stops=stops, counts=[], ideal_cycle_s=1.0, now=T(15))
    assert r.failures == 2
    assert r.unplanned_stop_s == 60 * 60
    assert r.run_s == 8 * 3600 - 30 * 60 - 60 * 60
    assert r.mtbf_s == r.run_s / 2
    assert r.mttr_s == (35 * 60 + 20 * 60) / 2


def test_counts_unsorted_and_outside_the_window() -> None:
    counts = [CountRecord(T(13), good=3), CountRecord(T(6), good=1), CountRecord(T(14), good=50),
              CountRecord(T(9), good=2, scrap=1), CountRecord(T(5, 59, 59), good=70)]
    r = compute_oee(WIN, stops=[], counts=counts, ideal_cycle_s=1.0, now=T(15))
    assert (r.good, r.scrap) == (6, 1)
    idx = kpi.CountIndex.of(counts)
    assert kpi.CountIndex.of(idx) is idx
    assert idx.totals(T(6), T(14, 0, 1)) == (56, 1)


def test_bad_input_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="ends .* before it starts"):
        compute_oee(Interval(T(14), T(6)), stops=[], counts=[], ideal_cycle_s=1, now=T(15))
    with pytest.raises(ValueError, match="has no time zone"):
        compute_oee(WIN, stops=[stop(dt.datetime(2026, 3, 2, 8), None, U)], counts=[],
                    ideal_cycle_s=1, now=T(15))
    with pytest.raises(ValueError, match="good=-2, scrap=0; counts are increments"):
        compute_oee(WIN, stops=[], counts=[CountRecord(T(7), good=-2)], ideal_cycle_s=1,
                    now=T(15))
    with pytest.raises(ValueError, match="start-up window must be 0 s or longer"):
        compute_oee(WIN, stops=[], counts=[], ideal_cycle_s=1, now=T(15), startup_window_s=-1)


# --------------------------------------------------------------------------- Pareto


PARETO_STOPS = [
    stop(T(7), T(7, 20), U, "MECH-JAM", "Part jammed"),
    stop(T(8), T(8, 5), U, "MECH-JAM", "Part jammed"),
    stop(T(8, 30), T(8, 35), U, "MECH-JAM", "Part jammed"),
    stop(T(9), T(9, 40), P, "CHANGEOVER", "Changeover"),
    stop(T(10), T(10, 10), U, None),  # unclassified
    stop(T(10, 30), T(10, 32), U, None),
    stop(T(11), T(11, 1), M),  # micro: excluded
    stop(T(5, 30), T(6, 10), U, "ELEC", "Electrical"),  # 10 min inside the window
    stop(T(4), T(5), U, "QUAL", "Quality"),  # outside: excluded
    stop(T(13, 50), None, U, "MAT-STARVED", "Starved (no material)"),  # open: 10 min to now
]


def test_pareto_by_seconds_with_cumulative_share() -> None:
    rows = pareto(PARETO_STOPS, WIN, now=T(15), by="seconds")
    assert [(r.reason_code, r.count, r.seconds) for r in rows] == [
        ("CHANGEOVER", 1, 2400), ("MECH-JAM", 3, 1800), (None, 2, 720),
        ("ELEC", 1, 600), ("MAT-STARVED", 1, 600),
    ]
    total = 2400 + 1800 + 720 + 600 + 600
    assert [r.cumulative_share for r in rows] == [
        2400 / total, 4200 / total, 4920 / total, 5520 / total, 1.0]
    assert rows[0].reason_name == "Changeover" and rows[2].reason_name is None


def test_pareto_by_count_and_with_breaks() -> None:
    rows = pareto(PARETO_STOPS, WIN, now=T(15), by="count")
    assert [(r.reason_code, r.count) for r in rows][:2] == [("MECH-JAM", 3), (None, 2)]
    assert rows[-1].cumulative_share == 1.0 and rows[0].cumulative_share == 3 / 8
    rows = pareto(PARETO_STOPS, WIN, now=T(15), breaks=[Interval(T(9), T(9, 30))])
    assert [r.reason_code for r in rows] == ["MECH-JAM", None, "CHANGEOVER", "ELEC",
                                             "MAT-STARVED"]
    assert rows[2] == ("CHANGEOVER", "Changeover", 1, 600, 3120 / 4320)  # 10 of 40 min left
    assert pareto([], WIN, now=T(15)) == []
    with pytest.raises(ValueError, match="Pareto by 'minutes'"):
        pareto(PARETO_STOPS, WIN, now=T(15), by="minutes")


# --------------------------------------------------------------------------- rollups


def _day_of_counts(day_start: dt.datetime, hours: int) -> list[CountRecord]:
    return [CountRecord(day_start + dt.timedelta(minutes=m), good=20, scrap=1)
            for m in range(hours * 60)]


def test_oee_by_shifts_over_a_demo_day() -> None:
    counts = _day_of_counts(T(0), 24)
    stops = [stop(T(15), T(15, 30), U, "ELEC")]
    day = shiftcal.day_interval(dt.date(2026, 3, 2), BERLIN)
    rows = kpi.oee_by_shifts(DEMO, day, stops=stops, counts=counts, ideal_cycle_s=1.0,
                             now=T(23))
    assert [(r.shift.name, r.partial) for r in rows] == [
        ("Night", True), ("Early", False), ("Late", False), ("Night", True)]
    night0, early, late, night1 = (r.result for r in rows)
    assert night0.all_time_s == 6 * 3600 and night0.break_s == 30 * 60
    assert early.planned_production_s == 8 * 3600 - 45 * 60
    assert late.unplanned_stop_s == 1800 and late.good == 8 * 60 * 20
    assert night1.in_progress and night1.all_time_s == 3600 and night1.break_s == 0
    # a shift that has not started yet is not listed
    assert len(kpi.oee_by_shifts(DEMO, day, stops=stops, counts=counts, ideal_cycle_s=1.0,
                                 now=T(13))) == 2


def test_oee_by_day_on_dst_days_and_a_weekday() -> None:
    counts = _day_of_counts(T(0), 24)
    days = kpi.oee_by_day(DEMO, dt.date(2026, 3, 2), dt.date(2026, 3, 3), stops=[],
                          counts=counts, ideal_cycle_s=1.0, now=T(12, day=3))
    mon, tue = days
    assert mon.result.all_time_s == 24 * 3600 and mon.result.unscheduled_s == 0
    assert mon.result.break_s == (30 + 45 + 45 + 15) * 60
    assert mon.result.good == 24 * 60 * 20
    assert tue.result.in_progress and tue.result.all_time_s == 12 * 3600
    # Sunday 2026-03-29 has 23 hours; only the Night shift from 22:00 is scheduled
    spring = kpi.oee_by_day(DEMO, dt.date(2026, 3, 29), stops=[], counts=[], ideal_cycle_s=1.0,
                            now=dt.datetime(2026, 4, 1, tzinfo=UTC))[0].result
    assert spring.all_time_s == 23 * 3600
    assert spring.unscheduled_s == 21 * 3600
    assert spring.break_s == 15 * 60
    assert spring.planned_production_s == 2 * 3600 - 15 * 60
    autumn = kpi.oee_by_day(DEMO, dt.date(2026, 10, 25), stops=[], counts=[], ideal_cycle_s=1.0,
                            now=dt.datetime(2026, 11, 1, tzinfo=UTC))[0].result
    assert autumn.all_time_s == 25 * 3600 and autumn.planned_production_s == 2 * 3600 - 15 * 60
    # days that have not begun are not listed
    assert len(kpi.oee_by_day(DEMO, dt.date(2026, 3, 2), dt.date(2026, 3, 9), stops=[],
                              counts=[], ideal_cycle_s=1.0, now=T(12, day=3))) == 2


def test_dst_night_shift_planned_production_time() -> None:
    spring = shiftcal.shift_at(ROUND_THE_CLOCK, dt.datetime(2026, 3, 29, 0, tzinfo=UTC))
    stops = [stop(spring.start + dt.timedelta(hours=3), spring.start + dt.timedelta(hours=4), U,
                  "ELEC")]  # 01:00-02:00 CET, just before the gap
    r = kpi.oee_for_shift(spring, stops=stops, counts=[], ideal_cycle_s=1.0,
                          now=dt.datetime(2026, 3, 30, tzinfo=UTC))
    assert r.all_time_s == 7 * 3600
    assert r.planned_production_s == 7 * 3600 - 45 * 60
    assert r.run_s == 6 * 3600 - 45 * 60
    autumn = shiftcal.shift_at(ROUND_THE_CLOCK, dt.datetime(2026, 10, 25, 0, tzinfo=UTC))
    r = kpi.oee_for_shift(autumn, stops=[], counts=[], ideal_cycle_s=1.0,
                          now=dt.datetime(2026, 10, 26, tzinfo=UTC))
    assert r.all_time_s == 9 * 3600 and r.planned_production_s == 9 * 3600 - 45 * 60


def test_order_range_and_generic_intervals_agree_with_compute_oee() -> None:
    # an order running Friday 12:00 to Monday 08:00: the weekend is not scheduled
    fri, mon = T(12, day=6), T(8, day=9)
    counts = [CountRecord(T(13, day=6), good=100), CountRecord(T(7, day=9), good=50, scrap=5)]
    r = kpi.oee_for_range(Interval(fri, mon), spec=DEMO, stops=[], counts=counts,
                          ideal_cycle_s=60.0, now=T(9, day=9))
    scheduled = 2 * 3600 + 8 * 3600 + 2 * 3600 + 8 * 3600  # Fri 12-22, Sun 22 - Mon 08
    assert r.unscheduled_s == r.all_time_s - scheduled
    breaks = 45 * 60 + 45 * 60  # Friday Late, Sunday Night (Friday's lunch ends at 12:00)
    assert r.break_s == breaks
    assert r.planned_production_s == scheduled - breaks
    assert r.good == 150 and r.scrap == 5
    plain = kpi.compute_oee(Interval(fri, mon), stops=[], counts=counts, ideal_cycle_s=60.0,
                            now=T(9, day=9))
    assert plain.planned_production_s == plain.all_time_s  # no calendar: all of it
    windows = [Interval(T(6), T(10)), Interval(T(10), T(14))]
    many = kpi.oee_for_intervals(windows, stops=EXAMPLE_STOPS, counts=EXAMPLE_COUNTS,
                                 ideal_cycle_s=1.5, now=T(15))
    for w, res in zip(windows, many, strict=True):
        one = compute_oee(w, stops=EXAMPLE_STOPS, counts=EXAMPLE_COUNTS, ideal_cycle_s=1.5,
                          now=T(15))
        assert res == one
