"""Inspections at the station: plan from master data, due prompts, gauge and entry checks,
SPC rules on entry against frozen limits, re-measurement, audited limit freezing.

Real demo store (tests/fixtures/station.py) plus a test plan imported through the real
master-data import, a real DbWorker and an injected clock. No mocks.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from sqlalchemy import func, select

from hmi.services import spc
from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.inspection_due import Trigger
from hmi.services.inspections import (
    CHECK_NAME,
    InspectionError,
    InspectionService,
    register_checks,
)
from hmi.services.masterdata import import_file
from hmi.services.permissions import PermissionDenied
from hmi.services.prerequisites import PrerequisiteRegistry, StartContext
from hmi.services.worker import DbWorker
from hmi.store.models import InspectionResult, SpcLimitsEvent
from hmi.store.security import AuditEntry

STATION = "ST-10"
ORDER = "WO-T-1"
T0 = dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC)

PLAN = """
format_version = 1

[[gauges]]
code = "G-OK"
name = "Depth gauge"
kind = "depth_gauge"
resolution = 0.01
range_min = 0.0
range_max = 20.0
unit = "mm"
calibration_due = 2027-06-30

[[gauges]]
code = "G-OLD"
name = "Depth gauge, calibration overdue"
kind = "depth_gauge"
resolution = 0.01
unit = "mm"
calibration_due = 2026-03-12

[[gauges]]
code = "C-1"
name = "Caliper"
kind = "caliper"
resolution = 0.01
unit = "mm"
calibration_due = 2027-01-31T00:00:00+01:00

[[inspection_plans]]
code = "IP-T"
name = "Test plan"
product = "BRK-100"
operation = "Press"
grace_minutes = 10

[[inspection_plans.characteristics]]
code = "DEPTH"
name = "Insertion depth"
type = "variable"
target = 12.0
lsl = 11.8
usl = 12.2
unit = "mm"
resolution = 0.01
physical_min = 0.0
physical_max = 25.0
chart = "imr"
reaction = "reinspect"
gauge_kind = "depth_gauge"
frequencies = [
  { trigger = "first_piece" }, { trigger = "every_parts", every = 5 },
  { trigger = "every_minutes", every = 30 }, { trigger = "shift_start" },
  { trigger = "changeover" }, { trigger = "after_downtime" }, { trigger = "recipe_change" },
]

[[inspection_plans.characteristics]]
code = "BORE"
name = "Bore diameter"
type = "variable"
lsl = 7.9
usl = 8.1
unit = "mm"
resolution = 0.001
subgroup_size = 3
chart = "xbar_r"
reaction = "hold"
every_units = 100

[[inspection_plans.characteristics]]
code = "VIS"
name = "Visual"
type = "attribute"
subgroup_size = 10
defect_codes = ["BURR", "CRACK"]
chart = "c"
reaction = "andon"
frequencies = [{ trigger = "shift_start" }]

[[inspection_plans.characteristics]]
code = "GUARD"
name = "Guard closes"
type = "checklist"
frequencies = [{ trigger = "changeover" }]

[[work_orders]]
code = "WO-T-1"
product = "BRK-100"
quantity = 100
operations = [{ sequence = 10, name = "Press", station = "ST-10", inspection_plan = "IP-T" }]
"""


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def add(self, **kw: float) -> dt.datetime:
        self.now += dt.timedelta(**kw)
        return self.now


class Station:
    def __init__(self, qtbot, sf, worker) -> None:
        self.qtbot = qtbot
        self.sf = sf
        self.clock = Clock()
        self.svc = InspectionService(worker, sf, STATION, AuditWriter(STATION),
                                     clock=self.clock)
        self.signals: dict[str, list] = {n: [] for n in (
            "fired", "hold", "andon", "suspect", "recorded", "error")}
        self.svc.sig_rule_fired.connect(self.signals["fired"].append)
        self.svc.sig_hold_requested.connect(self.signals["hold"].append)
        self.svc.sig_andon_requested.connect(self.signals["andon"].append)
        self.svc.sig_suspect.connect(lambda c, n: self.signals["suspect"].append((c, n)))
        self.svc.sig_recorded.connect(self.signals["recorded"].append)
        self.svc.sig_error.connect(self.signals["error"].append)

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.svc.busy, timeout=5000)

    def start(self) -> None:
        self.svc.order_started(ORDER)
        self.settle()

    def record(self, actor, char, values, **kw):
        """Record and return the outcome the service reports once it is stored."""
        got = []
        fut = self.svc.record(actor, char, values, on_done=got.append, **kw)
        self.settle()
        assert fut.exception() is None and got == [self.signals["recorded"][-1]]
        return got[0]

    def due(self) -> dict[str, str]:
        return {d.characteristic: d.reason.value for d in self.svc.due()}

    def results(self) -> list[InspectionResult]:
        with self.sf() as s:
            return list(s.scalars(select(InspectionResult).order_by(InspectionResult.seq)))


@pytest.fixture(scope="module")
def people(demo_people):
    return demo_people


@pytest.fixture
def worker(qapp):
    w = DbWorker()
    yield w
    w.shutdown()


@pytest.fixture
def st(qtbot, demo_store, worker, tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(textwrap.dedent(PLAN), encoding="utf-8")
    import_file(demo_store, path, station_id=STATION)
    return Station(qtbot, demo_store, worker)


def audit_actions(sf) -> list[tuple[str, str | None]]:
    with sf() as s:
        return [(a.action, a.actor_badge) for a in s.scalars(
            select(AuditEntry).where(AuditEntry.action.like("inspection.%")
                                     | AuditEntry.action.like("spc.%"))
            .order_by(AuditEntry.seq))]


# --------------------------------------------------------------------------- plan and due


def test_the_plan_of_the_order_operation_loads_with_its_frequencies_and_gauges(st):
    st.start()
    run = st.svc.run()
    assert (run.plan_code, run.plan_version, run.order_code, run.operation_sequence) == (
        "IP-T", 1, ORDER, 10)
    assert run.grace == dt.timedelta(minutes=10)
    depth = run.characteristics["DEPTH"]
    assert [f.trigger for f in depth.frequencies] == [
        Trigger.FIRST_PIECE, Trigger.EVERY_PARTS, Trigger.EVERY_MINUTES, Trigger.SHIFT_START,
        Trigger.CHANGEOVER, Trigger.AFTER_DOWNTIME, Trigger.RECIPE_CHANGE,
        Trigger.SPC_ALARM]  # reaction "reinspect" adds the SPC alarm trigger
    # every_units in the file became an every_parts frequency
    assert [(f.trigger, f.every) for f in run.characteristics["BORE"].frequencies] == [
        (Trigger.EVERY_PARTS, 100)]
    assert {"C-1", "G-OK", "G-OLD", "G-12"} <= set(run.gauges)  # the demo's too
    assert run.gauges["G-OLD"].calibration_due == dt.datetime(2026, 3, 12, tzinfo=dt.UTC)
    assert st.due() == {}


def test_every_trigger_makes_its_characteristics_due(st, people):
    anna = people["anna"]
    st.start()

    st.svc.parts_counted(1)
    assert st.due() == {"DEPTH": "first_piece"}
    st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")
    assert st.due() == {}

    st.svc.parts_counted(4)
    assert st.due() == {}
    st.svc.parts_counted(1)  # the fifth part since the last inspection
    assert st.due() == {"DEPTH": "every_parts"}
    st.record(anna, "DEPTH", ["12.01"], gauge_code="G-OK")

    st.svc.tick(st.clock.add(minutes=29))
    assert st.due() == {}
    st.svc.tick(st.clock.add(minutes=1))
    assert st.due() == {"DEPTH": "every_minutes"}
    st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")

    st.svc.shift_started()
    assert st.due() == {"DEPTH": "shift_start", "VIS": "shift_start"}
    st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")
    st.record(anna, "VIS", [], defects={})

    st.svc.changeover_ended()
    assert st.due() == {"DEPTH": "changeover", "GUARD": "changeover"}
    st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")
    st.record(anna, "GUARD", ["ok"])

    st.svc.back_from_stop()
    assert st.due() == {"DEPTH": "after_downtime"}
    st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")

    st.svc.recipe_downloaded()
    assert st.due() == {"DEPTH": "recipe_change"}
    out = st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")
    assert out.due_reason == "recipe_change"
    assert st.results()[-1].due_reason == "recipe_change"

    st.svc.order_ended()
    st.svc.tick(st.clock.add(hours=2))  # time does not count while no order runs
    assert st.due() == {}


def test_overdue_blocks_the_next_start_and_counts_suspect_parts(st, people):
    registry = PrerequisiteRegistry()
    register_checks(registry, st.svc)
    ctx = StartContext(STATION, ORDER, "BRK-100", people["anna"])
    st.start()
    st.svc.parts_counted(1)
    st.clock.add(minutes=9)
    st.svc.parts_counted(1)  # due, not overdue yet: not suspect
    assert registry.evaluate(ctx) == []
    st.clock.add(minutes=1)
    st.svc.parts_counted(3)
    blockers = registry.evaluate(ctx)
    assert [b.check for b in blockers] == [CHECK_NAME]
    assert "DEPTH (Insertion depth)" in blockers[0].reason
    assert "3 part(s) made meanwhile count as suspect" in blockers[0].what_to_do
    assert [d.suspect_parts for d in st.svc.blocking()] == [3]

    out = st.record(people["anna"], "DEPTH", ["12.00"], gauge_code="G-OK")
    assert out.suspect_parts == 3
    assert st.signals["suspect"] == [("DEPTH", 3)]
    assert registry.evaluate(ctx) == []


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("char", "values", "kw", "message"), [
    ("DEPTH", ["abc"], {"gauge_code": "G-OK"}, "“abc” is not a number"),
    ("DEPTH", ["12.005"], {"gauge_code": "G-OK"}, "more digits than the gauge resolves"),
    ("DEPTH", ["-1"], {"gauge_code": "G-OK"}, "impossible here (it cannot be below 0 mm)"),
    # the gauge's range (0..20) is tighter than the characteristic's (0..25)
    ("DEPTH", ["21"], {"gauge_code": "G-OK"}, "impossible here (it cannot be above 20 mm)"),
    ("DEPTH", ["12.00"], {}, "Scan the gauge you measure Insertion depth with (a depth_gauge)"),
    ("DEPTH", ["12.00"], {"gauge_code": "G-99"}, "G-99 is not a known gauge"),
    ("DEPTH", ["12.00"], {"gauge_code": "C-1"},
     "Gauge C-1 is a caliper; Insertion depth must be measured with a depth_gauge"),
    ("DEPTH", ["12.00"], {"gauge_code": "G-OLD"},
     "Gauge G-OLD was due for calibration on 12.03.2026; it cannot be used. Take another "
     "gauge or ask quality."),
    ("BORE", ["8.000", "8.001"], {}, "Bore diameter needs 3 value(s) per inspection; 2 were"),
    # BORE resolves 0.001, but the caliper named only 0.01
    ("BORE", ["8.00", "8.01", "8.005"], {"gauge_code": "C-1"},
     "Value 3: 8.005 has more digits than the gauge resolves (0.01 mm steps)"),
    ("VIS", [], {"defects": {"DENT": 1}}, "DENT is not a defect code of Visual"),
    ("VIS", ["2"], {"defects": {"BURR": 1}}, "The count 2 does not match the defects listed"),
    ("GUARD", ["maybe"], {}, "Answer Guard closes with OK or not OK"),
])
def test_bad_entries_are_refused_with_the_reason_and_nothing_is_stored(
        st, people, char, values, kw, message):
    st.start()
    with pytest.raises(InspectionError) as caught:
        st.svc.record(people["anna"], char, values, **kw)
    assert message in str(caught.value)
    st.settle()
    assert st.results() == []


def test_a_gauge_is_usable_until_its_due_date(st, people):
    st.start()
    st.clock.now = dt.datetime(2026, 3, 11, 23, 59, tzinfo=dt.UTC)
    st.record(people["anna"], "DEPTH", ["12.00"], gauge_code="G-OLD")
    st.clock.now = dt.datetime(2026, 3, 12, 0, 0, tzinfo=dt.UTC)
    with pytest.raises(InspectionError, match="was due for calibration on 12.03.2026"):
        st.svc.record(people["anna"], "DEPTH", ["12.00"], gauge_code="G-OLD")
    assert [r.gauge_code for r in st.results()] == ["G-OLD"]


def test_recording_needs_the_permission(st, people):
    st.start()
    with pytest.raises(PermissionDenied, match="may not record inspection results"):
        st.svc.record(people["david"], "DEPTH", ["12.00"], gauge_code="G-OK")
    assert st.results() == []


# --------------------------------------------------------------------------- results


def test_results_store_verdict_gauge_quantity_and_defects(st, people):
    anna = people["anna"]
    st.start()
    ok = st.record(anna, "BORE", ["8.000", "8.012", "7.995"], comment=" first ")
    bad = st.record(anna, "BORE", ["8.000", "8.120", "7.995"])
    vis = st.record(anna, "VIS", [], defects={"BURR": 2, "CRACK": 1}, quantity_inspected=8)
    assert (ok.passed, bad.passed, vis.passed) == (True, False, False)
    assert "8.12 mm is ABOVE the upper limit 8.1 mm by 0.02 mm." in bad.verdicts
    rows = st.results()
    assert [(r.characteristic_code, r.values, r.passed, r.quantity_inspected) for r in rows] == [
        ("BORE", [8.0, 8.012, 7.995], True, 3), ("BORE", [8.0, 8.12, 7.995], False, 3),
        ("VIS", [3], False, 8)]
    assert rows[0].comment == "first" and rows[0].actor_badge == "1001"
    assert rows[2].defects == {"BURR": 2, "CRACK": 1} and rows[2].defect_code == "BURR"
    assert all((r.plan_code, r.plan_version, r.order_code) == ("IP-T", 1, ORDER) for r in rows)
    # failed results are audited, passed ones are not
    assert audit_actions(st.sf) == [("inspection.failed", "1001"), ("inspection.failed", "1001")]


def test_remeasurement_is_a_new_result_and_the_old_one_stays(st, people):
    anna = people["anna"]
    st.start()
    first = st.record(anna, "DEPTH", ["12.25"], gauge_code="G-OK")
    assert not first.passed
    second = st.record(anna, "DEPTH", ["12.10"], gauge_code="G-OK",
                       remeasure_of=first.result_id, comment="part re-seated")
    assert second.passed and second.supersedes_id == first.result_id
    rows = st.results()
    assert [(str(r.id), r.values, r.passed, r.supersedes_id and str(r.supersedes_id))
            for r in rows] == [(first.result_id, [12.25], False, None),
                               (second.result_id, [12.1], True, first.result_id)]
    assert [a for a, _ in audit_actions(st.sf)] == ["inspection.failed",
                                                     "inspection.remeasured"]
    # the chart shows the re-measurement in place of the first value
    assert st.svc.chart_points("DEPTH") == [(second.result_id, 12.1)]
    # the replaced result cannot be re-measured a second time
    fut = st.svc.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK",
                        remeasure_of=first.result_id)
    st.settle()
    assert "already re-measured" in str(fut.exception())
    assert st.signals["error"] and len(st.results()) == 2


def test_the_plan_version_is_pinned_for_the_order(st, people, tmp_path):
    st.start()
    st.record(people["anna"], "GUARD", ["ok"])
    changed = tmp_path / "v2.toml"
    changed.write_text(textwrap.dedent(PLAN).replace("grace_minutes = 10",
                                                     "grace_minutes = 5"), encoding="utf-8")
    assert import_file(st.sf, changed, station_id=STATION).counts["inspection_plans"].created == 1
    st.svc.open(ORDER)
    st.settle()
    assert (st.svc.run().plan_version, st.svc.run().grace) == (1, dt.timedelta(minutes=10))


# --------------------------------------------------------------------------- SPC


BASELINE = ["12.00", "12.02", "11.98", "12.01", "11.99", "12.00", "12.02", "11.98", "12.01",
            "11.99"]


def _baseline(st, anna, char="DEPTH", values=BASELINE) -> list[str]:
    return [st.record(anna, char, [v], gauge_code="G-OK").result_id for v in values]


def test_limits_are_frozen_from_the_chosen_baseline_and_a_recalculation_is_audited(
        st, people):
    anna, clara = people["anna"], people["clara"]
    st.start()
    ids = _baseline(st, anna)
    with pytest.raises(PermissionDenied):
        st.svc.freeze_limits(anna, "DEPTH", ids, "baseline")
    with pytest.raises(InspectionError, match="Say why"):
        st.svc.freeze_limits(clara, "DEPTH", ids, "  ")
    with pytest.raises(InspectionError, match="no control chart"):
        st.svc.freeze_limits(clara, "GUARD", ids, "x")

    st.svc.freeze_limits(clara, "DEPTH", ids, "baseline after die change")
    st.settle()
    x, mr, sigma = spc.imr([float(v) for v in BASELINE])
    lim = st.svc.limits("DEPTH")
    assert (lim.center, lim.ucl, lim.lcl) == pytest.approx((x.center, x.ucl, x.lcl))
    assert (lim.center2, lim.ucl2, lim.sigma_within) == pytest.approx((mr.center, mr.ucl,
                                                                       sigma))
    assert list(lim.baseline_ids) == ids

    st.svc.freeze_limits(clara, "DEPTH", ids[:5], "recalculated on the first five")
    st.settle()
    with st.sf() as s:
        events = list(s.scalars(select(SpcLimitsEvent).order_by(SpcLimitsEvent.seq)))
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action.like("spc.%"))
                                 .order_by(AuditEntry.seq)))
        assert verify_chain(s, STATION).ok
    assert len(events) == 2 and events[1].supersedes_id == events[0].id
    assert events[1].baseline_ids == ids[:5]
    assert [(e.action, e.actor_badge) for e in entries] == [
        ("spc.limits_frozen", "2001"), ("spc.limits_recalculated", "2001")]
    assert entries[0].old_value is None
    assert entries[1].old_value["ucl"] == pytest.approx(x.ucl)
    assert entries[1].new_value["ucl"] == pytest.approx(events[1].ucl) != pytest.approx(x.ucl)
    assert entries[1].detail == "recalculated on the first five"
    assert st.svc.limits("DEPTH").id == events[1].id


def test_a_baseline_that_cannot_give_limits_is_refused(st, people):
    st.start()
    ids = _baseline(st, people["anna"], values=["12.00", "12.01"])
    fut = st.svc.freeze_limits(people["clara"], "DEPTH", ids, "too few")
    st.settle()
    assert "at least three values" in str(fut.exception())
    with st.sf() as s:
        assert s.scalar(select(func.count()).select_from(SpcLimitsEvent)) == 0


def test_a_point_beyond_the_limits_fires_rule_1_and_asks_for_a_reinspection(st, people):
    anna = people["anna"]
    st.start()
    st.svc.freeze_limits(people["clara"], "DEPTH", _baseline(st, anna), "baseline")
    st.settle()
    lim = st.svc.limits("DEPTH")
    clean = st.record(anna, "DEPTH", ["12.01"], gauge_code="G-OK")
    assert clean.rule_hits == () and st.signals["fired"] == []
    assert st.due() == {}

    beyond = round(lim.ucl + 0.01, 2)
    assert beyond <= 12.2  # in spec, yet out of control
    out = st.record(anna, "DEPTH", [f"{beyond:.2f}"], gauge_code="G-OK")
    assert out.passed
    assert [(h["rule"], h["points"]) for h in out.rule_hits] == [(1, [out.result_id])]
    alarm = st.signals["fired"][-1]
    assert (alarm.characteristic, alarm.reaction, alarm.points) == ("DEPTH", "reinspect",
                                                                    [out.result_id])
    assert "a point beyond the 3-sigma limits" in alarm.text
    assert st.results()[-1].rule_hits == [dict(out.rule_hits[0])]
    # reaction "reinspect": the characteristic is due again at once
    assert st.due() == {"DEPTH": "spc_alarm"}
    assert st.signals["hold"] == [] and st.signals["andon"] == []


def test_two_of_three_beyond_two_sigma_highlights_both_points(st, people):
    anna = people["anna"]
    st.start()
    st.svc.freeze_limits(people["clara"], "DEPTH", _baseline(st, anna), "baseline")
    st.settle()
    lim = st.svc.limits("DEPTH")
    high = lim.center + 2.5 * lim.sigma  # beyond 2 sigma, inside 3 sigma
    value = f"{round(high, 2):.2f}"
    assert lim.center + 2 * lim.sigma < float(value) < lim.ucl
    st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")  # the rule looks at three points
    first = st.record(anna, "DEPTH", [value], gauge_code="G-OK")
    assert first.rule_hits == ()
    second = st.record(anna, "DEPTH", [value], gauge_code="G-OK")
    assert [(h["rule"], h["points"]) for h in second.rule_hits] == [
        (5, [first.result_id, second.result_id])]
    assert st.signals["fired"][-1].points == [first.result_id, second.result_id]


def test_hold_and_andon_reactions_are_signalled_for_the_app_to_route(st, people):
    anna, clara = people["anna"], people["clara"]
    st.start()
    groups = [["8.000", "8.002", "7.998"], ["8.001", "7.999", "8.000"],
              ["7.999", "8.001", "8.002"], ["8.000", "7.998", "8.001"]]
    ids = [st.record(anna, "BORE", g).result_id for g in groups]
    st.svc.freeze_limits(clara, "BORE", ids, "baseline")
    vis = [st.record(anna, "VIS", [n]).result_id for n in ("1", "0", "2", "1", "1")]
    st.svc.freeze_limits(clara, "VIS", vis, "baseline")
    st.settle()

    st.record(anna, "BORE", ["8.001", "8.000", "7.999"])
    assert st.signals["hold"] == []
    out = st.record(anna, "BORE", ["8.030", "8.031", "8.029"])  # mean far above the UCL
    assert out.passed and [h["rule"] for h in out.rule_hits] == [1]
    hold = st.signals["hold"][-1]
    assert (hold.characteristic, hold.order_code, hold.result_id) == ("BORE", ORDER,
                                                                      out.result_id)

    c = spc.c_chart([1, 0, 2, 1, 1])
    many = str(int(c.ucl) + 1)
    out = st.record(anna, "VIS", [many])
    assert [h["rule"] for h in out.rule_hits] == [1]
    assert st.signals["andon"][-1].characteristic == "VIS"
    assert len(st.signals["hold"]) == 1


def test_capability_from_the_values_since_the_limits_were_frozen(st, people):
    anna = people["anna"]
    st.start()
    st.svc.freeze_limits(people["clara"], "DEPTH", _baseline(st, anna), "baseline")
    st.settle()
    after = ["12.00", "12.01", "11.99", "12.02", "11.98"]
    _baseline(st, anna, values=after)
    cap = st.svc.capability("DEPTH")
    lim = st.svc.limits("DEPTH")
    expected = spc.capability([float(v) for v in after], lsl=11.8, usl=12.2,
                              sigma_within=lim.sigma_within)
    assert cap == expected and cap.n == 5
    assert "too uncertain" in cap.warning
    with pytest.raises(InspectionError, match="measured characteristics only"):
        st.svc.capability("VIS")
