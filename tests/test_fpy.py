"""First-pass yield on constructed inspection histories (pure)."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest

from hmi.services.fpy import (
    DispositionFact,
    FpyResult,
    InspectionRecord,
    fpy,
    fpy_by_order,
    fpy_by_shift,
    from_disposition,
    from_result,
)

T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


def rec(rid, passed, serial=None, order="WO-1", **kw):
    return InspectionRecord(rid, passed, order, serial, **kw)


def test_serial_units_pass_first_time_only_if_every_characteristic_passed():
    records = [rec(1, True, "SN1"), rec(2, True, "SN1"),  # two characteristics, both pass
               rec(3, True, "SN2"), rec(4, False, "SN2"),  # one fails
               rec(5, True, "SN3")]
    r = fpy(records)
    assert (r.inspected, r.first_pass, r.remeasured, r.reworked) == (3, 2, 0, 0)
    assert r.rate == pytest.approx(2 / 3) and r.percent == pytest.approx(66.6667, abs=1e-3)
    assert fpy([]) == FpyResult(0, 0) and fpy([]).rate is None


def test_a_remeasurement_is_the_same_inspection_and_does_not_rescue_a_failure():
    records = [
        rec("a", False, "SN1"), rec("a2", True, "SN1", supersedes_id="a"),  # failed, re-measured ok
        rec("b", True, "SN2"), rec("b2", True, "SN2", supersedes_id="b"),   # doubted, confirmed
        rec("c", True, "SN3"), rec("c2", False, "SN3", supersedes_id="c"),  # re-measure found it
        rec("c3", True, "SN3", supersedes_id="c2"),                          # chain of three
    ]
    r = fpy(records)
    assert (r.inspected, r.first_pass, r.remeasured) == (3, 1, 3)


def test_partial_quantity_samples_count_only_the_units_inspected():
    records = [
        # 5 of the order's units measured for two characteristics (one form): one sample of 5
        rec(1, True, sample="form-1", quantity=5), rec(2, True, sample="form-1", quantity=5),
        # attribute check of 20 units, 2 defective
        rec(3, False, sample="form-2", quantity=20, failed_quantity=2),
        # a variable check of 3 units that failed, no count of bad units: all 3 fail
        rec(4, False, sample="form-3", quantity=3),
        # its re-measurement passes: still 3 failed, and not 3 more units
        rec(5, True, sample="form-3", quantity=3, supersedes_id=4),
    ]
    r = fpy(records)
    assert (r.inspected, r.first_pass) == (28, 23)
    assert r.remeasured == 1


def test_rework_makes_units_not_first_pass_without_counting_them_twice():
    records = [rec(1, True, "SN1"), rec(2, True, "SN2"), rec(3, False, "SN3"),
               rec(4, False, sample="f", quantity=10, failed_quantity=1)]
    base = fpy(records)
    assert (base.inspected, base.first_pass) == (13, 11)
    disps = [
        DispositionFact("rework", "serial", "SN1", 1),       # passed, but reworked after all
        DispositionFact("rework", "inspection", "3", 1),     # SN3 failed already: not twice
        DispositionFact("rework", "inspection", "4", 2),     # sample: 2 of its 10 reworked
        DispositionFact("scrap", "serial", "SN2", 1),        # scrap does not change FPY
    ]
    r = fpy(records, disps)
    assert (r.inspected, r.first_pass, r.reworked) == (13, 9, 4)
    # rework of never-inspected suspect units after a hold: inspected and not first-pass
    r = fpy(records, [DispositionFact("rework", "order", "WO-1", 5)])
    assert (r.inspected, r.first_pass, r.reworked) == (18, 11, 5)


def test_per_order_and_per_shift():
    def at(h):
        return T0 + dt.timedelta(hours=h)

    records = [rec(1, True, "A1", "WO-1", at=at(1)), rec(2, False, "A2", "WO-1", at=at(2)),
               rec(3, True, "B1", "WO-2", at=at(9)),
               # re-measured in the late shift: counts in the shift of the first result
               rec(4, True, "A2", "WO-1", supersedes_id=2, at=at(9))]
    disps = [DispositionFact("rework", "serial", "B1", 1, "WO-2", at(10))]
    by_order = fpy_by_order(records, disps)
    assert {k: (v.inspected, v.first_pass) for k, v in by_order.items()} == {
        "WO-1": (2, 1), "WO-2": (1, 0)}

    def shift(t):
        return "early" if 6 <= t.hour < 14 else "late"

    by_shift = fpy_by_shift(records, disps, shift_of=shift)
    assert {k: (v.inspected, v.first_pass) for k, v in by_shift.items()} == {
        "early": (2, 1), "late": (1, 0)}


def test_adapters_from_stored_rows():
    rid = uuid.uuid4()
    row = SimpleNamespace(id=rid, passed=False, order_code="WO-1", unit_serial=None,
                          plan_code="IP", lot_code=None, recorded_at=T0, quantity_inspected=50,
                          defects={"BURR": 2, "CRACK": 1}, supersedes_id=None)
    r = from_result(row)
    assert (r.quantity, r.failed_quantity, r.sample) == (50, 3, ("IP", "WO-1", None, T0))
    d = from_disposition(SimpleNamespace(disposition="rework", subject_kind="inspection",
                                         subject_identifier=str(rid), quantity=3,
                                         order_code=None, recorded_at=T0))
    out = fpy_by_order([r], [d])
    assert (out["WO-1"].inspected, out["WO-1"].first_pass, out["WO-1"].reworked) == (50, 47, 3)
