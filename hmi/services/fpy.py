"""First-pass yield (FPY) from inspection results and dispositions. Pure Python.

    FPY = units that passed every inspection the first time, without rework
          ÷ units inspected

What counts (docs/holds.md, "First-pass yield"):

* **A unit** is a serial number when results name one (every result for that serial,
  whatever the characteristic or plan, belongs to the one unit). Results without a
  serial belong to a *sample*: the caller's ``sample`` key (e.g. the plan and the form
  it was entered on); a sample covers ``quantity`` units (a partial-quantity inspection
  covers only the units it inspected — the rest were not inspected and are in neither
  the numerator nor the denominator). A sample's size is the largest ``quantity`` of its
  results.
* **First time**: a re-measurement (a result whose ``supersedes_id`` names another) is
  part of the same inspection as the result it re-measures. A unit whose inspection
  failed *at any point of the chain* did not pass the first time, even when a
  re-measurement later passed; a re-measurement never adds units.
* **Failed units of a sample**: ``failed_quantity`` of a failed result (e.g. the number
  of defective units of an attribute check), else the whole sample. The sample's
  failed units are the largest of its results' (the same units may fail several
  characteristics).
* **Rework**: a ``rework`` disposition naming a serial makes that unit not first-pass;
  one naming an inspection result makes its units not first-pass (they failed already:
  not counted twice). A rework of an order's suspect units (after a hold, never
  inspected) adds those units as inspected and not first-pass — the disposition is a
  quality judgement on them.
* Scrap, return and use-as-is dispositions do not change FPY: they decide what happens
  to units that already failed (or were suspect); FPY counts the first verdict.

Results are grouped per order (:func:`fpy_by_order`) or per shift (:func:`fpy_by_shift`,
the shift is the caller's label of the result's time, e.g. from the shift calendar).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class InspectionRecord:
    """One inspection result, as FPY needs it."""

    id: Hashable
    passed: bool
    order_code: str | None = None
    serial: str | None = None
    sample: Hashable | None = None
    quantity: int = 1
    failed_quantity: int | None = None
    supersedes_id: Hashable | None = None
    at: dt.datetime | None = None


@dataclass(frozen=True)
class DispositionFact:
    disposition: str
    subject_kind: str
    identifier: str
    quantity: int
    order_code: str | None = None
    at: dt.datetime | None = None


@dataclass(frozen=True)
class FpyResult:
    inspected: int
    first_pass: int
    #: Inspections that were re-measured (chains with more than one result).
    remeasured: int = 0
    #: Units sent to rework (counted as not first-pass).
    reworked: int = 0

    @property
    def rate(self) -> float | None:
        """first_pass / inspected, None when nothing was inspected."""
        return self.first_pass / self.inspected if self.inspected else None

    @property
    def percent(self) -> float | None:
        r = self.rate
        return None if r is None else 100.0 * r


def fpy(records: Iterable[InspectionRecord],
        dispositions: Iterable[DispositionFact] = ()) -> FpyResult:
    """First-pass yield over ``records`` and the rework among ``dispositions``."""
    recs = list(records)
    by_id = {r.id: r for r in recs}

    def root(r: InspectionRecord) -> Hashable:
        seen = set()
        while r.supersedes_id is not None and r.supersedes_id in by_id and r.id not in seen:
            seen.add(r.id)
            r = by_id[r.supersedes_id]
        return r.id

    chains: dict[Hashable, list[InspectionRecord]] = {}
    for r in recs:
        chains.setdefault(root(r), []).append(r)
    remeasured = sum(1 for c in chains.values() if len(c) > 1)

    # units: serial -> failed?; sample -> [size, failed units]
    serials: dict[str, bool] = {}
    samples: dict[Hashable, list[int]] = {}
    chain_unit: dict[Hashable, tuple[str, Hashable]] = {}
    for rid, chain in chains.items():
        first = by_id[rid]
        failed = [r for r in chain if not r.passed]
        if first.serial:
            serials[first.serial] = serials.get(first.serial, False) or bool(failed)
            chain_unit[rid] = ("serial", first.serial)
            continue
        key = first.sample if first.sample is not None else ("result", rid)
        size = max(max(1, int(r.quantity or 1)) for r in chain)
        bad = 0
        for r in failed:
            n = r.failed_quantity if r.failed_quantity is not None else size
            bad = max(bad, min(size, max(0, int(n))))
        cur = samples.setdefault(key, [0, 0])
        cur[0] = max(cur[0], size)
        cur[1] = min(cur[0], max(cur[1], bad))
        chain_unit[rid] = ("sample", key)

    reworked = 0
    extra = 0
    for d in dispositions:
        if d.disposition != "rework":
            continue
        n = max(0, int(d.quantity))
        reworked += n
        if d.subject_kind == "serial":
            # reworked without an inspection: the disposition judged it
            serials[d.identifier] = True
        elif d.subject_kind == "inspection":
            unit = chain_unit.get(_key(d.identifier, by_id))
            if unit is None:
                continue
            if unit[0] == "serial":
                serials[unit[1]] = True  # type: ignore[index]
            else:
                s = samples[unit[1]]
                s[1] = min(s[0], max(s[1], n))
        else:  # an order's (or a lot's) suspect units, never inspected
            extra += n

    inspected = len(serials) + sum(s[0] for s in samples.values()) + extra
    failed_units = sum(1 for f in serials.values() if f) + sum(s[1] for s in samples.values()) \
        + extra
    return FpyResult(inspected, inspected - failed_units, remeasured, reworked)


def _key(identifier: str, by_id: dict[Hashable, InspectionRecord]) -> Hashable:
    if identifier in by_id:
        return identifier
    for k in by_id:
        if str(k) == identifier:
            return k
    return identifier


def fpy_by_order(records: Iterable[InspectionRecord],
                 dispositions: Iterable[DispositionFact] = ()) -> dict[str, FpyResult]:
    """FPY per order code (records and dispositions without an order are left out)."""
    recs = list(records)
    ids = {r.id: r for r in recs}
    groups: dict[str, list[InspectionRecord]] = {}
    for r in recs:
        if r.order_code:
            groups.setdefault(r.order_code, []).append(r)
    disps: dict[str, list[DispositionFact]] = {}
    for d in dispositions:
        order = d.order_code or (d.identifier if d.subject_kind == "order" else None)
        if order is None and d.subject_kind == "inspection":
            rec = ids.get(_key(d.identifier, ids))
            order = rec.order_code if rec else None
        if order:
            disps.setdefault(order, []).append(d)
            groups.setdefault(order, [])
    return {o: fpy(groups[o], disps.get(o, ())) for o in sorted(groups)}


def fpy_by_shift(records: Iterable[InspectionRecord],
                 dispositions: Iterable[DispositionFact] = (), *,
                 shift_of: Callable[[dt.datetime], str]) -> dict[str, FpyResult]:
    """FPY per shift label, ``shift_of(time)`` of each result (a re-measurement counts in the
    shift of the result it re-measures) and of each disposition."""
    recs = list(records)
    ids = {r.id: r for r in recs}

    def first(r: InspectionRecord) -> InspectionRecord:
        seen = set()
        while r.supersedes_id in ids and r.id not in seen:
            seen.add(r.id)
            r = ids[r.supersedes_id]
        return r

    groups: dict[str, list[InspectionRecord]] = {}
    for r in recs:
        at = first(r).at
        if at is not None:
            groups.setdefault(shift_of(at), []).append(r)
    disps: dict[str, list[DispositionFact]] = {}
    for d in dispositions:
        if d.at is not None:
            label = shift_of(d.at)
            disps.setdefault(label, []).append(d)
            groups.setdefault(label, [])
    return {k: fpy(groups[k], disps.get(k, ())) for k in sorted(groups)}


def from_result(row: object) -> InspectionRecord:
    """An ``InspectionResult`` row as an :class:`InspectionRecord`.

    Without a serial, the sample is (plan, order, lot, recorded time): the results of one
    form entered together. Failed units: the summed ``defects`` counts of an attribute
    check (each defect on its own unit, an upper bound), else the whole sample.
    """
    def g(name: str) -> object:
        return getattr(row, name)

    defects = g("defects") or {}
    qty = int(g("quantity_inspected") or 1)
    failed = min(qty, sum(int(v) for v in defects.values())) if defects else None
    serial = g("unit_serial")
    sample = None if serial else (g("plan_code"), g("order_code"), g("lot_code"),
                                  g("recorded_at"))
    return InspectionRecord(g("id"), bool(g("passed")), g("order_code"), serial, sample, qty,
                            failed, g("supersedes_id"), g("recorded_at"))


def from_disposition(row: object) -> DispositionFact:
    """A ``DispositionEvent`` row as a :class:`DispositionFact`."""
    def g(name: str) -> object:
        return getattr(row, name)

    return DispositionFact(g("disposition"), g("subject_kind"), g("subject_identifier"),
                           int(g("quantity")), g("order_code"), g("recorded_at"))
